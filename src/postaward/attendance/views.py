"""Attendance pages: the phone check-in page, the person's calendar and leave,
patrols, the owner's desk (leave, suspicious check-ins, interviews,
non-construction days), the project board and the statistics for government.

Views parse input, call one service or selector and render; a service's
refusal is shown beside the field (``form_error``) or as a message."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from postaward.core import clock, files, steps
from postaward.core.errors import DomainError, NotFound
from postaward.core.exports import Column, export_xlsx
from postaward.core.forms import BootstrapMixin, DateField
from postaward.core.scoping import get_visible_or_404
from postaward.core.web import actor_of, form_error, page_view, require
from postaward.orgs.choices import ENTERPRISE_KINDS, Role
from postaward.projects.models import KeyPersonAssignment, Project

from . import selectors, services
from . import steps as leave_steps
from .choices import (
    ACCURACY_CREDIT_MAX_M,
    FENCE_MARGIN_M,
    MAX_ACCURACY_M,
    STATUS_COLOURS,
    DayStatus,
    InterviewKind,
    InterviewState,
    LeaveState,
    Review,
    monthly_rate_threshold,
    patrol_interval_days,
)
from .models import AttendanceInterview, CheckIn, LeaveRequest, MonthlyAttendance, Patrol
from .permissions import can_view_stats, has_checkin_duty, is_owner_user

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _month_nav(first: dt.date) -> dict[str, Any]:
    return {
        "month": first,
        "prev_month": selectors.shift_month(first, -1),
        "next_month": selectors.shift_month(first, 1),
        "is_current_month": first == clock.today().replace(day=1),
    }


# --- the phone check-in page (R-ATT-01) ------------------------------------------------------------


@page_view
def checkin_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, has_checkin_duty(actor), "现场打卡仅限施工、监理单位关键岗位人员")
    positions = selectors.positions_today(actor)
    today = clock.today()
    ctx = {
        "positions": positions,
        "sites": {str(t.project.pk): t.site_geojson for t in positions},
        "fence_rule": selectors.fence_rule_text(),
        "today": today,
        "weekday": "一二三四五六日"[today.weekday()],
        "rule": {
            "margin": FENCE_MARGIN_M,
            "credit": ACCURACY_CREDIT_MAX_M,
            "max_accuracy": MAX_ACCURACY_M,
        },
        "api_url": "/api/v1/attendance/checkins",
    }
    if request.GET.get("fragment") == "today":
        pid = request.GET.get("project")
        ctx["positions"] = [t for t in positions if str(t.project.pk) == pid]
        return render(request, "attendance/_today.html", ctx)
    return render(request, "attendance/checkin.html", ctx)


# --- my calendar and leave (R-ATT-02, R-ATT-03, R-ATT-05) ------------------------------------------


class LeaveForm(BootstrapMixin, forms.Form):
    assignment = forms.ChoiceField(label="岗位")
    starts_on = DateField(label="开始日期", widget=DATE)
    ends_on = DateField(label="结束日期", widget=DATE)
    reason = forms.CharField(
        label="请假事由", max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, assignments: list[KeyPersonAssignment], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["assignment"].choices = [  # type: ignore[attr-defined]
            (a.pk, f"{a.project.name}（{a.get_position_display()}）") for a in assignments
        ]
        tomorrow = clock.today() + dt.timedelta(days=1)
        self.fields[
            "starts_on"
        ].help_text = f"须事先申请：最早 {tomorrow:%Y-%m-%d}；经建设单位同意后不计入施工天数"


def _my_assignments(actor: Any) -> list[KeyPersonAssignment]:
    today = clock.today()
    return list(
        KeyPersonAssignment.objects.select_related("project")
        .filter(person_id=actor.person_id, must_check_in=True)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .order_by("project__name")
    )


@page_view
def my_attendance(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, has_checkin_duty(actor), "考勤日历仅限关键岗位人员")
    assignments = _my_assignments(actor)
    form = LeaveForm(assignments=assignments)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "cancel":
            leave = get_visible_or_404(LeaveRequest.objects, actor, pk=request.POST.get("leave"))
            try:
                services.cancel_leave(actor=actor, leave=leave)
                messages.success(request, "请假申请已撤回")
            except DomainError as exc:
                messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("attendance_me"))
        form = LeaveForm(request.POST, assignments=assignments)
        if form.is_valid():
            assignment = next(
                a for a in assignments if str(a.pk) == form.cleaned_data["assignment"]
            )
            try:
                leave = services.request_leave(
                    actor=actor,
                    assignment=assignment,
                    starts_on=form.cleaned_data["starts_on"],
                    ends_on=form.cleaned_data["ends_on"],
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, f"请假申请已提交（{leave.days} 天），待建设单位审批")
                return HttpResponseRedirect(reverse("attendance_me"))
            except DomainError as exc:
                form_error(form, exc)
    first = selectors.month_first(request.GET.get("month"))
    grid = selectors.person_grid(actor, first)
    calendars = []
    for row in grid.rows:
        lead = [None] * first.weekday()
        calendars.append(
            {
                "row": row,
                "cells": lead + row.cells,
                "problems": [
                    c
                    for c in row.cells
                    if c.status not in ("", "future", DayStatus.VALID, DayStatus.NOT_ON_DUTY)
                ],
            }
        )
    ctx = {
        "grid": grid,
        "calendars": calendars,
        "form": form,
        "leaves": selectors.leave_requests(actor, {"mine": True})[:20],
        "weekdays": "一二三四五六日",
        "legend": _legend(),
        **_month_nav(first),
    }
    return render(request, "attendance/me.html", ctx)


def _legend() -> list[tuple[str, str]]:
    return [
        (DayStatus(s).label, c) for s, c in STATUS_COLOURS.items() if s != DayStatus.NOT_ON_DUTY
    ]


# --- leave detail and decision (R-ATT-05) -----------------------------------------------------------


@page_view
def leave_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The leave request and its steps (approve, reject, withdraw): the forms
    post to ``core.steps.page_action`` (``attendance_leave_step``)."""
    actor = actor_of(request)
    return render_leave(request, leave_steps.load_leave(actor, pk))


