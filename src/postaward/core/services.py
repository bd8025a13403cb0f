"""Writes of the core: calendar maintenance, to-dos, the simulator clock."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from . import audit, business_calendar, clock
from .actor import Actor
from .errors import Forbidden, ValidationFailed
from .models import CalendarDay, CalendarYear, ClockState

CALENDAR_KINDS = ("supervision_office",)


def _require_calendar_admin(actor: Actor) -> None:
    if actor.is_system:
        return
    if actor.org_kind not in CALENDAR_KINDS or "admin" not in actor.roles:
        raise Forbidden("仅监管办总管可以维护工作日历")


def set_calendar_day(
    *, actor: Actor, date: dt.date, kind: str | None, name: str = ""
) -> CalendarDay | None:
    """Mark ``date`` as a holiday or a make-up working day, or (kind None) back to default."""
    _require_calendar_admin(actor)
    if kind is not None and kind not in CalendarDay.Kind.values:
        raise ValidationFailed("类型不正确", field="kind")
    if kind == CalendarDay.Kind.MAKEUP_WORKDAY and date.weekday() < 5:
        raise ValidationFailed("调休上班日应为周六或周日", field="date")
    with transaction.atomic():
        existing = CalendarDay.objects.select_for_update().filter(date=date).first()
        before = audit.snapshot(existing) if existing else None
        result: CalendarDay | None
        if kind is None:
            if existing:
                existing.delete()
            result = None
        else:
            result, _ = CalendarDay.objects.update_or_create(
                date=date,
                defaults={
                    "kind": kind,
                    "name": name.strip()[:50],
                    "source": CalendarYear.Source.MANUAL,
                },
            )
        audit.record(
            actor=actor,
            action="core.set_calendar_day",
            object_type="core.calendarday",
            object_id=date.isoformat(),
            object_repr=str(date),
            before=before,
            after=audit.snapshot(result) if result else None,
        )
        business_calendar.invalidate()
        transaction.on_commit(business_calendar.invalidate)
    return result


def confirm_calendar_year(*, actor: Actor, year: int, notice: str) -> CalendarYear:
    """Record that ``year``'s holidays are entered per the State Council notice.

    Until then the year falls back to weekends-only and the shell warns."""
    _require_calendar_admin(actor)
    notice = (notice or "").strip()
    if not notice:
        raise ValidationFailed("请填写依据（国务院办公厅通知文号或标题）", field="notice")
    if not 2000 <= year <= 2100:
        raise ValidationFailed("年份不正确", field="year")
    with transaction.atomic():
        current = CalendarYear.objects.select_for_update().filter(year=year).first()
        before = audit.snapshot(current) if current else None
        row, _ = CalendarYear.objects.update_or_create(
            year=year,
            defaults={
                "source": CalendarYear.Source.MANUAL,
                "notice": notice[:200],
                "updated_at": clock.now(),
                "updated_by": actor.display_name[:100],
            },
        )
        audit.record(
            actor=actor,
            action="core.confirm_calendar_year",
            obj=row,
            before=before,
            after=audit.snapshot(row),
        )
        business_calendar.invalidate()
        transaction.on_commit(business_calendar.invalidate)
    return row


def set_clock_offset(*, actor: Actor, offset: dt.timedelta) -> None:
    """The simulator moves the platform clock (never in production)."""
    if not actor.is_system:
        raise Forbidden("仅模拟器可以调整平台时钟")
    with transaction.atomic():
        state, _ = ClockState.objects.select_for_update().get_or_create(pk=1)
        before = state.offset_seconds
        state.offset_seconds = offset.total_seconds()
        state.save()
        audit.record(
            actor=actor,
            action="core.set_clock_offset",
            obj=state,
            before={"offset_seconds": before},
            after={"offset_seconds": state.offset_seconds},
        )
    clock.set_offset(offset.total_seconds())


# --- to-dos ---------------------------------------------------------------------------------
# The to-do service lives in ``todos``; these names stay for the callers that used them.
from .todos import close_for as close_todos  # noqa: E402
from .todos import open_for as open_todo  # noqa: E402

__all__ = ["close_todos", "open_todo"]
