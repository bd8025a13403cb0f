"""The contract check's rules, one by one (R-INS-07; ADR 0720): each flag
fires on its fact and not without it, the tolerances exactly at the edge."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from postaward.inspections import rules_contracts as r
from postaward.inspections.models.contracts import FlagKind

D0 = dt.date(2026, 3, 2)
AWARD = Decimal("10000000")  # 1,000 万元; 300 days


def facts(**kw):
    base = r.Facts(
        award_amount=AWARD,
        award_start=D0,
        award_completion=D0 + dt.timedelta(days=300),
        scope="第一中学教学楼工程（房屋建筑）",
        contractor="甲建设有限公司",
        contract_number="HT-1",
        contract_amount=AWARD,
        contract_signed_on=D0,
        allows_subcontract=True,
        award_people=(r.Person("项目负责人（项目经理）", "张三"),),
        people=(r.Person("项目负责人（项目经理）", "张三"),),
    )
    return dataclasses.replace(base, **kw)


def agreement(number="BC-01", **kw):
    return r.Agreement(number, D0 + dt.timedelta(days=30), **kw)


def sub(**kw):
    data = {
        "name": "丙公司",
        "uscc": "91330604MA0000001X",
        "scope": "室外给排水",
        "amount": Decimal("1000000"),
        "allowed": True,
        "by_name": "甲建设有限公司",
        "by_uscc": "91330604MA0000000X",
    }
    data.update(kw)
    return r.Sub(**data)


def rules(f):
    return [x.rule for x in r.compare(f).flags]


def test_r_ins_07_clean_contract_no_flag():
    assert rules(facts()) == []
    assert rules(facts(subcontracts=(sub(),))) == []


# --- 阴阳合同 --------------------------------------------------------------------------------


def test_r_ins_07_shadow_amount_exactly_at_tolerance_not_flagged():
    """+10 % exactly (1,000,000 on 10,000,000): within the tolerance."""
    assert rules(facts(agreements=(agreement(amount_change=Decimal("1000000")),))) == []


def test_r_ins_07_shadow_amount_just_over_tolerance_flagged():
    f = facts(agreements=(agreement(amount_change=Decimal("1000000.01")),))
    flags = r.compare(f).flags
    assert [x.rule for x in flags] == ["shadow.amount"]
    assert flags[0].kind == FlagKind.SHADOW_CONTRACT
    assert "补充协议 BC-01" in flags[0].fact and "超过 10%" in flags[0].fact
    assert "《中华人民共和国招标投标法》第四十六条第一款" in flags[0].basis


def test_r_ins_07_shadow_amount_decrease_counts_too():
    assert rules(facts(agreements=(agreement(amount_change=Decimal("-1000000")),))) == []
    assert rules(facts(agreements=(agreement(amount_change=Decimal("-1000001")),))) == [
        "shadow.amount"
    ]


def test_r_ins_07_shadow_amount_cumulative_names_the_crossing_agreement():
    """Two agreements of +6 % each: the second crosses 10 % and is named once."""
    f = facts(
        agreements=(
            agreement("BC-01", amount_change=Decimal("600000")),
            agreement("BC-02", amount_change=Decimal("600000")),
            agreement("BC-03", duration_change_days=1),
        )
    )
    flags = r.compare(f).flags
    assert [x.rule for x in flags] == ["shadow.amount"]
    assert "BC-02" in flags[0].fact


def test_r_ins_07_shadow_contract_amount_differs_from_award():
    assert rules(facts(contract_amount=Decimal("11000000"))) == []
    assert rules(facts(contract_amount=Decimal("11000001"))) == ["shadow.amount"]


def test_r_ins_07_shadow_duration_edge():
    """300 days: +30 days is exactly 10 % (not flagged), +31 is flagged."""
    assert rules(facts(agreements=(agreement(duration_change_days=30),))) == []
    flagged = r.compare(facts(agreements=(agreement(duration_change_days=31),))).flags
    assert [x.rule for x in flagged] == ["shadow.duration"]
    assert "中标工期 300 天" in flagged[0].fact


def test_r_ins_07_shadow_scope_and_personnel():
    assert rules(facts(agreements=(agreement(scope_change="增加地下车库"),))) == ["shadow.scope"]
    assert rules(facts(agreements=(agreement(personnel_change="项目经理由张三改为李四"),))) == [
        "shadow.personnel"
    ]
    assert rules(facts(agreements=(agreement(scope_change="", personnel_change=""),))) == []


# --- 转包 ---------------------------------------------------------------------------------------


def test_r_ins_07_transfer_key_person_not_own_staff():
    f = facts(people=(r.Person("项目负责人（项目经理）", "王五", own_staff=False),))
    flags = r.compare(f).flags
    assert [x.rule for x in flags] == ["transfer.not_own_staff"]
    assert flags[0].kind == FlagKind.TRANSFER
    assert "第八条第一款第（三）项" in flags[0].basis


def test_r_ins_07_transfer_manager_not_dispatched():
    assert rules(facts(manager_missing=True)) == ["transfer.no_manager"]


def test_r_ins_07_transfer_not_on_site_attendance_edge():
    """The last closed month at the threshold (80 %) is not flagged; below it is."""
    at = r.Person("项目负责人（项目经理）", "张三", rate=Decimal("0.8"), month="2026年04月")
    below = dataclasses.replace(at, rate=Decimal("0.7999"))
    assert rules(facts(people=(at,))) == []
    flags = r.compare(facts(people=(below,))).flags
    assert [x.rule for x in flags] == ["transfer.not_on_site"]
    assert "2026年04月" in flags[0].fact and "第四十二条" in flags[0].basis


def test_r_ins_07_transfer_subcontract_share_edge():
    """Exactly 50 % of the contract amount subcontracted: not flagged; more: flagged;
    100 %: the whole work transferred."""
    assert rules(facts(subcontracts=(sub(amount=Decimal("5000000")),))) == []
    assert rules(facts(subcontracts=(sub(amount=Decimal("5000000.01")),))) == ["transfer.share"]
    assert rules(facts(subcontracts=(sub(amount=Decimal("10000000")),))) == ["transfer.all"]


def test_r_ins_07_transfer_share_uses_the_amount_in_effect():
    """An agreement raising the contract raises the base of the share."""
    f = facts(
        subcontracts=(sub(amount=Decimal("5200000")),),
        agreements=(agreement(amount_change=Decimal("500000")),),
    )
    assert rules(f) == []


# --- 违法分包 -----------------------------------------------------------------------------------


def test_r_ins_07_subcontract_not_allowed_by_contract():
    flags = r.compare(facts(allows_subcontract=False, subcontracts=(sub(allowed=False),))).flags
    assert [x.rule for x in flags] == ["subcontract.not_allowed"]
    assert flags[0].kind == FlagKind.ILLEGAL_SUBCONTRACT
    assert "《中华人民共和国建筑法》第二十九条" in flags[0].basis


def test_r_ins_07_subcontract_main_structure_steel_and_labour_excepted():
    assert rules(facts(subcontracts=(sub(scope="教学楼主体结构施工"),))) == [
        "subcontract.main_structure"
    ]
    assert rules(facts(subcontracts=(sub(scope="钢结构主体结构制作安装"),))) == []
    assert rules(facts(subcontracts=(sub(scope="主体结构劳务分包"),))) == []


def test_r_ins_07_subcontract_again():
    first = sub(uscc="91330604MA0000001X")
    again = sub(name="丁公司", uscc="91330604MA0000002X", by_name="丙公司", by_uscc=first.uscc)
    assert rules(facts(subcontracts=(first,))) == []
    assert rules(facts(subcontracts=(first, again))) == ["subcontract.again"]


@pytest.mark.parametrize(
    ("value", "base", "expected"),
    [
        (Decimal("110"), Decimal("100"), False),
        (Decimal("110.01"), Decimal("100"), True),
        (Decimal("90"), Decimal("100"), False),
        (Decimal("89.99"), Decimal("100"), True),
        (Decimal("500"), Decimal("0"), False),
    ],
)
def test_r_ins_07_departs_is_strictly_beyond_the_tolerance(value, base, expected):
    assert r.departs(value, base, r.AMOUNT_TOLERANCE) is expected
