"""The pure draw algorithm (draw.py): minimum samples with the proportional
raise to 30 (R-INS-03), risk weights (R-INS-04), the reproducible
commit–reveal draw and its verification (R-INS-02), at least two inspectors
and the exclusions (R-INS-09). No database."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from postaward.inspections import draw as algo

SEED = "a" * 64
OTHER = "b" * 64


def pool(housing: int = 200, transport: int = 100, **more: int) -> dict:
    projects = []
    n = 0
    for industry, count in (("housing", housing), ("transport", transport), *more.items()):
        for _ in range(count):
            n += 1
            projects.append(
                {
                    "id": n,
                    "code": f"P-{n:04d}",
                    "name": f"项目{n}",
                    "industry": industry,
                    "department_id": 100 if industry == "housing" else 200,
                    "department": "住建局" if industry == "housing" else "交通局",
                    "weight": 3.0 if n % 7 == 0 else 1.0,
                    "why": [],
                }
            )
    return {"rule": {}, "on": "2026-04-01", "weights": {}, "projects": projects}


def inspectors(exclusions: dict | None = None) -> dict:
    people = [
        {"id": 1, "person_id": 11, "name": "甲", "number": "1", "department_id": 100},
        {"id": 2, "person_id": 12, "name": "乙", "number": "2", "department_id": 100},
        {"id": 3, "person_id": 13, "name": "丙", "number": "3", "department_id": 200},
        {"id": 4, "person_id": 14, "name": "丁", "number": "4", "department_id": 200},
        {"id": 5, "person_id": 15, "name": "戊", "number": "5", "department_id": 1},
    ]
    return {"on": "2026-04-01", "inspectors": people, "exclusions": exclusions or {}}


PARAMS = {
    "algorithm": algo.ALGORITHM,
    "sampling": "random",
    "sample_size": None,
    "uniform_share": "0.30",
    "team_size": 2,
    "lead_org_id": 1,
}


def test_r_ins_03_200_housing_100_transport_gives_at_least_10_plus_10_and_30_in_total():
    q = algo.minimum_samples({"housing": 200, "transport": 100})
    # 5 % of 200 = 10, 10 % of 100 = 10: 20 < 30, raised in proportion (× 1.5) → 15 + 15
    assert q.per_industry == {"housing": 15, "transport": 15}
    assert q.total == 30
    assert q.per_industry["housing"] >= 10 and q.per_industry["transport"] >= 10
    text = "\n".join(q.lines)
    assert "房建市政：项目库 200 个 × 5% = 10，向上取整为 10 个" in text
    assert "交通：项目库 100 个 × 10% = 10，向上取整为 10 个" in text
    assert "按比例上调（系数 1.500" in text
    assert "合计 30 个项目" in text


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"housing": 1000}, {"housing": 50}),  # exactly 5 %, above 30: no raise
        ({"housing": 1001}, {"housing": 51}),  # 50.05 rounds up
        ({"transport": 400}, {"transport": 40}),  # exactly 10 %
        ({"transport": 401}, {"transport": 41}),  # 40.1 rounds up
        ({"water": 301}, {"water": 31}),
        ({"housing": 20}, {"housing": 20}),  # pool below 30: everything
        ({"housing": 600, "transport": 10}, {"housing": 30, "transport": 1}),
    ],
)
def test_r_ins_03_5_and_10_percent_edges_round_up(counts, expected):
    assert algo.minimum_samples(counts).per_industry == expected


def test_r_ins_03_raise_stops_at_an_exhausted_industry_and_rounds_up():
    # housing 5 % of 100 = 5, transport 10 % of 12 = 1.2 → 2; raise to 30:
    # transport capped at 12, the rest goes to housing
    q = algo.minimum_samples({"housing": 100, "transport": 12})
    assert q.per_industry["transport"] <= 12
    assert q.total >= 30
    assert q.per_industry["housing"] >= 18


def test_r_ins_03_self_check_20_percent_and_contract_5_to_10_percent():
    assert algo.minimum_samples({"housing": 51}, "self_check").per_industry == {"housing": 11}
    q = algo.minimum_samples({"housing": 41}, "contract")
    assert q.per_industry == {"housing": 3}  # 5 % of 41 = 2.05 → 3
    assert any("上限 10% 为 4 个" in line for line in q.lines)


def test_r_ins_03_a_pool_of_0_is_refused():
    with pytest.raises(algo.DrawRefused, match="项目库为空"):
        algo.minimum_samples({})
    with pytest.raises(algo.DrawRefused, match="项目库为空"):
        algo.run(pool(0, 0), inspectors(), PARAMS, SEED)


def test_r_ins_03_a_sample_larger_than_the_pool_is_refused():
    with pytest.raises(algo.DrawRefused, match="超过项目库项目数"):
        algo.minimum_samples({"housing": 10}, sample_size=11)


def test_r_ins_02_same_seed_and_pool_same_draw_other_seed_other_draw():
    a = algo.run(pool(), inspectors(), PARAMS, SEED)
    b = algo.run(copy.deepcopy(pool()), inspectors(), dict(PARAMS), SEED)
    c = algo.run(pool(), inspectors(), PARAMS, OTHER)
    assert a == b
    ids = lambda r: [s["project_id"] for s in r["selections"]]  # noqa: E731
    assert ids(a) != ids(c)
    assert len(ids(a)) == 30 and len(set(ids(a))) == 30


def test_r_ins_04_weighted_part_and_uniform_part():
    r = algo.run(pool(), inspectors(), PARAMS, SEED)
    parts = [s["part"] for s in r["selections"]]
    # round(15 × 0.30) = 5 (half up: 4.5 → 5) uniform per industry
    assert parts.count("uniform") == 10 and parts.count("weighted") == 20
    # over many seeds, a weight-3 project is drawn more often than a weight-1 one
    heavy = light = 0
    for i in range(60):
        sel = algo.run(pool(), inspectors(), PARAMS, f"{i:064x}")["selections"]
        heavy += sum(1 for s in sel if s["weight"] == 3.0)
        light += sum(1 for s in sel if s["weight"] == 1.0)
    n_heavy = sum(1 for p in pool()["projects"] if p["weight"] == 3.0)
    assert heavy / n_heavy > light / (300 - n_heavy)


def test_r_ins_04_risk_weight_from_facts_and_configuration():
    weights = {
        "complaint": 0.5,
        "red_alert": 2.0,
        "repeated_alerts": 1.0,
        "violation": 2.0,
        "credit_points": 1.0,
        "credit_bad": 2.0,
    }
    assert algo.risk_weight({}, weights) == (1.0, [])
    w, why = algo.risk_weight(
        {"complaints": 5, "red_alerts": 1, "alerts": 3, "cases": 1, "credit_points": 12}, weights
    )
    assert w == 1 + 1.5 + 2 + 1 + 2 + 2
    assert "有红色预警" in why and any("信用较差" in x for x in why)


def test_r_ins_09_two_inspectors_each_and_exclusions_respected():
    excl = {"1": {"1": ["本单位参与的项目（回避）"]}}
    r = algo.run(pool(), inspectors(excl), PARAMS, SEED)
    for s in r["selections"]:
        assert len(s["inspectors"]) == 2
        assert len(set(s["inspectors"])) == 2
        if s["project_id"] == 1:
            assert 1 not in s["inspectors"]


def test_r_ins_09_fewer_than_two_eligible_inspectors_is_refused():
    excl = {str(i): {"5": ["本单位"], "2": ["本单位"]} for i in range(1, 301)}
    with pytest.raises(algo.DrawRefused, match="执法人员不足 2 名"):
        algo.run(pool(), inspectors(excl), PARAMS, SEED)


def test_r_ins_02_verification_fails_on_tampered_pool_or_seed():
    p, i = pool(), inspectors()
    result = algo.run(p, i, PARAMS, SEED)
    args = dict(
        project_pool=p,
        project_pool_hash=algo.pool_hash(p),
        inspector_pool=i,
        inspector_pool_hash=algo.pool_hash(i),
        params=PARAMS,
        seed=SEED,
        committed_seed_hash=algo.seed_hash(SEED),
        published=result,
    )
    assert algo.verify(**args).label == "一致"
    tampered = copy.deepcopy(p)
    tampered["projects"][0]["weight"] = 50.0
    assert algo.verify(**{**args, "project_pool": tampered}).label == "不一致"
    assert algo.verify(**{**args, "seed": OTHER}).label == "不一致"
    forged = copy.deepcopy(result)
    forged["selections"][0]["project_id"] = 299
    assert algo.verify(**{**args, "published": forged}).ok is False


def test_r_ins_02_keys_come_from_hmac_sm3():
    import hmac

    digest = hmac.new(SEED.encode(), b"project:7", "sm3").digest()
    n = int.from_bytes(digest[:8], "big")
    assert algo.unit(SEED, "project:7") == ((n >> 11) + 0.5) / 2**53
    assert 0 < algo.unit(SEED, "x") < 1
    assert algo.seed_hash(SEED) == __import__("hashlib").sha256(SEED.encode()).hexdigest()
    assert Decimal(PARAMS["uniform_share"]) == Decimal("0.3")
