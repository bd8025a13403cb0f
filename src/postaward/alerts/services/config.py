"""Indicator settings (R-ALR-01): the registered indicators, their
configured parameters and the office's edits (audited, effective for the next hit)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from postaward.core import audit, business_calendar, clock, writes
from postaward.core.actor import Actor
from postaward.core.errors import Conflict, Forbidden, ValidationFailed

from ..choices import (
    LEVEL_RANK,
)
from ..indicators import Spec, check_template, spec_for, specs
from ..models import (
    Indicator,
)
from ..workflows import (
    may_configure,
)

# --- indicators ---------------------------------------------------------------------------------


def _row_from_spec(spec: Spec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "area": spec.area,
        "source": spec.source,
        "requirement": spec.requirement,
        "severity": spec.severity,
        "level": spec.level,
        "params": spec.default_params(),
        "basis_document": spec.basis_document,
        "basis_article": spec.basis_article,
        "explanation": spec.explanation,
        "dedup_window_days": spec.dedup_window_days,
        "disposal_days": spec.disposal_days,
        "disposal_unit": spec.disposal_unit,
        "updated_by_name": "系统初始化",
    }


def indicator_for(code: str) -> Indicator:
    """The indicator row of ``code``, created from its spec's defaults the first
    time (an office's edits are never overwritten)."""
    row = Indicator.objects.filter(code=code).first()
    if row is not None:
        return row
    spec = spec_for(code)
    if spec is None:
        raise LookupError(f"unknown indicator {code}")
    try:
        with transaction.atomic():
            return Indicator.objects.create(code=code, **_row_from_spec(spec))
    except IntegrityError:
        return Indicator.objects.get(code=code)


def configured_param(code: str, param: str) -> Any:
    """The office's configured value of an indicator's parameter (R-ALR-01), for
    the apps that act on the same rule (``core.thresholds``); None if unknown."""
    spec = spec_for(code)
    if spec is None or not any(p.name == param for p in spec.params):
        return None
    return spec.parse_params(indicator_for(code).params).get(param)


def sync_indicators() -> int:
    """Create the rows of specs that have none yet; returns how many."""
    existing = set(Indicator.objects.values_list("code", flat=True))
    created = 0
    for code in sorted(specs()):
        if code not in existing:
            indicator_for(code)
            created += 1
    return created


def active_reason(indicator: Indicator, day: dt.date | None = None) -> str:
    """Why the indicator does not fire now ('' if it does)."""
    spec = spec_for(indicator.code)
    if spec is None:
        return "指标代码已下线"
    if not spec.available:
        return "依赖的业务模块尚未上线"
    if not indicator.enabled:
        return "未启用"
    day = day or clock.today()
    if not indicator.in_force_on(day):
        return "不在有效期内"
    return ""


EDITABLE = (
    "name",
    "enabled",
    "severity",
    "level",
    "params",
    "basis_document",
    "basis_article",
    "explanation",
    "valid_from",
    "valid_until",
    "dedup_window_days",
    "disposal_days",
    "disposal_unit",
)


def clean_params(spec: Spec, raw: dict[str, Any]) -> dict[str, Any]:
    unknown = set(raw) - {p.name for p in spec.params}
    if unknown:
        raise ValidationFailed(f"未知参数：{'、'.join(sorted(unknown))}", field="params")
    errors = []
    out: dict[str, Any] = {}
    for p in spec.params:
        try:
            value = p.parse(raw.get(p.name))
        except ValueError as exc:
            errors.append({"field": f"param_{p.name}", "message": str(exc)})
            continue
        out[p.name] = str(value) if isinstance(value, Decimal) else value
    if errors:
        raise ValidationFailed(errors[0]["message"], errors=errors)
    return out


def update_indicator(*, actor: Actor, indicator: Indicator, **changes: Any) -> Indicator:  # noqa: C901 — one branch per editable indicator field
    """The office edits an indicator (R-ALR-01): thresholds, level, basis … take
    effect for the next hit, without a deploy. Audited with before/after."""
    if not may_configure(actor):
        raise Forbidden("仅监管办（领导小组）可以设置预警指标")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(f"不可修改的字段：{'、'.join(sorted(unknown))}")
    spec = spec_for(indicator.code)
    if spec is None:
        raise Conflict("指标代码已下线，不能修改")
    if "params" in changes:
        changes["params"] = clean_params(spec, changes["params"] or {})
    if "explanation" in changes:
        text = (changes["explanation"] or "").strip()
        if not text:
            raise ValidationFailed("请填写预警说明模板", field="explanation")
        if reason := check_template(text):
            raise ValidationFailed(reason, field="explanation")
        changes["explanation"] = text
    if "name" in changes and not (changes["name"] or "").strip():
        raise ValidationFailed("请填写指标名称", field="name")
    if "level" in changes and changes["level"] not in LEVEL_RANK:
        raise ValidationFailed("处置层级不正确", field="level")
    if "severity" in changes and changes["severity"] not in (1, 2, 3, 4):
        raise ValidationFailed("预警等级不正确", field="severity")
    if "disposal_unit" in changes and changes["disposal_unit"] not in (
        business_calendar.Unit.WORKING_DAYS,
        business_calendar.Unit.CALENDAR_DAYS,
    ):
        raise ValidationFailed("期限单位不正确", field="disposal_unit")
    if "disposal_days" in changes and not 1 <= int(changes["disposal_days"]) <= 365:
        raise ValidationFailed("处置期限应在 1 至 365 之间", field="disposal_days")
    if "dedup_window_days" in changes and not 0 <= int(changes["dedup_window_days"]) <= 3650:
        raise ValidationFailed("去重时间窗应在 0 至 3650 天之间", field="dedup_window_days")
    with writes.audited(
        Indicator.objects.all(), pk=indicator.pk, actor=actor, action="alerts.update_indicator"
    ) as w:
        row = w.obj
        vf = changes.get("valid_from", row.valid_from)
        vu = changes.get("valid_until", row.valid_until)
        if vf and vu and vu < vf:
            raise ValidationFailed("失效日期不能早于生效日期", field="valid_until")
        for name, value in changes.items():
            setattr(row, name, value.strip() if isinstance(value, str) else value)
        if audit.snapshot(row) == w.before:
            w.nothing_changed()
            return row  # type: ignore[no-any-return]
        row.version += 1
        row.updated_at = clock.now()
        row.updated_by_name = actor.display_name[:100]
    return row  # type: ignore[no-any-return]
