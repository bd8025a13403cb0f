"""OCDS 1.1 releases of awarded works -> award records (R-PRJ-01, ADR 0102,
``docs/import-format.md``).

The shape of a release and the format of each value are declared once, as
pydantic models. A value that does not fit is reported with its JSON path
(``awards[0].date``) and a Chinese reason; the value is then left out and the
release read again, so that one upload reports every problem of a row and the
rest of the row is still checked. What spans several parts of a release (the
buyer and the suppliers among ``parties``, the contractor's award and contract,
the project as a whole) is checked after, in small functions below.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from postaward.core.idcheck import check_uscc
from postaward.core.safejson import BadJson, parse_json_body

from .choices import ParticipantRole, ProcurementMethod, SiteKind
from .import_records import (
    MAX_ROWS,
    USCC_SCHEMES,
    AwardRecord,
    ContractLine,
    Party,
    _bool,
    _date,
    _industry,
    _money,
    _validate,
)

# Where the record's own fields come from in a release (for checks of the record
# as a whole, ``import_records._validate``).
WHERE = {
    "ocid": "ocid",
    "code": "tender.id",
    "name": "tender.title",
    "industry": "postaward.industry",
    "category": "tender.mainProcurementCategory",
    "procurement_method": "tender.procurementMethod",
    "award": "awards",
    "award_date": "awards[].date",
    "contract_amount": "awards[].value.amount",
    "owner": "buyer",
    "owner_uscc": "parties[buyer].identifier.id",
    "planned_start": "contracts[].period.startDate",
    "planned_completion": "contracts[].period.endDate",
    "site": "postaward.site",
    "small_works": "postaward.smallWorks",
    "village": "postaward.villageWorks",
    "super_large": "postaward.superLarge",
}
INDUSTRY_REASON = "行业不正确（housing/transport/water/urban/agriculture/other）"
ROLE_REASON = "中标角色不正确（contractor/supervising_firm/design/survey/budget/testing）"
METHODS = ("open", "selective", "limited", "direct")
# Reasons of pydantic's own errors (a value of the wrong JSON type).
TYPE_REASONS = {
    "string_type": "应为文本",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "dict_type": "应为对象",
    "list_type": "应为数组",
}
MAX_PASSES = 8


# --- value types ------------------------------------------------------------------------------------


def _refuse(reason: str) -> PydanticCustomError:
    return PydanticCustomError("ocds", "{reason}", {"reason": reason})


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, int | float | Decimal) and not isinstance(v, bool):
        return str(v)
    raise _refuse("应为文本")


def _object(v: Any) -> Any:
    """An absent or empty part reads as an empty object."""
    if not v:
        return {}
    if isinstance(v, dict):
        return v
    raise _refuse("应为对象")


def _objects(v: Any) -> list[dict[str, Any]]:
    """A list of objects; what is not an object in it is ignored."""
    if not v:
        return []
    if isinstance(v, list):
        return [x for x in v if isinstance(x, dict)]
    raise _refuse("应为数组")


def _extension(v: Any) -> Any:
    if v and not isinstance(v, dict):
        raise _refuse("postaward 扩展应为对象")
    return v or {}


def _strings(v: Any) -> list[Any]:
    if not v:
        return []
    if isinstance(v, list):
        return v
    raise _refuse("应为数组")


def _day(reason: str) -> BeforeValidator:
    def parse(v: Any) -> dt.date | None:
        if not v:
            return None
        try:
            return _date(v)
        except (TypeError, ValueError):
            raise _refuse(reason) from None

    return BeforeValidator(parse)


def _amount(v: Any) -> Decimal | None:
    if v is None:
        return None
    try:
        return _money(v)
    except (InvalidOperation, ValueError):
        raise _refuse("金额应为数字") from None


def _currency(v: Any) -> str:
    if (v or "CNY") != "CNY":
        raise _refuse("币种应为 CNY")
    return "CNY"


def _flag(v: Any) -> bool:
    try:
        return _bool(v)
    except ValueError:
        raise _refuse("应为 true 或 false") from None


def _industry_code(v: Any) -> str:
    """Missing is reported with the record (``_required``); wrong is refused here."""
    if not v:
        return ""
    code = _industry(str(v))
    if code is None:
        raise _refuse(INDUSTRY_REASON)
    return code


def _category(v: Any) -> str | None:
    if v is not None and v != "works":
        raise _refuse("只接收工程类采购（mainProcurementCategory 应为 works）")
    return v


def _ocid(v: str) -> str:
    if v and (not v.startswith("ocds-") or len(v) > 100):
        raise _refuse("ocid 格式不正确（应以 ocds- 开头，不超过100个字符）")
    return v


def _tender_code(v: str) -> str:
    if len(v) > 64:
        raise _refuse("招标编号过长（最多64个字符）")
    return v


Text = Annotated[str, BeforeValidator(_text)]
Day = Annotated[dt.date | None, _day("日期格式不正确")]
AwardDay = Annotated[dt.date | None, _day("中标日期格式不正确")]
Amount = Annotated[Decimal | None, BeforeValidator(_amount)]
Currency = Annotated[str, BeforeValidator(_currency)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Obj = BeforeValidator(_object)
Objs = BeforeValidator(_objects)


# --- the release, as far as the platform reads it ------------------------------------------------


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Period(_Part):
    startDate: Day = None
    endDate: Day = None


class Value(_Part):
    amount: Amount = None
    currency: Currency = "CNY"


class Ref(_Part):
    id: Text = ""


class Identifier(_Part):
    scheme: Text = ""
    id: Text = ""


class OcdsParty(_Part):
    id: Text = ""
    name: Text = ""
    identifier: Annotated[Identifier, Obj] = Field(default_factory=Identifier)
    roles: Annotated[list[Any], BeforeValidator(_strings)] = []


class Award(_Part):
    id: Text = ""
    status: Text = "active"
    date: AwardDay = None
    value: Annotated[Value, Obj] = Field(default_factory=Value)
    suppliers: Annotated[list[Ref], Objs] = []
    participantRole: Text = ""
    contractPeriod: Annotated[Period, Obj] = Field(default_factory=Period)


class Contract(_Part):
    id: Text = ""
    awardID: Text = ""
    status: Text = "active"
    dateSigned: Day = None
    value: Annotated[Value, Obj] = Field(default_factory=Value)
    period: Annotated[Period, Obj] = Field(default_factory=Period)


class Location(_Part):
    geometry: Any = None


class Address(_Part):
    streetAddress: Text = ""


class Item(_Part):
    deliveryLocation: Annotated[Location, Obj] = Field(default_factory=Location)
    deliveryAddress: Annotated[Address, Obj] = Field(default_factory=Address)


class Tender(_Part):
    id: Annotated[str, BeforeValidator(_text), AfterValidator(_tender_code)] = ""
    title: Text = ""
    mainProcurementCategory: Annotated[str | None, BeforeValidator(_category)] = None
    procurementMethodDetails: Text = ""  # read before procurementMethod: 应急 overrides it
    procurementMethod: str = "open"
    tenderPeriod: Annotated[Period, Obj] = Field(default_factory=Period)
    awardPeriod: Annotated[Period, Obj] = Field(default_factory=Period)
    items: Annotated[list[Item], Objs] = []

    @field_validator("procurementMethod", mode="before")
    @classmethod
    def _method(cls, v: Any, info: ValidationInfo) -> str:
        method = str(v or "open")
        if method in METHODS or "应急" in info.data.get("procurementMethodDetails", ""):
            return method
        raise _refuse(f"采购方式“{method}”不正确（open/selective/limited/direct）")

    @property
    def method(self) -> str:
        if "应急" in self.procurementMethodDetails:
            return ProcurementMethod.EMERGENCY
        if self.procurementMethod == "direct":
            return ProcurementMethod.DIRECT_AWARD
        return ProcurementMethod.TENDER


class Extension(_Part):
    """The ``postaward`` object: what OCDS does not carry."""

    industry: Annotated[str, BeforeValidator(_industry_code)] = ""
    smallWorks: Flag = False
    villageWorks: Flag = False
    superLarge: Flag = False
    regionCode: Text = ""
    regionName: Text = ""
    address: Text = ""
    site: Any = None
    siteRadius: Any = None


class Release(_Part):
    ocid: Annotated[str, BeforeValidator(_text), AfterValidator(_ocid)] = ""
    tender: Annotated[Tender, Obj] = Field(default_factory=Tender)
    buyer: Annotated[Ref, Obj] = Field(default_factory=Ref)
    parties: Annotated[list[OcdsParty], Objs] = []
    awards: Annotated[list[Award], Objs] = []
    contracts: Annotated[list[Contract], Objs] = []
    postaward: Annotated[Extension, BeforeValidator(_extension)] = Field(default_factory=Extension)


# --- reading a release ------------------------------------------------------------------------------


def _path(loc: Sequence[int | str]) -> str:
    """("awards", 0, "date") -> "awards[0].date"."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _reason(error: Any) -> str:
    if error["type"] == "ocds":
        return str(error["ctx"]["reason"])
    return TYPE_REASONS.get(error["type"], "格式不正确")


