"""The experts' and agents' API: one grade per expert per event per side with
the Idempotency-Key (R-SCO-06), bad input 422 with nothing changed, the
choice refused without justification (R-SCO-09), masked names (R-SCO-06)."""

from __future__ import annotations

import json

import pytest

from ..models import AgentChoice, ExpertEvaluation, ExpertReport
from . import factories_agents as f

pytestmark = pytest.mark.django_db

BASE = "/api/v1/credit"


def _post(client, url, body, key=None):  # type: ignore[no-untyped-def]
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(
        url,
        data=json.dumps(body, ensure_ascii=False),
        content_type="application/json",
        headers=headers,
    )


def test_r_sco_06_api_one_grade_per_side_and_the_key_replays(district):
    e = f.event(district)
    expert = e.experts.order_by("pk").first()
    c = district.client("school_admin")
    url = f"{BASE}/evaluation-events/{e.pk}/evaluations"
    body = {"expert_id": expert.pk, "grade": "D", "reasons": "泄露评标信息，情节严重"}
    first = _post(c, url, body, key="eval-1")
    assert first.status_code == 201
    out = first.json()
    assert (
        out["reported"] is True
        and out["expert"] == "王*审"
        and "王评审" not in json.dumps(out, ensure_ascii=False)
    )
    again = _post(c, url, body, key="eval-1")
    assert again.status_code == 201 and again.json()["id"] == out["id"]
    refused = _post(c, url, {**body, "grade": "A"})
    assert refused.status_code == 409 and "一事一评" in refused.json()["message"]
    assert ExpertEvaluation.objects.count() == 1 and ExpertReport.objects.count() == 1


@pytest.mark.parametrize(
    "patch",
    [{"grade": "E"}, {"reasons": ""}, {"expert_id": 0}, {"extra": 1}],
)
def test_r_sco_06_api_bad_input_is_422_and_changes_nothing(district, patch):
    e = f.event(district)
    body = {"expert_id": e.experts.first().pk, "grade": "B", "reasons": "评标认真，遵守纪律"}
    r = _post(
        district.client("school_admin"),
        f"{BASE}/evaluation-events/{e.pk}/evaluations",
        {**body, **patch},
    )
    assert r.status_code == 422
    assert not ExpertEvaluation.objects.exists()


def test_r_sco_09_api_choice_without_justification_is_422(district):
    _, poor = f.rated_agents(district)
    c = district.client("school_admin")
    body = {"project_id": district.projects["p_school"].pk, "agent_id": poor.pk, "method": "比选"}
    r = _post(c, f"{BASE}/agent-choices", body)
    assert r.status_code == 422 and "书面说明" in r.json()["message"]
    assert not AgentChoice.objects.exists()
    r = _post(
        c,
        f"{BASE}/agent-choices",
        {**body, "justification": "该机构熟悉本校项目前期情况，经班子集体研究决定"},
    )
    assert r.status_code == 201
    assert r.json()["filed_with"] == "测试区纪委监委" and r.json()["best_rated"] is False


def test_r_sco_09_api_an_official_is_refused_from_the_pool(district):
    from postaward.testing import person

    p = person(district.orgs["transport"], name="陈科员")
    r = _post(
        district.client("office_staff"),
        f"{BASE}/expert-pool",
        {"person_id": p.pk, "specialty": "交通"},
    )
    assert r.status_code == 422 and "不得进入评标专家库" in r.json()["message"]
