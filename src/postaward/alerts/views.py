"""Pages of the alerts capability: inboxes, the alert with its disposal and
review, the query with Excel export, statistics with charts and a map, the
indicator settings and sandbox, suspected issues, clue transfers and
notifications. Views parse input, call one service or selector, and render."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any, cast

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from postaward.core import business_calendar, clock, files, steps
from postaward.core.errors import DomainError, Forbidden, NotFound
from postaward.core.humane import text as humane_text
from postaward.core.legal_basis import cite
from postaward.core.lists import BatchAction, Column, Filter, Handoff, ListSpec, render_list
from postaward.core.scoping import get_visible_or_404
from postaward.core.web import actor_of, form_error, page_view, require
from postaward.orgs.choices import ENTERPRISE_KINDS, Industry

from . import forms, selectors, services
from . import steps as alert_steps
from .choices import (
    ISSUE_COLOURS,
    LEVEL_RANK,
    LEVELS_UP,
    SEVERITY_COLOURS,
    STATE_COLOURS,
    TRANSFER_COLOURS,
    AlertState,
    Area,
    Finding,
    IssueState,
    Level,
    Recipient,
    RunMode,
    RunState,
    Severity,
    TransferState,
)
from .indicators import render as render_text
from .indicators import spec_for
from .models import (
    Alert,
    AlertAttachment,
    ClueTransfer,
    EvaluationRun,
    Indicator,
    Notification,
    SuspectedIssue,
)
from .permissions import can_configure, can_see_alerts, can_see_issues

COLOURS: dict[str, dict[Any, str]] = {
    "severity": SEVERITY_COLOURS,
    "state": {str(k): v for k, v in STATE_COLOURS.items()},
    "issue": {str(k): v for k, v in ISSUE_COLOURS.items()},
    "transfer": {str(k): v for k, v in TRANSFER_COLOURS.items()},
}


def _ctx(**kw: Any) -> dict[str, Any]:
    return {"colours": COLOURS, **kw}


def _alert(request: HttpRequest, pk: int) -> Alert:
    return get_visible_or_404(selectors.alerts_for(actor_of(request)), actor_of(request), pk=pk)


def _remaining(alert: Alert) -> dict[str, Any] | None:
    d = alert.disposal_deadline
    if d is None or alert.state not in ("pending", "returned"):
        return None
    now = clock.now()
    if d.paused_at:
        return {"text": "项目停工，计时暂停", "colour": "grey"}
    if d.due_at <= now:
        return {"text": f"已超期 {(now - d.due_at).days + 1} 天", "colour": "red"}
    last_day = clock.local_date(d.due_at) - dt.timedelta(days=1)
    if d.unit == "working_days":
        days = business_calendar.working_days_between(clock.today(), last_day)
        unit = "个工作日"
    else:
        days = (last_day - clock.today()).days
        unit = "天"
    if days <= 0:
        return {"text": "今日届满", "colour": "red"}
    return {"text": f"剩余 {days} {unit}（不含今日）", "colour": "orange" if days <= 1 else "blue"}


# --- inbox, detail, disposal, review ----------------------------------------------------------------


INBOX_TABS = {
    "dispose": ("待处置", "处置", "本单位暂无待处置预警"),
    "review": ("待审核", "审核", "暂无待审核的处置"),
    "watch": ("下级督办（只读）", "查看", "下级单位暂无未办结预警"),
}


@page_view
def inbox(request: HttpRequest) -> HttpResponse:
    """预警处置: the three worklists on the list component (the query's columns,
    filters and workbook); each alert is decided one by one on its page."""
    actor = actor_of(request)
    require(actor, can_see_alerts(actor))
    tab = request.GET.get("tab", "dispose")
    if tab not in INBOX_TABS:
        tab = "dispose"
    lists = {
        "dispose": selectors.to_dispose(actor),
        "review": selectors.to_review(actor),
        "watch": selectors.watched(actor),
    }
    counts = {key: qs.count() for key, qs in lists.items()}
    label, action, empty = INBOX_TABS[tab]
    spec = replace(
        _query_spec(actor),
        key=f"inbox-{tab}",
        title="预警处置",
        row_action=action,
        empty=empty,
        export_name=f"预警处置-{label}",
        handoffs=(),
        testid="alert-table",
        keep=("tab",),
    )
    return render_list(
        request,
        spec,
        lists[tab],
        template="alerts/inbox.html",
        context={
            "section": "预警监督",
            "icon": "bi-inboxes",
            "tabs": [(k, INBOX_TABS[k][0], counts[k]) for k in INBOX_TABS],
            "tab": tab,
        },
    )


@page_view
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, _alert(request, pk))


def render_detail(
    request: HttpRequest, alert: Alert, *, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """The alert's page; its action buttons and forms come from the step
    registry (``alerts/steps.py``): after a refusal, the bound form with the
    reason (``core.steps.page_action``)."""
    actor = actor_of(request)
    page_steps = steps.page_steps(alert, actor, bound=bound)
    chain = []
    handled = set(alert.handled_by.values_list("pk", flat=True))
    for lv in LEVELS_UP:
        chain.append(
            {
                "key": lv,
                "label": Level(lv).label,
                "current": lv == alert.level,
                "passed": LEVEL_RANK[lv] < LEVEL_RANK[alert.level]
                and LEVEL_RANK[lv] >= LEVEL_RANK[alert.origin_level],
            }
        )
    return render(
        request,
        "alerts/detail.html",
        _ctx(
            alert=alert,
            chain=chain,
            handled=handled,
            steps=alert.steps.prefetch_related("attachments").order_by("at", "id"),
            hits=alert.hits.order_by("-occurred_at")[:20],
            remaining=_remaining(alert),
            deadline_text=services.describe_deadline(alert.disposal_deadline),
            priority_text=services.priority_of(alert)[1],
            page_steps=page_steps,
            read_only=not any(p.available.allowed for p in page_steps),
        ),
        status=status,
    )


@page_view
def attachment(request: HttpRequest, pk: int, att_id: int) -> HttpResponse:
    alert = _alert(request, pk)
    response = files.download(AlertAttachment.objects, actor_of(request), att_id, alert=alert)
    return cast(HttpResponse, response)


# --- query and export ------------------------------------------------------------------------------


def _deadline_text(a: Alert) -> str:
    return (
        f"{clock.localtime(a.disposal_deadline.due_at):%Y-%m-%d %H:%M}"
        if a.disposal_deadline
        else ""
    )


def _project_note(a: Any) -> str:
    """Under the subject: the project's code, or what an alert without a project
    is about (an enterprise's conduct, or a unit's own duty such as a complaint's
    legal clock kept by the supervision office)."""
    if a.project:
        return str(a.project.code)
    if a.subject_org is None:
        return ""
    return "企业层面" if a.subject_org.kind in ENTERPRISE_KINDS else "本单位事项（不涉及具体项目）"


def _query_spec(actor: Any) -> ListSpec:
    """预警查询 on the list component: the page's columns, and in the workbook
    the details too (indicator, industry, region, subject, finding, counts,
    basis and explanation)."""

    def _proj(a: Alert, attr: str) -> Any:
        return getattr(a.project, attr) if a.project else ""

    def _remaining_text(a: Alert) -> str:
        r = _remaining(a)
        return r["text"] if r else ""

    may_issue = alert_steps.TAKE_UP_AS_ISSUE.who(None, actor)
    return ListSpec(
        key="alerts",
        title="预警查询",
        columns=[
            Column("priority", "优先级", lambda a: a.priority, sort="priority"),
            Column("number", "预警编号", lambda a: a.number, sort="id"),
            Column(
                "severity",
                "预警等级",
                lambda a: a.get_severity_display(),
                sort="severity",
                tag=lambda a: COLOURS["severity"].get(a.severity, "grey"),
            ),
            Column(
                "title",
                "预警事项",
                lambda a: a.title,
                sort="title",
                link=lambda a: reverse("alerts_detail", args=[a.pk]),
                note=lambda a: (
                    a.indicator.name
                    + (f" · 命中 {a.hit_count} 次" if a.hit_count > 1 else "")
                    + (f" · 已升级 {a.escalations} 次" if a.escalations else "")
                ),
            ),
            Column("indicator", "指标", lambda a: a.indicator.name, export_only=True),
            Column(
                "project",
                "项目",
                lambda a: (
                    a.project.name if a.project else a.subject_org.name if a.subject_org else ""
                ),
                sort="project__name",
                note=_project_note,
            ),
            Column("code", "项目编号", lambda a: _proj(a, "code"), export_only=True),
            Column(
                "industry",
                "行业",
                lambda a: a.project.get_industry_display() if a.project else "",
                export_only=True,
            ),
            Column("region", "区域", lambda a: _proj(a, "region_name"), export_only=True),
            Column(
                "amount",
                "合同金额",
                lambda a: a.project.contract_amount if a.project else None,
                sort="project__contract_amount",
                money="project__contract_amount",
                total=False,  # a project may have several alerts: no sum
            ),
            Column(
                "subject",
                "涉及单位",
                lambda a: a.subject_org.name if a.subject_org else "",
                export_only=True,
            ),
            Column(
                "level",
                "处置层级",
                lambda a: a.get_level_display(),
                sort="level",
                note=lambda a: a.handling_org.name,
            ),
            Column("handler", "处置单位", lambda a: a.handling_org.name, export_only=True),
            Column(
                "due",
                "处置期限",
                _deadline_text,
                sort="disposal_deadline__due_at",
                note=_remaining_text,
            ),
            Column(
                "state",
                "状态",
                lambda a: a.get_state_display() + ("（超期）" if a.overdue else ""),
                sort="state",
                tag=lambda a: "red" if a.overdue else COLOURS["state"].get(str(a.state), "grey"),
                note=lambda a: a.get_finding_display() if a.finding else "",
            ),
            Column("finding", "处置结论", lambda a: a.get_finding_display(), export_only=True),
            Column("escalations", "升级次数", lambda a: a.escalations, export_only=True),
            Column("hits", "命中次数", lambda a: a.hit_count, export_only=True),
            Column.when("created", "生成时间", "created_at"),
            Column.when("closed", "办结时间", "closed_at", sortable=False, export_only=True),
            Column("basis", "依据", lambda a: a.basis, export_only=True),
            Column("explanation", "预警说明", lambda a: a.explanation, export_only=True),
        ],
        filters=[
            Filter(
                "indicator",
                "指标",
                "indicator_id",
                choices=lambda: [
                    (str(pk), name)
                    for pk, name in Indicator.objects.order_by("name").values_list("pk", "name")
                ],
            ),
            Filter(
                "severity",
                "预警等级",
                "severity",
                choices=[(str(v), label) for v, label in Severity.choices],
            ),
            Filter("state", "状态", "state", choices=AlertState.choices),
            Filter("level", "处置层级", "level", choices=Level.choices),
            Filter("area", "监督领域", "indicator__area", choices=Area.choices),
            Filter("industry", "行业", "project__industry", choices=Industry.choices),
            Filter(
                "region",
                "区域",
                "project__region_code",
                choices=lambda: selectors.region_choices(actor),
            ),
            Filter("finding", "处置结论", "finding", choices=Finding.choices),
            Filter(
                "overdue",
                "超期/升级",
                "overdue",
                choices=[("1", "仅超期/升级")],
                apply=lambda qs, v: qs.filter(Q(overdue=True) | Q(escalations__gt=0)),
            ),
            Filter("start", "生成日期自", "created_at__date", kind="date_from"),
            Filter("end", "至", "created_at__date", kind="date_to"),
        ],
        search=("title", "project__name", "project__code", "subject_org__name"),
        search_label="项目/事项/单位",
        row_url=lambda a: reverse("alerts_detail", args=[a.pk]),
        row_action="查看",
        empty="没有符合条件的预警",
        export_name="预警查询",
        handoffs=[
            Handoff(
                "issue",
                "转疑似问题",
                reverse("alerts_issue_new"),
                note="合并登记为一个疑似问题核实",
            )
        ]
        if may_issue
        else [],
        row_disabled=lambda a: "已转疑似问题" if a.issue_id else "",
    )


@page_view
def query(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, can_see_alerts(actor))
    qs = selectors.alerts_for(actor).order_by("-created_at", "-id")
    return render_list(
        request,
        _query_spec(actor),
        qs,
        template="alerts/query.html",
        context={"section": "预警监督", "icon": "bi-search"},
    )


# --- statistics -------------------------------------------------------------------------------------


@page_view
def stats(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, can_see_alerts(actor))
    form = forms.StatsFilterForm(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    qs = selectors.filter_alerts(selectors.alerts_for(actor), f)
    data = selectors.statistics(qs)
    points = selectors.map_points(qs)
    return render(
        request,
        "alerts/stats.html",
        _ctx(filter_form=form, data=data, points=points, map=_map_settings()),
    )


def _map_settings() -> dict[str, Any]:
    import os

    centre = os.environ.get("POSTAWARD_MAP_CENTER", "120.872,30.032").split(",")
    return {
        "tile_url": os.environ.get("POSTAWARD_MAP_TILE_URL", ""),
        "centre": [float(centre[0]), float(centre[1])],
    }


# --- indicators and the sandbox ---------------------------------------------------------------------


@page_view
def indicator_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, can_see_alerts(actor))
    services.sync_indicators()
    rows = list(selectors.indicators())
    figures = selectors.indicator_figures([i.pk for i in rows])
    items = []
    for ind in rows:
        spec = spec_for(ind.code)
        items.append(
            {
                "i": ind,
                "spec": spec,
                "params": [
                    (p.label, ind.params.get(p.name, p.default))
                    for p in (spec.params if spec else ())
                ],
                "inactive": services.active_reason(ind),
                "fig": figures.get(ind.pk),
            }
        )
    return render(
        request, "alerts/indicator_list.html", _ctx(items=items, can_edit=can_configure(actor))
    )


def _indicator(pk: int) -> tuple[Indicator, Any]:
    ind = Indicator.objects.filter(pk=pk).first()
    spec = spec_for(ind.code) if ind else None
    if ind is None or spec is None:
        raise NotFound()
    return ind, spec


@page_view
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, can_see_alerts(actor))
    ind, spec = _indicator(pk)
    form = None
    if can_configure(actor):
        initial = {f: getattr(ind, f) for f in services.EDITABLE if f != "params"}
        form = forms.IndicatorForm(
            request.POST or None, spec=spec, params=ind.params, initial=initial
        )
        if request.method == "POST" and form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("param_")}
            data["params"] = forms.params_of(form, spec)
            try:
                services.update_indicator(actor=actor, indicator=ind, **data)
            except (NotFound, Forbidden):
                raise
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(request, "指标设置已保存，自下一次命中起生效")
                return redirect("alerts_indicator", ind.pk)
    elif request.method == "POST":
        raise Forbidden("仅监管办（领导小组）可以设置预警指标")
    return render(
        request,
        "alerts/indicator_detail.html",
        _ctx(
            ind=ind,
            spec=spec,
            form=form,
            inactive=services.active_reason(ind),
            fig=selectors.indicator_figures([ind.pk]).get(ind.pk),
            runs=selectors.runs(actor).filter(indicator=ind)[:10],
            recent=Alert.objects.visible_to(actor)
            .filter(indicator=ind)
            .select_related("project", "handling_org")[:10],
        ),
    )


@page_view
def sandbox(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, can_configure(actor), "仅监管办（领导小组）可以试算预警指标")
    ind, spec = _indicator(pk)
    form = forms.SandboxForm(request.POST or None, spec=spec, params=ind.params)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.request_sandbox(
                actor=actor,
                indicator=ind,
                params=forms.params_of(form, spec),
                as_of=form.cleaned_data["as_of"],
                since=form.cleaned_data.get("since"),
            )
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
            form_error(form, exc)
        else:
            return redirect("alerts_run", run.pk)
    return render(request, "alerts/sandbox.html", _ctx(ind=ind, spec=spec, form=form))


@page_view
def sandbox_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, can_configure(actor))
    spec = ListSpec(
        key="runs",
        title="指标运行记录",
        columns=[
            Column.when("at", "时间", "requested_at"),
            Column("indicator", "指标", lambda r: r.indicator.name, sort="indicator__name"),
            Column("mode", "方式", lambda r: r.get_mode_display(), sort="mode"),
            Column("as_of", "数据截至", lambda r: f"{r.as_of:%Y-%m-%d}", sort="as_of"),
            Column("state", "状态", lambda r: r.get_state_display(), sort="state"),
            Column("hits", "命中", lambda r: r.hits, sort="hits"),
            Column("by", "发起人", lambda r: r.requested_by_name),
        ],
        filters=[
            Filter(
                "indicator",
                "指标",
                "indicator_id",
                choices=lambda: [
                    (str(pk), name)
                    for pk, name in Indicator.objects.order_by("name").values_list("pk", "name")
                ],
            ),
            Filter("mode", "方式", "mode", choices=RunMode.choices),
            Filter("state", "状态", "state", choices=RunState.choices),
            Filter("from", "发起日期起", "requested_at__date", kind="date_from"),
            Filter("to", "发起日期止", "requested_at__date", kind="date_to"),
        ],
        search=("indicator__name", "requested_by_name"),
        search_label="指标/发起人",
        default_sort="-at",
        row_url=lambda r: reverse("alerts_run", args=[r.pk]),
        row_action="查看",
        empty="暂无记录",
        export_name="指标运行记录",
    )
    return render_list(
        request,
        spec,
        selectors.runs(actor),
        template="alerts/sandbox_list.html",
        context={"section": "预警监督", "icon": "bi-box"},
    )


@page_view
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, can_see_alerts(actor))
    run = get_visible_or_404(selectors.runs(actor), actor, pk=pk)
    busy = run.state in (RunState.QUEUED, RunState.RUNNING)
    template = "alerts/_run_body.html" if request.headers.get("HX-Request") else "alerts/run.html"
    return render(
        request,
        template,
        _ctx(
            run=run,
            busy=busy,
            spec=spec_for(run.indicator.code),
            results=_run_rows(run, selectors.run_rows(actor, run)),
        ),
    )


def _run_rows(run: EvaluationRun, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each hit of a run the reader may see (``selectors.run_rows``) with the
    plain-Chinese explanation the alert would carry (the indicator's current
    template over the hit's facts)."""
    ind = run.indicator
    return [
        {
            **row,
            "explanation": render_text(
                ind.explanation, {**(row.get("facts") or {}), "basis": ind.basis}
            ),
        }
        for row in rows
    ]


