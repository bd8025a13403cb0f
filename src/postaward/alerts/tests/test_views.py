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

    from postaward.projects.files import minimal_pdf

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
