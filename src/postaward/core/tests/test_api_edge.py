"""The edge of /api/: every cause of a server error found by fuzzing (issue 10 §5)
has its own test here; each failed before its fix (a 500, an HTML page, a 200
where 409/413/422 was due, or a value stored that should have been refused)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest
from django.test import override_settings

from postaward.alerts import services as alert_services
from postaward.api import api
from postaward.attendance.models import CheckIn, LeaveRequest
from postaward.core import business_calendar
from postaward.core.errors import ValidationFailed
from postaward.core.forms import DateField
from postaward.core.safejson import MAX_JSON_DEPTH
from postaward.orgs.models import Organisation
from postaward.projects import imports
from postaward.projects.models import AwardImport, KeyPersonAssignment
from postaward.projects.services.registry import _site_fields

pytestmark = pytest.mark.django_db

HUGE = 2**70


def error_of(r, status: int) -> dict:
    """The answer is ``status`` in the common JSON format."""
    assert r.status_code == status, (r.status_code, r.content[:300])
    assert r["Content-Type"].startswith("application/json"), r["Content-Type"]
    data = r.json()
    assert {"code", "message", "errors"} <= set(data), data
    return data


def fields(data: dict) -> dict:
    return {e["field"]: e["message"] for e in data["errors"]}


# --- integers beyond 64 bits -------------------------------------------------------------------------


def test_an_offset_beyond_64_bits_is_422_not_500(district):
    c = district.client("office_admin")
    for url in ("/api/v1/projects", "/api/v1/todos", "/api/v1/audit", "/api/v1/alerts"):
        data = error_of(c.get(f"{url}?offset=1{'0' * 30}"), 422)
        assert "offset" in fields(data), (url, data)


def test_an_id_beyond_64_bits_in_the_path_or_the_body_is_422(district):
    c = district.client("office_admin")
    assert "project_id" in fields(error_of(c.get(f"/api/v1/projects/{HUGE}"), 422))
    phone = district.token_client("pm_a")
    r = phone.post(
        "/api/v1/attendance/checkins",
        data=json.dumps({"project_id": HUGE, "lon": 120.0, "lat": 30.0, "accuracy_m": 5}),
        content_type="application/json",
        headers={"Idempotency-Key": "huge"},
    )
    assert fields(error_of(r, 422)) == {"project_id": "整数超出范围"}
    assert not CheckIn.objects.exists()


def test_an_integer_beyond_64_bits_anywhere_in_a_json_body_is_refused_at_the_edge(district):
    """Even where the schema takes any number (an indicator's parameters)."""
    c = district.client("office_admin")
    ind = alert_services.indicator_for("attendance.absence_streak")
    r = c.patch(
        f"/api/v1/alerts/indicators/{ind.pk}",
        data=json.dumps({"params": {"days": HUGE}}),
        content_type="application/json",
    )
    assert fields(error_of(r, 422)) == {"params.days": "整数超出范围"}


# --- NUL characters -----------------------------------------------------------------------------------


def test_a_nul_in_the_query_the_path_or_the_body_is_422_and_nothing_is_stored(district):
    c = district.client("office_admin")
    assert fields(error_of(c.get("/api/v1/projects?q=a%00b"), 422)) == {
        "q": "不能包含空字符（NUL）"
    }
    error_of(c.get("/api/v1/orgs/%00"), 422)
    before = Organisation.objects.count()
    r = c.post(
        "/api/v1/orgs",
        data=json.dumps({"parent_id": district.orgs["office"].pk, "name": "坏\u0000单位"}),
        content_type="application/json",
    )
    assert fields(error_of(r, 422)) == {"name": "不能包含空字符（NUL）"}
    assert Organisation.objects.count() == before


def test_a_nul_in_a_csv_import_is_422_at_the_edge_and_a_file_error_in_the_parser(district):
    c = district.client("office_admin")
    r = c.post("/api/v1/projects/imports/csv", data=b"a,b\n\x00", content_type="text/csv")
    error_of(r, 422)
    header = imports.csv_template().lstrip("\ufeff").rstrip("\r\n")
    records, errors = imports.parse_csv(header + "\nA\x00,B\n")
    assert not records and errors[0]["row"] == 2 and "NUL" in errors[0]["reason"]


# --- dates --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["9999-12-31", "0001-01-01", "1979-12-31", "2101-01-01"])
def test_a_legal_period_far_from_now_is_422_with_the_window_named(district, start):
    c = district.client("office_admin")
    data = error_of(c.get(f"/api/v1/calendar/period?start={start}&length=15"), 422)
    assert fields(data) == {"start": "日期应在 1980-01-01 至 2100-12-31 之间"}


def test_a_legal_period_inside_the_window_is_answered_by_its_own_schema(district):
    c = district.client("office_admin")
    r = c.get("/api/v1/calendar/period?start=2100-12-01&length=15&unit=working_days")
    assert r.status_code == 200, r.content
    assert set(r.json()) == {
        "start",
        "length",
        "unit",
        "last_day",
        "due_at",
        "description",
        "calendar_covered",
    }
    assert business_calendar.is_working_day(dt.date.fromisoformat(r.json()["last_day"]))


def test_a_leave_on_9999_12_31_is_refused_and_not_stored(district):
    phone = district.token_client("pm_a")
    assignment = KeyPersonAssignment.objects.filter(person=district.users["pm_a"].person).first()
    r = phone.post(
        "/api/v1/attendance/leave",
        data=json.dumps(
            {
                "assignment_id": assignment.pk,
                "starts_on": "9999-12-31",
                "ends_on": "9999-12-31",
                "reason": "探亲",
            }
        ),
        content_type="application/json",
    )
    assert fields(error_of(r, 422))["starts_on"] == "日期应在 1980-01-01 至 2100-12-31 之间"
    assert not LeaveRequest.objects.exists()


def test_a_date_typed_into_a_page_is_bounded_the_same_way():
    field = DateField()
    assert field.clean("2026-03-10") == dt.date(2026, 3, 10)
    for bad in ("0001-01-01", "9999-12-31"):
        with pytest.raises(Exception, match="1980-01-01"):
            field.clean(bad)


def test_a_moment_at_the_end_of_time_with_an_offset_is_422_not_an_overflow(district):
    phone = district.token_client("pm_a")
    r = phone.post(
        "/api/v1/attendance/checkins",
        data=json.dumps(
            {
                "project_id": district.projects["p_school"].pk,
                "lon": 120.0,
                "lat": 30.0,
                "accuracy_m": 5,
                "client_at": "9999-12-31T23:59:59-12:00",
            }
        ),
        content_type="application/json",
        headers={"Idempotency-Key": "end-of-time"},
    )
    assert "client_at" in fields(error_of(r, 422))


# --- null in a PATCH, a polygon of one coordinate ---------------------------------------------------


def test_null_for_a_field_of_a_patch_is_422_not_500(district):
    c = district.client("office_admin")
    ind = alert_services.indicator_for("attendance.absence_streak")
    r = c.patch(
        f"/api/v1/alerts/indicators/{ind.pk}",
        data=json.dumps({"enabled": None}),
        content_type="application/json",
    )
    assert fields(error_of(r, 422)) == {"enabled": "不能为空"}
    ind.refresh_from_db()
    assert ind.enabled is True


def test_the_openapi_document_does_not_offer_null_where_it_is_refused():
    props = api.get_openapi_schema()["components"]["schemas"]["IndicatorPatch"]["properties"]
    assert props["enabled"] == {"title": "Enabled", "type": "boolean"}


def test_a_polygon_with_one_coordinate_per_vertex_is_422(district):
    c = district.client("school_admin")
    p = district.projects["p_school"]
    r = c.put(
        f"/api/v1/projects/{p.pk}/site",
        data=json.dumps({"site_kind": "polygon", "polygon": [[120.1], [120.2], [120.3]]}),
        content_type="application/json",
    )
    assert "polygon.0" in fields(error_of(r, 422))
    with pytest.raises(ValidationFailed, match="经度, 纬度"):
        _site_fields(site_kind="polygon", polygon=[[120.1], [120.2], [120.3]])


def test_a_polygon_vertex_with_an_altitude_is_read_as_longitude_and_latitude():
    ring = [[120.0, 30.0, 5.0], [120.01, 30.0, 5.0], [120.01, 30.01, 5.0]]
    values = _site_fields(site_kind="polygon", polygon=ring)
    assert values["site_polygon"][0] == [120.0, 30.0]


# --- imports: a bare CR, OCDS nested 50,000 deep, a top-level [] -----------------------------------


def test_a_csv_with_bare_cr_line_ends_is_read_as_rows():
    template = imports.csv_template().lstrip("\ufeff").rstrip("\r\n")
    text = template + "\r" + ",".join(["X"] * len(template.split(","))) + "\r"
    records, errors = imports.parse_csv(text)
    assert not errors and len(records) == 1  # the row is read (and checked) rather than crashing


def test_a_bare_cr_inside_a_quoted_cell_stays_in_the_cell():
    template = imports.csv_template().lstrip("\ufeff").rstrip("\r\n")
    width = len(template.split(","))
    row = ",".join(['"甲\r乙"', *["X"] * (width - 1)])
    records, errors = imports.parse_csv(template + "\r" + row + "\r")
    assert not errors and len(records) == 1


def test_ocds_nested_50000_deep_is_422_before_parsing_and_a_file_error_for_the_parser(district):
    c = district.client("office_admin")
    deep = "[" * 50_000 + "]" * 50_000
    r = c.post("/api/v1/projects/imports/ocds", data=deep, content_type="application/json")
    assert "嵌套层级过深" in fields(error_of(r, 422))[None]
    assert not AwardImport.objects.exists()
    shallow_but_too_deep = (
        '{"releases": ' + "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1) + "}"
    )
    records, errors = imports.parse_ocds(shallow_but_too_deep)
    assert not records and "嵌套层级过深" in errors[0]["reason"]
    records, errors = imports.parse_ocds(deep)
    assert not records and "嵌套层级过深" in errors[0]["reason"]


