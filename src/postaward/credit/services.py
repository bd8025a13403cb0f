"""The credit capability's services (R-CAS-04): the record from the penalty
decision, the objection and repair requests and their decision, the party's
notices. Every write goes through ``core.writes`` / ``core.steps.write``
(audited); each change of a record queues a push to the credit platforms
(``push.queue``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse

from postaward.core import clock, deadlines, idempotency, notices, steps, todos, writes
from postaward.core.actor import SYSTEM, Actor
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.orgs.models import Organisation, Person, User
from postaward.projects.models import Project

from . import push
from .choices import OPEN_REQUEST_STATES, PushAction, RecordState, RequestKind, RequestState
from .deadline_kinds import CLOCKS
from .models import (
    OFFICE_ROLES,
    CreditRecord,
    CreditRequest,
    snapshot,
    snapshot_request,
)

# Credit points count for twelve months from the decision (ADR 0620): the
# seeds set no period.
VALID_MONTHS = 12


def valid_until(decided: dt.date) -> dt.date:
    """The last day the points count: twelve months after the decision
    (29 February counts to 28 February)."""
    years = VALID_MONTHS // 12
    try:
        return decided.replace(year=decided.year + years)
    except ValueError:
        return decided.replace(year=decided.year + years, day=28)


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(str(value)[:10])


def _fine(value: Any) -> Decimal:
    try:
        out = Decimal(str(value or "0"))
    except InvalidOperation:
        out = Decimal(0)
    return max(out, Decimal(0))


def record_from_penalty(evt: Any) -> CreditRecord:
    """``cases.penalty_decided`` → the credit record, once per case (a replayed
    event returns the record already made). Queues its push and tells the
    party."""
    existing = CreditRecord.objects.filter(case_id=evt.case_id).first()
    if existing is not None:
        return existing
    try:
        return _enter(evt)
    except IntegrityError:  # the same event delivered twice at once: the other one made it
        return CreditRecord.objects.get(case_id=evt.case_id)


def _enter(evt: Any) -> CreditRecord:
    decided = _date(evt.decided_on)
    with transaction.atomic():
        r = CreditRecord.objects.create(
            case_id=evt.case_id,
            case_number=evt.case_number[:40],
            office=Organisation.objects.get(pk=evt.office_id),
            department=Organisation.objects.get(pk=evt.department_id),
            subject_org=Organisation.objects.filter(pk=evt.subject_org_id).first()
            if evt.subject_org_id
            else None,
            subject_person=Person.objects.filter(pk=evt.subject_person_id).first()
            if evt.subject_person_id
            else None,
            subject_name=evt.subject_name[:200],
            project=Project.objects.filter(pk=evt.project_id).first() if evt.project_id else None,
            measure=evt.measure[:500],
            fine_yuan=_fine(evt.fine_yuan),
            points=max(int(evt.points), 0),
            original_points=max(int(evt.points), 0),
            basis=evt.basis[:1000],
            decision_number=evt.decision_number[:100],
            decided_on=decided,
            entered_on=_date(evt.entered_on),
            valid_until=valid_until(decided),
            created_at=clock.now(),
        )
        writes.created(r, actor=SYSTEM, action="credit.record_entered", snapshot=snapshot)
        push.queue(r, PushAction.CREATE)
        tell_party(
            r,
            key=f"credit:{r.pk}:entered",
            title=f"信用记录已录入：{r.decision_number}（记{r.points}分）",
            body=f"{r.measure}。如对记分有异议，可在信用记录页面提出。",
        )
    return r


# --- the party and its notices -------------------------------------------------------------------


def party_user_ids(r: CreditRecord) -> list[int]:
    """The accounts of the party: its organisation's active accounts, or the
    person's own."""
    qs = User.objects.filter(is_active=True)
    if r.subject_org_id:
        return list(qs.filter(organisation_id=r.subject_org_id).values_list("pk", flat=True))
    if r.subject_person_id:
        return list(qs.filter(person_id=r.subject_person_id).values_list("pk", flat=True))
    return []


