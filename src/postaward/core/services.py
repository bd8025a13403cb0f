"""Writes of the core: calendar maintenance, to-dos, the simulator clock."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from . import audit, business_calendar, clock
from .actor import Actor
from .errors import Forbidden, ValidationFailed
from .models import CalendarDay, CalendarYear, ClockState

CALENDAR_KINDS = ("supervision_office",)


def may_edit_calendar(actor: Actor) -> bool:
    """The calendar administrators: the supervision office's administrator."""
    return actor.is_system or (actor.org_kind in CALENDAR_KINDS and "admin" in actor.roles)


def _require_calendar_admin(actor: Actor) -> None:
    if not may_edit_calendar(actor):
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


CALENDAR_RANGE_MAX_DAYS = 31
_KIND_WORDS = {
    "放假": CalendarDay.Kind.HOLIDAY,
    "休": CalendarDay.Kind.HOLIDAY,
    "holiday": CalendarDay.Kind.HOLIDAY,
    "上班": CalendarDay.Kind.MAKEUP_WORKDAY,
    "班": CalendarDay.Kind.MAKEUP_WORKDAY,
    "makeup_workday": CalendarDay.Kind.MAKEUP_WORKDAY,
}


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def set_calendar_days(
    *, actor: Actor, start: dt.date, end: dt.date | None, kind: str | None, name: str = ""
) -> int:
    """``set_calendar_day`` for every date of ``start``..``end`` (a holiday of
    several days in one submit), all or nothing. A make-up working day range
    may only hold Saturdays and Sundays. Returns the number of dates set."""
    _require_calendar_admin(actor)
    end = end or start
    if end < start:
        raise ValidationFailed("结束日期不能早于开始日期", field="date_to")
    if (end - start).days + 1 > CALENDAR_RANGE_MAX_DAYS:
        raise ValidationFailed(
            f"一次最多设置 {CALENDAR_RANGE_MAX_DAYS} 天，请分段录入", field="date_to"
        )
    days = _days(start, end)
    if kind == CalendarDay.Kind.MAKEUP_WORKDAY and any(d.weekday() < 5 for d in days):
        raise ValidationFailed("调休上班日应为周六或周日", field="date")
    with transaction.atomic():
        for d in days:
            set_calendar_day(actor=actor, date=d, kind=kind, name=name)
    return len(days)


def parse_calendar_notice(text: str) -> list[tuple[dt.date, str, str]]:
    """The State Council notice as a list of dates, one entry per line:

        2027-01-01 放假 元旦
        2027-02-06~2027-02-12 放假 春节      (also 至 or a second date)
        2027-02-14 上班 春节

    The kind is 放假/休 (statutory holiday) or 上班/班 (make-up working day);
    the name is optional. Blank lines and lines starting with # are skipped.
    Every line is checked before anything is written: the first bad line is
    reported with its number."""
    out: list[tuple[dt.date, str, str]] = []
    lines = (text or "").splitlines()
    if len(lines) > 400:
        raise ValidationFailed("一次最多导入 400 行", field="lines")
    for no, raw in enumerate(lines, start=1):
        line = raw.strip().replace("～", "~").replace("至", "~").replace("—", "~")
        if not line or line.startswith("#"):
            continue
        parts = line.replace("\t", " ").replace("，", " ").replace(",", " ").split()
        where = f"第 {no} 行（{raw.strip()[:40]}）"
        if len(parts) < 2:
            raise ValidationFailed(f"{where}：应为“日期 放假/上班 名称”", field="lines")
        span = parts[0].split("~")
        if len(span) == 1 and len(parts) >= 3 and parts[1] == "~":
            span, parts = [parts[0], parts[2]], [parts[0], *parts[3:]]
        try:
            first = dt.date.fromisoformat(span[0])
            last = dt.date.fromisoformat(span[1]) if len(span) > 1 and span[1] else first
        except ValueError:
            raise ValidationFailed(
                f"{where}：日期应写作 2027-01-01 或 2027-02-06~2027-02-12", field="lines"
            ) from None
        kind = _KIND_WORDS.get(parts[1])
        if kind is None:
            raise ValidationFailed(f"{where}：类型应为“放假”或“上班”", field="lines")
        if last < first or (last - first).days >= CALENDAR_RANGE_MAX_DAYS:
            raise ValidationFailed(f"{where}：日期范围不正确", field="lines")
        name = " ".join(parts[2:])[:50]
        for d in _days(first, last):
            if kind == CalendarDay.Kind.MAKEUP_WORKDAY and d.weekday() < 5:
                raise ValidationFailed(
                    f"{where}：{d:%m-%d} 不是周末，不能设为调休上班", field="lines"
                )
            out.append((d, str(kind), name))
    if not out:
        raise ValidationFailed("没有可导入的日期", field="lines")
    return out


def import_calendar_notice(
    *, actor: Actor, year: int, text: str, notice: str, confirm: bool = True
) -> int:
    """Enter a year's holidays and make-up working days from the notice as a
    list of dates (``parse_calendar_notice``), all or nothing, and (``confirm``)
    confirm the year with the notice's number or title. Dates outside ``year``
    are refused (each year's notice covers that year only)."""
    _require_calendar_admin(actor)
    entries = parse_calendar_notice(text)
    outside = [d for d, _, _ in entries if d.year != year]
    if outside:
        raise ValidationFailed(f"{outside[0]:%Y-%m-%d} 不在 {year} 年的通知范围内", field="lines")
    with transaction.atomic():
        for d, kind, name in entries:
            set_calendar_day(actor=actor, date=d, kind=kind, name=name)
        if confirm:
            confirm_calendar_year(actor=actor, year=year, notice=notice)
    return len(entries)


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
