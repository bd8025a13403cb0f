"""The services of the visits part (R-INS-05, R-INS-06, R-INS-08, R-CAS-05).

``schedule_inspection`` is the one way an inspection comes to be: the draw
hands its selections here, the office or a department registers one by hand.
The steps (``steps_visits``) call the services below through
``core.steps.write`` (lock, check, audit, publish in one transaction).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse

from postaward.cases.models import EnforcementCertificate
from postaward.core import clock, deadlines, documents, files, masking, steps, todos, writes
from postaward.core.actor import Actor
from postaward.core.business_calendar import Unit
from postaward.core.errors import Forbidden, ValidationFailed
from postaward.orgs.choices import OrgKind, Role
from postaward.orgs.models import Organisation
from postaward.projects.models import Project

from . import conflicts
from . import deadline_kinds_visits as dk
from .events import CaseRequested, FindingRecorded, FindingReferred
from .models.visits import (
    LIGHT_DISPOSITIONS,
    TRANSFERS,
    Disposition,
    Evidence,
    Finding,
    Inspection,
    InspectionDepartment,
    InspectionInspector,
    InspectionItem,
    InspectionKind,
    InspectionSource,
    InspectionState,
    ItemResult,
    OrderState,
    RectificationOrder,
    RectificationReply,
    order_snapshot,
    snapshot,
)

S = InspectionState
_HC = "汉川市公共资源交易综合监管联动执法工作实施方案"
_QZ = "衢州市政府投资工程建设项目标后监管实施细则"


@dataclass(frozen=True)
class ChecklistItem:
    """One item of a checklist, as the draw or a person hands it over."""

    name: str
    basis: str
    method: str
    stage: str
    item_key: str = ""


# Items offered on the registration page (picked, or typed one per line).
COMMON_ITEMS: tuple[ChecklistItem, ...] = (
    ChecklistItem(
        "项目经理、总监等关键岗位人员到岗履职",
        f"{_QZ} 第五条",
        "现场检查",
        "标后",
        "key_staff",
    ),
    ChecklistItem(
        "合同及补充协议履约、转包和违法分包",
        f"{_QZ} 第二条(二)",
        "资料检查",
        "标后",
        "contract",
    ),
    ChecklistItem("工程质量安全管理", f"{_QZ} 第二条(二)", "现场检查", "标后", "quality"),
    ChecklistItem("农民工工资支付", f"{_QZ} 第五条", "资料检查", "标后", "wages"),
    ChecklistItem("工程变更及造价控制", f"{_QZ} 第二条(二)", "资料检查", "标后", "variation"),
)

PROCEDURE = (
    "出示执法证件、说明来意；按检查事项逐项检查并拍照取证；"
    "检查记录经检查人员在平台签认；检查情况报告监管办负责人审签；"
    "检查结果于审签后10个工作日内公开"
)


def _t(value: str, field: str, label: str, max_len: int = 5000) -> str:
    return writes.text(value, field=field, label=label, max_len=max_len)


# --- who --------------------------------------------------------------------------------------------


def may_schedule(actor: Actor) -> bool:
    """The office's staff and leaders, an industry authority's staff and leaders."""
    if actor.org_kind == OrgKind.SUPERVISION_OFFICE:
        return bool(actor.roles & {Role.OFFICE_STAFF, Role.UNIT_LEADER})
    return actor.org_kind == OrgKind.INDUSTRY_AUTHORITY and bool(
        actor.roles & {Role.AUTHORITY_STAFF, Role.UNIT_LEADER}
    )


def is_office_staff(i: Inspection, a: Actor) -> bool:
    return a.is_system or (
        a.organisation_id == i.office_id and bool(a.roles & {Role.OFFICE_STAFF, Role.UNIT_LEADER})
    )


def is_office_head(i: Inspection, a: Actor) -> bool:
    return a.is_system or (a.organisation_id == i.office_id and Role.UNIT_LEADER in a.roles)


def is_department_staff(i: Inspection, a: Actor) -> bool:
    if a.is_system:
        return True
    if not a.roles & {Role.AUTHORITY_STAFF, Role.UNIT_LEADER}:
        return False
    return i.departments.filter(department_id=a.organisation_id).exists()


def is_organiser(i: Inspection, a: Actor) -> bool:
    return is_office_staff(i, a) or is_department_staff(i, a)


def is_inspector(i: Inspection, a: Actor) -> bool:
    if a.is_system:
        return True
    return a.person_id is not None and i.inspectors.filter(person_id=a.person_id).exists()


# --- scheduling (the draw hands its selections here) --------------------------------------------------


def _office_of(department: Organisation) -> Organisation:
    office = Organisation.objects.filter(
        kind=OrgKind.SUPERVISION_OFFICE, path=department.district_path
    ).first()
    if office is None:
        raise ValidationFailed("找不到该部门所属的监管办", field="department_id")
    return office


def _inspector_rows(i: Inspection, certs: list[EnforcementCertificate]) -> None:
    have = set(i.inspectors.values_list("person_id", flat=True))
    for c in certs:
        if c.person_id in have:
            continue
        have.add(c.person_id)
        InspectionInspector.objects.create(
            inspection=i,
            certificate=c,
            person_id=c.person_id,
            name=c.person.name,
            department_name=c.department.name,
            certificate_number=c.number,
        )


def schedule_inspection(
    actor: Actor,
    *,
    project: Project,
    department: Organisation,
    inspectors: list[EnforcementCertificate],
    items: list[ChecklistItem],
    period_start: dt.date,
    period_end: dt.date,
    announced: bool,
    kind: str,
    source: str,
    source_ref: str = "",
) -> Inspection:
    """Schedule an inspection of ``project`` by ``department`` (R-INS-05): the
    team is checked by ``conflicts.team_problem`` (R-INS-09), the checklist is
    frozen on the inspection, the number is JC-YYYY-NNNN, gapless per office
    and year."""
    if department.kind not in (OrgKind.INDUSTRY_AUTHORITY, OrgKind.SUPERVISION_OFFICE):
        raise ValidationFailed("检查部门须为行业主管部门或监管办", field="department_id")
    if kind not in InspectionKind.values:
        raise ValidationFailed("检查类型不在可选范围内", field="kind")
    if source not in InspectionSource.values:
        raise ValidationFailed("检查来源不在可选范围内", field="source")
    if period_end < period_start:
        raise ValidationFailed("检查期间的结束日不能早于开始日", field="period_end")
    if not items:
        raise ValidationFailed("请至少列出一个检查事项", field="items")
    names = [it.name.strip() for it in items]
    if any(not n for n in names) or len(set(names)) != len(names):
        raise ValidationFailed("检查事项名称不能为空或重复", field="items")
    for it in items:
        if not it.basis.strip() or not it.method.strip():
            raise ValidationFailed(f"检查事项“{it.name}”须写明检查依据和检查方式", field="items")
    problem = conflicts.team_problem(list(inspectors), project, period_start)
    if problem:
        raise ValidationFailed(problem, field="inspector_ids")
    office = department if department.kind == OrgKind.SUPERVISION_OFFICE else _office_of(department)
    with transaction.atomic():
        now = clock.now()
        year = clock.local_date(now).year
        seq = documents.next_number(f"inspections.number.{office.pk}", year)
        i = Inspection.objects.create(
            number=f"JC-{year}-{seq:04d}",
            year=year,
            seq=seq,
            office=office,
            department=department,
            project=project,
            kind=kind,
            source=source,
            source_ref=source_ref[:60],
            announced=announced,
            period_start=period_start,
            period_end=period_end,
            procedure=PROCEDURE,
            created_at=now,
            created_by_name=actor.display_name[:100],
        )
        InspectionDepartment.objects.create(
            inspection=i, department=department, lead=True, original_number=i.number
        )
        _inspector_rows(i, list(inspectors))
        for n, it in enumerate(items, 1):
            InspectionItem.objects.create(
                inspection=i,
                position=n,
                name=it.name.strip()[:200],
                basis=it.basis.strip()[:500],
                method=it.method.strip()[:100],
                stage=it.stage[:20],
                item_key=it.item_key[:60],
                department_name=department.name[:200],
            )
        writes.created(
            i,
            actor=actor,
            action="inspections.schedule",
            snapshot=snapshot,
            after={"inspectors": [c.number for c in inspectors], "items": names},
            project_id=project.pk,
        )
    return i


def work_list_items(actor: Actor, year: int) -> list[ChecklistItem]:
    """The year's work-list items (监管工作清单) the actor reads, as checklist
    items: what a department registering an inspection by hand picks from
    first (the draw hands over the same items, ``services_draw``)."""
    from .models import WorkItem

    rows = WorkItem.objects.visible_to(actor).filter(year=year).order_by("organisation_id", "pk")
    return [
        ChecklistItem(
            name=w.name,
            basis=w.basis_text,
            method=w.get_method_display(),
            stage=w.get_stage_display(),
            item_key=f"work-item:{w.pk}",
        )
        for w in rows[:200]
    ]


def pickable_items(actor: Actor, year: int) -> list[ChecklistItem]:
    """What the registration page offers: the work list's items, then the
    common ones."""
    return [*work_list_items(actor, year), *COMMON_ITEMS]


def parse_items(
    text: str, picked: list[str], offered: Sequence[ChecklistItem] = COMMON_ITEMS
) -> list[ChecklistItem]:
    """Items typed one per line (``事项｜依据｜方式``; missing parts: the
    department's defaults) and items picked from those ``offered``."""
    chosen = set(picked)
    out: list[ChecklistItem] = [c for c in offered if c.item_key in chosen]
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        parts = [p.strip() for p in line.replace("|", "｜").split("｜")]
        name = parts[0][:200]
        basis = parts[1] if len(parts) > 1 and parts[1] else f"{_QZ} 第五条"
        method = parts[2] if len(parts) > 2 and parts[2] else "现场检查"
        out.append(ChecklistItem(name, basis, method, "标后"))
    return out


def register_by_hand(
    *,
    actor: Actor,
    project_id: int,
    department_id: int,
    inspector_ids: list[int],
    items_text: str = "",
    common_items: list[str] | None = None,
    period_start: dt.date,
    period_end: dt.date,
    announced: bool = True,
    kind: str = InspectionKind.ROUTINE,
    source_ref: str = "",
) -> Inspection:
    """登记检查 by hand: the office for any department of its district, a
    department for itself."""
    if not may_schedule(actor):
        raise Forbidden("监管办或行业主管部门工作人员方可登记检查")
    project = Project.objects.visible_to(actor).filter(pk=project_id).first()
    if project is None:
        raise ValidationFailed("项目不存在或不在本单位数据范围内", field="project_id")
    dept = Organisation.objects.filter(pk=department_id).first()
    if dept is None or dept.kind != OrgKind.INDUSTRY_AUTHORITY:
        raise ValidationFailed("请选择检查部门（行业主管部门）", field="department_id")
    if actor.org_kind == OrgKind.SUPERVISION_OFFICE:
        if not dept.path.startswith(actor.org_path):
            raise ValidationFailed("检查部门不在本监管办辖区内", field="department_id")
    elif dept.pk != actor.organisation_id:
        raise ValidationFailed("行业主管部门只能登记本部门的检查", field="department_id")
    certs = list(
        EnforcementCertificate.objects.visible_to(actor)
        .select_related("person", "department")
        .filter(pk__in=inspector_ids)
    )
    if len(certs) != len(set(inspector_ids)):
        raise ValidationFailed("所选人员不在执法人员库中", field="inspector_ids")
    offered = pickable_items(actor, clock.local_date(clock.now()).year)
    items = parse_items(items_text, common_items or [], offered)
    return schedule_inspection(
        actor,
        project=project,
        department=dept,
        inspectors=certs,
        items=items,
        period_start=period_start,
        period_end=period_end,
        announced=announced,
        kind=kind,
        source=InspectionSource.MANUAL,
        source_ref=source_ref,
    )


# --- the steps of an inspection ------------------------------------------------------------------------


def _step(name: str) -> steps.Step:
    return steps.get("inspections.inspection", name)


@contextmanager
def _take(step: steps.Step, obj: Any, actor: Actor) -> Iterator[writes.Write]:
    """``steps.write`` with the object moved to the step's target state."""
    with steps.write(step, obj, actor) as w:
        if step.target:
            w.obj.state = step.target
        yield w


def notify(*, actor: Actor, obj: Inspection, notice: str = "") -> Inspection:
    """检查通知 to the owner (announced inspections): the disclosure before
    the visit goes public (R-INS-06)."""
    with _take(_step("notify"), obj, actor) as w:
        i = w.obj
        i.notified_at = clock.now()
        i.notice = (notice or "").strip()[:2000] or (
            f"定于{i.period_start:%Y年%m月%d日}至{i.period_end:%Y年%m月%d日}对"
            f"{i.project.name}开展检查，请做好准备。"
        )
    return obj


def start_visit(*, actor: Actor, obj: Inspection) -> Inspection:
    """进场检查 (an unannounced inspection — 不打招呼 — goes straight on site)."""
    with _take(_step("start_visit"), obj, actor) as w:
        w.obj.visited_at = clock.now()
    return obj


def _float(value: Any, lo: float, hi: float) -> float | None:
    if value in (None, ""):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if lo <= f <= hi else None


def _when(value: Any) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        at = value
    else:
        try:
            at = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=clock.localtime().tzinfo)
    return at