def is_party(r: CreditRecord, actor: Actor) -> bool:
    if actor.user_id is None:
        return False
    if r.subject_org_id and actor.organisation_id == r.subject_org_id:
        return True
    return bool(r.subject_person_id and actor.person_id == r.subject_person_id)


def is_office(r: CreditRecord, actor: Actor) -> bool:
    return actor.is_system or (
        actor.organisation_id == r.office_id and bool(actor.roles & OFFICE_ROLES)
    )


def tell_party(r: CreditRecord, *, key: str, title: str, body: str = "", actor: Any = None) -> int:
    return notices.tell(
        party_user_ids(r),
        key=key,
        kind="credit.record",
        title=title,
        body=body,
        url=reverse("credit_detail", args=[r.pk]),
        project=r.project,
        actor=actor,
    )


def file_repair_with_proof(
    *,
    actor: Actor,
    scope: str,
    reason: str,
    evidence: Any,
    idempotency_key: str,
    file: Any,
) -> CreditRequest:
    """The one way in of a repair request with its account of the
    rectification and an optional proof file (a score event's, a blacklist
    entry's): the text checked, the file through ``core.files``, the filing
    (``file(reason, checked)`` → the request) run once per Idempotency-Key."""
    from postaward.core import files

    text = writes.text(reason, field="reason", label="整改情况", min_len=10, max_len=2000)
    checked = files.check_upload(evidence, field="evidence") if evidence else None

    def run() -> tuple[int, Any]:
        return 201, file(text, checked).pk

    _, pk, _ = idempotency.run(
        user_id=actor.user_id,
        scope=scope,
        key=idempotency_key,
        payload={"reason": text, "sha256": checked.sha256 if checked else ""},
        fn=run,
    )
    return CreditRequest.objects.get(pk=pk)


# --- objection and repair: registration ----------------------------------------------------------


def refusal_to_file(r: CreditRecord, actor: Actor, kind: str) -> str:
    """Why ``actor`` may not file a request of ``kind`` on ``r`` ("" = may)."""
    if not (is_party(r, actor) or is_office(r, actor)):
        return "仅当事人或监管办工作人员（代为登记）可以提出"
    if r.requests.filter(state__in=OPEN_REQUEST_STATES).exists():
        return "该记录已有正在办理的异议或修复申请"
    if r.state != RecordState.EFFECTIVE:
        return f"信用记录当前状态为“{r.get_state_display()}”，不能提出"
    if kind == RequestKind.OBJECTION and r.requests.filter(kind=RequestKind.OBJECTION).exists():
        return "对同一记分只能提出一次异议"
    return ""


def may_file(r: CreditRecord, actor: Actor, kind: str) -> bool:
    return not refusal_to_file(r, actor, kind)


def file_request(
    *, actor: Actor, record: CreditRecord, kind: str, reason: str, idempotency_key: str = ""
) -> CreditRequest:
    """Register an objection (异议) or a repair request (信用修复): the party
    itself, or the office on its behalf. Opens the answer clock, a to-do for
    the competent department, and marks an objected record 异议中."""
    if kind not in RequestKind.values:
        raise ValidationFailed("请选择异议或信用修复", field="kind")
    text = writes.text(reason, field="reason", label="理由", min_len=5, max_len=2000)

    def run() -> tuple[int, Any]:
        return 201, _file(actor, record, kind, text).pk

    if idempotency_key:
        _, pk, _ = idempotency.run(
            user_id=actor.user_id or 0,
            scope=f"credit.request.{record.pk}",
            key=idempotency_key,
            payload={"kind": kind, "reason": text},
            fn=run,
        )
        return CreditRequest.objects.get(pk=pk)
    return CreditRequest.objects.get(pk=run()[1])


