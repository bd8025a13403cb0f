"""Issue 11 §7: the demo's field logins are on live work. Right after the demo
is built, every field login has a project under construction where attendance
expects it today (R-ATT-01, R-ATT-03), the check-in page shows that project with
its site, and a phone standing on the site checks in; the owner's project-leader
login leads that project (its patrol page lists it, R-ATT-06).

The expectation is the attendance duty rules' own (``positions_today`` and the
duty calendar), whatever the day: weekends and public holidays are construction
days unless the owner declares otherwise, so the demo is built on today's real
date and on a weekend and a public holiday as well."""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext

import pytest
import time_machine
from django.test import Client

from postaward.core import clock
from postaward.projects.choices import ProjectStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _client(username: str) -> Client:
    from postaward.orgs.models import User

    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


@pytest.mark.parametrize(
    "when",
    [
        None,  # the day the test runs, whatever it is
        dt.datetime(2026, 11, 22, 10, 0),  # a Sunday
        dt.datetime(2026, 10, 1, 10, 0),  # National Day, a public holiday
    ],
    ids=["today", "sunday", "public-holiday"],
)
def test_r_att_01_every_demo_field_login_must_check_in_today_on_a_project_under_construction(
    when,
):
    from postaward import demo
    from postaward.attendance import duty, selectors, services
    from postaward.orgs.actors import actor_for
    from postaward.orgs.models import User

    travel = (
        time_machine.travel(when.replace(tzinfo=clock.LOCAL_TZ), tick=False)
        if when
        else nullcontext()
    )
    with travel:
        demo.build(projects=12)
        today = clock.today()
        logins = {login.username for login in demo.demo_logins()}
        for username, _position in demo.FIELD_LOGINS:
            assert username in logins
            actor = actor_for(User.objects.get(username=username))
            live = [
                t
                for t in selectors.positions_today(actor)
                if t.required and t.project.status == ProjectStatus.UNDER_CONSTRUCTION
            ]
            assert live, f"{username} has nothing to check in for today"
            t = live[0]
            # the duty calendar says the same: today is a construction day for them
            calendar = duty.load(t.project, today, today)
            assert calendar.status(t.assignment, today) == (None, "")
            # the check-in page shows the project and today's duty
            page = _client(username).get("/attendance/checkin/").content.decode()
            assert f'data-testid="today-{t.project.pk}"' in page
            assert t.project.name in page and "今日尚未打卡" in page
            # the site is within the district and a phone standing on it checks in
            site = t.project.site
            assert site is not None
            lon, lat = t.project.site_lon, t.project.site_lat
            assert abs(lon - demo.CENTRE[0]) < 0.15 and abs(lat - demo.CENTRE[1]) < 0.1
            result = services.check_in(
                actor=actor,
                project_id=t.project.pk,
                lon=lon,
                lat=lat,
                accuracy_m=8.0,
                idempotency_key=f"demo-{username}",
            )
            assert result.checkin.accepted, result.checkin.refusal_detail
        # the owner's project leader leads it and may patrol it
        leader = actor_for(User.objects.get(username="owner_leader"))
        led = [
            p
            for p in selectors.led_projects(leader)
            if p.status == ProjectStatus.UNDER_CONSTRUCTION
        ]
        assert led
        page = _client("owner_leader").get("/attendance/patrol/").content.decode()
        assert led[0].name in page
