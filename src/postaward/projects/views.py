"""Pages of the project registry: list, map, statistics, registration, import,
the project page (archive) with its forms, the printable archive and its PDF.

Views parse input, call one service or selector and render; refusals from the
services are shown beside the field or on top of the form."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from postaward.core import clock, files
from postaward.core.actor import Actor
from postaward.core.errors import DomainError, Forbidden, NotFound
from postaward.core.lists import Column, Filter, ListSpec, render_list
from postaward.core.scoping import get_visible_or_404
from postaward.core.web import actor_of, flash_error, form_error, page_view
from postaward.orgs.choices import (
    ENTERPRISE_KINDS,
    OWNER_KINDS,
    SUPERIOR_KINDS,
    Industry,
    OrgKind,
    Role,
)
from postaward.orgs.models import Organisation, Person, Qualification

from . import archive, forms, imports, selectors, services, workflows
from .choices import (
    ACCEPTED_CERTIFICATES,
    ACTIVE_STATES,
    CONTRACTOR_POSITIONS,
    STATUS_COLOURS,
    BanReason,
    DataCompletionState,
    ImportChannel,
    ParticipantRole,
    Position,
    ProjectClass,
    ProjectStatus,
    SuspensionState,
)
from .models import (
    AbnormalAwardEvent,
    AwardImport,
    CheckinStage,
    DataCompletionApplication,
    KeyPersonAssignment,
    Participant,
    PersonnelBan,
    Project,
    ProjectDocument,
    Suspension,
)
from .workflows import OWNER_MANAGERS, superior_of

S = ProjectStatus


# --- helpers ---------------------------------------------------------------------------------------


def _project(request: HttpRequest, pk: int) -> Project:
    return get_visible_or_404(
        Project.objects.select_related(
            "owner", "superior_unit", "line", "industry_authority", "owner_leader"
        ),
        actor_of(request),
        pk=pk,
    )


def _back(project: Project, anchor: str = "") -> str:
    return reverse("project_detail", args=[project.pk]) + (f"#{anchor}" if anchor else "")


def _form_page(
    request: HttpRequest,
    *,
    project: Project | None,
    form: Any,
    title: str,
    on_valid: Callable[[Any], Any],
    success: str,
    back: str | None = None,
    intro: str = "",
    basis: str = "",
    multipart: bool = False,
    submit: str = "提交",
    extra: dict[str, Any] | None = None,
    template: str = "projects/form.html",
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            result = on_valid(form)
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
            form_error(form, exc)
            if len(exc.errors) > 1:
                form.missing = exc.errors
        else:
            messages.success(request, success)
            if isinstance(result, HttpResponse):
                return result
            return redirect(back or (_back(project) if project else "project_list"))
    ctx = {
        "project": project,
        "form": form,
        "title": title,
        "intro": intro,
        "basis": basis,
        "multipart": multipart,
        "submit": submit,
        "cancel": back or (_back(project) if project else reverse("project_list")),
        "missing": getattr(form, "missing", None),
    }
    ctx.update(extra or {})
    return render(request, template, ctx)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise Forbidden(message)


def _filters(request: HttpRequest, actor: Actor) -> tuple[forms.ProjectFilterForm, dict[str, Any]]:
    form = forms.ProjectFilterForm(request.GET or None, regions=selectors.region_choices(actor))
    filters = dict(form.cleaned_data) if form.is_valid() else {}
    if request.GET.get("unassigned") == "1":  # from the home page's "待分配项目"
        filters["unassigned"] = True
    return form, filters


def _map_settings() -> dict[str, Any]:
    """Government intranets have no internet: the map draws on a plain canvas
    with a coordinate grid, unless a tile source is configured (settings
    POSTAWARD_MAP: a Leaflet URL template, its key, subdomains, datum); the
    district boundary comes from a GeoJSON file (docs/operations.md)."""
    conf = settings.POSTAWARD_MAP
    centre = str(conf["CENTER"]).split(",")
    tile_url = conf["TILE_URL"]
    return {
        "tile_url": tile_url,
        "label_url": conf["LABEL_URL"] if tile_url else "",
        "tile_key": conf["TILE_KEY"],
        "subdomains": conf["SUBDOMAINS"],
        "attribution": conf["ATTRIBUTION"],
        "crs": conf["CRS"] if tile_url and conf["CRS"] in ("wgs84", "gcj02") else "wgs84",
        "centre": [float(centre[0]), float(centre[1])],
        "boundary": _boundary(conf["BOUNDARY"]),
    }


# The map colours a site by its highest unresolved alert (core colours of the shell).
ALERT_LEGEND = [
    (0, "无待办预警", "green"),
    (1, "蓝色", "blue"),
    (2, "黄色", "yellow"),
    (3, "橙色", "orange"),
    (4, "红色", "red"),
]


def _map_options(m: dict[str, Any], url: str) -> dict[str, Any]:
    """What projects.js needs, handed over as JSON (json_script)."""
    return {
        "url": url,
        "tileUrl": m["tile_url"],
        "labelUrl": m["label_url"],
        "tileKey": m["tile_key"],
        "subdomains": m["subdomains"],
        "attribution": m["attribution"],
        "centre": m["centre"],
        "boundary": m["boundary"],
    }


@functools.cache
def _boundary_file(path: str) -> dict[str, Any] | None:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    geom = data.get("geometry", data) if isinstance(data, dict) else None
    if not isinstance(geom, dict) or geom.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    return {"type": "Feature", "properties": data.get("properties") or {}, "geometry": geom}


def _boundary(path: str) -> dict[str, Any] | None:
    return _boundary_file(path) if path else None


def can_register(actor: Actor) -> bool:
    return actor.org_kind in OWNER_KINDS and bool(
        actor.roles & {Role.OWNER_PROJECT_LEADER, Role.ADMIN}
    )


def can_import(actor: Actor) -> bool:
    return imports._may_import(actor)


def can_see_bans(actor: Actor) -> bool:
    return actor.org_kind in (
        OrgKind.SUPERVISION_OFFICE,
        OrgKind.INDUSTRY_AUTHORITY,
        OrgKind.DISCIPLINE,
        *SUPERIOR_KINDS,
        OrgKind.LINE,
    )


# --- list, map, statistics --------------------------------------------------------------------------


def _date(value: Any) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def _project_spec(actor: Actor) -> ListSpec:
    """项目台账 on the list component. The filter names are the map's and the
    statistics' (ProjectFilterForm): the tabs carry one query between them."""

    def stage(qs: Any, v: str) -> Any:
        return (
            qs.filter(status__in=selectors.STAGE_GROUPS[v][1])
            if v in selectors.STAGE_GROUPS
            else qs.filter(status=v)
        )

    def contractor(qs: Any, v: str) -> Any:
        return qs.filter(
            pk__in=Participant.objects.filter(
                organisation__name__icontains=v, role=ParticipantRole.CONTRACTOR
            ).values("project_id")
        )

    stage_choices = forms.ProjectFilterForm.base_fields["stage"].choices  # type: ignore[attr-defined]
    return ListSpec(
        key="projects",
        title="项目列表",
        columns=[
            Column("code", "项目编号", lambda p: p.code, sort="code"),
            Column(
                "name",
                "项目名称",
                lambda p: p.name,
                sort="name",
                link=lambda p: reverse("project_detail", args=[p.pk]),
                note=lambda p: "、".join(
                    x
                    for x in (
                        "限额以下" if p.is_small_works else "",
                        "" if p.is_platform_covered else "未纳入监管",
                    )
                    if x
                ),
            ),
            Column("class", "类别", lambda p: p.get_project_class_display(), sort="project_class"),
            Column("industry", "行业", lambda p: p.get_industry_display(), sort="industry"),
            Column("region", "区域", lambda p: p.region_name, sort="region_name"),
            Column(
                "owner",
                "建设单位",
                lambda p: p.owner.name if p.owner else "（待分配）",
                sort="owner__name",
            ),
            Column(
                "amount",
                "合同金额",
                lambda p: p.contract_amount,
                sort="contract_amount",
                money="contract_amount",
            ),
            Column(
                "status",
                "状态",
                lambda p: p.get_status_display(),
                sort="status",
                tag=lambda p: STATUS_COLOURS.get(p.status, "grey"),
            ),
            Column("start", "实际开工", lambda p: _date(p.actual_start), sort="actual_start"),
            Column(
                "completion",
                "实际完工",
                lambda p: _date(p.actual_completion),
                sort="actual_completion",
            ),
        ],
        filters=[
            Filter("project_class", "类别", "project_class", choices=ProjectClass.choices),
            Filter("industry", "行业", "industry", choices=Industry.choices),
            Filter(
                "stage", "阶段", "status", choices=[c for c in stage_choices if c[0]], apply=stage
            ),
            Filter(
                "region_name",
                "区域",
                "region_name",
                choices=lambda: selectors.region_choices(actor),
            ),
            Filter("owner", "建设单位", "owner__name", kind="text"),
            Filter("contractor", "施工单位", "", kind="text", apply=contractor),
            Filter("small_works", "限额以下", "is_small_works", choices=[("1", "是"), ("0", "否")]),
            Filter("from", "实际开工起", "actual_start", kind="date_from"),
            Filter("to", "实际开工止", "actual_start", kind="date_to"),
        ],
        search=("name", "code", "ocid"),
        search_label="名称/编号",
        row_url=lambda p: reverse("project_archive", args=[p.pk]),
        row_action="档案",
        empty="没有符合条件的项目",
        export_name="项目",
        keep=("unassigned",),  # the home page's 待分配项目 stays through the filters
    )


