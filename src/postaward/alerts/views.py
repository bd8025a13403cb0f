"""Pages of the alerts capability: inboxes, the alert with its disposal and
review, the query with Excel export, statistics with charts and a map, the
indicator settings and sandbox, suspected issues, clue transfers and
notifications. Views parse input, call one service or selector, and render."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from postaward.core import business_calendar, clock, files, steps
from postaward.core.errors import DomainError, Forbidden, NotFound
from postaward.core.exports import Column, export_xlsx
from postaward.core.scoping import get_visible_or_404
from postaward.core.web import actor_of, form_error, page_view, paginate, require

from . import forms, selectors, services
from .choices import (
    ISSUE_COLOURS,
    LEVEL_RANK,
    LEVELS_UP,
    SEVERITY_COLOURS,
    STATE_COLOURS,
    TRANSFER_COLOURS,
    IssueState,
    Level,
    Recipient,
    RunState,
)
from .indicators import render as render_text
from .indicators import spec_for
from .levels import level_of_kind
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

COLOURS = {
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


def _rows(alerts: Any) -> list[dict[str, Any]]:
    return [{"a": a, "remaining": _remaining(a)} for a in alerts]


# --- inbox, detail, disposal, review ----------------------------------------------------------------


@page_view
def inbox(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, can_see_alerts(actor))
    tab = request.GET.get("tab", "dispose")
    tabs = [
        ("dispose", "待处置", selectors.to_dispose(actor)),
        ("review", "待审核", selectors.to_review(actor)),
        ("watch", "下级督办（只读）", selectors.watched(actor)),
    ]
    counts = {key: qs.count() for key, _, qs in tabs}
    current = next((t for t in tabs if t[0] == tab), tabs[0])
    page = paginate(request, current[2])
    return render(
        request,
        "alerts/inbox.html",
        _ctx(
            tabs=[(k, label, counts[k]) for k, label, _ in tabs],
            tab=current[0],
            rows=_rows(page["object_list"]),
            **page,
        ),
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


def _filter_form(request: HttpRequest) -> tuple[forms.AlertFilterForm, dict[str, Any]]:
    actor = actor_of(request)
    form = forms.AlertFilterForm(
        request.GET or None,
        indicators=list(Indicator.objects.order_by("name").values_list("pk", "name")),
        regions=selectors.region_choices(actor),
    )
    return form, (form.cleaned_data if form.is_valid() else {})


EXPORT_HEADERS = [
    "预警编号",
    "预警等级",
    "指标",
    "事项",
    "项目编号",
    "项目名称",
    "行业",
    "区域",
    "合同金额（元）",
    "涉及单位",
    "处置层级",
    "处置单位",
    "状态",
    "处置结论",
    "升级次数",
    "命中次数",
    "生成时间",
    "办结时间",
    "依据",
    "预警说明",
]
EXPORT_COLUMNS = [
    Column(h, kind="money")
    if h == "合同金额（元）"
    else Column(h, kind="datetime")
    if h.endswith("时间")
    else Column(h)
    for h in EXPORT_HEADERS
]


@page_view
def query(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, can_see_alerts(actor))
    form, f = _filter_form(request)
    qs = selectors.filter_alerts(selectors.alerts_for(actor), f).order_by("-created_at", "-id")
    if request.GET.get("export") == "xlsx":
        rows = (
            [
                a.number,
                a.get_severity_display(),
                a.indicator.name,
                a.title,
                a.project.code if a.project else "",
                a.project.name if a.project else "",
                a.project.get_industry_display() if a.project else "",
                a.project.region_name if a.project else "",
                a.project.contract_amount if a.project else None,
                a.subject_org.name if a.subject_org else "",
                a.get_level_display(),
                a.handling_org.name,
                a.get_state_display(),
                a.get_finding_display(),
                a.escalations,
                a.hit_count,
                a.created_at,
                a.closed_at,
                a.basis,
                a.explanation,
            ]
            for a in qs.iterator(chunk_size=500)
        )
        return export_xlsx(
            filename=f"预警查询-{clock.today():%Y%m%d}.xlsx",
            title="预警查询",
            columns=EXPORT_COLUMNS,
            rows=rows,
        )
    page = paginate(request, qs)
    return render(
        request,
        "alerts/query.html",
        _ctx(
            filter_form=form,
            export_allowed=True,
            total=page["page_obj"].paginator.count,
            rows=_rows(page["object_list"]),
            may_issue=services.may_create_issue(actor),
            **page,
        ),
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
    page = paginate(request, selectors.runs(actor))
    return render(request, "alerts/sandbox_list.html", _ctx(**page))


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
    qs = SuspectedIssue.objects.visible_to(actor).select_related("project", "organisation")
    state = request.GET.get("state", "")
    if state in IssueState.values:
        qs = qs.filter(state=state)
    page = paginate(request, qs)
    return render(
        request, "alerts/issue_list.html", _ctx(states=IssueState.choices, state=state, **page)
    )


@page_view
def issue_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(
        actor,
        services.may_create_issue(actor),
        "仅领导小组（监管办）或行业主管部门可以登记疑似问题",
    )
    raw = request.POST.getlist("alerts") or request.GET.getlist("alerts")
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


def _issue(request: HttpRequest, pk: int) -> SuspectedIssue:
    return get_visible_or_404(
        SuspectedIssue.objects.select_related("project", "organisation"), actor_of(request), pk=pk
    )


@page_view
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    issue = _issue(request, pk)
    orgs = []
    for r in Recipient.values:
        orgs += [(o.pk, o.name) for o in services.recipient_orgs(actor, r)]
    verify_form = (
        forms.VerifyForm()
        if issue.state == IssueState.VERIFYING and services._acts_for(actor, issue.organisation)
        else None
    )
    may_transfer = issue.state in (IssueState.VERIFIED, IssueState.TRANSFERRED) and (
        services._acts_for(actor, issue.organisation)
        or level_of_kind(actor.org_kind) == "leading_group"
    )
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
            verify_form=verify_form,
            transfer_form=forms.TransferForm(orgs=orgs) if may_transfer and orgs else None,
        ),
    )


@page_view
@require_POST
def issue_verify(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _issue(request, pk)
    form = forms.VerifyForm(request.POST)
    if form.is_valid():
        try:
            services.verify_issue(actor=actor_of(request), issue=issue, **form.cleaned_data)
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "核实结论已录入")
    else:
        messages.error(request, "请填写核实结论和核实情况")
    return redirect("alerts_issue", issue.pk)


@page_view
@require_POST
def issue_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    issue = _issue(request, pk)
    orgs = {o.pk: o for r in Recipient.values for o in services.recipient_orgs(actor, r)}
    form = forms.TransferForm(request.POST, orgs=[(k, o.name) for k, o in orgs.items()])
    if form.is_valid():
        try:
            t = services.transfer_clue(
                actor=actor,
                issue=issue,
                recipient=form.cleaned_data["recipient"],
                recipient_org=orgs[form.cleaned_data["recipient_org"]],
                document_number=form.cleaned_data["document_number"],
                reason=form.cleaned_data["reason"],
            )
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"线索已移送{t.recipient_org.name}")
    else:
        messages.error(request, "请完整填写移送信息")
    return redirect("alerts_issue", issue.pk)


@page_view
def transfer_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, can_see_issues(actor))
    qs = ClueTransfer.objects.visible_to(actor).select_related(
        "issue", "recipient_org", "sent_by_org"
    )
    page = paginate(request, qs)
    return render(request, "alerts/transfer_list.html", _ctx(**page))


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


@page_view
def notification_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    qs = Notification.objects.visible_to(actor)
    if request.GET.get("unread"):
        qs = qs.filter(read_at=None)
    page = paginate(request, qs)
    return render(
        request,
        "alerts/notifications.html",
        _ctx(unread_only=bool(request.GET.get("unread")), **page),
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
