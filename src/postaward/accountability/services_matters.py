"""Accountability matters (R-ACT-03..05, QZ 附件2 arts. 8-12): a confirmed
clue transferred to the competent body, its decision per person with the
severity of arts. 9-11, the referral to discipline inspection, and the award
eligibility of art. 12 (ADRs 0810-0812)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.urls import reverse

from postaward.core import audit, clock, documents, idempotency, notices, writes
from postaward.core.actor import Actor
from postaward.core.errors import Forbidden, NotFound, ValidationFailed
from postaward.orgs.choices import OrgKind
from postaward.orgs.models import Organisation, Person, User

from .choices import ClueState
from .choices_matters import (
    OBSTRUCTION,
    RETALIATION,
    TWICE_IN_A_YEAR,
    BodyKind,
    Circumstance,
    MatterState,
    Measure,
    PersonState,
    severity_of,
)
from .events import AccountabilityReferred
from .events_matters import AccountabilityDecided
from .models import Clue, Matter, MatterPerson, snapshot_clue, snapshot_matter
from .models.clues import DISCIPLINE_ROLES, OFFICE_ROLES
from .models.matters import BODY_ROLES

# ADR 0811: "accountable twice or more within one year" looks this far back
TWICE_WINDOW_DAYS = 365
# the kinds a unit's superior organisation may be (ADR 0810): a line (条线) is
# a part of its superior unit, not a body with cadre-management powers
SUPERIOR_BODY_KINDS = frozenset(
    {OrgKind.SUPERIOR_UNIT, OrgKind.TOWNSHIP, OrgKind.INDUSTRY_AUTHORITY}
)


# --- who ------------------------------------------------------------------------------------------


def is_office(actor: Actor) -> bool:
    return (
        actor.user_id is not None
        and actor.org_kind == OrgKind.SUPERVISION_OFFICE
        and bool(actor.roles & OFFICE_ROLES)
    )


def is_discipline(actor: Actor) -> bool:
    return (
        actor.user_id is not None
        and actor.org_kind == OrgKind.DISCIPLINE
        and bool(actor.roles & DISCIPLINE_ROLES)
    )


def is_body(m: Matter, actor: Actor) -> bool:
    """The competent body's leaders and administrators (for discipline
    inspection as the body: its inspectors too)."""
    if actor.user_id is None or actor.organisation_id != m.body_id:
        return False
    roles = BODY_ROLES | DISCIPLINE_ROLES if m.body_kind == BodyKind.DISCIPLINE else BODY_ROLES
    return bool(actor.roles & roles)


def may_see_matters(actor: Actor) -> bool:
    """The menu entries: the office, discipline inspection, a competent body."""
    if is_office(actor) or is_discipline(actor):
        return True
    if actor.user_id is None or not actor.roles & BODY_ROLES:
        return False
    return Matter.objects.filter(body_id=actor.organisation_id).exists()


# --- the competent body (ADR 0810) -----------------------------------------------------------------


def discipline_of(office: Organisation) -> Organisation | None:
    return (
        Organisation.objects.filter(
            kind=OrgKind.DISCIPLINE, path__startswith=office.district_path, is_active=True
        )
        .order_by("path")
        .first()
    )


def superior_of(unit: Organisation) -> Organisation | None:
    """The unit's superior organisation: the first ancestor that is a
    superior unit, a township or an industry authority (an owner's parent
    unit, township or authority). None for a department (its cadres are
    managed outside the platform's tree: discipline inspection)."""
    if unit.kind not in (OrgKind.OWNER, OrgKind.VILLAGE):
        return None
    node = unit.parent
    while node is not None:
        if node.kind in SUPERIOR_BODY_KINDS:
            return node
        node = node.parent
    return None


def bodies_for(clue: Clue) -> list[tuple[Organisation, str]]:
    """The competent bodies the office may transfer ``clue`` to, the default
    first: the unit's superior organisation, and discipline inspection."""
    out: list[tuple[Organisation, str]] = []
    sup = superior_of(clue.unit)
    if sup is not None:
        out.append((sup, str(BodyKind.SUPERIOR)))
    dis = discipline_of(clue.office)
    if dis is not None:
        out.append((dis, str(BodyKind.DISCIPLINE)))
    return out


# --- transfer (R-ACT-03) ---------------------------------------------------------------------------


def post_of(person: Person) -> str:
    return f"{person.organisation.name} {person.title}".strip()[:260]


def _persons(clue: Clue, person_ids: Iterable[int] | None) -> list[Person]:
    ids = list(dict.fromkeys(person_ids or clue.persons.values_list("pk", flat=True)))
    if not ids:
        raise ValidationFailed("请选择被问责的人员（至少一人）", field="person_ids")
    found = {
        p.pk: p
        for p in Person.objects.select_related("organisation").filter(
            pk__in=ids, organisation__path__startswith=clue.office.district_path
        )
    }
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed("所选人员不存在或不属于本区", field="person_ids")
    return [found[i] for i in ids]


def transfer(
    *,
    actor: Actor,
    clue_id: int,
    body_id: int,
    transfer_note: str,
    person_ids: Iterable[int] | None = None,
    idempotency_key: str | None = None,
) -> Matter:
    """移送有权机关 (QZ 附件2 art. 12, R-ACT-03): the office turns a confirmed
    clue into a numbered matter with the persons concerned; the clue becomes
    ``transferred``; both audited; the body is told."""
    if not is_office(actor):
        raise Forbidden("仅监管办可以移送有权机关")
    clue = Clue.objects.visible_to(actor).select_related("office", "unit", "act").filter(pk=clue_id)
    found = clue.first()
    if found is None:
        raise NotFound()
    bodies = {org.pk: kind for org, kind in bodies_for(found)}
    if body_id not in bodies:
        raise ValidationFailed("请选择按干部管理权限有权处理的机关", field="body_id")
    note = writes.text(transfer_note, field="transfer_note", label="移送意见", min_len=4)
    persons = _persons(found, person_ids)
    payload = {
        "clue_id": clue_id,
        "body_id": body_id,
        "note": note,
        "persons": [p.pk for p in persons],
    }

    def run() -> tuple[int, Any]:
        m = _transfer(actor, found, body_id, bodies[body_id], note, persons)
        return 201, m.pk

    with transaction.atomic():
        _, pk, _ = idempotency.run(
            user_id=actor.user_id,
            scope="accountability.matter",
            key=idempotency_key,
            payload=payload,
            fn=run,
        )
    return Matter.objects.get(pk=pk)


def _transfer(
    actor: Actor, clue: Clue, body_id: int, kind: str, note: str, persons: list[Person]
) -> Matter:
    def confirmed(c: Clue) -> None:
        if c.state != ClueState.CONFIRMED:
            _wrong_state(c)

    with writes.audited(
        Clue.objects.all(),
        pk=clue.pk,
        actor=actor,
        action="accountability.matter_clue_transferred",
        check=confirmed,
        snapshot=snapshot_clue,
        project_id=clue.project_id,
    ) as w:
        w.obj.state = ClueState.TRANSFERRED
        today = clock.today()
        seq = documents.next_number("accountability.matter", today.year)
        m = Matter.objects.create(
            number=f"WZ{today.year}{seq:04d}",
            office=clue.office,
            clue=clue,
            party=clue.party,
            unit=clue.unit,
            act=clue.act,
            act_text=f"{clue.act.document}{clue.act.article} {clue.act.title}"[:400]
            if clue.act
            else "",
            project=clue.project,
            facts=clue.facts,
            act_on=clue.occurred_on or clue.received_on,
            body_id=body_id,
            body_kind=kind,
            transfer_note=note,
            transferred_by_id=actor.user_id,
            transferred_by_name=actor.display_name or actor.username,
            transferred_at=clock.now(),
        )
        for p in persons:
            MatterPerson.objects.create(matter=m, person=p, name=p.name, post=post_of(p))
        writes.created(
            m,
            actor=actor,
            action="accountability.matter_transferred",
            snapshot=snapshot_matter,
            after={"persons": [p.name for p in persons]},
            project_id=m.project_id,
        )
    notices.tell(
        body_user_ids(m),
        key=f"accountability:matter:{m.pk}:transferred",
        kind="accountability.matter",
        title=f"问责事项待处理：{m.number}",
        body=f"监管办按干部管理权限移送问责事项（{m.unit.name}），请依规作出问责处理。",
        url=reverse("accountability_matter_detail", args=[m.pk]),
        actor=actor,
    )
    return m


def _wrong_state(c: Clue) -> None:
    from postaward.core.errors import Conflict

    raise Conflict(
        f"线索当前状态为“{c.get_state_display()}”，仅已确认的线索可以移送有权机关",
        code="invalid_state",
    )


def body_user_ids(m: Matter) -> list[int]:
    roles = BODY_ROLES | DISCIPLINE_ROLES if m.body_kind == BodyKind.DISCIPLINE else BODY_ROLES
    return list(
        User.objects.filter(
            is_active=True, organisation_id=m.body_id, role_grants__role__in=roles
        ).values_list("pk", flat=True)
    )


# --- reading (every read audited) ------------------------------------------------------------------


def audit_read(actor: Actor, m: Matter, how: str = "page") -> None:
    """Every read of a matter is in the audit chain (confidential)."""
    audit.record(actor=actor, action="accountability.matter_read", obj=m, after={"via": how})


# --- severity (R-ACT-04, arts. 9-11; ADR 0811) -----------------------------------------------------


def earlier_decisions(
    person_id: int, act_on: dt.date, *, exclude_matter: int | None = None
) -> list[MatterPerson]:
    """The person's decided matters within the 365 days back from the new
    act's date (``act_on - 365 days <= decided_on <= act_on``)."""
    start = act_on - dt.timedelta(days=TWICE_WINDOW_DAYS)
    qs = MatterPerson.objects.filter(
        person_id=person_id,
        state=PersonState.DECIDED,
        decided_on__gte=start,
        decided_on__lte=act_on,
    ).select_related("matter")
    if exclude_matter is not None:
        qs = qs.exclude(matter_id=exclude_matter)
    return list(qs.order_by("decided_on", "pk"))


def retaliations(mp: MatterPerson) -> list[str]:
    """Complaints reporting retaliation (R-CMP-04) that name the person,
    against the matter's unit or on its project: their receipt numbers."""
    from django.db.models import Q

    from postaward.complaints.models import Complaint

    m = mp.matter
    where = Q(subject_org_id=m.unit_id)
    if m.project_id:
        where |= Q(project_id=m.project_id)
    out = []
    for c in Complaint.objects.filter(where, retaliation=True).only(
        "receipt_number", "subject_text", "retaliation_note"
    ):
        if mp.name and (mp.name in c.subject_text or mp.name in c.retaliation_note):
            out.append(c.receipt_number)
    return out


def derived_circumstances(mp: MatterPerson) -> tuple[list[str], dict[str, str], list[MatterPerson]]:
    """What the platform pre-ticks: twice within a year (10(二)) from the
    earlier decisions; retaliation (11(七)) and obstruction (11(六)) when
    recorded. Returns (codes, evidence notes, the earlier decisions)."""
    codes: list[str] = []
    notes: dict[str, str] = {}
    earlier = earlier_decisions(mp.person_id, mp.matter.act_on, exclude_matter=mp.matter_id)
    if earlier:
        codes.append(TWICE_IN_A_YEAR)
        notes[TWICE_IN_A_YEAR] = "；".join(
            f"{e.matter.number}（{e.decided_on:%Y-%m-%d}决定：{measures_text(e.measures)}）"
            for e in earlier
        )
    if mp.obstruction_note:
        codes.append(OBSTRUCTION)
        notes[OBSTRUCTION] = mp.obstruction_note[:300]
    found = retaliations(mp)
    if found:
        codes.append(RETALIATION)
        notes[RETALIATION] = "投诉人反映遭受打击报复（收件编号：" + "、".join(found) + "）"
    return codes, notes, earlier


def measures_text(codes: Iterable[str]) -> str:
    labels = dict(Measure.choices)
    return "、".join(str(labels.get(c, c)) for c in codes)


# --- the decision (R-ACT-03, R-ACT-05) -------------------------------------------------------------


def _date(value: Any) -> dt.date:
    if value in (None, ""):
        raise ValidationFailed("请填写决定日期", field="decided_on")
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(
            "决定日期格式不正确（应为 YYYY-MM-DD）", field="decided_on"
        ) from None


def clean_decision(
    mp: MatterPerson,
    measures: Iterable[str],
    circumstances: Iterable[str],
    notes: dict[str, str] | None,
    decided_on: Any,
) -> tuple[list[str], list[str], dict[str, str], dt.date]:
    chosen = list(dict.fromkeys(measures or ()))
    if not chosen:
        raise ValidationFailed("请至少选择一种问责方式", field="measures")
    if any(c not in Measure.values for c in chosen):
        raise ValidationFailed("问责方式不正确", field="measures")
    marks = list(dict.fromkeys(circumstances or ()))
    if any(c not in Circumstance.values for c in marks):
        raise ValidationFailed("情节不正确", field="circumstances")
    clean_notes: dict[str, str] = {}
    for code, text in (notes or {}).items():
        if code not in marks:
            continue
        if len(str(text)) > 500:
            raise ValidationFailed("证据说明过长（最多 500 个字）", field="circumstance_notes")
        if str(text).strip():
            clean_notes[code] = str(text).strip()
    day = _date(decided_on)
    if day > clock.today():
        raise ValidationFailed("决定日期不能晚于今天", field="decided_on")
    if day < mp.matter.transferred_at.date():
        raise ValidationFailed("决定日期不能早于移送日期", field="decided_on")
    return [str(c) for c in Measure.values if c in chosen], marks, clean_notes, day


def decide(
    *,
    actor: Actor,
    obj: MatterPerson,
    measures: list[str],
    decided_on: Any,
    decision_document: str,
    circumstances: list[str] | None = None,
    circumstance_notes: dict[str, str] | None = None,
    decision_note: str = "",
) -> MatterPerson:
    """The competent body's decision on one person (the ``decide`` step)."""
    from postaward.core import steps

    from .steps_matters import DECIDE

    chosen, marks, notes, day = clean_decision(
        obj, measures, circumstances or (), circumstance_notes, decided_on
    )
    doc = writes.text(decision_document, field="decision_document", label="决定文号", max_len=100)
    note = (decision_note or "").strip()
    if len(note) > 2000:
        raise ValidationFailed("决定说明过长（最多 2000 个字）", field="decision_note")
    with steps.write(DECIDE, obj, actor, project_id=obj.matter.project_id) as w:
        mp = w.obj
        _, _, earlier = derived_circumstances(mp)
        mp.state = PersonState.DECIDED
        mp.measures = chosen
        mp.circumstances = marks
        mp.circumstance_notes = notes
        mp.severity = severity_of(marks)
        mp.earlier = [e.matter.number for e in earlier]
        mp.decided_on = day
        mp.decision_document = doc
        mp.decision_note = note
        mp.decided_by_name = actor.display_name or actor.username
        mp.decided_at = clock.now()
        mp.award_year = day.year if set(chosen) else None
        m = mp.matter
        w.publish(
            AccountabilityDecided(
                matter_id=m.pk,
                matter_number=m.number,
                decision_id=mp.pk,
                office_id=m.office_id,
                unit_id=m.unit_id,
                project_id=m.project_id,
                persons=[{"person_id": mp.person_id, "name": mp.name, "measures": chosen}],
                measures=chosen,
                measures_text=measures_text(chosen),
                severity=mp.severity,
                decided_on=day.isoformat(),
                year=day.year,
            )
        )
        _close_matter(actor, m.pk, mp.pk, day)
    _tell_person(mp, actor)
    return mp  # type: ignore[no-any-return]


def _close_matter(actor: Actor, matter_id: int, decided_pk: int, day: dt.date) -> None:
    """The matter is decided once every person is."""
    pending = (
        MatterPerson.objects.filter(matter_id=matter_id, state=PersonState.PENDING)
        .exclude(pk=decided_pk)
        .exists()
    )
    if pending:
        return
    with writes.audited(
        Matter.objects.all(),
        pk=matter_id,
        actor=actor,
        action="accountability.matter_decided",
        snapshot=snapshot_matter,
    ) as w:
        w.obj.state = MatterState.DECIDED
        w.obj.decided_on = day


def _tell_person(mp: MatterPerson, actor: Actor) -> None:
    """The person concerned is told of the decision (a notice to their
    account, if they have one)."""
    ids = User.objects.filter(is_active=True, person_id=mp.person_id).values_list("pk", flat=True)
    notices.tell(
        list(ids),
        key=f"accountability:decision:{mp.pk}",
        kind="accountability.decision",
        title=f"问责决定：{measures_text(mp.measures)}",
        body=(
            f"{mp.decided_on:%Y年%m月%d日}，有权机关对您作出问责决定（{mp.decision_document}）："
            f"{measures_text(mp.measures)}。依规取消{mp.award_year}年度各类评优评先资格。"
        ),
        url=reverse("accountability_my_decisions"),
        actor=actor,
    )


def record_obstruction(*, actor: Actor, obj: MatterPerson, note: str) -> MatterPerson:
    """记录干扰、阻碍调查 (art. 11(六)): pre-ticks "serious" in the decision."""
    from postaward.core import steps

    from .steps_matters import OBSTRUCT

    text = writes.text(note, field="note", label="干扰、阻碍调查情况", min_len=4, max_len=1000)
    with steps.write(OBSTRUCT, obj, actor, project_id=obj.matter.project_id) as w:
        day = clock.today()
        w.obj.obstruction_note = f"{w.obj.obstruction_note}\n{day:%Y-%m-%d}：{text}".strip()
    return w.obj  # type: ignore[no-any-return]


# --- referral to discipline inspection (art. 8) ----------------------------------------------------


def refer(*, actor: Actor, obj: Matter, reason: str, document_number: str = "") -> Matter:
    """移送纪检监察机关 (QZ 附件2 art. 8, R-ALR-06): a violation of discipline
    or law; alerts takes ``accountability.referred`` up as a clue transfer."""
    from postaward.core import steps

    from .steps_matters import REFER

    text = writes.text(reason, field="reason", label="移送理由", min_len=4)
    doc = (document_number or "").strip()
    if len(doc) > 100:
        raise ValidationFailed("移送文号过长", field="document_number")
    target = discipline_of(obj.office)
    if target is None:
        raise ValidationFailed("本区未设置纪检监察机关", field="reason")
    with steps.write(REFER, obj, actor, project_id=obj.project_id) as w:
        m = w.obj
        m.referred_at = clock.now()
        m.referral_reason = text
        m.referral_document = doc
        w.publish(
            AccountabilityReferred(
                source="matter",
                source_id=m.pk,
                source_ref=m.number,
                recipient_org_id=target.pk,
                document_number=doc,
                reason=text,
                facts=m.facts,
                project_id=m.project_id,
                office_id=m.office_id,
                referred_by_name=actor.display_name or actor.username,
                url=reverse("accountability_matter_detail", args=[m.pk]),
            )
        )
    return m  # type: ignore[no-any-return]


# --- award eligibility (art. 12, R-ACT-05) ---------------------------------------------------------


def ineligible(person_id: int, year: int) -> list[MatterPerson]:
    """The decisions cancelling the person's award eligibility of ``year``."""
    return list(
        MatterPerson.objects.filter(
            person_id=person_id, state=PersonState.DECIDED, award_year=year
        ).select_related("matter", "matter__body")
    )


def may_check_eligibility(actor: Actor) -> bool:
    """Who asks whether a person may be given an award (art. 12): the office,
    discipline inspection, integrators (the award systems), and the leaders
    and administrators of government bodies (they propose awards)."""
    from postaward.orgs.choices import ENTERPRISE_KINDS, Role

    if actor.user_id is None:
        return False
    if is_office(actor) or is_discipline(actor) or Role.INTEGRATOR in actor.roles:
        return True
    return actor.org_kind not in ENTERPRISE_KINDS and bool(actor.roles & BODY_ROLES)


def eligibility(person: Person, year: int) -> dict[str, Any]:
    found = ineligible(person.pk, year)
    return {
        "person_id": person.pk,
        "name": person.name,
        "year": year,
        "eligible": not found,
        "basis": "《衢州市政府投资工程建设项目标后监管问责办法》第十二条",
        "matters": [
            {
                "number": p.matter.number,
                "measures": measures_text(p.measures),
                "decided_on": p.decided_on,
                "decision_document": p.decision_document,
                "body": p.matter.body.name,
            }
            for p in found
        ],
    }