@page_view
def project_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    unassigned = request.GET.get("unassigned") == "1"  # from the home page's "待分配项目"
    qs = selectors.projects(actor, filters={"unassigned": True} if unassigned else {})
    return render_list(
        request,
        _project_spec(actor),
        qs,
        template="projects/project_list.html",
        context={
            "tab": "list",
            "icon": "bi-building",
            "section": "项目监管",
            "can_register": can_register(actor),
            "can_import": can_import(actor),
        },
    )


@page_view
def project_map(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form, f = _filters(request, actor)
    return render(
        request,
        "projects/project_map.html",
        {
            "filter_form": form,
            "tab": "map",
            "map": (m := _map_settings()),
            "map_options": _map_options(
                m, f"/api/v1/projects/map?crs={m['crs']}&{request.GET.urlencode()}"
            ),
            "alert_legend": ALERT_LEGEND,
            "query": request.GET.urlencode(),
            "colours": STATUS_COLOURS,
            "counts": selectors.counts(actor, filters=f)["stage"],
            "can_register": can_register(actor),
            "can_import": can_import(actor),
        },
    )


@page_view
def project_stats(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form, f = _filters(request, actor)
    counts = selectors.counts(actor, filters=f)
    return render(
        request,
        "projects/project_stats.html",
        {
            "filter_form": form,
            "tab": "stats",
            "counts": counts,
            "total": sum(c["value"] for c in counts["stage"]),
            "can_register": can_register(actor),
            "can_import": can_import(actor),
        },
    )


# --- registration and import ------------------------------------------------------------------------


@page_view
def project_create(request: HttpRequest) -> HttpResponse:
    """R-PRJ-02: direct-award and emergency projects entered by the owner."""
    actor = actor_of(request)
    _require(can_register(actor), "建设单位项目负责人或总管方可录入项目")
    leaders = None
    if Role.OWNER_PROJECT_LEADER not in actor.roles:
        leaders = [
            (p.pk, f"{p.name}（{p.title}）" if p.title else p.name)
            for p in Person.objects.filter(organisation_id=actor.organisation_id, is_active=True)
        ]
    form = forms.DirectProjectForm(request.POST or None, leaders=leaders)

    def save(f: forms.DirectProjectForm) -> HttpResponse:
        d = dict(f.cleaned_data)
        leader_id = d.pop("owner_leader", None)
        leader = (
            Person.objects.filter(pk=leader_id, organisation_id=actor.organisation_id).first()
            if leader_id
            else None
        )
        p = services.register_direct_project(actor=actor, owner_leader=leader, **d)
        return redirect(reverse("project_site", args=[p.pk]) + "?new=1")

    return _form_page(
        request,
        project=None,
        form=form,
        title="录入直接发包、应急工程项目",
        intro="招标项目由招投标系统推送生成；直接发包和应急工程由建设单位项目负责人录入（R-PRJ-02）。"
        "保存后依次设置项目场地、参建单位及合同、关键岗位人员，齐备后即可开工。",
        on_valid=save,
        success="项目已登记，请设置项目场地",
        submit="保存并设置场地",
    )


@page_view
def project_import(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _require(can_import(actor), "仅监管办或招投标系统对接账号可以导入中标项目")
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            form.add_error("file", "文件不能超过 20 MB")
        else:
            data = upload.read()
            try:
                report = imports.import_awards(
                    actor=actor,
                    data=data,
                    fmt=imports.format_of(upload.name, data),
                    channel=ImportChannel.PAGE,
                    filename=upload.name,
                )
            except DomainError as exc:
                form_error(form, exc)
            else:
                return redirect("project_import_detail", pk=report.batch.pk)  # type: ignore[union-attr]
    batches = AwardImport.objects.visible_to(actor)[:20]
    return render(
        request,
        "projects/import.html",
        {"form": form, "batches": batches, "report": report, "columns": imports.CSV_COLUMNS},
    )


@page_view
def project_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    _require(can_import(actor), "仅监管办或招投标系统对接账号可以查看导入记录")
    batch = get_visible_or_404(AwardImport.objects, actor, pk=pk)
    return render(request, "projects/import_detail.html", {"batch": batch})


@page_view
def csv_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(imports.csv_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        "attachment; filename*=UTF-8''%E4%B8%AD%E6%A0%87%E9%A1%B9%E7%9B%AE%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.csv"
    )
    return response


# --- the project page (archive) --------------------------------------------------------------------


def _can(project: Project, actor: Actor) -> dict[str, Any]:
    p, a = project, actor
    owner_mgr = OWNER_MANAGERS(p, a)
    editable = p.status in ACTIVE_STATES or (
        not p.is_platform_covered
        and p.data_completions.filter(state=DataCompletionState.APPROVED).exists()
    )
    open_suspension = p.suspensions.filter(
        state__in=(SuspensionState.DECLARED, SuspensionState.CONFIRMED)
    ).first()
    contractor_parts = [
        pt
        for pt in p.participants.filter(role=ParticipantRole.CONTRACTOR, allows_subcontract=True)
        if services.common._contractor_side(p, pt, a)
    ]
    return {
        "edit": owner_mgr and p.status in (S.REGISTERED, S.PREPARING),
        "site": owner_mgr and p.status in ACTIVE_STATES,
        "registry": owner_mgr and editable,
        "personnel": editable
        and (
            owner_mgr
            or (
                a.org_kind in ENTERPRISE_KINDS
                and bool(a.roles & {Role.ADMIN, Role.UNIT_LEADER})
                and p.participants.filter(organisation_id=a.organisation_id or 0).exists()
            )
        ),
        "stages": owner_mgr and p.status in ACTIVE_STATES,
        "declare": owner_mgr and p.status == S.UNDER_CONSTRUCTION and open_suspension is None,
        "confirm": workflows.may(p, "suspend", a),
        "interview": services.INTERVIEW_RECORDERS(p, a) and p.status in (S.REGISTERED, S.PREPARING),
        "abnormal": services.ABNORMAL_RECORDERS(p, a)
        and p.status in (S.REGISTERED, S.PREPARING, S.TERMINATED),
        "review": services.ABNORMAL_REVIEWERS(p, a),
        "subcontract": bool(contractor_parts)
        and p.status in (S.PREPARING, S.UNDER_CONSTRUCTION, S.SUSPENDED),
        "mark_uncovered": services.COVERAGE_MARKERS(p, a) and p.is_platform_covered,
        "apply_completion": owner_mgr
        and not p.is_platform_covered
        and not p.data_completions.exclude(state=DataCompletionState.REJECTED).exists(),
        "decide_completion": a.is_system or superior_of(p, a),
        "backfill": owner_mgr and not p.is_platform_covered,
        "documents": owner_mgr,
        "assign": any(services.may_assign(p, a, lvl) for lvl in services.ASSIGN_LEVELS)
        and p.status in ACTIVE_STATES,
        "ban": services.BAN_RECORDERS(p, a),
        "open_suspension": open_suspension,
    }


@page_view
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    ctx = archive.context(project, actor)
    recent = list(reversed(ctx["timeline"]))
    ctx.update(
        can=_can(project, actor),
        # Confirming a suspension is done on its row; preparation begins by itself.
        available=[t for t in workflows.available(project, actor) if t["name"] in TRANSITION_FORMS],
        recent_timeline=recent[:20],
        more_timeline=max(0, len(recent) - 20),
        readiness=selectors.readiness(project),
        show_readiness=project.status in (S.REGISTERED, S.PREPARING),
        due_today=selectors.assignments_due_on(project, clock.today())
        if project.status == S.UNDER_CONSTRUCTION
        else [],
        today=clock.today(),
        map=_map_settings(),
    )
    return render(request, "projects/project_detail.html", ctx)


@page_view
def project_archive(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    return render(request, "projects/archive.html", archive.context(project, actor))


@page_view
def project_archive_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    return archive.pdf_response(_project(request, pk), actor)


@page_view
def document_download(request: HttpRequest, pk: int, doc_id: int) -> HttpResponse:
    project = _project(request, pk)
    # A streamed file (page_view passes any response through).
    response = files.download(
        ProjectDocument.objects,
        actor_of(request),
        doc_id,
        project=project,
        download=request.GET.get("download") == "1",
    )
    return cast(HttpResponse, response)


# --- basic information, site, assignment ---------------------------------------------------------


@page_view
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    _require(OWNER_MANAGERS(project, actor), "建设单位项目负责人或总管方可修改项目信息")
    initial = {k: getattr(project, k) for k in services.EDITABLE_FIELDS}
    form = forms.ProjectEditForm(request.POST or None, initial=initial)

    def save(f: forms.ProjectEditForm) -> None:
        changes = {k: v for k, v in f.cleaned_data.items() if v != initial.get(k)}
        services.update_project(actor=actor, project=project, **changes)

    return _form_page(
        request,
        project=project,
        form=form,
        title="修改项目基本信息",
        on_valid=save,
        success="项目信息已保存",
    )


@page_view
def project_site(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    _require(OWNER_MANAGERS(project, actor), "建设单位项目负责人或总管方可设置项目场地")
    m = _map_settings()
    site = project.site
    initial: dict[str, Any] = {
        "site_kind": project.site_kind or "circle",
        "address": project.site_address,
        "crs": m["crs"],
        "radius_m": project.site_radius_m or 200,
    }
    if site is not None:
        from postaward.core.geo import wgs84_to_gcj02

        conv = wgs84_to_gcj02 if m["crs"] == "gcj02" else (lambda x, y: (x, y))
        lon, lat = conv(site.center_lon, site.center_lat)
        initial.update(lon=round(lon, 6), lat=round(lat, 6))
        if site.kind == "polygon":
            import json

            initial["polygon"] = json.dumps([list(conv(x, y)) for x, y in site.ring[:-1]])
    form = forms.SiteForm(request.POST or None, initial=initial)

    def save(f: forms.SiteForm) -> None:
        d = f.cleaned_data
        services.set_site(
            actor=actor,
            project=project,
            site_kind=d["site_kind"],
            lon=d.get("lon"),
            lat=d.get("lat"),
            radius_m=d.get("radius_m"),
            polygon=d.get("polygon"),
            address=d.get("address"),
            crs=d.get("crs") or "wgs84",
        )

    return _form_page(
        request,
        project=project,
        form=form,
        title="设置项目场地（考勤电子围栏）",
        intro="在地图上单击选择场地中心并填写半径；或选择“多边形”后依次单击各顶点。坐标为 WGS-84 经纬度。",
        on_valid=save,
        success="项目场地已保存",
        back=_back(project, "organisation") if request.GET.get("new") else None,
        template="projects/site_form.html",
        extra={"map": m},
    )


@page_view
def project_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """R-ORG-03: each level assigns the project one step down the chain."""
    actor = actor_of(request)
    project = _project(request, pk)
    levels = [lvl for lvl in services.ASSIGN_LEVELS if services.may_assign(project, actor, lvl)]
    _require(bool(levels), "当前账号不能分配本项目")
    level = request.GET.get("level") or request.POST.get("level") or levels[-1]
    if level not in levels:
        raise Forbidden()
    form = forms.TargetForm(
        request.POST or None,
        label=services.ASSIGN_LEVELS[level],
        choices=services.assign_choices(project, actor, level),
    )

    def save(f: forms.TargetForm) -> None:
        services.assign(
            actor=actor, project=project, level=level, target_id=int(f.cleaned_data["target"])
        )

    return _form_page(
        request,
        project=project,
        form=form,
        title=f"分配{services.ASSIGN_LEVELS[level]}",
        intro="项目逐级分配：行业主管部门 → 主管单位（条线）→ 建设单位 → 项目负责人，每一级由该级总管办理（R-ORG-03）。",
        on_valid=save,
        success="已分配",
        extra={"level": level, "levels": [(lvl, services.ASSIGN_LEVELS[lvl]) for lvl in levels]},
        template="projects/assign_form.html",
    )


# --- participants, contracts, key personnel ---------------------------------------------------------


def _district_orgs(actor: Actor, project: Project) -> list[tuple[str, list[tuple[int, str]]]]:
    district = project.owner.district_path if project.owner else actor.district_path
    groups = []
    for role, label in ParticipantRole.choices:
        orgs = Organisation.objects.filter(kind=role, path__startswith=district, is_active=True)
        groups.append((label, [(o.pk, o.name) for o in orgs]))
    return groups


@page_view
def participant_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    _require(OWNER_MANAGERS(project, actor), "建设单位项目负责人方可完善参建单位信息")
    form = forms.ParticipantForm(
        request.POST or None,
        request.FILES or None,
        organisations=_district_orgs(actor, project),
        initial={"role": request.GET.get("role", ParticipantRole.CONTRACTOR)},
    )

    def save(f: forms.ParticipantForm) -> None:
        d = f.cleaned_data
        org = Organisation.objects.get(pk=int(d["organisation"]))
        fields = {
            k: d[k]
            for k in (
                "contract_number",
                "contract_amount",
                "contract_signed_on",
                "allows_subcontract",
            )
            if d.get(k) not in (None, "")
        }
        services.add_participant(
            actor=actor,
            project=project,
            organisation=org,
            role=d["role"],
            contract_upload=d.get("contract_file"),
            **fields,
        )

    return _form_page(
        request,
        project=project,
        form=form,
        title="登记参建单位",
        intro="施工、监理、设计、勘察、预算、检测、招标代理等参建单位及其合同（R-PRJ-03）。",
        on_valid=save,
        success="参建单位已登记",
        back=_back(project, "organisation"),
        multipart=True,
    )


@page_view
def participant_contract(request: HttpRequest, pk: int, participant_id: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    part = (
        Participant.objects.filter(project=project, pk=participant_id)
        .select_related("organisation")
        .first()
    )
    if part is None:
        raise NotFound()
    _require(OWNER_MANAGERS(project, actor), "建设单位项目负责人方可上传合同")
    form = forms.ContractForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "contract_number": part.contract_number,
            "contract_amount": part.contract_amount,
            "contract_signed_on": part.contract_signed_on,
            "allows_subcontract": part.allows_subcontract,
        },
    )

    def save(f: forms.ContractForm) -> None:
        d = f.cleaned_data
        services.upload_contract(
            actor=actor,
            participant=part,
            upload=d["contract_file"],
            contract_number=d["contract_number"],
            contract_signed_on=d["contract_signed_on"],
            contract_amount=d.get("contract_amount"),
            allows_subcontract=d.get("allows_subcontract", False),
        )

    return _form_page(
        request,
        project=project,
        form=form,
        title=f"上传合同：{part.get_role_display()} {part.organisation.name}",
        on_valid=save,
        success="合同已上传",
        back=_back(project, "organisation"),
        multipart=True,
    )


@page_view
@require_POST
def participant_delete(request: HttpRequest, pk: int, participant_id: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    part = Participant.objects.filter(project=project, pk=participant_id).first()
    if part is None:
        raise NotFound()
    try:
        services.remove_participant(actor=actor, participant=part)
        messages.success(request, "参建单位已删除")
    except (Forbidden, NotFound):
        raise
    except DomainError as exc:
        flash_error(request, exc)
    return redirect(_back(project, "organisation"))


@page_view
def person_assign(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    can = _can(project, actor)
    _require(can["personnel"], "建设单位项目负责人或参建单位总管方可配备关键岗位人员")
    parts = list(
        project.participants.filter(
            role__in=(ParticipantRole.CONTRACTOR, ParticipantRole.SUPERVISING_FIRM)
        ).select_related("organisation")
    )
    if actor.org_kind in ENTERPRISE_KINDS:
        parts = [pt for pt in parts if pt.organisation_id == actor.organisation_id]
    people_groups = []
    cert_groups = []
    for pt in parts:
        persons = list(
            Person.objects.filter(organisation_id=pt.organisation_id, is_active=True).order_by(
                "name"
            )
        )
        people_groups.append(
            (
                f"{pt.get_role_display()}：{pt.organisation.name}",
                [(p.pk, f"{p.name}（{p.title}）" if p.title else p.name) for p in persons],
            )
        )
        for q in Qualification.objects.filter(person__in=persons).select_related("person"):
            label = f"{q.get_kind_display()} {q.number}（有效期至 {q.valid_until or '长期'}）"
            cert_groups.append((f"{q.person.name}（#{q.person_id}）", [(q.pk, label)]))
    merged: dict[str, list[tuple[int, str]]] = {}
    for label, items in cert_groups:
        merged.setdefault(label, []).extend(items)
    form = forms.KeyPersonForm(
        request.POST or None,
        people=people_groups,
        certificates=list(merged.items()),
        initial={"position": request.GET.get("position", "")},
    )

    def save(f: forms.KeyPersonForm) -> None:
        d = f.cleaned_data
        person = Person.objects.get(pk=int(d["person"]))
        part = next((pt for pt in parts if pt.organisation_id == person.organisation_id), None)
        if part is None:
            raise NotFound()
        expected = (
            ParticipantRole.CONTRACTOR
            if d["position"] in CONTRACTOR_POSITIONS
            else ParticipantRole.SUPERVISING_FIRM
        )
        if part.role != expected:
            part = next(
                (
                    pt
                    for pt in parts
                    if pt.organisation_id == person.organisation_id and pt.role == expected
                ),
                part,
            )
        if d.get("certificate"):
            cert = Qualification.objects.filter(pk=int(d["certificate"]), person=person).first()
        else:
            # The person's valid certificate for the position, when one is on file.
            cert = next(
                (
                    q
                    for q in person.qualifications.order_by("-valid_until")
                    if q.kind in ACCEPTED_CERTIFICATES[d["position"]]
                    and q.is_valid_on(d["started_on"])
                ),
                None,
            )
        services.assign_key_person(
            actor=actor,
            participant=part,
            person=person,
            position=d["position"],
            started_on=d["started_on"],
            certificate=cert,
            must_check_in={"": None, "1": True, "0": False}[d.get("must_check_in") or ""],
        )

    return _form_page(
        request,
        project=project,
        form=form,
        title="配备关键岗位人员",
        intro="施工单位项目负责人、技术负责人、安全员；监理单位总监理工程师、专业监理工程师、监理员（R-ORG-05）。"
        "受人员变更限制（R-CHG-04）的人员、已在其他在建项目担任项目经理或总监的人员不能配备。",
        on_valid=save,
        success="已配备关键岗位人员",
        back=_back(project, "organisation"),
        template="projects/person_form.html",
    )


@page_view
@require_POST
def person_duty(request: HttpRequest, pk: int, assignment_id: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    a = KeyPersonAssignment.objects.filter(project=project, pk=assignment_id).first()
    if a is None:
        raise NotFound()
    try:
        services.set_checkin_duty(
            actor=actor, assignment=a, must_check_in=request.POST.get("must_check_in") == "1"
        )
        messages.success(request, "考勤设置已保存")
    except (Forbidden, NotFound):
        raise
    except DomainError as exc:
        flash_error(request, exc)
    return redirect(_back(project, "organisation"))


@page_view
def person_end(request: HttpRequest, pk: int, assignment_id: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    a = (
        KeyPersonAssignment.objects.filter(project=project, pk=assignment_id)
        .select_related("person")
        .first()
    )
    if a is None:
        raise NotFound()
    _require(OWNER_MANAGERS(project, actor), "建设单位项目负责人或总管方可办理离岗")
    form = forms.EndAssignmentForm(request.POST or None, initial={"ended_on": clock.today()})
    return _form_page(
        request,
        project=project,
        form=form,
        title=f"离岗：{a.get_position_display()} {a.person.name}",
        intro="开工后更换项目经理、总监等关键岗位人员须按人员变更流程审批（R-CHG-03）。",
        on_valid=lambda f: services.end_assignment(actor=actor, assignment=a, **f.cleaned_data),
        success="已办理离岗",
        back=_back(project, "organisation"),
    )


@page_view
def stage_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    _require(OWNER_MANAGERS(project, actor), "建设单位项目负责人或总管方可设置考勤阶段")
    form = forms.StageForm(request.POST or None)
    return _form_page(
        request,
        project=project,
        form=form,
        title="设置考勤阶段",
        intro="技术负责人和专业监理工程师根据工程建设需要，由建设单位确定考勤阶段（R-ATT-01，实施细则第二十六条）。",
        on_valid=lambda f: services.set_checkin_stage(
            actor=actor, project=project, **f.cleaned_data
        ),
        success="考勤阶段已设置",
        back=_back(project, "organisation"),
    )


@page_view
@require_POST
def stage_delete(request: HttpRequest, pk: int, stage_id: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    stage = CheckinStage.objects.filter(project=project, pk=stage_id).first()
    if stage is None:
        raise NotFound()
    try:
        services.remove_checkin_stage(actor=actor, stage=stage)
        messages.success(request, "考勤阶段已删除")
    except (Forbidden, NotFound):
        raise
    except DomainError as exc:
        flash_error(request, exc)
    return redirect(_back(project, "organisation"))


# --- lifecycle ------------------------------------------------------------------------------------

TRANSITION_FORMS: dict[str, tuple[str, Callable[..., Any], bool]] = {
    # name: (date label, form factory, multipart)
    "start_works": ("开工日期", forms.OnForm, False),
    "complete": ("完工日期", forms.OnForm, False),
    "accept": ("验收日期", forms.AcceptForm, True),
    "submit_settlement": ("送审日期", forms.SettlementForm, True),
    "approve_settlement": ("审定日期", forms.SettlementForm, False),
    "pay_funds": ("拨付日期", forms.OnForm, False),
    "return_deposit": ("退还日期", forms.OnForm, False),
    "terminate": ("终止日期", forms.TerminateForm, True),
    "resume": ("", forms.NoteForm, False),
}


@page_view
def project_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    if name not in TRANSITION_FORMS:
        raise NotFound()
    info = workflows.describe(name)
    _require(workflows.may(project, name, actor), f"{info.who}方可{info.label}")
    date_label, factory, multipart = TRANSITION_FORMS[name]
    kw: dict[str, Any] = {"label": date_label} if date_label else {}
    form = factory(request.POST or None, request.FILES or None, **kw)
    if name == "approve_settlement":
        del form.fields["file"]
        if project.settlement_submitted_amount:
            form.fields["amount"].initial = project.settlement_submitted_amount
    if name == "submit_settlement":
        del form.fields["note"]

    def save(f: Any) -> None:
        data = dict(f.cleaned_data)
        for field in ("file", "report"):  # the uploaded document of the step
            if field in data:
                data["upload"] = data.pop(field)
        services.transition(actor=actor, project=project, name=name, **data)

    missing = (
        workflows.REQUIREMENTS[name](project)
        if project.status in [s for s in workflows.describe(name).sources]
        else []
    )
    return _form_page(
        request,
        project=project,
        form=form,
        title=f"{info.label}：{project.name}",
        intro=f"办理人：{info.who}。条件：{info.requires}。",
        basis=info.basis,
        on_valid=save,
        success=f"已{info.label}",
        multipart=multipart,
        submit=f"确认{info.label}",
        extra={"precheck": missing, "transition": info},
    )


@page_view
def suspension_declare(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    _require(OWNER_MANAGERS(project, actor), "建设单位项目负责人或总管方可申报停工")
    form = forms.SuspensionForm(request.POST or None)
    return _form_page(
        request,
        project=project,
        form=form,
        title=f"申报停工（{clock.today():%Y-%m-%d}）",
        intro="停工当天在线申报停工时间和原因；经主管单位（条线）或监管办确认后，停工期间自动暂停相关人员考勤和预警计时，"
        "停工日不计入考勤率；复工由建设单位项目负责人开通（R-PRJ-07）。",
        basis="R-PRJ-07（实施细则第三十五条）",
        on_valid=lambda f: services.declare_suspension(
            actor=actor, project=project, started_at=f.started_at(), reason=f.cleaned_data["reason"]
        ),
        success="停工已申报，待确认",
        back=_back(project, "suspensions"),
        submit="申报停工",
    )


def _suspension(request: HttpRequest, pk: int, sid: int) -> tuple[Project, Suspension]:
    project = _project(request, pk)
    s = Suspension.objects.filter(project=project, pk=sid).first()
    if s is None:
        raise NotFound()
    return project, s


@page_view
def suspension_decide(request: HttpRequest, pk: int, sid: int, decision: str) -> HttpResponse:
    actor = actor_of(request)
    project, s = _suspension(request, pk, sid)
    if decision == "withdraw":
        _require(OWNER_MANAGERS(project, actor), "建设单位方可撤回停工申报")
        if request.method != "POST":
            return redirect(_back(project, "suspensions"))
        try:
            services.withdraw_suspension(actor=actor, suspension=s)
            messages.success(request, "停工申报已撤回")
        except (Forbidden, NotFound):
            raise
        except DomainError as exc:
            flash_error(request, exc)
        return redirect(_back(project, "suspensions"))
    _require(workflows.may(project, "suspend", actor), "主管单位（条线）或监管办方可确认停工")
    confirm = decision == "confirm"
    form = (
        forms.NoteForm(request.POST or None)
        if confirm
        else forms.RequiredNoteForm(request.POST or None)
    )
    return _form_page(
        request,
        project=project,
        form=form,
        title=("确认停工" if confirm else "不予确认停工") + f"：{project.name}",
        intro=f"申报人：{s.declared_by_name}；停工时间：{clock.localtime(s.started_at):%Y-%m-%d %H:%M}；原因：{s.reason}",
        on_valid=(
            (
                lambda f: services.confirm_suspension(
                    actor=actor, suspension=s, note=f.cleaned_data["note"]
                )
            )
            if confirm
            else (
                lambda f: services.reject_suspension(
                    actor=actor, suspension=s, note=f.cleaned_data["note"]
                )
            )
        ),
        success="已确认停工，考勤和计时已暂停" if confirm else "已不予确认",
        back=_back(project, "suspensions"),
        submit="确认停工" if confirm else "不予确认",
    )


# --- interviews, abnormal events, subcontracts, coverage, documents, bans --------------------------


@page_view
def interview_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    _require(services.INTERVIEW_RECORDERS(project, actor), "建设单位或行业主管部门方可登记标后约谈")
    orgs: list[tuple[int, str]] = []
    if project.owner:
        orgs.append((project.owner.pk, f"建设单位 {project.owner.name}"))
    for pt in project.participants.select_related("organisation").order_by("role"):
        if pt.role in (ParticipantRole.CONTRACTOR, ParticipantRole.SUPERVISING_FIRM):
            orgs.append((pt.organisation_id, f"{pt.get_role_display()} {pt.organisation.name}"))
    if project.industry_authority:
        authority = project.industry_authority
        orgs.append((authority.pk, f"行业主管部门 {authority.name}"))
    form = forms.InterviewForm(request.POST or None, request.FILES or None, organisations=orgs)
    return _form_page(
        request,
        project=project,
        form=form,
        title="登记标后约谈（履约提醒）",
        intro="开工前，建设单位会同行业主管部门约谈中标单位，提醒诚信履约：工程质量、工期、安全文明施工、农民工工资支付，"
        "不转包、不违法分包、不挂靠（R-PRJ-11）。",
        basis="R-PRJ-11（QZ 第三条，HC 二(四)4）",
        on_valid=lambda f: services.record_interview(
            actor=actor,
            project=project,
            held_on=f.cleaned_data["held_on"],
            location=f.cleaned_data["location"],
            topics=f.cleaned_data["topics"],
            attendees=f.attendees(),
            notes=f.cleaned_data["notes"],
            upload=f.cleaned_data["record"],
        ),
        success="约谈记录已登记",
        back=_back(project, "records"),
        multipart=True,
    )


@page_view
def abnormal_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    _require(services.ABNORMAL_RECORDERS(project, actor), "建设单位或行业主管部门方可登记异常事件")
    form = forms.AbnormalForm(
        request.POST or None, request.FILES or None, initial={"occurred_on": clock.today()}
    )
    return _form_page(
        request,
        project=project,
        form=form,
        title="登记标后异常事件",
        intro="中标人弃标、招标人取消采购或拖延签订合同，应说明理由并报行业主管部门备案；无正当理由的依法查处（R-PRJ-12）。",
        basis="R-PRJ-12（LC 五）",
        on_valid=lambda f: services.record_abnormal_event(
            actor=actor,
            project=project,
            kind=f.cleaned_data["kind"],
            occurred_on=f.cleaned_data["occurred_on"],
            party_name=f.cleaned_data["party_name"],
            reason=f.cleaned_data["reason"],
            upload=f.cleaned_data.get("filing"),
        ),
        success="异常事件已登记，待行业主管部门审查",
        back=_back(project, "records"),
        multipart=True,
    )


@page_view
def abnormal_review(request: HttpRequest, pk: int, event_id: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    evt = AbnormalAwardEvent.objects.filter(project=project, pk=event_id).first()
    if evt is None:
        raise NotFound()
    _require(services.ABNORMAL_REVIEWERS(project, actor), "行业主管部门或监管办方可审查异常事件")
    form = forms.ReviewForm(request.POST or None)
    return _form_page(
        request,
        project=project,
        form=form,
        title=f"审查：{evt.get_kind_display()}",
        intro=f"发生日期 {evt.occurred_on:%Y-%m-%d}；相关单位：{evt.party_name or '—'}；理由：{evt.reason}",
        on_valid=lambda f: services.review_abnormal_event(
            actor=actor,
            event=evt,
            valid_reason=f.cleaned_data["valid_reason"] == "1",
            note=f.cleaned_data["note"],
        ),
        success="审查结论已登记",
        back=_back(project, "records"),
    )


@page_view
def subcontract_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    parts = [
        pt
        for pt in project.participants.filter(role=ParticipantRole.CONTRACTOR).select_related(
            "organisation"
        )
        if services.common._contractor_side(project, pt, actor)
    ]
    _require(bool(parts), "施工单位（总管或本项目项目经理）方可登记分包")
    form = forms.SubcontractForm(
        request.POST or None,
        request.FILES or None,
        participants=[
            (pt.pk, pt.organisation.name + ("" if pt.allows_subcontract else "（合同不允许分包）"))
            for pt in parts
        ],
    )

    def save(f: forms.SubcontractForm) -> None:
        d = dict(f.cleaned_data)
        part = next(pt for pt in parts if pt.pk == int(d.pop("participant")))
        services.register_subcontract(actor=actor, participant=part, upload=d.pop("file"), **d)

    return _form_page(
        request,
        project=project,
        form=form,
        title="登记分包",
        intro="施工合同约定允许分包的，施工单位上传分包合同，填报分包内容和承包单位（R-PRJ-08）。",
        on_valid=save,
        success="分包已登记",
        back=_back(project, "organisation"),
        multipart=True,
    )


@page_view
def coverage_mark(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    _require(services.COVERAGE_MARKERS(project, actor), "监管办、行业主管部门或主管单位方可认定")
    form = forms.RequiredNoteForm(request.POST or None)
    return _form_page(
        request,
        project=project,
        form=form,
        title="认定项目未纳入平台监管",
        intro="未纳入平台监管的项目原则上不得结算审计；建设单位须提交项目资料补全申请书，经主管单位同意后补齐资料（R-PRJ-05）。",
        on_valid=lambda f: services.mark_uncovered(
            actor=actor, project=project, note=f.cleaned_data["note"]
        ),
        success="已认定为未纳入平台监管",
        back=_back(project, "coverage"),
    )


@page_view
def completion_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    _require(OWNER_MANAGERS(project, actor), "建设单位项目负责人或总管方可提交补全申请")
    form = forms.CompletionForm(request.POST or None, request.FILES or None)
    return _form_page(
        request,
        project=project,
        form=form,
        title="提交项目资料补全申请书",
        basis="R-PRJ-05（实施细则第三十三条）",
        on_valid=lambda f: services.apply_data_completion(
            actor=actor,
            project=project,
            reason=f.cleaned_data["reason"],
            upload=f.cleaned_data["application"],
        ),
        success="补全申请已提交，待主管单位审批",
        back=_back(project, "coverage"),
        multipart=True,
    )


@page_view
def completion_decide(request: HttpRequest, pk: int, app_id: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    app = DataCompletionApplication.objects.filter(project=project, pk=app_id).first()
    if app is None:
        raise NotFound()
    _require(actor.is_system or superior_of(project, actor), "主管单位方可审批资料补全申请")
    form = forms.DecideForm(request.POST or None)
    return _form_page(
        request,
        project=project,
        form=form,
        title="审批资料补全申请",
        intro=f"申请人：{app.submitted_by_name}；原因：{app.reason}",
        on_valid=lambda f: services.decide_data_completion(
            actor=actor,
            application=app,
            approve=f.cleaned_data["approve"] == "1",
            note=f.cleaned_data["note"],
        ),
        success="审批意见已登记",
        back=_back(project, "coverage"),
    )


@page_view
def backfill(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    _require(OWNER_MANAGERS(project, actor), "建设单位项目负责人或总管方可补录资料")
    app = project.data_completions.filter(state=DataCompletionState.APPROVED).first()
    if request.method == "POST" and request.POST.get("confirm") == "1":
        if app is None:
            messages.error(request, "补全申请尚未获主管单位同意")
        else:
            try:
                services.confirm_backfill(actor=actor, application=app)
                messages.success(request, "项目资料已补全，可以结算送审")
            except (Forbidden, NotFound):
                raise
            except DomainError as exc:
                flash_error(request, exc)
        return redirect(_back(project, "coverage"))
    form = forms.BackfillDatesForm(
        request.POST or None,
        initial={
            "actual_start": project.actual_start,
            "actual_completion": project.actual_completion,
        },
    )
    return _form_page(
        request,
        project=project,
        form=form,
        title="补录开工、完工日期",
        intro="补全申请获主管单位同意后，补录参建单位、合同、关键岗位人员和开工、完工日期，然后确认资料已补全（R-PRJ-05）。",
        on_valid=lambda f: services.backfill_dates(actor=actor, project=project, **f.cleaned_data),
        success="日期已补录",
        back=_back(project, "coverage"),
    )


@page_view
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    _require(OWNER_MANAGERS(project, actor), "建设单位项目负责人或总管方可上传资料")
    form = forms.DocumentForm(request.POST or None, request.FILES or None)
    return _form_page(
        request,
        project=project,
        form=form,
        title="上传项目资料",
        intro="管理制度、开工报告等标后管理档案资料（R-PRJ-04）。",
        on_valid=lambda f: services.upload_document(
            actor=actor,
            project=project,
            category=f.cleaned_data["category"],
            title=f.cleaned_data["title"],
            upload=f.cleaned_data["file"],
        ),
        success="资料已上传",
        back=_back(project, "documents"),
        multipart=True,
    )


@page_view
def ban_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    _require(
        services.BAN_RECORDERS(project, actor), "行业主管部门、主管单位或监管办方可登记人员任职限制"
    )
    people = [
        (
            a.person_id,
            f"{a.person.name}（{a.get_position_display()}，{a.participant.organisation.name}）",
        )
        for a in project.assignments.select_related("person", "participant__organisation")
    ]
    form = forms.BanForm(request.POST or None, people=list(dict(people).items()))
    return _form_page(
        request,
        project=project,
        form=form,
        title="登记人员任职限制",
        intro="变更撤换的人员在本工程完工前不得在区内其他项目担任相同岗位；因病变更的人员在治疗恢复期内不得担任任何项目岗位（R-CHG-04）。",
        basis="R-CHG-04（实施细则第二十七条）",
        on_valid=lambda f: services.record_personnel_ban(
            actor=actor,
            person=Person.objects.get(pk=int(f.cleaned_data["person"])),
            reason=f.cleaned_data["reason"],
            source_project=project,
            position=f.cleaned_data["position"],
            until=f.cleaned_data["until"],
            note=f.cleaned_data["note"],
        ),
        success="任职限制已登记",
        back=_back(project, "organisation"),
    )


@page_view
def ban_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _require(can_see_bans(actor), "当前单位不能查看人员任职限制")
    visible = Project.objects.visible_to(actor).values("pk")
    qs = PersonnelBan.objects.filter(source_project_id__in=visible).select_related(
        "person", "person__organisation", "source_project"
    )
    today = clock.today()

    def active(bans: list[Any]) -> list[Any]:
        # whether the ban still holds (the page's rows only, not every ban)
        for ban in bans:
            allowed, _ = services.may_be_named(ban.person, ban.position or "project_manager", today)
            ban.still_active = not allowed
        return bans

    spec = ListSpec(
        key="bans",
        title="人员任职限制",
        columns=[
            Column("person", "人员", lambda b: b.person.name, sort="person__name"),
            Column(
                "org",
                "单位",
                lambda b: b.person.organisation.name,
                sort="person__organisation__name",
            ),
            Column("reason", "原因", lambda b: b.get_reason_display(), sort="reason"),
            Column(
                "position",
                "岗位",
                lambda b: b.get_position_display() or "所有岗位",
                sort="position",
            ),
            Column(
                "project",
                "原项目",
                lambda b: b.source_project.name if b.source_project else "",
                link=lambda b: (
                    reverse("project_detail", args=[b.source_project.pk])
                    if b.source_project
                    else ""
                ),
                note=lambda b: b.source_project.get_status_display() if b.source_project else "",
            ),
            Column(
                "until",
                "限制至",
                lambda b: f"{b.until:%Y-%m-%d}" if b.until else "原项目完工",
                sort="until",
            ),
            Column(
                "active",
                "状态",
                lambda b: "限制中" if b.still_active else "已解除",
                tag=lambda b: "red" if b.still_active else "grey",
            ),
            Column(
                "created",
                "登记",
                lambda b: f"{clock.localtime(b.created_at):%Y-%m-%d}",
                sort="created_at",
                note=lambda b: f"{b.organisation_name} {b.created_by_name}",
            ),
        ],
        filters=[
            Filter("reason", "原因", "reason", choices=BanReason.choices),
            Filter("position", "岗位", "position", choices=Position.choices),
        ],
        search=("person__name", "person__organisation__name", "source_project__name"),
        search_label="人员/单位/项目",
        default_sort="-created",
        empty="暂无",
        export_name="人员任职限制",
        testid="bans",
        prepare=active,
    )
    return render_list(
        request,
        spec,
        qs,
        template="projects/ban_list.html",
        context={"section": "项目监管", "icon": "bi-person-x"},
    )
