"""The pages: query with filters and Excel export, statistics over the actor's
scope, the indicator page for the office and for others, the sandbox page
(R-REP-05, R-ALR-03, R-ALR-01)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import TestCase

from postaward.alerts import services
from postaward.alerts.indicators import Hit
from postaward.alerts.models import Alert, EvaluationRun, Indicator

from .conftest import at

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)


def _two(d) -> None:
    ind = services.indicator_for("attendance.absence_streak")
    with at(DAY):
        for key in ("p_school", "p_hospital"):
            services.record_hit(
                ind,
                Hit(dedup_key=key, title=f"预警 {key}", facts={}, project_id=d.projects[key].pk),
            )


def test_query_export_is_scoped(d):  # R-REP-05
    _two(d)
    r = d.client("school_admin").get("/alerts/query/?export=xlsx")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    body = r.content
    import zipfile

    sheet = zipfile.ZipFile(io.BytesIO(body)).read("xl/sharedStrings.xml").decode()
    assert "预警 p_school" in sheet and "预警 p_hospital" not in sheet
    office = d.client("office_admin").get("/alerts/query/?q=p_hospital")
    assert (
        "预警 p_hospital" in office.content.decode()
        and "预警 p_school" not in office.content.decode()
    )


def test_statistics_count_only_the_actors_alerts(d):  # R-REP-05, R-ALR-03
    _two(d)
    school = d.client("school_admin").get("/api/v1/alerts/stats").json()
    office = d.client("office_admin").get("/api/v1/alerts/stats").json()
    assert school["total"] == 1 and office["total"] == 2
    assert {r["label"] for r in office["by_level"]} == {"建设单位"}
    assert len(office["map"]) == 2
    page = d.client("office_admin").get("/alerts/stats/")
    assert page.status_code == 200 and "处置最慢的单位" in page.content.decode()


def test_indicator_page_edits_for_the_office_and_reads_for_others(d):  # R-ALR-01
    services.sync_indicators()
    ind = Indicator.objects.get(code="attendance.absence_streak")
    r = d.client("housing_staff").post(f"/alerts/indicators/{ind.pk}/", {"name": "x"})
    assert r.status_code == 403
    page = d.client("housing_staff").get(f"/alerts/indicators/{ind.pk}/")
    assert page.status_code == 200 and "indicator-form" not in page.content.decode()
    form = {
        "name": ind.name,
        "enabled": "on",
        "severity": "3",
        "level": "superior_unit",
        "disposal_days": "4",
        "disposal_unit": "calendar_days",
        "dedup_window_days": "10",
        "basis_document": ind.basis_document,
        "basis_article": ind.basis_article,
        "explanation": "{person}缺勤{days}天",
        "param_min_days": "3",
    }
    r = d.client("office_admin").post(f"/alerts/indicators/{ind.pk}/", form)
    assert r.status_code == 302
    ind.refresh_from_db()
    assert (ind.level, ind.params, ind.disposal_unit, ind.version) == (
        "superior_unit",
        {"min_days": 3},
        "calendar_days",
        2,
    )
    bad = d.client("office_admin").post(
        f"/alerts/indicators/{ind.pk}/", {**form, "param_min_days": "0"}
    )
    assert bad.status_code == 200 and "不能小于 1" in bad.content.decode()


def test_sandbox_page_queues_a_run_and_shows_it(d):  # R-ALR-01
    services.sync_indicators()
    ind = Indicator.objects.get(code="peer.delay_iqr")
    c = d.client("office_admin")
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = c.post(
            f"/alerts/indicators/{ind.pk}/sandbox/",
            {"as_of": "2026-03-10", "param_min_sample": "8", "param_k": "1.5"},
        )
    assert r.status_code == 302
    run = EvaluationRun.objects.get()
    page = c.get(r["Location"])
    assert run.state == "done" and "少于最小样本" in page.content.decode()
    assert not Alert.objects.exists()


def test_attachment_is_served_only_within_scope(d):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from postaward.core.files import minimal_pdf

    _two(d)
    a = Alert.objects.get(project=d.projects["p_school"])
    with at(DAY):
        services.dispose_alert(
            actor=d.actor("school_admin"),
            alert=a,
            finding="confirmed",
            note="已整改",
            uploads=[
                SimpleUploadedFile("a.pdf", minimal_pdf(["x"]), content_type="application/pdf")
            ],
        )
    att = a.attachments.get()
    assert d.client("line_supervisor").get(f"/alerts/{a.pk}/files/{att.pk}/").status_code == 200
    assert d.client("hospital_admin").get(f"/alerts/{a.pk}/files/{att.pk}/").status_code == 404


# --- several alerts become one suspected issue (R-ALR-03) ---------------------------------------------


def test_query_page_offers_the_bulk_issue_button_only_to_who_may_register(d):  # R-ALR-03
    _two(d)
    page = d.client("office_admin").get("/alerts/query/").content.decode()
    # the list component's hand-over of the selection to the registration form
    assert 'data-testid="handoff-issue"' in page and "转疑似问题" in page
    assert page.count('class="form-check-input pa-sel-one" name="ids"') == 2
    assert 'formaction="/alerts/issues/new/"' in page
    school = d.client("school_admin").get("/alerts/query/").content.decode()
    assert "handoff-issue" not in school and "/alerts/issues/new/" not in school


def test_bulk_selection_creates_one_issue_linking_both_alerts(d):  # R-ALR-03
    from postaward.alerts.models import SuspectedIssue

    _two(d)
    ids = sorted(Alert.objects.values_list("pk", flat=True))
    c = d.client("office_admin")
    # The selection lands on the registration form, prefilled with both explanations.
    form = c.get("/alerts/issues/new/", {"alerts": ids})
    assert form.status_code == 200
    assert all(f'name="alerts" value="{i}"' in form.content.decode() for i in ids)
    with at(DAY):
        r = c.post(
            "/alerts/issues/new/",
            {
                "alerts": ids,
                "title": "两项目同类缺勤",
                "description": "两个项目均连续缺勤，合并核实",
            },
        )
        assert r.status_code == 302
        issue = SuspectedIssue.objects.get()
        assert sorted(Alert.objects.filter(issue=issue).values_list("pk", flat=True)) == ids
        assert set(Alert.objects.values_list("state", flat=True)) == {"closed"}
        assert issue.project_id is None  # two projects
        # Already taken up: the boxes are disabled on the query page.
        page = c.get("/alerts/query/").content.decode()
    assert page.count(' disabled title="已转疑似问题"') == 2


def test_bulk_issue_keeps_the_scope_checks(d):  # R-ALR-03, R-ORG-04
    from postaward.alerts.models import SuspectedIssue

    _two(d)
    school = Alert.objects.get(project=d.projects["p_school"]).pk
    hospital = Alert.objects.get(project=d.projects["p_hospital"]).pk
    data = {"alerts": [school, hospital], "title": "越权合并", "description": "不应成功"}
    # housing is the authority of the school project only: one alert outside its scope.
    with at(DAY):
        assert d.client("housing_staff").post("/alerts/issues/new/", data).status_code == 404
        assert d.client("housing_staff").get("/alerts/issues/new/", data).status_code == 404
        # the owner may see its alert but may not register issues at all
        assert d.client("school_admin").post("/alerts/issues/new/", data).status_code == 403
    assert not SuspectedIssue.objects.exists()
    assert not Alert.objects.filter(issue__isnull=False).exists()


# --- the sandbox shows each hit's explanation and all its evidence (R-ALR-01) -------------------------


def test_run_page_shows_the_explanation_and_every_evidence_row(d):  # R-ALR-01
    from .conftest import change, contractor_of
    from .test_runs import _sandbox

    part = contractor_of(d)
    with at(DAY):
        changes = [change(d, participant=part, cost=100 * (i + 1)) for i in range(5)]
    run = _sandbox(d, "change.contract_changes", {}, DAY)
    assert run.state == "done" and run.hits == 1
    page = d.client("office_admin").get(f"/alerts/runs/{run.pk}/").content.decode()
    assert 'data-testid="run-explanation"' in page
    assert "已批准工程变更 5 次，达到阈值 3 次" in page
    assert all(c.number in page for c in changes)  # all five rows, not only four
    fragment = d.client("office_admin").get(
        f"/alerts/runs/{run.pk}/", headers={"HX-Request": "true"}
    )
    assert changes[-1].number in fragment.content.decode()


def test_reading_notifications_is_audited_and_only_the_recipients_own(d):
    """Opening a notification and 'mark all read' go through the service: each is
    an audit record; another account's notification is not found."""
    from postaward.alerts.models import Notification
    from postaward.core.models import AuditRecord

    user = d.users["school_admin"]
    with at(DAY):
        first, second = (
            Notification.objects.create(
                recipient=user, key=f"test:{i}", kind="alert_created", title=f"通知{i}", url="/"
            )
            for i in (1, 2)
        )
        other = Notification.objects.create(
            recipient=d.users["hospital_admin"], key="test:3", kind="alert_created", title="x"
        )
    c = d.client("school_admin")
    assert c.get(f"/notifications/{other.pk}/").status_code == 404
    r = c.get(f"/notifications/{first.pk}/")
    assert r.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    assert AuditRecord.objects.filter(
        action="alerts.read_notification", object_id=str(first.pk)
    ).exists()
    r = c.post("/notifications/read-all/")
    assert r.status_code == 302
    second.refresh_from_db()
    other.refresh_from_db()
    assert second.read_at is not None and other.read_at is None
    rec = AuditRecord.objects.get(action="alerts.read_all_notifications")
    assert rec.after["count"] == 1
    # nothing left unread: no empty record
    c.post("/notifications/read-all/")
    assert AuditRecord.objects.filter(action="alerts.read_all_notifications").count() == 1
