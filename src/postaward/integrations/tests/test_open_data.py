"""Open data (issue 18; R-REP-04 public disclosure, R-REP-05 every record
queryable): OCDS releases, records and OC4IDS projects validate against the
official schemas; public paging and ``since=``; no personal data; unpublished
changes are not exposed; the award import round-trips."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from postaward.approvals.choices import ChangeState
from postaward.approvals.models import EngineeringChange
from postaward.core import clock
from postaward.core.idcheck import check_resident_id
from postaward.projects import imports
from postaward.projects.models import Project
from postaward.testing import demo_build

pytestmark = pytest.mark.django_db
SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
EXAMPLES = Path(__file__).resolve().parents[4] / "docs" / "examples"
MOMENT = dt.datetime(2026, 11, 23, 10, 0, tzinfo=clock.LOCAL_TZ)
ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def _validator(name: str) -> jsonschema.Draft4Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


DATE_KEYS = {"date", "dateSigned", "dateMet", "startDate", "endDate", "publishedDate", "updated"}


def _bad_dates(doc: Any) -> list[str]:
    """date-time values with an offset (jsonschema checks the format only with an
    optional package, so it is checked here)."""
    bad: list[str] = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            if k in DATE_KEYS and isinstance(v, str):
                moment = dt.datetime.fromisoformat(v)
                if moment.tzinfo is None:
                    bad.append(f"{k}={v}")
            else:
                bad += _bad_dates(v)
    elif isinstance(doc, list):
        for v in doc:
            bad += _bad_dates(v)
    return bad


def _errors(validator: jsonschema.Draft4Validator, doc: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)
    ]


@pytest.fixture
def district():
    with time_machine.travel(MOMENT, tick=False):
        demo_build(12)
        yield


def _get(client: Client, url: str) -> dict[str, Any]:
    r = client.get(url)
    assert r.status_code == 200, r.content[:300]
    return r.json()  # type: ignore[no-any-return]


def _all_releases(client: Client) -> list[dict[str, Any]]:
    out, url = [], "/api/v1/open/releases?page_size=5"
    while url:
        body = _get(client, url)
        out += body["releases"]
        url = body["links"].get("next", "").replace("http://testserver", "")
    return out


def test_r_rep_04_releases_records_and_projects_validate_against_the_official_schemas(
    district, client
):
    release_schema = _validator("release-schema-1.1.4.json")
    project_schema = _validator("oc4ids-project-schema-0.9.0-beta.json")
    releases = _all_releases(client)
    assert len({r["ocid"] for r in releases}) >= 6
    for r in releases:
        assert _errors(release_schema, r) == [], r["id"]
    tags = {t for r in releases for t in r["tag"]}
    assert {"award", "contract", "implementation"} <= tags
    records = _get(client, "/api/v1/open/records?page_size=100")
    assert records["version"] == "1.1" and records["publisher"]["name"]
    for rec in records["records"]:
        assert _errors(release_schema, rec["compiledRelease"]) == [], rec["ocid"]
        assert rec["releases"] and all(x["url"].startswith("http") for x in rec["releases"])
    projects = _get(client, "/api/v1/open/projects?page_size=100")
    assert projects["projects"]
    assert _bad_dates([releases, records, projects]) == []
    for project in projects["projects"]:
        assert _errors(project_schema, project) == [], project["id"]
    # one release fetched by its id is the one in the package
    first = releases[0]
    assert _get(client, f"/api/v1/open/releases/{first['id']}") == first
    assert client.get("/api/v1/open/releases/ocds-nothing-award").status_code == 404


def test_r_rep_04_milestones_transactions_and_amendments_of_the_implementation(district, client):
    paid = Project.objects.filter(funds_paid_on__isnull=False, settled_amount__isnull=False).first()
    if paid is None:  # the demo walks some projects to the end; make sure of one
        paid = Project.objects.filter(owner__isnull=False).first()
        assert paid is not None
        Project.objects.filter(pk=paid.pk).update(
            accepted_on=dt.date(2026, 10, 9),
            settled_on=dt.date(2026, 11, 2),
            settled_amount=paid.contract_amount,
            funds_paid_on=dt.date(2026, 11, 10),
        )
        paid.refresh_from_db()
    from postaward.integrations.ocds_export import ocid_of

    record = _get(client, f"/api/v1/open/records/{ocid_of(paid)}")["records"][0]
    contract = next(
        c for c in record["compiledRelease"]["contracts"] if c["awardID"].startswith("contractor-")
    )
    ids = {m["id"] for m in contract["implementation"]["milestones"]}
    assert {"accepted", "settled"} <= ids
    tx = contract["implementation"]["transactions"][0]
    assert tx["value"]["amount"] == float(paid.settled_amount)
    assert tx["payer"]["name"] == paid.owner.name


def _change(project: Project, number: str, state: str, approved: bool) -> None:
    from postaward.projects.choices import ParticipantRole

    contractor = project.participants.get(role=ParticipantRole.CONTRACTOR)
    EngineeringChange.objects.create(
        project=project,
        participant=contractor,
        number=number,
        category="design",
        title="屋面防水做法调整",
        reason="设计优化",
        scope="防水层改为两道",
        work_date=dt.date(2026, 11, 20),
        state=state,
        raised_at=MOMENT - dt.timedelta(days=5),
        raised_by_name="施工员",
        raised_by_org=contractor.organisation.name,
        approved_at=MOMENT - dt.timedelta(days=1) if approved else None,
    )


def test_r_rep_04_only_approved_changes_are_published(district, client):
    from postaward.integrations.ocds_export import ocid_of

    project = Project.objects.filter(owner__isnull=False, participants__role="contractor").first()
    assert project is not None
    _change(project, "BG-T-OK", ChangeState.APPROVED, approved=True)
    _change(project, "BG-T-NO", ChangeState.REJECTED, approved=False)
    _change(project, "BG-T-WD", ChangeState.WITHDRAWN, approved=False)
    _change(project, "BG-T-WAIT", ChangeState.OWNER_APPROVED, approved=False)
    changes = EngineeringChange.objects.all()
    approved = {c.number for c in changes if c.state == ChangeState.APPROVED and c.approved_at}
    others = {c.number for c in changes if c.state != ChangeState.APPROVED}
    assert "BG-T-OK" in approved and {"BG-T-NO", "BG-T-WD", "BG-T-WAIT"} <= others
    releases = _all_releases(client)
    text = json.dumps(releases, ensure_ascii=False)
    for number in approved:
        assert f"-change-{number}" in text
    for number in others:
        assert number not in text
    record = _get(client, f"/api/v1/open/records/{ocid_of(project)}")["records"][0]
    contract = record["compiledRelease"]["contracts"][0]
    assert [a["id"] for a in contract["amendments"]][-1] == "BG-T-OK"
    # Every release resolves by its id, one of each kind.
    for tag in {r["tag"][0] for r in releases}:
        one = next(r for r in releases if r["tag"][0] == tag)
        assert _get(client, f"/api/v1/open/releases/{one['id']}") == one
    # A project still waiting for its owner is not under supervision yet: not published.
    published = {r["tender"]["id"] for r in releases}
    waiting = set(Project.objects.filter(owner__isnull=True).values_list("code", flat=True))
    assert published and not (published & waiting)


def test_r_rep_04_no_personal_data_in_any_open_payload(district, client):
    """No resident identity number, no mobile number: organisations only."""
    payloads = [
        client.get(url).content.decode()
        for url in (
            "/api/v1/open/releases?page_size=100",
            "/api/v1/open/records?page_size=100",
            "/api/v1/open/projects?page_size=100",
            "/api/v1/open/bulk/2026-11/releases.json",
        )
    ]
    for body in payloads:
        ids = [m for m in ID_RE.findall(body) if check_resident_id(m).ok]
        assert ids == []
        assert MOBILE_RE.findall(body) == []
        assert "contactPoint" not in body and "telephone" not in body


def test_r_rep_05_paging_is_stable_and_since_harvests_what_changed(district, client):
    all_ids = [r["ocid"] for r in _get(client, "/api/v1/open/records?page_size=100")["records"]]
    assert len(all_ids) == len(set(all_ids))
    paged: list[str] = []
    url = "/api/v1/open/records?page_size=4"
    while url:
        body = _get(client, url)
        assert body["total"] == len(all_ids)
        paged += [r["ocid"] for r in body["records"]]
        url = body["links"].get("next", "").replace("http://testserver", "")
    assert paged == all_ids  # same order, nothing twice, nothing missed
    # A later change to one project: a harvest since the moment before finds it alone.
    later = MOMENT + dt.timedelta(days=3)
    project = Project.objects.filter(owner__isnull=False).order_by("pk").first()
    assert project is not None
    Project.objects.filter(pk=project.pk).update(updated_at=later)
    since = (later - dt.timedelta(minutes=1)).isoformat()
    body = client.get("/api/v1/open/records", {"since": since}).json()
    from postaward.integrations.ocds_export import ocid_of

    assert [r["ocid"] for r in body["records"]] == [ocid_of(project)]
    assert _get(client, "/api/v1/open/records?page_size=100")["records"][-1]["ocid"] == ocid_of(
        project
    )
    assert client.get("/api/v1/open/records?page_size=500").status_code == 422


def test_r_rep_05_query_count_is_bounded(district, client, django_assert_max_num_queries):
    for url in (
        "/api/v1/open/releases?page_size=100",
        "/api/v1/open/records?page_size=100",
        "/api/v1/open/projects?page_size=100",
    ):
        with django_assert_max_num_queries(6):
            assert client.get(url).status_code == 200


def test_monthly_bulk_file_through_the_api_and_the_command(district, client, tmp_path):
    body = _get(client, "/api/v1/open/bulk/2026-11/releases.json")
    assert body["releases"] and all(r["date"].startswith("2026-11") for r in body["releases"])
    assert client.get("/api/v1/open/bulk/2026-13/releases.json").status_code == 422
    call_command("export_open_data", "--month", "2026-11", "--out", str(tmp_path))
    written = json.loads((tmp_path / "releases-2026-11.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in written["releases"]] == [r["id"] for r in body["releases"]]


def _under_way(project: Project) -> None:
    """The project started, accepted, settled and paid, with one approved change."""
    from decimal import Decimal

    from postaward.projects.choices import ParticipantRole, ProjectStatus

    contractor = project.participants.get(role=ParticipantRole.CONTRACTOR)
    EngineeringChange.objects.create(
        project=project,
        participant=contractor,
        number="BG-RT-001",
        category="design",
        title="实验室通风系统调整",
        reason="使用需求变化",
        scope="通风管道改线",
        cost_delta=Decimal("120000.00"),
        days_delta=5,
        work_date=dt.date(2026, 11, 20),
        state=ChangeState.APPROVED,
        raised_at=MOMENT - dt.timedelta(days=5),
        raised_by_name="施工员",
        raised_by_org=contractor.organisation.name,
        approved_at=MOMENT - dt.timedelta(days=2),
    )
    Project.objects.filter(pk=project.pk).update(
        status=ProjectStatus.FUNDS_PAID,
        actual_start=dt.date(2026, 11, 14),
        actual_completion=dt.date(2026, 11, 18),
        accepted_on=dt.date(2026, 11, 19),
        settled_on=dt.date(2026, 11, 20),
        settled_amount=Decimal("28770000.00"),
        funds_paid_on=dt.date(2026, 11, 21),
    )


def test_exported_release_reimported_changes_nothing(client):
    """The award import and the export round-trip (issue 18): the example awards
    imported, one carried through its implementation (an approved change,
    acceptance, settlement, payment), exported, and imported again: every row
    unchanged, nothing written but the batch and its audit line."""
    from postaward.core.models import AuditRecord, EventRecord
    from postaward.orgs.actors import actor_for_username
    from postaward.projects.models import AwardImport

    with time_machine.travel(MOMENT, tick=False):
        demo_build(0)
        actor = actor_for_username("office_staff")
        body = (EXAMPLES / "awards-ocds.json").read_text(encoding="utf-8")
        first = imports.import_awards(actor=actor, data=body, fmt="ocds", channel="api")
        assert first.count("created") == 3
        _under_way(Project.objects.get(ocid="ocds-qx3306-2026-JS0118"))
        exported = _get(client, "/api/v1/open/releases?page_size=100")
        records = _get(client, "/api/v1/open/records?page_size=100")["records"]
        # the third award's owner is not on the platform: not yet under supervision,
        # not published (ADR 0910)
        award = [r for r in exported["releases"] if "award" in r["tag"]]
        assert len(award) == len(records) == 2
        school = next(r for r in records if r["ocid"] == "ocds-qx3306-2026-JS0118")
        contract = school["compiledRelease"]["contracts"][0]
        assert contract["amendments"][0]["id"] == "BG-RT-001"
        assert contract["implementation"]["transactions"][0]["value"]["amount"] == 28770000
        compiled = [r["compiledRelease"] for r in records]
        for releases in (award, compiled):
            audits, events, batches = (
                AuditRecord.objects.count(),
                EventRecord.objects.count(),
                AwardImport.objects.count(),
            )
            fingerprint = list(Project.objects.order_by("pk").values())
            package = {**exported, "releases": releases}
            report = imports.import_awards(
                actor=actor,
                data=json.dumps(package, ensure_ascii=False),
                fmt="ocds",
                channel="api",
            )
            assert report.errors == []
            assert [row["result"] for row in report.rows] == ["unchanged"] * 2
            assert list(Project.objects.order_by("pk").values()) == fingerprint
            assert AwardImport.objects.count() == batches + 1
            assert AuditRecord.objects.count() == audits + 1
            assert EventRecord.objects.count() == events


def test_r_rep_04_open_operations_need_no_account_and_show_staff_nothing_more(district, client):
    from postaward.api import api
    from postaward.orgs.models import User

    paths = api.get_openapi_schema()["paths"]
    open_ops = [ops["get"] for path, ops in paths.items() if path.startswith("/api/v1/open/")]
    assert len(open_ops) == 6 and not any(op.get("security") for op in open_ops)
    anonymous = client.get("/api/v1/open/records?page_size=100").json()
    staff = Client()
    staff.force_login(User.objects.get(username="office_admin"))
    assert staff.get("/api/v1/open/records?page_size=100").json() == anonymous


def test_r_rep_04_a_terminated_project_stays_public_with_its_termination(district, client):
    from postaward.integrations.ocds_export import ocid_of
    from postaward.projects.choices import ProjectStatus

    project = Project.objects.filter(owner__isnull=False, participants__role="contractor").first()
    assert project is not None
    Project.objects.filter(pk=project.pk).update(
        status=ProjectStatus.TERMINATED, terminated_on=dt.date(2026, 11, 20)
    )
    record = _get(client, f"/api/v1/open/records/{ocid_of(project)}")["records"][0]
    assert record["releases"][-1]["tag"] == ["contractTermination"]
    compiled = record["compiledRelease"]
    assert {c["status"] for c in compiled["contracts"]} == {"terminated"}
    assert _errors(_validator("release-schema-1.1.4.json"), compiled) == []
    oc4ids = _get(client, "/api/v1/open/projects?page_size=100")["projects"]
    mine = next(x for x in oc4ids if x["contractingProcesses"][0]["id"] == ocid_of(project))
    assert mine["status"] == "cancelled"
    assert mine["contractingProcesses"][0]["summary"]["status"] == "closed"


def _package_validator(name: str) -> jsonschema.Draft4Validator:
    """A package schema of OCDS 1.1.5 (ADR 0923). The release package's
    releases refer to the 1.1.5 release schema by URL: that URL resolves to the
    vendored release schema (no network). The record package schema comes
    dereferenced and xz-compressed: ``_record_envelope`` puts the reference
    back where the release schema was inlined."""
    from referencing import Registry, Resource

    if name.endswith(".xz"):
        import lzma

        schema = _record_envelope(json.loads(lzma.decompress((SCHEMAS / name).read_bytes())))
    else:
        schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    release = json.loads((SCHEMAS / "release-schema-1.1.4.json").read_text(encoding="utf-8"))
    registry = Registry().with_resource(
        "https://standard.open-contracting.org/schema/1__1__5/release-schema.json",
        Resource.from_contents(release, default_specification=_DRAFT4),
    )
    return jsonschema.Draft4Validator(
        schema, registry=registry, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


from referencing.jsonschema import DRAFT4 as _DRAFT4  # noqa: E402

RELEASE_REF = {"$ref": "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"}


def _record_envelope(schema: dict[str, Any]) -> dict[str, Any]:
    """The record package schema as published: the envelope (package metadata,
    ``records``: ``ocid``, linked or embedded ``releases``) as shipped, and the
    release schema by reference where the shipped copy inlines it (with the
    extensions of its test scenario), as the official file has it (ADR 0923).
    ``versionedRelease`` is not published by the platform: any object."""
    record = schema["properties"]["records"]["items"]
    embedded = record["properties"]["releases"]["oneOf"][1]
    assert embedded["title"] == "Embedded releases"
    embedded["items"] = RELEASE_REF
    record["properties"]["compiledRelease"] = RELEASE_REF
    record["properties"]["versionedRelease"] = {"type": "object"}
    return schema


def test_r_rep_04_release_and_record_packages_validate_against_the_package_schemas(
    district, client
):
    """The envelopes (issue 18): every page of the release and record
    packages, one record by its ocid and the month's bulk file validate against
    OCDS 1.1's release-package and record-package schemas."""
    releases = _package_validator("release-package-schema-1.1.5.json")
    records = _package_validator("record-package-schema-1.1.5-dereferenced.json.xz")
    pages = 0
    for kind, validator in (("releases", releases), ("records", records)):
        url = f"/api/v1/open/{kind}?page_size=5"
        while url:
            body = _get(client, url)
            assert body[kind], url
            assert _errors(validator, body) == [], url
            pages += 1
            url = body["links"].get("next", "").replace("http://testserver", "")
    assert pages >= 4
    ocid = _get(client, "/api/v1/open/records?page_size=1")["records"][0]["ocid"]
    assert _errors(records, _get(client, f"/api/v1/open/records/{ocid}")) == []
    with time_machine.travel(MOMENT, tick=False):
        months = sorted({r["date"][:7] for r in _all_releases(client)})
        bulk = _get(client, f"/api/v1/open/bulk/{months[-1]}/releases.json")
    assert bulk["releases"] and _errors(releases, bulk) == []
    # a month without releases has no file (a package holds at least one)
    empty = client.get("/api/v1/open/bulk/2001-01/releases.json")
    assert empty.status_code == 404
    assert "2001年1月没有公开发布的数据" in empty.json()["message"]


