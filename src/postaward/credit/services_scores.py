"""Manual score entry (人工录入记分, R-SCO-01; ADR 0642): an item whose
trigger is ``manual`` is applied by the staff of the rule set's authority,
with the subject, the project, the day, a summary and an evidence file (the
one upload service, ``core.files``). The event then lives as every score
event: provisional during its objection period, then final."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.urls import reverse

from postaward.core import (
    audit,
    clock,
    deadlines,
    events,
    files,
    idempotency,
    notices,
    steps,
    todos,
    writes,
)
from postaward.core.actor import Actor
from postaward.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from postaward.orgs.choices import OrgKind
from postaward.orgs.models import Organisation, Person
from postaward.projects.models import Project

from . import scoring
from .choices import OPEN_REQUEST_STATES, RequestKind, RequestState, RuleSetState, ScoreState
from .deadline_kinds import CLOCKS
from .facts import Fact
from .models import (
    DEPARTMENT_ROLES,
    MANUAL,
    OFFICE_ROLES,
    CreditRequest,
    RuleItem,
    ScoreEvent,
    snapshot_request,
)
from .rules import effective_rule_set


def is_authority_staff(actor: Actor, authority_id: int | None = None) -> bool:
    """The staff of an industry authority (of ``authority_id`` when given)."""
    if actor.user_id is None or actor.org_kind != OrgKind.INDUSTRY_AUTHORITY:
        return False
    if not actor.roles & DEPARTMENT_ROLES:
        return False
    return authority_id is None or actor.organisation_id == authority_id


def manual_items(actor: Actor, on: dt.date | None = None) -> Any:
    """The manual items of the actor's authority's rule sets in force on ``on``."""
    on = on or clock.today()
    if not is_authority_staff(actor):
        return RuleItem.objects.none()
    return (
        RuleItem.objects.filter(
            trigger=MANUAL,
            rule_set__authority_id=actor.organisation_id,
            rule_set__state__in=(RuleSetState.EFFECTIVE, RuleSetState.SUPERSEDED),
        )
        .select_related("rule_set")
        .order_by("rule_set__industry", "-rule_set__version", "order", "code")
    )


def _subject(
    item: RuleItem, org_id: int | None, person_id: int | None, project: Project | None
) -> scoring.Subject:
    if bool(org_id) == bool(person_id):
        raise ValidationFailed("请选择一个评分单位或一名人员", field="subject_org_id")
    if org_id and not Organisation.objects.filter(pk=org_id).exists():
        raise ValidationFailed("评分单位不存在", field="subject_org_id")
    if person_id and not Person.objects.filter(pk=person_id).exists():
        raise ValidationFailed("人员不存在", field="subject_person_id")
    fact = Fact(MANUAL, "", clock.today(), "", org_id=org_id, person_id=person_id)
    subject = scoring.subject_of(fact, project)
    if subject is None or subject.kind != item.subject_kind:
        raise ValidationFailed(
            f"该评分项的评分对象为“{item.get_subject_kind_display()}”，所选对象不符",
            field="subject_org_id" if org_id else "subject_person_id",
        )
    return subject


def enter_manual(
    *,
    actor: Actor,
    item_id: int,
    occurred_on: dt.date,
    summary: str,
    evidence: Any,
    subject_org_id: int | None = None,
    subject_person_id: int | None = None,
    project_id: int | None = None,
    idempotency_key: str = "",
) -> ScoreEvent:
    """Record a manual score event (the authority's staff; evidence required)."""
    text = writes.text(summary, field="summary", label="事由", min_len=4, max_len=500)
    item = (
        RuleItem.objects.select_related("rule_set", "rule_set__authority")
        .filter(pk=item_id, trigger=MANUAL)
        .first()
    )
    if not is_authority_staff(actor):
        raise Forbidden("仅行业主管部门工作人员可以人工录入记分")
    if item is None:
        raise ValidationFailed("请选择人工录入的评分项", field="item_id")
    if not is_authority_staff(actor, item.rule_set.authority_id):
        raise NotFound()  # another authority's rules: out of scope
    if occurred_on > clock.today():
        raise ValidationFailed("发生日期不能晚于今天", field="occurred_on")
    rs = item.rule_set
    if effective_rule_set(rs.authority_id, rs.industry, occurred_on) != rs:
        raise ValidationFailed("该评分项所属规则版本在发生日期不适用", field="occurred_on")
    project = None
    if project_id:
        project = Project.objects.filter(pk=project_id).first()
        if project is None or project.industry_authority_id != rs.authority_id:
            raise ValidationFailed("请选择本部门监管的项目", field="project_id")
        if project.industry != rs.industry:
            raise ValidationFailed("项目所属行业与评分规则不一致", field="project_id")
    subject = _subject(item, subject_org_id, subject_person_id, project)
    checked = files.check_upload(evidence, field="evidence")

    def run() -> tuple[int, Any]:
        ev = scoring.record_event(
            item=item,
            rule_set=rs,
            subject=subject,
            project=project,
            fact_code=MANUAL,
            fact_key=f"manual:{uuid.uuid4().hex}",
            occurred_on=occurred_on,
            summary=text,
            facts={"entered_by": actor.display_name or actor.username},
            actor=actor,
            evidence=checked,
            action="credit.score_entered",
        )
        return 201, ev.pk

    payload = {
        "item": item.pk,
        "org": subject_org_id,
        "person": subject_person_id,
        "project": project_id,
        "on": occurred_on.isoformat(),
        "summary": text,
        "sha256": checked.sha256,
    }
    _, pk, _ = idempotency.run(
        user_id=actor.user_id,
        scope="credit.score_manual",
        key=idempotency_key,
        payload=payload,
        fn=run,
    )
    return ScoreEvent.objects.get(pk=pk)


# --- objections to a score event (异议, ADR 0643) -----------------------------------------------


def is_subject(ev: ScoreEvent, actor: Actor) -> bool:
    if actor.user_id is None:
        return False
    if ev.subject_org_id and actor.organisation_id == ev.subject_org_id:
        return True
    return bool(ev.subject_person_id and actor.person_id == ev.subject_person_id)


def is_office(ev: ScoreEvent, actor: Actor) -> bool:
    return actor.is_system or (
        actor.organisation_id == ev.district_id and bool(actor.roles & OFFICE_ROLES)
    )


def refusal_to_object(ev: ScoreEvent, actor: Actor) -> str:
    """Why ``actor`` may not object to ``ev`` ("" = may)."""
    if not (is_subject(ev, actor) or is_office(ev, actor)):
        return "仅被记分的单位（人员）或监管办工作人员（代为登记）可以提出异议"
    if ev.requests.filter(kind=RequestKind.OBJECTION).exists():
        return "对同一记分只能提出一次异议"
    if ev.state != ScoreState.PROVISIONAL:
        return f"该记分当前状态为“{ev.get_state_display()}”，不能提出异议"
    if clock.today() > ev.objection_until:
        return f"异议期已于{ev.objection_until:%Y年%m月%d日}届满"
    return ""


def may_object(ev: ScoreEvent, actor: Actor) -> bool:
    return not refusal_to_object(ev, actor)


def file_score_objection(
    *, actor: Actor, event: ScoreEvent, reason: str, idempotency_key: str = ""
) -> CreditRequest:
    """The subject (or the office on its behalf) objects to a provisional
    score event within its period: the event is frozen (异议处理中) until the
    objection is decided; the authority's to-do and the answer clock open."""
    text = writes.text(reason, field="reason", label="理由", min_len=5, max_len=2000)

    def run() -> tuple[int, Any]:
        return 201, _object(actor, event, text).pk

    _, pk, _ = idempotency.run(
        user_id=actor.user_id,
        scope=f"credit.score_objection.{event.pk}",
        key=idempotency_key,
        payload={"reason": text},
        fn=run,
    )
    return CreditRequest.objects.get(pk=pk)


def _object(actor: Actor, event: ScoreEvent, reason: str) -> CreditRequest:
    if actor.user_id is None:
        raise Forbidden("请先登录")
    with writes.audited(
        ScoreEvent.objects.select_related("item__rule_set"),
        pk=event.pk,
        actor=actor,
        action="credit.score_objection_filed",
        snapshot=scoring.snapshot_event,
    ) as w:
        ev = w.obj
        why = refusal_to_object(ev, actor)
        if why:
            raise (
                Conflict(why) if is_subject(ev, actor) or is_office(ev, actor) else Forbidden(why)
            )
        q = CreditRequest.objects.create(
            score_event=ev,
            kind=RequestKind.OBJECTION,
            reason=reason,
            on_behalf=not is_subject(ev, actor),
            filed_by_id=actor.user_id,
            filed_by_name=actor.display_name or actor.username,
            filed_at=clock.now(),
        )
        ev.state = ScoreState.OBJECTING
        w.after["request"] = snapshot_request(q)
        w.publish(scoring.changed(ev, "objecting"))
        dk, length, unit, reminder = CLOCKS[RequestKind.OBJECTION]
        info = deadlines.kind_of(dk)
        d = deadlines.open_deadline(
            kind=dk,
            subject=q,
            length=length,
            unit=unit,
            basis=info.basis if info else "",
            organisation_id=ev.district_id,
            project_id=ev.project_id,
            reminder_after=reminder,
        )
        todos.open_for(
            key=f"credit:{q.pk}:opinion",
            kind="credit.opinion",
            title=f"待核查记分异议：{ev.subject_name}（{ev.summary[:40]}）",
            organisation_id=ev.authority_id,
            project_id=ev.project_id,
            subject=q,
            url=reverse("credit_score_detail", args=[ev.pk]),
            due_at=d.due_at,
            basis=d.basis,
        )
    return q


def _after_objection(ev: ScoreEvent) -> str:
    """Back from the freeze: final when its period is over, else provisional."""
    if clock.today() > ev.objection_until:
        ev.state, ev.final_on = ScoreState.FINAL, clock.today()
        return "final"
    ev.state = ScoreState.PROVISIONAL
    return "provisional"


def _change_event(
    q: CreditRequest, actor: Actor, change: Any, action: str = "credit.score_objection_decided"
) -> None:
    """Apply ``change`` to the event (locked), audited and published."""
    ev = writes.lock(ScoreEvent.objects.select_related("item__rule_set"), q.score_event_id)
    before = scoring.snapshot_event(ev)
    what = change(ev)
    ev.save()
    audit.record(
        actor=actor,
        action=action,
        obj=ev,
        before=before,
        after=scoring.snapshot_event(ev),
        project_id=ev.project_id,
    )
    events.publish(scoring.changed(ev, what))


def uphold_objection(
    *,
    actor: Actor,
    obj: CreditRequest,
    decision: str,
    new_points: int | None = None,
    withdraw: bool = False,
) -> CreditRequest:
    """The office upholds the objection: the event is withdrawn, or its
    points become ``new_points`` (smaller, the rule's sign kept)."""
    from .steps import UPHOLD

    ev = obj.target
    if not withdraw:
        if new_points is None:
            raise ValidationFailed("请填写变更后的记分，或选择撤销该记分", field="new_points")
        if new_points < 0 or new_points >= abs(ev.points):
            raise ValidationFailed(
                f"变更后的记分应小于原记分（{scoring._n(ev.points)}分）", field="new_points"
            )

    def change(e: ScoreEvent) -> str:
        if withdraw:
            e.state = ScoreState.WITHDRAWN
            e.withdrawn_reason = f"异议成立：{decision}"[:500]
            e.withdrawn_at = clock.now()
            return "withdrawn"
        e.points = Decimal(new_points or 0).quantize(Decimal("0.01")) * (-1 if e.points < 0 else 1)
        e.cap_note = (e.cap_note + f"；异议成立，变更为{new_points}分").strip("；")[:300]
        _after_objection(e)
        return "points_changed"

    with steps.write(UPHOLD, obj, actor) as w:
        q = w.obj
        q.state = RequestState.UPHELD
        q.new_points = None if withdraw else new_points
        q.withdraw = bool(withdraw)
        _decided(q, actor, decision)
        _change_event(q, actor, change)
    _closed(q, actor, "已采纳")
    return q


def reject_objection(*, actor: Actor, obj: CreditRequest, decision: str) -> CreditRequest:
    """The office does not uphold the objection: the event keeps its points,
    final if its period is over, else provisional again."""
    from .steps import REJECT

    with steps.write(REJECT, obj, actor) as w:
        q = w.obj
        q.state = RequestState.REJECTED
        _decided(q, actor, decision)
        _change_event(q, actor, _after_objection)
    _closed(q, actor, "未采纳")
    return q


def _decided(q: CreditRequest, actor: Actor, decision: str) -> None:
    q.decision = decision
    q.decided_by_name = f"{actor.org_name} {actor.display_name}".strip()
    q.decided_at = clock.now()


def _closed(q: CreditRequest, actor: Actor, outcome: str) -> None:
    deadlines.close_deadline(kind=CLOCKS[RequestKind(q.kind)][0], subject=q)
    todos.close_for(subject=q)
    ev = ScoreEvent.objects.get(pk=q.score_event_id)
    what = "信用修复申请" if q.kind == RequestKind.REPAIR else "记分异议"
    notices.tell(
        scoring.subject_user_ids(ev),
        key=f"credit:{q.pk}:decided",
        kind="credit.score",
        title=f"您的{what}{outcome}：{ev.summary[:40]}",
        body=q.decision,
        url=reverse("credit_score_detail", args=[ev.pk]),
        project=ev.project,
        actor=actor,
    )


# --- credit repair of a score event (信用修复, ADR 0690) --------------------------------------------


def refusal_to_repair(ev: ScoreEvent, actor: Actor) -> str:
    """Why ``actor`` may not request the repair of ``ev`` ("" = may): the
    subject (or the office on its behalf), a final deduction, no request open."""
    if not (is_subject(ev, actor) or is_office(ev, actor)):
        return "仅被记分的单位（人员）或监管办工作人员（代为登记）可以申请信用修复"
    if ev.raw_points > 0:  # the rule's sign: a repaired deduction keeps it
        return "加分记录无需信用修复"
    if ev.requests.filter(state__in=OPEN_REQUEST_STATES).exists():
        return "该记分已有正在办理的异议或信用修复申请"
    if ev.state != ScoreState.FINAL:
        if ev.state == ScoreState.PROVISIONAL:
            return "该记分尚在公示期，请通过异议提出；生效后方可申请信用修复"
        return f"该记分当前状态为“{ev.get_state_display()}”，不能申请信用修复"
    return ""


def may_repair(ev: ScoreEvent, actor: Actor) -> bool:
    return not refusal_to_repair(ev, actor)


def file_score_repair(
    *,
    actor: Actor,
    event: ScoreEvent,
    reason: str,
    evidence: Any = None,
    idempotency_key: str = "",
) -> CreditRequest:
    """The subject (or the office on its behalf) asks for the repair of a
    final deduction with its account of the rectification and, optionally, a
    proof file (``core.files``): the authority's to-do and the 15-working-day
    clock open; the event keeps counting until the office decides."""
    from .services import file_repair_with_proof

    return file_repair_with_proof(
        actor=actor,
        scope=f"credit.score_repair.{event.pk}",
        reason=reason,
        evidence=evidence,
        idempotency_key=idempotency_key,
        file=lambda text, checked: _repair(actor, event, text, checked),
    )


def _repair(actor: Actor, event: ScoreEvent, reason: str, checked: Any) -> CreditRequest:
    if actor.user_id is None:
        raise Forbidden("请先登录")
    with writes.audited(
        ScoreEvent.objects.select_related("item__rule_set"),
        pk=event.pk,
        actor=actor,
        action="credit.score_repair_filed",
        snapshot=scoring.snapshot_event,
    ) as w:
        ev = w.obj
        why = refusal_to_repair(ev, actor)
        if why:
            raise (
                Conflict(why) if is_subject(ev, actor) or is_office(ev, actor) else Forbidden(why)
            )
        q = CreditRequest(
            score_event=ev,
            kind=RequestKind.REPAIR,
            reason=reason,
            on_behalf=not is_subject(ev, actor),
            filed_by_id=actor.user_id,
            filed_by_name=actor.display_name or actor.username,
            filed_at=clock.now(),
        )
        if checked is not None:
            files.save(q.evidence, checked)
            q.evidence_name = checked.name[:200]
        q.save()
        w.save = False  # the event itself does not change
        w.after["request"] = snapshot_request(q)
        dk, length, unit, reminder = CLOCKS[RequestKind.REPAIR]
        info = deadlines.kind_of(dk)
        d = deadlines.open_deadline(
            kind=dk,
            subject=q,
            length=length,
            unit=unit,
            basis=info.basis if info else "",
            organisation_id=ev.district_id,
            project_id=ev.project_id,
            reminder_after=reminder,
        )
        todos.open_for(
            key=f"credit:{q.pk}:opinion",
            kind="credit.opinion",
            title=f"待核查信用修复：{ev.subject_name}（{ev.summary[:40]}）",
            organisation_id=ev.authority_id,
            project_id=ev.project_id,
            subject=q,
            url=reverse("credit_score_detail", args=[ev.pk]),
            due_at=d.due_at,
            basis=d.basis,
        )
    return q


def uphold_repair(
    *, actor: Actor, obj: CreditRequest, decision: str, new_points: int | None = None
) -> CreditRequest:
    """The office upholds the repair: the event becomes 已信用修复 and its
    deduction is restored in full (``new_points`` None or 0) or in part (the
    deduction left, smaller than the current one); the annual score follows
    (``credit.score_changed`` with ``repaired``)."""
    from .steps import UPHOLD

    ev = obj.target
    left = int(new_points or 0)
    if left < 0 or left >= abs(ev.points):
        raise ValidationFailed(
            f"修复后保留的扣分应小于原扣分（{scoring._n(abs(ev.points))}分）", field="new_points"
        )

    def change(e: ScoreEvent) -> str:
        was = abs(e.points)
        e.points = -Decimal(left).quantize(Decimal("0.01"))
        e.state = ScoreState.REPAIRED
        note = f"信用修复：原扣{scoring._n(was)}分，恢复{scoring._n(was - left)}分"
        note += f"，保留扣{left}分" if left else ""
        e.cap_note = (e.cap_note + "；" + note).strip("；")[:300]
        return "repaired"

    with steps.write(UPHOLD, obj, actor) as w:
        q = w.obj
        q.state = RequestState.UPHELD
        q.new_points = left
        _decided(q, actor, decision)
        _change_event(q, actor, change, action="credit.score_repaired")
    _closed(q, actor, "已采纳")
    return q


def reject_repair(*, actor: Actor, obj: CreditRequest, decision: str) -> CreditRequest:
    """The office does not uphold the repair: the event keeps its points."""
    from .steps import REJECT

    with steps.write(REJECT, obj, actor) as w:
        q = w.obj
        q.state = RequestState.REJECTED
        _decided(q, actor, decision)
    _closed(q, actor, "未采纳")
    return q
