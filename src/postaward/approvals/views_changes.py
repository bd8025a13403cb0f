# mypy: disable-error-code="attr-defined"
"""Pages of engineering changes and personnel changes (R-CHG-01..06): the
ledgers, the new-change forms, the contract's change history, and one page per
change whose steps come from the step registry (``steps_changes.py``, rendered
by ``core/_steps.html``: a step refused only by a rule is shown greyed with the
reason, one refused by role or state is not shown)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from postaward.core import clock, steps
from postaward.core.actor import Actor
from postaward.core.legal_basis import cite
from postaward.core.lists import Column, Filter, ListSpec
from postaward.core.scoping import get_visible_or_404
from postaward.core.web import actor_of, page_view
from postaward.orgs.models import Person
from postaward.projects.choices import Position
from postaward.projects.models import KeyPersonAssignment, Participant

from . import forms, selectors, services
from . import steps_changes as S
from .choices import ChangeCategory, ChangeState, PersonnelReason, PersonnelState
from .models import EngineeringChange, HiddenWork, PersonnelChange
from .views import (
    CHANGE_STATES,
    _d,
    _detail,
    _form_page,
    _invalid,
    _list,
    _openings,
    _project,
    _project_filter,
    _state_tag,
)

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


@page_view
def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The change's page. Its steps are the registry's (``steps_changes.py``),
    posted to ``…/steps/{name}/``; a POST here with ``action`` is the same
    step (``core.steps.page_action``)."""
    if request.method == "POST":
        return steps.page_action(request, pk, request.POST.get("action", ""), workflow=S.CHANGE_WF)
    return render_change(request, S.load_change(actor_of(request), pk))


def render_change(
    request: HttpRequest,
    c: EngineeringChange,
    *,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = actor_of(request)
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
        ("重大设计变更", f"是（须发改部门批准，{cite('R-CHG-05')}）" if c.is_major else "否"),
        (
            "涉及隐蔽工程",
            "、".join(f"{w.number} {w.part_name}" for w in c.hidden_works.all()) or "—",
        ),
        ("隐蔽工程例外理由", c.hidden_exception_reason or "—"),
        ("发起", f"{c.raised_by_org} {c.raised_by_name} {_d(c.raised_at)}"),
        ("状态", c.get_state_display()),
        ("批准时间", _d(c.approved_at)),
        (
            "事后变更",
            f"是（批准晚于计划实施日期，{cite('R-CHG-01')}）" if c.after_the_fact else "否",
        ),
    ]
    history = services.contract_history(c.participant)
    return _detail(
        request,
        c,
        title=f"工程变更 {c.number}",
        fields=fields,
        back=reverse("approval_changes"),
        back_label="工程变更",
        extra={
            "history": history,
            "history_url": reverse("approval_contract_history", args=[c.participant_id]),
            "page_steps": steps.page_steps(c, actor, bound=bound),
        },
        status=status,
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
    """The personnel change's page; its steps are the registry's, as for a change."""
    if request.method == "POST":
        return steps.page_action(
            request, pk, request.POST.get("action", ""), workflow=S.PERSONNEL_WF
        )
    return render_personnel(request, S.load_personnel(actor_of(request), pk))


def render_personnel(
    request: HttpRequest,
    pc: PersonnelChange,
    *,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = actor_of(request)
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
        back=reverse("approval_personnel"),
        back_label="人员变更",
        extra={"page_steps": steps.page_steps(pc, actor, bound=bound)},
        status=status,
    )