def _file(actor: Actor, record: CreditRecord, kind: str, reason: str) -> CreditRequest:
    if actor.user_id is None:
        raise Forbidden("请先登录")
    with writes.audited(
        CreditRecord.objects.select_related("office", "department"),
        pk=record.pk,
        actor=actor,
        action="credit.request_filed",
        snapshot=snapshot,
    ) as w:
        r = w.obj
        why = refusal_to_file(r, actor, kind)
        if why:
            raise (Conflict(why) if is_party(r, actor) or is_office(r, actor) else Forbidden(why))
        q = CreditRequest.objects.create(
            record=r,
            kind=kind,
            reason=reason,
            on_behalf=not is_party(r, actor),
            filed_by_id=actor.user_id,
            filed_by_name=actor.display_name or actor.username,
            filed_at=clock.now(),
        )
        if kind == RequestKind.OBJECTION:
            r.state = RecordState.OBJECTING
        w.after["request"] = snapshot_request(q)
        dk, length, unit, reminder = CLOCKS[RequestKind(kind)]
        kind_info = deadlines.kind_of(dk)
        d = deadlines.open_deadline(
            kind=dk,
            subject=q,
            length=length,
            unit=unit,
            basis=kind_info.basis if kind_info else "",
            organisation_id=r.office_id,
            project_id=r.project_id,
            reminder_after=reminder,
        )
        todos.open_for(
            key=f"credit:{q.pk}:opinion",
            kind="credit.opinion",
            title=f"待核查{q.get_kind_display()}：{r.subject_name}（{r.decision_number}）",
            organisation_id=r.department_id,
            project_id=r.project_id,
            subject=q,
            url=reverse("credit_detail", args=[r.pk]),
            due_at=d.due_at,
            basis=d.basis,
        )
    return q


# --- the steps' services -------------------------------------------------------------------------


def give_opinion(*, actor: Actor, obj: CreditRequest, opinion: str, recommendation: str) -> Any:
    """The competent department's opinion on the request (核查意见)."""
    from .steps import GIVE_OPINION

    text = writes.text(opinion, field="opinion", label="核查意见", min_len=2)
    with steps.write(GIVE_OPINION, obj, actor) as w:
        q = w.obj
        q.state = RequestState.OPINION_GIVEN
        q.opinion = text
        q.recommendation = recommendation
        q.opinion_by_name = f"{actor.org_name} {actor.display_name}".strip()
        q.opinion_at = clock.now()
    todos.close_for(key=f"credit:{q.pk}:opinion")
    todos.open_for(
        key=f"credit:{q.pk}:decide",
        kind="credit.decide",
        title=f"待决定{q.get_kind_display()}：{q.target_name}（{q.target_ref}）",
        organisation_id=q.office_id,
        role="office_staff",
        project_id=q.project_id,
        subject=q,
        url=_page_of(q),
    )
    return q


def _page_of(q: CreditRequest) -> str:
    if q.sanction_id:
        return reverse("credit_sanction_detail", args=[q.sanction_id]) + "#requests"
    if q.score_event_id:
        return reverse("credit_score_detail", args=[q.score_event_id])
    return reverse("credit_detail", args=[q.record_id])


def _decided(q: CreditRequest, actor: Actor, decision: str) -> None:
    q.decision = decision
    q.decided_by_name = f"{actor.org_name} {actor.display_name}".strip()
    q.decided_at = clock.now()


def _change_record(q: CreditRequest, actor: Actor, new_points: int | None, withdraw: bool) -> str:
    """Apply an upheld request to its record (locked); returns the push action."""
    r = writes.lock(CreditRecord.objects.select_related("department", "subject_org"), q.record_id)
    before = snapshot(r)
    now = clock.now()
    if q.kind == RequestKind.REPAIR:
        r.state, action = RecordState.REPAIRED, PushAction.REPAIR
        r.outcome = f"{clock.localtime(now):%Y-%m-%d} 信用修复：{q.decision}"
    elif withdraw:
        r.state, action = RecordState.WITHDRAWN, PushAction.WITHDRAW
        r.outcome = f"{clock.localtime(now):%Y-%m-%d} 异议成立，撤销记录：{q.decision}"
    else:
        old = r.points
        r.points, r.state, action = int(new_points or 0), RecordState.EFFECTIVE, PushAction.UPDATE
        r.outcome = f"{clock.localtime(now):%Y-%m-%d} 异议成立，记分由{old}分变更为{r.points}分：{q.decision}"
    r.changed_at = now
    r.save()
    from postaward.core import audit

    audit.record(
        actor=actor, action="credit.record_changed", obj=r, before=before, after=snapshot(r)
    )
    push.queue(r, action)
    return action


