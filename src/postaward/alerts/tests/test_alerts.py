"""Hits become alerts: dedup, routing down the four-level chain, disposal and
review, escalation on overdue disposal, reopening, suspension (R-ALR-02,
R-ORG-02, R-PRJ-07)."""

from __future__ import annotations

import datetime as dt

import pytest

from postaward.alerts import services
from postaward.alerts.indicators import Hit
from postaward.alerts.models import Alert, AlertHit, AlertStep
from postaward.core import clock, deadlines
from postaward.core.actor import SYSTEM
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.core.models import AuditRecord, Deadline

from .conftest import at, deliver

pytestmark = pytest.mark.django_db
MON = dt.date(2026, 3, 9)  # a Monday; 5 working days end Monday 03-16


def _ind(
    d,
    level: str = "owner",
    days: int = 5,
    window: int = 30,
    code: str = "attendance.patrol_overdue",
):
    ind = services.indicator_for(code)
    return services.update_indicator(
        actor=SYSTEM,
        indicator=ind,
        level=level,
        disposal_days=days,
        dedup_window_days=window,
        disposal_unit="working_days",
    )


def _hit(d, n: int = 1, key: str = "k", project: str | None = "p_school") -> Hit:
    return Hit(
        dedup_key=key,
        title=f"测试预警{n}",
        facts={"n": n, "project": "x"},
        project_id=d.projects[project].pk if project else None,
        subject_org_id=d.orgs["contractor_a"].pk,
    )


def _sweep(day: dt.date, hour: int = 1) -> None:
    with at(day, hour):
        deadlines.sweep()
        deliver()


# --- routing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "org"),
    [
        ("owner", "school"),
        ("superior_unit", "edu_line"),
        ("industry_authority", "housing"),
        ("leading_group", "office"),
    ],
)
def test_routing_to_each_of_the_four_levels(d, level, org):  # R-ORG-02, R-ALR-02
    ind = _ind(d, level)
    with at(MON):
        assert services.record_hit(ind, _hit(d)) == "created"
    a = Alert.objects.get()
    assert a.level == level and a.handling_org == d.orgs[org]
    review = {
        "owner": "edu_line",
        "superior_unit": "housing",
        "industry_authority": "office",
        "leading_group": "office",
    }
    assert a.review_org == d.orgs[review[level]]
    # The disposal deadline is a core deadline of its own kind, on the handling org.
    dl = a.disposal_deadline
    assert dl.kind == "alert.disposal" and dl.organisation_id == a.handling_org_id
    assert dl.unit == "working_days" and dl.length == 5
    assert clock.local_date(dl.due_at) == dt.date(2026, 3, 17)  # 03-16 24:00
    assert "自 2026-03-09 起 5 个工作日，至 2026-03-16 24:00" in services.describe_deadline(dl)


def test_missing_level_passes_up_and_no_project_goes_to_the_leading_group(d):  # R-ORG-02
    p = d.projects["p_hospital"]
    p.line = None
    p.superior_unit = None
    p.save(update_fields=["line", "superior_unit"])
    ind = _ind(d, "superior_unit")
    with at(MON):
        services.record_hit(ind, _hit(d, project="p_hospital"))
        services.record_hit(ind, _hit(d, key="enterprise", project=None))
    up = Alert.objects.get(project=p)
    assert up.level == "industry_authority" and up.handling_org == d.orgs["transport"]
    assert "上移至" in up.steps.get(kind="dispatched").note
    ent = Alert.objects.get(project=None)
    assert ent.level == "leading_group" and ent.handling_org == d.orgs["office"]


