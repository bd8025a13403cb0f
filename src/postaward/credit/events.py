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
    ``recorded``, ``final``, ``withdrawn``, ``objecting``, ``points_changed``."""

    score_event_id: int
    subject_key: str
    year: int
    change: str
    points: str
