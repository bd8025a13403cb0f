"""The annual score follows its score events (ADR 0650): on
``credit.score_changed`` the subject's annual score of that year is
recomputed (a new version only when something changed)."""

from __future__ import annotations

from typing import Any

from postaward.core import events

from .events import ScoreChanged


def on_score_changed(evt: Any) -> None:
    from . import annual

    annual.compute_annual(
        evt.subject_key,
        int(evt.year),
        reason=f"记分事件变化（{_CHANGES.get(evt.change, evt.change)}）",
    )


_CHANGES = {
    "recorded": "新增记分",
    "final": "记分生效",
    "withdrawn": "记分撤销",
    "objecting": "提出异议",
    "points_changed": "分值变更",
    "provisional": "异议未予采纳，回到公示期",
    "repaired": "信用修复",
}


def on_blacklist_changed(evt: Any) -> None:
    """A blacklist entry or an order to stop business recorded or revoked
    changes the unit's colour (``services_sanctions.colour_override``) even
    where no rule scores it."""
    from postaward.core import clock

    from . import annual
    from .models import Sanction

    s = Sanction.objects.filter(pk=evt.sanction_id).first()
    if s is None or not s.bans_bidding or s.subject_org_id is None:
        return
    annual.compute_annual(
        f"org:{s.subject_org_id}", clock.today().year, reason="黑名单或停业整顿变化（列入或撤销）"
    )


def register() -> None:
    from .events import SanctionRecorded, SanctionRevoked

    events.subscribe(ScoreChanged)(on_score_changed)
    events.subscribe(SanctionRecorded, SanctionRevoked)(on_blacklist_changed)
