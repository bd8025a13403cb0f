# mypy: disable-error-code="attr-defined"
"""Pages of the approval processes: lists, the new-process forms, and one page
per process with its facts, deadlines (start, length, unit, end, basis), steps,
documents and photos, and the actions the actor may take now.

Views parse input, call one service and render; refusals are shown beside the
form (DomainError) or as 403/404 pages (``page_view``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms as djforms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from postaward.core import clock, files, legal_basis, steps
from postaward.core.actor import Actor
from postaward.core.errors import DomainError, Forbidden, NotFound
from postaward.core.lists import Column, Filter, ListSpec, build_list
from postaward.core.scoping import get_visible_or_404
from postaward.core.web import actor_of, form_error, page_view
from postaward.projects import services as project_services
from postaward.projects import workflows as project_workflows
from postaward.projects.choices import (
    ACTIVE_STATES,
    FINISHED_STATES,
    ParticipantRole,
    ProjectStatus,
    SettlementRoute,
)
from postaward.projects.models import Participant, Project

from . import forms, selectors, services, workflows
from . import steps as approval_steps
from .choices import (
    ACCEPTANCE_RETURN_DAYS,
    AcceptanceKind,
    AcceptanceState,
    LogState,
)
from .deadline_kinds import ALL as KINDS
from .models import (
    AcceptanceRequest,
    ApprovalDocument,
    ContractorEvaluation,
    EngineeringChange,
    HiddenWork,
    HiddenWorkPhoto,
    PersonnelChange,
    RectificationNotice,
)
from .services.acceptance import TOWNSHIP
from .services.policy import may_edit_policy


def _detail(
    request: HttpRequest,
    obj: Any,
    *,
    title: str,
    fields: list[tuple[str, Any]],
    back: str,
    back_label: str,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """A process's page: its fields, deadlines, log and documents; its
    actions are the step registry's (``extra["page_steps"]``)."""
    ctx = {
        "obj": obj,
        "title": title,
        "fields": fields,
        "deadlines": selectors.shown_deadlines(obj),
        "steps": services.steps_of(obj),
        "documents": services.documents_of(obj),
        "back": back,
        "back_label": back_label,
        **(extra or {}),
    }
    return render(request, "approvals/detail.html", ctx, status=status)


