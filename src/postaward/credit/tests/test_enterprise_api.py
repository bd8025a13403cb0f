"""The credit API for integrators (R-SCO-03; ADR 0651): the bidding system's
token reads a unit's annual score, colour, reasons, blacklist and bans by
its unified social credit code; 422 for a malformed code, 404 for a unit the
district does not hold; a batch of up to 100 codes."""

from __future__ import annotations

import pytest
import time_machine

from postaward.core.idcheck import make_uscc
from postaward.testing import TokenClient, prepare

from .. import annual
from ..choices import Colour
from . import authz_rows_enterprises as rows
from . import factories_annual as fa

pytestmark = pytest.mark.django_db

URL = "/api/v1/credit/enterprises"


@pytest.fixture
def setup(district):
    with time_machine.travel(fa.AFTER_YEAR, tick=False):
        d = prepare(district, "credit-enterprises", rows.credit)
        ex = fa.two_projects(d)
        row = annual.compute_annual(ex["key"], 2026, reason="测试")
        yield d, ex, row, d.token_client("bidding_system")


def test_r_sco_03_credit_of_a_known_code(setup):
    _d, ex, row, client = setup
    r = client.get(f"{URL}/{ex['unit'].uscc}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["uscc"] == ex["unit"].uscc and body["name"] == "丙建设有限公司"
    assert (body["year"], body["score"], body["version"]) == (2026, "84.86", 1)
    assert (body["colour"], body["colour_label"]) == (Colour.BLUE, "蓝码")
    assert body["colour_reasons"] == row.colour_reasons
    assert (body["blacklisted"], body["blacklist"], body["bans"]) == (False, [], [])
    assert body["computed_at"].startswith("2027-01-20T")
    # lower case and spaces are forgiven (the code is the same)
    spaced = " " + ex["unit"].uscc.lower() + " "
    assert client.get(f"{URL}/{spaced}").json()["score"] == "84.86"


def test_r_sco_03_a_unit_never_scored_answers_without_a_score(setup):
    d, _ex, _row, client = setup
    body = client.get(f"{URL}/{d.orgs['supervisor_a'].uscc}").json()
    assert (body["score"], body["colour"], body["colour_label"]) == (None, None, "暂无评分")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91330604MA0000001", "统一社会信用代码应为18位"),
        ("91330604MA00000010X", "统一社会信用代码应为18位"),
        ("91330604MA0000001I", "统一社会信用代码含有不允许的字符"),
    ],
)
def test_r_sco_03_a_malformed_code_is_422(setup, code, message):
    *_, client = setup
    r = client.get(f"{URL}/{code}")
    assert r.status_code == 422, r.content
    assert r.json()["errors"] == [{"field": "uscc", "message": message}]


def test_r_sco_03_a_wrong_check_character_is_422(setup):
    _d, ex, _row, client = setup
    good = ex["unit"].uscc
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    r = client.get(f"{URL}/{bad}")
    assert r.status_code == 422
    assert r.json()["errors"][0]["message"] == "统一社会信用代码校验位不正确"


def test_r_sco_03_an_unknown_code_is_404(setup):
    d, *_, client = setup
    unknown = make_uscc("91330604MA9999999")
    assert client.get(f"{URL}/{unknown}").status_code == 404
    # a unit of another district is not found either
    assert client.get(f"{URL}/{d.ctx['other'].uscc}").status_code == 404


def test_r_sco_03_batch(setup):
    d, ex, _row, client = setup
    unknown = make_uscc("91330604MA9999999")
    codes = [ex["unit"].uscc, unknown, d.orgs["contractor_a"].uscc, d.ctx["other"].uscc]
    r = client.post(f"{URL}/batch", {"codes": codes}, content_type="application/json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert [i["uscc"] for i in body["items"]] == [ex["unit"].uscc, d.orgs["contractor_a"].uscc]
    assert body["items"][0]["score"] == "84.86"
    assert body["not_found"] == [unknown, d.ctx["other"].uscc]


def test_r_sco_03_batch_limits_and_malformed_codes(setup):
    _d, ex, _row, client = setup
    many = {"codes": [ex["unit"].uscc] * 101}
    r = client.post(f"{URL}/batch", many, content_type="application/json")
    assert r.status_code == 422
    hundred = {"codes": [ex["unit"].uscc] * 100}
    r = client.post(f"{URL}/batch", hundred, content_type="application/json")
    assert r.status_code == 200 and len(r.json()["items"]) == 1
    r = client.post(
        f"{URL}/batch", {"codes": [ex["unit"].uscc, "123"]}, content_type="application/json"
    )
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "codes[1]", "message": "统一社会信用代码应为18位"}]
    assert (
        client.post(f"{URL}/batch", {"codes": []}, content_type="application/json").status_code
        == 422
    )


def test_r_sco_03_the_office_reads_and_a_units_own_token_does_not(setup):
    d, ex, *_ = setup
    office = d.token_client("office_staff")
    assert office.get(f"{URL}/{ex['unit'].uscc}").status_code == 200
    unit = TokenClient(d.token_client("contractor_a_admin").token)
    r = unit.get(f"{URL}/{d.orgs['contractor_a'].uscc}")
    assert r.status_code == 403
    assert r.json()["message"] == "仅招投标系统等系统对接账号和监管办可以查询企业信用"


def test_r_sco_03_the_blacklist_extension_fills_the_documented_fields(setup):
    _d, ex, _row, client = setup

    def blacklist(o):
        if o.pk != ex["unit"].pk:
            return {}
        return {
            "blacklisted": True,
            "blacklist": [
                {
                    "reason": "串通投标",
                    "basis": "测试依据",
                    "decided_by": "测试区住建局",
                    "start": "2027-01-01",
                    "end": "2028-01-01",
                }
            ],
        }

    annual.BIDDING_EXTRAS.append(blacklist)
    try:
        body = client.get(f"{URL}/{ex['unit'].uscc}").json()
    finally:
        annual.BIDDING_EXTRAS.remove(blacklist)
    assert body["blacklisted"] is True and body["blacklist"][0]["end"] == "2028-01-01"


def test_r_sco_03_documented_in_openapi(client):
    schema = client.get("/api/v1/openapi.json").json()
    op = schema["paths"]["/api/v1/credit/enterprises/{uscc}"]["get"]
    assert "招投标" in op["summary"] and "422" in op["description"]
    props = schema["components"]["schemas"]["EnterpriseCreditOut"]["properties"]
    assert {"blacklisted", "blacklist", "bans", "colour_reasons"} <= set(props)
    assert "停业整顿" in props["bans"]["description"]
    assert "post" in schema["paths"]["/api/v1/credit/enterprises/batch"]