def test_levels_above_see_read_only_and_others_see_nothing(d):  # R-ORG-02, R-ORG-04
    with at(MON):
        services.record_hit(_ind(d, "owner"), _hit(d))
    a = Alert.objects.get()
    for user in [
        "school_admin",
        "school_leader",
        "line_supervisor",
        "edu_admin",
        "housing_staff",
        "office_staff",
        "discipline",
    ]:
        assert Alert.objects.visible_to(d.actor(user)).filter(pk=a.pk).exists(), user
    for user in ["hospital_admin", "transport_staff", "pm_a", "contractor_a_admin"]:
        assert not Alert.objects.visible_to(d.actor(user)).filter(pk=a.pk).exists(), user
    with at(MON), pytest.raises(Forbidden):
        services.dispose_alert(
            actor=d.actor("line_supervisor"), alert=a, finding="confirmed", note="越级处置"
        )
    with at(MON), pytest.raises(Forbidden):
        services.dispose_alert(
            actor=d.actor("housing_staff"), alert=a, finding="confirmed", note="越级处置"
        )


# --- dedup ---------------------------------------------------------------------------------------------


def test_same_observation_is_recorded_once(d):  # R-ALR-01
    ind = _ind(d)
    with at(MON):
        assert services.record_hit(ind, _hit(d)) == "created"
        assert services.record_hit(ind, _hit(d)) == "duplicate"
    assert Alert.objects.count() == 1 and AlertHit.objects.count() == 1


def test_new_facts_with_the_same_key_join_the_alert_until_window_and_closure(d):  # R-ALR-01
    ind = _ind(d, window=30)
    with at(MON):
        services.record_hit(ind, _hit(d, 1))
        assert services.record_hit(ind, _hit(d, 2)) == "merged"
    a = Alert.objects.get()
    assert a.hit_count == 2 and a.hits.count() == 2
    assert not a.steps.filter(kind="hit").exists()  # repeats are hits, not history steps
    # Closed, but still inside the window: a new fact joins the closed alert.
    with at(MON):
        services.dispose_alert(
            actor=d.actor("school_admin"), alert=a, finding="dismissed", note="核实为误报"
        )
        services.review_alert(actor=d.actor("line_supervisor"), alert=a, decision="close")
    with at(MON + dt.timedelta(days=29)):
        assert services.record_hit(ind, _hit(d, 3)) == "merged"
    # Closed and the window has passed: a new alert.
    with at(MON + dt.timedelta(days=31)):
        assert services.record_hit(ind, _hit(d, 4)) == "created"
    assert Alert.objects.count() == 2


def test_an_unresolved_alert_absorbs_hits_beyond_the_window(d):  # R-ALR-01
    ind = _ind(d, window=0)
    with at(MON):
        services.record_hit(ind, _hit(d, 1))
    with at(MON + dt.timedelta(days=60)):
        assert services.record_hit(ind, _hit(d, 2)) == "merged"
    assert Alert.objects.count() == 1


def test_redelivered_event_creates_nothing(d):  # R-ALR-01 (delivery at least once)
    from postaward.alerts.subscribers import handle_event
    from postaward.attendance.events import PatrolOverdue

    evt = PatrolOverdue(
        project_id=d.projects["p_school"].pk,
        person_id=None,
        owner_id=d.orgs["school"].pk,
        last_valid_patrol=None,
        days_without=9,
    )
    with at(MON):
        assert handle_event(evt) == 1
        assert handle_event(evt) == 0
    assert Alert.objects.count() == 1


# --- disposal, review, send back ---------------------------------------------------------------------------


