"""Registration of projects (R-PRJ-01, R-PRJ-02): awarded and directly awarded
projects, project codes, the site, and edits of the registry fields.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from django.db import transaction

from postaward.core import audit, clock, events, writes
from postaward.core.actor import Actor
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.core.writes import text
from postaward.orgs.choices import OWNER_KINDS, OrgKind, Role
from postaward.orgs.models import Organisation, Person

from ..choices import (
    ACTIVE_STATES,
    SMALL_WORKS_QUOTA,
    ProcurementMethod,
    ProjectClass,
    ProjectSource,
    SiteKind,
)
from ..events import (
    ProjectRegistered,
)
from ..models import (
    Project,
)
from ..workflows import OWNER_MANAGERS
from .assignment import _todo_assign
from .common import (
    Action,
    S,
    _amount,
    _facts,
    _synced,
    authority_for,
    chain_of_owner,
    classify,
    node,
)
from .lifecycle import begin_preparation

# --- registration (R-PRJ-01, R-PRJ-02) -------------------------------------------------------------


def register_project(
    *,
    actor: Actor,
    code: str,
    name: str,
    owner: Organisation | None,
    industry: str,
    contract_amount: Decimal,
    **fields: Any,
) -> Project:
    """Create a project record (the bidding feed, the owner's manual entry, the
    demo and the test district all come through here)."""
    if Project.objects.filter(code=code).exists():
        raise Conflict("项目编号已存在", field="code")
    if contract_amount < 0:
        raise ValidationFailed("合同金额不能为负数", field="contract_amount")
    fields.setdefault("project_class", classify(contract_amount))
    if owner is not None and "superior_unit" not in fields and "line" not in fields:
        fields["superior_unit"], fields["line"] = chain_of_owner(owner)
    with transaction.atomic():
        project = Project.objects.create(
            code=code,
            name=name,
            owner=owner,
            industry=industry,
            contract_amount=contract_amount,
            created_at=clock.now(),
            updated_at=clock.now(),
            **fields,
        )
        writes.created(project, actor=actor, action="projects.register_project")
        node(
            project,
            "registered",
            "项目生成（招投标系统推送）"
            if project.source == ProjectSource.BIDDING_FEED
            else "项目登记（建设单位录入）",
            actor=actor,
            detail=f"{project.get_procurement_method_display()}，{project.get_project_class_display()}",
        )
        events.publish(
            ProjectRegistered(
                **_facts(project, actor),
                source=project.source,
                procurement_method=project.procurement_method,
                project_class=project.project_class,
                contract_amount=str(project.contract_amount),
            )
        )
        if project.owner_id is None and project.industry_authority_id:
            _todo_assign(project, "superior_unit")
        elif project.owner_id and project.owner_leader_id is None and project.is_active:
            _todo_assign(project, "owner_leader")
    return project


def _next_code(prefix: str) -> str:
    year = clock.today().year
    stem = f"{prefix}{year}-"
    last = (
        Project.objects.filter(code__startswith=stem)
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    seq = int(last.rsplit("-", 1)[-1]) + 1 if last and last.rsplit("-", 1)[-1].isdigit() else 1
    return f"{stem}{seq:04d}"


def _site_fields(
    *,
    site_kind: str | None,
    lon: float | None = None,
    lat: float | None = None,
    radius_m: float | None = None,
    polygon: list[list[float]] | None = None,
    crs: str = "wgs84",
) -> dict[str, Any]:
    """Validate a site fence (stored WGS-84; a map in GCJ-02 sends GCJ-02)."""
    from postaward.core.geo import Site, gcj02_to_wgs84, out_of_china

    def to_wgs(x: float, y: float) -> tuple[float, float]:
        return gcj02_to_wgs84(x, y) if crs == "gcj02" else (x, y)

    if site_kind == SiteKind.CIRCLE:
        if lon is None or lat is None:
            raise ValidationFailed("请在地图上点选或填写场地中心经纬度", field="site_lon")
        if out_of_china(lon, lat):
            raise ValidationFailed("中心点不在中国境内，请核对经纬度（经度在前）", field="site_lon")
        if radius_m is None or not 20 <= float(radius_m) <= 5000:
            raise ValidationFailed("半径应在 20 至 5000 米之间", field="site_radius_m")
        wlon, wlat = to_wgs(float(lon), float(lat))
        return {
            "site_kind": SiteKind.CIRCLE,
            "site_lon": round(wlon, 7),
            "site_lat": round(wlat, 7),
            "site_radius_m": float(radius_m),
            "site_polygon": None,
        }
    if site_kind == SiteKind.POLYGON:
        points = list(polygon or [])
        if any(not isinstance(pt, list | tuple) or len(pt) not in (2, 3) for pt in points):
            raise ValidationFailed("多边形的每个顶点应为 [经度, 纬度]", field="site_polygon")
        ring = [[float(pt[0]), float(pt[1])] for pt in points]  # an altitude is ignored
        if not all(math.isfinite(c) for pt in ring for c in pt):
            raise ValidationFailed("多边形顶点的经纬度应为有限数字", field="site_polygon")
        if len(ring) >= 2 and ring[0] == ring[-1]:
            ring = ring[:-1]
        if len(ring) < 3:
            raise ValidationFailed("多边形至少需要 3 个顶点", field="site_polygon")
        if len(ring) > 200:
            raise ValidationFailed("多边形顶点不能超过 200 个", field="site_polygon")
        if any(out_of_china(x, y) for x, y in ring):
            raise ValidationFailed("多边形顶点不在中国境内，请核对经纬度", field="site_polygon")
        ring = [[round(c, 7) for c in to_wgs(x, y)] for x, y in ring]
        from shapely.geometry import Polygon

        if not Polygon(ring).is_valid:
            raise ValidationFailed("多边形的边不能自相交", field="site_polygon")
        site = Site.polygon([*ring, ring[0]])
        return {
            "site_kind": SiteKind.POLYGON,
            "site_lon": round(site.center_lon, 7),
            "site_lat": round(site.center_lat, 7),
            "site_radius_m": None,
            "site_polygon": [*ring, ring[0]],
        }
    raise ValidationFailed("请选择场地类型（圆形或多边形）", field="site_kind")


def register_direct_project(
    *,
    actor: Actor,
    name: str,
    procurement_method: str,
    industry: str,
    contract_amount: Decimal,
    planned_start: dt.date | None = None,
    planned_completion: dt.date | None = None,
    is_small_works: bool = False,
    super_large: bool = False,
    site_address: str = "",
    owner_leader: Person | None = None,
    award_date: dt.date | None = None,
) -> Project:
    """R-PRJ-02: a direct-award or emergency project entered by the owner's
    project leader (or the owner's administrator, who names the leader)."""
    owner_kind_ok = actor.org_kind in OWNER_KINDS
    is_leader = Role.OWNER_PROJECT_LEADER in actor.roles
    if not actor.is_system and not (owner_kind_ok and (is_leader or Role.ADMIN in actor.roles)):
        raise Forbidden("建设单位项目负责人方可录入直接发包、应急工程项目")
    if procurement_method not in (ProcurementMethod.DIRECT_AWARD, ProcurementMethod.EMERGENCY):
        raise ValidationFailed(
            "招标项目由招投标系统推送生成；建设单位只录入直接发包和应急工程项目",
            field="procurement_method",
        )
    name = text(name, field="name", label="项目名称", min_len=4, max_len=200)
    amount = _amount(contract_amount, field="contract_amount", label="合同金额")
    if is_small_works and amount >= SMALL_WORKS_QUOTA:
        raise ValidationFailed(
            f"限额以下小额工程的合同金额应低于 {SMALL_WORKS_QUOTA / 10000:,.0f} 万元",
            field="is_small_works",
        )
    if planned_start and planned_completion and planned_completion < planned_start:
        raise ValidationFailed("计划完工日期不能早于计划开工日期", field="planned_completion")
    owner = Organisation.objects.get(pk=actor.organisation_id)
    village = owner.kind == OrgKind.VILLAGE
    if super_large and village:
        raise ValidationFailed("村级工程不能同时为超大型工程", field="super_large")
    authority = authority_for(industry, owner.district_path)
    if authority is None:
        raise ValidationFailed("本区县尚无该行业的行业主管部门，请联系监管办", field="industry")
    leader: Person | None
    if is_leader and actor.person_id:
        leader = Person.objects.get(pk=actor.person_id)
    else:
        leader = owner_leader
    if leader is not None and leader.organisation_id != owner.pk:
        raise ValidationFailed("项目负责人应为本单位人员", field="owner_leader")
    prefix = "YJ" if procurement_method == ProcurementMethod.EMERGENCY else "ZF"
    with transaction.atomic():
        project = register_project(
            actor=actor,
            code=_next_code(prefix),
            name=name,
            owner=owner,
            industry=industry,
            contract_amount=amount,
            project_class=classify(amount, village=village, super_large=super_large),
            is_small_works=is_small_works,
            procurement_method=procurement_method,
            source=ProjectSource.MANUAL,
            region_code=owner.region_code,
            industry_authority=authority,
            owner_leader=leader,
            planned_start=planned_start,
            planned_completion=planned_completion,
            award_date=award_date or clock.today(),
            site_address=site_address.strip()[:200],
        )
        if leader is not None:
            begin_preparation(actor=actor, project=project)
            project.refresh_from_db()
    return project


EDITABLE_FIELDS = (
    "name",
    "industry",
    "contract_amount",
    "is_small_works",
    "planned_start",
    "planned_completion",
    "site_address",
    "region_name",
)


UPDATE_PROJECT = Action(
    OWNER_MANAGERS,
    "修改项目信息",
    lambda p: (
        ""
        if p.status in (S.REGISTERED, S.PREPARING)
        else "项目已开工，基本信息不能再修改（变更须走变更流程）"
    ),
)
SET_SITE = Action(
    OWNER_MANAGERS,
    "设置项目场地",
    lambda p: "" if p.status in ACTIVE_STATES else "项目已完工或终止，场地不能再修改",
)


def update_project(*, actor: Actor, project: Project, **changes: Any) -> Project:
    """Basic information, editable by the owner before works start (R-PRJ-03)."""
    UPDATE_PROJECT.check_who(project, actor)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(f"不能修改字段：{', '.join(sorted(unknown))}")
    with UPDATE_PROJECT.write(project, actor, "projects.update_project") as w:
        p = w.obj
        if "name" in changes:
            changes["name"] = text(
                changes["name"], field="name", label="项目名称", min_len=4, max_len=200
            )
        if "contract_amount" in changes:
            changes["contract_amount"] = _amount(
                changes["contract_amount"], field="contract_amount", label="合同金额"
            )
        amount = changes.get("contract_amount", p.contract_amount)
        small = changes.get("is_small_works", p.is_small_works)
        if small and amount >= SMALL_WORKS_QUOTA:
            raise ValidationFailed(
                f"限额以下小额工程的合同金额应低于 {SMALL_WORKS_QUOTA / 10000:,.0f} 万元",
                field="is_small_works",
            )
        start = changes.get("planned_start", p.planned_start)
        end = changes.get("planned_completion", p.planned_completion)
        if start and end and end < start:
            raise ValidationFailed("计划完工日期不能早于计划开工日期", field="planned_completion")
        for key, value in changes.items():
            setattr(p, key, value)
        if "contract_amount" in changes and p.project_class in (
            ProjectClass.GOV_BELOW,
            ProjectClass.GOV_ABOVE,
        ):
            p.project_class = classify(p.contract_amount)
        p.updated_at = clock.now()
        if audit.snapshot(p) == w.before:
            w.nothing_changed()
    return _synced(project, p)


def set_site(
    *,
    actor: Actor,
    project: Project,
    site_kind: str,
    lon: float | None = None,
    lat: float | None = None,
    radius_m: float | None = None,
    polygon: list[list[float]] | None = None,
    address: str | None = None,
    crs: str = "wgs84",
) -> Project:
    """The site fence used by check-ins: a circle or a polygon (WGS-84 stored)."""
    SET_SITE.check_who(project, actor)
    if crs not in ("wgs84", "gcj02"):
        raise ValidationFailed("坐标系应为 wgs84 或 gcj02", field="crs")
    fields = _site_fields(
        site_kind=site_kind, lon=lon, lat=lat, radius_m=radius_m, polygon=polygon, crs=crs
    )
    with SET_SITE.write(project, actor, "projects.set_site") as w:
        p = w.obj
        for key, value in fields.items():
            setattr(p, key, value)
        if address is not None:
            p.site_address = address.strip()[:200]
        p.updated_at = clock.now()
        desc = (
            f"圆形，中心 {p.site_lon:.6f},{p.site_lat:.6f}，半径 {p.site_radius_m:.0f} 米"
            if p.site_kind == SiteKind.CIRCLE
            else f"多边形，{len(p.site_polygon or []) - 1} 个顶点"
        )
        node(p, "site", "设置项目场地（考勤电子围栏）", actor=actor, detail=desc)
    return _synced(project, p)