def _drop(data: dict[str, Any], loc: Sequence[int | str]) -> bool:
    """Leave out the value at ``loc`` (its nearest key), so that the release reads
    without it. List indexes count objects only, as ``_objects`` does."""
    keys = [i for i, part in enumerate(loc) if isinstance(part, str)]
    if not keys:
        return False
    node: Any = data
    try:
        for part in loc[: keys[-1]]:
            node = (
                [x for x in node if isinstance(x, dict)][part]
                if isinstance(part, int)
                else node[part]
            )
        node.pop(loc[keys[-1]])
    except (AttributeError, IndexError, KeyError, TypeError):
        return False
    return True


def read_release(raw: dict[str, Any]) -> tuple[Release, list[tuple[str, str]]]:
    """The release as far as it is valid, and (JSON path, reason) of what is not."""
    problems: list[tuple[str, str]] = []
    data = copy.deepcopy(raw)
    for _ in range(MAX_PASSES):
        try:
            return Release.model_validate(data), problems
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
            problems += [(_path(e["loc"]), _reason(e)) for e in errors]
            if not all([_drop(data, e["loc"]) for e in errors]):
                break
    return Release(), problems


def parse_ocds(data: bytes | str | dict | list) -> tuple[list[AwardRecord], list[dict[str, Any]]]:
    """An OCDS release package (or a list of releases) -> records; file-level errors."""
    if isinstance(data, bytes | str):
        try:
            doc = parse_json_body(data)
        except BadJson as exc:
            return [], [{"row": 0, "key": "", "field": exc.field or "文件", "reason": exc.message}]
        except (ValueError, UnicodeDecodeError) as exc:
            return [], [{"row": 0, "key": "", "field": "文件", "reason": f"不是有效的 JSON：{exc}"}]
    else:
        doc = data
    if isinstance(doc, dict) and isinstance(doc.get("releases"), list):
        releases = doc["releases"]
    elif isinstance(doc, list):
        releases = doc
    elif isinstance(doc, dict) and "ocid" in doc:
        releases = [doc]
    else:
        return [], [
            {
                "row": 0,
                "key": "",
                "field": "releases",
                "reason": "应为 OCDS 发布包（含 releases 数组）",
            }
        ]
    if len(releases) > MAX_ROWS:
        return [], [
            {"row": 0, "key": "", "field": "releases", "reason": f"一次最多导入 {MAX_ROWS} 个项目"}
        ]
    return [_release(i, r) for i, r in enumerate(releases, start=1)], []