def test_dispose_send_back_dispose_close(d):  # R-ALR-02
    with at(MON):
        services.record_hit(_ind(d), _hit(d))
    a = Alert.objects.get()
    with at(MON + dt.timedelta(days=1)):
        with pytest.raises(ValidationFailed):
            services.dispose_alert(
                actor=d.actor("school_admin"), alert=a, finding="confirmed", note=""
            )
        with pytest.raises(Forbidden):  # the owner may not review its own disposal
            services.review_alert(actor=d.actor("school_admin"), alert=a, decision="close")
        services.dispose_alert(
            actor=d.actor("school_leader"), alert=a, finding="confirmed", note="已约谈项目经理"
        )
        a.refresh_from_db()
        assert a.state == "disposed" and a.disposal_deadline.state == Deadline.State.MET
        with pytest.raises(Conflict):
            services.dispose_alert(
                actor=d.actor("school_admin"), alert=a, finding="confirmed", note="再次处置"
            )
        with pytest.raises(ValidationFailed):  # a send-back needs its reason
            services.review_alert(
                actor=d.actor("line_supervisor"), alert=a, decision="send_back", note=""
            )
        services.review_alert(
            actor=d.actor("line_supervisor"), alert=a, decision="send_back", note="请补充整改照片"
        )
    a.refresh_from_db()
    assert a.state == "returned"
    second = a.disposal_deadline
    assert second.state == Deadline.State.OPEN and clock.local_date(
        second.started_at
    ) == MON + dt.timedelta(days=1)
    with at(MON + dt.timedelta(days=2)):
        services.dispose_alert(
            actor=d.actor("school_admin"), alert=a, finding="confirmed", note="已补充整改照片"
        )
        services.review_alert(actor=d.actor("edu_admin"), alert=a, decision="close", note="同意")
    a.refresh_from_db()
    assert a.state == "closed" and a.finding == "confirmed" and a.closed_at
    kinds = list(a.steps.values_list("kind", flat=True))
    assert kinds == ["created", "dispatched", "disposed", "returned", "disposed", "closed"]
    assert list(a.steps.filter(kind="disposed").values_list("late", flat=True)) == [False, False]
    actions = set(
        AuditRecord.objects.filter(object_type="alerts.alert", object_id=str(a.pk)).values_list(
            "action", flat=True
        )
    )
    assert {
        "alerts.create_alert",
        "alerts.dispose_alert",
        "alerts.review_alert.send_back",
        "alerts.review_alert.close",
    } <= actions


def test_disposal_evidence_is_stored_with_its_digest(d):  # R-ALR-02
    from django.core.files.uploadedfile import SimpleUploadedFile

    from postaward.core.files import minimal_pdf

    with at(MON):
        services.record_hit(_ind(d), _hit(d))
        a = Alert.objects.get()
        pdf = SimpleUploadedFile(
            "整改报告.pdf", minimal_pdf(["rectified"]), content_type="application/pdf"
        )
        services.dispose_alert(
            actor=d.actor("school_admin"),
            alert=a,
            finding="confirmed",
            note="已整改",
            uploads=[pdf],
        )
        bad = SimpleUploadedFile("x.pdf", b"not a pdf", content_type="application/pdf")
        services.reopen_alert  # noqa: B018
    att = a.attachments.get()
    assert (
        att.original_name == "整改报告.pdf"
        and len(att.sha256) == 64
        and att.step.kind == "disposed"
    )
    with at(MON), pytest.raises(ValidationFailed):
        a2 = Alert.objects.get()
        services.review_alert(
            actor=d.actor("line_supervisor"), alert=a2, decision="send_back", note="请重新上传"
        )
        services.dispose_alert(
            actor=d.actor("school_admin"), alert=a2, finding="confirmed", note="再传", uploads=[bad]
        )


# --- escalation --------------------------------------------------------------------------------------


