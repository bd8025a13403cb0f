"""Template filters: money in yuan / 万元, masking, rates with their rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import template

from postaward.core.clock import LOCAL_TZ
from postaward.core.deadlines import calendar_gap as deadline_calendar_gap
from postaward.core.idcheck import mask_mobile as _mask_mobile
from postaward.core.idcheck import mask_resident_id

register = template.Library()


@register.filter
def yuan(value) -> str:  # type: ignore[no-untyped-def]
    """12345.6 -> '12,345.60 元'; from 1,000,000 yuan on -> '2,350.00 万元'."""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return "—"
    if abs(amount) >= Decimal("1000000"):
        return f"{amount / Decimal(10000):,.2f} 万元"
    return f"{amount:,.2f} 元"


@register.filter
def wan(value) -> str:  # type: ignore[no-untyped-def]
    try:
        return f"{Decimal(value) / Decimal(10000):,.2f} 万元"
    except (InvalidOperation, TypeError, ValueError):
        return "—"


@register.filter
def mask_id(value) -> str:  # type: ignore[no-untyped-def]
    return mask_resident_id(value) if value else "—"


@register.filter
def mask_mobile(value) -> str:  # type: ignore[no-untyped-def]
    return _mask_mobile(value) if value else "—"


@register.filter
def percent(value, digits: int = 1) -> str:  # type: ignore[no-untyped-def]
    try:
        return f"{float(value) * 100:.{int(digits)}f}%"
    except (TypeError, ValueError):
        return "—"


@register.filter
def get_item(mapping, key):  # type: ignore[no-untyped-def]
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def calendar_gap(shown) -> str:  # type: ignore[no-untyped-def]
    """On a deadline (core.deadlines.Shown): a note when a year its period spans
    has no holiday schedule entered yet, so its end may move once it is."""
    return deadline_calendar_gap(shown)


@register.filter
def legal_basis(value):  # type: ignore[no-untyped-def]
    """A stored basis ("R-ATT-07（SY 第42条）") as the document and article users
    read, with the article's text on hover (``core.legal_basis``)."""
    from postaward.core import legal_basis as registry

    return registry.html(value)


@register.filter
def legal_basis_text(value) -> str:  # type: ignore[no-untyped-def]
    from postaward.core import legal_basis as registry

    return registry.cite(value)


@register.filter
def humane(value) -> str:  # type: ignore[no-untyped-def]
    """A stored fact as people read it: no dicts, no ISO/UTC times (``core.humane``)."""
    from postaward.core import humane as _humane

    return _humane.text(value)


@register.filter
def due(value) -> str:  # type: ignore[no-untyped-def]
    """A due time as the law states it: a period that ends at 00:00 local time ends
    "at 24:00" of the day before (2026-12-18 24:00, not 2026-12-19 00:00), the same
    words as the period's description; other times as ``Y-m-d H:i`` in local time."""
    if not value:
        return "—"
    local = value.astimezone(LOCAL_TZ) if getattr(value, "tzinfo", None) else value
    if local.hour == 0 and local.minute == 0 and local.second == 0:
        return f"{(local - dt.timedelta(days=1)):%Y-%m-%d} 24:00"
    return f"{local:%Y-%m-%d %H:%M}"


@register.inclusion_tag("core/_record_actions.html", takes_context=True)
def record_actions(context, kind: str, obj) -> dict:  # type: ignore[no-untyped-def]
    """The buttons apps above offer on this record (``core/record_actions.py``)."""
    from postaward.core import record_actions as ra
    from postaward.core.web import actor_of

    request = context.get("request")
    if request is None:
        return {"actions": []}
    return {"actions": ra.actions_for(kind, obj, actor_of(request))}
