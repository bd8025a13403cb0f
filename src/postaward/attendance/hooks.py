"""Home page counts of attendance for the actor."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from postaward.core import homepage, todos
from postaward.core.actor import Actor

from .choices import Review
from .models import CheckIn
from .permissions import has_checkin_duty, is_owner_user


@homepage.register(order=30)
def attendance_counts(actor: Actor) -> list[dict]:
    out: list[dict] = []
    if has_checkin_duty(actor):
        # what the check-in page says: a day is valid with two check-ins at
        # least 4 hours apart (R-ATT-02), counted per project with a duty today
        from .selectors import positions_today

        required = [t for t in positions_today(actor) if t.required]
        valid = sum(1 for t in required if t.day.valid)
        taps = sum(len(t.counted_times) for t in required)
        out.append(
            {
                "key": "checkins_today",
                "label": "今日考勤已有效",
                "value": f"{valid}/{len(required)}",
                "icon": "bi-geo-alt-fill",
                "url": reverse("attendance_checkin"),
                "hint": f"今日已打卡 {taps} 次；同一项目2次且间隔不少于4小时为有效",
            }
        )
    if is_owner_user(actor):
        pending = CheckIn.objects.visible_to(actor).filter(review=Review.PENDING).count()
        out.append(
            {
                "key": "suspicious_checkins",
                "label": "可疑打卡待核查",
                "value": pending,
                "icon": "bi-shield-exclamation",
                "url": reverse("attendance_owner"),
            }
        )
    return out


@todos.register_requests
def my_leave_requests(actor: Actor) -> list[dict[str, Any]]:
    """ "我发起的": the actor's own leave requests and their state."""
    from django.urls import reverse

    from .models import LeaveRequest

    if not actor.person_id:
        return []
    return [
        {
            "kind": "请假",
            "title": f"{lv.starts_on:%Y-%m-%d}至{lv.ends_on:%Y-%m-%d}：{lv.reason}",
            "project": lv.project.name,
            "state": lv.get_state_display(),
            "url": reverse("attendance_leave_detail", args=[lv.pk]),
            "at": lv.requested_at,
        }
        for lv in LeaveRequest.objects.filter(person_id=actor.person_id)
        .select_related("project")
        .order_by("-requested_at")[:100]
    ]


def _register_audit() -> None:
    from postaward.core import audit_labels

    audit_labels.link(
        "attendance.leaverequest", lambda pk: reverse("attendance_leave_detail", args=[int(pk)])
    )
    audit_labels.link(
        "attendance.attendanceinterview",
        lambda pk: reverse("attendance_interview", args=[int(pk)]),
    )


_register_audit()
