"""Import of awarded projects (R-PRJ-01): the example files through the API, the
page and the command; re-import is a no-op; bad rows are reported row by row
and the rest imported; nothing half-written."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from postaward.core import clock
from postaward.core.models import AuditRecord, EventRecord
from postaward.orgs.models import Organisation
from postaward.projects import imports, services
from postaward.projects.choices import ParticipantRole, ProjectClass, ProjectStatus
from postaward.projects.models import AwardImport, Participant, Project
from postaward.testing import District, db_fingerprint, demo_build

from . import factories as f

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parents[4] / "docs" / "examples"


# --- the example files against the demo district -----------------------------------------------


def counts() -> dict[str, int]:
    return dict(db_fingerprint()[:-1])


def changed_since(before: dict[str, int]) -> dict[str, int]:
    after = counts()
    return {k: after[k] - before[k] for k in after if after[k] != before[k]}


@pytest.fixture
def demo_district(settings, tmp_path):
    """The organisations of the demo district (no projects): the example files
    refer to them by unified social credit code."""
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=clock.LOCAL_TZ), tick=False):
        demo_build(0)
        from postaward.orgs.actors import actor_for_username

        yield actor_for_username


def test_example_ocds_through_the_api_then_reimport_is_a_no_op(demo_district):
    # R-PRJ-01: the bidding system pushes the release package with its token.
    from postaward.orgs import services as org_services
    from postaward.orgs.models import User

    user = User.objects.get(username="bidding_system")
    _, token = org_services.create_api_token(
        actor=demo_district("office_admin"), user=user, name="招投标系统"
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = (EXAMPLES / "awards-ocds.json").read_bytes()
    r = client.post("/api/v1/projects/imports/ocds", data=body, content_type="application/json")
    assert r.status_code == 200, r.content[:500]
    report = r.json()
    assert (report["created"], report["failed"]) == (3, 0), report["errors"]
    school = Project.objects.get(ocid="ocds-qx3306-2026-JS0118")
    assert school.code == "QXZB2026-JS-0118"
    assert school.owner.name == "清溪区第一中学"
    assert school.superior_unit.name == "清溪区教育体育局"  # from the organisation tree
    assert school.project_class == ProjectClass.GOV_ABOVE  # 28,650,000 >= 20,000,000 (R-PRJ-10)
    assert school.contract_amount == Decimal("28650000.00")
    assert school.status == ProjectStatus.REGISTERED
    assert school.site_kind == "circle" and school.site_radius_m == 220
    roles = dict(school.participants.values_list("role", "contract_number"))
    assert roles == {
        "contractor": "QX-HT-2026-0118-SG",
        "supervising_firm": "QX-HT-2026-0118-JL",
        "tender_agent": "",
    }
    nodes = list(school.timeline.values_list("node", flat=True))
    for node in (
        "tender_published",
        "bid_opening",
        "evaluation",
        "award",
        "contract_signed",
        "registered",
    ):
        assert node in nodes
    road = Project.objects.get(ocid="ocds-qx3306-2026-JT0042")
    assert road.site_kind == "polygon" and road.industry == "transport"
    # The buyer of the third award is not on the platform: the project waits at the
    # water authority for assignment down the chain; the new winner is registered.
    dam = Project.objects.get(ocid="ocds-qx3306-2026-SL0007")
    assert dam.owner is None and dam.industry_authority.name == "清溪区水利局"
    assert Organisation.objects.get(uscc="91330604MA00009029").kind == "contractor"

    before = counts()
    events = EventRecord.objects.count()
    r2 = client.post("/api/v1/projects/imports/ocds", data=body, content_type="application/json")
    assert r2.json()["unchanged"] == 3 and r2.json()["created"] == 0
    # A re-import writes nothing but its own batch record (and that batch's audit line).
    assert changed_since(before) == {"projects.AwardImport": 1, "core.AuditRecord": 1}
    assert EventRecord.objects.count() == events


def test_example_csv_through_the_page_then_the_command(demo_district, capsys):
    from postaward.orgs.models import User

    c = Client()
    c.force_login(User.objects.get(username="office_staff"))
    with (EXAMPLES / "awards.csv").open("rb") as fh:
        r = c.post("/projects/import/", {"file": fh})
    assert r.status_code == 302
    batch = AwardImport.objects.get()
    assert (batch.created, batch.failed) == (3, 0), batch.errors
    page = c.get(r["Location"]).content.decode()
    assert "新增 <strong>3</strong>" in page
    village = Project.objects.get(code="QXZB2026-CJ-0019")
    assert village.project_class == ProjectClass.VILLAGE  # the owner is a village
    small = Project.objects.get(code="QXZB2026-SZ-0207")
    assert small.is_small_works
    # The command imports the same file again: nothing changes.
    call_command("import", str(EXAMPLES / "awards.csv"))
    out = capsys.readouterr().out
    assert "无变化 3" in out
    assert Project.objects.count() == 3


def test_example_with_bad_rows_reports_each_row_and_imports_the_rest(demo_district, capsys):
    with pytest.raises(CommandError):
        call_command("import", str(EXAMPLES / "awards-bad-rows.csv"), "--as", "office_staff")
    batch = AwardImport.objects.get()
    assert (batch.total, batch.created, batch.failed) == (8, 2, 6)
    by_row = {}
    for e in batch.errors:
        by_row.setdefault(e["row"], []).append((e["field"], e["reason"]))
    assert sorted(by_row) == [3, 4, 5, 6, 7, 9]
    assert by_row[3] == [
        ("施工单位信用代码", "统一社会信用代码不正确：统一社会信用代码校验位不正确")
    ]
    assert by_row[4] == [("中标金额（元）", "“中标金额（元）”必填")]
    assert {field for field, _ in by_row[5]} == {"行业", "中标日期"}
    assert by_row[6][0][0] == "施工单位信用代码" and "监理单位" in by_row[6][0][1]
    assert by_row[7] == [("计划完工", "计划完工日期早于计划开工日期")]
    assert by_row[9] == [("招标编号", "与第 8 行是同一项目")]
    assert set(Project.objects.values_list("code", flat=True)) == {
        "QXZB2026-FJ-0131",
        "QXZB2026-CJ-0019",
    }
    out = capsys.readouterr().out
    assert "第 7 行" in out and "计划完工日期早于计划开工日期" in out


def _bidding_client(demo_district) -> Client:  # type: ignore[no-untyped-def]
    """The bidding system's API client (its own account and token)."""
    from postaward.orgs import services as org_services
    from postaward.orgs.models import User

    user = User.objects.get(username="bidding_system")
    _, token = org_services.create_api_token(
        actor=demo_district("office_admin"), user=user, name="招投标系统"
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _office_page_client() -> Client:
    from postaward.orgs.models import User

    c = Client()
    c.force_login(User.objects.get(username="office_staff"))
    return c


def _assert_example_ocds_projects() -> None:
    school = Project.objects.get(ocid="ocds-qx3306-2026-JS0118")
    assert school.code == "QXZB2026-JS-0118" and school.owner.name == "清溪区第一中学"
    assert school.project_class == ProjectClass.GOV_ABOVE
    assert school.status == ProjectStatus.REGISTERED
    road = Project.objects.get(ocid="ocds-qx3306-2026-JT0042")
    assert road.site_kind == "polygon" and road.industry == "transport"
    dam = Project.objects.get(ocid="ocds-qx3306-2026-SL0007")
    assert dam.owner is None and dam.industry_authority.name == "清溪区水利局"


@pytest.mark.parametrize("first", ["page", "cli"])
def test_example_ocds_through_the_page_and_the_command(demo_district, capsys, first):
    # R-PRJ-01: the same OCDS package through the upload page and through
    # `postaward import FILE`; whichever comes second changes nothing.
    path = EXAMPLES / "awards-ocds.json"
    c = _office_page_client()

    def by_page() -> AwardImport:
        with path.open("rb") as fh:
            r = c.post("/projects/import/", {"file": fh})
        assert r.status_code == 302, r.content[:500]
        batch = AwardImport.objects.order_by("-id").first()
        assert batch is not None and r["Location"].endswith(f"/projects/imports/{batch.pk}/")
        page = c.get(r["Location"]).content.decode()
        assert f"新增 <strong>{batch.created}</strong>" in page
        assert f"无变化 <strong>{batch.unchanged}</strong>" in page
        assert "ocds-qx3306-2026-JS0118" in page  # one row per release, keyed by ocid
        return batch

    def by_command() -> AwardImport:
        call_command("import", str(path))
        batch = AwardImport.objects.order_by("-id").first()
        assert batch is not None
        return batch

    steps = [by_page, by_command] if first == "page" else [by_command, by_page]
    batch = steps[0]()
    assert batch.format == "ocds" and batch.channel == first
    assert (batch.total, batch.created, batch.failed) == (3, 3, 0), batch.errors
    _assert_example_ocds_projects()
    before = counts()
    again = steps[1]()
    assert (again.created, again.updated, again.unchanged, again.failed) == (0, 0, 3, 0)
    assert changed_since(before) == {"projects.AwardImport": 1, "core.AuditRecord": 1}
    if first == "page":
        assert "无变化 3" in capsys.readouterr().out


def test_example_csv_through_the_api(demo_district):
    # R-PRJ-01: the CSV template body (UTF-8 with BOM) posted as is.
    client = _bidding_client(demo_district)
    body = (EXAMPLES / "awards.csv").read_bytes()
    r = client.post(
        "/api/v1/projects/imports/csv",
        data=body,
        content_type="text/csv",
        HTTP_X_FILENAME="awards.csv",
    )
    assert r.status_code == 200, r.content[:500]
    report = r.json()
    assert (report["format"], report["channel"], report["filename"]) == ("csv", "api", "awards.csv")
    assert (report["total"], report["created"], report["failed"]) == (3, 3, 0), report["errors"]
    assert [row["result"] for row in report["rows"]] == ["created"] * 3
    assert Project.objects.get(code="QXZB2026-CJ-0019").project_class == ProjectClass.VILLAGE
    assert Project.objects.get(code="QXZB2026-SZ-0207").is_small_works
    before = counts()
    r2 = client.post("/api/v1/projects/imports/csv", data=body, content_type="text/csv")
    assert (r2.json()["created"], r2.json()["unchanged"]) == (0, 3)
    assert changed_since(before) == {"projects.AwardImport": 1, "core.AuditRecord": 1}


BAD_ROWS = {
    3: "统一社会信用代码校验位不正确",
    4: "“中标金额（元）”必填",
    5: "中标日期",
    6: "监理单位",
    7: "计划完工日期早于计划开工日期",
    9: "与第 8 行是同一项目",
}


@pytest.mark.parametrize("channel", ["api", "page"])
def test_example_with_bad_rows_through_the_api_and_the_page(demo_district, channel):
    # R-PRJ-01: each bad row is reported (row, field, reason) and not written;
    # the good rows are imported.
    path = EXAMPLES / "awards-bad-rows.csv"
    if channel == "api":
        r = _bidding_client(demo_district).post(
            "/api/v1/projects/imports/csv", data=path.read_bytes(), content_type="text/csv"
        )
        assert r.status_code == 200, r.content[:500]
        report = r.json()
        assert (report["total"], report["created"], report["failed"]) == (8, 2, 6)
        errors = report["errors"]
        results = {row["row"]: row["result"] for row in report["rows"]}
        assert results == {
            2: "created",
            3: "failed",
            4: "failed",
            5: "failed",
            6: "failed",
            7: "failed",
            8: "created",
            9: "failed",
        }
    else:
        c = _office_page_client()
        with path.open("rb") as fh:
            r = c.post("/projects/import/", {"file": fh})
        assert r.status_code == 302, r.content[:500]
        page = c.get(r["Location"]).content.decode()
        assert "新增 <strong>2</strong>" in page and ">6</strong>" in page
        assert "错误报告（以下行未导入，其余行已导入）" in page
        for row, reason in BAD_ROWS.items():
            assert f"第 {row} 行" in page and reason in page, row
        errors = AwardImport.objects.get().errors
    assert sorted({e["row"] for e in errors}) == sorted(BAD_ROWS)
    for row, reason in BAD_ROWS.items():
        line = " ".join(f"{e['field']} {e['reason']}" for e in errors if e["row"] == row)
        assert reason in line, (row, line)
    assert AwardImport.objects.get().channel == channel
    assert set(Project.objects.values_list("code", flat=True)) == {
        "QXZB2026-FJ-0131",
        "QXZB2026-CJ-0019",
    }


# --- rules, on the small test district --------------------------------------------------------------


def _import(d: District, data, fmt="ocds", user="office_staff"):  # type: ignore[no-untyped-def]
    payload = json.dumps(data) if isinstance(data, dict) else data
    return imports.import_awards(actor=d.actor(user), data=payload, fmt=fmt, channel="api")


def test_a_bad_row_writes_nothing_not_even_the_winner(d):
    # The contractor's code is new (would be registered) but the supervisor's code
    # is a contractor's: the whole row is refused, the new enterprise included.
    from postaward.testing import uscc

    rel = f.ocds_release(d, supervisor="contractor_a")
    new_code = uscc()
    rel["parties"][1]["identifier"]["id"] = new_code
    before = counts()
    report = _import(d, f.ocds_package(rel))
    assert report.count("failed") == 1
    assert not Organisation.objects.filter(uscc=new_code).exists()
    assert not Project.objects.filter(code="QX-ZB-0001").exists()
    # Only the batch and its audit line were written.
    assert changed_since(before) == {"projects.AwardImport": 1, "core.AuditRecord": 1}


def test_reimport_updates_only_what_changed(d):
    _import(d, f.ocds_package(f.ocds_release(d)))
    p = Project.objects.get(code="QX-ZB-0001")
    report = _import(d, f.ocds_package(f.ocds_release(d, amount="8800000.00")))
    assert report.rows[0]["result"] == "updated"
    assert report.rows[0]["changed"] == ["合同金额（元）", "参建单位"]
    p.refresh_from_db()
    assert p.contract_amount == Decimal("8800000.00")
    assert Project.objects.filter(code="QX-ZB-0001").count() == 1
    part = p.participants.get(role=ParticipantRole.CONTRACTOR)
    assert part.contract_amount == Decimal("8800000.00")
    rec = AuditRecord.objects.filter(action="projects.import_update", project_id=p.pk).get()
    assert (
        rec.before["contract_amount"] == "8600000.00"
        and rec.after["contract_amount"] == "8800000.00"
    )


def test_award_data_cannot_change_a_started_project(d):
    _import(d, f.ocds_package(f.ocds_release(d)))
    p = Project.objects.get(code="QX-ZB-0001")
    Project.objects.filter(pk=p.pk).update(status=ProjectStatus.UNDER_CONSTRUCTION)
    report = _import(d, f.ocds_package(f.ocds_release(d, amount="9900000.00")))
    assert report.rows[0]["result"] == "failed"
    assert "变更流程" in report.errors[0]["reason"]
    p.refresh_from_db()
    assert p.contract_amount == Decimal("8600000.00")


def test_owner_not_on_the_platform_is_held_for_the_chain(d):
    from postaward.testing import uscc

    rel = f.ocds_release(d)
    rel["parties"][0]["identifier"]["id"] = uscc()
    _import(d, f.ocds_package(rel))
    p = Project.objects.get(code="QX-ZB-0001")
    assert p.owner is None
    # R-ORG-03: the housing authority (its industry) sees it and assigns it down.
    assert Project.objects.visible_to(d.actor("housing_staff")).filter(pk=p.pk).exists()
    assert not Project.objects.visible_to(d.actor("school_admin")).filter(pk=p.pk).exists()
    services.assign_superior_unit(
        actor=d.actor("housing_admin"), project=p, superior_unit=d.orgs["edu"]
    )
    services.assign_line(actor=d.actor("edu_admin"), project=p, line=d.orgs["edu_line"])
    services.assign_owner(actor=d.actor("line_supervisor"), project=p, owner=d.orgs["school"])
    services.assign_owner_leader(
        actor=d.actor("school_admin"), project=p, person=d.users["school_leader"].person
    )
    p.refresh_from_db()
    assert p.status == ProjectStatus.PREPARING
    # A later import of the same award keeps the owner the chain assigned.
    report = _import(d, f.ocds_package(rel))
    assert report.rows[0]["result"] == "unchanged"


def test_csv_in_gbk_with_excel_dates_and_amounts(d):
    text = f.csv_text(d, [f.csv_row(d)])
    report = _import(d, text.encode("gb18030"), fmt="csv")
    assert report.count("created") == 1, report.errors
    p = Project.objects.get(code="QX-CSV-0001")
    assert p.contract_amount == Decimal("5380000.00")
    assert p.participants.get(role="contractor").contract_signed_on == dt.date(2026, 5, 25)


def test_file_level_errors_import_nothing(d):
    report = _import(d, "{not json", fmt="ocds")
    assert report.errors[0]["row"] == 0 and "JSON" in report.errors[0]["reason"]
    report = _import(d, "项目名称,行业\n某工程,房建市政\n", fmt="csv")
    assert "缺少必填列" in report.errors[0]["reason"] and "招标编号" in report.errors[0]["reason"]
    assert not Project.objects.exclude(code__startswith="T-").exists()


def test_ocds_row_errors_name_the_json_path(d):
    rel = f.ocds_release(d)
    rel["parties"][1]["identifier"]["id"] = "91330604MA0000057X"
    rel["tender"]["mainProcurementCategory"] = "goods"
    del rel["postaward"]["industry"]
    report = _import(d, f.ocds_package(rel))
    fields = {e["field"] for e in report.errors}
    assert fields == {
        "parties[1].identifier.id",
        "tender.mainProcurementCategory",
        "postaward.industry",
    }


def test_ocds_wrong_values_are_row_errors_with_their_path(d):
    """R-PRJ-01: a value of the wrong type or format is reported with its JSON path
    and a Chinese reason (the release models of projects/ocds.py); every problem of
    the row is reported at once, and nothing of the row is written."""
    rel = f.ocds_release(d, code="QX-ZB-0777")
    rel["ocid"] = 12345
    rel["tender"]["title"] = {"zh": "第一中学"}
    rel["awards"][0]["date"] = "2026-13-01"
    rel["contracts"][0]["value"] = "很多"
    rel["postaward"]["smallWorks"] = "maybe"
    report = _import(d, f.ocds_package(rel))
    assert {(e["field"], e["reason"]) for e in report.errors} == {
        ("ocid", "ocid 格式不正确（应以 ocds- 开头，不超过100个字符）"),
        ("tender.title", "应为文本"),
        ("awards[0].date", "中标日期格式不正确"),
        ("contracts[0].value", "应为对象"),
        ("postaward.smallWorks", "应为 true 或 false"),
    }
    assert [r["result"] for r in report.rows] == ["failed"]
    assert not Project.objects.filter(code="QX-ZB-0777").exists()


def test_only_the_integrator_or_the_office_import(d):
    from postaward.core.errors import Forbidden

    for user in ("school_admin", "housing_admin", "contractor_a_admin"):
        with pytest.raises(Forbidden):
            _import(d, f.ocds_package(f.ocds_release(d)), user=user)
    assert not AwardImport.objects.exists()


def test_api_import_with_an_idempotency_key_takes_effect_once(d):
    c = d.client("office_staff")
    body = json.dumps(f.ocds_package(f.ocds_release(d)))
    headers = {"HTTP_IDEMPOTENCY_KEY": "award-push-0001"}
    r1 = c.post(
        "/api/v1/projects/imports/ocds", data=body, content_type="application/json", **headers
    )
    r2 = c.post(
        "/api/v1/projects/imports/ocds", data=body, content_type="application/json", **headers
    )
    assert r1.json() == r2.json()
    assert r2["Idempotent-Replayed"] == "true"
    assert AwardImport.objects.count() == 1


def test_csv_template_download_has_every_column(d):
    r = d.client("office_staff").get("/projects/import/template.csv")
    text = r.content.decode("utf-8-sig")
    header = next(iter(io.StringIO(text))).strip().split(",")
    assert header == [h for h, *_ in imports.CSV_COLUMNS]


_ = Participant
