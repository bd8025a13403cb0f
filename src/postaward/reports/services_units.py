"""The monthly reports' directory (月度报告报送单位, ADR 0933): which units of
an office's district report monthly (报送部门, by the 20th) and which one
coordinates (牵头单位, the district summary by the 25th). Opening a month reads
the active ones (``services_monthly.open_month``). The office's administrator
keeps it; every write is audited.

An office without a directory (a district set up after the data migration) is
given the default of ADR 0920 the first time it is read: the district's
industry authorities and public security report; its DRC, else the office,
coordinates."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from postaward.core import clock, idempotency, writes
from postaward.core.actor import SYSTEM, Actor
from postaward.core.errors import Forbidden, NotFound, ValidationFailed
from postaward.orgs.choices import OrgKind, Role
from postaward.orgs.models import Organisation

from .choices import UnitRole
from .models import ReportingUnit, snapshot_unit

# ADR 0920: the default reporting departments (YJ 四(三) names 住建、交运、水务、
# 自然资源和规划、公安): the district's industry authorities and public security.
DEPARTMENT_KINDS = (OrgKind.INDUSTRY_AUTHORITY, OrgKind.PUBLIC_SECURITY)
# the units that may be listed: the district's government bodies (not the
# owners, villages or enterprises)
ELIGIBLE_KINDS = (
    OrgKind.SUPERVISION_OFFICE,
    OrgKind.INDUSTRY_AUTHORITY,
    OrgKind.SUPERIOR_UNIT,
    OrgKind.TOWNSHIP,
    OrgKind.AUDIT_BUREAU,
    OrgKind.FINANCE_BUREAU,
    OrgKind.DRC,
    OrgKind.DISCIPLINE,
    OrgKind.PUBLIC_SECURITY,
)
DENIED = "仅监管办管理员可以维护月度报告报送单位"
READ_DENIED = "月度报告报送单位由监管办维护和查看"


def may_read(actor: Actor) -> bool:
    return (
        actor.user_id is not None
        and actor.org_kind == OrgKind.SUPERVISION_OFFICE
        and bool(actor.roles)
    )


def may_edit(actor: Actor) -> bool:
    return may_read(actor) and Role.ADMIN in actor.roles


def office_of_actor(actor: Actor) -> Organisation:
    office = Organisation.objects.filter(
        pk=actor.organisation_id, kind=OrgKind.SUPERVISION_OFFICE
    ).first()
    if office is None:
        raise Forbidden(READ_DENIED)
    return office


def ensure(office: Organisation) -> None:
    """The default directory for an office that has none (audited as the system)."""
    if ReportingUnit.objects.filter(office=office).exists():
        return
    root = office.district_path
    with transaction.atomic():
        if ReportingUnit.objects.select_for_update().filter(office=office).exists():
            return  # pragma: no cover - a concurrent first read
        for org in Organisation.objects.filter(
            path__startswith=root, kind__in=DEPARTMENT_KINDS
        ).order_by("path"):
            _create(SYSTEM, office, org, UnitRole.DEPARTMENT, True, "默认报送部门")
        drc = (
            Organisation.objects.filter(path__startswith=root, kind=OrgKind.DRC)
            .order_by("path")
            .first()
        )
        _create(SYSTEM, office, drc or office, UnitRole.COORDINATOR, True, "默认牵头单位")


def _create(
    actor: Actor, office: Organisation, org: Organisation, role: str, active: bool, note: str
) -> ReportingUnit:
    u = ReportingUnit.objects.create(
        office=office,
        organisation=org,
        role=role,
        active=active,
        note=note,
        updated_by_name=actor.display_name or actor.username,
    )
    return writes.created(u, actor=actor, action="reports.unit_added", snapshot=snapshot_unit)


def departments(office: Organisation) -> QuerySet[Organisation]:
    """The active reporting departments of the office's district."""
    ensure(office)
    return Organisation.objects.filter(
        pk__in=ReportingUnit.objects.filter(
            office=office, role=UnitRole.DEPARTMENT, active=True
        ).values("organisation_id")
    ).order_by("path")


def coordinator(office: Organisation) -> Organisation:
    """The active coordinating body; the office itself when none is active."""
    ensure(office)
    u = (
        ReportingUnit.objects.filter(office=office, role=UnitRole.COORDINATOR, active=True)
        .select_related("organisation")
        .first()
    )
    return u.organisation if u is not None else office