def _list(
    request: HttpRequest,
    spec: ListSpec,
    qs: Any,
    *,
    new_url: str = "",
    new_label: str = "",
    intro: str = "",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """Every approvals ledger: the platform's list component (core.lists) with
    the page's entry form or side links above it."""
    result = build_list(request, spec, qs)
    if isinstance(result, HttpResponse):
        return result
    ctx = {
        "lst": result,
        "title": spec.title,
        "new_url": new_url,
        "new_label": new_label,
        "intro": intro,
        **(extra or {}),
    }
    return render(request, "approvals/list.html", ctx)


_TAGS = {
    "approved": "green",
    "passed": "green",
    "closed": "green",
    "done": "green",
    "completed": "green",
    "recorded": "green",
    "filed": "green",
    "rejected": "red",
    "failed": "red",
    "refused": "red",
    "missed": "red",
    "withdrawn": "grey",
    "returned": "orange",
    "due": "orange",
}


def _state_tag(obj: Any) -> str:
    return _TAGS.get(str(obj.state), "blue")


def _project_filter(actor: Actor, lookup: str = "project_id") -> Filter:
    return Filter(
        "project",
        "项目",
        lookup,
        choices=lambda: [(str(pk), label) for pk, label in _project_choices(actor)],
    )


def _form_page(
    request: HttpRequest,
    form: djforms.Form,
    *,
    title: str,
    basis: str,
    run: Callable[[dict[str, Any]], Any],
    back: str,
    intro: str = "",
) -> HttpResponse:
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            obj = run(form.cleaned_data)
        except NotFound:
            raise
        except DomainError as exc:
            # Any refusal (a rule, a state, a role) stays on the form with the
            # typed data and the reason, never a bare error page (issue 11 §5).
            form_error(form, exc)
            status = exc.status if isinstance(exc, Forbidden) else 200
        else:
            messages.success(request, f"{title}：已提交")
            return redirect(_url_of(obj) or back)
    return render(
        request,
        "approvals/form.html",
        {"form": form, "title": title, "basis": basis, "back": back, "intro": intro},
        status=status,
    )


def _url_of(obj: Any) -> str:
    for model, name in (
        (EngineeringChange, "approval_change_detail"),
        (HiddenWork, "approval_hidden_work_detail"),
        (PersonnelChange, "approval_personnel_detail"),
        (RectificationNotice, "approval_notice_detail"),
        (AcceptanceRequest, "approval_acceptance_detail"),
    ):
        if isinstance(obj, model):
            return reverse(name, args=[obj.pk])
    return ""


def _openings(
    actor: Actor,
    may: Callable[[Actor, Project, Participant], bool],
    statuses: tuple[str, ...],
    role: str | None = ParticipantRole.CONTRACTOR,
) -> list[Participant]:
    """The contracts of the actor's projects (in ``statuses``) on which the
    service's own predicate ``may`` lets the actor act: the button and the
    form's choices are offered by the same rule the service refuses by
    (issue 11 §5)."""
    parts = Participant.objects.filter(
        project__in=selectors.projects_for(actor, statuses)
    ).select_related("project", "organisation")
    if role:
        parts = parts.filter(role=role)
    return [pt for pt in parts.order_by("project__code", "id") if may(actor, pt.project, pt)]


CHANGE_STATES = tuple(ACTIVE_STATES)
HIDDEN_STATES = (ProjectStatus.UNDER_CONSTRUCTION,)
NOTICE_STATES = (ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.SUSPENDED)


def _project_choices(
    actor: Actor, statuses: tuple[str, ...] | None = None
) -> list[tuple[int, str]]:
    return [(p.pk, f"{p.code} {p.name}") for p in selectors.projects_for(actor, statuses)]


def _project(actor: Actor, pk: Any) -> Project:
    return get_visible_or_404(Project.objects, actor, pk=pk)


def _d(value: Any) -> str:
    if value is None:
        return "—"
    if hasattr(value, "hour"):
        return f"{clock.localtime(value):%Y-%m-%d %H:%M}"
    return f"{value:%Y-%m-%d}"


# --- shared helpers and the files of hidden works and documents -------------------------------------


def _invalid(field: str, message: str) -> DomainError:
    from postaward.core.errors import ValidationFailed

    return ValidationFailed(message, field=field)


@page_view
def photo_file(request: HttpRequest, pk: int) -> HttpResponse:
    # A streamed file (page_view passes any response through).
    return cast(HttpResponse, files.download(HiddenWorkPhoto.objects, actor_of(request), pk))


@page_view
def document_file(request: HttpRequest, pk: int) -> HttpResponse:
    return cast(HttpResponse, files.download(ApprovalDocument.objects, actor_of(request), pk))


# --- supervision logs and notices ----------------------------------------------------------------


@page_view
def log_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = forms.LogForm(request.POST or None)
    form.fields["project"].choices = _project_choices(actor, (ProjectStatus.UNDER_CONSTRUCTION,))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.record_log(
                actor=actor,
                project=_project(actor, d["project"]),
                log_date=d["log_date"],
                weather=d["weather"],
                progress=d["progress"],
                issues=d["issues"],
            )
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "监理日志已填写")
            return redirect(request.get_full_path())
    spec = ListSpec(
        key="logs",
        title="监理日志",
        columns=[
            Column("date", "日期", lambda lg: _d(lg.log_date), sort="log_date"),
            Column("project", "项目", lambda lg: lg.project.name, sort="project__name"),
            Column(
                "state", "状态", lambda lg: lg.get_state_display(), sort="state", tag=_state_tag
            ),
            Column("weather", "天气", lambda lg: lg.weather or "—"),
            Column("progress", "施工进展", lambda lg: (lg.progress or "—")[:40]),
            Column("by", "填写人", lambda lg: lg.recorded_by_name or "—"),
            Column("late", "逾期补填", lambda lg: "是" if lg.late else "—", sort="late"),
        ],
        filters=[
            _project_filter(actor),
            Filter("state", "状态", "state", choices=LogState.choices),
            Filter("late", "逾期补填", "late", choices=[("1", "是"), ("0", "否")]),
            Filter("from", "日期起", "log_date", kind="date_from"),
            Filter("to", "日期止", "log_date", kind="date_to"),
        ],
        search=("project__name", "progress", "issues", "recorded_by_name"),
        search_label="项目/进展/问题/填写人",
    )
    return _list(
        request,
        spec,
        selectors.logs(actor),
        intro="R-SUP-01：监理单位每个施工日填写监理日志，当日 24:00 前未填写的记为超期（R-SUP-03）。",
        extra={
            "entry_form": form if actor.org_kind == "supervising_firm" else None,
            "entry_title": "填写监理日志",
        },
    )


