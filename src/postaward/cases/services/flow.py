"""The services the steps of a case call (R-CAS-01..05, R-ALR-06).

Each takes its step through ``core.steps.write`` (lock, check, audit, publish
in one transaction), moves the clocks (``core.deadlines``), issues the step's
document (``documents.issue``) and opens the next to-do (``todos.sync_todo``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal, InvalidOperation
from typing import Any

from django.urls import reverse

from postaward.core import business_calendar, clock, deadlines, files, steps, writes
from postaward.core.actor import Actor
from postaward.core.business_calendar import Unit
from postaward.core.errors import Conflict, ValidationFailed
from postaward.core.models import Deadline
from postaward.orgs.models import Organisation

from .. import deadline_kinds as dk
from .. import documents
from ..choices import (
    DeliveryMethod,
    DocumentKind,
    LightMeasure,
    MemberRole,
    Outcome,
    ReferralTarget,
    State,
)
from ..events import CaseReferred, PenaltyDecided, PublicationSignedOff
from ..models import (
    Case,
    CaseDelivery,
    CaseExtension,
    CaseMeeting,
    CaseMember,
    EnforcementCertificate,
)
from .todos import sync_todo, tell_team

__all__ = [
    "approve_extension",
    "approve_penalty",
    "assign_team",
    "close_case",
    "credit_entry",
    "decide",
    "deliberate",
    "deliver",
    "end_light",
    "end_no_violation",
    "feedback",
    "file_case",
    "final_report",
    "hold_meeting",
    "notify",
    "pending_extension",
    "refer",
    "request_extension",
    "sign_off_publication",
    "submit_report",
]


def _step(name: str) -> steps.Step:
    return steps.get("cases.case", name)


def _day(d: dt.date | None) -> str:
    return documents.day_text(d)


def _date(value: Any, field: str, label: str) -> dt.date:
    """A date from a form (a date) or a direct call (an ISO string)."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(f"{label}格式应为 YYYY-MM-DD", field=field) from None


def _t(value: str, field: str, label: str, max_len: int = 5000) -> str:
    return writes.text(value, field=field, label=label, max_len=max_len)


# --- team and extension (R-CAS-02) ---------------------------------------------------------------


def _certificates(ids: list[int], today: dt.date) -> list[EnforcementCertificate]:
    certs = list(
        EnforcementCertificate.objects.select_related("person", "department").filter(pk__in=ids)
    )
    if len(certs) != len(set(ids)):
        raise ValidationFailed("所选人员不在执法人员库中", field="member_ids")
    expired = [c.person.name for c in certs if c.valid_until < today]
    if expired:
        raise ValidationFailed(f"执法证已过期：{'、'.join(expired)}", field="member_ids")
    return certs


def assign_team(
    *,
    actor: Actor,
    obj: Case,
    leader_id: int,
    member_ids: list[int] | None = None,
    specialist_ids: list[int] | None = None,
) -> Case:
    """组建调查组 (组长负责制): the leader and members from the enforcement
    staff pool; the 15-working-day clock starts (R-CAS-02)."""
    today = clock.today()
    members = [i for i in dict.fromkeys(member_ids or []) if i != leader_id]
    specialists = [i for i in dict.fromkeys(specialist_ids or []) if i != leader_id]
    chosen = [(leader_id, MemberRole.LEADER)]
    chosen += [(i, MemberRole.MEMBER) for i in members]
    chosen += [(i, MemberRole.SPECIALIST) for i in specialists if i not in members]
    certs = {c.pk: c for c in _certificates([i for i, _ in chosen], today)}
    with steps.write(_step("assign_team"), obj, actor) as w:
        c = w.obj
        CaseMember.objects.filter(case=c).delete()
        for pk, role in chosen:
            cert = certs[pk]
            CaseMember.objects.create(
                case=c,
                person=cert.person,
                certificate=cert,
                role=role,
                name=cert.person.name,
                department_name=cert.department.name,
                certificate_number=cert.number,
            )
        c.state = State.INVESTIGATING
        c.assigned_at = clock.now()
        d = deadlines.open_deadline(
            kind=dk.INVESTIGATION.kind,
            subject=c,
            length=dk.INVESTIGATION_DAYS,
            unit=Unit.WORKING_DAYS,
            basis=dk.INVESTIGATION.basis,
            organisation_id=c.office_id,
            project_id=c.project_id,
            start=c.assigned_at,
            reminder_after=10,
        )
        c.investigation_due = deadlines.last_day(d)
        w.after["team"] = [certs[pk].number for pk, _ in chosen]
        sync_todo(c)
        tell_team(c, actor, f"您已被编入{c.number}调查组，调查期限至{c.investigation_due:%Y-%m-%d}")
    return c


