"""Suspected issues and clue transfers (R-ALR-03, R-ALR-06): take alerts up
as an issue, verify it, transfer the clue, the recipient's receipt and result."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from postaward.core import audit, clock, deadlines, steps, writes
from postaward.core.actor import SYSTEM, Actor
from postaward.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from postaward.core.models import Deadline
from postaward.core.writes import text
from postaward.orgs.choices import OrgKind
from postaward.orgs.models import Organisation

from .. import notifications
from ..choices import (
    DISPOSAL_KIND,
    AlertState,
    ClueSource,
    Finding,
    IssueState,
    Recipient,
    StepKind,
    TransferState,
)
from ..events import ClueTransferUpdated
from ..models import (
    Alert,
    ClueTransfer,
    SuspectedIssue,
)
from .hits import _step, sync_todo

log = logging.getLogger(__name__)

# --- suspected issues and clue transfers --------------------------------------------------------------


def create_issue(
    *,
    actor: Actor,
    alert_ids: list[int],
    title: str,
    description: str,
    persons_concerned: str = "",
    involves_party_member: bool = False,
    involves_public_official: bool = False,
    suspected_crime: bool = False,
) -> SuspectedIssue:
    """One or more alerts become a suspected issue to verify (R-ALR-03); the
    alerts are closed with the finding “转疑似问题核实” and follow the issue."""
    from .. import steps as alert_steps

    step = alert_steps.TAKE_UP_AS_ISSUE
    if not step.who(None, actor):
        raise Forbidden(f"{step.who_label}方可{step.label}")
    ids = sorted({int(i) for i in alert_ids})
    if not ids:
        raise ValidationFailed("请选择至少一条预警", field="alert_ids")
    title = text(title, field="title", label="问题名称", min_len=2, max_len=200)
    description = text(description, field="description", label="问题描述", min_len=2)
    with transaction.atomic():
        alerts = list(
            Alert.objects.visible_to(actor)
            .select_for_update(of=("self",))
            .filter(pk__in=ids)
            .select_related("project", "indicator", "disposal_deadline")
        )
        if len(alerts) != len(ids):
            raise NotFound()
        taken = [a.number for a in alerts if a.issue_id]
        if taken:
            raise Conflict(f"预警已转为疑似问题：{'、'.join(taken)}", code="invalid_state")
        for a in alerts:
            steps.check(step, a, actor)
        projects = {a.project_id for a in alerts}
        now = clock.now()
        issue = SuspectedIssue.objects.create(
            title=title,
            description=description,
            project_id=projects.pop() if len(projects) == 1 else None,
            organisation_id=actor.organisation_id,
            persons_concerned=(persons_concerned or "").strip()[:300],
            involves_party_member=bool(involves_party_member),
            involves_public_official=bool(involves_public_official),
            suspected_crime=bool(suspected_crime),
            created_at=now,
            created_by_name=actor.display_name[:100],
        )
        for a in alerts:
            if a.state != AlertState.CLOSED:
                deadlines.close_deadline(
                    kind=DISPOSAL_KIND, subject=a, state=Deadline.State.CANCELLED
                )
                a.take_up_as_issue()
                a.closed_at = now
            a.finding = Finding.ISSUE
            a.issue = issue
            a.overdue = False
            a.updated_at = now
            a.save()
            sync_todo(a)
            _step(
                a,
                StepKind.TO_ISSUE,
                actor=actor,
                note=f"转疑似问题 {issue.number}：{title}",
                at=now,
            )
        audit.record(
            actor=actor,
            action="alerts.create_issue",
            obj=issue,
            after={**audit.snapshot(issue), "alerts": ids},
            project_id=issue.project_id,
        )
    return issue


def verify_issue(
    *, actor: Actor, issue: SuspectedIssue, verified: bool, findings: str
) -> SuspectedIssue:
    """Verification records its findings (``steps.VERIFY``); the alerts take
    the conclusion (confirmed or dismissed), which feeds the indicator's
    tuning statistics."""
    from .. import steps as alert_steps

    findings = text(findings, field="findings", label="核实情况", min_len=2)
    with steps.write(alert_steps.VERIFY, issue, actor) as w:
        i = w.obj
        now = clock.now()
        i.state = IssueState.VERIFIED if verified else IssueState.UNFOUNDED
        i.findings = findings
        i.verified_at = now
        i.verified_by_name = actor.display_name[:100]
        conclusion = Finding.CONFIRMED if verified else Finding.DISMISSED
        for a in Alert.objects.filter(issue=i):
            a.finding = conclusion
            a.updated_at = now
            a.save(update_fields=["finding", "updated_at"])
            _step(
                a,
                StepKind.ISSUE_CONCLUDED,
                actor=actor,
                finding=conclusion,
                note=f"疑似问题 {i.number} 核实{'属实' if verified else '不属实'}：{findings}",
                at=now,
            )
    return i  # type: ignore[no-any-return]


RECIPIENT_KINDS = {
    Recipient.DISCIPLINE: OrgKind.DISCIPLINE,
    Recipient.PUBLIC_SECURITY: OrgKind.PUBLIC_SECURITY,
}


def recipient_orgs(actor: Actor, recipient: str) -> list[Organisation]:
    kind = RECIPIENT_KINDS.get(recipient)  # type: ignore[call-overload]
    if kind is None or not actor.org_path:
        return []
    return list(
        Organisation.objects.filter(kind=kind, path__startswith=actor.district_path, is_active=True)
    )


def transfer_clue_to(
    *,
    actor: Actor,
    issue: SuspectedIssue,
    recipient: str,
    recipient_org_id: int,
    document_number: str,
    reason: str,
) -> ClueTransfer:
    """``transfer_clue`` with the receiving body named by its id (the API and
    the page): it must be one the actor's district transfers to."""
    org = next((o for o in recipient_orgs(actor, recipient) if o.pk == recipient_org_id), None)
    if org is None:
        raise ValidationFailed("接收机关与移送方向不符", field="recipient_org_id")
    return transfer_clue(
        actor=actor,
        issue=issue,
        recipient=recipient,
        recipient_org=org,
        document_number=document_number,
        reason=reason,
    )


