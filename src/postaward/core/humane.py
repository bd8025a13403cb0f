"""Values as people read them: no Python reprs, no UTC or ISO timestamps.

``text(value)`` renders a stored fact (a dict of a signal, a list, an ISO
timestamp) as a Chinese phrase in local time (Asia/Shanghai);
``clean(string)`` repairs a sentence that already embeds such values (rows
written before the evaluators rendered their facts). Template filter
``humane`` in ``pa``.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from typing import Any

from . import clock

# keys whose value is the readable sentence of a structured fact
_TEXT_KEYS = ("explanation", "text", "label", "reason", "message", "note", "name")
ISO_RE = re.compile(
    r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?(?![\d:])"
)
_STRICT_ISO_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
_DICT_RE = re.compile(r"\{'[^{}]*\}")


def local_time(value: dt.datetime | str) -> str:
    """A datetime (or its ISO text) as local 'YYYY-MM-DD HH:MM'."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return str(value)
    assert isinstance(value, dt.datetime)
    if value.tzinfo is None:
        return f"{value:%Y-%m-%d %H:%M}"
    return f"{clock.localtime(value):%Y-%m-%d %H:%M}"


def text(value: Any) -> str:
    """One readable phrase for a stored value."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.datetime):
        return local_time(value)
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, dict):
        for key in _TEXT_KEYS:
            if value.get(key):
                return clean(str(value[key]))
        return "；".join(text(v) for v in value.values() if v not in (None, ""))
    if isinstance(value, list | tuple | set):
        return "、".join(text(v) for v in value) or "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    return clean(str(value))


def _dict_text(m: re.Match[str]) -> str:
    try:
        return text(ast.literal_eval(m.group(0)))
    except (ValueError, SyntaxError):
        return m.group(0)


def clean(s: str) -> str:
    """Repair a sentence: embedded dict reprs become their sentence, ISO
    timestamps become local times."""
    if "{'" in s:
        s = _DICT_RE.sub(_dict_text, s)
    if _STRICT_ISO_RE.search(s):
        s = ISO_RE.sub(lambda m: local_time(m.group(0)), s)
    return s
