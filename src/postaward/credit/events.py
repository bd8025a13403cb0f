"""Facts the credit capability publishes (through the outbox, core.events)."""

from __future__ import annotations

from dataclasses import dataclass

from postaward.core import events


@events.event("credit.score_changed")
@dataclass(frozen=True)
class ScoreChanged(events.DomainEvent):
    """A score event of a subject was recorded, changed, made final or
    withdrawn: the subject's annual score of that year is recomputed
    (``annual``), and accountability may read it. ``change`` is one of
    ``recorded``, ``final``, ``withdrawn``, ``objecting``, ``provisional`` (an
    objection rejected within the period), ``points_changed``, ``repaired``
    (a credit repair upheld: the points left after the restoration)."""

    score_event_id: int
    subject_key: str
    year: int
    change: str
    points: str


@events.event("credit.sanction_recorded")
@dataclass(frozen=True)
class SanctionRecorded(events.DomainEvent):
    """A measure of SY 40-48 was recorded in the sanctions register (R-SCO-08):
    the scoring rules may score it (fact ``credit.sanction``); accountability
    may read it."""

    sanction_id: int
    number: str
    kind: str
    issuer_id: int
    issuer_kind: str
    subject_org_id: int | None
    subject_person_id: int | None
    project_id: int | None
    decided_on: str
    period_from: str | None
    period_to: str | None


@events.event("credit.sanction_revoked")
@dataclass(frozen=True)
class SanctionRevoked(events.DomainEvent):
    """A recorded measure was revoked (set aside on review, entered by
    mistake): its score is withdrawn with it."""

    sanction_id: int
    number: str
    reason: str