def pending_extension(c: Case) -> CaseExtension | None:
    return CaseExtension.objects.filter(case=c, approved=False).order_by("-pk").first()


def request_extension(*, actor: Actor, obj: Case, days: int, reason: str) -> Case:
    """The team asks for more time (延长调查时限), with the reason."""
    if not 1 <= int(days) <= 30:
        raise ValidationFailed("延长期限为1至30个工作日", field="days")
    reason = _t(reason, "reason", "延期理由", 2000)
    with steps.write(_step("request_extension"), obj, actor) as w:
        CaseExtension.objects.create(
            case=w.obj, days=int(days), reason=reason, requested_by_name=actor.display_name[:100]
        )
        w.after["extension_days"] = int(days)
        sync_todo(w.obj)
    return obj


def approve_extension(*, actor: Actor, obj: Case, note: str = "") -> Case:
    """The office head approves: the 延长调查时限通知书 with the new due date;
    the clock moves and the extension is counted (R-CAS-02)."""
    with steps.write(_step("approve_extension"), obj, actor) as w:
        c = w.obj
        ext = pending_extension(c)
        assert ext is not None  # the step's guard
        old_due = c.investigation_due
        deadlines.extend_deadline(
            kind=dk.INVESTIGATION.kind, subject=c, extra=ext.days, note=f"延期{ext.days}个工作日"
        )
        d = (
            Deadline.objects.filter(
                kind=dk.INVESTIGATION.kind,
                subject_type="cases.case",
                subject_id=str(c.pk),
            )
            .order_by("-pk")
            .first()
        )
        c.investigation_due = deadlines.last_day(d) if d else old_due
        c.extension_count += 1
        ext.approved = True
        ext.approved_by_name = actor.display_name[:100]
        ext.approved_at = clock.now()
        ext.new_due = c.investigation_due
        ext.save()
        documents.issue(
            c,
            DocumentKind.EXTENSION,
            {
                "requested": _day(clock.localtime(ext.requested_at)),
                "reason": ext.reason,
                "approver": actor.display_name,
                "days": ext.days,
                "old_due": _day(old_due),
                "new_due": _day(c.investigation_due),
                "count": c.extension_count,
            },
            addressee=f"{c.number}调查组",
            actor=actor,
        )
        sync_todo(c)
        tell_team(c, actor, f"延期已批准，调查期限延至{c.investigation_due:%Y-%m-%d}")
    return c


def _team_text(c: Case) -> str:
    return "、".join(
        f"{m.name}（{m.get_role_display()}，{m.department_name}，执法证号{m.certificate_number}）"
        for m in c.members.all()
    )


def submit_report(*, actor: Actor, obj: Case, report: str, proposal: str) -> Case:
    """调查报告 with the proposed handling; the investigation clock stops."""
    report = _t(report, "report", "调查情况")
    proposal = _t(proposal, "proposal", "拟处理意见", 2000)
    with steps.write(_step("submit_report"), obj, actor) as w:
        c = w.obj
        c.report, c.proposal, c.state = report, proposal, State.REPORTED
        deadlines.close_deadline(kind=dk.INVESTIGATION.kind, subject=c)
        documents.issue(
            c,
            DocumentKind.REPORT,
            {"report": report, "proposal": proposal, "team": _team_text(c)},
            addressee="监管办负责人",
            actor=actor,
        )
        sync_todo(c)
    return c


def deliberate(*, actor: Actor, obj: Case, opinion: str) -> Case:
    """The office deliberates the conclusions (监管办负责人召集审议)."""
    opinion = _t(opinion, "opinion", "审议意见", 2000)
    with steps.write(_step("deliberate"), obj, actor) as w:
        w.obj.deliberation, w.obj.state = opinion, State.DELIBERATED
        sync_todo(w.obj)
    return obj


