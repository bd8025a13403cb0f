"""JSON as the platform accepts it: bounded depth, no NUL, 64-bit integers, finite numbers.

Used by the API's edge (``ApiEdgeMiddleware``) for every JSON body, and by the
parsers that read a JSON document themselves (the OCDS import, from the API or
a file), so that a body the database or the recursion limit cannot take is
refused with a Chinese reason before anything parses it further.
"""

from __future__ import annotations

import json
import math
from typing import Any

from .types import INT64_MAX, INT64_MIN

#: How deep a JSON body may nest. The deepest real body (an OCDS release with its
#: parties' identifiers, a GeoJSON polygon with holes) is about ten levels.
MAX_JSON_DEPTH = 32

NUL_MESSAGE = "不能包含空字符（NUL）"


def _refuse_constant(name: str) -> Any:
    raise BadJson(None, "应为有限数字")


class BadJson(Exception):
    """A JSON document the platform refuses: the field (dotted path) and why."""

    def __init__(self, field: str | None, message: str) -> None:
        self.field, self.message = field, message


def check_json_value(doc: Any) -> None:
    """Walk a parsed JSON document (without recursion): raise ``BadJson`` for a
    level deeper than ``MAX_JSON_DEPTH``, a NUL in a key or a string, an integer
    beyond 64 bits or a non-finite number."""
    stack: list[tuple[Any, str, int]] = [(doc, "", 0)]
    while stack:
        value, where, depth = stack.pop()
        field = where or None
        if isinstance(value, dict | list):
            if depth >= MAX_JSON_DEPTH:
                raise BadJson(field, f"嵌套层级过深（最多 {MAX_JSON_DEPTH} 层）")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and "\x00" in key:
                    raise BadJson(field, NUL_MESSAGE)
                stack.append((item, f"{where}.{key}" if where else str(key), depth + 1))
        elif isinstance(value, str):
            if "\x00" in value:
                raise BadJson(field, NUL_MESSAGE)
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int):
            if not INT64_MIN <= value <= INT64_MAX:
                raise BadJson(field, "整数超出范围")
        elif isinstance(value, float) and not math.isfinite(value):
            raise BadJson(field, "应为有限数字")


def parse_json_body(data: bytes | str) -> Any:
    """A JSON body parsed and checked as the edge does (for the routes that read
    ``request.body`` themselves, such as the OCDS import): raises ``ValueError``
    for text that is not JSON, ``BadJson`` for what the platform refuses."""
    try:
        doc = json.loads(data, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise BadJson(None, f"嵌套层级过深（最多 {MAX_JSON_DEPTH} 层）") from exc
    check_json_value(doc)
    return doc
