"""The contract check's rules (R-INS-07; ADR 0720), thresholds in one place.

``facts_of(project)`` reads what the platform knows (the award, the
contractor's contract, every supplementary agreement, the key personnel and
their attendance, the subcontracts); ``compare(facts)`` lays them side by side
and raises the flags. Each flag names its fact and the document and article it
rests on, in Chinese.

- 阴阳合同 (shadow contract): the contract or an agreement substantively
  departs from the award: the amount or the duration beyond a tolerance (more
  than ``AMOUNT_TOLERANCE`` / ``DURATION_TOLERANCE`` of the award's; exactly
  at it is not flagged), any change of scope, any change of key personnel.
- 转包 (transfer): a registered key person of the contractor is not its own
  staff, the project manager is not dispatched, a key person's last closed
  month is below the attendance threshold (not on site), or the subcontracts
  take more than ``SUBCONTRACT_SHARE_LIMIT`` of the contract amount (the whole
  of it: transferred outright).
- 违法分包 (illegal subcontracting): a subcontract under a contract that does
  not allow subcontracting, the main structure subcontracted (steel structures
  and labour-only subcontracts excepted), a subcontractor subcontracting again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .models.contracts import FlagKind

# --- thresholds (ADR 0720) -----------------------------------------------------------------------

AMOUNT_TOLERANCE = Decimal("0.10")  # of the award amount; more is a substantive departure
DURATION_TOLERANCE = Decimal("0.10")  # of the award duration (calendar days)
SUBCONTRACT_SHARE_LIMIT = Decimal("0.50")  # of the contract amount in effect
MAIN_STRUCTURE_WORDS = ("主体结构",)
MAIN_STRUCTURE_EXCEPT = ("钢结构", "劳务")  # steel structures; labour-only subcontracts

# --- the documents and articles ------------------------------------------------------------------

ZBTBF = "《中华人民共和国招标投标法》第四十六条第一款"
ZBTBF_TL = "《中华人民共和国招标投标法实施条例》第五十七条第一款"
QZ_WZ = "《衢州市政府投资工程建设项目标后监管问责办法》第五条第（一）项"
RDCC = "《建筑工程施工发包与承包违法行为认定查处管理办法》"
ZLTL = "《建设工程质量管理条例》第七十八条第二款"
JZF_29 = "《中华人民共和国建筑法》第二十九条"
SY_42 = "《上虞区政府投资（国有建设）项目监督管理实施细则（试行）》第四十二条"

BASIS = {
    "shadow": f"{ZBTBF}；{ZBTBF_TL}；{QZ_WZ}",
    "transfer_staff": f"{RDCC}第八条第一款第（三）项",
    "transfer_absent": f"{RDCC}第八条第一款第（三）项；{SY_42}",
    "transfer_all": f"{RDCC}第八条第一款第（一）项",
    "transfer_share": f"{RDCC}第八条第一款第（二）项",
    "sub_not_allowed": f"{JZF_29}；{ZLTL}第（二）项",
    "sub_main": f"{RDCC}第十二条第（三）项；{ZLTL}第（三）项",
    "sub_again": f"{RDCC}第十二条第（四）项；{ZLTL}第（四）项",
}


# --- facts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    position: str  # label, e.g. 项目负责人（项目经理）
    name: str
    own_staff: bool = True  # the person works for the contractor
    rate: Decimal | None = None  # last closed month's attendance rate
    month: str = ""  # that month, e.g. 2026年04月


@dataclass(frozen=True)
class Agreement:
    number: str
    signed_on: dt.date
    amount_change: Decimal = Decimal("0")
    duration_change_days: int = 0
    scope_change: str = ""
    personnel_change: str = ""


@dataclass(frozen=True)
class Sub:
    name: str
    uscc: str
    scope: str
    amount: Decimal | None
    allowed: bool  # the contract it hangs on allows subcontracting
    by_name: str  # the unit that subcontracted
    by_uscc: str


@dataclass(frozen=True)
class Facts:
    award_amount: Decimal
    award_start: dt.date | None
    award_completion: dt.date | None
    scope: str
    contractor: str = ""
    contract_number: str = ""
    contract_amount: Decimal | None = None
    contract_signed_on: dt.date | None = None
    allows_subcontract: bool = False
    award_people: tuple[Person, ...] = ()
    people: tuple[Person, ...] = ()  # the contractor's key personnel now
    manager_missing: bool = False
    agreements: tuple[Agreement, ...] = ()
    subcontracts: tuple[Sub, ...] = ()
    rate_threshold: Decimal = Decimal("0.8")

    @property
    def award_days(self) -> int | None:
        if self.award_start and self.award_completion:
            return (self.award_completion - self.award_start).days
        return None


@dataclass(frozen=True)
class Flag:
    kind: str
    rule: str
    fact: str
    basis: str


@dataclass
class Comparison:
    columns: list[dict[str, str]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"columns": self.columns, "rows": self.rows}


def facts_of(project: Any, on: dt.date | None = None) -> Facts:
    """What the platform knows of ``project`` (its first contractor's contract)."""
    from postaward.attendance.choices import monthly_rate_threshold
    from postaward.attendance.models import MonthlyAttendance
    from postaward.projects.choices import CONTRACTOR_POSITIONS, ParticipantRole, ProjectStatus
    from postaward.projects.models import KeyPersonAssignment, Subcontract, SupplementaryAgreement

    part = (
        project.participants.filter(role=ParticipantRole.CONTRACTOR)
        .select_related("organisation")
        .order_by("pk")
        .first()
    )
    award_people: list[Person] = []
    people: list[Person] = []
    manager_missing = False
    if part is not None:
        rows = (
            KeyPersonAssignment.objects.filter(
                participant=part, position__in=list(CONTRACTOR_POSITIONS)
            )
            .select_related("person")
            .order_by("started_on", "pk")
        )
        seen: set[str] = set()
        for a in rows:
            if a.position not in seen:
                seen.add(a.position)
                award_people.append(Person(a.get_position_display(), a.person.name))
        for a in rows:
            if a.ended_on is not None:
                continue
            last = (
                MonthlyAttendance.objects.filter(assignment=a, rate__isnull=False)
                .order_by("-month")
                .first()
            )
            people.append(
                Person(
                    a.get_position_display(),
                    a.person.name,
                    own_staff=a.person.organisation_id == part.organisation_id,
                    rate=last.rate if last else None,
                    month=f"{last.month:%Y年%m月}" if last else "",
                )
            )
        manager_missing = project.status == ProjectStatus.UNDER_CONSTRUCTION and not any(
            a.position == "project_manager" and a.ended_on is None for a in rows
        )
    agreements = tuple(
        Agreement(
            g.number,
            g.signed_on,
            g.amount_change,
            g.duration_change_days,
            g.scope_change,
            g.personnel_change,
        )
        for g in SupplementaryAgreement.objects.filter(project=project).order_by("signed_on", "pk")
    )
    subs = tuple(
        Sub(
            s.subcontractor_name,
            s.subcontractor_uscc,
            s.scope,
            s.amount,
            s.participant.allows_subcontract,
            s.participant.organisation.name,
            s.participant.organisation.uscc or "",
        )
        for s in Subcontract.objects.filter(project=project)
        .select_related("participant__organisation")
        .order_by("signed_on", "pk")
    )
    return Facts(
        award_amount=project.contract_amount or Decimal("0"),
        award_start=project.planned_start,
        award_completion=project.planned_completion,
        scope=f"{project.name}（{project.get_project_class_display()}）"
        if project.project_class
        else project.name,
        contractor=part.organisation.name if part else "",
        contract_number=part.contract_number if part else "",
        contract_amount=part.contract_amount if part else None,
        contract_signed_on=part.contract_signed_on if part else None,
        allows_subcontract=bool(part and part.allows_subcontract),
        award_people=tuple(award_people),
        people=tuple(people),
        manager_missing=manager_missing,
        agreements=agreements,
        subcontracts=subs,
        rate_threshold=monthly_rate_threshold(),
    )


# --- the comparison ------------------------------------------------------------------------------


def money(v: Decimal | None) -> str:
    if v is None:
        return "未填报"
    if abs(v) >= Decimal("1000000"):
        return f"{v / Decimal(10000):,.2f} 万元"
    return f"{v:,.2f} 元"


def _signed(v: Decimal) -> str:
    return ("+" if v > 0 else "") + money(v)


def pct(v: Decimal) -> str:
    return f"{(v * 100).quantize(Decimal('0.01')).normalize():f}%"


def departs(value: Decimal, base: Decimal, tolerance: Decimal) -> bool:
    """``value`` departs from ``base`` by more than ``tolerance`` of it
    (exactly at the tolerance does not)."""
    if base <= 0:
        return False
    return abs(value - base) > base * tolerance


def _people_text(people: tuple[Person, ...]) -> str:
    return "；".join(f"{p.position}：{p.name}" for p in people) or "未登记"


def _cell(text: str, diff: bool = False) -> dict[str, Any]:
    return {"text": text, "diff": diff}


def compare(f: Facts) -> Comparison:
    """The side-by-side table and the flags."""
    c = Comparison()
    c.columns = [
        {"key": "award", "title": "中标结果", "sub": ""},
        {
            "key": "contract",
            "title": "施工合同",
            "sub": f.contract_number or "合同编号未填报",
        },
        *[
            {
                "key": f"agreement-{i}",
                "title": f"补充协议 {g.number}",
                "sub": f"{g.signed_on:%Y-%m-%d}",
            }
            for i, g in enumerate(f.agreements, 1)
        ],
        {"key": "now", "title": "履约现状", "sub": "合同及全部补充协议生效后"},
    ]
    _amounts(f, c)
    _durations(f, c)
    _scope_people(f, c)
    _subcontracts(f, c)
    return c


def _amounts(f: Facts, c: Comparison) -> None:
    base = f.award_amount
    cells = [_cell(money(base) if base else "未填报")]
    contract = f.contract_amount if f.contract_amount is not None else base
    contract_off = f.contract_amount is not None and departs(contract, base, AMOUNT_TOLERANCE)
    cells.append(_cell(money(f.contract_amount), f.contract_amount not in (None, base)))
    if contract_off:
        c.flags.append(
            Flag(
                FlagKind.SHADOW_CONTRACT,
                "shadow.amount",
                f"施工合同金额 {money(contract)} 与中标金额 {money(base)} 相差 "
                f"{pct(abs(contract - base) / base)}，超过 {pct(AMOUNT_TOLERANCE)}",
                BASIS["shadow"],
            )
        )
    running = contract
    off = contract_off
    for g in f.agreements:
        running += g.amount_change
        now_off = departs(running, base, AMOUNT_TOLERANCE)
        cells.append(
            _cell(
                f"{_signed(g.amount_change)}（累计 {money(running)}）"
                if g.amount_change
                else "无变化",
                bool(g.amount_change),
            )
        )
        if now_off and not off:
            c.flags.append(
                Flag(
                    FlagKind.SHADOW_CONTRACT,
                    "shadow.amount",
                    f"补充协议 {g.number} 变更合同金额 {_signed(g.amount_change)}，累计 "
                    f"{money(running)}，与中标金额 {money(base)} 相差 "
                    f"{pct(abs(running - base) / base)}，超过 {pct(AMOUNT_TOLERANCE)}",
                    BASIS["shadow"],
                )
            )
        off = now_off
    cells.append(_cell(money(running), running != base))
    c.rows.append({"key": "amount", "label": "合同金额", "cells": cells})


def _durations(f: Facts, c: Comparison) -> None:
    days = f.award_days
    period = (
        f"{f.award_start:%Y-%m-%d} 至 {f.award_completion:%Y-%m-%d}（{days} 天）"
        if days is not None and f.award_start and f.award_completion
        else "未填报"
    )
    cells = [_cell(period), _cell("同中标工期")]
    total = 0
    off = False
    for g in f.agreements:
        total += g.duration_change_days
        now_off = days is not None and departs(
            Decimal(days + total), Decimal(days), DURATION_TOLERANCE
        )
        cells.append(
            _cell(
                f"{g.duration_change_days:+d} 天（累计 {total:+d} 天）"
                if g.duration_change_days
                else "无变化",
                bool(g.duration_change_days),
            )
        )
        if now_off and not off and days:
            c.flags.append(
                Flag(
                    FlagKind.SHADOW_CONTRACT,
                    "shadow.duration",
                    f"补充协议 {g.number} 变更工期 {g.duration_change_days:+d} 天，累计 "
                    f"{total:+d} 天，与中标工期 {days} 天相差 "
                    f"{pct(Decimal(abs(total)) / Decimal(days))}，超过 {pct(DURATION_TOLERANCE)}",
                    BASIS["shadow"],
                )
            )
        off = now_off
    cells.append(_cell(f"{days + total} 天" if days is not None else "未填报", total != 0))
    c.rows.append({"key": "duration", "label": "工期", "cells": cells})


def _scope_people(f: Facts, c: Comparison) -> None:
    scope = [_cell(f.scope), _cell("同中标范围")]
    people = [_cell(_people_text(f.award_people)), _cell("同中标人员")]
    for g in f.agreements:
        scope.append(_cell(g.scope_change or "无变化", bool(g.scope_change)))
        people.append(_cell(g.personnel_change or "无变化", bool(g.personnel_change)))
        if g.scope_change:
            c.flags.append(
                Flag(
                    FlagKind.SHADOW_CONTRACT,
                    "shadow.scope",
                    f"补充协议 {g.number} 变更工程范围（内容）：{g.scope_change}",
                    BASIS["shadow"],
                )
            )
        if g.personnel_change:
            c.flags.append(
                Flag(
                    FlagKind.SHADOW_CONTRACT,
                    "shadow.personnel",
                    f"补充协议 {g.number} 变更关键岗位人员：{g.personnel_change}",
                    BASIS["shadow"],
                )
            )
    changed = any(g.scope_change for g in f.agreements)
    scope.append(_cell("已变更（见补充协议）" if changed else f.scope, changed))
    now_names = {(p.position, p.name) for p in f.people}
    award_names = {(p.position, p.name) for p in f.award_people}
    people.append(_cell(_people_text(f.people), now_names != award_names))
    c.rows.append({"key": "scope", "label": "工程范围", "cells": scope})
    c.rows.append({"key": "personnel", "label": "关键岗位人员", "cells": people})
    _transfer_people(f, c)


def _transfer_people(f: Facts, c: Comparison) -> None:
    if f.manager_missing:
        c.flags.append(
            Flag(
                FlagKind.TRANSFER,
                "transfer.no_manager",
                f"在建项目的施工单位{f.contractor}未派驻项目负责人（项目经理）",
                BASIS["transfer_staff"],
            )
        )
    for p in f.people:
        if not p.own_staff:
            c.flags.append(
                Flag(
                    FlagKind.TRANSFER,
                    "transfer.not_own_staff",
                    f"施工单位{f.contractor}登记的{p.position}{p.name}不是本单位人员",
                    BASIS["transfer_staff"],
                )
            )
        if p.rate is not None and p.rate < f.rate_threshold:
            c.flags.append(
                Flag(
                    FlagKind.TRANSFER,
                    "transfer.not_on_site",
                    f"{p.position}{p.name}{p.month}考勤率 {pct(p.rate)}，低于 "
                    f"{pct(f.rate_threshold)}，未在岗履职",
                    BASIS["transfer_absent"],
                )
            )


def _subcontracts(f: Facts, c: Comparison) -> None:
    contract = (f.contract_amount if f.contract_amount is not None else f.award_amount) + sum(
        (g.amount_change for g in f.agreements), Decimal("0")
    )
    total = sum((s.amount or Decimal("0") for s in f.subcontracts), Decimal("0"))
    share = total / contract if contract > 0 else Decimal("0")
    listed = "；".join(f"{s.name}：{s.scope[:30]}（{money(s.amount)}）" for s in f.subcontracts)
    cells = [
        _cell("—"),
        _cell("允许分包" if f.allows_subcontract else "不允许分包"),
        *[_cell("无变化") for _ in f.agreements],
        _cell(
            f"分包 {len(f.subcontracts)} 项，合计 {money(total)}，占合同金额 {pct(share)}：{listed}"
            if f.subcontracts
            else "无分包",
            bool(f.subcontracts) and (not f.allows_subcontract or share > SUBCONTRACT_SHARE_LIMIT),
        ),
    ]
    c.rows.append({"key": "subcontract", "label": "分包", "cells": cells})
    if f.subcontracts and contract > 0 and share >= 1:
        c.flags.append(
            Flag(
                FlagKind.TRANSFER,
                "transfer.all",
                f"分包合计 {money(total)}，达到合同金额 {money(contract)} 的 {pct(share)}，"
                "承包的全部工程转给他人施工",
                BASIS["transfer_all"],
            )
        )
    elif f.subcontracts and contract > 0 and share > SUBCONTRACT_SHARE_LIMIT:
        c.flags.append(
            Flag(
                FlagKind.TRANSFER,
                "transfer.share",
                f"分包合计 {money(total)}，占合同金额 {money(contract)} 的 {pct(share)}，"
                f"超过 {pct(SUBCONTRACT_SHARE_LIMIT)}（肢解后以分包名义转给他人）",
                BASIS["transfer_share"],
            )
        )
    subcontractors = {s.uscc for s in f.subcontracts if s.uscc}
    for s in f.subcontracts:
        if not s.allowed:
            c.flags.append(
                Flag(
                    FlagKind.ILLEGAL_SUBCONTRACT,
                    "subcontract.not_allowed",
                    f"施工合同未约定允许分包，{s.by_name}将“{s.scope[:60]}”分包给{s.name}",
                    BASIS["sub_not_allowed"],
                )
            )
        if any(w in s.scope for w in MAIN_STRUCTURE_WORDS) and not any(
            w in s.scope for w in MAIN_STRUCTURE_EXCEPT
        ):
            c.flags.append(
                Flag(
                    FlagKind.ILLEGAL_SUBCONTRACT,
                    "subcontract.main_structure",
                    f"{s.by_name}将主体结构施工分包给{s.name}：“{s.scope[:60]}”",
                    BASIS["sub_main"],
                )
            )
        if s.by_uscc and s.by_uscc in subcontractors:
            c.flags.append(
                Flag(
                    FlagKind.ILLEGAL_SUBCONTRACT,
                    "subcontract.again",
                    f"分包单位{s.by_name}将其分包的工程再分包给{s.name}：“{s.scope[:60]}”",
                    BASIS["sub_again"],
                )
            )
