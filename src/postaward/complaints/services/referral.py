"""Referral (移送) of a complaint to discipline inspection or public security
(R-ALR-06, QZ 11, HC 三(六); ADR 0515), and the registration form's report to
the office head (呈报) and joint study (会商) (R-CMP-01, HC 附件 三(一); ADR 0516).

A referral does not change the complaint's state nor close it: the office still
answers the complainant, and the close answer may cite it. It publishes
``complaints.referred``; the alerts capability (a sibling, never imported)
takes it up as a clue transfer, and its receipt and result come back as
``alerts.clue_transfer_updated`` (``complaints/subscribers.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from postaward.core import clock
from postaward.core.actor import Actor
from postaward.core.errors import Conflict, ValidationFailed
from postaward.core.steps import write
from postaward.core.writes import text
from postaward.orgs.choices import OrgKind
from postaward.orgs.models import Organisation

from ..choices import ReferralState, ReferralTarget
from ..events import ComplaintReferred
from ..models import Complaint, ComplaintReferral

TARGET_KINDS = {
    ReferralTarget.DISCIPLINE: OrgKind.DISCIPLINE,
    ReferralTarget.PUBLIC_SECURITY: OrgKind.PUBLIC_SECURITY,
}


def _district(c: Complaint) -> str:
    return c.office.path.split("/", 1)[0] + "/"


def referral_targets(c: Complaint, target: str = "") -> list[Organisation]:
    """The receiving bodies in the complaint's district: discipline inspection
    and public security organisations (of ``target`` when given)."""
    kinds = [TARGET_KINDS[t] for t in TARGET_KINDS if not target or t == target]
    return list(
        Organisation.objects.filter(
            kind__in=kinds, path__startswith=_district(c), is_active=True
        ).order_by("kind", "path")
    )


def suggested_target(c: Complaint) -> str:
    """Discipline inspection when the filing concerns officials or party members."""
    return ReferralTarget.DISCIPLINE if c.concerns_officials else ReferralTarget.PUBLIC_SECURITY


def refer_complaint(
    *,
    actor: Actor,
    complaint: Complaint,
    target: str,
    recipient_org_id: int,
    document_number: str,
    note: str,
) -> ComplaintReferral:
    """移送 (``steps.REFER``): to a discipline inspection or public security
    body of the district, with the reasons; once per body."""
    from ..steps import REFER

    if target not in ReferralTarget.values:
        raise ValidationFailed("请选择移送方向（纪检监察机关或公安机关）", field="target")
    document_number = text(
        document_number, field="document_number", label="移送函文号", min_len=2, max_len=60
    )
    note = text(note, field="note", label="移送理由", min_len=4, max_len=2000)
    org = next(
        (o for o in referral_targets(complaint, target) if o.pk == int(recipient_org_id)), None
    )
    if org is None:
        raise ValidationFailed(
            "接收机关须为本区的"
            + ("纪检监察机关" if target == ReferralTarget.DISCIPLINE else "公安机关"),
            field="recipient_org_id",
        )
    if ComplaintReferral.objects.filter(complaint=complaint, recipient_org=org).exists():
        raise Conflict(f"本件已移送{org.name}", code="duplicate")
    with write(REFER, complaint, actor) as w:
        c = w.obj
        r = ComplaintReferral.objects.create(
            complaint=c,
            target=target,
            recipient_org=org,
            document_number=document_number,
            note=note,
            referred_by_id=actor.user_id,
            referred_by_name=actor.display_name[:100],
            referred_at=clock.now(),
        )
        w.after["referral"] = {"target": target, "recipient_org_id": org.pk}
        w.publish(
            ComplaintReferred(
                referral_id=r.pk,
                complaint_id=c.pk,
                receipt_number=c.receipt_number,
                kind=c.kind,
                target=target,
                recipient_org_id=org.pk,
                document_number=document_number,
                reason=note,
                facts=c.facts,
                subject_text=c.subject_text,
                project_id=c.project_id,
                office_id=c.office_id,
                referred_by_name=r.referred_by_name,
            )
        )
    return r


def _when(value: str) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def take_transfer_update(evt: Any) -> int:
    """``alerts.clue_transfer_updated`` for a clue this app referred: the
    receiving body's receipt number, or its result, on the referral.
    Idempotent (the same values written again)."""
    if evt.source != "complaint" or not evt.source_id:
        return 0
    if evt.state not in (ReferralState.RECEIVED, ReferralState.CONCLUDED):
        return 0
    return ComplaintReferral.objects.filter(
        pk=evt.source_id, recipient_org_id=evt.recipient_org_id
    ).update(
        state=evt.state,
        transfer_id=evt.transfer_id,
        receipt_number=evt.receipt_number,
        received_at=_when(evt.received_at),
        received_by_name=evt.received_by_name,
        result=evt.result,
        result_at=_when(evt.result_at),
        result_by_name=evt.result_by_name,
    )


def report_to_head(
    *, actor: Actor, complaint: Complaint, reported_to: str, reported_on: dt.date, instruction: str
) -> Complaint:
    """呈报 (``steps.REPORT_HEAD``): the case reported to the office head, and
    the head's instruction (批示); taken again, it corrects the record."""
    from ..steps import REPORT_HEAD

    who = text(reported_to, field="reported_to", label="呈报对象", min_len=2, max_len=100)
    said = text(instruction, field="instruction", label="领导批示", min_len=2, max_len=2000)
    day = _past_day(reported_on, field="reported_on", label="呈报日期", c=complaint)
    with write(REPORT_HEAD, complaint, actor) as w:
        c = w.obj
        c.reported_to, c.reported_on, c.head_instruction = who, day, said
    return c  # type: ignore[no-any-return]


