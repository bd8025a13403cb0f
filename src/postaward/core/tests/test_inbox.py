"""One inbox (我的待办): every item that waits for an actor is a to-do addressed
to them, closed when acted on; a to-do held for a person without an account
moves to them when the account is created; the envelope and the inbox count
the same (R-ALR-02, R-ORG-03, R-REP-05)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from postaward.alerts import services as alert_services
from postaward.alerts.indicators import Hit
from postaward.alerts.models import Alert
from postaward.core import selectors, todos
from postaward.core.actor import SYSTEM
from postaward.core.models import Todo
from postaward.orgs import services as org_services
from postaward.orgs.choices import Role
from postaward.testing import PASSWORD, person

pytestmark = pytest.mark.django_db
MON = dt.date(2026, 3, 9)


def _alert(d, level: str = "industry_authority") -> Alert:
    ind = alert_services.indicator_for("attendance.patrol_overdue")
    ind = alert_services.update_indicator(actor=SYSTEM, indicator=ind, level=level)
    alert_services.record_hit(
        ind,
        Hit(
            dedup_key="inbox-test",
            title="巡查超期：第一中学教学楼工程已 9 天无有效巡查",
            facts={"project": "第一中学教学楼工程"},
            project_id=d.projects["p_school"].pk,
            subject_org_id=d.orgs["school"].pk,
        ),
    )
    return Alert.objects.get()


def _titles(d, username: str) -> list[str]:
    return [t.title for t in selectors.open_todos(d.actor(username))]


def test_alert_to_dispose_is_a_todo_of_the_handling_unit_closed_on_disposal(district):
    """R-ALR-02: the alert waits for the housing bureau → a to-do in its inbox
    with the disposal deadline; disposing closes it and opens the review
    to-do of the office; closing the alert leaves nothing open."""
    d = district
    a = _alert(d)
    assert a.handling_org == d.orgs["housing"]
    open_ = Todo.objects.get(state="open", subject_id=str(a.pk))
    assert open_.kind == "alerts.dispose" and open_.due_at == a.disposal_deadline.due_at
    assert any("处置预警" in t for t in _titles(d, "housing_staff"))
    assert not any("预警" in t for t in _titles(d, "office_staff"))

    alert_services.dispose_alert(
        actor=d.actor("housing_staff"), alert=a, finding="confirmed", note="已约谈并整改"
    )
    assert not any("预警" in t for t in _titles(d, "housing_staff"))
    assert any("审核预警处置" in t for t in _titles(d, "office_staff"))

    alert_services.review_alert(actor=d.actor("office_staff"), alert=a, decision="close")
    assert not Todo.objects.filter(
        state="open", subject_type="alerts.alert", subject_id=str(a.pk)
    ).exists()
    assert (
        Todo.objects.filter(subject_type="alerts.alert", subject_id=str(a.pk), state="done").count()
        == 2
    )


def test_returned_alert_goes_back_to_the_handling_unit_inbox(district):
    """R-ALR-02: sent back by the reviewer → a to-do to dispose again."""
    d = district
    a = _alert(d)
    alert_services.dispose_alert(
        actor=d.actor("housing_staff"), alert=a, finding="confirmed", note="已约谈"
    )
    alert_services.review_alert(
        actor=d.actor("office_staff"), alert=a, decision="send_back", note="证据不足"
    )
    assert any(t.startswith("重新处置预警") for t in _titles(d, "housing_staff"))
    assert not any("预警" in t for t in _titles(d, "office_staff"))


def test_todo_held_by_administrator_moves_to_the_person_with_a_new_account(district):
    """R-ORG-03: a to-do for a person without an account sits with the unit's
    总管; when the account is created for the person, the to-do is theirs."""
    d = district
    school = d.orgs["school"]
    newcomer = person(school, name="新来的项目负责人")
    todos.open_for(
        key="test.handover",
        kind="test.handover",
        title="确认停工：第一中学教学楼工程",
        organisation_id=school.pk,
        role=Role.ADMIN,
        person_id=newcomer.pk,
    )
    assert "确认停工：第一中学教学楼工程" in _titles(d, "school_admin")
    user, _ = org_services.create_account(
        actor=SYSTEM,
        organisation=school,
        username="newcomer",
        roles=[Role.OWNER_PROJECT_LEADER],
        person=newcomer,
        password=PASSWORD,
        must_change_password=False,
    )
    d.users["newcomer"] = user
    assert "确认停工：第一中学教学楼工程" not in _titles(d, "school_admin")
    assert "确认停工：第一中学教学楼工程" in _titles(d, "newcomer")


def test_envelope_count_equals_the_inbox_rows(district):
    d = district
    _alert(d)
    c = d.client("housing_staff")
    inbox = c.get("/inbox/").content.decode()
    n = todos.open_count(d.actor("housing_staff"))
    assert n >= 1
    assert f'data-testid="todo-count">{n}<' in inbox
    assert inbox.count('data-testid="todo-row"') == n


def _messages(d, username: str) -> list[str]:
    from postaward.alerts.models import Notification

    return list(
        Notification.objects.filter(recipient=d.users[username]).values_list("title", flat=True)
    )


def test_leave_decision_is_told_to_the_person_who_asked(district):
    """R-ATT-05: the owner's refusal reaches the requester's 消息通知."""
    from postaward.attendance import services as attendance_services
    from postaward.core import clock
    from postaward.projects.models import KeyPersonAssignment

    d = district
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=clock.LOCAL_TZ), tick=False):
        assignment = KeyPersonAssignment.objects.get(person=d.users["pm_a"].person)
        leave = attendance_services.request_leave(
            actor=d.actor("pm_a"),
            assignment=assignment,
            starts_on=dt.date(2026, 3, 11),
            ends_on=dt.date(2026, 3, 11),
            reason="就医",
        )
        assert any("请假审批：" in t for t in _titles(d, "school_leader"))
        attendance_services.decide_leave(
            actor=d.actor("school_leader"), leave=leave, approve=False, note="工期紧，请改期"
        )
    msgs = _messages(d, "pm_a")
    assert len(msgs) == 1 and "请假申请" in msgs[0] and "第一中学教学楼工程" in msgs[0]
    assert not any("请假审批：" in t for t in _titles(d, "school_leader"))
    assert _messages(d, "school_leader") == []  # the decider is not told


def test_suspension_decision_is_told_to_the_declarer(district):
    """R-PRJ-07: the line's refusal to confirm a suspension reaches the owner leader."""
    from postaward.core import clock
    from postaward.projects import services as project_services

    d = district
    p = d.projects["p_school"]
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=clock.LOCAL_TZ), tick=False):
        s = project_services.declare_suspension(
            actor=d.actor("school_leader"),
            project=p,
            started_at=clock.localtime().replace(hour=8, minute=0),
            reason="汛期暴雨，基坑积水停工",
        )
        project_services.reject_suspension(
            actor=d.actor("line_supervisor"), suspension=s, note="未见停工指令"
        )
    msgs = _messages(d, "school_leader")
    assert len(msgs) == 1 and "停工申报" in msgs[0] and p.name in msgs[0]


def test_migration_gives_alerts_from_before_their_todo(district):
    """R-ALR-02: an alert waiting before the inbox knew alerts gets its to-do."""
    import importlib

    from django.apps import apps as django_apps

    d = district
    a = _alert(d)
    Todo.objects.filter(
        subject_type="alerts.alert", subject_id=str(a.pk)
    ).delete()  # as before this change
    migration = importlib.import_module("postaward.alerts.migrations.0002_open_alerts_in_the_inbox")
    migration.open_todos(django_apps, None)
    migration.open_todos(django_apps, None)  # twice: still one
    t = Todo.objects.get(subject_type="alerts.alert", subject_id=str(a.pk), state="open")
    assert t.kind == "alerts.dispose" and t.organisation_id == d.orgs["housing"].pk
    assert t.due_at == a.disposal_deadline.due_at