def add_evidence(
    i: Inspection,
    item: InspectionItem,
    upload: Any,
    actor: Actor,
    *,
    finding: Finding | None = None,
    lat: Any = None,
    lon: Any = None,
    accuracy: Any = None,
    taken_at: Any = None,
    field: str = "photo",
) -> Evidence:
    """A photo or document through the one upload service (checked types);
    a photo is stamped with time, place and inspection."""
    checked = files.check_upload(upload, field=field, allowed=files.DOCUMENTS)
    la, lo = _float(lat, -90, 90), _float(lon, -180, 180)
    when = _when(taken_at)
    stamp = [
        f"{i.number} {item.name}"[:60],
        f"{clock.localtime(when or clock.now()):%Y-%m-%d %H:%M} {actor.display_name}"[:60],
    ]
    if la is not None and lo is not None:
        stamp.append(f"{la:.5f}, {lo:.5f}")
    checked = files.stamped(checked, stamp)
    e = Evidence(
        inspection=i,
        item=item,
        finding=finding,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        lat=la,
        lon=lo,
        accuracy_m=_float(accuracy, 0, 100000),
        taken_at=when,
        uploaded_by_name=actor.display_name[:100],
    )
    files.save(e.file, checked)
    e.save()
    return e


def record_result(
    *,
    actor: Actor,
    obj: Inspection,
    item_id: int,
    result: str,
    description: str = "",
    subject_org_id: int | None = None,
    photo: Any = None,
    document: Any = None,
    lat: Any = None,
    lon: Any = None,
    accuracy: Any = None,
    taken_at: Any = None,
) -> Inspection:
    """The result of one item (compliant, or a finding with its subject),
    with a photo or document when given (in-page capture on a phone)."""
    item = InspectionItem.objects.filter(pk=item_id, inspection_id=obj.pk).first()
    if item is None:
        raise ValidationFailed("请选择本次检查的检查事项", field="item_id")
    if result not in ItemResult.values:
        raise ValidationFailed("检查结果须为“符合”或“发现问题”", field="result")
    description = (description or "").strip()
    subject: Organisation | None = None
    if result == ItemResult.FINDING:
        description = _t(description, "description", "问题描述", 2000)
        units = conflicts.project_units(obj.project)
        if not subject_org_id or int(subject_org_id) not in units:
            raise ValidationFailed(
                "请选择责任主体（本项目的建设单位或参建单位）", field="subject_org_id"
            )
        subject = Organisation.objects.get(pk=subject_org_id)
    with _take(_step("record"), obj, actor) as w:
        i = w.obj
        item.result = result
        item.result_note = description[:2000] if result == ItemResult.COMPLIANT else ""
        item.save(update_fields=["result", "result_note"])
        finding = None
        if subject is not None:
            finding = Finding.objects.create(
                inspection=i,
                item=item,
                description=description,
                subject_org=subject,
                subject_text=subject.name,
                recorded_by_name=actor.display_name[:100],
            )
        if photo:
            add_evidence(
                i,
                item,
                photo,
                actor,
                finding=finding,
                lat=lat,
                lon=lon,
                accuracy=accuracy,
                taken_at=taken_at,
            )
        if document:
            add_evidence(i, item, document, actor, finding=finding, field="document")
        w.after = {"item": item.name, "result": result, "finding": finding.pk if finding else None}
    return obj


