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

from postaward.core import clock, files, steps
from postaward.core.actor import Actor
from postaward.core.errors import DomainError, Forbidden, NotFound
from postaward.core.lists import Column, Filter, ListSpec, render_list
from postaward.core.scoping import get_visible_or_404
from postaward.core.web import actor_of, form_error, page_view
from postaward.orgs.choices import (
    ENTERPRISE_KINDS,
    OWNER_KINDS,
    SUPERIOR_KINDS,
    Industry,
    OrgKind,
    Role,
)
from postaward.orgs.models import Person

from . import archive, forms, imports, selectors, services
from .choices import (
    ACTIVE_STATES,
    STATUS_COLOURS,
    DataCompletionState,
    ImportChannel,
    ParticipantRole,
    ProjectClass,
    ProjectStatus,
    SuspensionState,
)
from .models import (
    AwardImport,
    Participant,
    Project,
    ProjectDocument,
)
from .workflows import OWNER_MANAGERS

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
    contractor_parts = [
        pt
        for pt in p.participants.filter(role=ParticipantRole.CONTRACTOR, allows_subcontract=True)
        if services.common._contractor_side(p, pt, a)
    ]
    return {
        "edit": services.UPDATE_PROJECT.may(p, a),
        "site": services.SET_SITE.may(p, a),
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
        "stages": services.SET_CHECKIN_STAGE.may(p, a),
        # the single actions (ADR 0072): the services' own predicates
        "interview": services.RECORD_INTERVIEW.may(p, a),
        "abnormal": services.RECORD_ABNORMAL.may(p, a),
        "subcontract": bool(contractor_parts)
        and p.status in (S.PREPARING, S.UNDER_CONSTRUCTION, S.SUSPENDED),
        "agreement": editable and services.may_register_agreement(p, a),
        "mark_uncovered": services.MARK_UNCOVERED.may(p, a),
        "apply_completion": services.APPLY_COMPLETION.may(p, a),
        "backfill": services.BACKFILL_DATES.may(p, a),
        "documents": owner_mgr,
        "assign": any(services.may_assign(p, a, lvl) for lvl in services.ASSIGN_LEVELS)
        and p.status in ACTIVE_STATES,
        "ban": services.RECORD_BAN.may(p, a),
    }


def _lifecycle_steps(project: Project, actor: Actor) -> list[dict[str, Any]]:
    """The project's steps as its page shows them (``core.steps.page_steps``):
    allowed ones as links to their pages, the ones refused by their
    requirements greyed with what is missing."""
    out = []
    for p in steps.page_steps(project, actor):
        err = None if p.available.allowed else steps.refusal(p.step, project, actor)
        out.append(
            {"available": p.available, "href": p.href, "missing": len(err.errors) if err else 0}
        )
    return out


def render_project(request: HttpRequest, project: Project, *, status: int = 200) -> HttpResponse:
    """The project page (archive) with its forms and steps."""
    actor = actor_of(request)
    ctx = archive.context(project, actor)
    for s in ctx["suspensions"]:
        s.page_steps = (
            [p for p in steps.page_steps(s, actor) if p.available.allowed]
            if s.state == SuspensionState.DECLARED
            else []
        )
    # the registry's steps of each abnormal event and data-completion application
    for rows in (ctx["abnormal_events"], ctx["data_completions"]):
        for row in rows:
            row.page_steps = [p for p in steps.page_steps(row, actor) if p.available.allowed]
    recent = list(reversed(ctx["timeline"]))
    ctx.update(
        can=_can(project, actor),
        lifecycle_steps=_lifecycle_steps(project, actor),
        recent_timeline=recent[:20],
        more_timeline=max(0, len(recent) - 20),
        readiness=selectors.readiness(project),
        show_readiness=project.status in (S.REGISTERED, S.PREPARING),
        due_today=selectors.assignments_due_on(project, clock.today())
        if project.status == S.UNDER_CONSTRUCTION
        else [],
        today=clock.today(),
        map=_map_settings(),
        settlement_route_text=services.settlement_route_text(project),
    )
    return render(request, "projects/project_detail.html", ctx, status=status)


@page_view
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_project(request, _project(request, pk))


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
    services.UPDATE_PROJECT.check_who(project, actor)
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
    services.SET_SITE.check_who(project, actor)
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
