"""Score event pages and API (R-SCO-01): the list with its filters and totals,
one event with its rule item, basis and caps, manual entry with evidence, and
the scope of every reader."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from postaward.core import files
from postaward.core.models import AuditRecord

from ..choices import ScoreState
from ..models import RuleItem, ScoreEvent
from . import factories_scores as fs

pytestmark = pytest.mark.django_db


def _pdf(name="证据.pdf"):
    return SimpleUploadedFile(name, files.minimal_pdf(["evidence"]), "application/pdf")


def test_r_sco_01_list_page_filters_totals_and_scope(district):
    fs.scored(district)
    fs.cheat_event(district, checkin_id=502)
    office = district.client("office_staff")
    page = office.get("/credit/scores/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "甲建设有限公司" in html and "第1版" in html
    # 2 × -5 for the unit and 2 × -2 for the person
    assert page.context["score_totals"] == {"count": 4, "sum": "-14"}
    kind = office.get("/credit/scores/?kind=person")
    assert kind.context["score_totals"] == {"count": 2, "sum": "-4"}
    assert "R-SCO" not in html and "checkin:501" not in html
    assert office.get("/credit/scores/?export=xlsx").status_code == 200
    assert office.get("/credit/scores/?print=1").status_code == 200
    # the subject sees its own, another unit nothing; the transport authority nothing
    own = district.client("contractor_a_admin").get("/credit/scores/")
    assert own.context["score_totals"]["count"] == 2
    assert (
        district.client("contractor_b_admin")
        .get("/credit/scores/")
        .context["score_totals"]["count"]
        == 0
    )
    assert (
        district.client("transport_staff").get("/credit/scores/").context["score_totals"]["count"]
        == 0
    )
    assert district.client(None).get("/credit/scores/").status_code == 302


def test_r_sco_01_detail_page_shows_item_version_basis_caps_and_deadline(district):
    ev = fs.scored(district)
    url = f"/credit/scores/{ev.pk}/"
    page = district.client("contractor_a_admin").get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "《上虞区政府投资项目监督管理实施细则》第四十七条" in html
    assert "第1版" in html and "单项目累计上限 12 分" in html
    assert f"{ev.objection_until:%Y-%m-%d}" in html
    assert 'data-testid="objection-form"' in html  # the subject may object
    assert f'href="/attendance/checkins/{501}/"' in html  # the source record
    assert district.client("contractor_b_admin").get(url).status_code == 404
    assert district.client("transport_staff").get(url).status_code == 404
    assert district.client("housing_staff").get(url).status_code == 200
    assert district.client("office_staff").get(url).status_code == 200


def test_r_sco_01_manual_entry_page_with_evidence(district):
    fs.rule_set(district)
    item = RuleItem.objects.get(code="M01")
    staff = district.client("housing_staff")
    assert staff.get("/credit/scores/new/").status_code == 200
    assert district.client("contractor_a_admin").get("/credit/scores/new/").status_code == 403
    data = {
        "item": item.pk,
        "subject_org": district.orgs["contractor_a"].pk,
        "project": district.projects["p_school"].pk,
        "occurred_on": "2026-03-12",
        "summary": "施工现场安全防护不到位，经现场检查属实",
    }
    # no evidence: refused, nothing written
    bad = staff.post("/credit/scores/new/", data)
    assert bad.status_code == 422 and not ScoreEvent.objects.exists()
    page = staff.post("/credit/scores/new/", {**data, "evidence": _pdf()})
    assert page.status_code == 302, page.content.decode()[:2000]
    ev = ScoreEvent.objects.get()
    assert (ev.fact, ev.points, ev.subject_org) == (
        "manual",
        Decimal("-3"),
        district.orgs["contractor_a"],
    )
    assert ev.entered_by_id == district.users["housing_staff"].pk
    assert AuditRecord.objects.filter(action="credit.score_entered").count() == 1
    got = district.client("contractor_a_admin").get(f"/credit/scores/{ev.pk}/evidence/")
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    assert (
        district.client("contractor_b_admin").get(f"/credit/scores/{ev.pk}/evidence/").status_code
        == 404
    )


def test_r_sco_01_manual_entry_refuses_a_subject_of_another_kind(district):
    fs.rule_set(district)
    item = RuleItem.objects.get(code="M01")  # scores contractors
    page = district.client("housing_staff").post(
        "/credit/scores/new/",
        {
            "item": item.pk,
            "subject_org": district.orgs["supervisor_a"].pk,
            "project": district.projects["p_school"].pk,
            "occurred_on": "2026-03-12",
            "summary": "监理未按规定旁站",
            "evidence": _pdf(),
        },
    )
    assert page.status_code == 422
    assert "评分对象为“施工单位”" in page.content.decode()
    assert not ScoreEvent.objects.exists()


def test_r_sco_01_api_manual_entry_idempotent_and_list(district):
    fs.rule_set(district)
    item = RuleItem.objects.get(code="M02")
    c = district.client("housing_staff")
    form = {
        "item_id": item.pk,
        "subject_org_id": district.orgs["contractor_a"].pk,
        "project_id": district.projects["p_school"].pk,
        "occurred_on": "2026-04-01",
        "summary": "获评市级标准化工地",
    }
    r1 = c.post(
        "/api/v1/credit/score-events", {**form, "evidence": _pdf()}, HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert r1.status_code == 201, r1.content
    r2 = c.post(
        "/api/v1/credit/score-events", {**form, "evidence": _pdf()}, HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert r2.status_code == 201 and r2.json()["id"] == r1.json()["id"]
    assert ScoreEvent.objects.count() == 1
    assert r1.json()["points"] == "2.00" and r1.json()["state"] == ScoreState.PROVISIONAL
    rows = (
        district.client("contractor_a_admin").get("/api/v1/credit/score-events?fact=manual").json()
    )
    assert [r["id"] for r in rows] == [r1.json()["id"]]
    one = c.get(f"/api/v1/credit/score-events/{r1.json()['id']}").json()
    assert one["basis"] == "《上虞区政府投资项目监督管理实施细则》第七条"
    bad = c.post(
        "/api/v1/credit/score-events", {**form, "occurred_on": "2030-01-01", "evidence": _pdf()}
    )
    assert bad.status_code == 422 and ScoreEvent.objects.count() == 1


def test_r_sco_01_manual_entry_refused_for_a_date_outside_the_version(district):
    fs.rule_set(district)
    item = RuleItem.objects.get(code="M02")
    r = district.client("housing_staff").post(
        "/api/v1/credit/score-events",
        {
            "item_id": item.pk,
            "subject_org_id": district.orgs["contractor_a"].pk,
            "occurred_on": "2025-12-31",
            "summary": "获评市级标准化工地",
            "evidence": _pdf(),
        },
    )
    assert r.status_code == 422 and "不适用" in r.json()["message"]
    assert not ScoreEvent.objects.exists()


def test_r_sco_01_objection_page_scope(district):
    ev = fs.scored(district)
    url = f"/credit/scores/{ev.pk}/objection/"
    data = {"reason": "该次打卡系信号漂移所致，并非作弊"}
    assert district.client(None).post(url, data).status_code == 302  # to the login page
    assert district.client("contractor_b_admin").post(url, data).status_code == 404
    assert district.client("housing_staff").post(url, data).status_code == 403
    ev.refresh_from_db()
    assert ev.state == ScoreState.PROVISIONAL and not ev.requests.exists()
    assert district.client("contractor_a_admin").post(url, {"reason": "短"}).status_code == 422
    ok = district.client("contractor_a_admin").post(url, data)
    assert ok.status_code == 302
    ev.refresh_from_db()
    assert ev.state == ScoreState.OBJECTING