def hold_meeting(
    *,
    actor: Actor,
    obj: Case,
    held_on: dt.date,
    agenda: str,
    attendees: str,
    minutes: str,
    absences: str = "",
    absence_approved_by: str = "",
    on_behalf: bool = False,
) -> Case:
    """案件会审: convened by the director (or a deputy on the director's
    behalf); an absence needs the director's approval; 会议纪要."""
    agenda = _t(agenda, "agenda", "议程", 2000)
    attendees = _t(attendees, "attendees", "参会人员", 1000)
    minutes = _t(minutes, "minutes", "会议纪要")
    held_on = _date(held_on, "held_on", "会审日期")
    absences = (absences or "").strip()[:1000]
    approved_by = (absence_approved_by or "").strip()[:100]
    if absences and not approved_by:
        raise ValidationFailed(
            "有人员缺席的，须写明批准缺席的监管办主任", field="absence_approved_by"
        )
    if held_on > clock.today():
        raise ValidationFailed("会审日期不能晚于今天", field="held_on")
    with steps.write(_step("hold_meeting"), obj, actor) as w:
        c = w.obj
        CaseMeeting.objects.update_or_create(
            case=c,
            defaults={
                "held_on": held_on,
                "convener": actor.display_name[:100],
                "on_behalf": bool(on_behalf),
                "agenda": agenda,
                "attendees": attendees,
                "absences": absences,
                "absence_approved_by": approved_by if absences else "",
                "minutes": minutes,
            },
        )
        c.state = State.REVIEWED
        documents.issue(
            c,
            DocumentKind.MINUTES,
            {
                "held_on": _day(held_on),
                "convener": actor.display_name,
                "on_behalf": on_behalf,
                "agenda": agenda,
                "attendees": attendees,
                "absences": absences,
                "absence_approved_by": approved_by,
                "minutes": minutes,
            },
            addressee="参会单位",
            actor=actor,
        )
        sync_todo(c)
    return c


def file_case(*, actor: Actor, obj: Case, note: str) -> Case:
    """立案: the competent department approves the 立案受理表."""
    note = _t(note, "note", "立案意见", 2000)
    with steps.write(_step("file_case"), obj, actor) as w:
        c = w.obj
        c.filing_note, c.state, c.filed_at = note, State.FILED, clock.now()
        documents.issue(
            c,
            DocumentKind.FILING,
            {
                "deliberation": c.deliberation,
                "note": note,
                "approver": actor.display_name,
                "filed": _day(clock.today()),
            },
            addressee="案件存档",
            issuer=c.department.name,
            actor=actor,
        )
        sync_todo(c)
    return c


def _fine(value: Any) -> Decimal:
    try:
        out = Decimal(str(value or "0"))
    except InvalidOperation:
        raise ValidationFailed("罚款金额须为数字", field="fine_yuan") from None
    if out < 0 or out > Decimal("100000000"):
        raise ValidationFailed("罚款金额须在0至1亿元之间", field="fine_yuan")
    return out.quantize(Decimal("0.01"))


def final_report(
    *,
    actor: Actor,
    obj: Case,
    evidence_review: str,
    measure: str,
    basis: str,
    fine_yuan: Any = "0",
    points: int = 0,
) -> Case:
    """证据复核 and the final case report with the handling proposal."""
    review = _t(evidence_review, "evidence_review", "证据复核意见", 2000)
    measure = _t(measure, "measure", "处罚（处理）措施", 300)
    basis = _t(basis, "basis", "法律依据", 500)
    fine = _fine(fine_yuan)
    if not 0 <= int(points) <= 100:
        raise ValidationFailed("信用量化记分为0至100分", field="points")
    with steps.write(_step("final_report"), obj, actor) as w:
        c = w.obj
        c.evidence_review, c.measure, c.basis = review, measure, basis
        c.fine_yuan, c.points, c.state = fine, int(points), State.FINAL_REPORTED
        documents.issue(
            c,
            DocumentKind.FINAL_REPORT,
            {**_penalty(c), "evidence_review": review},
            addressee=c.department.name,
            actor=actor,
        )
        sync_todo(c)
    return c


