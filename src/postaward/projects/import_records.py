"""What an imported award is, whatever its format (R-PRJ-01): the record one row
(an OCDS release, a CSV line) becomes, the value parsers both formats share, and
the checks of a record as a whole. ``ocds`` and ``imports`` (CSV) fill records;
``imports`` applies them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from postaward.core import clock
from postaward.core.errors import ValidationFailed
from postaward.orgs.choices import Industry

from .choices import ParticipantRole, ProcurementMethod
from .services.registry import _site_fields

MAX_ROWS = 5000
USCC_SCHEMES = ("CN-USCC",)


@dataclass
class Party:
    name: str
    uscc: str


@dataclass
class ContractLine:
    role: str
    party: Party
    number: str = ""
    amount: Decimal | None = None
    signed_on: dt.date | None = None
    where: str = ""


@dataclass
class AwardRecord:
    """One awarded project, whatever the format it came in."""

    row: int
    key: str = ""
    ocid: str | None = None
    code: str = ""
    name: str = ""
    industry: str = ""
    procurement_method: str = ProcurementMethod.TENDER
    small_works: bool = False
    village: bool = False
    super_large: bool = False
    award_date: dt.date | None = None
    contract_amount: Decimal | None = None
    planned_start: dt.date | None = None
    planned_completion: dt.date | None = None
    owner: Party | None = None
    region_code: str = ""
    region_name: str = ""
    address: str = ""
    site: dict[str, Any] | None = None
    participants: list[ContractLine] = field(default_factory=list)
    milestones: list[tuple[str, str, dt.date]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    where: dict[str, str] = field(default_factory=dict)

    def error(self, key: str, reason: str) -> None:
        self.errors.append(
            {"row": self.row, "key": self.key, "field": self.where.get(key, key), "reason": reason}
        )


# --- value parsing -------------------------------------------------------------------------------

_INDUSTRY_BY_LABEL = {label: value for value, label in Industry.choices}
_INDUSTRY_ALIASES = {
    "房建": "housing",
    "市政": "housing",
    "房屋建筑": "housing",
    "房建市政": "housing",
    "园林": "urban",
    "园林绿化": "urban",
    "城市管理": "urban",
    "农业": "agriculture",
    "农业农村": "agriculture",
}
_METHOD_BY_LABEL = {
    "招标": ProcurementMethod.TENDER,
    "公开招标": ProcurementMethod.TENDER,
    "邀请招标": ProcurementMethod.TENDER,
    "直接发包": ProcurementMethod.DIRECT_AWARD,
    "应急": ProcurementMethod.EMERGENCY,
    "应急工程": ProcurementMethod.EMERGENCY,
    **{m.value: m.value for m in ProcurementMethod},
}


def _industry(raw: str) -> str | None:
    v = (raw or "").strip()
    if v in Industry.values:
        return v
    return _INDUSTRY_BY_LABEL.get(v) or _INDUSTRY_ALIASES.get(v)


def _date(raw: Any) -> dt.date:
    """2026-03-02, 2026/3/2, or an ISO datetime (its local date)."""
    v = str(raw).strip()
    if "T" in v:
        moment = dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            return moment.date()
        return clock.local_date(moment)
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", v)
    if not m:
        raise ValueError(v)
    return dt.date(int(m[1]), int(m[2]), int(m[3]))


def _money(raw: Any) -> Decimal:
    v = str(raw).strip().replace(",", "").replace("，", "").replace(" ", "")
    amount = Decimal(v)
    if not amount.is_finite():
        raise InvalidOperation(v)
    return amount


def _bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    v = str(raw or "").strip().lower()
    if v in ("", "否", "no", "n", "false", "0"):
        return False
    if v in ("是", "yes", "y", "true", "1"):
        return True
    raise ValueError(v)


# --- shared validation ----------------------------------------------------------------------------


def _validate(rec: AwardRecord) -> None:
    if rec.name and not 4 <= len(rec.name) <= 200:
        rec.error("name", "项目名称应为 4 至 200 个字")
    elif not rec.name and not any(e["field"] == rec.where.get("name") for e in rec.errors):
        rec.error("name", "缺少项目名称")
    if rec.contract_amount is not None and rec.contract_amount <= 0:
        rec.error("contract_amount", "中标金额应大于零")
    has_contractor = any(p.role == ParticipantRole.CONTRACTOR for p in rec.participants)
    if (
        rec.contract_amount is None
        and has_contractor
        and not any(e["field"] == rec.where.get("contract_amount") for e in rec.errors)
    ):
        rec.error("contract_amount", "缺少施工中标金额")
    if rec.award_date and rec.award_date > clock.today():
        rec.error("award_date", "中标日期不能晚于今天")
    if rec.planned_start and rec.planned_completion and rec.planned_completion < rec.planned_start:
        rec.error("planned_completion", "计划完工日期早于计划开工日期")
    if rec.village and rec.super_large:
        rec.error("super_large", "村级工程不能同时为超大型工程")
    if not any(p.role == ParticipantRole.CONTRACTOR for p in rec.participants) and not any(
        e["field"].startswith(("awards", "施工单位", "parties")) for e in rec.errors
    ):
        rec.error("award", "缺少中标施工单位")
    if rec.site is not None:
        try:
            _site_fields(
                site_kind=rec.site["site_kind"],
                lon=rec.site.get("lon"),
                lat=rec.site.get("lat"),
                radius_m=rec.site.get("radius_m"),
                polygon=rec.site.get("polygon"),
            )
        except ValidationFailed as exc:
            rec.error("site", exc.message)