def _release(row: int, raw: Any) -> AwardRecord:
    rec = AwardRecord(row=row)
    if not isinstance(raw, dict):
        rec.error("release", "应为对象")
        return rec
    rec.where = dict(WHERE)
    release, problems = read_release(raw)
    rec.ocid = release.ocid or None
    rec.code, rec.name = release.tender.id, release.tender.title
    given = raw.get("ocid")
    rec.key = (given.strip() if isinstance(given, str) else "") or rec.code
    for field, reason in problems:
        _problem(rec, field, reason)
    _kind(rec, release)
    _required(rec)
    parties = _Parties(rec, release.parties)
    _owner(rec, release, parties)
    _winners(rec, release, parties)
    _agents(rec, release, parties)
    _timeline(rec, release.tender)
    _site(rec, release)
    _validate(rec)
    return rec


# --- what spans the parts of a release -----------------------------------------------------------


def _problem(rec: AwardRecord, field: str, reason: str) -> None:
    rec.errors.append({"row": rec.row, "key": rec.key, "field": field, "reason": reason})


def _required(rec: AwardRecord) -> None:
    """Missing values (a wrong one is already reported with its path)."""
    reported = {e["field"] for e in rec.errors}
    for attr, reason in (
        ("ocid", "缺少 ocid"),
        ("code", "缺少招标编号（tender.id）"),
        ("industry", INDUSTRY_REASON),
    ):
        if not getattr(rec, attr) and WHERE[attr] not in reported:
            rec.error(attr, reason)


