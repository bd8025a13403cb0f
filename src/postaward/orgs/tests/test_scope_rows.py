"""R-ORG-04: a deadline, a to-do or a notification about a project is visible
only if its project is visible, whichever organisation it is routed to.

Before the fix a project leader of the school (``school_leader``, who sees only
``p_school``) read the settlement deadline of the school's other project
``p_extra`` in ``/api/v1/approvals/settlement`` and on ``/approvals/settlement/``,
and the supervising firm's people read deadlines routed to their firm for
projects they take no part in, because ``Deadline`` and ``Todo`` were scoped by
the responsible organisation alone. The rule lives in ``visible_to`` (the
models' ``scope_q``), so every list built on it follows.
"""

from __future__ import annotations

import pytest

from postaward.core import deadlines
from postaward.core.models import Deadline, Todo
from postaward.core.services import open_todo

pytestmark = pytest.mark.django_db


def _deadline(d, kind: str, project_key: str | None, org_key: str) -> Deadline:  # type: ignore[no-untyped-def]
    project = d.projects[project_key] if project_key else None
    return deadlines.open_deadline(
        kind=kind,
        subject=project or d.orgs[org_key],
        length=60,
        unit="calendar_days",
        basis="测试依据",
        organisation_id=d.orgs[org_key].pk,
        project_id=project.pk if project else None,
    )


@pytest.fixture
def rows(scoped_district):
    d = scoped_district
    d.ctx = {
        # The school's second project, which its project leader is not assigned to.
        "extra_settlement": _deadline(d, "approvals.settlement_below", "p_extra", "school"),
        "school_settlement": _deadline(d, "approvals.settlement_below", "p_school", "school"),
        # Routed to the supervising firm, on a project the firm takes no part in.
        "extra_log": _deadline(d, "approvals.hidden_standby", "p_extra", "supervisor_a"),
        "school_log": _deadline(d, "approvals.hidden_standby", "p_school", "supervisor_a"),
        "extra_todo": open_todo(
            key="scope-test:extra",
            kind="approvals.test",
            title="第一中学运动场改造工程 待办",
            organisation_id=d.orgs["school"].pk,
            project_id=d.projects["p_extra"].pk,
        ),
        "school_todo": open_todo(
            key="scope-test:school",
            kind="approvals.test",
            title="第一中学教学楼工程 待办",
            organisation_id=d.orgs["school"].pk,
            project_id=d.projects["p_school"].pk,
        ),
        "free_todo": open_todo(
            key="scope-test:free",
            kind="approvals.test",
            title="本单位事项",
            organisation_id=d.orgs["school"].pk,
        ),
    }
    return d


def _ids(d, username: str, model) -> set[int]:  # type: ignore[no-untyped-def]
    return set(model.objects.visible_to(d.actor(username)).values_list("pk", flat=True))


def test_r_org_04_deadline_follows_its_project_not_the_routed_org(rows):
    d, c = rows, rows.ctx
    # Right role, out of scope: the project leader does not see p_extra's clock.
    assert c["extra_settlement"].pk not in _ids(d, "school_leader", Deadline)
    assert c["school_settlement"].pk in _ids(d, "school_leader", Deadline)
    # The owner's administrator sees every project of the unit, so both.
    assert {c["extra_settlement"].pk, c["school_settlement"].pk} <= _ids(
        d, "school_admin", Deadline
    )
    # The supervising firm's people: only the deadline of the project they serve.
    for username in ("chief_a", "supervisor_a_admin"):
        seen = _ids(d, username, Deadline)
        assert c["extra_log"].pk not in seen, username
        assert c["school_log"].pk in seen, username
    # Anonymous sees nothing.
    from postaward.core.actor import ANONYMOUS

    assert not Deadline.objects.visible_to(ANONYMOUS).exists()


def test_r_org_04_deadline_without_project_stays_with_its_organisation(scoped_district):
    d = scoped_district
    dl = _deadline(d, "approvals.settlement_below", None, "school")
    assert dl.pk in _ids(d, "school_leader", Deadline)
    assert dl.pk in _ids(d, "line_supervisor", Deadline)  # a unit above the school
    assert dl.pk not in _ids(d, "hospital_admin", Deadline)