# --- inspections and evaluation ------------------------------------------------------------------


@page_view
def inspection_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = forms.InspectionForm(request.POST or None, request.FILES or None)
    form.fields["project"].choices = _project_choices(
        actor, (ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.SUSPENDED, ProjectStatus.COMPLETED)
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.record_inspection(
                actor=actor,
                project=_project(actor, d["project"]),
                inspected_on=d["inspected_on"],
                inspectors=d["inspectors"],
                aspects=d["aspects"],
                findings=d["findings"],
                result=d["result"],
                record=d.get("record"),
            )
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "检查已登记")
            return redirect(request.get_full_path())
    spec = ListSpec(
        key="inspections",
        title="检查与评价",
        columns=[
            Column("date", "检查日期", lambda i: _d(i.inspected_on), sort="inspected_on"),
            Column("project", "项目", lambda i: i.project.name, sort="project__name"),
            Column("inspectors", "检查人员", lambda i: i.inspectors),
            Column("findings", "检查情况", lambda i: i.findings[:40]),
            Column("result", "结论", lambda i: i.get_result_display(), sort="result"),
            Column("org", "登记单位", lambda i: i.recorded_by_org, sort="recorded_by_org"),
        ],
        filters=[
            _project_filter(actor),
            Filter("from", "检查日期起", "inspected_on", kind="date_from"),
            Filter("to", "检查日期止", "inspected_on", kind="date_to"),
        ],
        search=("project__name", "inspectors", "findings"),
        search_label="项目/检查人员/情况",
    )
    return _list(
        request,
        spec,
        selectors.inspections(actor),
        intro="R-SUP-04：建设单位施工期间定期检查；完工后对施工单位作出综合评价（在项目档案“综合评价”中查看）。",
        extra={
            "entry_form": form if actor.org_kind in ("owner", "village") else None,
            "entry_title": "登记检查",
            "side_links": _evaluation_links(actor),
            "side_links_title": "完工项目：施工单位综合评价",
        },
    )


def _evaluation_links(actor: Actor) -> list[dict[str, str]]:
    """The finished projects whose contractors this owner may evaluate (R-SUP-04)."""
    if actor.org_kind not in ("owner", "village"):
        return []
    links = []
    finished = list(
        selectors.projects_for(actor, tuple(FINISHED_STATES)).prefetch_related("participants")[:50]
    )
    evaluated = set(
        ContractorEvaluation.objects.filter(project__in=finished).values_list(
            "participant_id", flat=True
        )
    )
    for p in finished:
        if not workflows.OWNER(ContractorEvaluation(project=p), actor):
            continue
        contractors = {
            pt.pk for pt in p.participants.all() if pt.role == ParticipantRole.CONTRACTOR
        }
        links.append(
            {
                "url": reverse("approval_evaluation", args=[p.pk]),
                "label": f"{p.code} {p.name}",
                "note": "已评价" if contractors and contractors <= evaluated else "待评价",
            }
        )
    return links


