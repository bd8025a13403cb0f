"""Pages of the agents and experts part (R-SCO-05, R-SCO-06, R-SCO-09; ADR
0680): the agents' register (ranking by the latest approved appraisal), the
yearly appraisals, the owners' choices of agents, the expert pool, evaluation
events with their grades, and the C/D reports; each list with filters,
sorting, totals, export, print and phone cards (core.lists)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from postaward.core import steps
from postaward.core.errors import DomainError, Forbidden
from postaward.core.lists import Column, Filter, ListSpec, render_list
from postaward.core.masking import mask_name
from postaward.core.scoping import get_visible_or_404
from postaward.core.web import actor_of, page_view, refused
from postaward.orgs.choices import OrgKind
from postaward.orgs.models import Organisation

from . import services_agents as svc
from .forms_agents import (
    AppraisalForm,
    ChoiceForm,
    DisclosureForm,
    EvaluationForm,
    EventForm,
    PoolForm,
)
from .models import (
    AgentAppraisal,
    AgentChoice,
    AppraisalGrade,
    AppraisalState,
    EvaluationEvent,
    ExpertGrade,
    ExpertPoolMember,
    ExpertReport,
    PoolState,
    ReportState,
)
from .steps_agents import load_appraisal, load_report

SECTION = "信用管理"
APPRAISAL_COLOURS: dict[str, str] = {
    AppraisalState.SUBMITTED: "orange",
    AppraisalState.APPROVED: "green",
    AppraisalState.RETURNED: "grey",
}
REPORT_COLOURS: dict[str, str] = {
    ReportState.REPORTED: "orange",
    ReportState.SUSPENDED: "red",
    ReportState.REMOVED: "red",
    ReportState.DISMISSED: "grey",
}
POOL_COLOURS: dict[str, str] = {
    PoolState.ACTIVE: "green",
    PoolState.SUSPENDED: "orange",
    PoolState.REMOVED: "red",
}


def _ctx(icon: str, new_url: str = "", new_label: str = "") -> dict[str, Any]:
    return {"section": SECTION, "icon": icon, "new_url": new_url, "new_label": new_label}


# --- the register of agents ----------------------------------------------------------------


def _latest(o: Organisation) -> Any:
    return getattr(o, "_latest", None)


def _with_latest(rows: list[Any]) -> list[Any]:
    for o in rows:
        o._latest = svc.latest_appraisal(o.pk)
    return rows


AGENT_SPEC = ListSpec(
    key="credit_agents",
    title="招标代理机构名录",
    columns=[
        Column(
            "name",
            "机构名称",
            lambda o: o.name,
            sort="name",
            link=lambda o: reverse("credit_agent_detail", args=[o.pk]),
        ),
        Column("uscc", "统一社会信用代码", lambda o: o.uscc or "—"),
        Column("year", "最近考评年度", lambda o: _latest(o).year if _latest(o) else "—"),
        Column(
            "grade",
            "考评等次",
            lambda o: _latest(o).get_grade_display() if _latest(o) else "未考评",
        ),
        Column(
            "best",
            "择优范围",
            lambda o: "是" if _latest(o) and _latest(o).grade in ("excellent", "good") else "否",
            tag=lambda o: (
                "green" if _latest(o) and _latest(o).grade in ("excellent", "good") else ""
            ),
        ),
    ],
    search=("name", "uscc"),
    search_label="机构名称或信用代码",
    default_sort="name",
    export_name="招标代理机构名录",
    empty="暂无招标代理机构",
    prepare=_with_latest,
    row_url=lambda o: reverse("credit_agent_detail", args=[o.pk]),
    testid="agent-list",
)


@page_view
def agent_list(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    qs = Organisation.objects.filter(kind=OrgKind.TENDER_AGENT, path__startswith=a.district_path)
    new = reverse("credit_disclosure_edit") if svc.is_agent_admin(a) else ""
    return render_list(
        request, AGENT_SPEC, qs, context=_ctx("bi-building-check", new, "填报本机构公示信息")
    )


def render_agent(
    request: HttpRequest, agent: Organisation, *, bound: Any = None, status: int = 200
) -> HttpResponse:
    a = actor_of(request)
    card = svc.agent_card(agent)
    x = card["disclosure"]
    ctx = {
        "c": card,
        "rating": card["best_rated"],
        "page_steps": steps.page_steps(x, a, bound=bound) if x is not None else [],
        "may_edit": svc.is_agent_admin(a) and a.organisation_id == agent.pk,
    }
    return render(request, "credit/agents/agent_detail.html", ctx, status=status)


@page_view
def agent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = actor_of(request)
    agent = Organisation.objects.filter(
        pk=pk, kind=OrgKind.TENDER_AGENT, path__startswith=a.district_path
    ).first()
    if agent is None:
        from postaward.core.errors import NotFound

        raise NotFound()
    return render_agent(request, agent)


@page_view
def disclosure_edit(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    if not svc.is_agent_admin(a):
        raise Forbidden("仅招标代理机构的管理员可以填报本机构的公示信息")
    from .models import AgentDisclosure

    x = AgentDisclosure.objects.filter(agent_id=a.organisation_id).first()
    initial = (
        {}
        if x is None
        else {
            k: getattr(x, k)
            for k in (
                "staff_count",
                "registered_count",
                "qualifications",
                "internal_controls",
                "performance",
            )
        }
    )
    form = DisclosureForm(request.POST or None, initial=initial)

    def save(d: dict[str, Any], key: str | None) -> Any:
        return svc.save_disclosure(actor=a, **d)

    return _form_page(
        request,
        form,
        title="填报本机构公示信息",
        back=("招标代理机构名录", reverse("credit_agent_list")),
        intro="公示本机构的人员情况、执业情况和内控制度；每次填报后由监管办核查，"
        "考评、信用记录和处理措施由平台按登记情况一并公示。",
        basis="R-SCO-05",
        save=save,
        done=lambda o: ("已提交，待监管办核查", reverse("credit_agent_detail", args=[o.agent_id])),
    )


# --- appraisals ---------------------------------------------------------------------------------


APPRAISAL_SPEC = ListSpec(
    key="credit_appraisals",
    title="招标代理机构年度考评",
    columns=[
        Column(
            "number",
            "考评编号",
            lambda a: a.number,
            sort="number",
            link=lambda a: reverse("credit_appraisal_detail", args=[a.pk]),
        ),
        Column("agent", "招标代理机构", lambda a: a.agent.name, sort="agent__name"),
        Column("year", "年度", lambda a: a.year, sort="year"),
        Column("grade", "等次", lambda a: a.get_grade_display(), sort="grade"),
        Column.state("state", "状态", APPRAISAL_COLOURS),
        Column("reasons", "考评理由", lambda a: a.reasons, export_only=True),
    ],
    filters=[
        Filter("grade", "等次", "grade", choices=AppraisalGrade.choices),
        Filter("state", "状态", "state", choices=AppraisalState.choices),
    ],
    search=("number", "agent__name"),
    search_label="编号或机构名称",
    default_sort="-year",
    row_url=lambda a: reverse("credit_appraisal_detail", args=[a.pk]),
    export_name="招标代理机构年度考评",
    empty="暂无年度考评",
    testid="appraisal-list",
)


@page_view
def appraisal_list(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    qs = AgentAppraisal.objects.visible_to(a).select_related("agent")
    new = reverse("credit_appraisal_new") if svc.is_office(a) else ""
    return render_list(request, APPRAISAL_SPEC, qs, context=_ctx("bi-award", new, "登记年度考评"))


def _kv_page(
    request: HttpRequest,
    title: str,
    back: tuple[str, str],
    rows: list[tuple[str, Any]],
    *,
    obj: Any = None,
    bound: Any = None,
    status: int = 200,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    a = actor_of(request)
    ctx = {
        "title": title,
        "back_label": back[0],
        "back_url": back[1],
        "rows": rows,
        "page_steps": steps.page_steps(obj, a, bound=bound) if obj is not None else [],
        **(extra or {}),
    }
    return render(request, "credit/agents/detail.html", ctx, status=status)


def render_appraisal(
    request: HttpRequest, x: AgentAppraisal, *, bound: Any = None, status: int = 200
) -> HttpResponse:
    rows = [
        ("考评编号", x.number),
        ("招标代理机构", x.agent.name),
        ("考评年度", f"{x.year}年度"),
        ("考评等次", x.get_grade_display()),
        ("考评理由", x.reasons),
        ("状态", x.get_state_display()),
        ("考评人", f"{x.recorded_by_name} {x.created_at:%Y-%m-%d %H:%M}"),
    ]
    if x.approved_by_name:
        rows.append(("审定人", x.approved_by_name))
    if x.return_reason:
        rows.append(("退回原因", x.return_reason))
    back = ("招标代理机构年度考评", reverse("credit_appraisal_list"))
    return _kv_page(
        request,
        f"年度考评 {x.number}",
        back,
        rows,
        obj=x,
        bound=bound,
        status=status,
        extra={"basis": "R-SCO-05"},
    )


@page_view
def appraisal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_appraisal(request, load_appraisal(actor_of(request), pk))


# --- the generic create form -----------------------------------------------------------------


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    back: tuple[str, str],
    intro: str,
    basis: str,
    save: Callable[[dict[str, Any], str | None], Any],
    done: Callable[[Any], tuple[str, str]],
) -> HttpResponse:
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                obj = save(form.cleaned_data, request.POST.get("idempotency_key") or None)
            except DomainError as exc:
                status = refused(form, exc)
            else:
                message, url = done(obj)
                messages.success(request, message)
                return redirect(url)
    ctx = {
        "form": form,
        "title": title,
        "back_label": back[0],
        "back_url": back[1],
        "intro": intro,
        "basis": basis,
    }
    return render(request, "credit/agents/form.html", ctx, status=status)


@page_view
def appraisal_new(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    if not svc.is_office(a):
        raise Forbidden("仅监管办可以考评招标代理机构")
    form = AppraisalForm(request.POST or None, actor=a)

    def save(d: dict[str, Any], key: str | None) -> Any:
        return svc.record_appraisal(
            actor=a,
            agent_id=d["agent"].pk,
            year=d["year"],
            grade=d["grade"],
            reasons=d["reasons"],
            idempotency_key=key,
        )

    return _form_page(
        request,
        form,
        title="登记年度考评",
        back=("招标代理机构年度考评", reverse("credit_appraisal_list")),
        intro="对招标代理机构的人员、执业、内控制度、检查处理处罚和信用记录等情况进行年度考评；"
        "经监管办另一名工作人员审定后生效，优秀、良好的机构列入择优范围。",
        basis="R-SCO-05",
        save=save,
        done=lambda x: (
            f"已登记年度考评 {x.number}",
            reverse("credit_appraisal_detail", args=[x.pk]),
        ),
    )


# --- owners' choices of agents ---------------------------------------------------------------


CHOICE_SPEC = ListSpec(
    key="credit_agent_choices",
    title="招标代理机构选取登记",
    columns=[
        Column(
            "number",
            "登记编号",
            lambda c: c.number,
            sort="number",
            link=lambda c: reverse("credit_agent_choice_detail", args=[c.pk]),
        ),
        Column("project", "项目", lambda c: c.project.name, sort="project__name"),
        Column("tender", "标段", lambda c: c.tender or "—"),
        Column("agent", "招标代理机构", lambda c: c.agent.name, sort="agent__name"),
        Column(
            "best",
            "择优",
            lambda c: "是" if c.best_rated else "否（已书面说明）",
            tag=lambda c: "" if c.best_rated else "orange",
        ),
        Column(
            "created",
            "登记日期",
            lambda c: f"{c.created_at:%Y-%m-%d}",
            sort="created_at",
            export=lambda c: c.created_at.date(),
        ),
        Column("justification", "书面说明", lambda c: c.justification, export_only=True),
    ],
    filters=[Filter("best", "择优", "best_rated", choices=[("True", "是"), ("False", "否")])],
    search=("number", "project__name", "agent__name"),
    search_label="编号、项目或机构",
    default_sort="-created_at",
    row_url=lambda c: reverse("credit_agent_choice_detail", args=[c.pk]),
    export_name="招标代理机构选取登记",
    empty="暂无选取登记",
    testid="agent-choice-list",
)


@page_view
def choice_list(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    qs = AgentChoice.objects.visible_to(a).select_related("project", "agent")
    new = reverse("credit_agent_choice_new") if svc.is_owner(a) else ""
    return render_list(
        request, CHOICE_SPEC, qs, context=_ctx("bi-person-check", new, "登记选定的代理机构")
    )


@page_view
def choice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = actor_of(request)
    c = get_visible_or_404(
        AgentChoice.objects.select_related("project", "agent", "owner", "discipline"), a, pk=pk
    )
    rows = [
        ("登记编号", c.number),
        ("项目", c.project.name),
        ("标段（招标事项）", c.tender or "—"),
        ("建设单位（招标人）", c.owner.name),
        ("选定的招标代理机构", c.agent.name),
        ("选取方式", c.method),
        ("择优依据", c.rating_note),
        ("属择优范围", "是" if c.best_rated else "否"),
    ]
    if not c.best_rated:
        rows.append(("书面说明", c.justification))
        rows.append(("报备", c.discipline.name if c.discipline else "—"))
    rows.append(("登记", f"{c.recorded_by_name} {c.created_at:%Y-%m-%d %H:%M}"))
    back = ("招标代理机构选取登记", reverse("credit_agent_choice_list"))
    return _kv_page(request, f"选取登记 {c.number}", back, rows, extra={"basis": "R-SCO-09"})


@page_view
def choice_new(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    if not svc.is_owner(a):
        raise Forbidden("仅建设单位（招标人）可以登记招标代理机构的选取")
    form = ChoiceForm(request.POST or None, actor=a)

    def save(d: dict[str, Any], key: str | None) -> Any:
        return svc.choose_agent(
            actor=a,
            project_id=d["project"].pk,
            agent_id=d["agent"].pk,
            method=d["method"],
            tender=d["tender"],
            justification=d["justification"],
            idempotency_key=key,
        )

    return _form_page(
        request,
        form,
        title="登记选定的招标代理机构",
        back=("招标代理机构选取登记", reverse("credit_agent_choice_list")),
        intro="招标人应根据项目特点、代理机构专业领域和综合信用评价结果择优选择代理机构；"
        "选定的机构不在择优范围（最近一次年度考评为优秀或良好）的，须作书面说明，"
        "选取方式及结果报纪检监察机关备案。",
        basis="R-SCO-09",
        save=save,
        done=lambda c: (f"已登记 {c.number}", reverse("credit_agent_choice_detail", args=[c.pk])),
    )


# --- the expert pool ------------------------------------------------------------------------


POOL_SPEC = ListSpec(
    key="credit_expert_pool",
    title="评标专家库",
    columns=[
        Column("name", "姓名", lambda m: m.person.name, sort="person__name"),
        Column("org", "所在单位", lambda m: m.person.organisation.name),
        Column("specialty", "评标专业", lambda m: m.specialty, sort="specialty"),
        Column(
            "created",
            "入库日期",
            lambda m: f"{m.created_at:%Y-%m-%d}",
            sort="created_at",
            export=lambda m: m.created_at.date(),
        ),
        Column.state("state", "状态", POOL_COLOURS),
    ],
    filters=[Filter("state", "状态", "state", choices=PoolState.choices)],
    search=("person__name", "specialty", "person__organisation__name"),
    search_label="姓名、专业或单位",
    default_sort="-created_at",
    export_name="评标专家库",
    empty="专家库暂无成员",
    testid="expert-pool-list",
)


@page_view
def pool_list(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    qs = ExpertPoolMember.objects.visible_to(a).select_related("person", "person__organisation")
    new = reverse("credit_expert_pool_new") if svc.is_office(a) else ""
    return render_list(request, POOL_SPEC, qs, context=_ctx("bi-people", new, "专家入库"))


@page_view
def pool_new(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    if not svc.is_office(a):
        raise Forbidden("仅监管办可以管理评标专家库")
    form = PoolForm(request.POST or None, actor=a)

    def save(d: dict[str, Any], key: str | None) -> Any:
        return svc.admit_expert(
            actor=a, person_id=d["person"].pk, specialty=d["specialty"], idempotency_key=key
        )

    return _form_page(
        request,
        form,
        title="评标专家入库",
        back=("评标专家库", reverse("credit_expert_pool_list")),
        intro="行业监管部门和公共资源交易中心等公职人员不得进入评标专家库；入库时按人员库核对所在单位。",
        basis="R-SCO-09",
        save=save,
        done=lambda m: (f"“{m.person.name}”已入库", reverse("credit_expert_pool_list")),
    )


# --- evaluation events ------------------------------------------------------------------------


EVENT_SPEC = ListSpec(
    key="credit_evaluation_events",
    title="评标活动及专家评价",
    columns=[
        Column(
            "number",
            "活动编号",
            lambda e: e.number,
            sort="number",
            link=lambda e: reverse("credit_evaluation_event_detail", args=[e.pk]),
        ),
        Column("project", "项目", lambda e: e.project.name, sort="project__name"),
        Column("title", "招标事项", lambda e: e.title),
        Column(
            "held_on",
            "评标日期",
            lambda e: f"{e.held_on:%Y-%m-%d}",
            sort="held_on",
            export=lambda e: e.held_on,
        ),
        Column("experts", "专家人数", lambda e: e.experts.count()),
        Column("evaluated", "已评价（人次）", lambda e: e.evaluations.count()),
    ],
    filters=[
        Filter("from", "评标日期起", "held_on", kind="date_from"),
        Filter("to", "评标日期止", "held_on", kind="date_to"),
    ],
    search=("number", "project__name", "title"),
    search_label="编号、项目或招标事项",
    default_sort="-held_on",
    row_url=lambda e: reverse("credit_evaluation_event_detail", args=[e.pk]),
    export_name="评标活动",
    empty="暂无评标活动",
    testid="evaluation-event-list",
)


@page_view
def event_list(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    qs = EvaluationEvent.objects.visible_to(a).select_related("project")
    may = svc.is_owner(a) or svc.is_office(a)
    new = reverse("credit_evaluation_event_new") if may else ""
    return render_list(
        request, EVENT_SPEC, qs, context=_ctx("bi-clipboard-check", new, "登记评标活动")
    )


@page_view
def event_new(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    if not (svc.is_owner(a) or svc.is_office(a)):
        raise Forbidden("仅建设单位（招标人）或监管办可以登记评标活动")
    form = EventForm(request.POST or None, actor=a, owner_only=svc.is_owner(a))

    def save(d: dict[str, Any], key: str | None) -> Any:
        return svc.record_event(
            actor=a,
            project_id=d["project"].pk,
            title=d["title"],
            held_on=d["held_on"],
            expert_ids=[p.pk for p in d["experts"]],
            idempotency_key=key,
        )

    return _form_page(
        request,
        form,
        title="登记评标活动",
        back=("评标活动及专家评价", reverse("credit_evaluation_event_list")),
        intro="登记评标活动及参加评标的专家，招标人和监管办对每名专家一事一评。",
        basis="R-SCO-06",
        save=save,
        done=lambda e: (
            f"已登记评标活动 {e.number}",
            reverse("credit_evaluation_event_detail", args=[e.pk]),
        ),
    )


@page_view
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = actor_of(request)
    e = get_visible_or_404(EvaluationEvent.objects.select_related("project", "owner"), a, pk=pk)
    side = svc.side_of(a, e)
    done = set(e.evaluations.filter(side=side).values_list("expert_id", flat=True))
    todo = e.experts.exclude(pk__in=done).order_by("name")
    form = EvaluationForm(request.POST or None, experts=todo) if side and todo.exists() else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise Forbidden("仅招标人或监管办可以评价评标专家（每名专家一事一评）")
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            try:
                svc.evaluate_expert(
                    actor=a,
                    event_id=e.pk,
                    expert_id=d["expert"].pk,
                    grade=d["grade"],
                    reasons=d["reasons"],
                    idempotency_key=request.POST.get("idempotency_key") or None,
                )
            except DomainError as exc:
                status = refused(form, exc)
            else:
                messages.success(request, "已评价")
                return redirect("credit_evaluation_event_detail", e.pk)
    rows = [
        ("活动编号", e.number),
        ("项目", e.project.name),
        ("招标人", e.owner.name),
        ("招标事项", e.title),
        ("评标日期", f"{e.held_on:%Y-%m-%d}"),
    ]
    evals = e.evaluations.select_related("expert").order_by("expert__name", "side")
    back = ("评标活动及专家评价", reverse("credit_evaluation_event_list"))
    return _kv_page(
        request,
        f"评标活动 {e.number}",
        back,
        rows,
        status=status,
        extra={
            "basis": "R-SCO-06",
            "evaluations": evals,
            "experts": e.experts.order_by("name"),
            "eval_form": form,
        },
    )


# --- the C/D reports ------------------------------------------------------------------------


REPORT_SPEC = ListSpec(
    key="credit_expert_reports",
    title="评标专家不良评价报告",
    columns=[
        Column(
            "number",
            "报告编号",
            lambda r: r.number,
            sort="number",
            link=lambda r: reverse("credit_expert_report_detail", args=[r.pk]),
        ),
        Column("expert", "专家", lambda r: mask_name(r.expert.name)),
        Column("event", "评标活动", lambda r: r.evaluation.event.number),
        Column("grade", "评价等级", lambda r: r.grade, sort="grade"),
        Column(
            "created",
            "报告日期",
            lambda r: f"{r.created_at:%Y-%m-%d}",
            sort="created_at",
            export=lambda r: r.created_at.date(),
        ),
        Column.state("state", "状态", REPORT_COLOURS),
        Column("decision", "处理意见", lambda r: r.decision, export_only=True),
    ],
    filters=[
        Filter("grade", "评价等级", "grade", choices=ExpertGrade.choices),
        Filter("state", "状态", "state", choices=ReportState.choices),
    ],
    search=("number", "evaluation__event__number"),
    search_label="报告或活动编号",
    default_sort="-created_at",
    row_url=lambda r: reverse("credit_expert_report_detail", args=[r.pk]),
    export_name="评标专家不良评价报告",
    empty="暂无报告",
    testid="expert-report-list",
)


@page_view
def report_list(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    qs = ExpertReport.objects.visible_to(a).select_related("expert", "evaluation__event")
    return render_list(request, REPORT_SPEC, qs, context=_ctx("bi-exclamation-octagon"))


def render_report(
    request: HttpRequest, r: ExpertReport, *, bound: Any = None, status: int = 200
) -> HttpResponse:
    ev = r.evaluation
    rows = [
        ("报告编号", r.number),
        ("评标专家", mask_name(r.expert.name)),
        ("评标活动", f"{ev.event.number} {ev.event.title}"),
        ("评价方", ev.get_side_display()),
        ("评价等级", ev.get_grade_display()),
        ("评价理由", ev.reasons),
        ("状态", r.get_state_display()),
    ]
    if r.decision:
        rows.append(("处理意见", f"{r.decision}（{r.decided_by_name}）"))
    back = ("评标专家不良评价报告", reverse("credit_expert_report_list"))
    return _kv_page(
        request,
        f"不良评价报告 {r.number}",
        back,
        rows,
        obj=r,
        bound=bound,
        status=status,
        extra={"basis": "R-SCO-06"},
    )


@page_view
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_report(request, load_report(actor_of(request), pk))


# --- the menu's predicates (the lead adds the entries in apps.py) -------------------------------


def can_see_agents(actor: Any) -> bool:
    """The agents' register is public information: every signed-in account."""
    return bool(actor.user_id)


def can_see_appraisals(actor: Any) -> bool:
    return svc.is_office(actor) or (
        bool(actor.user_id) and AgentAppraisal.objects.visible_to(actor).exists()
    )


def can_see_choices(actor: Any) -> bool:
    if svc.is_owner(actor) or svc.is_office(actor) or actor.org_kind == OrgKind.DISCIPLINE:
        return bool(actor.user_id)
    return bool(actor.user_id) and AgentChoice.objects.visible_to(actor).exists()


def can_see_pool(actor: Any) -> bool:
    return bool(actor.user_id) and (
        svc.is_office(actor) or ExpertPoolMember.objects.visible_to(actor).exists()
    )


def can_see_events(actor: Any) -> bool:
    return bool(actor.user_id) and (
        svc.is_owner(actor)
        or svc.is_office(actor)
        or EvaluationEvent.objects.visible_to(actor).exists()
    )


def can_see_reports(actor: Any) -> bool:
    return bool(actor.user_id) and (
        svc.is_office(actor) or ExpertReport.objects.visible_to(actor).exists()
    )
