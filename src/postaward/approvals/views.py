# mypy: disable-error-code="attr-defined"
"""Pages of the approval processes: lists, the new-process forms, and one page
per process with its facts, deadlines (start, length, unit, end, basis), steps,
documents and photos, and the actions the actor may take now.

Views parse input, call one service and render; refusals are shown beside the
form (DomainError) or as 403/404 pages (``page_view``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
from postaward.orgs.models import Person
from postaward.projects import services as project_services
from postaward.projects import workflows as project_workflows
from postaward.projects.choices import (
    ACTIVE_STATES,
    FINISHED_STATES,
    ParticipantRole,
    Position,
    ProjectStatus,
)
from postaward.projects.models import KeyPersonAssignment, Participant, Project

from . import forms, selectors, services, workflows
from . import steps as approval_steps
from .choices import (
    ACCEPTANCE_RETURN_DAYS,
    AcceptanceKind,
    AcceptanceState,
    ChangeCategory,
    ChangeState,
    LogState,
    PersonnelReason,
    PersonnelState,
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


@dataclass
class Action:
    name: str
    label: str
    form: type[djforms.Form]
    run: Callable[[Actor, Any, dict[str, Any], Any], Any]
    allowed: Callable[[Any, Actor], bool]
    style: str = "primary"
    help: str = ""


def _t(name: str) -> Callable[[Any, Actor], bool]:
    return lambda obj, a: workflows.can(obj, name, a)


def _detail(
    request: HttpRequest,
    obj: Any,
    *,
    title: str,
    fields: list[tuple[str, Any]],
    actions: list[Action],
    back: str,
    back_label: str,
    extra: dict[str, Any] | None = None,
    status: int = 200,
    post: bool = True,
) -> HttpResponse:
    """``post=False``: the page again after a registry step was refused
    (``core.steps.page_action``), the POST is not one of ``actions``."""
    actor = actor_of(request)
    bound: dict[str, djforms.Form] = {}
    if request.method == "POST" and post:
        name = request.POST.get("action", "")
        action = next((a for a in actions if a.name == name), None)
        if action is None:
            raise NotFound("没有该操作")
        if not action.allowed(obj, actor):
            raise Forbidden(f"当前账号不能{action.label}")
        form = action.form(request.POST, request.FILES, prefix=action.name)
        bound[name] = form
        if form.is_valid():
            try:
                action.run(actor, obj, form.cleaned_data, request.FILES)
            except NotFound:
                raise
            except DomainError as exc:
                # A refusal stays beside the action's form with what was typed.
                form_error(form, exc)
                status = exc.status if isinstance(exc, Forbidden) else 200
            else:
                messages.success(request, f"{action.label}：已办理")
                return redirect(request.path)
    cards = [
        {"action": a, "form": bound.get(a.name) or a.form(prefix=a.name)}
        for a in actions
        if a.allowed(obj, actor)
    ]
    ctx = {
        "obj": obj,
        "title": title,
        "fields": fields,
        "cards": cards,
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


# --- engineering changes -------------------------------------------------------------------------


@page_view
def change_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    spec = ListSpec(
        key="changes",
        title="工程变更",
        columns=[
            Column("number", "编号", lambda c: c.number, sort="number"),
            Column("project", "项目", lambda c: c.project.name, sort="project__name"),
            Column("title", "事项", lambda c: c.title),
            Column("category", "类别", lambda c: c.get_category_display(), sort="category"),
            Column(
                "cost", "费用增减", lambda c: c.cost_delta, sort="cost_delta", money="cost_delta"
            ),
            Column("days", "工期（天）", lambda c: f"{c.days_delta:+d}", sort="days_delta"),
            Column("work_date", "计划实施", lambda c: _d(c.work_date), sort="work_date"),
            Column("state", "状态", lambda c: c.get_state_display(), sort="state", tag=_state_tag),
            Column(
                "flags",
                "标记",
                lambda c: "、".join(
                    x
                    for x in ("重大" if c.is_major else "", "事后变更" if c.after_the_fact else "")
                    if x
                ),
            ),
        ],
        filters=[
            _project_filter(actor),
            Filter("open", "办理情况", "is_open", choices=[("1", "在办"), ("0", "已办结")]),
            Filter("state", "状态", "state", choices=ChangeState.choices),
            Filter("category", "类别", "category", choices=ChangeCategory.choices),
            Filter("major", "重大变更", "is_major", choices=[("1", "是"), ("0", "否")]),
            Filter("from", "实施日期起", "work_date", kind="date_from"),
            Filter("to", "实施日期止", "work_date", kind="date_to"),
        ],
        search=("number", "title", "project__name", "raised_by_org"),
        search_label="编号/事项/项目/发起单位",
        default_sort="-raised",
        row_url=lambda c: reverse("approval_change_detail", args=[c.pk]),
    )
    return _list(
        request,
        spec,
        selectors.flag(selectors.changes(actor), "is_open", selectors.OPEN_CHANGE_Q),
        new_url=reverse("approval_change_new")
        if _openings(actor, services.may_raise_change, CHANGE_STATES, role=None)
        else "",
        new_label="发起工程变更",
        intro="R-CHG-01：变更须在实施前批准（事后变更记入预警）；R-CHG-05：重大设计变更须报发改部门批准。",
    )


@page_view
def change_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = forms.ChangeForm(request.POST or None, request.FILES or None)
    # The choices are every visible project: posting one the actor may not act
    # on is refused by the service, with its reason, beside the typed form.
    projects = list(selectors.projects_for(actor, CHANGE_STATES))
    form.fields["project"].choices = [(p.pk, f"{p.code} {p.name}") for p in projects]
    pids = [p.pk for p in projects]
    form.fields["participant"].choices = [
        (pt.pk, f"{pt.project.code} {pt.get_role_display()}：{pt.organisation.name}")
        for pt in Participant.objects.filter(project_id__in=pids).select_related(
            "organisation", "project"
        )
    ]
    form.fields["hidden_works"].choices = [
        (hw.pk, f"{hw.project.code} {hw.number} {hw.part_name}（{hw.get_state_display()}）")
        for hw in HiddenWork.objects.filter(project_id__in=pids).select_related("project")
    ]
    if request.GET.get("project"):
        form.fields["project"].initial = request.GET["project"]

    def run(data: dict[str, Any]) -> Any:
        project = _project(actor, data["project"])
        participant = Participant.objects.filter(pk=data["participant"], project=project).first()
        if participant is None:
            raise _invalid("participant", "所选合同不属于该项目")
        works = list(HiddenWork.objects.filter(project=project, pk__in=data["hidden_works"]))
        return services.raise_change(
            actor=actor,
            project=project,
            participant=participant,
            category=data["category"],
            title=data["title"],
            reason=data["reason"],
            scope=data["scope"],
            cost_delta=data["cost_delta"],
            days_delta=data["days_delta"],
            work_date=data["work_date"],
            declared_major=data["declared_major"],
            hidden_works=works,
            hidden_exception_reason=data["hidden_exception_reason"],
            uploads=[data["file"]] if data.get("file") else [],
        )

    return _form_page(
        request,
        form,
        title="发起工程变更",
        basis="R-CHG-01、R-CHG-02、R-CHG-05（实施细则第二十七条(一)）",
        run=run,
        back=reverse("approval_changes"),
    )


def _invalid(field: str, message: str) -> DomainError:
    from postaward.core.errors import ValidationFailed

    return ValidationFailed(message, field=field)


@page_view
def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    c = get_visible_or_404(
        EngineeringChange.objects.select_related("project", "participant__organisation"),
        actor,
        pk=pk,
    )
    actions = [
        Action(
            "review",
            "监理审核通过",
            forms.OpinionForm,
            lambda a, o, d, f: services.review_change(actor=a, change=o, opinion=d["opinion"]),
            _t("review_by_supervisor"),
        ),
        Action(
            "approve",
            "建设单位审批同意",
            forms.OpinionForm,
            lambda a, o, d, f: services.approve_change(actor=a, change=o, opinion=d["opinion"]),
            _t("approve_by_owner"),
        ),
        Action(
            "approve_drc",
            "发改部门批准",
            forms.OpinionForm,
            lambda a, o, d, f: services.approve_change_by_drc(
                actor=a, change=o, opinion=d["opinion"]
            ),
            _t("approve_by_drc"),
        ),
        Action(
            "reject",
            "审核不通过",
            forms.NoteForm,
            lambda a, o, d, f: services.reject_change(actor=a, change=o, note=d["note"]),
            _t("reject"),
            "danger",
        ),
        Action(
            "withdraw",
            "撤回变更",
            djforms.Form,
            lambda a, o, d, f: services.withdraw_change(actor=a, change=o),
            _t("withdraw"),
            "secondary",
        ),
    ]
    fields = [
        ("变更编号", c.number),
        ("项目", c.project.name),
        ("变更合同", f"{c.participant.get_role_display()}：{c.participant.organisation.name}"),
        ("类别", c.get_category_display()),
        ("变更事项", c.title),
        ("变更原因", c.reason),
        ("变更内容", c.scope),
        ("费用增减", ("money", c.cost_delta)),
        ("工期增减", f"{c.days_delta:+d} 天"),
        ("计划实施日期", _d(c.work_date)),
        ("重大设计变更", "是（须发改部门批准，R-CHG-05）" if c.is_major else "否"),
        (
            "涉及隐蔽工程",
            "、".join(f"{w.number} {w.part_name}" for w in c.hidden_works.all()) or "—",
        ),
        ("隐蔽工程例外理由", c.hidden_exception_reason or "—"),
        ("发起", f"{c.raised_by_org} {c.raised_by_name} {_d(c.raised_at)}"),
        ("状态", c.get_state_display()),
        ("批准时间", _d(c.approved_at)),
        ("事后变更", "是（批准晚于计划实施日期，R-CHG-01）" if c.after_the_fact else "否"),
    ]
    history = services.contract_history(c.participant)
    return _detail(
        request,
        c,
        title=f"工程变更 {c.number}",
        fields=fields,
        actions=actions,
        back=reverse("approval_changes"),
        back_label="工程变更",
        extra={
            "history": history,
            "history_url": reverse("approval_contract_history", args=[c.participant_id]),
        },
    )


@page_view
def contract_history(request: HttpRequest, participant_id: int) -> HttpResponse:
    actor = actor_of(request)
    pt = get_visible_or_404(
        Participant.objects.select_related("project", "organisation"), actor, pk=participant_id
    )
    return render(
        request,
        "approvals/contract_history.html",
        {"history": services.contract_history(pt), "participant": pt},
    )


@page_view
def photo_file(request: HttpRequest, pk: int) -> HttpResponse:
    # A streamed file (page_view passes any response through).
    return cast(HttpResponse, files.download(HiddenWorkPhoto.objects, actor_of(request), pk))


@page_view
def document_file(request: HttpRequest, pk: int) -> HttpResponse:
    return cast(HttpResponse, files.download(ApprovalDocument.objects, actor_of(request), pk))


# --- personnel changes ----------------------------------------------------------------------------


@page_view
def personnel_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    positions = dict(Position.choices)
    spec = ListSpec(
        key="personnel",
        title="人员变更",
        columns=[
            Column("number", "编号", lambda pc: pc.number, sort="number"),
            Column("project", "项目", lambda pc: pc.project.name, sort="project__name"),
            Column(
                "position",
                "岗位",
                lambda pc: positions.get(pc.position, pc.position),
                sort="position",
            ),
            Column("outgoing", "原人员", lambda pc: pc.outgoing.name),
            Column("replacement", "替换人员", lambda pc: pc.replacement.name),
            Column("reason", "原因", lambda pc: pc.get_reason_kind_display(), sort="reason_kind"),
            Column("route", "审批路径", lambda pc: pc.get_route_display()),
            Column(
                "penalty",
                "违约金",
                lambda pc: pc.penalty_amount,
                sort="penalty_amount",
                money="penalty_amount",
            ),
            Column("initiated", "发起时间", lambda pc: _d(pc.initiated_at), sort="initiated_at"),
            Column(
                "state", "状态", lambda pc: pc.get_state_display(), sort="state", tag=_state_tag
            ),
        ],
        filters=[
            _project_filter(actor),
            Filter("state", "状态", "state", choices=PersonnelState.choices),
            Filter("position", "岗位", "position", choices=Position.choices),
            Filter("reason", "原因", "reason_kind", choices=PersonnelReason.choices),
            Filter("from", "发起日期起", "initiated_at__date", kind="date_from"),
            Filter("to", "发起日期止", "initiated_at__date", kind="date_to"),
        ],
        search=("number", "project__name", "outgoing__name", "replacement__name"),
        search_label="编号/项目/人员",
        row_url=lambda pc: reverse("approval_personnel_detail", args=[pc.pk]),
    )
    return _list(
        request,
        spec,
        selectors.personnel_changes(actor),
        new_url=reverse("approval_personnel_new") if _changeable(actor) else "",
        new_label="发起人员变更",
        intro="R-CHG-03：项目负责人、总监理工程师经建设单位同意后报行业主管部门审核；其他人员经建设单位和主管单位同意后报行业主管部门备案。R-CHG-04：被撤换人员在本工程完工前不得担任区内其他项目相同岗位；因病变更的，恢复期内不得担任投标项目岗位。",
    )


def _changeable(actor: Actor) -> list[KeyPersonAssignment]:
    """The serving key people whose change the actor may initiate, by the
    service's own predicate (R-CHG-03, issue 11 §5)."""
    return [
        a
        for a in KeyPersonAssignment.objects.visible_to(actor)
        .filter(ended_on__isnull=True, participant__organisation_id=actor.organisation_id)
        .select_related("project", "person", "participant")
        .order_by("project__code", "id")
        if services.may_initiate_personnel_change(actor, a)
    ]