def coordinated_offices(organisation_id: int | None) -> QuerySet[Any]:
    """The offices whose active coordinating body is this unit (its scope on
    the monthly reports)."""
    return ReportingUnit.objects.filter(
        organisation_id=organisation_id, role=UnitRole.COORDINATOR, active=True
    ).values("office_id")


def eligible(office: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        path__startswith=office.district_path, kind__in=ELIGIBLE_KINDS, is_active=True
    ).order_by("path")


def _role(value: Any) -> str:
    if value not in UnitRole.values:
        raise ValidationFailed("角色不正确（报送部门或牵头单位）", field="role")
    return str(value)


def _note(value: Any) -> str:
    note = (value or "").strip()
    if len(note) > 200:
        raise ValidationFailed("备注过长（最多 200 个字）", field="note")
    return note


def _one_coordinator(office: Organisation, role: str, active: bool, exclude: Any = None) -> None:
    if role != UnitRole.COORDINATOR or not active:
        return
    other = ReportingUnit.objects.filter(office=office, role=UnitRole.COORDINATOR, active=True)
    if exclude is not None:
        other = other.exclude(pk=exclude)
    name = other.values_list("organisation__name", flat=True).first()
    if name is not None:
        raise ValidationFailed(f"已有启用的牵头单位（{name}），请先停用后再设置", field="role")


def add(
    *,
    actor: Actor,
    organisation_id: Any,
    role: Any,
    active: bool = True,
    note: str = "",
    idempotency_key: str | None = None,
) -> ReportingUnit:
    """添加报送单位 (the office's administrator)."""
    if not may_edit(actor):
        raise Forbidden(DENIED)
    office = office_of_actor(actor)
    ensure(office)
    org = eligible(office).filter(pk=organisation_id).first() if organisation_id else None
    if org is None:
        raise ValidationFailed("请选择本区的政府部门或单位", field="organisation")
    payload: dict[str, Any] = {
        "organisation": org.pk,
        "role": _role(role),
        "active": bool(active),
        "note": _note(note),
    }

    def run() -> tuple[int, Any]:
        if ReportingUnit.objects.filter(office=office, organisation=org).exists():
            raise ValidationFailed("该单位已在报送单位名录中", field="organisation")
        _one_coordinator(office, payload["role"], payload["active"])
        return 201, _create(
            actor, office, org, payload["role"], payload["active"], payload["note"]
        ).pk

    with transaction.atomic():
        _, pk, _ = idempotency.run(
            user_id=actor.user_id,
            scope="reports.reporting_unit",
            key=idempotency_key,
            payload=payload,
            fn=run,
        )
    return ReportingUnit.objects.select_related("organisation").get(pk=pk)


def load(actor: Actor, pk: Any) -> ReportingUnit:
    if not may_read(actor):
        raise Forbidden(READ_DENIED)
    u = ReportingUnit.objects.visible_to(actor).select_related("organisation").filter(pk=pk).first()
    if u is None:
        raise NotFound()
    return u


def change(
    *, actor: Actor, unit: ReportingUnit, role: Any = None, active: Any = None, note: Any = None
) -> ReportingUnit:
    """修改报送单位 (role, 启用/停用, note); an unchanged edit records nothing."""
    if not may_edit(actor):
        raise Forbidden(DENIED)
    new_role = unit.role if role is None else _role(role)
    new_active = unit.active if active is None else bool(active)
    new_note = unit.note if note is None else _note(note)
    with writes.audited(
        ReportingUnit.objects.visible_to(actor),
        pk=unit.pk,
        actor=actor,
        action="reports.unit_changed",
        snapshot=snapshot_unit,
    ) as w:
        u = w.obj
        if (u.role, u.active, u.note) == (new_role, new_active, new_note):
            w.nothing_changed()
            return u  # type: ignore[no-any-return]
        _one_coordinator(u.office, new_role, new_active, exclude=u.pk)
        u.role, u.active, u.note = new_role, new_active, new_note
        u.updated_at = clock.now()
        u.updated_by_name = actor.display_name or actor.username
    return ReportingUnit.objects.select_related("organisation").get(pk=unit.pk)
