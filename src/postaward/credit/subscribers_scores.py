"""The scoring engine's subscriptions (R-SCO-01, R-ATT-09; ADR 0640).

Every event a fact of ``facts.FACTS`` comes from is taken by its name (the
sibling capabilities complaints, cases and inspections are never imported;
attendance and approvals lie below credit, but one way of subscribing keeps
it simple): the payload becomes facts (``scoring.extract``), each fact is
scored (``scoring.score_fact``). ``attendance.consequence_withdrawn``
withdraws the absence streak's score events.
"""

from __future__ import annotations

from typing import Any

from postaward.core import events

from .facts import FACTS
from .subscribers import _ByName

WITHDRAWN = "attendance.consequence_withdrawn"
SANCTION_REVOKED = "credit.sanction_revoked"


def on_fact_event(evt: Any) -> None:
    from . import scoring

    scoring.score_event(evt.name, evt)


def on_consequence_withdrawn(evt: Any) -> None:
    from . import scoring

    if getattr(evt, "kind", "") != "absence_streak":
        return
    scoring.withdraw_fact(
        "attendance.absence_streak",
        scoring.absence_streak_key(evt.assignment_id, evt.first_day),
        f"考勤后果撤销：{evt.reason}",
    )


def on_sanction_revoked(evt: Any) -> None:
    from . import scoring

    scoring.withdraw_fact(
        "credit.sanction", scoring.sanction_key(evt.sanction_id), f"处理措施已撤销：{evt.reason}"
    )


def event_names() -> list[str]:
    return sorted({k.event for k in FACTS.values()})


def register() -> None:
    for name in event_names():
        events.subscribe(_ByName(name))(on_fact_event)  # type: ignore[arg-type]
    events.subscribe(_ByName(WITHDRAWN))(on_consequence_withdrawn)  # type: ignore[arg-type]
    events.subscribe(_ByName(SANCTION_REVOKED))(on_sanction_revoked)  # type: ignore[arg-type]
