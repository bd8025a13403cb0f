"""R-ORG-04, ADR 0015: an indicator run is read only by those it belongs to,
and the hits it lists only on projects the reader sees.

Before the fix ``GET /api/v1/alerts/runs/{id}`` and ``/alerts/runs/<id>/``
loaded any run by its number: an owner's administrator or an industry
authority read the office's trial with other projects' names and amounts.
"""

from __future__ import annotations

import datetime as dt

import pytest

from postaward.alerts import selectors, services
from postaward.alerts.choices import RunMode, RunState
from postaward.alerts.models import EvaluationRun

from .test_runs import _sandbox

pytestmark = pytest.mark.django_db


def _row(d, key: str | None) -> dict:  # type: ignore[no-untyped-def]
    p = d.projects[key] if key else None
    return {
        "hit_key": f"k:{key}",
        "dedup_key": f"k:{key}",
        "title": f"命中 {p.name if p else '某企业'}",
        "project_id": p.pk if p else None,
        "subject_org_id": None,
        "person_id": None,
        "facts": {"amount": "26000000.00"},
        "evidence": [],
        "status": "新生成预警",
    }


@pytest.fixture
def trial(d):
    """The office's trial whose hits name both projects and an enterprise."""
    run = _sandbox(d, "attendance.absence_streak", {}, dt.date(2026, 3, 10))
    EvaluationRun.objects.filter(pk=run.pk).update(
        state=RunState.DONE,
        result=[_row(d, "p_school"), _row(d, "p_hospital"), _row(d, None)],
        hits=3,
    )
    run.refresh_from_db()
    return run


@pytest.fixture
def live(d):
    ind = services.indicator_for("attendance.absence_streak")
    return EvaluationRun.objects.create(
        indicator=ind,
        mode=RunMode.LIVE,
        state=RunState.DONE,
        as_of=dt.date(2026, 3, 10),
        requested_by_name="定时任务",
        notes=["人民医院停车场道路工程 同类项目 3 个"],
    )


def test_r_org_04_trial_is_the_offices_own(d, trial):
    api = f"/api/v1/alerts/runs/{trial.pk}"
    page = f"/alerts/runs/{trial.pk}/"
    # Anonymous: 401 / to the login page.
    assert d.client(None).get(api).status_code == 401
    assert d.client(None).get(page).status_code == 302
    # Wrong role (an enterprise never sees alerts): 403.
    assert d.client("pm_a").get(api).status_code == 403
    # Right kind of unit, out of scope: not found, and no project named.
    for username in ("transport_staff", "housing_staff", "hospital_admin", "discipline"):
        r = d.client(username).get(api)
        assert r.status_code == 404, username
        p = d.client(username).get(page)
        assert p.status_code == 404, username
        assert "停车场道路工程" not in p.content.decode(), username
    # In scope: the office reads every hit.
    r = d.client("office_staff").get(api)
    assert r.status_code == 200
    assert len(r.json()["result"]) == 3
    p = d.client("office_admin").get(page).content.decode()
    assert "人民医院停车场道路工程" in p and "第一中学教学楼工程" in p


def test_r_org_04_hits_are_filtered_by_the_readers_projects(d, trial):
    """A run requested by a unit with a partial scope (or read by a unit above
    the requester) lists only the hits on projects the reader sees; a hit on no
    project only for a body that sees the whole district."""
    EvaluationRun.objects.filter(pk=trial.pk).update(requested_by_org=d.orgs["school"])
    trial.refresh_from_db()
    office = {r["project_id"] for r in selectors.run_rows(d.actor("office_admin"), trial)}
    assert office == {d.projects["p_school"].pk, d.projects["p_hospital"].pk, None}
    r = d.client("school_admin").get(f"/api/v1/alerts/runs/{trial.pk}")
    assert r.status_code == 200
    assert [x["project_id"] for x in r.json()["result"]] == [d.projects["p_school"].pk]
    page = d.client("school_admin").get(f"/alerts/runs/{trial.pk}/").content.decode()
    assert "第一中学教学楼工程" in page and "停车场道路工程" not in page and "某企业" not in page
    # The units above the requester read it; a sibling owner does not.
    assert d.client("line_supervisor").get(f"/api/v1/alerts/runs/{trial.pk}").status_code == 200
    assert d.client("hospital_admin").get(f"/api/v1/alerts/runs/{trial.pk}").status_code == 404


def test_r_org_04_live_run_only_for_bodies_that_see_the_district(d, live):
    api = f"/api/v1/alerts/runs/{live.pk}"
    for username in ("office_admin", "discipline"):
        assert d.client(username).get(api).status_code == 200, username
    for username in ("transport_staff", "school_admin", "line_supervisor"):
        assert d.client(username).get(api).status_code == 404, username


def test_r_org_04_run_lists_show_only_visible_runs(d, trial, live):
    ind = trial.indicator
    # The indicator page of an industry authority links to no run.
    page = d.client("housing_staff").get(f"/alerts/indicators/{ind.pk}/")
    assert page.status_code == 200
    assert f"/alerts/runs/{trial.pk}/" not in page.content.decode()
    assert f"/alerts/runs/{live.pk}/" not in page.content.decode()
    office = d.client("office_admin").get(f"/alerts/indicators/{ind.pk}/").content.decode()
    assert f"/alerts/runs/{trial.pk}/" in office
    assert {r.pk for r in selectors.runs(d.actor("discipline"))} == {live.pk}