# --- suspected issues and transfers --------------------------------------------------------------------


@page_view
def issue_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, can_see_issues(actor))

    def involves(i: SuspectedIssue) -> str:
        return "、".join(
            label
            for flag, label in (
                (i.involves_party_member, "党员干部"),
                (i.involves_public_official, "公职人员"),
                (i.suspected_crime, "涉嫌犯罪"),
            )
            if flag
        )

    spec = ListSpec(
        key="issues",
        title="疑似问题",
        columns=[
            Column("number", "编号", lambda i: i.number, sort="id"),
            Column("title", "问题名称", lambda i: i.title, sort="title"),
            Column(
                "project",
                "项目",
                lambda i: i.project.name if i.project else "",
                sort="project__name",
            ),
            Column("org", "核实单位", lambda i: i.organisation.name, sort="organisation__name"),
            Column("involves", "涉及", involves, tag=lambda i: "red" if involves(i) else ""),
            Column.when("created", "登记时间", "created_at"),
            Column.state("state", "状态", COLOURS["issue"]),
        ],
        filters=[
            Filter("state", "状态", "state", choices=IssueState.choices),
            Filter("from", "登记日期起", "created_at__date", kind="date_from"),
            Filter("to", "登记日期止", "created_at__date", kind="date_to"),
        ],
        search=("title", "project__name", "organisation__name", "persons_concerned"),
        search_label="问题/项目/单位/人员",
        default_sort="-created",
        row_url=lambda i: reverse("alerts_issue", args=[i.pk]),
        row_action="查看",
        empty="暂无疑似问题",
        export_name="疑似问题",
        testid="issue-table",
    )
    qs = SuspectedIssue.objects.visible_to(actor).select_related("project", "organisation")
    return render_list(
        request,
        spec,
        qs,
        template="alerts/issue_list.html",
        context={"section": "预警监督", "icon": "bi-question-diamond"},
    )