def all_items_done(i: Inspection, a: Actor | None = None) -> bool:
    return not i.items.filter(result="").exists()


def sign_record(*, actor: Actor, obj: Inspection) -> Inspection:
    """检查记录签认: each inspector signs on the platform; when all have, the
    record is signed."""
    with _take(_step("sign_record"), obj, actor) as w:
        i = w.obj
        now = clock.now()
        if actor.person_id is not None:
            i.inspectors.filter(person_id=actor.person_id, signed_at__isnull=True).update(
                signed_at=now
            )
        if actor.is_system:
            i.inspectors.filter(signed_at__isnull=True).update(signed_at=now)
        if not i.inspectors.filter(signed_at__isnull=True).exists():
            i.state = S.RECORD_SIGNED
            i.record_signed_at = now
        w.after = {"signed_by": actor.display_name}
    return obj


def _referral_org(i: Inspection, disposition: str, org_id: int | None) -> Organisation:
    kind = TRANSFERS[Disposition(disposition)]
    org = Organisation.objects.filter(
        pk=org_id or 0, kind=kind, path__startswith=i.office.path
    ).first()
    if org is None:
        label = "纪检监察机关" if kind == OrgKind.DISCIPLINE else "公安机关"
        raise ValidationFailed(f"请选择接收线索的{label}", field="transfer_org_id")
    return org


