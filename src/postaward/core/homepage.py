"""Home page widgets: each app contributes counts for the actor's home page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .actor import Actor

Widget = Callable[[Actor], list[dict[str, Any]]]
_widgets: list[tuple[int, Widget]] = []


def register(order: int) -> Callable[[Widget], Widget]:
    def wrap(fn: Widget) -> Widget:
        if all(w is not fn for _, w in _widgets):
            _widgets.append((order, fn))
        return fn

    return wrap


Landing = Callable[[Actor], str | None]
_landings: list[Landing] = []


def landing(fn: Landing) -> Landing:
    """An app names the page an actor lands on instead of the back-office home
    (a member of the public: their own filings); the first answer wins."""
    if fn not in _landings:
        _landings.append(fn)
    return fn


def landing_for(actor: Actor) -> str | None:
    for fn in _landings:
        url = fn(actor)
        if url:
            return url
    return None


def stats_for(actor: Actor) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for _, fn in sorted(_widgets, key=lambda x: x[0]):
        out.extend(fn(actor))
    return out
