"""Import of awarded projects from the bidding system (R-PRJ-01).

Two formats, one meaning (``docs/import-format.md``):

- an OCDS 1.1 release package (``tender``, ``awards``, ``contracts``, ``parties``
  with unified social credit codes as ``CN-USCC`` identifiers) plus a small
  ``postaward`` extension object for what OCDS does not carry (industry,
  small/village/super-large works, the site);
- a CSV template (UTF-8 or the GB18030 that Excel writes) for offices that
  work in spreadsheets, one project per line.

Each row (a release, a CSV line) is applied in its own transaction: a bad row
writes nothing and is reported (row, field, reason in Chinese); the good rows
are imported. The same award imported again updates the project in place
(matched by OCID, else by tender code) and, when nothing changed, writes
nothing at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from postaward.core import audit, clock, events, writes
from postaward.core.actor import SYSTEM, Actor
from postaward.core.errors import DomainError, Forbidden, ValidationFailed
from postaward.core.idcheck import check_uscc
from postaward.orgs import services as org_services
from postaward.orgs.choices import OWNER_KINDS, OrgKind, Role
from postaward.orgs.models import Organisation

from . import services
from .choices import (
    ImportChannel,
    ImportFormat,
    ParticipantRole,
    ProjectSource,
    ProjectStatus,
    RowResult,
    SiteKind,
)
from .events import ProjectImported
from .import_records import (
    _METHOD_BY_LABEL,
    MAX_ROWS,
    AwardRecord,
    ContractLine,
    Party,
    _bool,
    _date,
    _industry,
    _money,
    _validate,
)
from .models import AwardImport, Participant, Project
from .ocds import parse_ocds


@dataclass
class ImportReport:
    batch: AwardImport | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def count(self, result: str) -> int:
        return sum(1 for r in self.rows if r["result"] == result)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return (
            f"共 {len(self.rows)} 行：新增 {self.count(RowResult.CREATED)}，"
            f"更新 {self.count(RowResult.UPDATED)}，无变化 {self.count(RowResult.UNCHANGED)}，"
            f"失败 {self.count(RowResult.FAILED)}"
        )


# --- CSV -------------------------------------------------------------------------------------------

CSV_COLUMNS: list[tuple[str, str, bool, str]] = [
    # (header, key, required, description)
    (
        "招标编号",
        "code",
        True,
        "招标项目编号（交易系统编号），同一项目重复导入以此（或 OCDS编号）识别",
    ),
    ("OCDS编号", "ocid", False, "ocds- 开头；有则优先用于识别项目"),
    ("项目名称", "name", True, ""),
    ("行业", "industry", True, "房建市政 / 交通 / 水利 / 城市管理（园林绿化）/ 农业农村 / 其他"),
    ("发包方式", "procurement_method", False, "招标（默认）/ 直接发包 / 应急工程"),
    ("限额以下", "small_works", False, "是 / 否（默认否）"),
    ("村级工程", "village", False, "是 / 否"),
    ("超大型工程", "super_large", False, "是 / 否"),
    ("中标日期", "award_date", True, "2026-03-02 或 2026/3/2"),
    ("中标金额（元）", "contract_amount", True, "施工中标金额，元，可带千分位逗号"),
    ("计划开工", "planned_start", False, ""),
    ("计划完工", "planned_completion", False, ""),
    ("建设单位", "owner_name", True, "招标人名称"),
    ("建设单位信用代码", "owner_uscc", True, "18 位统一社会信用代码"),
    ("施工单位", "contractor_name", True, "中标人名称"),
    ("施工单位信用代码", "contractor_uscc", True, ""),
    ("施工合同编号", "contractor_contract_number", False, ""),
    ("施工合同签订日期", "contractor_signed_on", False, ""),
    ("监理单位", "supervisor_name", False, ""),
    ("监理单位信用代码", "supervisor_uscc", False, "填写监理单位时必填"),
    ("监理合同编号", "supervisor_contract_number", False, ""),
    ("监理合同金额（元）", "supervisor_amount", False, ""),
    ("监理合同签订日期", "supervisor_signed_on", False, ""),
    ("招标代理", "agent_name", False, ""),
    ("招标代理信用代码", "agent_uscc", False, "填写招标代理时必填"),
    ("项目地址", "address", False, ""),
    ("场地中心经度", "lon", False, "WGS-84，如 120.872100"),
    ("场地中心纬度", "lat", False, "WGS-84，如 30.032100"),
    ("场地半径（米）", "radius", False, "20 至 5000"),
    ("所在区域", "region_name", False, "如 百官街道"),
    ("招标公告日期", "tender_published_on", False, ""),
    ("开标日期", "bid_opened_on", False, ""),
]
_HEADER_TO_KEY = {h: k for h, k, _, _ in CSV_COLUMNS} | {k: k for _, k, _, _ in CSV_COLUMNS}


def csv_template() -> str:
    """The header line (with a BOM for Excel) and one example line."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([h for h, _, _, _ in CSV_COLUMNS])
    return "\ufeff" + out.getvalue()


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (what Excel writes for 中文)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def parse_csv(data: bytes | str) -> tuple[list[AwardRecord], list[dict[str, Any]]]:
    try:
        text = decode_csv(data) if isinstance(data, bytes) else data.lstrip("\ufeff")
    except UnicodeDecodeError:
        return [], [
            {
                "row": 0,
                "key": "",
                "field": "文件",
                "reason": "文件编码无法识别（应为 UTF-8 或 GBK）",
            }
        ]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return [], [
            {"row": line, "key": "", "field": "文件", "reason": "文件含空字符（NUL），不是文本 CSV"}
        ]
    # newline="": the csv module itself reads CRLF, LF and a bare CR (old Mac
    # Excel) as the end of a row, and keeps line breaks inside quoted cells.
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _csv_records(reader)
    except csv.Error as exc:  # a NUL byte, an unterminated quote …
        return [], [
            {
                "row": reader.line_num,
                "key": "",
                "field": "文件",
                "reason": f"第 {reader.line_num} 行不是有效的 CSV（{_csv_reason(exc)}）",
            }
        ]