def _kind(rec: AwardRecord, release: Release) -> None:
    ext = release.postaward
    rec.procurement_method = release.tender.method
    rec.industry = ext.industry
    rec.small_works, rec.village, rec.super_large = ext.smallWorks, ext.villageWorks, ext.superLarge
    rec.region_code, rec.region_name = ext.regionCode[:12], ext.regionName[:60]


class _Parties:
    """The parties of a release by id; a referenced party must carry a name and a
    valid unified social credit code (checked where it is referenced)."""

    def __init__(self, rec: AwardRecord, parties: list[OcdsParty]) -> None:
        self.rec = rec
        self.by_id: dict[str, OcdsParty] = {}
        for p in parties:
            if p.id:
                self.by_id[p.id] = p

    def agents(self, buyer_id: str) -> list[str]:
        return [
            pid for pid, p in self.by_id.items() if "procuringEntity" in p.roles and pid != buyer_id
        ]

    def get(self, party_id: str, where: str) -> Party | None:
        p = self.by_id.get(party_id)
        if p is None:
            _problem(self.rec, where, f"parties 中没有 id 为“{party_id}”的单位")
            return None
        at = f"parties[{list(self.by_id).index(party_id)}]"
        if p.identifier.scheme not in USCC_SCHEMES or not p.identifier.id:
            reason = f"“{p.name}”缺少统一社会信用代码（scheme 应为 CN-USCC）"
            _problem(self.rec, f"{at}.identifier", reason)
            return None
        checked = check_uscc(p.identifier.id)
        if not checked.ok:
            reason = f"“{p.name}”的统一社会信用代码不正确：{checked.error}"
            _problem(self.rec, f"{at}.identifier.id", reason)
            return None
        if not p.name:
            _problem(self.rec, f"{at}.name", "缺少单位名称")
            return None
        return Party(p.name[:200], checked.value)


def _owner(rec: AwardRecord, release: Release, parties: _Parties) -> None:
    if not release.buyer.id:
        rec.error("owner", "缺少建设单位（buyer）")
    else:
        rec.owner = parties.get(release.buyer.id, "buyer.id")