def dispose(
    *,
    actor: Actor,
    obj: Inspection,
    finding_id: int,
    disposition: str,
    note: str,
    first_minor: bool = False,
    social_harm: bool = False,
    days: int | None = None,
    transfer_org_id: int | None = None,
    transfer_document: str = "",
) -> Inspection:
    """处理 a finding (R-INS-08; HC 附件 二(四)): a talk, criticism or a
    rectification order only for a first minor case with no social harm; a
    suspected violation → a case (``inspections.case_requested``); suspected
    discipline violation → discipline inspection, crime → public security
    (the transfer is recorded on the finding)."""
    f = Finding.objects.filter(pk=finding_id, inspection_id=obj.pk).first()
    if f is None:
        raise ValidationFailed("请选择本次检查发现的问题", field="finding_id")
    if f.disposition:
        raise ValidationFailed("该问题已作出处理", field="finding_id")
    if disposition not in Disposition.values:
        raise ValidationFailed("处理方式不在可选范围内", field="disposition")
    note = _t(note, "note", "处理意见", 2000)
    if disposition in LIGHT_DISPOSITIONS and (not first_minor or social_harm):
        raise ValidationFailed(
            "谈话提醒、批评教育、责令整改仅适用于首次轻微违法且未造成社会危害的情形；"
            "其他情形请提请立案查处或移送",
            field="disposition",
        )
    transfer: Organisation | None = None
    if disposition in TRANSFERS:
        transfer = _referral_org(obj, disposition, transfer_org_id)
        transfer_document = _t(transfer_document, "transfer_document", "移送函文号", 60)
    if disposition == Disposition.RECTIFY:
        days = int(days or 0)
        if not 1 <= days <= 60:
            raise ValidationFailed("整改期限为1至60个工作日", field="days")
    with _take(_step("dispose"), obj, actor) as w:
        i = w.obj
        now = clock.now()
        f.disposition = disposition
        f.first_minor, f.social_harm = bool(first_minor), bool(social_harm)
        f.disposition_note = note
        f.disposed_at = now
        f.disposed_by_name = actor.display_name[:100]
        if transfer is not None:
            f.transfer_org = transfer
            f.transfer_document = transfer_document
        if disposition == Disposition.CASE:
            f.case_requested_at = now
            w.publish(
                CaseRequested(
                    source_id=f"finding:{f.pk}",
                    source_ref=i.number,
                    source_text=f"检查 {i.number}：{f.item.name}"[:300],
                    source_url=reverse("inspections_visit", args=[i.pk]),
                    office_id=i.office_id,
                    project_id=i.project_id,
                    department_id=i.department_id,
                    title=f"检查发现：{f.item.name}"[:200],
                    facts=f"{f.description}\n处理意见：{note}",
                    subject_text=f.subject_text,
                    subject_org_id=f.subject_org_id,
                )
            )
        f.save()
        if transfer is not None:
            w.publish(
                FindingReferred(
                    referral_id=f.pk,
                    inspection_number=i.number,
                    inspection_url=reverse("inspections_visit", args=[i.pk]),
                    target=(
                        "discipline" if disposition == Disposition.DISCIPLINE else "public_security"
                    ),
                    recipient_org_id=transfer.pk,
                    document_number=transfer_document,
                    reason=note,
                    facts=f"{f.item.name}：{f.description}",
                    subject_text=f.subject_text,
                    project_id=i.project_id,
                    office_id=i.office_id,
                    referred_by_name=actor.display_name[:100],
                )
            )
        if disposition == Disposition.RECTIFY:
            _issue_order(i, f, note, int(days or 0), actor)
        w.after = {"finding": f.pk, "disposition": disposition}
    return obj