def _csv_reason(exc: csv.Error) -> str:
    text = str(exc)
    if "NUL" in text:
        return "含空字符（NUL）"
    if "new-line" in text or "newline" in text:
        return "单元格中有未加引号的换行"
    return "格式错误，请用模板另存为 CSV"


def _csv_records(reader: Any) -> tuple[list[AwardRecord], list[dict[str, Any]]]:
    try:
        header = next(reader)
    except StopIteration:
        return [], [{"row": 0, "key": "", "field": "文件", "reason": "文件为空"}]
    keys = [_HEADER_TO_KEY.get(h.strip()) for h in header]
    missing = [h for h, k, req, _ in CSV_COLUMNS if req and k not in keys]
    if missing:
        return [], [
            {"row": 1, "key": "", "field": "表头", "reason": f"缺少必填列：{'、'.join(missing)}"}
        ]
    unknown = [h for h, k in zip(header, keys, strict=True) if k is None and h.strip()]
    errors = (
        [{"row": 1, "key": "", "field": "表头", "reason": f"无法识别的列：{'、'.join(unknown)}"}]
        if unknown
        else []
    )
    if errors:
        return [], errors
    records: list[AwardRecord] = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        if len(records) >= MAX_ROWS:
            return [], [
                {"row": 0, "key": "", "field": "文件", "reason": f"一次最多导入 {MAX_ROWS} 行"}
            ]
        row = dict(zip(keys, [v.strip() for v in values], strict=False))
        records.append(_csv_row(reader.line_num, row))
    return records, []


class _CsvRow:
    """One CSV line being read: its cells, and the record its problems go to."""

    def __init__(self, rec: AwardRecord, row: dict[str | None, str]) -> None:
        self.rec, self.row = rec, row

    def get(self, k: str) -> str:
        return self.row.get(k) or ""

    def day(self, k: str) -> dt.date | None:
        if not self.get(k):
            return None
        try:
            return _date(self.get(k))
        except ValueError:
            self.rec.error(k, f"日期“{self.get(k)}”格式不正确（应为 2026-03-02）")
            return None

    def money(self, k: str) -> Decimal | None:
        if not self.get(k):
            return None
        try:
            return _money(self.get(k))
        except (InvalidOperation, ValueError):
            self.rec.error(k, f"金额“{self.get(k)}”不是数字")
            return None

    def party(self, name_key: str, uscc_key: str) -> Party | None:
        name, code = self.get(name_key), self.get(uscc_key)
        if not name and not code:
            return None
        if not name:
            self.rec.error(name_key, "填写了信用代码但缺少单位名称")
            return None
        if not code:
            self.rec.error(uscc_key, f"缺少“{name}”的统一社会信用代码")
            return None
        checked = check_uscc(code)
        if not checked.ok:
            self.rec.error(uscc_key, f"统一社会信用代码不正确：{checked.error}")
            return None
        return Party(name[:200], checked.value)


