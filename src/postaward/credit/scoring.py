"""Score events from platform facts (R-SCO-01, R-ATT-09; ADR 0640, 0641).

- ``extract(event_name, payload)``: a domain event's payload → the ``Fact``
  rows it means (``facts.FACTS``), one per subject it concerns, each with a
  key stable across re-dispatches of the same event.
- ``score_fact(fact)``: every item of the competent authority's rule set in
  force on the fact's day whose trigger is the fact's code and whose subject
  kind is the subject's → one provisional score event (once per item, fact
  and subject), with the caps per project and per year applied.
- ``withdraw_fact(code, key, reason)``: a withdrawn fact withdraws its score
  events.
- ``finalise_due(today)``: provisional events whose objection period is over
  become final; events under objection (``objecting``) are frozen.

Every change is audited and publishes ``credit.score_changed``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import NoReverseMatch, reverse

from postaward.approvals import deadline_kinds as approval_kinds
from postaward.attendance import choices as attendance_rules
from postaward.core import business_calendar, clock, events, notices, writes
from postaward.core.actor import SYSTEM, Actor
from postaward.orgs.choices import OrgKind
from postaward.orgs.models import Organisation, Person, User
from postaward.projects.choices import ParticipantRole
from postaward.projects.models import Participant, Project

from .choices import COUNTING_SCORE_STATES, ScoreState, SubjectKind
from .events import ScoreChanged
from .facts import Fact
from .models import RuleItem, RuleSet, ScoreEvent, subject_key
from .rules import effective_rule_set, office_of

# The deadline kinds whose miss is a late acceptance or settlement (验收、结算逾期).
ACCEPTANCE_DEADLINE_KINDS = frozenset(
    k.kind
    for k in (
        approval_kinds.ACCEPTANCE_BELOW,
        approval_kinds.ACCEPTANCE_ABOVE,
        approval_kinds.ACCEPTANCE_SUPER_LARGE,
        approval_kinds.VILLAGE_SELF,
        approval_kinds.TOWNSHIP,
        approval_kinds.SETTLEMENT_BELOW,
        approval_kinds.SETTLEMENT_ABOVE,
    )
)

ROLE_KINDS: dict[str, str] = {
    ParticipantRole.CONTRACTOR: SubjectKind.CONTRACTOR,
    ParticipantRole.SUPERVISING_FIRM: SubjectKind.SUPERVISING_FIRM,
    ParticipantRole.DESIGN: SubjectKind.INTERMEDIARY,
    ParticipantRole.SURVEY: SubjectKind.INTERMEDIARY,
    ParticipantRole.BUDGET: SubjectKind.INTERMEDIARY,
    ParticipantRole.TESTING: SubjectKind.INTERMEDIARY,
    ParticipantRole.TENDER_AGENT: SubjectKind.INTERMEDIARY,
}
ORG_KINDS: dict[str, str] = {
    OrgKind.INDUSTRY_AUTHORITY: SubjectKind.AUTHORITY,
    OrgKind.OWNER: SubjectKind.OWNER,
    OrgKind.CONTRACTOR: SubjectKind.CONTRACTOR,
    OrgKind.SUPERVISING_FIRM: SubjectKind.SUPERVISING_FIRM,
    OrgKind.DESIGN: SubjectKind.INTERMEDIARY,
    OrgKind.SURVEY: SubjectKind.INTERMEDIARY,
    OrgKind.BUDGET: SubjectKind.INTERMEDIARY,
    OrgKind.TESTING: SubjectKind.INTERMEDIARY,
    OrgKind.TENDER_AGENT: SubjectKind.INTERMEDIARY,
}


# --- payloads → facts ------------------------------------------------------------------------------


def _payload(evt: Any) -> dict[str, Any]:
    if isinstance(evt, dict):
        return evt
    if hasattr(evt, "to_payload"):
        return dict(evt.to_payload())
    return dict(dataclasses.asdict(evt))


def _day(value: Any, default: dt.date | None = None) -> dt.date:
    """A date from an ISO date or date-time text (a moment: its local date)."""
    if not value:
        return default or clock.today()
    text = str(value)
    if len(text) > 10:
        try:
            return clock.localtime(dt.datetime.fromisoformat(text)).date()
        except (ValueError, TypeError):
            pass
    return dt.date.fromisoformat(text[:10])


def _url(name: str, pk: Any) -> str:
    try:
        return reverse(name, args=[int(pk)])
    except (NoReverseMatch, TypeError, ValueError):
        return ""


def _pair(
    code: str, key: str, on: dt.date, summary: str, p: dict[str, Any], link: str = "", **kw: Any
) -> list[Fact]:
    """The facts of an attendance event: the enterprise and the person."""
    base: dict[str, Any] = {"project_id": p.get("project_id"), "link": link, "details": kw}
    out = []
    if p.get("organisation_id"):
        out.append(Fact(code, key, on, summary, org_id=p["organisation_id"], **base))
    if p.get("person_id"):
        out.append(Fact(code, key, on, summary, person_id=p["person_id"], **base))
    return out


def _position(p: dict[str, Any]) -> str:
    from postaward.projects.choices import Position

    return str(dict(Position.choices).get(p.get("position", ""), p.get("position", "")))


def _cheat(p: dict[str, Any]) -> list[Fact]:
    on = _day(p.get("at"))
    summary = f"{_position(p)}考勤作弊，经建设单位确认（{on:%Y-%m-%d}）"
    link = _url("attendance_checkin_detail", p["checkin_id"])
    return _pair("attendance.cheat_confirmed", f"checkin:{p['checkin_id']}", on, summary, p, link)


def _streak(p: dict[str, Any]) -> list[Fact]:
    days = list(p.get("days") or [])
    need = attendance_rules.absence_streak_min_days()
    if len(days) < need:
        return []
    on = _day(days[need - 1])
    summary = f"{_position(p)}自{p['first_day']}起连续{need}天以上未考勤"
    key = absence_streak_key(p["assignment_id"], p["first_day"])
    return _pair("attendance.absence_streak", key, on, summary, p, days=days[:need])


def absence_streak_key(assignment_id: Any, first_day: Any) -> str:
    """A streak counts once by its assignment and first day (attendance's contract)."""
    return f"streak:{assignment_id}:{str(first_day)[:10]}"


def _month_end(month: str) -> dt.date:
    first = dt.date.fromisoformat(f"{month[:7]}-01")
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _rate(p: dict[str, Any]) -> list[Fact]:
    try:
        rate = Decimal(str(p["rate"]))
    except (InvalidOperation, KeyError):
        return []
    threshold = attendance_rules.monthly_rate_threshold()
    if rate >= threshold:
        return []
    summary = (
        f"{_position(p)}{p['month'][:7]}月考勤率{rate:.0%}（{p['valid_days']}/"
        f"{p['construction_days']}天），低于{threshold:.0%}"
    )
    key = f"rate:{p['assignment_id']}:{p['month'][:7]}"
    return _pair(
        "attendance.monthly_rate_low", key, _month_end(p["month"]), summary, p, rate=str(rate)
    )


def _patrol(p: dict[str, Any]) -> list[Fact]:
    last = p.get("last_valid_patrol")
    key = p.get("dedup_key") or f"patrol:{p['project_id']}:{last}:{p.get('days_without')}"
    on = _day(last) + dt.timedelta(days=int(p.get("days_without") or 0)) if last else clock.today()
    summary = f"建设单位项目负责人{p.get('days_without')}日内未有效巡查"
    base = {"project_id": p["project_id"], "link": _url("project_detail", p["project_id"])}
    out = []
    if p.get("owner_id"):
        out.append(
            Fact("attendance.patrol_overdue", key, on, summary, org_id=p["owner_id"], **base)
        )
    if p.get("person_id"):
        out.append(
            Fact("attendance.patrol_overdue", key, on, summary, person_id=p["person_id"], **base)
        )
    return out


def _project_facts(
    code: str, key: str, on: dt.date, summary: str, p: dict[str, Any], *orgs: Any
) -> list[Fact]:
    """One fact per distinct organisation named (the responsible units)."""
    link = _url("project_detail", p.get("project_id"))
    seen: list[int] = []
    for org in orgs:
        if org and int(org) not in seen:
            seen.append(int(org))
    return [
        Fact(code, key, on, summary, org_id=o, project_id=p.get("project_id"), link=link)
        for o in seen
    ]


def _change_after(p: dict[str, Any]) -> list[Fact]:
    summary = f"工程变更未批先做：{p.get('project_name', '')}（晚批{p.get('days_late')}天）"
    return _project_facts(
        "approvals.change_after_the_fact",
        f"change:{p['change_id']}",
        _day(p.get("approved_at") or p.get("at")),
        summary,
        p,
        p.get("organisation_id"),
        p.get("owner_id"),
    )


def _rect_overdue(p: dict[str, Any]) -> list[Fact]:
    return _project_facts(
        "approvals.rectification_overdue",
        f"notice:{p['notice_id']}:overdue",
        _day(p.get("at")),
        f"监理通知单逾期未回复（应于{p.get('required_by')}前回复）",
        p,
        p.get("contractor_id"),
    )


def _rect_refused(p: dict[str, Any]) -> list[Fact]:
    return _project_facts(
        "approvals.rectification_refused",
        f"notice:{p['notice_id']}:refused",
        _day(p.get("at")),
        "拒不按监理通知单整改",
        p,
        p.get("contractor_id"),
    )


def _used_before(p: dict[str, Any]) -> list[Fact]:
    if p.get("industry_exception"):
        return []  # used early under the industry's exception: no breach
    return _project_facts(
        "approvals.used_before_acceptance",
        f"usage:{p['usage_id']}",
        _day(p.get("used_since") or p.get("at")),
        f"未经验收擅自投入使用（自{p.get('used_since')}起）",
        p,
        p.get("owner_id"),
    )


def _personnel(p: dict[str, Any]) -> list[Fact]:
    try:
        amount = Decimal(str(p.get("penalty_amount") or "0"))
    except InvalidOperation:
        amount = Decimal(0)
    if amount <= 0:
        return []
    org = Person.objects.filter(pk=p.get("outgoing_person_id")).values_list(
        "organisation_id", flat=True
    )
    return _project_facts(
        "approvals.personnel_change_penalty",
        f"personnel_change:{p['personnel_change_id']}",
        _day(p.get("at")),
        f"关键岗位人员擅自变更，按合同处罚{amount}元",
        p,
        org.first(),
    )


def _deadline(p: dict[str, Any]) -> list[Fact]:
    if p.get("kind") not in ACCEPTANCE_DEADLINE_KINDS or not p.get("project_id"):
        return []
    from postaward.core.deadlines import kind_of

    info = kind_of(p["kind"])
    org = p.get("organisation_id") or (
        Project.objects.filter(pk=p["project_id"]).values_list("owner_id", flat=True).first()
    )
    on = _day(p.get("due_at"))
    label = info.label if info else "验收（结算）期限"
    return _project_facts(
        "approvals.acceptance_late",
        f"deadline:{p['deadline_id']}",
        on,
        f"{label}已于{on:%Y-%m-%d}届满，未按期完成",
        p,
        org,
    )


def _complaint(p: dict[str, Any]) -> list[Fact]:
    if not p.get("subject_org_id"):
        return []
    facts = str(p.get("facts") or "")
    return [
        Fact(
            "complaints.verified",
            f"complaint:{p['complaint_id']}",
            clock.today(),
            f"投诉举报经查属实（{p.get('receipt_number', '')}）：{facts[:200]}",
            org_id=p["subject_org_id"],
            project_id=p.get("project_id"),
            link=_url("complaints_detail", p["complaint_id"]),
        )
    ]


def _finding(p: dict[str, Any]) -> list[Fact]:
    if p.get("compliant") or not p.get("subject_org_id"):
        return []
    return [
        Fact(
            "inspections.finding",
            f"finding:{p['finding_id']}",
            _day(p.get("signed_off_on")),
            f"双随机检查（{p.get('inspection_ref', '')}）发现问题：{p.get('item_name', '')}",
            org_id=p["subject_org_id"],
            project_id=p.get("project_id"),
        )
    ]


def _penalty(p: dict[str, Any]) -> list[Fact]:
    base: dict[str, Any] = {
        "project_id": p.get("project_id"),
        "details": {"authority_id": p.get("department_id"), "case_id": p.get("case_id")},
    }
    summary = f"{p.get('decision_number', '')}：{p.get('measure', '')}"[:500]
    key, on = f"case:{p['case_id']}", _day(p.get("decided_on"))
    if p.get("subject_org_id"):
        return [Fact("cases.penalty_decided", key, on, summary, org_id=p["subject_org_id"], **base)]
    if p.get("subject_person_id"):
        person = p["subject_person_id"]
        return [Fact("cases.penalty_decided", key, on, summary, person_id=person, **base)]
    return []


def _sanction(p: dict[str, Any]) -> list[Fact]:
    """A measure of the register (SY 40-48): its subject; without a project,
    the issuing authority's rules decide."""
    from .choices import SanctionKind

    kind = str(dict(SanctionKind.choices).get(p.get("kind", ""), p.get("kind", "")))
    base: dict[str, Any] = {
        "project_id": p.get("project_id"),
        "link": _url("credit_sanction_detail", p.get("sanction_id")),
        "details": {"authority_id": p.get("issuer_id"), "measure": p.get("kind")},
    }
    key, on = sanction_key(p["sanction_id"]), _day(p.get("decided_on"))
    summary = f"受到处理措施：{kind}（{p.get('number', '')}）"
    if p.get("subject_org_id"):
        return [Fact("credit.sanction", key, on, summary, org_id=p["subject_org_id"], **base)]
    if p.get("subject_person_id"):
        person = p["subject_person_id"]
        return [Fact("credit.sanction", key, on, summary, person_id=person, **base)]
    return []


def _accountability(p: dict[str, Any]) -> list[Fact]:
    """An accountability decision (QZ 附件2 arts. 8, 12): a fact of the unit
    whose staff were held to account (the owner's or department's
    assessment), once per decision."""
    if not p.get("unit_id"):
        return []
    names = "、".join(str(x.get("name", "")) for x in p.get("persons") or [])
    summary = f"{names}受到问责处理：{p.get('measures_text', '')}（{p.get('matter_number', '')}）"
    return [
        Fact(
            "accountability.decided",
            f"accountability:{p['decision_id']}",
            _day(p.get("decided_on")),
            summary[:500],
            org_id=p["unit_id"],
            project_id=p.get("project_id"),
            details={"measures": p.get("measures"), "severity": p.get("severity")},
        )
    ]


def sanction_key(sanction_id: Any) -> str:
    return f"sanction:{sanction_id}"


EXTRACTORS = {
    "credit.sanction_recorded": _sanction,
    "attendance.cheat_confirmed": _cheat,
    "attendance.absence_streak": _streak,
    "attendance.monthly_rate": _rate,
    "attendance.patrol_overdue": _patrol,
    "approvals.change_after_the_fact": _change_after,
    "approvals.rectification_overdue": _rect_overdue,
    "approvals.rectification_refused": _rect_refused,
    "approvals.used_before_acceptance": _used_before,
    "approvals.personnel_change_completed": _personnel,
    "deadline.missed": _deadline,
    "complaints.verified": _complaint,
    "inspections.finding_recorded": _finding,
    "cases.penalty_decided": _penalty,
    "accountability.decided": _accountability,
}


def extract(event_name: str, payload: Any) -> list[Fact]:
    """The facts an event means (none for an event no fact comes from)."""
    fn = EXTRACTORS.get(event_name)
    return fn(_payload(payload)) if fn else []


# --- facts → score events ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Subject:
    kind: str
    key: str
    name: str
    org: Organisation | None = None
    person: Person | None = None


def subject_of(fact: Fact, project: Project | None) -> Subject | None:
    """The scored subject and its kind: a person; an authority; an owner (the
    project's owner); a participant by its role on the project; else by the
    organisation's kind."""
    if fact.org_id is None:
        person = Person.objects.filter(pk=fact.person_id).first()
        if person is None:
            return None
        return Subject(
            SubjectKind.PERSON, subject_key(person_id=person.pk), person.name, person=person
        )
    org = Organisation.objects.filter(pk=fact.org_id).first()
    if org is None:
        return None
    kind = ORG_KINDS.get(org.kind, "")
    if org.kind != OrgKind.INDUSTRY_AUTHORITY and project is not None:
        if project.owner_id == org.pk:
            kind = SubjectKind.OWNER
        else:
            role = (
                Participant.objects.filter(project=project, organisation=org)
                .values_list("role", flat=True)
                .first()
            )
            kind = ROLE_KINDS.get(role or "", kind)
    if not kind:
        return None
    return Subject(kind, subject_key(org_id=org.pk), org.name, org=org)


def competent(fact: Fact, project: Project | None) -> tuple[int, str] | None:
    """The authority whose rules apply and the industry: the project's; without
    a project, the authority the event names, in its own industry."""
    if project is not None:
        if project.industry_authority_id is None:
            return None
        return project.industry_authority_id, project.industry
    authority_id = fact.details.get("authority_id")
    auth = Organisation.objects.filter(pk=authority_id).first() if authority_id else None
    if auth is None or not auth.industry:
        return None
    return auth.pk, auth.industry


def score_fact(fact: Fact) -> list[ScoreEvent]:
    """The score events of ``fact`` (existing ones returned as they are: a
    re-dispatched event scores nothing twice)."""
    project = Project.objects.filter(pk=fact.project_id).first() if fact.project_id else None
    where = competent(fact, project)
    if where is None:
        return []
    rule_set = effective_rule_set(where[0], where[1], fact.occurred_on)
    if rule_set is None:
        return []
    subject = subject_of(fact, project)
    if subject is None:
        return []
    out = []
    for item in rule_set.items.filter(trigger=fact.code, subject_kind=subject.kind):
        ev = record_event(
            item=item,
            rule_set=rule_set,
            subject=subject,
            project=project,
            fact_code=fact.code,
            fact_key=fact.key,
            occurred_on=fact.occurred_on,
            summary=fact.summary,
            link=fact.link,
            facts=dataclasses.asdict(fact),
        )
        out.append(ev)
    return out


def _used(item: RuleItem, subject: Subject, **where: Any) -> Decimal:
    total = (
        ScoreEvent.objects.filter(
            item__rule_set__authority_id=item.rule_set.authority_id,
            item__rule_set__industry=item.rule_set.industry,
            item__code=item.code,
            subject_key=subject.key,
            state__in=COUNTING_SCORE_STATES,
            **where,
        )
        .order_by()
        .aggregate(n=Sum("points"))["n"]
    )
    return abs(Decimal(total or 0))


def _n(value: Any) -> str:
    """Points as people write them: 12, 2.5 (no sign, no trailing zeros)."""
    d = abs(Decimal(value))
    return f"{d.quantize(Decimal(1))}" if d == d.to_integral_value() else f"{d.normalize()}"


def apply_caps(
    item: RuleItem, subject: Subject, project: Project | None, year: int
) -> tuple[Decimal, str]:
    """The points to record (clamped by the caps, sign of the rule) and the
    note that explains a clamp ("" when none applied). An item counts as the
    same item across versions of its rule set by its code."""
    raw = Decimal(item.points)
    room = abs(raw)
    notes = []
    caps: list[tuple[str, Decimal | None, dict[str, Any]]] = [
        ("单项目累计上限", item.cap_per_project, {"project": project} if project else {}),
        ("年度累计上限", item.cap_per_year, {"year": year}),
    ]
    for label, cap, where in caps:
        if cap is None or (label == "单项目累计上限" and project is None):
            continue
        used = _used(item, subject, **where)
        left = max(Decimal(cap) - used, Decimal(0))
        if left < room:
            room = left
            notes.append(f"{label}{_n(cap)}分，此前已计{_n(used)}分")
    if not notes:
        return raw, ""
    points = room if raw > 0 else -room
    note = "；".join(notes) + f"；本次按规则应计{_n(raw)}分，实计{_n(points)}分"
    if points == 0:
        note += "（已达上限，不再计分）"
    return points, note[:300]


def record_event(
    *,
    item: RuleItem,
    rule_set: RuleSet,
    subject: Subject,
    project: Project | None,
    fact_code: str,
    fact_key: str,
    occurred_on: dt.date,
    summary: str,
    link: str = "",
    facts: dict[str, Any] | None = None,
    actor: Actor = SYSTEM,
    evidence: Any = None,
    action: str = "credit.score_recorded",
) -> ScoreEvent:
    """One score event, once per item, fact and subject (a concurrent double
    dispatch: the loser's insert fails in its savepoint and returns the
    winner's row). Caps serialise on the rule item's row."""
    once = {"item": item, "fact_key": fact_key[:200], "subject_key": subject.key}
    existing = ScoreEvent.objects.filter(**once).first()
    if existing is not None:
        return existing
    points, note = Decimal(0), ""
    try:
        with transaction.atomic():
            RuleItem.objects.select_for_update().filter(pk=item.pk).first()
            points, note = apply_caps(item, subject, project, occurred_on.year)
            notified = clock.today()
            ev = ScoreEvent(
                item=item,
                authority_id=rule_set.authority_id,
                district=office_of(rule_set.authority),
                industry=rule_set.industry,
                subject_kind=subject.kind,
                subject_key=subject.key,
                subject_org=subject.org,
                subject_person=subject.person,
                subject_name=subject.name[:200],
                project=project,
                fact=fact_code,
                fact_key=fact_key[:200],
                facts=_jsonable(facts or {}),
                summary=summary[:500],
                link=link[:300],
                raw_points=item.points,
                points=points,
                cap_note=note,
                occurred_on=occurred_on,
                year=occurred_on.year,
                notified_on=notified,
                objection_until=business_calendar.add_working_days(
                    notified, rule_set.objection_days
                ),
                entered_by_id=actor.user_id,
                created_at=clock.now(),
            )
            _save(ev, actor, action, evidence)
    except IntegrityError:  # the other dispatch inserted it first
        return ScoreEvent.objects.get(**once)
    _tell(ev, actor)
    return ev


def _save(ev: ScoreEvent, actor: Actor, action: str, evidence: Any) -> None:
    if evidence is not None:
        from postaward.core import files

        files.save(ev.evidence, evidence)
        ev.evidence_name = evidence.name[:200]
    ev.save()
    writes.created(
        ev, actor=actor, action=action, snapshot=snapshot_event, project_id=ev.project_id
    )
    events.publish(changed(ev, "recorded"))


def _jsonable(value: dict[str, Any]) -> dict[str, Any]:
    from postaward.core.audit import normalise

    return dict(normalise(value))


def snapshot_event(ev: ScoreEvent) -> dict[str, Any]:
    return {
        "item": f"{ev.item.code}（第{ev.item.rule_set.version}版）",
        "subject": ev.subject_name,
        "fact": ev.fact,
        "fact_key": ev.fact_key,
        "raw_points": str(ev.raw_points),
        "points": str(ev.points),
        "cap_note": ev.cap_note,
        "state": ev.state,
        "objection_until": ev.objection_until.isoformat(),
        "withdrawn_reason": ev.withdrawn_reason,
    }


def changed(ev: ScoreEvent, change: str) -> ScoreChanged:
    return ScoreChanged(
        score_event_id=ev.pk,
        subject_key=ev.subject_key,
        year=ev.year,
        change=change,
        points=str(ev.points),
    )


def subject_user_ids(ev: ScoreEvent) -> list[int]:
    qs = User.objects.filter(is_active=True)
    if ev.subject_org_id:
        return list(qs.filter(organisation_id=ev.subject_org_id).values_list("pk", flat=True))
    if ev.subject_person_id:
        return list(qs.filter(person_id=ev.subject_person_id).values_list("pk", flat=True))
    return []


def _tell(ev: ScoreEvent, actor: Actor | None = None) -> None:
    sign = "扣" if ev.points < 0 else "加"
    notices.tell(
        subject_user_ids(ev),
        key=f"credit:score:{ev.pk}:recorded",
        kind="credit.score",
        title=f"记分告知：{ev.summary[:60]}（{sign}{_n(ev.points)}分）",
        body=(
            f"依据{ev.item.basis_document}{ev.item.basis_article}。如有异议，"
            f"请于{ev.objection_until:%Y年%m月%d日}前在记分详情页面提出。"
        ),
        url=_url("credit_score_detail", ev.pk),
        project=ev.project,
        actor=actor,
    )


# --- withdrawal and finalisation ------------------------------------------------------------------


def withdraw_fact(code: str, key: str, reason: str, *, actor: Actor = SYSTEM) -> int:
    """Withdraw every counting score event of the fact (audited, published);
    returns how many were withdrawn. Withdrawn again: nothing changes."""
    n = 0
    pks = (
        ScoreEvent.objects.filter(fact=code, fact_key=key)
        .exclude(state=ScoreState.WITHDRAWN)
        .values_list("pk", flat=True)
    )
    for pk in list(pks):
        with writes.audited(
            ScoreEvent.objects.select_related("item__rule_set"),
            pk=pk,
            actor=actor,
            action="credit.score_withdrawn",
            snapshot=snapshot_event,
        ) as w:
            ev = w.obj
            if ev.state == ScoreState.WITHDRAWN:
                w.nothing_changed()
                continue
            ev.state = ScoreState.WITHDRAWN
            ev.withdrawn_reason = reason[:500]
            ev.withdrawn_at = clock.now()
            w.publish(changed(ev, "withdrawn"))
            n += 1
    return n


def finalise_due(today: dt.date | None = None) -> int:
    """Provisional events whose objection period ended before ``today`` become
    final (an event under objection is frozen and stays as it is)."""
    today = today or clock.today()
    n = 0
    pks = ScoreEvent.objects.filter(
        state=ScoreState.PROVISIONAL, objection_until__lt=today
    ).values_list("pk", flat=True)
    for pk in list(pks):
        with writes.audited(
            ScoreEvent.objects.select_related("item__rule_set"),
            pk=pk,
            actor=SYSTEM,
            action="credit.score_final",
            snapshot=snapshot_event,
        ) as w:
            ev = w.obj
            if ev.state != ScoreState.PROVISIONAL or ev.objection_until >= today:
                w.nothing_changed()
                continue
            ev.state = ScoreState.FINAL
            ev.final_on = today
            w.publish(changed(ev, "final"))
            n += 1
    return n


def score_event(event_name: str, payload: Any) -> list[ScoreEvent]:
    """The subscribers' one call: extract the facts, score each."""
    out: list[ScoreEvent] = []
    for fact in extract(event_name, payload):
        out.extend(score_fact(fact))
    return out
