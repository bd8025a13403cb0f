"""Registering accountability clues (R-ACT-02): by people (the six sources of
QZ 附件2 art. 7) and by the platform itself. The clues part owns this module;
the other parts call :func:`register` (an interference record that needs
accountability, ``source=interference``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from postaward.core import clock, documents, writes
from postaward.core.actor import Actor

from .choices import ClueSource, Party
from .models import AccountableAct, Clue, snapshot_clue


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