def uphold(
    *,
    actor: Actor,
    obj: CreditRequest,
    decision: str,
    new_points: int | None = None,
    withdraw: bool = False,
) -> Any:
    """The office upholds the request: an objection changes the points or
    withdraws the record, a repair repairs it; the push is sent again and the
    party told."""
    from .steps import UPHOLD

    text = writes.text(decision, field="decision", label="处理结果", min_len=2)
    if obj.sanction_id:
        from . import services_sanctions

        if new_points is not None or withdraw:
            raise ValidationFailed("黑名单的信用修复不涉及记分，采纳即提前移出", field="new_points")
        return services_sanctions.uphold_repair(actor=actor, obj=obj, decision=text)
    if obj.score_event_id:
        from . import services_scores

        if obj.kind == RequestKind.REPAIR:
            return services_scores.uphold_repair(
                actor=actor, obj=obj, decision=text, new_points=new_points
            )
        return services_scores.uphold_objection(
            actor=actor, obj=obj, decision=text, new_points=new_points, withdraw=withdraw
        )
    if obj.kind == RequestKind.OBJECTION and not withdraw:
        if new_points is None:
            raise ValidationFailed("请填写变更后的记分，或选择撤销该记录", field="new_points")
        if new_points < 0 or new_points >= obj.target.points:
            raise ValidationFailed(
                f"变更后的记分应小于原记分（{obj.target.points}分）", field="new_points"
            )
    with steps.write(UPHOLD, obj, actor) as w:
        q = w.obj
        q.state = RequestState.UPHELD
        q.new_points = new_points if q.kind == RequestKind.OBJECTION and not withdraw else None
        q.withdraw = bool(withdraw) and q.kind == RequestKind.OBJECTION
        _decided(q, actor, text)
        _change_record(q, actor, q.new_points, q.withdraw)
    _closed(q, actor, "已采纳")
    return q


def reject(*, actor: Actor, obj: CreditRequest, decision: str) -> Any:
    """The office does not uphold the request; an objected record is
    effective again with its points."""
    from .steps import REJECT

    text = writes.text(decision, field="decision", label="不予采纳的理由", min_len=2)
    if obj.sanction_id:
        from . import services_sanctions

        return services_sanctions.reject_repair(actor=actor, obj=obj, decision=text)
    if obj.score_event_id:
        from . import services_scores

        if obj.kind == RequestKind.REPAIR:
            return services_scores.reject_repair(actor=actor, obj=obj, decision=text)
        return services_scores.reject_objection(actor=actor, obj=obj, decision=text)
    with steps.write(REJECT, obj, actor) as w:
        q = w.obj
        q.state = RequestState.REJECTED
        _decided(q, actor, text)
        if q.kind == RequestKind.OBJECTION:
            CreditRecord.objects.filter(pk=q.record_id, state=RecordState.OBJECTING).update(
                state=RecordState.EFFECTIVE
            )
    _closed(q, actor, "未采纳")
    return q


def _closed(q: CreditRequest, actor: Actor, outcome: str) -> None:
    dk = CLOCKS[RequestKind(q.kind)][0]
    deadlines.close_deadline(kind=dk, subject=q)
    todos.close_for(subject=q)
    r = CreditRecord.objects.get(pk=q.record_id)
    tell_party(
        r,
        key=f"credit:{q.pk}:decided",
        title=f"您的{q.get_kind_display()}{outcome}：{r.decision_number}",
        body=q.decision,
        actor=actor,
    )