def _penalty(c: Case) -> dict[str, Any]:
    return {
        "measure": c.measure,
        "fine": f"{c.fine_yuan:,.2f}" if c.fine_yuan else "",
        "points": c.points,
        "basis": c.basis,
    }


def approve_penalty(*, actor: Actor, obj: Case, note: str) -> Case:
    """行政处罚审批表, approved by the competent department."""
    note = _t(note, "note", "审批意见", 2000)
    with steps.write(_step("approve_penalty"), obj, actor) as w:
        c = w.obj
        c.approval_note, c.state = note, State.PENALTY_APPROVED
        documents.issue(
            c,
            DocumentKind.PENALTY_APPROVAL,
            {
                **_penalty(c),
                "note": note,
                "approver": actor.display_name,
                "approved": _day(clock.today()),
            },
            addressee="案件存档",
            issuer=c.department.name,
            actor=actor,
        )
        sync_todo(c)
    return c


def notify(*, actor: Actor, obj: Case) -> Case:
    """行政处罚告知书: the party may state a defence within 3 working days and
    request a hearing within 5 days (行政处罚法 art. 64; ADR 0601)."""
    today = clock.today()
    with steps.write(_step("notify"), obj, actor) as w:
        c = w.obj
        c.notified_on = today
        c.defence_until = business_calendar.period_end(today, dk.DEFENCE_DAYS, Unit.WORKING_DAYS)
        c.hearing_until = business_calendar.period_end(today, dk.HEARING_DAYS, Unit.CALENDAR_DAYS)
        c.state = State.NOTIFIED
        documents.issue(
            c,
            DocumentKind.NOTICE,
            {
                **_penalty(c),
                "defence_until": _day(c.defence_until),
                "hearing_until": _day(c.hearing_until),
            },
            addressee=c.party_name,
            issuer=c.department.name,
            actor=actor,
        )
        sync_todo(c)
    return c


def decide(*, actor: Actor, obj: Case, defence: str = "", waived: bool = False) -> Case:
    """行政处罚决定书, after the defence and hearing periods (or the party
    waived them in writing); the 1-working-day credit clock starts (R-CAS-04)."""
    today = clock.today()
    if not waived and obj.hearing_until and today <= obj.hearing_until:
        raise Conflict(
            f"听证申请期限至{obj.hearing_until:%Y-%m-%d}，期满（或当事人书面放弃）后方可作出决定",
            code="period_running",
        )
    defence = (defence or "").strip()[:2000] or (
        "当事人在规定期限内未提出陈述、申辩和听证申请。"
        if not waived
        else "当事人书面放弃陈述、申辩和听证的权利。"
    )
    with steps.write(_step("decide"), obj, actor) as w:
        c = w.obj
        c.decided_on, c.state, c.outcome = today, State.DECIDED, Outcome.PENALTY
        doc = documents.issue(
            c,
            DocumentKind.DECISION,
            {**_penalty(c), "defence": defence},
            addressee=c.party_name,
            issuer=c.department.name,
            actor=actor,
        )
        c.decision_number = doc.number
        deadlines.open_deadline(
            kind=dk.CREDIT_ENTRY.kind,
            subject=c,
            length=dk.CREDIT_ENTRY_DAYS,
            unit=Unit.WORKING_DAYS,
            basis=dk.CREDIT_ENTRY.basis,
            organisation_id=c.office_id,
            project_id=c.project_id,
        )
        sync_todo(c)
    return c