@page_view
def personnel_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = forms.PersonnelForm(request.POST or None, request.FILES or None)
    assignments = (
        KeyPersonAssignment.objects.visible_to(actor)
        .filter(ended_on__isnull=True, participant__organisation_id=actor.organisation_id)
        .select_related("project", "person")
    )
    form.fields["assignment"].choices = [
        (a.pk, f"{a.project.code} {a.get_position_display()}：{a.person.name}") for a in assignments
    ]
    form.fields["replacement"].choices = [
        (p.pk, p.name)
        for p in Person.objects.filter(
            organisation_id=actor.organisation_id, is_active=True
        ).order_by("name")
    ]
    months = "、".join(services.insurance_months(clock.today()))
    form.fields["social_insurance"].help_text = f"须覆盖 {months}"

    def run(data: dict[str, Any]) -> Any:
        a = get_visible_or_404(
            KeyPersonAssignment.objects.select_related("project", "participant"),
            actor,
            pk=data["assignment"],
        )
        person = Person.objects.filter(pk=data["replacement"]).first()
        if person is None:
            raise _invalid("replacement", "替换人员不存在")
        cert = (
            person.qualifications.order_by("-valid_until").first()
            if hasattr(person, "qualifications")
            else None
        )
        return services.initiate_personnel_change(
            actor=actor,
            assignment=a,
            replacement=person,
            replacement_certificate=cert,
            reason_kind=data["reason_kind"],
            reason=data["reason"],
            recovery_until=data.get("recovery_until"),
            hospital_certificate=data.get("hospital_certificate"),
            qualification_document=data.get("qualification_document"),
            social_insurance=data.get("social_insurance"),
        )

    return _form_page(
        request,
        form,
        title="发起人员变更",
        basis="R-CHG-03（实施细则第二十七条(二)）",
        run=run,
        back=reverse("approval_personnel"),
    )


