"""The platform clock (one clock, shifted by the simulator) and the core's
other writes: to-dos (the inbox) and the clock offset."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import override_settings

from postaward.core import audit, clock, services
from postaward.core.actor import SYSTEM
from postaward.core.errors import Forbidden
from postaward.core.models import AuditRecord, ClockState, Todo

from .conftest import run_concurrently

pytestmark = pytest.mark.django_db

SH = clock.LOCAL_TZ


# --- clock -------------------------------------------------------------------------------------


def test_today_is_the_shanghai_date():
    with time_machine.travel(dt.datetime(2026, 9, 30, 16, 30, tzinfo=dt.UTC), tick=False):
        assert clock.now() == dt.datetime(2026, 9, 30, 16, 30, tzinfo=dt.UTC)
        assert clock.today() == dt.date(2026, 10, 1)
        assert clock.localtime().tzinfo == SH


def test_start_and_end_of_a_local_day():
    assert clock.start_of_day(dt.date(2026, 10, 1)) == dt.datetime(2026, 9, 30, 16, tzinfo=dt.UTC)
    assert clock.end_of_day(dt.date(2026, 10, 1)) == dt.datetime(2026, 10, 1, 16, tzinfo=dt.UTC)
    assert clock.local_date(dt.datetime(2026, 10, 1, 15, 59, tzinfo=dt.UTC)) == dt.date(2026, 10, 1)


def test_the_simulator_shifts_the_clock_and_it_is_audited():
    with time_machine.travel(dt.datetime(2026, 3, 1, tzinfo=dt.UTC), tick=False):
        services.set_clock_offset(actor=SYSTEM, offset=dt.timedelta(days=3))
        assert clock.now() == dt.datetime(2026, 3, 4, tzinfo=dt.UTC)
        assert ClockState.objects.get(pk=1).offset_seconds == 3 * 86400
        rec = AuditRecord.objects.order_by("-seq").first()
        assert rec.action == "core.set_clock_offset"
        assert rec.after == {"offset_seconds": 3 * 86400}
        # another process reads the persisted offset
        clock.set_offset(0)
        clock.refresh_offset()
        assert clock.today() == dt.date(2026, 3, 4)


def test_only_the_platform_moves_the_clock(district):
    for username in ("office_admin", "office_staff"):
        with pytest.raises(Forbidden):
            services.set_clock_offset(actor=district.actor(username), offset=dt.timedelta(days=1))
    assert not ClockState.objects.exists()
    assert clock.offset() == dt.timedelta(0)


def test_production_refuses_a_shifted_clock():
    from django.conf import settings

    with override_settings(POSTAWARD={**settings.POSTAWARD, "ALLOW_CLOCK_SHIFT": False}):
        clock.set_offset(86400)
        assert clock.offset() == dt.timedelta(0)


def test_each_request_reads_the_offset(district):
    ClockState.objects.create(pk=1, offset_seconds=86400 * 10)
    with time_machine.travel(dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC), tick=False):
        page = district.client("office_admin").get("/").content.decode()
    assert clock.offset() == dt.timedelta(days=10)
    assert "2026-06-11" in page


# --- to-dos -------------------------------------------------------------------------------------


def _todo(district, key="test:1", **kw):
    return services.open_todo(
        key=key,
        kind="test",
        title="审核考勤",
        organisation_id=district.orgs["school"].pk,
        **kw,
    )


def test_a_todo_is_opened_once_per_key(district):
    first = _todo(district)
    again = _todo(district)
    assert again.pk == first.pk
    assert Todo.objects.filter(key="test:1").count() == 1


def test_a_long_key_is_still_found(district):
    key = "k" * 250
    first = _todo(district, key=key)
    assert _todo(district, key=key).pk == first.pk
    assert services.close_todos(key=key) == 1


def test_closing_and_reopening(district):
    first = _todo(district)
    assert services.close_todos(key="test:1") == 1
    assert Todo.objects.get(pk=first.pk).state == Todo.State.DONE
    second = _todo(district)
    assert second.pk != first.pk
    assert services.close_todos(key="test:1", state=Todo.State.CANCELLED) == 1


def test_close_todos_refuses_to_close_everything(district):
    _todo(district)
    open_before = Todo.objects.filter(state="open").count()  # the district's own to-dos included
    with pytest.raises(ValueError):
        services.close_todos(key="")
    assert Todo.objects.filter(state="open").count() == open_before >= 1


def test_close_todos_by_subject_and_kind(district):
    project = district.projects["p_school"]
    _todo(district, key="a", subject=project)
    _todo(district, key="b", subject=project)
    _todo(district, key="c")
    assert services.close_todos(subject=project) == 2
    assert services.close_todos(kind="test") == 1


def test_todos_are_seen_by_their_organisation_and_role(district):
    from postaward.core import selectors

    _todo(district, key="anyone")
    _todo(district, key="leaders", role="owner_project_leader")
    _todo(district, key="personal", assignee_id=district.users["school_admin"].pk)

    # Only the to-dos of this test (kind "test"): other apps open their own for the district.
    def keys(username):
        return {t.key for t in selectors.open_todos(district.actor(username)) if t.kind == "test"}

    admin, leader, other = keys("school_admin"), keys("school_leader"), keys("hospital_admin")
    assert admin == {"anyone", "personal"}
    assert leader == {"anyone", "leaders"}
    assert other == set()


def test_concurrent_subscribers_open_one_todo(concurrent_db):
    from postaward.orgs.models import Organisation
    from postaward.orgs.services import create_organisation

    org = create_organisation(
        actor=SYSTEM, parent=None, name="并发测试监管办", kind="supervision_office"
    )
    outcome = run_concurrently(
        lambda i: (
            services.open_todo(
                key="concurrent:1", kind="test", title="同一事项", organisation_id=org.pk
            ).pk
        ),
        6,
    )
    assert outcome.errors == []
    assert len(set(outcome.results)) == 1
    assert Todo.objects.filter(key="concurrent:1").count() == 1
    assert Organisation.objects.filter(pk=org.pk).exists()
    assert audit.verify().ok