def _csv_row(line: int, row: dict[str | None, str]) -> AwardRecord:
    rec = AwardRecord(row=line)
    rec.where = {k: h for h, k, _, _ in CSV_COLUMNS}
    rec.where.update({"owner": "建设单位", "site": "场地中心经度", "award": "施工单位"})
    cells = _CsvRow(rec, row)
    _csv_identity(cells)
    _csv_kind(cells)
    rec.award_date = cells.day("award_date")
    rec.contract_amount = cells.money("contract_amount")
    rec.planned_start = cells.day("planned_start")
    rec.planned_completion = cells.day("planned_completion")
    rec.owner = cells.party("owner_name", "owner_uscc")
    _csv_participants(cells)
    rec.address = cells.get("address")[:200]
    rec.region_name = cells.get("region_name")[:60]
    _csv_site(cells)
    _csv_timeline(cells)
    _validate(rec)
    return rec


def _csv_identity(cells: _CsvRow) -> None:
    rec, g = cells.rec, cells.get
    rec.code = g("code")
    rec.ocid = g("ocid") or None
    rec.key = rec.ocid or rec.code
    for k, h, req, _ in [(k, h, req, d) for h, k, req, d in CSV_COLUMNS]:
        if req and not g(k):
            rec.error(k, f"“{h}”必填")
    if rec.ocid and not rec.ocid.startswith("ocds-"):
        rec.error("ocid", "OCDS编号应以 ocds- 开头")
    if len(rec.code) > 64:
        rec.error("code", "招标编号过长（最多64个字符）")
    rec.name = g("name")


def _csv_kind(cells: _CsvRow) -> None:
    rec, g = cells.rec, cells.get
    if g("industry"):
        industry = _industry(g("industry"))
        if industry is None:
            rec.error("industry", f"行业“{g('industry')}”不正确")
        else:
            rec.industry = industry
    if g("procurement_method"):
        method = _METHOD_BY_LABEL.get(g("procurement_method"))
        if method is None:
            rec.error("procurement_method", f"发包方式“{g('procurement_method')}”不正确")
        else:
            rec.procurement_method = method
    for k in ("small_works", "village", "super_large"):
        try:
            setattr(rec, k, _bool(g(k)))
        except ValueError:
            rec.error(k, "应填“是”或“否”")


def _csv_participants(cells: _CsvRow) -> None:
    rec, g = cells.rec, cells.get
    contractor = cells.party("contractor_name", "contractor_uscc")
    if contractor:
        rec.participants.append(
            ContractLine(
                ParticipantRole.CONTRACTOR,
                contractor,
                number=g("contractor_contract_number")[:60],
                amount=rec.contract_amount,
                signed_on=cells.day("contractor_signed_on"),
                where="施工单位信用代码",
            )
        )
    supervisor = cells.party("supervisor_name", "supervisor_uscc")
    if supervisor:
        rec.participants.append(
            ContractLine(
                ParticipantRole.SUPERVISING_FIRM,
                supervisor,
                number=g("supervisor_contract_number")[:60],
                amount=cells.money("supervisor_amount"),
                signed_on=cells.day("supervisor_signed_on"),
                where="监理单位信用代码",
            )
        )
    agent = cells.party("agent_name", "agent_uscc")
    if agent:
        rec.participants.append(
            ContractLine(ParticipantRole.TENDER_AGENT, agent, where="招标代理信用代码")
        )


def _csv_site(cells: _CsvRow) -> None:
    g = cells.get
    if g("lon") or g("lat") or g("radius"):
        try:
            cells.rec.site = {
                "site_kind": SiteKind.CIRCLE,
                "lon": float(g("lon")),
                "lat": float(g("lat")),
                "radius_m": float(g("radius")),
            }
        except ValueError:
            cells.rec.error("lon", "场地中心经纬度和半径须同时填写数字")


def _csv_timeline(cells: _CsvRow) -> None:
    rec = cells.rec
    for k, node_key, title in (
        ("tender_published_on", "tender_published", "发布招标公告"),
        ("bid_opened_on", "bid_opening", "开标"),
    ):
        if d := cells.day(k):
            rec.milestones.append((node_key, title, d))
    if rec.award_date:
        rec.milestones.append(("award", "中标（定标）", rec.award_date))
    signed = rec.participants[0].signed_on if rec.participants else None
    if signed:
        rec.milestones.append(("contract_signed", "签订施工合同", signed))