@page_view
def evaluation_page(request: HttpRequest, project_id: int) -> HttpResponse:
    """R-SUP-04: after completion the owner's project leader or administrator
    evaluates the contractor (four scores 0-100 and a comment)."""
    actor = actor_of(request)
    project = _project(actor, project_id)
    if not workflows.OWNER(ContractorEvaluation(project=project), actor):
        raise Forbidden("建设单位项目负责人或总管方可评价施工单位")
    contractors = list(
        project.participants.filter(role=ParticipantRole.CONTRACTOR)
        .select_related("organisation")
        .order_by("id")
    )
    done = list(
        ContractorEvaluation.objects.filter(project=project).select_related(
            "participant__organisation"
        )
    )
    form = forms.EvaluationForm(request.POST or None)
    evaluated = {e.participant_id for e in done}
    form.fields["participant"].choices = [
        (pt.pk, pt.organisation.name) for pt in contractors if pt.pk not in evaluated
    ]

    def run(data: dict[str, Any]) -> Any:
        participant = next((pt for pt in contractors if pt.pk == data["participant"]), None)
        if participant is None:
            raise _invalid("participant", "请选择本项目的施工单位")
        return services.evaluate_contractor(
            actor=actor,
            project=project,
            participant=participant,
            construction_score=data["construction_score"],
            management_score=data["management_score"],
            quality_score=data["quality_score"],
            contract_score=data["contract_score"],
            comment=data["comment"],
        )

    notes = [f"项目：{project.code} {project.name}（{project.get_status_display()}）"]
    if project.status not in FINISHED_STATES:
        notes.append("项目完工后方可进行综合评价")
    notes += [
        f"已评价：{e.participant.organisation.name} {e.total} 分（{e.get_grade_display()}）"
        for e in done
    ]
    return _form_page(
        request,
        form,
        title="施工单位综合评价",
        basis="R-SUP-04（建设单位完工后对施工单位作出综合评价：施工组织、现场管理、工程质量、合同履约）",
        run=run,
        back=f"{reverse('approval_inspections')}?project={project.pk}",
        intro="；".join(notes),
    )


# --- acceptance and settlement ------------------------------------------------------------------


@page_view
def acceptance_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    spec = ListSpec(
        key="acceptance",
        title="竣工验收",
        columns=[
            Column("number", "编号", lambda r: r.number, sort="number"),
            Column("project", "项目", lambda r: r.project.name, sort="project__name"),
            Column("kind", "类型", lambda r: r.get_kind_display(), sort="kind"),
            Column(
                "amount",
                "合同金额",
                lambda r: r.project.contract_amount,
                sort="project__contract_amount",
                money="project__contract_amount",
            ),
            Column("submitted", "发起", lambda r: _d(r.submitted_at), sort="submitted_at"),
            Column("received", "受理", lambda r: _d(r.received_at), sort="received_at"),
            Column("accepted", "验收日期", lambda r: _d(r.accepted_on), sort="accepted_on"),
            Column("state", "状态", lambda r: r.get_state_display(), sort="state", tag=_state_tag),
        ],
        filters=[
            _project_filter(actor),
            Filter("state", "状态", "state", choices=AcceptanceState.choices),
            Filter("kind", "类型", "kind", choices=AcceptanceKind.choices),
            Filter("from", "发起日期起", "submitted_at__date", kind="date_from"),
            Filter("to", "发起日期止", "submitted_at__date", kind="date_to"),
        ],
        search=("number", "project__name", "submitted_by_org"),
        search_label="编号/项目/发起单位",
        row_url=lambda r: reverse("approval_acceptance_detail", args=[r.pk]),
    )
    may_request = bool(services.acceptance_openings(actor))
    return _list(
        request,
        spec,
        selectors.acceptance_requests(actor),
        new_url=reverse("approval_acceptance_new") if may_request else "",
        new_label="发起验收",
        intro="R-ACC-01/02：2000万元以下20天、以上60天内组织验收；R-ACC-03：3天内可退回；R-ACC-04：超大型工程60天内可申请延长；R-ACC-05：村级自验15天，乡镇复验15天（7天提醒）。",
    )