@page_view
def issue_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    take_up = alert_steps.TAKE_UP_AS_ISSUE
    require(actor, take_up.who(None, actor), f"{take_up.who_label}方可{take_up.label}")
    # ("ids": the selection handed over by the query list, core.lists.Handoff)
    raw = (
        request.POST.getlist("alerts")
        or request.GET.getlist("alerts")
        or request.GET.getlist("ids")
    )
    ids = {int(x) for x in raw if str(x).isdigit()}
    alerts = list(selectors.alerts_for(actor).filter(pk__in=ids).order_by("created_at", "id"))
    if not alerts:
        raise NotFound("请先选择预警")
    if len(alerts) != len(ids):  # an alert outside the actor's scope: nothing is taken up
        raise NotFound()
    first = alerts[0]
    form = forms.IssueForm(
        request.POST or None,
        initial={"title": first.title, "description": "\n".join(a.explanation for a in alerts)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.create_issue(
                actor=actor, alert_ids=[a.pk for a in alerts], **form.cleaned_data
            )
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"已登记疑似问题 {issue.number}，请开展核实")
            return redirect("alerts_issue", issue.pk)
    return render(request, "alerts/issue_new.html", _ctx(form=form, alerts=alerts))


@page_view
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_issue(request, alert_steps.load_issue(actor_of(request), pk))


def render_issue(
    request: HttpRequest,
    issue: SuspectedIssue,
    *,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The issue's page; its verification and transfer forms come from the step
    registry (``alerts/steps.py``)."""
    actor = actor_of(request)
    return render(
        request,
        "alerts/issue_detail.html",
        _ctx(
            issue=issue,
            alerts=Alert.objects.filter(issue=issue).select_related(
                "indicator", "project", "handling_org"
            ),
            transfers=ClueTransfer.objects.visible_to(actor)
            .filter(issue=issue)
            .select_related("recipient_org"),
            page_steps=steps.page_steps(issue, actor, bound=bound),
        ),
        status=status,
    )


@page_view
def transfer_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, can_see_issues(actor))
    spec = ListSpec(
        key="transfers",
        title="线索移送",
        columns=[
            Column("doc", "移送函文号", lambda t: t.document_number, sort="document_number"),
            Column("issue", "线索来源", lambda t: t.subject, sort="issue__title"),
            Column("recipient", "移送方向", lambda t: t.get_recipient_display(), sort="recipient"),
            Column("to", "接收机关", lambda t: t.recipient_org.name, sort="recipient_org__name"),
            Column("from", "移送单位", lambda t: t.sent_by_org.name, sort="sent_by_org__name"),
            Column.when("sent", "移送时间", "sent_at"),
            Column.state("state", "状态", COLOURS["transfer"]),
        ],
        filters=[
            Filter("recipient", "移送方向", "recipient", choices=Recipient.choices),
            Filter("state", "状态", "state", choices=TransferState.choices),
            Filter("date_from", "移送日期起", "sent_at__date", kind="date_from"),
            Filter("date_to", "移送日期止", "sent_at__date", kind="date_to"),
        ],
        search=("document_number", "issue__title", "source_ref", "recipient_org__name"),
        search_label="文号/问题/接收机关",
        default_sort="-sent",
        row_url=lambda t: reverse("alerts_transfer_detail", args=[t.pk]),
        row_action="查看",
        empty="暂无移送线索",
        export_name="线索移送",
        testid="transfer-table",
    )
    qs = ClueTransfer.objects.visible_to(actor).select_related(
        "issue", "recipient_org", "sent_by_org"
    )
    return render_list(
        request,
        spec,
        qs,
        template="alerts/transfer_list.html",
        context={"section": "预警监督", "icon": "bi-send"},
    )


def _transfer(request: HttpRequest, pk: int) -> ClueTransfer:
    return get_visible_or_404(
        ClueTransfer.objects.select_related("issue", "recipient_org", "sent_by_org"),
        actor_of(request),
        pk=pk,
    )


@page_view
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_transfer(request, _transfer(request, pk))


def render_transfer(
    request: HttpRequest,
    t: ClueTransfer,
    *,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The transfer's page; its receipt and result forms come from the step
    registry (``alerts/steps.py``)."""
    return render(
        request,
        "alerts/transfer_detail.html",
        _ctx(t=t, page_steps=steps.page_steps(t, actor_of(request), bound=bound)),
        status=status,
    )


# --- notifications -----------------------------------------------------------------------------------


def _may_mark_read(actor: Any, n: Notification) -> str:
    if n.recipient_id != actor.user_id:
        return "只能标记发给本人的消息"
    if n.read_at is not None:
        return "已是已读"
    return ""


@page_view
def notification_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    spec = ListSpec(
        key="notifications",
        title="消息通知",
        columns=[
            Column.when("at", "时间", "created_at"),
            Column(
                "title",
                "消息",
                lambda n: n.title,
                sort="title",
                link=lambda n: reverse("alerts_notification_open", args=[n.pk]),
                note=lambda n: Truncator(cite(humane_text(n.body))).chars(140) if n.body else "",
            ),
            Column(
                "read",
                "状态",
                lambda n: "已读" if n.read_at else "未读",
                sort="read_at",
                tag=lambda n: "grey" if n.read_at else "red",
            ),
        ],
        filters=[
            Filter(
                "unread",
                "状态",
                "read_at",
                choices=[("1", "未读"), ("0", "已读")],
                apply=lambda qs, v: qs.filter(read_at__isnull=v == "1"),
            ),
            Filter("from", "起始日期", "created_at__date", kind="date_from"),
            Filter("to", "截止日期", "created_at__date", kind="date_to"),
        ],
        search=("title", "body"),
        search_label="标题/内容",
        default_sort="-at",
        empty="暂无消息",
        export_name="消息通知",
        # the same service as opening one message: own messages only, each audited
        batch=[
            BatchAction(
                "read",
                "标为已读",
                run=lambda a, n: services.mark_read(actor=a, notification=n),
                check=_may_mark_read,
                name=lambda n: n.title[:30],
            )
        ],
    )
    return render_list(
        request,
        spec,
        Notification.objects.visible_to(actor),
        template="alerts/notifications.html",
        context={"section": "工作台", "icon": "bi-envelope"},
    )


@page_view
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    n = get_visible_or_404(Notification.objects.all(), actor_of(request), pk=pk)
    if n.read_at is None and n.recipient_id == actor_of(request).user_id:
        services.mark_read(actor=actor_of(request), notification=n)
    url = (
        n.url
        if n.url.startswith("/") and not n.url.startswith("//")
        else reverse("alerts_notifications")
    )
    return HttpResponseRedirect(url)


@page_view
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    services.mark_all_read(actor=actor_of(request))
    messages.success(request, "已全部标记为已读")
    return redirect("alerts_notifications")