def test_overdue_disposal_escalates_one_level_at_a_time_keeping_history(d):  # R-ORG-02
    with at(MON):
        services.record_hit(_ind(d, "owner", days=1), _hit(d))
    a = Alert.objects.get()
    _sweep(MON + dt.timedelta(days=1))  # due 03-10 24:00: not yet
    a.refresh_from_db()
    assert a.level == "owner" and a.escalations == 0
    _sweep(MON + dt.timedelta(days=2))  # 03-11 01:00: missed
    a.refresh_from_db()
    assert (a.level, a.handling_org, a.escalations) == ("superior_unit", d.orgs["edu_line"], 1)
    assert a.review_org == d.orgs["housing"] and a.state == "pending"
    assert a.disposal_deadline.state == Deadline.State.OPEN
    assert set(a.handled_by.all()) == {d.orgs["school"], d.orgs["edu_line"]}
    # The owner still sees the alert it failed to handle, but may no longer dispose of it.
    assert Alert.objects.visible_to(d.actor("school_admin")).filter(pk=a.pk).exists()
    with at(MON + dt.timedelta(days=2)), pytest.raises(Forbidden):
        services.dispose_alert(
            actor=d.actor("school_admin"), alert=a, finding="confirmed", note="迟到的处置"
        )
    _sweep(MON + dt.timedelta(days=2))  # the same sweep again: nothing more
    a.refresh_from_db()
    assert a.escalations == 1
    _sweep(MON + dt.timedelta(days=3))  # 1 working day from 03-11: due 03-12 24:00
    _sweep(MON + dt.timedelta(days=4))  # → industry authority, due Monday 03-16 24:00
    a.refresh_from_db()
    assert (a.level, a.handling_org) == ("industry_authority", d.orgs["housing"])
    _sweep(MON + dt.timedelta(days=7))  # Monday 03-16: still running over the weekend
    a.refresh_from_db()
    assert a.level == "industry_authority"
    _sweep(MON + dt.timedelta(days=8))
    a.refresh_from_db()
    assert (a.level, a.handling_org) == ("leading_group", d.orgs["office"])
    assert a.escalations == 3
    # At the top it stays, marked overdue, once.
    _sweep(MON + dt.timedelta(days=10))
    _sweep(MON + dt.timedelta(days=11))
    a.refresh_from_db()
    assert a.overdue and a.escalations == 3
    assert a.steps.filter(kind="overdue_top").count() == 1
    assert list(a.steps.filter(kind="escalated").values_list("level", flat=True)) == [
        "superior_unit",
        "industry_authority",
        "leading_group",
    ]
    # The office disposes and closes it itself.
    with at(MON + dt.timedelta(days=11)):
        services.dispose_alert(
            actor=d.actor("office_staff"), alert=a, finding="confirmed", note="监管办直接督办"
        )
        services.review_alert(actor=d.actor("office_admin"), alert=a, decision="close")
    a.refresh_from_db()
    assert a.state == "closed"
    assert a.steps.filter(kind="disposed").get().late is True


def test_disposal_after_the_deadline_but_before_the_sweep_is_late(d):  # R-ALR-02
    with at(MON):
        services.record_hit(_ind(d, days=1), _hit(d))
    a = Alert.objects.get()
    with at(MON + dt.timedelta(days=3)):
        services.dispose_alert(
            actor=d.actor("school_admin"), alert=a, finding="confirmed", note="迟到处置"
        )
        deliver()
    a.refresh_from_db()
    assert a.state == "disposed" and a.escalations == 0 and a.level == "owner"
    assert a.steps.get(kind="disposed").late is True


def test_reminder_before_the_deadline_notifies_once(d):
    from postaward.alerts.models import Notification

    with at(MON):
        services.record_hit(_ind(d, days=3), _hit(d))
    a = Alert.objects.get()
    _sweep(MON + dt.timedelta(days=3))  # reminder after 2 working days (03-11)
    _sweep(MON + dt.timedelta(days=3), hour=2)
    assert a.steps.filter(kind="reminded").count() == 1
    assert (
        Notification.objects.filter(
            alert=a, kind="alert_reminder", recipient=d.users["school_admin"]
        ).count()
        == 1
    )


def test_reopen_is_audited_and_restarts_the_clock(d):
    with at(MON):
        services.record_hit(_ind(d), _hit(d))
        a = Alert.objects.get()
        services.dispose_alert(
            actor=d.actor("school_admin"), alert=a, finding="dismissed", note="误报"
        )
        services.review_alert(actor=d.actor("line_supervisor"), alert=a, decision="close")
    with at(MON + dt.timedelta(days=5)):
        with pytest.raises(Forbidden):
            services.reopen_alert(actor=d.actor("school_admin"), alert=a, reason="我想重开")
        services.reopen_alert(actor=d.actor("office_staff"), alert=a, reason="群众再次反映问题")
    a.refresh_from_db()
    assert a.state == "pending" and a.finding == "" and a.closed_at is None
    assert a.disposal_deadline.state == Deadline.State.OPEN
    rec = AuditRecord.objects.get(action="alerts.reopen_alert")
    assert rec.after["reason"] == "群众再次反映问题" and rec.before["state"] == "closed"