def transfer_clue(
    *,
    actor: Actor,
    issue: SuspectedIssue,
    recipient: str,
    recipient_org: Organisation,
    document_number: str,
    reason: str,
) -> ClueTransfer:
    """A verified issue goes as a clue to discipline inspection (party members,
    public officials) or public security (suspected crimes) (R-ALR-06, QZ 11;
    ``steps.TRANSFER_CLUE``)."""
    from .. import steps as alert_steps

    if recipient not in Recipient.values:
        raise ValidationFailed("请选择移送方向", field="recipient")
    document_number = text(
        document_number, field="document_number", label="移送函文号", min_len=2, max_len=60
    )
    reason = text(reason, field="reason", label="移送理由", min_len=2)
    with steps.write(alert_steps.TRANSFER_CLUE, issue, actor, project_id=issue.project_id) as w:
        i = w.obj
        if recipient == Recipient.DISCIPLINE and not (
            i.involves_party_member or i.involves_public_official
        ):
            raise ValidationFailed(
                "移送纪检监察机关的线索应涉及党员干部或公职人员（QZ 第十一条）", field="recipient"
            )
        if recipient == Recipient.PUBLIC_SECURITY and not i.suspected_crime:
            raise ValidationFailed("移送公安机关的线索应涉嫌犯罪", field="recipient")
        if recipient_org.pk not in {o.pk for o in recipient_orgs(actor, recipient)}:
            raise ValidationFailed("接收机关与移送方向不符", field="recipient_org")
        if ClueTransfer.objects.filter(issue=i, recipient_org=recipient_org).exists():
            raise Conflict("该线索已移送该机关", code="duplicate")
        t = ClueTransfer.objects.create(
            issue=i,
            recipient=recipient,
            recipient_org=recipient_org,
            document_number=document_number,
            reason=reason,
            sent_at=clock.now(),
            sent_by_name=actor.display_name[:100],
            sent_by_org_id=actor.organisation_id,
        )
        i.state = IssueState.TRANSFERRED
        w.after["transfer"] = t.pk
        writes.created(t, actor=actor, action="alerts.transfer_clue", project_id=i.project_id)
        notifications.clue_transferred(t)
    return t


def receive_transfer(*, actor: Actor, transfer: ClueTransfer, receipt_number: str) -> ClueTransfer:
    """The recipient signs for the clue with its receipt number (``steps.RECEIVE``)."""
    from .. import steps as alert_steps

    receipt_number = text(
        receipt_number, field="receipt_number", label="回执编号", min_len=1, max_len=60
    )
    with steps.write(alert_steps.RECEIVE, transfer, actor, project_id=_project_of(transfer)) as w:
        t = w.obj
        t.state = TransferState.RECEIVED
        t.received_at = clock.now()
        t.received_by_name = actor.display_name[:100]
        t.receipt_number = receipt_number
        w.publish(_updated(t))
        notifications.transfer_updated(t, "已签收")
    return t  # type: ignore[no-any-return]


def feed_back_transfer(*, actor: Actor, transfer: ClueTransfer, result: str) -> ClueTransfer:
    """The recipient reports what it did with the clue (``steps.FEED_BACK``)."""
    from .. import steps as alert_steps

    result = text(result, field="result", label="办理结果", min_len=2)
    with steps.write(alert_steps.FEED_BACK, transfer, actor, project_id=_project_of(transfer)) as w:
        t = w.obj
        t.state = TransferState.CONCLUDED
        t.result = result
        t.result_at = clock.now()
        t.result_by_name = actor.display_name[:100]
        w.publish(_updated(t))
        notifications.transfer_updated(t, "已反馈办理结果")
    return t  # type: ignore[no-any-return]