# --- applying ----------------------------------------------------------------------------------------


def _may_import(actor: Actor) -> bool:
    from postaward.orgs.choices import OrgKind as K

    return (
        actor.is_system
        or Role.INTEGRATOR in actor.roles
        or (
            actor.org_kind == K.SUPERVISION_OFFICE
            and bool(actor.roles & {Role.ADMIN, Role.OFFICE_STAFF})
        )
    )


def _district_of(actor: Actor) -> Organisation:
    if actor.org_path:
        root = Organisation.objects.filter(path=actor.district_path).first()
        if root is not None:
            return root
    roots = list(
        Organisation.objects.filter(parent__isnull=True, kind=OrgKind.SUPERVISION_OFFICE)[:2]
    )
    if len(roots) != 1:
        raise ValidationFailed("无法确定导入的区县：请以监管办或对接账号身份导入（--as 账号）")
    return roots[0]


class RowFailed(Exception):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors)
        self.errors = errors


def _org_for(
    rec: AwardRecord, party: Party, kind: str, district: Organisation, field: str
) -> Organisation:
    org = Organisation.objects.filter(uscc=party.uscc).first()
    if org is not None:
        if org.kind != kind:
            raise RowFailed(
                [
                    {
                        "row": rec.row,
                        "key": rec.key,
                        "field": field,
                        "reason": f"统一社会信用代码 {party.uscc} 在平台登记为“{org.name}”（{org.get_kind_display()}），与中标角色“{OrgKind(kind).label}”不符",
                    }
                ]
            )
        if not org.path.startswith(district.path):
            raise RowFailed(
                [
                    {
                        "row": rec.row,
                        "key": rec.key,
                        "field": field,
                        "reason": f"“{org.name}”不属于本区县",
                    }
                ]
            )
        return org
    # A winner not yet on the platform is registered from the award (the office
    # keeps the market-subject register; the enterprise's accounts come later).
    return org_services.create_organisation(
        actor=SYSTEM, parent=district, name=party.name, kind=kind, uscc=party.uscc
    )


def _owner_for(rec: AwardRecord, district: Organisation) -> Organisation | None:
    assert rec.owner is not None
    org = Organisation.objects.filter(uscc=rec.owner.uscc).first()
    if org is None:
        return None  # held at the authority until the chain assigns an owner
    if org.kind not in OWNER_KINDS or not org.path.startswith(district.path):
        raise RowFailed(
            [
                {
                    "row": rec.row,
                    "key": rec.key,
                    "field": rec.where.get("owner_uscc", "owner_uscc"),
                    "reason": f"统一社会信用代码 {rec.owner.uscc} 对应的“{org.name}”不是本区县的建设单位",
                }
            ]
        )
    return org