def test_suspension_suppresses_hits_and_pauses_the_disposal_clock(d):  # R-PRJ-07
    p = d.projects["p_school"]
    with at(MON):
        services.record_hit(_ind(d, days=2), _hit(d))
    a = Alert.objects.get()
    due = a.disposal_deadline.due_at
    with at(MON, 12):
        deadlines.pause_project(p.pk, clock.now())
        p.status = "suspended"
        p.save(update_fields=["status"])
        assert services.record_hit(_ind(d), _hit(d, 9, key="other")) == "suppressed"
    assert AlertHit.objects.get(dedup_key="other").suppressed
    _sweep(MON + dt.timedelta(days=10))
    a.refresh_from_db()
    assert a.level == "owner" and a.escalations == 0  # paused: not missed
    with at(MON + dt.timedelta(days=10), 12):
        deadlines.resume_project(p.pk, clock.now())
    a.refresh_from_db()
    assert a.disposal_deadline.due_at > due + dt.timedelta(days=9)


def test_priority_ranks_severity_amount_and_age(d):  # R-ALR-02
    ind = _ind(d)
    with at(MON):
        services.record_hit(ind, _hit(d, 1, key="a"))  # school: 8.5 million
        services.record_hit(ind, _hit(d, 2, key="b", project="p_hospital"))  # 26 million
    school, hospital = Alert.objects.get(dedup_key="a"), Alert.objects.get(dedup_key="b")
    assert hospital.priority > school.priority
    with at(MON):
        score, text = services.priority_of(school)
    assert "15×" in text and "850.00 万元" in text
    with at(MON + dt.timedelta(days=10)):
        services.refresh_priorities()
    school.refresh_from_db()
    assert school.priority == score + 5  # 10 days: +5
    assert not AlertStep.objects.filter(kind="escalated").exists()


def test_unresolved_on_visible_projects_reads_what_the_scope_reads(d):  # R-ORG-04
    """The dashboards read the unresolved alerts on the projects they already
    know the actor sees without the projects' scope (ADR 0917): for every demo
    account, the same alerts as ``visible_to`` on those projects — at each
    level, after an escalation (organisations that handled it before), and
    never the alert without a project."""
    from postaward.alerts.choices import UNRESOLVED_STATES
    from postaward.alerts.selectors import unresolved_on_projects
    from postaward.core.lookups import Ids
    from postaward.projects.models import Project

    cases = [
        ("owner", "p_school"),
        ("superior_unit", "p_hospital"),
        ("industry_authority", "p_school"),
        ("leading_group", "p_hospital"),
        ("owner", "p_hospital"),
        ("owner", None),
    ]
    with at(MON):
        for n, (level, project) in enumerate(cases):
            services.record_hit(_ind(d, level, days=1), _hit(d, n, key=f"k{n}", project=project))
    _sweep(MON + dt.timedelta(days=2))  # the owners' alerts escalate: handled_by grows
    assert Alert.objects.filter(escalations__gt=0).exists()
    seen = set()
    for username in d.users:
        actor = d.actor(username)
        ids = list(Project.objects.visible_to(actor).values_list("pk", flat=True))
        expected = set(
            Alert.objects.visible_to(actor)
            .filter(state__in=UNRESOLVED_STATES, project_id__in=ids)
            .values_list("pk", flat=True)
        )
        got = set(unresolved_on_projects(actor, Ids(ids)).values_list("pk", flat=True))
        assert got == expected, username
        seen.add(len(got))
    assert len(seen) >= 3  # accounts that see none, some and all of them
