"""The attendance ledgers on the platform's list component (core.lists):
考勤记录 (every check-in, accepted or refused), 请假记录 and 约谈记录 — each
queryable, countable, exportable and printable (R-REP-05), in the actor's
scope (the rows follow their project, ADR 0015).

Decisions on these rows (approving a leave, reviewing a suspicious check-in,
closing an interview) are taken one by one on their own pages: no batch."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from postaward.core import clock
from postaward.core.actor import Actor
from postaward.core.lists import Column, Filter, ListSpec, render_list
from postaward.core.web import actor_of, page_view, require
from postaward.projects.models import Project

from .choices import InterviewKind, InterviewState, LeaveState, Refusal, Review
from .models import AttendanceInterview, CheckIn, LeaveRequest
from .permissions import can_view_stats, has_checkin_duty, is_owner_user


def may_read_ledgers(actor: Actor) -> bool:
    return can_view_stats(actor) or is_owner_user(actor) or has_checkin_duty(actor)


def _t(value: Any) -> str:
    return f"{clock.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def _d(value: Any) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def _project_filter(actor: Actor) -> Filter:
    return Filter(
        "project",
        "项目",
        "project_id",
        choices=lambda: [
            (str(pk), f"{code} {name}")
            for pk, code, name in Project.objects.visible_to(actor)
            .order_by("code")
            .values_list("pk", "code", "name")
        ],
    )


def _page(request: HttpRequest, spec: ListSpec, qs: Any) -> HttpResponse:
    actor = actor_of(request)
    require(actor, may_read_ledgers(actor))
    return render_list(
        request,
        spec,
        qs,
        context={"section": "现场考勤", "icon": "bi-journal-check", "tabs": LEDGER_TABS},
        template="attendance/ledger.html",
    )


LEDGER_TABS = [
    ("attendance_records", "考勤记录"),
    ("attendance_leaves", "请假记录"),
    ("attendance_interviews", "约谈记录"),
]


@page_view
def records(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    spec = ListSpec(
        key="checkins",
        title="考勤记录",
        columns=[
            Column("at", "打卡时间", lambda c: _t(c.at), sort="at", export=lambda c: c.at),
            Column("person", "人员", lambda c: c.person.name, sort="person__name"),
            Column(
                "position",
                "岗位",
                lambda c: c.assignment.get_position_display() if c.assignment else "",
            ),
            Column("project", "项目", lambda c: c.project.name, sort="project__name"),
            Column(
                "accepted",
                "结果",
                lambda c: "有效" if c.accepted else "未通过",
                sort="accepted",
                tag=lambda c: "green" if c.accepted else "orange",
                note=lambda c: c.get_refusal_display() if c.refusal else "",
            ),
            Column(
                "distance",
                "距场地（米）",
                lambda c: f"{c.distance_m:.0f}" if c.distance_m is not None else "",
                sort="distance_m",
            ),
            Column(
                "accuracy", "定位精度（米）", lambda c: f"{c.accuracy_m:.0f}", sort="accuracy_m"
            ),
            Column(
                "review",
                "核查",
                lambda c: c.get_review_display(),
                sort="review",
                tag=lambda c: {"pending": "orange", "confirmed": "red"}.get(c.review, ""),
            ),
        ],
        filters=[
            _project_filter(actor),
            Filter(
                "accepted",
                "结果",
                "accepted",
                choices=[("1", "有效"), ("0", "未通过")],
                apply=lambda qs, v: qs.filter(accepted=v == "1"),
            ),
            Filter("refusal", "未通过原因", "refusal", choices=Refusal.choices),
            Filter("review", "核查", "review", choices=Review.choices),
            Filter("from", "日期起", "local_date", kind="date_from"),
            Filter("to", "日期止", "local_date", kind="date_to"),
        ],
        search=("person__name", "project__name", "project__code"),
        search_label="人员/项目",
        default_sort="-at",
        empty="暂无考勤记录",
        export_name="考勤记录",
    )
    qs = CheckIn.objects.visible_to(actor).select_related("person", "project", "assignment")
    return _page(request, spec, qs)


@page_view
def leaves(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    spec = ListSpec(
        key="leaves",
        title="请假记录",
        columns=[
            Column("person", "申请人", lambda lv: lv.person.name, sort="person__name"),
            Column("project", "项目", lambda lv: lv.project.name, sort="project__name"),
            Column("starts", "开始日期", lambda lv: _d(lv.starts_on), sort="starts_on"),
            Column("ends", "结束日期", lambda lv: _d(lv.ends_on), sort="ends_on"),
            Column("reason", "事由", lambda lv: lv.reason),
            Column(
                "state",
                "状态",
                lambda lv: lv.get_state_display(),
                sort="state",
                tag=lambda lv: {"approved": "green", "rejected": "red", "pending": "orange"}.get(
                    lv.state, "grey"
                ),
            ),
            Column(
                "requested",
                "申请时间",
                lambda lv: _t(lv.requested_at),
                sort="requested_at",
                export=lambda lv: lv.requested_at,
            ),
            Column(
                "decided",
                "审批",
                lambda lv: lv.decided_by_name,
                note=lambda lv: _t(lv.decided_at),
            ),
        ],
        filters=[
            _project_filter(actor),
            Filter("state", "状态", "state", choices=LeaveState.choices),
            Filter("from", "请假日期起", "ends_on", kind="date_from"),
            Filter("to", "请假日期止", "starts_on", kind="date_to"),
        ],
        search=("person__name", "project__name", "reason"),
        search_label="申请人/项目/事由",
        default_sort="-requested",
        row_url=lambda lv: reverse("attendance_leave_detail", args=[lv.pk]),
        row_action="查看",
        empty="暂无请假记录",
        export_name="请假记录",
    )
    qs = LeaveRequest.objects.visible_to(actor).select_related("person", "project")
    return _page(request, spec, qs)


@page_view
def interviews(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    spec = ListSpec(
        key="interviews",
        title="约谈记录",
        columns=[
            Column("kind", "类别", lambda it: it.get_kind_display(), sort="kind"),
            Column(
                "person",
                "责任人",
                lambda it: it.person.name if it.person else "",
                sort="person__name",
            ),
            Column(
                "org",
                "企业",
                lambda it: it.organisation.name if it.organisation else "",
                sort="organisation__name",
            ),
            Column("project", "项目", lambda it: it.project.name, sort="project__name"),
            Column("summary", "情况", lambda it: it.summary),
            Column(
                "state",
                "状态",
                lambda it: it.get_state_display(),
                sort="state",
                tag=lambda it: {"due": "orange", "done": "green"}.get(it.state, "grey"),
            ),
            Column(
                "created",
                "产生时间",
                lambda it: _t(it.created_at),
                sort="created_at",
                export=lambda it: it.created_at,
            ),
            Column("held", "约谈日期", lambda it: _d(it.held_on), sort="held_on"),
        ],
        filters=[
            _project_filter(actor),
            Filter("kind", "类别", "kind", choices=InterviewKind.choices),
            Filter("state", "状态", "state", choices=InterviewState.choices),
            Filter("from", "产生日期起", "created_at__date", kind="date_from"),
            Filter("to", "产生日期止", "created_at__date", kind="date_to"),
        ],
        search=("person__name", "organisation__name", "project__name", "summary"),
        search_label="责任人/企业/项目",
        default_sort="-created",
        row_url=lambda it: reverse("attendance_interview", args=[it.pk]),
        row_action="查看",
        empty="暂无约谈记录",
        export_name="约谈记录",
    )
    qs = AttendanceInterview.objects.visible_to(actor).select_related(
        "person", "organisation", "project"
    )
    return _page(request, spec, qs)
