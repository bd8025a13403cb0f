"""Home page counts of attendance for the actor."""

from __future__ import annotations

from django.urls import reverse

from postaward.core import clock, homepage
from postaward.core.actor import Actor

from .choices import Review
from .models import CheckIn
from .permissions import has_checkin_duty, is_owner_user


@homepage.register(order=30)
def attendance_counts(actor: Actor) -> list[dict]:
    out: list[dict] = []
    if has_checkin_duty(actor):
        today = CheckIn.objects.filter(
            person_id=actor.person_id, local_date=clock.today(), accepted=True
        ).count()
        out.append(
            {
                "key": "checkins_today",
                "label": "今日有效打卡",
                "value": today,
                "icon": "bi-geo-alt-fill",
                "url": reverse("attendance_checkin"),
                "hint": "每天2次，间隔不少于4小时",
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