def render_leave(
    request: HttpRequest, leave: LeaveRequest, *, bound: Any = None, status: int = 200
) -> HttpResponse:
    actor = actor_of(request)
    return render(
        request,
        "attendance/leave_detail.html",
        {
            "leave": leave,
            "page_steps": steps.page_steps(leave, actor, bound=bound),
            "state_colour": {
                LeaveState.PENDING: "orange",
                LeaveState.APPROVED: "green",
                LeaveState.REJECTED: "red",
                LeaveState.CANCELLED: "grey",
            }[LeaveState(leave.state)],
        },
        status=status,
    )


# --- a check-in and the owner's review of it (R-ATT-04) -----------------------------------------------


@page_view
def checkin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One check-in, its cheat signals and the review steps (confirm, clear):
    the forms post to ``core.steps.page_action`` (``attendance_checkin_review_step``)."""
    actor = actor_of(request)
    return render_checkin(request, leave_steps.load_checkin(actor, pk))


def render_checkin(
    request: HttpRequest, checkin: CheckIn, *, bound: Any = None, status: int = 200
) -> HttpResponse:
    actor = actor_of(request)
    return render(
        request,
        "attendance/checkin_detail.html",
        {
            "c": checkin,
            "page_steps": steps.page_steps(checkin, actor, bound=bound),
            "review_colour": {
                Review.NONE: "",
                Review.PENDING: "orange",
                Review.CONFIRMED: "red",
                Review.CLEARED: "green",
            }[Review(checkin.review)],
        },
        status=status,
    )


# --- patrols (R-ATT-06) ---------------------------------------------------------------------------------


@page_view
def patrol_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, is_owner_user(actor), "巡查轨迹仅限建设单位")
    projects = selectors.led_projects(actor)
    open_patrol = (
        Patrol.objects.filter(person_id=actor.person_id, ended_at__isnull=True)
        .select_related("project")
        .first()
        if actor.person_id
        else None
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "start":
                project = get_visible_or_404(Project.objects, actor, pk=request.POST.get("project"))
                services.start_patrol(actor=actor, project=project)
                messages.success(
                    request, f"已开始巡查：{project.name}。请保持本页打开，每约20秒记录一次位置。"
                )
            elif action == "end" and open_patrol is not None:
                p = services.end_patrol(
                    actor=actor, patrol=open_patrol, note=request.POST.get("note", "")
                )
                span = p.inside_duration
                minutes = int(span.total_seconds() // 60) if span else 0
                if p.valid:
                    messages.success(request, f"巡查已结束：在场 {minutes} 分钟，为有效巡查")
                else:
                    messages.warning(
                        request, f"巡查已结束：在场 {minutes} 分钟，未超过10分钟，不计为有效巡查"
                    )
        except DomainError as exc:
            if exc.status == 404:
                raise
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("attendance_patrol"))
    last = selectors.last_valid_patrols([p.pk for p in projects])
    interval = patrol_interval_days()
    rows = []
    for project in projects:
        gap, due = selectors.patrol_due(project, last.get(project.pk))
        rows.append(
            {
                "project": project,
                "last": last.get(project.pk),
                "gap": gap,
                "due": due,
                "overdue": gap >= interval,
            }
        )
    return render(
        request,
        "attendance/patrol.html",
        {
            "rows": rows,
            "open_patrol": open_patrol,
            "site": open_patrol.project.site.to_geojson()
            if open_patrol and open_patrol.project.site
            else None,
            "recent": selectors.patrols(actor, {})[:15],
            "interval": interval,
        },
    )


# --- the owner's desk -------------------------------------------------------------------------------------


class NonConstructionForm(BootstrapMixin, forms.Form):
    project = forms.ChoiceField(label="项目")
    starts_on = DateField(label="开始日期", widget=DATE)
    ends_on = DateField(label="结束日期", widget=DATE)
    reason = forms.CharField(
        label="原因", max_length=300, help_text="如：春节停工、高考期间禁止施工"
    )

    def __init__(self, *args: Any, projects: list[Project], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["project"].choices = [(p.pk, p.name) for p in projects]  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    checkin = forms.IntegerField()
    decision = forms.ChoiceField(choices=[("confirm", "确认作弊"), ("clear", "核查无异常")])
    note = forms.CharField(max_length=300, required=False)


@page_view
def owner_home(request: HttpRequest) -> HttpResponse:  # noqa: PLR0915 — one page's cards assembled in page order; to split next
    actor = actor_of(request)
    require(actor, is_owner_user(actor), "考勤管理仅限建设单位")
    projects = selectors.owner_projects(actor)
    nc_form = NonConstructionForm(projects=projects)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "review":
            # The desk's form of before the step registry: an alias of the steps
            # ``confirm`` / ``clear`` (``attendance_checkin_review_step``).
            rf = ReviewForm(request.POST)
            if rf.is_valid():
                c = leave_steps.load_checkin(actor, rf.cleaned_data["checkin"])
                confirm = rf.cleaned_data["decision"] == "confirm"
                step = leave_steps.CONFIRM_CHEAT if confirm else leave_steps.CLEAR_CHECKIN
                try:
                    steps.take(step, c, actor, {"note": rf.cleaned_data["note"]})
                    messages.success(request, step.success)
                except DomainError as exc:
                    if exc.status in (403, 404):
                        raise
                    messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("attendance_owner") + "#reviews")
        if action == "withdraw":
            from .models import NonConstructionPeriod

            period = get_visible_or_404(
                NonConstructionPeriod.objects, actor, pk=request.POST.get("period")
            )
            try:
                services.withdraw_non_construction(actor=actor, period=period)
                messages.success(request, "非施工日已撤销")
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("attendance_owner") + "#non-construction")
        if action == "declare":
            nc_form = NonConstructionForm(request.POST, projects=projects)
            if nc_form.is_valid():
                project = next(p for p in projects if str(p.pk) == nc_form.cleaned_data["project"])
                try:
                    services.declare_non_construction(
                        actor=actor,
                        project=project,
                        starts_on=nc_form.cleaned_data["starts_on"],
                        ends_on=nc_form.cleaned_data["ends_on"],
                        reason=nc_form.cleaned_data["reason"],
                    )
                    messages.success(request, "非施工日已申报：这些日期不计入实际施工天数")
                    return HttpResponseRedirect(reverse("attendance_owner") + "#non-construction")
                except DomainError as exc:
                    form_error(nc_form, exc)
    ids = [p.pk for p in projects]
    today = clock.today()
    month = today.replace(day=1)
    checked = dict(
        CheckIn.objects.filter(project_id__in=ids, local_date=today, accepted=True)
        .values("project_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("project_id", "n")
    )
    required = dict(
        KeyPersonAssignment.objects.filter(project_id__in=ids, must_check_in=True)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .values("project_id")
        .annotate(n=Count("id"))
        .values_list("project_id", "n")
    )
    month_rates = {
        r["project_id"]: r
        for r in MonthlyAttendance.objects.filter(project_id__in=ids, month=month)
        .values("project_id")
        .annotate(v=Sum("valid_days"), c=Sum("construction_days"))
    }
    last_patrol = selectors.last_valid_patrols(ids)
    threshold = monthly_rate_threshold()  # the indicator's configured rate (R-ALR-01)
    interval = patrol_interval_days()
    rows = []
    for p in projects:
        r = month_rates.get(p.pk)
        gap, _due = selectors.patrol_due(p, last_patrol.get(p.pk))
        rows.append(
            {
                "project": p,
                "checked": checked.get(p.pk, 0),
                "required": required.get(p.pk, 0),
                "rate_text": selectors.rate_text(r["v"], r["c"]) if r else "未结算",
                "below": bool(r and r["c"] and Decimal(r["v"]) / r["c"] < threshold),
                "patrol_gap": gap,
                "patrol_overdue": gap >= interval,
            }
        )
    from .models import NonConstructionPeriod

    periods = (
        NonConstructionPeriod.objects.visible_to(actor)
        .filter(project_id__in=ids, ends_on__gte=today - dt.timedelta(days=30))
        .select_related("project")
        .order_by("-starts_on")[:30]
    )
    reviews = list(
        selectors.pending_reviews(actor)
        .filter(project_id__in=ids)
        .select_related("assignment", "project__owner")[:50]
    )
    for c in reviews:  # each row's buttons: the review steps the actor may take (registry)
        c.review_steps = [  # type: ignore[attr-defined]
            (a.step, reverse("attendance_checkin_review_step", args=[c.pk, a.name]))
            for a in steps.available_steps(c, actor, leave_steps.REVIEW_WF)
            if a.allowed
        ]
    return render(
        request,
        "attendance/owner.html",
        {
            "rows": rows,
            "pending_leave": selectors.pending_leave(actor).filter(project_id__in=ids)[:50],
            "reviews": reviews,
            "interviews": selectors.interviews(actor, {"state": InterviewState.DUE}).filter(
                project_id__in=ids
            )[:50],
            "periods": periods,
            "nc_form": nc_form,
            "today": today,
            "month": month,
        },
    )


# --- the project board: person × day (R-ATT-02, R-ATT-03) --------------------------------------------------


def can_view_board(actor: Any) -> bool:
    """Government and owners, and the administrators of the enterprises on the
    project; key personnel look at their own calendar instead."""
    if can_view_stats(actor):
        return True
    return actor.org_kind in ENTERPRISE_KINDS and bool(actor.roles & {Role.ADMIN, Role.UNIT_LEADER})


@page_view
def project_board(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = get_visible_or_404(Project.objects.select_related("owner"), actor, pk=pk)
    require(actor, can_view_board(actor), "项目考勤看板仅限政府部门、建设单位和参建企业管理人员")
    first = selectors.month_first(request.GET.get("month"))
    if cell := request.GET.get("cell"):
        return _board_cell(request, actor, project, cell)
    grid = selectors.project_grid(project, first)
    if request.GET.get("export") == "xlsx":
        headers = [
            "姓名",
            "岗位",
            "单位",
            *[f"{d:%m-%d}" for d in grid.days],
            "有效天数",
            "施工天数",
            "考勤率",
        ]
        rows = (
            [
                r.assignment.person.name,
                r.assignment.get_position_display(),
                r.assignment.participant.organisation.name,
                *[c.label for c in r.cells],
                r.valid,
                r.construction,
                r.rate_text,
            ]
            for r in grid.rows
        )
        return export_xlsx(
            filename=f"{project.name}-{first:%Y-%m}-考勤.xlsx",
            title=f"{project.name} {first:%Y年%m月} 考勤",
            columns=headers,
            rows=rows,
        )
    return render(
        request,
        "attendance/board.html",
        {
            "project": project,
            "grid": grid,
            "legend": _legend(),
            "today": clock.today(),
            "owner_side": services.is_owner_side(actor, project),
            **_month_nav(first),
        },
    )


def _board_cell(request: HttpRequest, actor: Any, project: Project, cell: str) -> HttpResponse:
    """Drill down to one person's day: every check-in, accepted or refused, with signals."""
    try:
        assignment_id, day = cell.split(":", 1)
        date = dt.date.fromisoformat(day)
        a = KeyPersonAssignment.objects.select_related("person").get(
            pk=int(assignment_id), project=project
        )
    except (ValueError, KeyPersonAssignment.DoesNotExist) as exc:
        raise NotFound() from exc
    items = selectors.checkins(actor, {"project_id": project.pk}).filter(
        person_id=a.person_id, local_date=date
    )
    return render(
        request,
        "attendance/_cell.html",
        {"assignment": a, "date": date, "items": items.order_by("at")},
    )


