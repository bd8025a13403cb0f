"""Bad input (issue section 6): strict types, unknown fields, identifiers checked
by GB 32100 / GB 11643, all answered as ``{code, message, errors}`` with the
field named and a Chinese message, and nothing changed."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pydantic
import pytest

from postaward.core.idcheck import make_resident_id, make_uscc
from postaward.orgs.models import Person
from postaward.testing import db_fingerprint, resident_id, uscc

pytestmark = pytest.mark.django_db


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def call(client, method, path, body=None, raw=None):
    if raw is not None:
        return getattr(client, method)(path, data=raw, content_type="application/json")
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(
        path, data=json.dumps(body, ensure_ascii=False), content_type="application/json"
    )


def refused(client, method, path, body=None, *, status=422, raw=None):
    before = db_fingerprint()
    r = call(client, method, path, body, raw)
    assert r.status_code == status, r.content[:500]
    assert db_fingerprint() == before
    data = r.json()
    assert set(data) == {"code", "message", "errors"}, data
    assert has_chinese(data["message"])
    for err in data["errors"]:
        assert has_chinese(err["message"]), err
    return data


def fields(data) -> dict[str, str]:
    return {e["field"]: e["message"] for e in data["errors"]}


def org_body(d, **kw):
    return {
        "parent_id": d.orgs["office"].pk,
        "name": "丙建设有限公司",
        "kind": "contractor",
        "uscc": uscc(),
        **kw,
    }


# --- strict types and unknown fields ---------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/orgs", {"parent_id": "1"}, "parent_id"),  # a string for an int
        ("/api/v1/orgs", {"parent_id": 1.5}, "parent_id"),
        ("/api/v1/orgs", {"parent_id": True}, "parent_id"),
        ("/api/v1/orgs", {"name": 123}, "name"),
        ("/api/v1/orgs", {"kind": "ministry"}, "kind"),
        ("/api/v1/orgs", {"name": "x" * 201}, "name"),
        ("/api/v1/orgs", {"name": ""}, "name"),
    ],
)
def test_strict_types_are_422_with_the_field(district, path, body, field):
    data = refused(district.client("office_admin"), "post", path, org_body(district, **body))
    assert data["code"] == "validation_error"
    assert field in fields(data), data


def test_string_for_int_messages(district):
    data = refused(
        district.client("office_admin"), "post", "/api/v1/orgs", org_body(district, parent_id="1")
    )
    assert fields(data) == {"parent_id": "应为整数"}
    data = refused(
        district.client("office_admin"),
        "post",
        "/api/v1/orgs",
        org_body(district, name="x" * 201),
    )
    assert fields(data) == {"name": "过长（最多 200 个字符）"}


def test_unknown_fields_are_refused_not_ignored(district):
    d = district
    data = refused(d.client("office_admin"), "post", "/api/v1/orgs", org_body(d, path="00000001/"))
    assert fields(data) == {"path": "不允许的字段"}
    # A PATCH cannot slip in a field it does not declare (kind, parent, path).
    data = refused(
        d.client("edu_admin"),
        "patch",
        f"/api/v1/orgs/{d.orgs['school'].pk}",
        {"parent_id": d.orgs["office"].pk, "kind": "supervision_office"},
    )
    assert fields(data) == {"parent_id": "不允许的字段", "kind": "不允许的字段"}
    data = refused(
        d.client("school_admin"),
        "post",
        "/api/v1/accounts",
        {
            "organisation_id": d.orgs["school"].pk,
            "username": "sneaky",
            "roles": ["owner_project_leader"],
            "is_superuser": True,
        },
    )
    assert fields(data) == {"is_superuser": "不允许的字段"}


def test_missing_fields_are_named(district):
    data = refused(district.client("office_admin"), "post", "/api/v1/orgs", {})
    assert fields(data) == {"parent_id": "必填", "name": "必填", "kind": "必填"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"is_party_member": "true"}, "is_party_member"),
        ({"is_public_official": 1}, "is_public_official"),
        ({"organisation_id": "3"}, "organisation_id"),
    ],
)
def test_strict_bools_and_ints_of_people(district, body, field):
    d = district
    data = refused(
        d.client("school_admin"),
        "post",
        "/api/v1/people",
        {"organisation_id": d.orgs["school"].pk, "name": "王五", **body},
    )
    assert field in fields(data)


def test_roles_must_be_a_list_of_known_roles(district):
    d = district
    c = d.client("school_admin")
    path = f"/api/v1/accounts/{d.users['school_leader'].pk}/roles"
    data = refused(c, "put", path, {"roles": "admin"})
    assert fields(data) == {"roles": "应为列表"}
    data = refused(c, "put", path, {"roles": ["owner_project_leader", "root"]})
    assert fields(data) == {"roles.1": "取值不在允许范围内"}


def test_path_and_query_parameters_are_typed(district):
    c = district.client("office_admin")
    data = refused(c, "get", "/api/v1/orgs/abc")
    assert fields(data) == {"org_id": "应为整数"}
    data = refused(c, "get", "/api/v1/orgs?kind=ministry")
    assert fields(data) == {"kind": "取值不在允许范围内"}
    data = refused(c, "get", "/api/v1/orgs?limit=many")
    assert fields(data) == {"limit": "应为整数"}
    data = refused(c, "get", "/api/v1/people?organisation_id=x")
    assert "organisation_id" in fields(data)


def test_a_body_that_is_not_json_is_400_in_the_common_format(district):
    data = refused(
        district.client("office_admin"), "post", "/api/v1/orgs", raw="{not json", status=400
    )
    assert data["code"] == "bad_request"


def test_an_unknown_api_address_is_404_in_the_common_format(district):
    data = refused(district.client("office_admin"), "get", "/api/v1/no-such-thing", status=404)
    assert data["code"] == "not_found"
    data = refused(district.client("office_admin"), "post", "/api/v1/orgs/1/merge", {}, status=404)


def test_patch_with_null_for_a_required_field_is_422(district):
    d = district
    c = d.client("edu_admin")
    data = refused(c, "patch", f"/api/v1/orgs/{d.orgs['school'].pk}", {"is_active": None})
    assert fields(data) == {"is_active": "不能为空"}
    data = refused(
        d.client("school_admin"),
        "patch",
        f"/api/v1/people/{d.users['school_leader'].person.pk}",
        {"title": None},
    )
    assert fields(data) == {"title": "不能为空"}


# --- unified social credit code (GB 32100) ----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("91330604MA0000001", "统一社会信用代码应为18位"),
        (make_uscc("91330604MA2000001")[:-1] + "0", "统一社会信用代码校验位不正确"),
        ("91330604MA200000IO", "统一社会信用代码含有不允许的字符"),
        ("", "企业须填写统一社会信用代码"),
    ],
)
def test_invalid_uscc_is_422_on_the_uscc_field(district, value, message):
    good = make_uscc("91330604MA2000001")
    if value[:-1] == good[:-1] and value == good:  # pragma: no cover - guard the fixture
        pytest.fail("the broken code must differ from the valid one")
    data = refused(
        district.client("office_admin"), "post", "/api/v1/orgs", org_body(district, uscc=value)
    )
    assert fields(data) == {"uscc": message}


def test_valid_uscc_is_accepted_normalised_and_unique(district):
    d = district
    c = d.client("office_admin")
    code = make_uscc("91330604MA2000001")
    r = call(c, "post", "/api/v1/orgs", org_body(d, uscc=code.lower()))
    assert r.status_code == 201, r.content
    assert r.json()["uscc"] == code
    data = refused(c, "post", "/api/v1/orgs", org_body(d, uscc=code, name="重复"), status=409)
    assert fields(data) == {"uscc": "该统一社会信用代码已登记"}


# --- resident identity number (GB 11643) --------------------------------------------------------


def person_body(d, id_number, **kw):
    return {"organisation_id": d.orgs["school"].pk, "name": "王五", "id_number": id_number, **kw}


GOOD_ID = make_resident_id("330106", dt.date(1985, 6, 1), 5)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (GOOD_ID[:-1], "身份证号码应为18位"),
        (GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1"), "身份证号码校验位不正确"),
        ("33010619850A010051", "身份证号码格式不正确（前17位为数字，末位为数字或X）"),
        (make_resident_id("330106", dt.date(2099, 1, 1), 5), "身份证号码中的出生日期无效"),
    ],
)
def test_invalid_resident_id_is_422_on_the_id_number_field(district, value, message):
    d = district
    data = refused(d.client("school_admin"), "post", "/api/v1/people", person_body(d, value))
    assert fields(data) == {"id_number": message}
    # The same on edit.
    data = refused(
        d.client("school_admin"),
        "patch",
        f"/api/v1/people/{d.users['school_leader'].person.pk}",
        {"id_number": value},
    )
    assert fields(data) == {"id_number": message}


def test_impossible_birth_date_is_refused(district):
    d = district
    body17 = "33010619850230005"  # 30 February
    from stdnum.cn import ric

    value = body17 + ric.calc_check_digit(body17 + "0")
    data = refused(d.client("school_admin"), "post", "/api/v1/people", person_body(d, value))
    assert fields(data) == {"id_number": "身份证号码中的出生日期无效"}


def test_valid_resident_id_is_accepted_without_warning(district):
    d = district
    r = call(d.client("school_admin"), "post", "/api/v1/people", person_body(d, GOOD_ID.lower()))
    assert r.status_code == 201, r.content
    assert r.json()["warnings"] == []
    person = Person.objects.get(pk=r.json()["id"])
    assert person.id_number == GOOD_ID
    assert person.birth_date == dt.date(1985, 6, 1)
    # The number is masked on the way out.
    assert GOOD_ID not in r.content.decode()


def test_area_code_mismatch_is_accepted_with_a_warning(district):
    d = district
    # 330682 is Shangyu's pre-2013 code: valid cards still carry it, but it does not
    # match a 1985 birth; 999999 is in no register at all.
    for area in ("330682", "999999"):
        value = make_resident_id(area, dt.date(1985, 6, 1), 7)
        r = call(d.client("school_admin"), "post", "/api/v1/people", person_body(d, value))
        assert r.status_code == 201, r.content
        body = r.json()
        assert len(body["warnings"]) == 1 and area in body["warnings"][0]
        assert has_chinese(body["warnings"][0])
        assert body["id_number_warning"] == body["warnings"][0]


def test_duplicate_resident_id_is_409(district):
    d = district
    rid = resident_id()
    assert (
        call(d.client("school_admin"), "post", "/api/v1/people", person_body(d, rid)).status_code
        == 201
    )
    data = refused(
        d.client("school_admin"), "post", "/api/v1/people", person_body(d, rid), status=409
    )
    assert fields(data) == {"id_number": "该身份证号码已登记"}


def test_invalid_mobile_is_422(district):
    d = district
    data = refused(
        d.client("school_admin"),
        "post",
        "/api/v1/people",
        {"organisation_id": d.orgs["school"].pk, "name": "王五", "mobile": "0575-82123456"},
    )
    assert "mobile" in fields(data)


def test_qualification_dates_must_be_in_order(district):
    d = district
    data = refused(
        d.client("contractor_a_admin"),
        "post",
        f"/api/v1/people/{d.users['pm_a'].person.pk}/qualifications",
        {
            "kind": "constructor_2",
            "number": "浙233000002",
            "issued_on": "2026-01-01",
            "valid_until": "2025-12-31",
        },
    )
    assert fields(data) == {"valid_until": "有效期不能早于发证日期"}
    data = refused(
        d.client("contractor_a_admin"),
        "post",
        f"/api/v1/people/{d.users['pm_a'].person.pk}/qualifications",
        {"kind": "wizard", "number": "浙233000002"},
    )
    assert fields(data) == {"kind": "证书类型不正确"}


# --- the same checks on the pages ---------------------------------------------------------------


def test_pages_put_identifier_errors_beside_the_field(district):
    d = district
    before = db_fingerprint()
    r = d.client("office_admin").post(
        f"/orgs/new/?parent={d.orgs['office'].pk}",
        {"name": "丙建设有限公司", "kind": "contractor", "uscc": "91330604MA0000001"},
    )
    assert r.status_code == 200
    assert r.context["form"].errors["uscc"] == ["统一社会信用代码应为18位"]
    r = d.client("school_admin").post(
        f"/people/new/?org={d.orgs['school'].pk}",
        {"name": "王五", "id_number": GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")},
    )
    assert r.status_code == 200
    assert r.context["form"].errors["id_number"] == ["身份证号码校验位不正确"]
    assert db_fingerprint() == before


def test_pages_accept_an_area_code_mismatch_with_a_warning(district):
    d = district
    value = make_resident_id("999999", dt.date(1985, 6, 1), 8)
    r = d.client("school_admin").post(
        f"/people/new/?org={d.orgs['school'].pk}", {"name": "王五", "id_number": value}, follow=True
    )
    assert r.status_code == 200
    texts = [str(m) for m in r.context["messages"]]
    assert any("999999" in t for t in texts), texts


def test_an_empty_role_list_is_refused_in_chinese(district):
    c = district.client("school_admin")
    body = {"organisation_id": district.orgs["school"].pk, "username": "newcomer", "roles": []}
    data = refused(c, "post", "/api/v1/accounts", body, status=422)
    assert fields(data) == {"roles": "项数过少（至少 1 项）"}


class _Limits(pydantic.BaseModel):
    amount: Decimal = pydantic.Field(max_digits=6, decimal_places=2)
    ids: list[int] = pydantic.Field(max_length=2)
    day: dt.date
    count: int
    code: str = pydantic.Field(pattern=r"^\d{6}$")


@pytest.mark.parametrize(
    "value,field,message",
    [
        ({"amount": "1.234"}, "amount", "小数位数过多（最多 2 位小数）"),
        ({"amount": "12345.6"}, "amount", "整数位数过多（整数部分最多 4 位）"),
        ({"ids": [1, 2, 3]}, "ids", "项数过多（最多 2 项）"),
        ({"day": "2026-12-04T10:30:00"}, "day", "应为日期（YYYY-MM-DD）"),
        ({"count": 1.5}, "count", "应为整数"),
        ({"code": "12a"}, "code", "格式不正确"),
    ],
)
def test_pydantic_refusals_read_in_chinese(value, field, message):
    """Every pydantic error the API can return is put into Chinese; an error type
    without a translation reads 取值无效 rather than pydantic's English."""
    from postaward.api import _zh

    body = {"amount": "1.00", "ids": [], "day": "2026-12-04", "count": 1, "code": "123456"}
    with pytest.raises(pydantic.ValidationError) as exc:
        _Limits.model_validate({**body, **value})
    (err,) = exc.value.errors()
    assert err["loc"] == (field,)
    assert _zh(dict(err)) == message
    assert _zh({"type": "some_future_error", "msg": "Input should be …"}) == "取值无效"


def test_a_method_the_api_path_does_not_serve_is_405_in_the_common_format(district):
    c = district.client("office_admin")
    before = db_fingerprint()
    r = c.delete("/api/v1/orgs")
    assert r.status_code == 405
    assert db_fingerprint() == before
    data = r.json()
    assert set(data) == {"code", "message", "errors"}
    assert data["code"] == "method_not_allowed" and has_chinese(data["message"])
    assert "GET" in r["Allow"] and "DELETE" in data["message"]
    # pages keep Django's own answer
    assert c.get("/accounts/logout/").status_code == 405