def _apply(  # noqa: C901, PLR0915 — create-or-update of one award record in one transaction; to split with the audited-write helper
    actor: Actor, rec: AwardRecord, district: Organisation
) -> tuple[str, Project, list[str]]:
    existing = Project.objects.filter(ocid=rec.ocid).first() if rec.ocid else None
    if existing is None:
        existing = Project.objects.filter(code=rec.code).first()
        if existing is not None and existing.ocid and rec.ocid and existing.ocid != rec.ocid:
            raise RowFailed(
                [
                    {
                        "row": rec.row,
                        "key": rec.key,
                        "field": rec.where.get("code", "code"),
                        "reason": f"招标编号 {rec.code} 已被 OCDS 编号为 {existing.ocid} 的项目使用",
                    }
                ]
            )
    if existing is not None and existing.source != ProjectSource.BIDDING_FEED:
        raise RowFailed(
            [
                {
                    "row": rec.row,
                    "key": rec.key,
                    "field": rec.where.get("code", "code"),
                    "reason": "该编号为建设单位录入的项目，不能由招投标数据覆盖",
                }
            ]
        )
    try:
        authority = services.authority_for(rec.industry, district.path)
    except services.AmbiguousAuthority as exc:
        raise RowFailed(
            [
                {
                    "row": rec.row,
                    "key": rec.key,
                    "field": rec.where.get("industry", "industry"),
                    "reason": exc.message,
                }
            ]
        ) from exc
    if authority is None:
        raise RowFailed(
            [
                {
                    "row": rec.row,
                    "key": rec.key,
                    "field": rec.where.get("industry", "industry"),
                    "reason": "本区县没有该行业的行业主管部门",
                }
            ]
        )
    owner = _owner_for(rec, district)
    amount = rec.contract_amount or Decimal(0)
    owner_is_village = owner is not None and owner.kind == OrgKind.VILLAGE
    values: dict[str, Any] = {
        "name": rec.name,
        "industry": rec.industry,
        "contract_amount": amount.quantize(Decimal("0.01")),
        "project_class": services.classify(
            amount, village=rec.village or owner_is_village, super_large=rec.super_large
        ),
        "is_small_works": rec.small_works,
        "procurement_method": rec.procurement_method,
        "award_date": rec.award_date,
        "planned_start": rec.planned_start,
        "planned_completion": rec.planned_completion,
        "region_code": rec.region_code or district.region_code,
        "region_name": rec.region_name,
        "industry_authority": authority,
    }
    if rec.address:
        values["site_address"] = rec.address
    site_fields = services.registry._site_fields(**rec.site) if rec.site else {}
    participant_orgs = []
    for line in rec.participants:
        org = _org_for(rec, line.party, line.role, district, line.where or line.role)
        participant_orgs.append((line, org))

    if existing is None:
        project = services.register_project(
            actor=actor,
            code=rec.code,
            name=rec.name,
            owner=owner,
            ocid=rec.ocid,
            source=ProjectSource.BIDDING_FEED,
            **{k: v for k, v in values.items() if k not in ("name",)},
            **site_fields,
        )
        for key, title, day in sorted(rec.milestones, key=lambda m: m[2]):
            services.node(
                project,
                key,
                title,
                at=clock.start_of_day(day),
                actor_name="招投标系统",
                organisation_name="公共资源交易平台",
            )
        for line, org in participant_orgs:
            services.upsert_participant(
                actor=actor,
                project=project,
                organisation=org,
                role=line.role,
                check_state=False,
                **_contract_fields(line),
            )
        if owner is not None:
            services.node(project, "assign.owner", f"匹配建设单位：{owner.name}", actor=actor)
            if project.owner_leader_id is None:
                services.assignment._todo_assign(project, "owner_leader")
        events.publish(
            ProjectImported(
                **services.common._facts(project, actor),
                ocid=rec.ocid or "",
                created=True,
                changed_fields=[],
            )
        )
        return RowResult.CREATED, project, []

    project = Project.objects.select_for_update().get(pk=existing.pk)
    changed = [
        k
        for k, v in values.items()
        if _cmp(getattr(project, k if k != "industry_authority" else "industry_authority_id"), v)
    ]
    if project.ocid is None and rec.ocid:
        changed.append("ocid")
    if project.owner_id is None and owner is not None:
        changed.append("owner")
    if not project.site_kind and site_fields:
        changed.append("site")
    part_changes = []
    for line, org in participant_orgs:
        part = Participant.objects.filter(project=project, organisation=org, role=line.role).first()
        wanted = _contract_fields(line)
        if part is None or any(getattr(part, k) != v for k, v in wanted.items()):
            part_changes.append((line, org))
    if not changed and not part_changes:
        return RowResult.UNCHANGED, project, []
    if project.status not in (ProjectStatus.REGISTERED, ProjectStatus.PREPARING):
        labels = [_label(k) for k in changed if k not in ("site", "owner", "ocid")]
        raise RowFailed(
            [
                {
                    "row": rec.row,
                    "key": rec.key,
                    "field": "、".join(str(x) for x in labels) or "参建单位",
                    "reason": f"项目已{project.get_status_display()}，招投标数据的变化须走变更流程，未导入",
                }
            ]
        )
    with writes.audited(Project, pk=project.pk, actor=actor, action="projects.import_update") as w:
        project = w.obj
        if not changed:
            w.nothing_changed()
        for k in changed:
            if k == "ocid":
                project.ocid = rec.ocid
            elif k == "owner":
                project.owner = owner
                project.superior_unit, project.line = services.chain_of_owner(owner)  # type: ignore[arg-type]
            elif k == "site":
                for sk, sv in site_fields.items():
                    setattr(project, sk, sv)
            else:
                setattr(project, k, values[k])
        if changed:
            project.updated_at = clock.now()
    for line, org in part_changes:
        services.upsert_participant(
            actor=actor,
            project=project,
            organisation=org,
            role=line.role,
            check_state=False,
            **_contract_fields(line),
        )
    labels = [_label(k) for k in changed if k != "site"] + (
        ["项目场地"] if "site" in changed else []
    )
    if part_changes:
        labels.append("参建单位")
    services.node(
        project, "import_update", "招投标系统数据更新", actor=actor, detail="、".join(labels)
    )
    if "owner" in changed and project.owner_leader_id is None:
        services.assignment._todo_assign(project, "owner_leader")
    events.publish(
        ProjectImported(
            **services.common._facts(project, actor),
            ocid=project.ocid or "",
            created=False,
            changed_fields=changed + (["participants"] if part_changes else []),
        )
    )
    return RowResult.UPDATED, project, labels