def consult(
    *, actor: Actor, complaint: Complaint, consulted_on: dt.date, participants: str, opinion: str
) -> Complaint:
    """会商 (``steps.CONSULT``): the joint study — date, participants, opinion."""
    from ..steps import CONSULT

    who = text(participants, field="participants", label="会商参加人员", min_len=2, max_len=300)
    said = text(opinion, field="opinion", label="会商意见", min_len=2, max_len=2000)
    day = _past_day(consulted_on, field="consulted_on", label="会商日期", c=complaint)
    with write(CONSULT, complaint, actor) as w:
        c = w.obj
        c.consulted_on, c.consult_participants, c.consult_opinion = day, who, said
    return c  # type: ignore[no-any-return]


def _past_day(value: Any, *, field: str, label: str, c: Complaint) -> dt.date:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise ValidationFailed(f"{label}格式不正确", field=field) from None
    if not isinstance(value, dt.date):
        raise ValidationFailed(f"请填写{label}", field=field)
    received = clock.localtime(c.received_at).date()
    if value < received or value > clock.today():
        raise ValidationFailed(f"{label}应在收件日期之后、不晚于今天", field=field)
    return value


def request_case(*, actor: Actor, complaint: Complaint, title: str) -> Complaint:
    """立案调查 (``steps.OPEN_CASE``, R-CAS-01, ADR 0604): the cases capability
    opens a case on the accepted complaint, with the receipt number and a
    link back; the competent department is the project's industry authority.
    The event carries the facts, never the complainant (R-CMP-04)."""
    from django.urls import reverse

    from ..events import CaseRequested
    from ..steps import OPEN_CASE

    title = text(title, field="title", label="案由", min_len=2, max_len=200)
    with write(OPEN_CASE, complaint, actor) as w:
        c = w.obj
        c.case_requested_at = clock.now()
        w.publish(
            CaseRequested(
                source_id=c.pk,
                source_ref=c.receipt_number,
                source_text=f"{c.get_kind_display()} {c.receipt_number}",
                source_url=reverse("complaints_detail", args=[c.pk]),
                office_id=c.office_id,
                project_id=c.project_id,
                department_id=None,
                title=title,
                facts=c.facts,
                subject_text=c.subject_text,
                subject_org_id=c.subject_org_id,
            )
        )
    return c  # type: ignore[no-any-return]