@page_view
def personnel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    pc = get_visible_or_404(
        PersonnelChange.objects.select_related(
            "project", "outgoing", "replacement", "participant__organisation"
        ),
        actor,
        pk=pk,
    )
    approve_name = "approve_by_authority" if pc.route == "review" else "agree_by_superior"
    actions = [
        Action(
            "agree",
            "建设单位同意",
            forms.OpinionForm,
            lambda a, o, d, f: services.agree_personnel_change(
                actor=a, change=o, opinion=d["opinion"]
            ),
            _t("agree_by_owner"),
        ),
        Action(
            "approve",
            "行业主管部门审核同意"
            if pc.route == "review"
            else "主管单位同意（报行业主管部门备案）",
            forms.OpinionForm,
            lambda a, o, d, f: services.approve_personnel_change(
                actor=a, change=o, opinion=d["opinion"]
            ),
            _t(approve_name),
        ),
        Action(
            "complete",
            "上传审批表、登记违约责任并换岗",
            forms.CompletePersonnelForm,
            lambda a, o, d, f: services.complete_personnel_change(
                actor=a,
                change=o,
                approval_form=d["approval_form"],
                penalty_amount=d["penalty_amount"],
                penalty_note=d["penalty_note"],
            ),
            _t("complete"),
        ),
        Action(
            "reject",
            "不同意",
            forms.NoteForm,
            lambda a, o, d, f: services.reject_personnel_change(actor=a, change=o, note=d["note"]),
            _t("reject"),
            "danger",
        ),
        Action(
            "withdraw",
            "撤回",
            djforms.Form,
            lambda a, o, d, f: services.withdraw_personnel_change(actor=a, change=o),
            _t("withdraw"),
            "secondary",
        ),
    ]
    fields = [
        ("编号", pc.number),
        ("项目", pc.project.name),
        ("变更单位", pc.participant.organisation.name),
        ("岗位", Position(pc.position).label),
        ("原人员", pc.outgoing.name),
        ("替换人员", pc.replacement.name),
        ("变更原因", f"{pc.get_reason_kind_display()}：{pc.reason}"),
        ("治疗恢复期至", _d(pc.recovery_until)),
        ("审批路径", pc.get_route_display()),
        ("报行业主管部门备案", _d(pc.filed_at)),
        ("违约金", ("money", pc.penalty_amount) if pc.penalty_amount is not None else "—"),
        ("违约责任追究情况", pc.penalty_note or "—"),
        ("状态", pc.get_state_display()),
    ]
    return _detail(
        request,
        pc,
        title=f"人员变更 {pc.number}",
        fields=fields,
        actions=actions,
        back=reverse("approval_personnel"),
        back_label="人员变更",
    )


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
    req = approval_steps.load_acceptance(actor_of(request), pk)
    return render_acceptance(request, req, post=True)


def render_acceptance(
    request: HttpRequest,
    req: AcceptanceRequest,
    *,
    bound: dict[str, Any] | None = None,
    extension_bound: dict[str, Any] | None = None,
    status: int = 200,
    post: bool = False,
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
        actions=[],
        back=reverse("approval_acceptance"),
        back_label="竣工验收",
        extra={"page_steps": page_steps},
        status=status,
        post=post,
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


@page_view
def settlement_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    kinds = ["approvals.settlement_below", "approvals.settlement_above"]
    qs = _deadline_qs(actor).filter(kind__in=kinds)
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
            Column("due", "届满", lambda d: _shown(d).end_text, sort="due_at"),
            Column(
                "state", "状态", lambda d: _shown(d).state_label, sort="state", tag=_deadline_tag
            ),
        ],
        filters=[
            _project_filter(actor),
            Filter("state", "状态", "state", choices=DEADLINE_STATES),
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
