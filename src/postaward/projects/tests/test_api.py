"""The project registry's API: a direct-award project from registration to start
and through a suspension (R-PRJ-02, R-PRJ-03, R-PRJ-07), documents uploaded and
referenced, the one error format, idempotent writes. (Every route's four
authorization cases are rows of the table in authz_rows.py.)"""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest

from postaward.core import clock
from postaward.core.files import minimal_pdf
from postaward.projects.choices import Position
from postaward.projects.models import Project

from . import factories as f

pytestmark = pytest.mark.django_db


def post(c, url, body, **headers):  # type: ignore[no-untyped-def]
    return c.post(
        url, data=json.dumps(body, ensure_ascii=False), content_type="application/json", **headers
    )


def put(c, url, body):  # type: ignore[no-untyped-def]
    return c.put(url, data=json.dumps(body), content_type="application/json")


def b64(text: str) -> str:
    return base64.b64encode(minimal_pdf([text])).decode()


def test_direct_award_project_from_registration_to_start_and_suspension(d, frozen):
    leader = d.token_client("school_leader")
    r = post(
        leader,
        "/api/v1/projects",
        {
            "name": "第一中学食堂改造工程",
            "procurement_method": "direct_award",
            "industry": "housing",
            "contract_amount": "3500000.00",
            "is_small_works": True,
            "planned_start": "2026-06-20",
            "planned_completion": "2026-10-31",
        },
    )
    assert r.status_code == 201, r.content
    project = r.json()
    pid = project["id"]
    assert project["status"] == "preparing" and project["owner_name"] == "测试区第一中学"

    r = leader.get(f"/api/v1/projects/{pid}/readiness")
    assert r.json()["ready"] is False
    assert {m["field"] for m in r.json()["missing"]} == {
        "site",
        "participant:contractor",
        "participant:supervising_firm",
        "position:project_manager",
        "position:chief_supervising_engineer",
    }

    r = put(
        leader,
        f"/api/v1/projects/{pid}/site",
        {"site_kind": "circle", "lon": 120.88, "lat": 30.04, "radius_m": 150},
    )
    assert r.json()["site"]["properties"]["radius"] == 150

    # Contracts: one uploaded as JSON with Base64, one as multipart; then referenced.
    r = post(
        leader,
        f"/api/v1/projects/{pid}/documents",
        {
            "category": "contract",
            "title": "施工合同",
            "filename": "施工合同.pdf",
            "content_base64": b64("SG"),
        },
    )
    assert r.status_code == 201, r.content
    sg = r.json()["id"]
    r = leader.post(
        f"/api/v1/projects/{pid}/documents",
        {"category": "contract", "title": "监理合同", "file": f.pdf("监理合同.pdf")},
    )
    assert r.status_code == 201, r.content
    jl = r.json()["id"]
    for org, role, doc in (
        ("contractor_b", "contractor", sg),
        ("supervisor_a", "supervising_firm", jl),
    ):
        r = post(
            leader,
            f"/api/v1/projects/{pid}/participants",
            {
                "organisation_id": d.orgs[org].pk,
                "role": role,
                "contract_number": f"HT-{role}",
                "contract_signed_on": "2026-06-10",
                "contract_document_id": doc,
            },
        )
        assert r.status_code == 201, r.content
        assert r.json()["contract_missing"] == []
    parts = {p["role"]: p["id"] for p in leader.get(f"/api/v1/projects/{pid}/participants").json()}

    for position, role in (
        (Position.PROJECT_MANAGER, "contractor"),
        (Position.CHIEF_SUPERVISING_ENGINEER, "supervising_firm"),
    ):
        someone, cert = f.staff(d, position)
        r = post(
            leader,
            f"/api/v1/projects/{pid}/assignments",
            {
                "participant_id": parts[role],
                "person_id": someone.pk,
                "position": position,
                "started_on": "2026-06-15",
                "certificate_id": cert.pk,
            },
        )
        assert r.status_code == 201, r.content
        assert r.json()["must_check_in"] is True

    assert leader.get(f"/api/v1/projects/{pid}/readiness").json()["ready"] is True
    names = [t["name"] for t in leader.get(f"/api/v1/projects/{pid}/transitions").json()]
    assert names == ["start_works"]
    r = post(leader, f"/api/v1/projects/{pid}/start", {})
    assert r.status_code == 200 and r.json()["status"] == "under_construction"
    assert r.json()["actual_start"] == "2026-06-15"

    duty = leader.get(f"/api/v1/projects/{pid}/checkin-duty", {"on": "2026-06-15"}).json()
    assert duty["construction_day"] and len(duty["assignments"]) == 2

    # Suspension: declared on the day by the owner, confirmed by the line.
    r = post(
        leader,
        f"/api/v1/projects/{pid}/suspensions",
        {"started_at": "2026-06-15T08:30:00+08:00", "reason": "汛期暴雨停工"},
    )
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    r = post(
        d.token_client("line_supervisor"),
        f"/api/v1/projects/suspensions/{sid}/confirm",
        {"note": "属实"},
    )
    assert r.json()["state"] == "confirmed"
    frozen.shift(dt.timedelta(days=2))
    r = post(leader, f"/api/v1/projects/{pid}/resume", {"note": "恢复施工"})
    assert r.json()["status"] == "under_construction"
    dates = leader.get(
        f"/api/v1/projects/{pid}/suspended-dates", {"start": "2026-06-01", "end": "2026-06-30"}
    ).json()
    assert dates == ["2026-06-15", "2026-06-16"]
    nodes = [e["node"] for e in leader.get(f"/api/v1/projects/{pid}/timeline").json()]
    for node in (
        "registered",
        "preparing",
        "site",
        "participant",
        "key_person",
        "works_started",
        "suspension_declared",
        "suspended",
        "resumed",
    ):
        assert node in nodes