# --- interviews (R-ATT-07, R-ATT-08, R-ATT-04) -------------------------------------------------------------


@page_view
def interview_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The interview and its step (close, with the record): the form posts to
    ``core.steps.page_action`` (``attendance_interview_step``)."""
    return render_interview(request, leave_steps.load_interview(actor_of(request), pk))


def render_interview(
    request: HttpRequest, it: AttendanceInterview, *, bound: Any = None, status: int = 200
) -> HttpResponse:
    actor = actor_of(request)
    low_rate = it.kind == InterviewKind.LOW_MONTHLY_RATE
    trigger = it.trigger or {}
    return render(
        request,
        "attendance/interview.html",
        {
            "it": it,
            "page_steps": steps.page_steps(it, actor, bound=bound),
            "low_rate": low_rate,
            "trigger": trigger,
            "trigger_days": list(
                zip(trigger.get("days", []), trigger.get("statuses", []), strict=False)
            ),
            "status_labels": dict(DayStatus.choices),
            "rate_text": selectors.rate_text(trigger["valid_days"], trigger["construction_days"])
            if low_rate and "valid_days" in trigger
            else "",
            "due": it.state == InterviewState.DUE,
            "basis": {
                InterviewKind.ABSENCE_STREAK: "《上虞区政府投资（国有建设）项目监督管理实施细则（试行）》第四十二条：连续2天（含）以上未考勤，由建设单位约谈相关责任人",
                InterviewKind.LOW_MONTHLY_RATE: "《上虞区政府投资（国有建设）项目监督管理实施细则（试行）》第四十二条：月考勤率不足80%的，由建设单位约谈企业负责人，根据合同约定处罚，并予以通报批评",
                InterviewKind.CHEAT: "《上虞区政府投资（国有建设）项目监督管理实施细则（试行）》第四十七条：考勤作弊的，建设单位根据情节轻重给予约谈、解除合同、责令赔偿损失等处理，纳入信用管理",
            }[InterviewKind(it.kind)],
        },
        status=status,
    )


# --- statistics for government (R-ATT-03) ----------------------------------------------------------------


BY_LABELS = {"project": "按项目", "enterprise": "按企业", "region": "按区域", "industry": "按行业"}


class RecloseForm(BootstrapMixin, forms.Form):
    compact = True
    first = DateField(label="开始日期", widget=DATE)
    last = DateField(label="结束日期", widget=DATE)


@page_view
def stats(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, can_view_stats(actor), "考勤统计仅限政府部门和建设单位")
    reclose_form = RecloseForm() if services.may_reclose(actor) else None
    if request.method == "POST":
        # The form's own check first (a wrong role gets 403, not the form);
        # the service checks again, validates, queues and audits.
        require(actor, services.may_reclose(actor), services.RECLOSE_WHO)
        reclose_form = RecloseForm(request.POST)
        if reclose_form.is_valid():
            try:
                done = services.reclose(
                    actor=actor,
                    first=reclose_form.cleaned_data["first"],
                    last=reclose_form.cleaned_data["last"],
                )
            except DomainError as exc:
                form_error(reclose_form, exc)
            else:
                messages.success(request, f"{done.message}；完成后本页数据随之更新")
                return HttpResponseRedirect(reverse("attendance_stats"))
    month = selectors.month_first(request.GET.get("month"))
    by = str(request.GET.get("by")) if request.GET.get("by") in BY_LABELS else "project"
    filters: dict[str, Any] = {}
    if org := request.GET.get("org"):
        filters["organisation_id"] = int(org) if org.isdigit() else -1
    if region := request.GET.get("region"):
        filters["region"] = region
    groups = selectors.rates(actor, month, by, filters)
    threshold = monthly_rate_threshold()  # the indicator's configured rate (R-ALR-01)
    if request.GET.get("export") == "xlsx":
        return export_xlsx(
            filename=f"考勤率统计-{BY_LABELS[by]}-{month:%Y-%m}.xlsx",
            title=f"考勤率统计（{BY_LABELS[by]}） {month:%Y年%m月}",
            columns=[
                "名称",
                Column("有效考勤天数（分子）", kind="number"),
                Column("实际施工天数（分母）", kind="number"),
                "考勤率",
                Column("考勤人数", kind="number"),
                Column(f"低于{threshold * 100:.0f}%人数", kind="number"),
            ],
            rows=(
                [g.name, g.valid, g.construction, g.rate_text, g.people, g.below] for g in groups
            ),
        )
    people = None
    if by == "project" and (filters.get("organisation_id") or filters.get("region")):
        people = selectors.monthly(actor, {**filters, "month": month})[:200]
    total_v = sum(g.valid for g in groups)
    total_c = sum(g.construction for g in groups)
    chart = [
        {"name": g.name[:18], "value": g.rate_percent, "text": g.rate_text, "below": g.below}
        for g in groups[:30]
        if g.rate_percent is not None
    ]
    org_name = ""
    if filters.get("organisation_id"):
        from postaward.orgs.models import Organisation

        org_name = (
            Organisation.objects.filter(pk=filters["organisation_id"])
            .values_list("name", flat=True)
            .first()
            or ""
        )
    return render(
        request,
        "attendance/stats.html",
        {
            "month": month,
            "months": selectors.months_with_rates(actor),
            "by": by,
            "by_labels": BY_LABELS,
            "groups": groups,
            "chart": chart,
            "chart_height": max(320, 26 * len(chart) + 60),
            "people": people,
            "total_text": selectors.rate_text(total_v, total_c),
            "below_groups": sum(1 for g in groups if g.rate is not None and g.rate < threshold),
            "threshold": threshold,
            "threshold_text": f"{threshold * 100:.0f}%",
            "threshold_percent": f"{float(threshold * 100):g}",
            "filters": filters,
            "org_name": org_name,
            "reclose_form": reclose_form,
            "status_labels": dict(DayStatus.choices),
            "querystring": request.GET.urlencode(),
        },
    )


# --- files (approval forms, evidence, interview records) ------------------------------------------------


FILES: dict[tuple[str, str], Any] = {
    ("leave", "approval_form"): LeaveRequest,
    ("leave", "evidence"): LeaveRequest,
    ("interview", "record"): AttendanceInterview,
}


@page_view
def attendance_file(request: HttpRequest, kind: str, pk: int, which: str) -> HttpResponse:
    """An uploaded file, served only within the data scope of its record."""
    model = FILES.get((kind, which))
    if model is None:
        raise NotFound()
    response = files.download(
        model.objects, actor_of(request), pk, field=which, name=f"{which}_name"
    )
    return cast(HttpResponse, response)