def _issue_order(i: Inspection, f: Finding, requirement: str, days: int, actor: Actor) -> None:
    now = clock.now()
    year = clock.local_date(now).year
    seq = documents.next_number(f"inspections.order.{i.office_id}", year)
    o = RectificationOrder.objects.create(
        finding=f,
        inspection=i,
        number=f"ZG-{year}-{seq:04d}",
        subject_org=f.subject_org,
        subject_text=f.subject_text,
        requirement=requirement,
        days=days,
        issued_at=now,
        due_on=clock.local_date(now),
    )
    _open_order_clock(o, days, now)
    writes.created(
        o, actor=actor, action="inspections.order", snapshot=order_snapshot, project_id=i.project_id
    )


def _open_order_clock(o: RectificationOrder, days: int, start: dt.datetime) -> None:
    d = deadlines.open_deadline(
        kind=dk.RECTIFICATION.kind,
        subject=o,
        length=days,
        unit=Unit.WORKING_DAYS,
        basis=dk.RECTIFICATION.basis,
        organisation_id=o.inspection.department_id,
        project_id=o.inspection.project_id,
        start=start,
    )
    o.due_on = deadlines.last_day(d)
    o.save(update_fields=["due_on"])
    _order_todo(o)


def _todo(key: str, kind: str, title: str, org_id: int | None, url: str, **kw: Any) -> None:
    """A to-do in the inbox of who acts next (closed by the next step)."""
    if org_id is None:
        return
    todos.open_for(key=key, kind=kind, title=title, organisation_id=org_id, url=url, **kw)