@page_view
def acceptance_new(request: HttpRequest) -> HttpResponse:
    """Only the projects the actor may open an acceptance on are offered, with
    the title of what will happen; without any, the page says who initiates."""
    actor = actor_of(request)
    openings = services.acceptance_openings(actor)
    mode_of = {p.pk: mode for p, mode in openings}
    form = forms.AcceptanceForm(request.POST or None)
    form.fields["project"].choices = [(p.pk, f"{p.code} {p.name}") for p, _ in openings]
    if request.GET.get("project"):
        form.fields["project"].initial = request.GET["project"]
    modes = set(mode_of.values())
    if modes == {TOWNSHIP}:
        title = "发起乡镇复验（村级工程）"
        form.fields["description"].label = "自验及整改情况"
        del form.fields["completed_on"]
    elif TOWNSHIP in modes:
        title = "发起竣工验收 / 乡镇复验"
    else:
        title = "发起竣工验收"
    if not openings and request.method != "POST":
        return render(
            request,
            "approvals/form.html",
            {
                "form": None,
                "title": "发起竣工验收",
                "basis": "R-ACC-01、R-ACC-05（实施细则第三十一条）",
                "back": reverse("approval_acceptance"),
                "intro": "当前账号没有可以发起验收的项目：竣工验收由施工单位在线发起；"
                "村级工程村级自验合格后，由行政村（社区）发起乡镇复验。",
            },
        )

    def run(data: dict[str, Any]) -> Any:
        project = _project(actor, data["project"])
        if mode_of.get(project.pk) == TOWNSHIP:
            return services.request_township(
                actor=actor, project=project, description=data["description"]
            )
        return services.request_acceptance(
            actor=actor,
            project=project,
            completed_on=data.get("completed_on") or clock.today(),
            description=data["description"],
        )

    return _form_page(
        request,
        form,
        title=title,
        basis="R-ACC-01、R-ACC-05（实施细则第三十一条）",
        run=run,
        back=reverse("approval_acceptance"),
    )


@page_view
def acceptance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The request's page. Its steps are the registry's (``approvals/steps.py``),
    posted to ``…/steps/{name}/``; a POST here with ``action`` is the same step."""
    if request.method == "POST":
        return steps.page_action(
            request, pk, request.POST.get("action", ""), workflow=approval_steps.ACCEPTANCE_WF
        )
    req = approval_steps.load_acceptance(actor_of(request), pk)
    return render_acceptance(request, req)


def render_acceptance(
    request: HttpRequest,
    req: AcceptanceRequest,
    *,
    bound: dict[str, Any] | None = None,
    extension_bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The request's page: its steps (review, return, conclude, the record of
    use before acceptance …) and the decisions on its latest extension come
    from the step registry (``approvals/steps.py``, ``steps_works.py``)."""
    actor = actor_of(request)
    end = services.return_window_end(req)
    extension = req.extensions.order_by("-applied_at").first()
    page_steps = steps.page_steps(req, actor, bound=bound)
    if extension is not None:  # its decisions (``steps_works.EXTENSION``)
        page_steps += steps.page_steps(extension, actor, bound=extension_bound)
    fields = [
        ("编号", req.number),
        ("项目", f"{req.project.name}（{req.project.get_project_class_display()}）"),
        ("类型", req.get_kind_display()),
        ("完工日期", _d(req.completed_on)),
        ("完成情况", req.description),
        ("发起", f"{req.submitted_by_org} {req.submitted_by_name} {_d(req.submitted_at)}"),
        ("受理（期限起算）", _d(req.received_at)),
        (
            "可退回至",
            f"{_d(end)} 24:00（受理后 {ACCEPTANCE_RETURN_DAYS} 个自然日，R-ACC-03）"
            if end
            else "—",
        ),
        ("退回理由", req.return_reason or "—"),
        ("验收日期", _d(req.accepted_on)),
        ("参加单位", req.attendees or "—"),
        *(
            [
                ("村民代表", req.villager_representatives or "—"),
                ("参加验收的监理人员", req.supervisor_attendee or "—"),
            ]
            if req.kind == AcceptanceKind.VILLAGE_SELF
            else []
        ),
        ("整改意见", req.rectification_opinions or "—"),
        ("验收结论", req.conclusion or "—"),
        ("延长申请", f"{extension.days} 天，{extension.get_state_display()}" if extension else "—"),
        ("状态", req.get_state_display()),
    ]
    return _detail(
        request,
        req,
        title=f"{req.get_kind_display()} {req.number}",
        fields=fields,
        back=reverse("approval_acceptance"),
        back_label="竣工验收",
        extra={"page_steps": page_steps},
        status=status,
    )