def deliver(
    *,
    actor: Actor,
    obj: Case,
    method: str,
    delivered_on: dt.date,
    proof: Any,
    recipient: str = "",
) -> Case:
    """送达: method, date and the 送达回证 (through the core upload service);
    the notice and the decision become readable by the party."""
    delivered_on = _date(delivered_on, "delivered_on", "送达日期")
    if method not in DeliveryMethod.values:
        raise ValidationFailed("送达方式不在可选范围内", field="method")
    if delivered_on > clock.today():
        raise ValidationFailed("送达日期不能晚于今天", field="delivered_on")
    if obj.decided_on and delivered_on < obj.decided_on:
        raise ValidationFailed("送达日期不能早于决定日期", field="delivered_on")
    checked = files.check_upload(proof, field="proof")
    with steps.write(_step("deliver"), obj, actor) as w:
        c = w.obj
        row = CaseDelivery(
            case=c,
            method=method,
            delivered_on=delivered_on,
            recipient=(recipient or c.party_name)[:200],
            original_name=checked.name[:200],
            size=len(checked.data),
            sha256=hashlib.sha256(checked.data).hexdigest(),
            recorded_by_name=actor.display_name[:100],
        )
        files.save(row.proof, checked)
        row.save()
        c.state = State.DELIVERED
        documents.mark_delivered(c)
        documents.issue(
            c,
            DocumentKind.DELIVERY,
            {
                "documents": f"行政处罚告知书、行政处罚决定书（{c.decision_number}）",
                "recipient": row.recipient,
                "method": row.get_method_display(),
                "delivered_on": _day(delivered_on),
                "proof": row.original_name,
            },
            addressee=row.recipient,
            issuer=c.department.name,
            actor=actor,
        )
        sync_todo(c)
    return c


def credit_entry(*, actor: Actor, obj: Case) -> Case:
    """The credit entry of the decision and its points (R-CAS-04, within 1
    working day of the decision): publishes ``cases.penalty_decided``."""
    with steps.write(_step("credit_entry"), obj, actor) as w:
        c = w.obj
        c.credit_entered_on, c.state = clock.today(), State.CREDIT_ENTERED
        deadlines.close_deadline(kind=dk.CREDIT_ENTRY.kind, subject=c)
        w.publish(penalty_event(c))
        sync_todo(c)
    return c


def penalty_event(c: Case) -> PenaltyDecided:
    """``cases.penalty_decided`` of the contract (ADR 0602)."""
    return PenaltyDecided(
        case_id=c.pk,
        case_number=c.number,
        office_id=c.office_id,
        department_id=c.department_id,
        subject_org_id=c.party_org_id,
        subject_person_id=c.party_person_id,
        subject_name=c.party_name,
        project_id=c.project_id,
        measure=c.measure,
        fine_yuan=format(c.fine_yuan.normalize(), "f") if c.fine_yuan else "0",
        points=c.points,
        basis=c.basis,
        decision_number=c.decision_number,
        decided_on=c.decided_on.isoformat() if c.decided_on else "",
        entered_on=c.credit_entered_on.isoformat() if c.credit_entered_on else "",
    )


def publication_text(c: Case) -> str:
    fine = f"，罚款人民币{c.fine_yuan:,.2f}元" if c.fine_yuan else ""
    return "\n".join(
        [
            f"当事人：{c.party_name}",
            f"违法事实：{c.facts}",
            f"处罚依据：{c.basis}",
            f"处罚结果：{c.measure}{fine}",
            f"决定机关：{c.department.name}",
            f"决定书文号：{c.decision_number}；决定日期：{c.decided_on:%Y-%m-%d}",
        ]
    )


def sign_off_publication(*, actor: Actor, obj: Case) -> Case:
    """The office head signs off the result for publication: the public site
    publishes it within 10 working days (R-CAS-05), on the portal's clock,
    opened when the portal takes up the event."""
    with steps.write(_step("sign_off_publication"), obj, actor) as w:
        c = w.obj
        c.signed_off_at, c.state = clock.now(), State.SIGNED_OFF
        w.publish(
            PublicationSignedOff(
                case_id=c.pk,
                case_number=c.number,
                office_id=c.office_id,
                kind="penalty",
                title=f"关于{c.party_name}行政处罚决定的公示",
                subject_name=c.party_name,
                text=publication_text(c),
                decision_number=c.decision_number,
                decided_on=c.decided_on.isoformat() if c.decided_on else "",
                signed_off_at=c.signed_off_at.astimezone(dt.UTC).isoformat(),
            )
        )
        sync_todo(c)
    return c