def _order_todo(o: RectificationOrder) -> None:
    d = deadlines.deadlines_of(o)
    _todo(
        f"inspections:order:{o.pk}:{o.rounds}",
        "inspections.order_reply",
        f"整改通知 {o.number} 待回复整改情况",
        o.subject_org_id,
        reverse("inspections_order", args=[o.pk]),
        subject=o,
        project_id=o.inspection.project_id,
        due_at=d[-1].due_at if d else None,
    )


def all_disposed(i: Inspection, a: Actor | None = None) -> bool:
    return not i.findings.filter(disposition="").exists()


def report(*, actor: Actor, obj: Inspection, report: str) -> Inspection:
    """检查情况报告 to the office head."""
    text = _t(report, "report", "检查情况", 5000)
    with _take(_step("report"), obj, actor) as w:
        w.obj.report = text
        w.obj.reported_at = clock.now()
        _todo(
            f"inspections:signoff:{obj.pk}",
            "inspections.visit_sign_off",
            f"检查 {obj.number} 待审签",
            obj.office_id,
            reverse("inspections_visit", args=[obj.pk]),
            role=Role.UNIT_LEADER,
            subject=obj,
        )
    return obj


def _results(i: Inspection) -> list[FindingRecorded]:
    """One event per finding on a market subject, and one compliant result
    per participant without a finding (QZ 9)."""
    signed = clock.localtime(i.signed_off_at or clock.now()).isoformat()
    out = []
    with_finding: set[int] = set()
    for f in i.findings.select_related("item"):
        if f.subject_org_id:
            with_finding.add(f.subject_org_id)
        out.append(
            FindingRecorded(
                finding_id=f.pk,
                inspection_ref=i.number,
                project_id=i.project_id,
                subject_org_id=f.subject_org_id,
                subject_text=f.subject_text,
                item_name=f.item.name,
                disposition=f.disposition,
                compliant=False,
                description=f.description,
                signed_off_on=signed,
            )
        )
    for p in i.project.participants.select_related("organisation"):
        if p.organisation_id in with_finding:
            continue
        out.append(
            FindingRecorded(
                finding_id=0,
                inspection_ref=i.number,
                project_id=i.project_id,
                subject_org_id=p.organisation_id,
                subject_text=p.organisation.name,
                item_name="全部检查事项",
                disposition="",
                compliant=True,
                description="检查未发现问题",
                signed_off_on=signed,
            )
        )
    return out


