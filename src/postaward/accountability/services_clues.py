"""Registering accountability clues (R-ACT-02): by people (the six sources of
QZ 附件2 art. 7) and by the platform itself. The clues part owns this module;
the other parts call :func:`register` (an interference record that needs
accountability, ``source=interference``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from postaward.core import clock, documents, files, idempotency, writes
from postaward.core.actor import Actor
from postaward.core.errors import Forbidden, ValidationFailed
from postaward.orgs.models import Organisation, Person

from .choices import ClueSource, ClueState, Party
from .models import AccountableAct, Clue, accountability_scope, snapshot_clue

# What people register from (art. 7 (一)-(六)); the platform and the
# interference register have their own paths.
PEOPLE_SOURCES = (
    ClueSource.COMPLAINT,
    ClueSource.GOVERNMENT_INSPECTION,
    ClueSource.INSTRUCTION,
    ClueSource.DEPARTMENTAL_CHECK,
    ClueSource.MEDIA,
    ClueSource.OTHER,
)


def register(
    actor: Actor,
    *,
    office: Any,
    source: str,
    party: str,
    unit: Any,
    facts: str,
    act: AccountableAct | None = None,
    project: Any = None,
    persons: Iterable[Any] = (),
    persons_text: str = "",
    occurred_on: dt.date | None = None,
    evidence_note: str = "",
    evidence_links: Iterable[dict[str, str]] = (),
    auto_key: str = "",
    source_detail: str = "",
) -> Clue:
    """Create a clue (numbered XS + year + sequence, audited). A platform
    finding (``auto_key``) is raised once per office: a second call with the
    same key returns the first clue."""
    if source not in ClueSource.values or party not in Party.values:
        raise ValueError("unknown clue source or party")
    if auto_key:
        found = Clue.objects.filter(office=office, auto_key=auto_key).first()
        if found is not None:
            return found
    today = clock.today()
    try:
        with transaction.atomic():
            seq = documents.next_number("accountability.clue", today.year)
            clue = Clue.objects.create(
                number=f"XS{today.year}{seq:04d}",
                office=office,
                source=source,
                source_detail=source_detail,
                party=party,
                unit=unit,
                act=act,
                project=project,
                facts=facts,
                persons_text=persons_text,
                occurred_on=occurred_on,
                evidence_note=evidence_note,
                evidence_links=list(evidence_links),
                auto_key=auto_key,
                received_on=today,
                created_by_id=actor.user_id,
                created_by_name=actor.display_name,
                created_at=clock.now(),
            )
            if persons:
                clue.persons.set(list(persons))
            writes.created(
                clue, actor=actor, action="accountability.clue_registered", snapshot=snapshot_clue
            )
    except IntegrityError:
        if not auto_key:
            raise
        return Clue.objects.get(office=office, auto_key=auto_key)
    return clue


# --- registration by the office (R-ACT-02) ---------------------------------------------------


def clues_of(actor: Actor) -> Any:
    """The clues the actor reads: the district's office and discipline inspection."""
    return Clue.objects.filter(accountability_scope(actor)).select_related(
        "unit", "act", "project", "office"
    )


def may_read(actor: Actor) -> bool:
    from postaward.core.scoping import NOTHING

    return accountability_scope(actor) is not NOTHING


def _int(value: Any, *, field: str, label: str, required: bool = True) -> int | None:
    if value in (None, ""):
        if required:
            raise ValidationFailed(f"请选择{label}", field=field)
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(f"{label}不正确", field=field) from None


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValidationFailed(
                "行为发生日期格式不正确（应为 YYYY-MM-DD）", field="occurred_on"
            ) from None
    if day > clock.today():
        raise ValidationFailed("行为发生日期不能晚于今天", field="occurred_on")
    return day


def _unit(actor: Actor, unit_id: Any) -> tuple[Organisation, str]:
    from .services_catalogue import party_of_kind

    pk = _int(unit_id, field="unit_id", label="涉及单位")
    unit = Organisation.objects.filter(pk=pk, path__startswith=actor.district_path).first()
    if unit is None:
        from postaward.core.errors import NotFound

        raise NotFound()
    party = party_of_kind(unit.kind)
    if not party:
        raise ValidationFailed(
            "问责对象为建设单位或监管部门的工作人员（企业的问题请登记处理措施）", field="unit_id"
        )
    return unit, party


def _act(office: Any, party: str, act_id: Any) -> AccountableAct:
    pk = _int(act_id, field="act_id", label="问责情形")
    act = AccountableAct.objects.filter(pk=pk or 0, office=office).first()
    if act is None or not act.is_current or not act.active:
        raise ValidationFailed("请选择问责情形清单中的现行问责情形", field="act_id")
    if act.party != party:
        raise ValidationFailed(
            f"该单位属于{Party(party).label}，请选择{Party(party).label}的问责情形",
            field="act_id",
        )
    return act


def _persons(unit: Organisation, ids: Iterable[Any]) -> list[Person]:
    wanted = {_int(i, field="person_ids", label="涉及人员") for i in ids or ()}
    found = list(Person.objects.filter(pk__in=wanted, organisation=unit))
    if len(found) != len(wanted):
        raise ValidationFailed("涉及人员须为该单位的人员", field="person_ids")
    return found