def _shown(d: Any) -> Any:
    """The deadline as shown (label, period, state), computed once per row."""
    from postaward.core import deadlines as dls

    if not hasattr(d, "_shown"):
        d._shown = dls.show(d)
    return d._shown


def _due_note(d: Any) -> str:
    """Under the end of a deadline: its roll past a rest day (R-CAL-01), its
    extension by suspension, and a warning when a year it spans has no holiday
    schedule yet (issue 11 §6)."""
    from postaward.core import deadlines as dls

    sh = _shown(d)
    notes = [
        sh.roll_note,
        f"因停工顺延 {sh.extended_by_pause_days} 天" if sh.extended_by_pause_days else "",
    ]
    notes.append(dls.calendar_gap(sh))
    return "；".join(n for n in notes if n)


def _deadline_tag(d: Any) -> str:
    sh = _shown(d)
    if sh.overdue:
        return "red"
    if sh.state == "met":
        return "green"
    if sh.paused or sh.state != "open":
        return "grey"
    return "blue"


def _deadline_qs(actor: Actor) -> Any:
    from django.db.models import OuterRef, Subquery

    projects = Project.objects.filter(pk=OuterRef("project_id"))
    return selectors.deadline_rows(actor).annotate(
        project_name=Subquery(projects.values("name")[:1]),
        project_code=Subquery(projects.values("code")[:1]),
        contract_amount=Subquery(projects.values("contract_amount")[:1]),
    )


DEADLINE_STATES = [
    ("open", "计时中"),
    ("met", "按期完成"),
    ("missed", "已超期"),
    ("cancelled", "已撤销"),
]


def _route_text(d: Any) -> str:
    """The submitted settlement's review route (R-SET-02); "—" before submission."""
    from postaward.projects.services.lifecycle import review_text

    if not d.settlement_route:
        return "—"
    return review_text(
        d.settlement_route,
        d.settlement_intermediary,
        d.settlement_entrustment_approved,
        d.settlement_entrustment_ref,
    )


@page_view
def settlement_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    from django.db.models import OuterRef, Subquery

    kinds = ["approvals.settlement_below", "approvals.settlement_above"]
    of = Project.objects.filter(pk=OuterRef("project_id"))
    qs = (
        _deadline_qs(actor)
        .filter(kind__in=kinds)
        .annotate(
            settlement_route=Subquery(of.values("settlement_route")[:1]),
            settlement_intermediary=Subquery(of.values("settlement_intermediary")[:1]),
            settlement_entrustment_approved=Subquery(
                of.values("settlement_entrustment_approved")[:1]
            ),
            settlement_entrustment_ref=Subquery(of.values("settlement_entrustment_ref")[:1]),
        )
    )
    # The owner's managers submit the accepted projects of this list (R-SET-01).
    submittable = [
        p
        for p in Project.objects.filter(
            pk__in=qs.filter(state="open").values("project_id"), status=ProjectStatus.ACCEPTED
        ).order_by("code")
        if project_workflows.OWNER_MANAGERS(p, actor)
        and not project_workflows.settlement_missing(p)
    ]
    form = forms.SettlementForm(request.POST or None)
    form.fields["project"] = djforms.TypedChoiceField(
        label="项目",
        coerce=int,
        choices=[(p.pk, f"{p.code} {p.name}") for p in submittable],
        widget=forms.SELECT,
    )
    form.order_fields(["project", "on", "amount"])
    if request.method == "POST" and form.is_valid():
        project = _project(actor, form.cleaned_data["project"])
        try:
            project_services.submit_settlement(
                actor=actor,
                project=project,
                on=form.cleaned_data["on"],
                amount=form.cleaned_data["amount"],
                route=form.cleaned_data["route"],
                intermediary=form.cleaned_data["intermediary"],
                entrustment_approved=form.cleaned_data["entrustment_approved"],
                entrustment_ref=form.cleaned_data["entrustment_ref"],
            )
        except NotFound:
            raise
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"{project.name}：结算已送审")
            return redirect(request.get_full_path())
    spec = ListSpec(
        key="settlement",
        title="结算送审",
        columns=[
            Column("code", "项目编号", lambda d: d.project_code, sort="project_code"),
            Column("project", "项目", lambda d: d.project_name, sort="project_name"),
            Column(
                "amount",
                "合同金额",
                lambda d: d.contract_amount,
                sort="contract_amount",
                money="contract_amount",
            ),
            Column("period", "期限", lambda d: legal_basis.cite(_shown(d).period)),
            Column("route", "结算审核方式", _route_text, sort="settlement_route"),
            Column("due", "届满", lambda d: _shown(d).end_text, sort="due_at"),
            Column(
                "state", "状态", lambda d: _shown(d).state_label, sort="state", tag=_deadline_tag
            ),
        ],
        filters=[
            _project_filter(actor),
            Filter("state", "状态", "state", choices=DEADLINE_STATES),
            Filter("route", "结算审核方式", "settlement_route", choices=SettlementRoute.choices),
            Filter("from", "届满日期起", "due_at__date", kind="date_from"),
            Filter("to", "届满日期止", "due_at__date", kind="date_to"),
        ],
        search=("project_name", "project_code"),
        search_label="项目名称/编号",
        selectable=True,
    )
    return _list(
        request,
        spec,
        qs,
        intro="R-SET-01：完工后，2000万元以下项目60天内、2000万元及以上项目180天内提交审计部门结算审计；R-PRJ-05：未纳入平台监管的项目须资料补全申请经主管单位同意并补全资料后方可送审。",
        extra={
            "entry_form": form if submittable else None,
            "entry_title": "结算送审",
        },
    )