def sign_off(*, actor: Actor, obj: Inspection, note: str = "") -> Inspection:
    """监管办负责人审签 (HC 附件 二(五)): the results are due on the public
    site within 10 working days; each result on a market subject is told
    (``inspections.finding_recorded``)."""
    with _take(_step("sign_off"), obj, actor) as w:
        i = w.obj
        now = clock.now()
        i.signed_off_at = now
        i.signed_off_by_name = actor.display_name[:100]
        i.sign_off_note = (note or "").strip()[:2000]
        i.public_summary = default_summary(i)
        deadlines.open_deadline(
            kind=dk.RESULTS.kind,
            subject=i,
            length=dk.RESULTS_DAYS,
            unit=Unit.WORKING_DAYS,
            basis=dk.RESULTS.basis,
            organisation_id=i.office_id,
            project_id=i.project_id,
            start=now,
            reminder_after=7,
        )
        for evt in _results(i):
            w.publish(evt)
        i.findings.update(published_event_at=now)
        todos.close_for(key=f"inspections:signoff:{i.pk}")
        _todo(
            f"inspections:publish:{i.pk}",
            "inspections.visit_publish",
            f"检查 {i.number} 的结果待公开（10个工作日内）",
            i.office_id,
            reverse("inspections_visit", args=[i.pk]),
            role=Role.OFFICE_STAFF,
            subject=i,
        )
    return obj


def _person_names(i: Inspection) -> list[str]:
    from postaward.orgs.models import Person

    ids = set(i.project.assignments.values_list("person_id", flat=True))
    return [n for n in Person.objects.filter(pk__in=ids).values_list("name", flat=True) if n]


def default_summary(i: Inspection) -> str:
    """The results as the public reads them: personal data masked
    (``core.masking``); the office may trim trade secrets before publishing."""
    lines = []
    for it in i.items.all():
        found = [f for f in it.findings.all()]
        if not found:
            lines.append(f"{it.name}：{it.get_result_display() or '未检查'}")
        for f in found:
            disp = f.get_disposition_display() if f.disposition else "待处理"
            lines.append(f"{it.name}：发现问题（{f.subject_text}）：{f.description}；处理：{disp}")
    text = "\n".join(lines) or "检查未发现问题"
    return masking.mask_text(text, _person_names(i))


def publish_results(*, actor: Actor, obj: Inspection, summary: str = "") -> Inspection:
    """检查结果公开 on the public site (R-INS-06, R-CAS-05), masked."""
    with _take(_step("publish"), obj, actor) as w:
        i = w.obj
        text = (summary or "").strip() or i.public_summary or default_summary(i)
        i.public_summary = masking.mask_text(text, _person_names(i))[:10000]
        i.published_at = clock.now()
        i.published_by_name = actor.display_name[:100]
        deadlines.close_deadline(kind=dk.RESULTS.kind, subject=i)
        todos.close_for(key=f"inspections:publish:{i.pk}")
    return obj


