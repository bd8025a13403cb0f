"""The contract-check API (R-INS-07): open with an idempotency key, compare
and conclude through the steps endpoints, bad input refused in Chinese with
nothing changed."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from postaward.inspections.models.contracts import CheckState, ContractCheck
from postaward.testing import db_fingerprint

from . import factories_contracts as f

pytestmark = pytest.mark.django_db

BASE = "/api/v1/inspections/contract-checks"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _post(client, url, data, **headers):  # type: ignore[no-untyped-def]
    return client.post(
        url, json.dumps(data), content_type="application/json", headers=headers or None
    )


def test_r_ins_07_open_compare_conclude_through_the_api(district):
    f.contract(district)
    f.agreement(district, amount_change=Decimal("2000000"))
    body = {
        "project_id": district.projects["p_school"].pk,
        "reason": "专项检查",
        **f.team(district),
    }
    office = district.client("office_staff")
    first = _post(office, BASE, body, **{"Idempotency-Key": "open-1"})
    again = _post(office, BASE, body, **{"Idempotency-Key": "open-1"})
    assert first.status_code == 201, first.content
    assert again.json() == first.json() and ContractCheck.objects.count() == 1
    pk = first.json()["id"]

    leader = district.client("housing_staff")
    steps = leader.get(f"{BASE}/{pk}/steps").json()
    assert {s["name"]: s["allowed"] for s in steps} == {"compare": True, "conclude": False}
    compared = _post(leader, f"{BASE}/{pk}/steps/compare", {})
    assert compared.status_code == 200, compared.content
    detail = compared.json()
    assert detail["state"] == CheckState.COMPARED
    assert [c["title"] for c in detail["comparison"]["columns"]][2] == "补充协议 BC-01"
    assert [x["rule"] for x in detail["flags"]] == ["shadow.amount"]

    before = db_fingerprint()
    bad = _post(
        leader,
        f"{BASE}/{pk}/steps/conclude",
        {"summary": "x", "conclusions": [{"flag_id": 999999, "confirmed": True}]},
    )
    assert bad.status_code == 422 and "疑点不属于本次检查" in bad.json()["message"]
    assert db_fingerprint() == before

    flag = detail["flags"][0]["id"]
    done = _post(
        leader,
        f"{BASE}/{pk}/steps/conclude",
        {"summary": "调增价款超过10%", "conclusions": [{"flag_id": flag, "confirmed": True}]},
    )
    assert done.status_code == 200, done.content
    out = done.json()
    assert out["state"] == CheckState.CONCLUDED and out["suspected"]
    assert out["flags"][0]["confirmed"] is True and out["case_requested_at"]


def test_r_ins_07_api_list_scoped(district):
    c = f.opened(district)
    assert [x["id"] for x in district.client("housing_staff").get(BASE).json()] == [c.pk]
    assert district.client("transport_staff").get(BASE).json() == []
    assert district.client("contractor_a_admin").get(BASE).status_code == 403
    assert district.client(None).get(BASE).status_code == 401
