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
}


def register() -> None:
    events.subscribe(ScoreChanged)(on_score_changed)