def _winners(rec: AwardRecord, release: Release, parties: _Parties) -> None:
    awards = [(i, a) for i, a in enumerate(release.awards) if a.status == "active"]
    if not awards:
        rec.error("award", "没有有效的中标结果（awards 中 status 为 active 的记录）")
    contracts = {c.awardID: c for c in release.contracts if c.status != "cancelled"}
    for i, award in awards:
        role = award.participantRole or (ParticipantRole.CONTRACTOR if len(awards) == 1 else "")
        if role not in ParticipantRole.values or role == ParticipantRole.TENDER_AGENT:
            _problem(rec, f"awards[{i}].participantRole", ROLE_REASON)
            continue
        if len(award.suppliers) != 1:
            _problem(rec, f"awards[{i}].suppliers", "每个中标结果应有且只有一个中标单位")
            continue
        supplier = parties.get(award.suppliers[0].id, f"awards[{i}].suppliers[0].id")
        if supplier is not None:
            _winner(rec, role, supplier, award, contracts.get(award.id) or Contract(), i)


def _winner(
    rec: AwardRecord, role: str, supplier: Party, award: Award, contract: Contract, i: int
) -> None:
    line = ContractLine(
        role=role,
        party=supplier,
        number=contract.id[:60],
        amount=contract.value.amount or award.value.amount,
        signed_on=contract.dateSigned,
        where=f"awards[{i}].suppliers[0]",
    )
    rec.participants.append(line)
    if role != ParticipantRole.CONTRACTOR:
        return
    rec.contract_amount = line.amount
    rec.award_date = award.date
    rec.planned_start = contract.period.startDate or award.contractPeriod.startDate
    rec.planned_completion = contract.period.endDate or award.contractPeriod.endDate
    if line.signed_on:
        rec.milestones.append(("contract_signed", "签订施工合同", line.signed_on))


def _agents(rec: AwardRecord, release: Release, parties: _Parties) -> None:
    for pid in parties.agents(release.buyer.id):
        agent = parties.get(pid, "parties[procuringEntity]")
        if agent is not None:
            rec.participants.append(
                ContractLine(
                    role=ParticipantRole.TENDER_AGENT, party=agent, where="parties[procuringEntity]"
                )
            )


def _timeline(rec: AwardRecord, tender: Tender) -> None:
    for day, node_key, title in (
        (tender.tenderPeriod.startDate, "tender_published", "发布招标公告"),
        (tender.tenderPeriod.endDate, "bid_opening", "开标"),
        (tender.awardPeriod.startDate, "evaluation", "评标"),
    ):
        if day:
            rec.milestones.append((node_key, title, day))
    if rec.award_date:
        rec.milestones.append(("award", "中标（定标）", rec.award_date))


def _site(rec: AwardRecord, release: Release) -> None:
    ext = release.postaward
    site, address = ext.site, ""
    if site is None and release.tender.items:
        item = release.tender.items[0]
        address = item.deliveryAddress.streetAddress[:200]
        if item.deliveryLocation.geometry:
            site = {
                "type": "Feature",
                "geometry": item.deliveryLocation.geometry,
                "properties": {"radius": ext.siteRadius},
            }
    if site is not None:
        rec.site = _site_from_geojson(rec, site)
    rec.address = (ext.address or address)[:200]


def _site_from_geojson(rec: AwardRecord, data: Any) -> dict[str, Any] | None:
    try:
        geom = data.get("geometry", data)
        if geom.get("type") == "Point":
            lon, lat = (float(v) for v in geom["coordinates"][:2])
            radius = (data.get("properties") or {}).get("radius") or data.get("radius")
            if radius in (None, ""):
                rec.error("site", "圆形场地须提供半径（properties.radius，米）")
                return None
            return {"site_kind": SiteKind.CIRCLE, "lon": lon, "lat": lat, "radius_m": float(radius)}
        if geom.get("type") == "Polygon":
            ring = [[float(x), float(y)] for x, y, *_ in geom["coordinates"][0]]
            return {"site_kind": SiteKind.POLYGON, "polygon": ring}
        rec.error("site", "场地应为 GeoJSON Point（带半径）或 Polygon")
    except (AttributeError, KeyError, TypeError, ValueError, IndexError):
        rec.error("site", "场地坐标格式不正确")
    return None