def test_r_org_04_settlement_list_api_and_page_hide_other_projects(rows):
    d = rows
    extra, school = d.projects["p_extra"], d.projects["p_school"]
    leader = d.client("school_leader")
    listed = leader.get("/api/v1/approvals/settlement")
    assert listed.status_code == 200
    assert {r["project_id"] for r in listed.json()["items"]} == {school.pk}
    page = leader.get("/approvals/settlement/")
    assert page.status_code == 200
    assert extra.name not in page.content.decode() and school.name in page.content.decode()
    # The one-project read answers "not found" for the hidden project.
    assert leader.get(f"/api/v1/approvals/settlement/{extra.pk}").status_code == 404
    # The owner's administrator (right role, in scope) sees both.
    admin = d.client("school_admin").get("/api/v1/approvals/settlement").json()
    assert {r["project_id"] for r in admin["items"]} == {school.pk, extra.pk}
    # Anonymous: 401, and the page sends to the login.
    assert d.client(None).get("/api/v1/approvals/settlement").status_code == 401
    assert d.client(None).get("/approvals/settlement/").status_code == 302


def test_r_org_04_deadline_list_api_and_page_for_the_supervising_firm(rows):
    d, c = rows, rows.ctx
    extra = d.projects["p_extra"]
    for username in ("chief_a", "supervisor_a_admin"):
        cl = d.client(username)
        r = cl.get("/api/v1/approvals/deadlines?limit=100")
        assert r.status_code == 200, username
        ids = {x["id"] for x in r.json()["items"]}
        assert c["extra_log"].pk not in ids and c["school_log"].pk in ids, username
        page = cl.get("/approvals/deadlines/").content.decode()
        assert extra.name not in page, username
    # A contractor (wrong kind of unit for the school's deadlines) sees none of the school's.
    r = d.client("contractor_b_admin").get("/api/v1/approvals/deadlines?limit=100")
    assert not {x["id"] for x in r.json()["items"]} & {
        c["extra_settlement"].pk,
        c["school_settlement"].pk,
    }


def test_r_org_04_todo_follows_its_project(rows):
    d, c = rows, rows.ctx
    leader = _ids(d, "school_leader", Todo)
    assert c["extra_todo"].pk not in leader
    assert {c["school_todo"].pk, c["free_todo"].pk} <= leader
    assert {c["extra_todo"].pk, c["school_todo"].pk} <= _ids(d, "school_admin", Todo)
    api = d.client("school_leader").get("/api/v1/todos?limit=100")
    assert api.status_code == 200
    titles = {x["title"] for x in api.json()["items"]}
    assert titles == {"第一中学教学楼工程 待办", "本单位事项"}
    inbox = d.client("school_leader").get("/inbox/").content.decode()
    assert "运动场" not in inbox


def test_r_org_04_notification_follows_its_alerts_project(scoped_district):
    from postaward.alerts import services as alert_services
    from postaward.alerts.indicators import Hit
    from postaward.alerts.models import Alert, Notification

    d = scoped_district
    ind = alert_services.indicator_for("attendance.absence_streak")
    for key in ("p_school", "p_extra"):
        alert_services.record_hit(
            ind,
            Hit(
                dedup_key=f"scope:{key}",
                title=f"预警 {d.projects[key].name}",
                facts={},
                project_id=d.projects[key].pk,
            ),
        )
    leader = d.users["school_leader"]
    made = {}
    for key in ("p_school", "p_extra"):
        alert = Alert.objects.get(project=d.projects[key])
        made[key] = Notification.objects.create(
            recipient=leader, key=f"scope:{key}", kind="alert", title=alert.title, alert=alert
        )
    seen = _ids(d, "school_leader", Notification)
    assert made["p_school"].pk in seen and made["p_extra"].pk not in seen
    r = d.client("school_leader").get("/api/v1/alerts/notifications")
    assert r.status_code == 200
    assert "运动场" not in str(r.json())
    # Reading the hidden one directly: not found.
    r = d.client("school_leader").post(f"/api/v1/alerts/notifications/{made['p_extra'].pk}/read")
    assert r.status_code == 404
    made["p_extra"].refresh_from_db()
    assert made["p_extra"].read_at is None  # the denied write changed nothing