def file_clue(
    actor: Actor,
    *,
    source: Any,
    unit_id: Any,
    act_id: Any,
    facts: Any,
    occurred_on: Any = None,
    person_ids: Iterable[Any] = (),
    persons_text: Any = "",
    project_id: Any = None,
    evidence_note: Any = "",
    source_detail: Any = "",
    evidence: Any = None,
    idempotency_key: str | None = None,
) -> Clue:
    """The office registers a clue from one of the six sources of QZ 附件2
    art. 7 (R-ACT-02). Refused with a Chinese reason on its field before
    anything is stored; one clue per idempotency key."""
    from postaward.projects.models import Project

    from .services_catalogue import ensure_catalogue, is_office_staff

    if not is_office_staff(actor):
        raise Forbidden("仅监管办可以登记问责线索")
    if source not in PEOPLE_SOURCES:
        raise ValidationFailed("请选择线索来源（问责办法第七条所列六类）", field="source")
    office = Organisation.objects.get(pk=actor.organisation_id)
    unit, party = _unit(actor, unit_id)
    ensure_catalogue(office)
    act = _act(office, party, act_id)
    persons = _persons(unit, person_ids)
    clean: dict[str, str] = {
        "facts": writes.text(facts, field="facts", label="问题事实", min_len=10, max_len=4000),
        "persons_text": (persons_text or "").strip()[:300],
        "evidence_note": (evidence_note or "").strip()[:2000],
        "source_detail": (source_detail or "").strip()[:300],
    }
    day = _date(occurred_on)
    project = None
    pid = _int(project_id, field="project_id", label="项目", required=False)
    if pid is not None:
        project = Project.objects.visible_to(actor).filter(pk=pid).first()
        if project is None:
            raise ValidationFailed("项目不存在或不在本区", field="project_id")
    checked = files.check_upload(evidence, field="evidence") if evidence else None
    payload = {
        "source": source,
        "unit": unit.pk,
        "act": act.pk,
        "persons": sorted(p.pk for p in persons),
        "project": pid,
        "occurred_on": day,
        "file": checked.sha256 if checked is not None else "",
        **clean,
    }

    def run() -> tuple[int, Any]:
        clue = register(
            actor,
            office=office,
            source=source,
            party=party,
            unit=unit,
            act=act,
            project=project,
            persons=persons,
            occurred_on=day,
            facts=clean["facts"],
            persons_text=clean["persons_text"],
            evidence_note=clean["evidence_note"],
            source_detail=clean["source_detail"],
        )
        if checked is not None:
            files.save(clue.evidence_file, checked)
            clue.evidence_file_name = checked.name[:200]
            clue.save(update_fields=["evidence_file", "evidence_file_name"])
        return 201, clue.pk

    with transaction.atomic():
        _, pk, _ = idempotency.run(
            user_id=actor.user_id,
            scope="accountability.clue",
            key=idempotency_key,
            payload=payload,
            fn=run,
        )
    return Clue.objects.get(pk=pk)


# --- the office's verification (steps_clues) ---------------------------------------------------


def confirm(*, actor: Actor, obj: Clue, opinion: str = "") -> Clue:
    from postaward.core import steps

    from . import steps_clues

    text = (opinion or "").strip()[:2000]
    with steps.write(steps_clues.CONFIRM, obj, actor) as w:
        c = w.obj
        c.state = ClueState.CONFIRMED
        c.decision_reason = text
        c.decided_at = clock.now()
        c.decided_by_name = actor.display_name
    return c  # type: ignore[no-any-return]


def dismiss(*, actor: Actor, obj: Clue, reason: str) -> Clue:
    from postaward.core import steps

    from . import steps_clues

    text = writes.text(reason, field="reason", label="不予问责的理由", min_len=4, max_len=2000)
    with steps.write(steps_clues.DISMISS, obj, actor) as w:
        c = w.obj
        c.state = ClueState.DISMISSED
        c.decision_reason = text
        c.decided_at = clock.now()
        c.decided_by_name = actor.display_name
    return c  # type: ignore[no-any-return]


def read_clue(actor: Actor, pk: int) -> Clue:
    """:func:`load_clue` for a read that shows the clue (its page, the API's
    detail, its evidence file): the read is audited (confidential)."""
    from .services_catalogue import audit_read

    c = load_clue(actor, pk)
    audit_read(actor, "accountability.clue_read", c)
    return c


def load_clue(actor: Actor, pk: int) -> Clue:
    """One clue through the confidential scope (404 out of it, 403 for a
    role that reads no clues). A step loads it this way: a refused step
    changes nothing, not even the audit chain."""
    from postaward.core.errors import NotFound

    if actor.user_id is not None and not may_read(actor):
        raise Forbidden("仅监管办和纪检监察机关可以查看问责线索")
    c = clues_of(actor).filter(pk=pk).first()
    if c is None:
        raise NotFound()
    return c  # type: ignore[no-any-return]