@pytest.mark.parametrize("body", ["[]", "[{}]", '"x"', "{}", '{"releases": []}'])
def test_an_ocds_body_that_is_not_a_release_package_is_422_not_200(district, body):
    c = district.client("office_admin")
    r = c.post("/api/v1/projects/imports/ocds", data=body, content_type="application/json")
    error_of(r, 422)
    assert not AwardImport.objects.exists()


# --- 413, 404, 405, 500: one JSON format ------------------------------------------------------------


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024 * 1024)
def test_a_body_over_the_limit_is_413_json_not_an_html_400(district):
    c = district.client("office_admin")
    big = b"x" * (2 * 1024 * 1024)
    data = error_of(c.post("/api/v1/projects/imports/csv", data=big, content_type="text/csv"), 413)
    assert data["code"] == "payload_too_large" and "1 MB" in data["message"]
    data = error_of(
        c.post("/api/v1/orgs", data=b"{" + big + b"}", content_type="application/json"), 413
    )
    assert data["code"] == "payload_too_large"


def test_an_address_outside_every_router_is_404_json(district):
    c = district.client("office_admin")
    assert error_of(c.get("/api/v2/projects"), 404)["code"] == "not_found"


def test_an_unexpected_exception_is_500_json_with_the_request_id_and_logged(
    district, monkeypatch, caplog
):
    def broken(day):  # a bug anywhere below a view
        raise RuntimeError("boom")

    monkeypatch.setattr(business_calendar, "describe_day", broken)
    c = district.client("office_admin")
    r = c.get("/api/v1/calendar/days?start=2026-03-02&end=2026-03-03")
    data = error_of(r, 500)
    assert data["code"] == "server_error" and data["request_id"] == r["X-Request-ID"]
    assert data["request_id"] in data["message"] and "boom" not in json.dumps(data)
    logged = [rec for rec in caplog.records if rec.name == "postaward.api"]
    assert logged and data["request_id"] in logged[0].getMessage() and logged[0].exc_info