# --- deadlines and policy ----------------------------------------------------------------------


@page_view
def deadline_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    spec = ListSpec(
        key="deadlines",
        title="办理期限",
        columns=[
            Column(
                "kind",
                "期限",
                lambda d: _shown(d).label,
                sort="kind",
                note=lambda d: legal_basis.cite(_shown(d).requirement),
            ),
            Column("project", "项目", lambda d: d.project_name, sort="project_name"),
            Column("start", "起算", lambda d: f"{_shown(d).start:%Y-%m-%d}", sort="started_at"),
            Column(
                "length",
                "长度",
                lambda d: f"{d.length} 个{_shown(d).unit_label}" if d.length else "当日",
                sort="length",
            ),
            Column(
                "due",
                "届满",
                lambda d: _shown(d).end_text,
                sort="due_at",
                note=_due_note,
            ),
            Column("period", "依据", lambda d: legal_basis.cite(_shown(d).period)),
            Column(
                "state", "状态", lambda d: _shown(d).state_label, sort="state", tag=_deadline_tag
            ),
        ],
        filters=[
            Filter("kind", "期限类别", "kind", choices=[(k.kind, k.label) for k in KINDS]),
            Filter("state", "状态", "state", choices=DEADLINE_STATES),
            Filter("overdue", "超期", "is_overdue", choices=[("1", "近30天超期")]),
            _project_filter(actor),
            Filter("from", "届满日期起", "due_at__date", kind="date_from"),
            Filter("to", "届满日期止", "due_at__date", kind="date_to"),
        ],
        search=("project_name", "project_code"),
        search_label="项目名称/编号",
        empty="暂无期限",
    )
    qs = selectors.flag(
        _deadline_qs(actor), "is_overdue", selectors.recently_overdue_q(clock.now())
    )
    return _list(request, spec, qs)


@page_view
def policy_page(request: HttpRequest) -> HttpResponse:
    from .models import ApprovalPolicy

    actor = actor_of(request)
    if not may_edit_policy(actor):
        raise Forbidden("仅监管办总管可以设置流程审批参数")
    policy = ApprovalPolicy.current()
    form = forms.PolicyForm(
        request.POST or None, initial={f: getattr(policy, f) for f in forms.PolicyForm.base_fields}
    )

    def run(data: dict[str, Any]) -> Any:
        services.update_policy(actor=actor, **data)
        return None

    return _form_page(
        request,
        form,
        title="流程审批参数",
        basis="R-CHG-05、R-HID-03、R-ALR-01",
        run=run,
        back=reverse("approval_policy"),
    )