def test_errors_use_one_format_with_every_missing_requirement(d):
    p = f.direct_project(d)
    c = d.client("school_leader")
    r = post(c, f"/api/v1/projects/{p.pk}/start", {})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "requirements_not_met"
    assert body["message"].startswith("不能开工，尚缺：")
    assert {e["field"] for e in body["errors"]} >= {"site", "participant:contractor"}
    r = post(c, f"/api/v1/projects/{d.projects['p_school'].pk}/start", {})
    assert r.status_code == 409 and r.json()["code"] == "invalid_state"
    r = post(d.client("housing_staff"), f"/api/v1/projects/{p.pk}/start", {})
    assert r.status_code == 403 and "方可开工" in r.json()["message"]
    r = post(c, f"/api/v1/projects/{p.pk}/start", {"on": "2026-06-15", "extra": 1})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "extra"


def test_writes_are_idempotent_with_a_key(d):
    c = d.client("school_leader")
    body = {
        "name": "第一中学食堂改造工程",
        "procurement_method": "direct_award",
        "industry": "housing",
        "contract_amount": "1200000",
        "planned_start": "2026-06-20",
        "planned_completion": "2026-09-30",
    }
    r1 = post(c, "/api/v1/projects", body, HTTP_IDEMPOTENCY_KEY="k-1")
    r2 = post(c, "/api/v1/projects", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert r1.status_code == r2.status_code == 201
    assert r1.json() == r2.json() and r2["Idempotent-Replayed"] == "true"
    assert Project.objects.filter(name="第一中学食堂改造工程").count() == 1
    r3 = post(
        c, "/api/v1/projects", {**body, "contract_amount": "1300000"}, HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert r3.status_code == 409 and r3.json()["code"] == "idempotency_mismatch"
    # A refused request releases its key: the corrected retry takes effect.
    pid = r1.json()["id"]
    r4 = post(c, f"/api/v1/projects/{pid}/start", {}, HTTP_IDEMPOTENCY_KEY="start-1")
    assert r4.status_code == 422
    f.make_ready(d, Project.objects.get(pk=pid))
    r5 = post(c, f"/api/v1/projects/{pid}/start", {}, HTTP_IDEMPOTENCY_KEY="start-1")
    assert r5.status_code == 200 and r5.json()["status"] == "under_construction"


def test_document_upload_checks_the_content(d):
    c = d.client("school_leader")
    url = f"/api/v1/projects/{d.projects['p_school'].pk}/documents"
    r = post(
        c, url, {"category": "other", "title": "x", "filename": "x.pdf", "content_base64": "%%%"}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "content_base64"
    r = post(
        c,
        url,
        {
            "category": "other",
            "title": "x",
            "filename": "x.pdf",
            "content_base64": base64.b64encode(b"#!/bin/sh").decode(),
        },
    )
    assert r.status_code == 422 and "只接受 PDF" in r.json()["message"]
    r = post(
        c,
        url,
        {"category": "other", "title": "制度", "filename": "制度.pdf", "content_base64": b64("ok")},
    )
    assert r.status_code == 201
    doc = r.json()
    assert (
        doc["content_type"] == "application/pdf"
        and doc["url"] == f"/api/v1/projects/documents/{doc['id']}"
    )
    r = c.get(doc["url"])
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF-")


def test_ban_check_for_the_bidding_system(d):
    from postaward.projects import services

    services.record_personnel_ban(
        actor=d.actor("housing_staff"),
        person=d.users["pm_a"].person,
        reason="replaced",
        source_project=d.projects["p_school"],
        position=Position.PROJECT_MANAGER,
    )
    r = d.client("office_staff").get(
        "/api/v1/projects/personnel-bans/check",
        {"person_id": d.users["pm_a"].person.pk, "position": "project_manager", "on": "2026-06-15"},
    )
    assert r.json()["allowed"] is False and "不得" in r.json()["reasons"][0]
    r = d.client("office_staff").get(
        "/api/v1/projects/personnel-bans/check",
        {"person_id": d.users["pm_a"].person.pk, "position": "safety_officer"},
    )
    assert r.json()["allowed"] is True


@pytest.mark.parametrize(
    ("target", "allowed"),
    [
        ("tendered_project", False),
        ("direct_award_project", True),
        ("tender_same_region", False),
        ("direct_award_by_method", True),
        ("tender_other_region", True),
    ],
)
def test_r_chg_04_ban_check_takes_the_target_project_or_region_and_method(d, target, allowed):
    # R-CHG-04: the bidding system names the target (a project on the platform,
    # or the region and procurement method of a bid); same conditions as naming.
    from postaward.projects import services

    Project.objects.filter(pk=d.projects["p_school"].pk).update(region_code="330604")
    services.record_personnel_ban(
        actor=d.actor("housing_staff"),
        person=d.users["pm_a"].person,
        reason="replaced",
        source_project=d.projects["p_school"],
        position=Position.PROJECT_MANAGER,
    )
    query: dict = {"person_id": d.users["pm_a"].person.pk, "position": "project_manager"}
    if target == "tendered_project":
        query["project_id"] = f.tendered_project(d).pk
    elif target == "direct_award_project":
        query["project_id"] = f.direct_project(d).pk
    elif target == "tender_same_region":
        query |= {"region_code": "330604", "procurement_method": "tender"}
    elif target == "direct_award_by_method":
        query |= {"region_code": "330604", "procurement_method": "direct_award"}
    else:
        query |= {"region_code": "330602"}
    r = d.client("office_staff").get("/api/v1/projects/personnel-bans/check", query)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["allowed"] is allowed and bool(body["reasons"]) is not allowed
    assert body["procurement_method"] == ("direct_award" if "direct" in target else "tender")


def test_ban_check_takes_a_project_or_a_region_not_both(d):
    r = d.client("office_staff").get(
        "/api/v1/projects/personnel-bans/check",
        {
            "person_id": d.users["pm_a"].person.pk,
            "position": "project_manager",
            "project_id": d.projects["p_school"].pk,
            "procurement_method": "tender",
        },
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "project_id"
    r = d.client("office_staff").get(
        "/api/v1/projects/personnel-bans/check",
        {
            "person_id": d.users["pm_a"].person.pk,
            "position": "project_manager",
            "procurement_method": "auction",
        },
    )
    assert r.status_code == 422


def test_project_schema_keeps_the_read_fields_and_adds_the_lifecycle(d):
    r = d.client("pm_a").get(f"/api/v1/projects/{d.projects['p_school'].pk}")
    body = r.json()
    for key in (
        "id",
        "code",
        "name",
        "project_class",
        "is_small_works",
        "contract_amount",
        "industry",
        "region_code",
        "owner_id",
        "owner_name",
        "superior_unit_id",
        "line_id",
        "industry_authority_id",
        "status",
        "planned_start",
        "planned_completion",
    ):
        assert key in body
    assert body["status_label"] == "在建" and body["site"]["geometry"]["type"] == "Point"
    assert clock.today()  # the clock is the platform's


def test_list_filters_and_pagination(d):
    c = d.client("office_staff")
    items = c.get("/api/v1/projects", {"stage": "building", "limit": 1}).json()
    assert items["count"] == 2 and len(items["items"]) == 1
    assert (
        c.get("/api/v1/projects", {"contractor_id": d.orgs["contractor_b"].pk}).json()["count"] == 1
    )