# --- idempotency: the same key with another body ------------------------------------------------------


def test_a_check_in_retry_with_the_same_key_and_another_body_is_409(district):
    phone = district.token_client("pm_a")
    p = district.projects["p_school"]

    def post(**kw):
        body = {"project_id": p.pk, "lon": 120.0, "lat": 30.0, "accuracy_m": 8.0} | kw
        return phone.post(
            "/api/v1/attendance/checkins",
            data=json.dumps(body),
            content_type="application/json",
            headers={"Idempotency-Key": "same-key"},
        )

    first = post()
    assert first.status_code in (200, 201), first.content
    assert post().status_code == 200  # a true retry replays
    for change in ({"accuracy_m": 50.0}, {"device_id": "另一台"}, {"mock_location": True}):
        assert error_of(post(**change), 409)["code"] == "idempotency_mismatch", change
    assert CheckIn.objects.count() == 1


# --- the OpenAPI document -----------------------------------------------------------------------------


def test_no_two_schemas_of_the_api_share_a_name():
    """Two classes called ``PeriodOut`` made /calendar/period document the
    attendance period: a component name is one class."""
    from pydantic import BaseModel

    def walk(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    names = Counter(
        c.__name__ for c in set(walk(BaseModel)) if c.__module__.startswith("postaward.")
    )
    assert [n for n, k in names.items() if k > 1] == []


def test_every_reference_of_the_openapi_document_resolves():
    doc = api.get_openapi_schema()
    text = json.dumps(doc)
    refs = set(__import__("re").findall(r'"\$ref": "([^"]+)"', text))
    for ref in refs:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[1] in doc["components"]["schemas"], ref