def feedback(*, actor: Actor, obj: Case, recipients: str, text: str) -> Case:
    """结果反馈: written feedback to the parties and departments concerned."""
    recipients = _t(recipients, "recipients", "反馈对象", 300)
    body = _t(text, "text", "反馈内容", 2000)
    with steps.write(_step("feedback"), obj, actor) as w:
        c = w.obj
        c.feedback, c.state = body, State.FED_BACK
        documents.issue(
            c,
            DocumentKind.FEEDBACK,
            {"result": f"{c.measure}（{c.decision_number}）", "feedback": body},
            addressee=recipients,
            actor=actor,
        )
        sync_todo(c)
    return c


def close_case(*, actor: Actor, obj: Case, note: str = "") -> Case:
    """结案归档."""
    with steps.write(_step("close"), obj, actor) as w:
        c = w.obj
        c.state, c.closed_at = State.CLOSED, clock.now()
        c.end_note = (note or "").strip()[:2000] or c.end_note
        sync_todo(c)
    return c


# --- early endings -------------------------------------------------------------------------------


def _end(c: Case, outcome: str, note: str) -> None:
    c.state, c.outcome, c.end_note, c.closed_at = State.CLOSED, outcome, note, clock.now()
    for kind in (dk.INVESTIGATION.kind,):
        deadlines.close_deadline(kind=kind, subject=c, state=Deadline.State.CANCELLED)
    sync_todo(c)


def end_no_violation(*, actor: Actor, obj: Case, note: str) -> Case:
    """No violation found: the case ends."""
    note = _t(note, "note", "结案说明", 2000)
    with steps.write(_step("end_no_violation"), obj, actor) as w:
        _end(w.obj, Outcome.NO_VIOLATION, note)
    return obj


def end_light(*, actor: Actor, obj: Case, measure: str, note: str, points: int = 0) -> Case:
    """A first minor case handled by a talk, criticism or a rectification
    order: the handling decision and its points are entered at once
    (R-CAS-04, ``cases.penalty_decided`` with the case number as its 文号)."""
    if measure not in LightMeasure.values:
        raise ValidationFailed("处理方式不在可选范围内", field="measure")
    if not 0 <= int(points) <= 100:
        raise ValidationFailed("信用量化记分为0至100分", field="points")
    note = _t(note, "note", "处理情况", 2000)
    with steps.write(_step("end_light"), obj, actor) as w:
        c = w.obj
        c.measure = str(LightMeasure(measure).label)
        c.points, c.fine_yuan = int(points), Decimal(0)
        c.basis = c.basis or "首次轻微违规，从轻处理"
        c.decided_on = c.credit_entered_on = clock.today()
        c.decision_number = f"{c.number}处理决定"
        _end(c, Outcome.LIGHT, note)
        w.publish(penalty_event(c))
    return obj


def refer(
    *, actor: Actor, obj: Case, target: str, recipient_org_id: int, document_number: str, note: str
) -> Case:
    """移送 to discipline inspection (违规违纪) or public security (涉嫌犯罪),
    as a clue transfer with the case file (R-ALR-06): ``cases.referred``."""
    from postaward.orgs.choices import OrgKind

    if target not in ReferralTarget.values:
        raise ValidationFailed("移送方向不在可选范围内", field="target")
    kind = OrgKind.DISCIPLINE if target == ReferralTarget.DISCIPLINE else OrgKind.PUBLIC_SECURITY
    org = Organisation.objects.filter(pk=recipient_org_id, kind=kind).first()
    if org is None:
        raise ValidationFailed("接收机关须为相应的纪检监察机关或公安机关", field="recipient_org_id")
    number = _t(document_number, "document_number", "移送函文号", 60)
    note = _t(note, "note", "移送理由", 2000)
    with steps.write(_step("refer"), obj, actor) as w:
        c = w.obj
        outcome = (
            Outcome.DISCIPLINE if target == ReferralTarget.DISCIPLINE else Outcome.PUBLIC_SECURITY
        )
        _end(c, outcome, f"移送{org.name}（{number}）：{note}")
        w.publish(
            CaseReferred(
                referral_id=c.pk,
                case_id=c.pk,
                case_number=c.number,
                target=target,
                recipient_org_id=org.pk,
                document_number=number,
                reason=note,
                facts=c.facts,
                subject_text=c.party_name,
                project_id=c.project_id,
                office_id=c.office_id,
                referred_by_name=actor.display_name[:100],
                case_url=reverse("cases_detail", args=[c.pk]),
            )
        )
    return c