def _label(field: str) -> str:
    return str(getattr(Project._meta.get_field(field), "verbose_name", field))


def _cmp(current: Any, new: Any) -> bool:
    if isinstance(new, Organisation):
        new = new.pk
    if isinstance(new, Decimal) and current is not None:
        return Decimal(current) != new
    return current != new


def _contract_fields(line: ContractLine) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if line.number:
        out["contract_number"] = line.number
    if line.amount is not None:
        out["contract_amount"] = line.amount.quantize(Decimal("0.01"))
    if line.signed_on is not None:
        out["contract_signed_on"] = line.signed_on
    return out


def import_awards(
    *,
    actor: Actor,
    data: bytes | str,
    fmt: str,
    channel: str,
    filename: str = "",
) -> ImportReport:
    """Parse and apply an import; each row in its own transaction; the batch and
    its row-by-row report are stored (AwardImport)."""
    if not _may_import(actor):
        raise Forbidden("仅招投标系统对接账号或监管办可以导入中标项目")
    if fmt not in ImportFormat.values:
        raise ValidationFailed("格式应为 ocds 或 csv", field="format")
    district = _district_of(actor)
    records, file_errors = parse_ocds(data) if fmt == ImportFormat.OCDS else parse_csv(data)
    report = ImportReport(errors=list(file_errors))
    seen: dict[str, int] = {}
    for rec in records:
        keys = [k for k in (rec.ocid, rec.code) if k]
        dup = next((seen[k] for k in keys if k in seen), None)
        if dup is not None:
            rec.errors.append(
                {
                    "row": rec.row,
                    "key": rec.key,
                    "field": rec.where.get("code", "code"),
                    "reason": f"与第 {dup} 行是同一项目",
                }
            )
        for k in keys:
            seen.setdefault(k, rec.row)
        row: dict[str, Any] = {"row": rec.row, "key": rec.key, "name": rec.name}
        if rec.errors:
            row["result"] = RowResult.FAILED
            report.errors.extend(rec.errors)
            report.rows.append(row)
            continue
        try:
            with transaction.atomic():
                result, project, changed = _apply(actor, rec, district)
        except RowFailed as exc:
            row["result"] = RowResult.FAILED
            report.errors.extend(exc.errors)
        except DomainError as exc:
            row["result"] = RowResult.FAILED
            report.errors.append(
                {"row": rec.row, "key": rec.key, "field": exc.field or "", "reason": exc.message}
            )
        else:
            row.update(
                result=result, project_id=project.pk, project_code=project.code, changed=changed
            )
        report.rows.append(row)
    with transaction.atomic():
        batch = AwardImport.objects.create(
            at=clock.now(),
            channel=channel,
            format=fmt,
            filename=filename[:200],
            actor_user_id=actor.user_id,
            actor_name=actor.display_name[:100],
            organisation_id=actor.organisation_id,
            organisation_name=actor.org_name[:200],
            total=len(report.rows),
            created=report.count(RowResult.CREATED),
            updated=report.count(RowResult.UPDATED),
            unchanged=report.count(RowResult.UNCHANGED),
            failed=report.count(RowResult.FAILED),
            rows=report.rows,
            errors=report.errors,
        )
        audit.record(
            actor=actor,
            action="projects.import_awards",
            obj=batch,
            after={
                "channel": channel,
                "format": fmt,
                "filename": filename,
                "total": batch.total,
                "created": batch.created,
                "updated": batch.updated,
                "unchanged": batch.unchanged,
                "failed": batch.failed,
            },
        )
    report.batch = batch
    return report


def format_of(filename: str, data: bytes) -> str:
    """Guess the format from the name, else from the first character."""
    name = filename.lower()
    if name.endswith(".csv"):
        return ImportFormat.CSV
    if name.endswith(".json"):
        return ImportFormat.OCDS
    head = data.lstrip(b"\xef\xbb\xbf \r\n\t")[:1]
    return ImportFormat.OCDS if head in (b"{", b"[") else ImportFormat.CSV


CHANNELS = ImportChannel