def _project_of(t: ClueTransfer) -> int | None:
    return SuspectedIssue.objects.filter(pk=t.issue_id).values_list("project_id", flat=True).first()


def _updated(t: ClueTransfer) -> ClueTransferUpdated:
    def when(v: Any) -> str:
        return v.isoformat() if v else ""

    return ClueTransferUpdated(
        transfer_id=t.pk,
        source=t.source,
        source_id=t.source_id,
        state=t.state,
        recipient_org_id=t.recipient_org_id,
        receipt_number=t.receipt_number,
        received_at=when(t.received_at),
        received_by_name=t.received_by_name,
        result=t.result,
        result_at=when(t.result_at),
        result_by_name=t.result_by_name,
    )


def _referral_source(evt: Any) -> tuple[str, int, str, str]:
    """(source, source id, the number people read, the facts) of a referral
    event: a case transferred with its file (``cases.referred``, ADR 0604), an
    inspection finding (``inspections.referred``), an accountability matter or
    an interference record (``accountability.referred``, R-ACT-03, R-ACT-06),
    else a complaint (``complaints.referred``)."""
    if evt.name == "cases.referred":
        return (
            ClueSource.CASE,
            evt.referral_id,
            evt.case_number,
            f"{evt.facts}\n案卷：{evt.case_url}",
        )
    if evt.name == "inspections.referred":
        facts = f"{evt.facts}\n检查记录：{evt.inspection_url}"
        return ClueSource.INSPECTION, evt.referral_id, evt.inspection_number, facts
    if evt.name == "accountability.referred":
        source = ClueSource.MATTER if evt.source == "matter" else ClueSource.INTERFERENCE
        facts = f"{evt.facts}\n移送理由：{evt.reason}\n原始记录：{evt.url}"
        return source, evt.source_id, evt.source_ref, facts
    return ClueSource.COMPLAINT, evt.referral_id, evt.receipt_number, evt.facts


def take_referral(evt: Any) -> ClueTransfer | None:
    """A complaint referred to discipline inspection or public security
    (``complaints.referred``, R-ALR-06, ADR 0515) becomes a clue transfer to
    that body, in the same list and with the same receipt and feedback steps
    as a verified issue's clue. Idempotent (the outbox delivers at least
    once): one transfer per referral. The event carries the facts and the
    receipt number, never the complainant (R-CMP-04)."""
    # accountability.referred (a matter or an interference record, QZ 附件2
    # art. 8, QZ 11) always goes to discipline inspection
    target = str(getattr(evt, "target", "") or Recipient.DISCIPLINE)
    kind = RECIPIENT_KINDS.get(target)  # type: ignore[call-overload]
    org = Organisation.objects.filter(pk=evt.recipient_org_id, kind=kind).first()
    if kind is None or org is None:
        log.warning("referral %s names no receiving body of kind %s", evt.name, target)
        return None
    source, source_id, ref, facts = _referral_source(evt)
    existing = ClueTransfer.objects.filter(source=source, source_id=source_id).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        t = ClueTransfer.objects.create(
            source=source,
            source_id=source_id,
            source_ref=ref,
            facts=facts,
            recipient=target,
            recipient_org=org,
            document_number=evt.document_number,
            reason=evt.reason,
            sent_at=clock.now(),
            sent_by_name=evt.referred_by_name[:100],
            sent_by_org_id=evt.office_id,
        )
        writes.created(t, actor=SYSTEM, action="alerts.take_referral", project_id=evt.project_id)
        notifications.clue_transferred(t)
    return t


def request_case(*, actor: Actor, issue: SuspectedIssue, title: str) -> SuspectedIssue:
    """立案调查 (``steps.OPEN_CASE``, R-CAS-01, ADR 0604): the cases capability
    opens a case on the verified issue, with its number and a link back; the
    competent department is the project's industry authority."""
    from django.urls import reverse

    from ..events import CaseRequested
    from ..steps import OPEN_CASE

    title = writes.text(title, field="title", label="案由", min_len=2, max_len=200)
    with steps.write(OPEN_CASE, issue, actor) as w:
        i = w.obj
        i.case_requested_at = clock.now()
        w.publish(
            CaseRequested(
                source_id=i.pk,
                source_ref=i.number,
                source_text=f"疑似问题 {i.number}：{i.title}"[:300],
                source_url=reverse("alerts_issue", args=[i.pk]),
                office_id=actor.organisation_id or 0,
                project_id=i.project_id,
                department_id=None,
                title=title,
                facts=f"{i.description}\n核实情况：{i.findings}",
                subject_text=i.persons_concerned or "（待查明）",
                subject_org_id=None,
            )
        )
    return i  # type: ignore[no-any-return]
