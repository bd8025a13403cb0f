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


def stats_for(actor: Actor) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for _, fn in sorted(_widgets, key=lambda x: x[0]):
        out.extend(fn(actor))
    return out
