import datetime as dt

import pytest
from django.urls import reverse

from postaward.alerts.models import Alert
from postaward.attendance.events import AbsenceStreak

from .conftest import at, publish

pytestmark = pytest.mark.django_db


def test_pages_render(d):
    p = d.projects["p_school"]
    with at(dt.date(2026, 3, 10)):
        publish(
            AbsenceStreak(
                project_id=p.pk,
                person_id=d.users["pm_a"].person.pk,
                organisation_id=d.orgs["contractor_a"].pk,
                assignment_id=1,
                position="project_manager",
                first_day="2026-03-08",
                days=["2026-03-08", "2026-03-09"],
                reasons=["未打卡"],
            )
        )
        a = Alert.objects.get()
        for user in ["school_admin", "office_admin", "line_supervisor", "housing_staff"]:
            c = d.client(user)
            for name, args in [
                ("alerts_inbox", []),
                ("alerts_query", []),
                ("alerts_stats", []),
                ("alerts_detail", [a.pk]),
                ("alerts_indicators", []),
                ("alerts_notifications", []),
            ]:
                r = c.get(reverse(name, args=args))
                assert r.status_code == 200, (user, name, r.content[:500])
        c = d.client("office_admin")
        from postaward.alerts.models import Indicator

        for ind in Indicator.objects.all():
            assert c.get(reverse("alerts_indicator", args=[ind.pk])).status_code == 200
            assert c.get(reverse("alerts_sandbox", args=[ind.pk])).status_code == 200
        for name in ["alerts_issues", "alerts_transfers", "alerts_sandbox_list"]:
            assert c.get(reverse(name)).status_code == 200
        r = c.get(reverse("alerts_query") + "?export=xlsx")
        assert r.status_code == 200