# --- the rectification ledger ---------------------------------------------------------------------------


def _order_step(name: str) -> steps.Step:
    return steps.get("inspections.rectification", name)


def reply(*, actor: Actor, obj: RectificationOrder, text: str, file: Any = None) -> Any:
    """整改回复 by the subject, with its evidence (scoped to its own orders)."""
    text = _t(text, "text", "整改情况", 5000)
    checked = files.check_upload(file, field="file") if file else None
    with _take(_order_step("reply"), obj, actor) as w:
        o = w.obj
        now = clock.now()
        r = RectificationReply(
            order=o,
            round=o.rounds,
            text=text,
            replied_at=now,
            replied_by_name=f"{actor.org_name} {actor.display_name}"[:100],
            on_time=clock.local_date(now) <= o.due_on,
        )
        if checked is not None:
            files.save(r.file, checked)
            r.original_name, r.sha256 = checked.name, checked.sha256
        r.save()
        o.state = OrderState.REPLIED
        deadlines.close_deadline(kind=dk.RECTIFICATION.kind, subject=o)
        todos.close_for(key=f"inspections:order:{o.pk}:{o.rounds}")
        _todo(
            f"inspections:verify:{o.pk}:{o.rounds}",
            "inspections.order_verify",
            f"整改通知 {o.number} 已回复，待核查",
            o.inspection.department_id,
            reverse("inspections_order", args=[o.pk]),
            subject=o,
            project_id=o.inspection.project_id,
        )
        w.after = {"reply": r.pk, "on_time": r.on_time}
    return obj


def verify(
    *, actor: Actor, obj: RectificationOrder, verdict: str, note: str, days: int | None = None
) -> Any:
    """核查 by an inspector: passed → closed (销号); not done → reopened with
    a new deadline in working days."""
    if verdict not in RectificationReply.Verdict.values:
        raise ValidationFailed("核查结论须为“整改到位”或“未整改到位”", field="verdict")
    note = _t(note, "note", "核查意见", 2000)
    if verdict == RectificationReply.Verdict.FAILED:
        days = int(days or 0)
        if not 1 <= days <= 60:
            raise ValidationFailed("重新整改期限为1至60个工作日", field="days")
    with _take(_order_step("verify"), obj, actor) as w:
        o = w.obj
        now = clock.now()
        todos.close_for(key=f"inspections:verify:{o.pk}:{o.rounds}")
        last = o.replies.filter(verdict="").order_by("-round", "-pk").first()
        if last is not None:
            last.verdict, last.verify_note = verdict, note
            last.verified_at, last.verified_by_name = now, actor.display_name[:100]
            last.save()
        if verdict == RectificationReply.Verdict.PASSED:
            o.state = OrderState.CLOSED
            o.closed_at = now
        else:
            o.state = OrderState.OPEN
            o.rounds += 1
            o.days = int(days or 0)
            _open_order_clock(o, int(days or 0), now)
        w.after = {"verdict": verdict}
    return obj


def order_has_reply(o: RectificationOrder, a: Actor | None = None) -> bool:
    return o.replies.filter(verdict="").exists()


def is_order_subject(o: RectificationOrder, a: Actor) -> bool:
    if a.is_system:
        return True
    return a.organisation_id is not None and a.organisation_id == o.subject_org_id


def is_order_verifier(o: RectificationOrder, a: Actor) -> bool:
    return is_inspector(o.inspection, a) or is_office_staff(o.inspection, a)


__all__ = [
    "COMMON_ITEMS",
    "ChecklistItem",
    "add_evidence",
    "dispose",
    "notify",
    "publish_results",
    "record_result",
    "register_by_hand",
    "reply",
    "report",
    "schedule_inspection",
    "sign_off",
    "sign_record",
    "start_visit",
    "verify",
]