def test_r_rep_04_the_package_schemas_catch_a_broken_envelope():
    """The envelope checks bite: a package without its publisher, with a
    version of the wrong form, or a record without its ocid is invalid."""
    releases = _package_validator("release-package-schema-1.1.5.json")
    records = _package_validator("record-package-schema-1.1.5-dereferenced.json.xz")
    base = {
        "uri": "https://example.org/p",
        "publishedDate": "2026-11-23T10:00:00+08:00",
        "version": "1.1",
    }
    release = {
        "ocid": "ocds-x-1",
        "id": "ocds-x-1-award",
        "date": "2026-11-23T10:00:00+08:00",
        "tag": ["award"],
        "initiationType": "tender",
    }
    good = {**base, "publisher": {"name": "办公室"}, "releases": [release]}
    assert _errors(releases, good) == []
    assert _errors(releases, {**good, "publisher": {}}) != []
    assert _errors(releases, {**good, "version": "1.1.4"}) != []
    assert _errors(releases, {**good, "releases": []}) != []
    rec = {
        **base,
        "publisher": {"name": "办公室"},
        "records": [{"ocid": "ocds-x-1", "releases": [release]}],
    }
    assert _errors(records, rec) == []
    assert _errors(records, {**rec, "records": [{"releases": [release]}]}) != []
