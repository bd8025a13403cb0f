"""The project pages: list, map and statistics in scope (R-ORG-04), the project
page and its forms, the archive and its PDF (R-PRJ-04), files only through the
scope check, the import page (R-PRJ-01)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings

from postaward.core import clock
from postaward.projects import services
from postaward.projects.choices import DocumentCategory, ParticipantRole, Position, ProjectStatus
from postaward.projects.models import Project, Suspension

from . import factories as f

pytestmark = pytest.mark.django_db


def html(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


# --- list, filters, map, statistics ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/projects/", "/projects/map/", "/projects/stats/"])
@pytest.mark.parametrize(
    "user", ["office_admin", "school_leader", "contractor_b_admin", "housing_staff"]
)
def test_registry_pages_render(d, path, user):
    html(d.client(user).get(path))


def test_list_filters_by_stage_class_owner_and_contractor(d):
    p = f.direct_project(d)
    c = d.client("office_staff")
    page = html(c.get("/projects/", {"stage": "before_start"}))
    assert p.code in page and "T-0001" not in page
    page = html(c.get("/projects/", {"stage": "building"}))
    assert "T-0001" in page and "T-0002" in page and p.code not in page
    page = html(c.get("/projects/", {"contractor": "乙建设"}))
    assert "T-0002" in page and "T-0001" not in page
    page = html(c.get("/projects/", {"owner": "人民医院"}))
    assert "T-0002" in page and "T-0001" not in page
    page = html(c.get("/projects/", {"project_class": "gov_above"}))
    assert "T-0002" in page and "T-0001" not in page
    xlsx = c.get("/projects/", {"export": "xlsx", "stage": "building"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_list_map_and_counts_are_scoped(d):
    # R-ORG-04: the transport authority sees only the hospital project.
    c = d.client("transport_staff")
    page = html(c.get("/projects/"))
    assert "T-0002" in page and "T-0001" not in page
    fc = c.get("/api/v1/projects/map").json()
    assert [x["properties"]["code"] for x in fc["features"]] == ["T-0002"]
    stats = c.get("/api/v1/projects/stats").json()
    assert sum(x["value"] for x in stats["stage"]) == 1
    # GCJ-02 for a map whose tiles need it.
    gcj = c.get("/api/v1/projects/map", {"crs": "gcj02"}).json()["features"][0]
    wgs = fc["features"][0]
    assert gcj["geometry"]["coordinates"] != wgs["geometry"]["coordinates"]
    assert abs(gcj["geometry"]["coordinates"][0] - wgs["geometry"]["coordinates"][0]) < 0.01


def test_detail_out_of_scope_is_not_found(d):
    r = d.client("transport_staff").get(f"/projects/{d.projects['p_school'].pk}/")
    assert r.status_code == 404
    assert "对象不存在或无权访问" in r.content.decode()


# --- the project page and its forms ---------------------------------------------------------------


def test_project_page_shows_what_is_missing_before_start(d):
    p = f.direct_project(d)
    page = html(d.client("school_leader").get(f"/projects/{p.pk}/"))
    assert "开工条件" in page
    assert "未设置项目场地（考勤电子围栏）" in page and "未登记施工单位" in page
    assert 'data-transition="start_works"' in page
    f.make_ready(d, p)
    page = html(d.client("school_leader").get(f"/projects/{p.pk}/"))
    assert "开工条件已齐备" in page


def test_start_refused_in_the_form_lists_each_missing_item(d):
    p = f.direct_project(d)
    c = d.client("school_leader")
    r = c.post(f"/projects/{p.pk}/transition/start_works/", {"on": clock.today().isoformat()})
    page = html(r)
    assert "不能开工，尚缺" in page
    assert 'data-missing="site"' in page and 'data-missing="participant:contractor"' in page
    p.refresh_from_db()
    assert p.status == ProjectStatus.PREPARING


def test_transition_page_refused_to_the_wrong_role(d):
    p = f.ready_project(d)
    r = d.client("housing_staff").get(f"/projects/{p.pk}/transition/start_works/")
    assert r.status_code == 403


def test_participant_form_uploads_the_contract(d):
    p = f.direct_project(d)
    c = d.client("school_leader")
    r = c.post(
        f"/projects/{p.pk}/participants/new/",
        {
            "role": "contractor",
            "organisation": d.orgs["contractor_b"].pk,
            "contract_number": "HT-2026-01",
            "contract_amount": "3,500,000.00",
            "contract_signed_on": "2026-06-10",
            "allows_subcontract": "on",
            "contract_file": f.pdf("施工合同.pdf"),
        },
    )
    assert r.status_code == 302
    part = p.participants.get()
    assert part.contract_document.original_name == "施工合同.pdf"
    assert part.allows_subcontract and part.contract_amount == 3500000


def test_participant_form_refuses_a_non_pdf(d):
    from django.core.files.uploadedfile import SimpleUploadedFile

    p = f.direct_project(d)
    r = d.client("school_leader").post(
        f"/projects/{p.pk}/participants/new/",
        {
            "role": "contractor",
            "organisation": d.orgs["contractor_b"].pk,
            "contract_file": SimpleUploadedFile("合同.pdf", b"<html>not a contract</html>"),
        },
    )
    assert "只接受 PDF 或 JPG/PNG 图片文件" in html(r)
    assert not p.participants.exists()


def test_key_person_form_picks_the_certificate_on_file(d):
    p = f.direct_project(d)
    f.contract(d, p, "contractor_b", ParticipantRole.CONTRACTOR)
    pm, cert = f.staff(d, Position.PROJECT_MANAGER)
    r = d.client("school_leader").post(
        f"/projects/{p.pk}/personnel/new/",
        {"position": Position.PROJECT_MANAGER, "person": pm.pk, "started_on": "2026-06-15"},
    )
    assert r.status_code == 302
    assert p.assignments.get().certificate == cert


def test_suspension_declared_confirmed_and_resumed_through_the_pages(d, frozen):
    p = f.started_project(d)
    leader, line = d.client("school_leader"), d.client("line_supervisor")
    r = leader.post(
        f"/projects/{p.pk}/suspensions/new/", {"start_time": "08:00", "reason": "暴雨基坑积水"}
    )
    assert r.status_code == 302
    s = Suspension.objects.get(project=p)
    assert clock.localtime(s.started_at).hour == 8
    page = html(line.get(f"/projects/{p.pk}/"))
    assert "confirm-suspension" in page
    r = line.post(f"/projects/{p.pk}/suspensions/{s.pk}/confirm/", {"note": "属实"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.status == ProjectStatus.SUSPENDED
    frozen.shift(dt.timedelta(days=2))
    leader = d.client("school_leader")  # a new session: the old one timed out
    r = leader.post(f"/projects/{p.pk}/transition/resume/", {"note": "恢复施工"})
    assert r.status_code == 302 and r["Location"] == f"/projects/{p.pk}/"
    p.refresh_from_db()
    assert p.status == ProjectStatus.UNDER_CONSTRUCTION


def test_interview_form_reads_attendees_by_organisation(d):
    p = f.tendered_project(d)
    f.contract(d, p, "contractor_b", ParticipantRole.CONTRACTOR)
    r = d.client("school_leader").post(
        f"/projects/{p.pk}/interviews/new/",
        {
            "held_on": clock.today().isoformat(),
            "topics": ["quality", "schedule", "safety", "civilised", "wages", "no_transfer"],
            f"attendees_{p.owner_id}": "张校长（校长）、王主任",
            f"attendees_{d.orgs['contractor_b'].pk}": "李经理（项目经理）",
            "record": f.pdf("约谈记录.pdf"),
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    iv = p.interviews.get()
    assert [(a["name"], a["title"]) for a in iv.attendees] == [
        ("张校长", "校长"),
        ("王主任", ""),
        ("李经理", "项目经理"),
    ]


def test_assignment_page_assigns_the_next_level(d):
    from decimal import Decimal

    from postaward.core.actor import SYSTEM
    from postaward.orgs.choices import Industry

    p = services.register_project(
        actor=SYSTEM,
        code="T-0500",
        name="待分配的工程项目",
        owner=None,
        industry=Industry.HOUSING,
        contract_amount=Decimal("5000000"),
        industry_authority=d.orgs["housing"],
    )
    c = d.client("housing_admin")
    page = html(c.get(f"/projects/{p.pk}/assign/"))
    assert "分配主管单位" in page
    r = c.post(f"/projects/{p.pk}/assign/", {"level": "superior_unit", "target": d.orgs["edu"].pk})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.superior_unit == d.orgs["edu"]
    assert d.client("school_admin").get(f"/projects/{p.pk}/assign/").status_code == 404


# --- archive, PDF and files -------------------------------------------------------------------


def test_archive_has_every_section_and_the_pdf_renders(d):
    p = f.started_project(d)
    page = html(d.client("school_leader").get(f"/projects/{p.pk}/archive/"))
    for title in (
        "项目概况",
        "项目管理组织",
        "管理制度",
        "日常管理记录",
        "工程变更情况",
        "日常检查",
        "综合评价",
        "全生命周期节点",
    ):
        assert title in page
    r = d.client("school_leader").get(f"/projects/{p.pk}/archive.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-") and len(r.content) > 10_000
    assert d.client("hospital_admin").get(f"/projects/{p.pk}/archive.pdf").status_code == 404


def test_documents_are_served_only_through_the_scope_check(d):
    p = d.projects["p_school"]
    doc = f.uploaded(d, p, DocumentCategory.MANAGEMENT_RULES)
    r = d.client("pm_a").get(f"/projects/{p.pk}/documents/{doc.pk}/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert b"".join(r.streaming_content).startswith(b"%PDF-")
    assert (
        d.client("contractor_b_admin").get(f"/projects/{p.pk}/documents/{doc.pk}/").status_code
        == 404
    )
    # A document id of another project is not found through this project either.
    other = f.uploaded(d, f.direct_project(d), DocumentCategory.MANAGEMENT_RULES)
    assert d.client("pm_a").get(f"/projects/{p.pk}/documents/{other.pk}/").status_code == 404
    # The file is not under MEDIA_ROOT and has no public URL.
    assert not doc.file.path.startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        doc.file.url  # noqa: B018


# --- import page and bans page ---------------------------------------------------------------


def test_import_page_shows_each_bad_row(d):
    text = f.csv_text(d, [f.csv_row(d), f.csv_row(d, "QX-CSV-0002", **{"行业": "电力"})])
    upload = io.BytesIO(text.encode("utf-8-sig"))
    upload.name = "中标项目.csv"
    c = d.client("office_staff")
    r = c.post("/projects/import/", {"file": upload})
    assert r.status_code == 302
    page = html(c.get(r["Location"]))
    assert "第 3 行" in page and "行业“电力”不正确" in page
    assert Project.objects.filter(code="QX-CSV-0001").exists()
    assert d.client("school_admin").get("/projects/import/").status_code == 403


def test_ban_page_for_government_users(d):
    services.record_personnel_ban(
        actor=d.actor("housing_staff"),
        person=d.users["pm_a"].person,
        reason="replaced",
        source_project=d.projects["p_school"],
        position=Position.PROJECT_MANAGER,
    )
    page = html(d.client("housing_staff").get("/projects/bans/"))
    assert "pm_a" in page and "限制中" in page
    assert d.client("contractor_a_admin").get("/projects/bans/").status_code == 403


def test_menu_shows_registration_to_owners_and_import_to_the_office(d):
    leader = html(d.client("school_leader").get("/projects/"))
    assert "录入项目" in leader and "导入中标项目" not in leader
    office = html(d.client("office_staff").get("/projects/"))
    assert "导入中标项目" in office and "录入项目" not in office


def test_home_page_counts_projects_waiting_for_assignment(d):
    from decimal import Decimal

    from postaward.core.actor import SYSTEM
    from postaward.orgs.choices import Industry

    services.register_project(
        actor=SYSTEM,
        code="T-0600",
        name="待分配的道路工程",
        owner=None,
        industry=Industry.HOUSING,
        contract_amount=Decimal("5000000"),
        industry_authority=d.orgs["housing"],
    )
    home = html(d.client("housing_admin").get("/"))
    assert 'data-stat="projects_unassigned"' in home and "待分配项目" in home
    page = html(d.client("housing_admin").get("/projects/", {"unassigned": "1"}))
    assert "T-0600" in page and "T-0001" not in page
    assert 'data-stat="projects_unassigned"' not in html(d.client("contractor_a_admin").get("/"))


def test_map_colours_sites_by_their_highest_unresolved_alert(d):
    """Issue 11 §7: a site's marker takes the highest severity of its alerts
    still waiting (disposal or review); a closed alert no longer counts."""
    from postaward.alerts import services as alert_services
    from postaward.alerts.choices import AlertState
    from postaward.alerts.indicators import Hit
    from postaward.alerts.models import Alert

    school = d.projects["p_school"]
    ind = alert_services.indicator_for("attendance.absence_streak")
    alert_services.record_hit(
        ind, Hit(dedup_key="map:1", title="地图测试", facts={}, project_id=school.pk)
    )
    alert = Alert.objects.get(project=school)
    c = d.client("office_admin")
    levels = {
        x["properties"]["code"]: x["properties"]["alert_level"]
        for x in c.get("/api/v1/projects/map").json()["features"]
    }
    assert levels[school.code] == alert.severity and levels["T-0002"] == 0
    Alert.objects.filter(pk=alert.pk).update(state=AlertState.CLOSED)
    fc = c.get("/api/v1/projects/map").json()
    assert {x["properties"]["alert_level"] for x in fc["features"]} == {0}


def test_map_page_draws_the_boundary_and_the_configured_tile_source(d, settings):
    """Operators configure a 天地图-style URL template and its key; the page
    hands them and the district boundary to the map script."""
    import json
    import re

    settings.POSTAWARD_MAP = {
        **settings.POSTAWARD_MAP,
        "TILE_URL": "https://t{s}.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}",
        "TILE_KEY": "abc123",
    }
    page = html(d.client("office_admin").get("/projects/map/"))
    raw = re.search(
        r'<script id="project-map-options" type="application/json">(.*?)</script>', page, re.S
    )
    opts = json.loads(raw.group(1))
    assert opts["tileUrl"].endswith("tk={key}") and opts["tileKey"] == "abc123"
    assert opts["boundary"]["geometry"]["type"] == "Polygon"
    assert "leaflet.markercluster.js" in page and "红色" in page


# --- data completion and abnormal events on the step registry (ADR 0072) -----------------------------


def test_r_prj_05_the_project_page_offers_the_application_steps_the_service_accepts(d):
    """R-PRJ-05 (SY 33): the superior unit sees the approve and reject links
    of a submitted application, the owner none; after approval and the
    back-filling the owner confirms with the registry's button."""
    from postaward.core.actor import SYSTEM
    from postaward.projects.tests import authz_rows as rows

    d.ctx = {}
    rows.backfilled(d)
    p, app = d.ctx["p"], d.ctx["app"]
    owner_page = html(d.client("school_leader").get(f"/projects/{p.pk}/"))
    assert f"/projects/data-completions/{app.pk}/steps/confirm_backfill/" in owner_page
    assert 'data-testid="approve-link"' not in owner_page
    r = d.client("school_leader").post(
        f"/projects/data-completions/{app.pk}/steps/confirm_backfill/"
    )
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.state == "backfilled"
    # A second application of another project, waiting for its decision.
    services.mark_uncovered(actor=SYSTEM, project=d.projects["p_school"], note="实施过程未纳入平台")
    waiting = services.apply_data_completion(
        actor=d.actor("school_leader"),
        project=d.projects["p_school"],
        reason="实施时未及时录入",
        upload=f.pdf(),
    )
    superior = html(d.client("edu_admin").get(f"/projects/{waiting.project_id}/"))
    assert 'data-testid="approve-link"' in superior and 'data-testid="reject-link"' in superior
    assert 'data-testid="reject-link"' not in html(
        d.client("school_leader").get(f"/projects/{waiting.project_id}/")
    )
    # The decision page refuses whom no decision step allows.
    url = f"/projects/{waiting.project_id}/data-completion/{waiting.pk}/decide/"
    assert d.client("housing_admin").get(url).status_code == 403
    assert d.client("edu_admin").get(url + "?d=reject").status_code == 200


def test_r_prj_12_abnormal_event_review_links_follow_the_registry(d):
    """R-PRJ-12: the authority sees the file and flag links of a reported
    event; once reviewed, none."""
    from postaward.projects.tests import authz_rows as rows

    d.ctx = {}
    rows.abnormal(d)
    p, e = d.ctx["p"], d.ctx["e"]
    page = html(d.client("housing_staff").get(f"/projects/{p.pk}/"))
    assert f"/projects/{p.pk}/abnormal/{e.pk}/review/?d=flag" in page
    assert f"/projects/{p.pk}/abnormal/{e.pk}/review/?d=file" in page
    assert "?d=flag" not in html(d.client("school_admin").get(f"/projects/{p.pk}/"))
    services.review_abnormal_event(
        actor=d.actor("housing_staff"), event=e, valid_reason=True, note="理由正当"
    )
    assert "?d=flag" not in html(d.client("housing_staff").get(f"/projects/{p.pk}/"))
