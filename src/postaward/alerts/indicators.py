"""The indicator registry: what each indicator's code is (R-ALR-01, 04, 05).

An indicator is code plus data. The code is a ``Spec`` registered here: for an
event indicator, ``from_event(event, params)`` turns a domain event into hits;
for a data indicator, ``evaluate(params, as_of, project_ids)`` looks at the data
as it stood on ``as_of`` and returns hits and notes. The data (enabled,
thresholds, severity, level, basis, validity, dedup window, disposal deadline,
explanation) lives in ``models.Indicator`` rows that the supervision office
edits; a row is created from the spec's defaults the first time (``sync``) and
never overwritten afterwards.

The live sweep, the event subscribers and the sandbox call the same functions:
that is what makes "sandbox = live" true by construction (and tested).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps

from postaward.core import deadlines

from .choices import DISPOSAL_KIND, Area, Severity, Source

# --- the building blocks --------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """One threshold or parameter the office may edit."""

    name: str
    label: str
    kind: str  # "int" | "decimal"
    default: Any
    minimum: Any = None
    maximum: Any = None
    help: str = ""

    def parse(self, raw: Any) -> Any:
        """The value as the evaluator uses it; ``ValueError`` with a Chinese message."""
        if raw is None or raw == "":
            return self.coerce(self.default)
        value = self.coerce(raw)
        if self.minimum is not None and value < self.coerce(self.minimum):
            raise ValueError(f"{self.label}不能小于 {self.minimum}")
        if self.maximum is not None and value > self.coerce(self.maximum):
            raise ValueError(f"{self.label}不能大于 {self.maximum}")
        return value

    def coerce(self, raw: Any) -> Any:
        try:
            if self.kind == "int":
                if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
                    raise ValueError
                return int(str(raw).strip())
            return Decimal(str(raw).strip())
        except (TypeError, ValueError, InvalidOperation):
            kind = "整数" if self.kind == "int" else "数字"
            raise ValueError(f"{self.label}应为{kind}") from None


@dataclass
class Hit:
    """One observation that an indicator fires on."""

    dedup_key: str
    title: str
    facts: dict[str, Any]
    evidence: list[dict[str, str]] = field(default_factory=list)
    project_id: int | None = None
    subject_org_id: int | None = None
    person_id: int | None = None
    occurred_at: dt.datetime | None = None
    hit_key: str = ""

    def __post_init__(self) -> None:
        if not self.hit_key:
            # The same facts seen again are the same observation.
            digest = hashlib.sha256(
                json.dumps(self.facts, sort_keys=True, ensure_ascii=False, default=str).encode()
            ).hexdigest()[:16]
            self.hit_key = f"{self.dedup_key}#{digest}"[:200]
        self.dedup_key = self.dedup_key[:200]
        self.hit_key = self.hit_key[:200]

    def summary(self) -> dict[str, Any]:
        return {
            "hit_key": self.hit_key,
            "dedup_key": self.dedup_key,
            "title": self.title,
            "project_id": self.project_id,
            "subject_org_id": self.subject_org_id,
            "person_id": self.person_id,
            "facts": json.loads(json.dumps(self.facts, ensure_ascii=False, default=str)),
            "evidence": self.evidence,
        }


@dataclass
class Evaluation:
    hits: list[Hit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


EventFn = Callable[[Any, dict[str, Any]], list[Hit]]
EvaluateFn = Callable[[dict[str, Any], dt.date, "set[int] | None"], Evaluation]


@dataclass(frozen=True)
class Spec:
    code: str
    name: str
    area: str
    source: str
    requirement: str
    severity: int
    level: str
    basis_document: str
    basis_article: str
    explanation: str
    params: tuple[Param, ...] = ()
    events: tuple[str, ...] = ()
    from_event: EventFn | None = None
    evaluate: EvaluateFn | None = None
    dedup_window_days: int = 30
    disposal_days: int = 5
    disposal_unit: str = "working_days"
    requires_app: str = ""  # e.g. "postaward.approvals": inactive until installed
    note: str = ""

    @property
    def available(self) -> bool:
        return not self.requires_app or apps.is_installed(self.requires_app)

    def parse_params(self, raw: dict[str, Any] | None) -> dict[str, Any]:
        raw = raw or {}
        return {p.name: p.parse(raw.get(p.name)) for p in self.params}

    def default_params(self) -> dict[str, Any]:
        return {p.name: _jsonable(p.coerce(p.default)) for p in self.params}


def _jsonable(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


_specs: dict[str, Spec] = {}


def register(spec: Spec) -> Spec:
    _specs[spec.code] = spec
    return spec


def specs() -> dict[str, Spec]:
    _ensure_loaded()
    out = dict(_specs)
    for kind in deadlines.kinds():
        if kind != DISPOSAL_KIND:
            code = deadline_code(kind)
            out.setdefault(code, deadline_spec(kind))
    return out


def spec_for(code: str) -> Spec | None:
    _ensure_loaded()
    if code in _specs:
        return _specs[code]
    if code.startswith("deadline."):
        return deadline_spec(code.removeprefix("deadline."))
    return None


def specs_for_event(name: str) -> list[Spec]:
    _ensure_loaded()
    return [s for s in _specs.values() if name in s.events]


def _ensure_loaded() -> None:
    from . import evaluators  # noqa: F401  (registers the specs)


# --- missed deadlines: one indicator per kind of deadline --------------------------------------


def deadline_code(kind: str) -> str:
    return f"deadline.{kind}"


def deadline_spec(kind: str) -> Spec:
    """Every registered kind of deadline (acceptance, settlement, approvals …)
    is an indicator: its label, requirement, basis and handling level come from
    ``core.deadlines.kinds()``."""
    from .evaluators import hits_from_missed_deadline

    dk = deadlines.kind_of(kind)
    label = dk.label if dk else f"办理期限（{kind}）"
    basis = dk.basis if dk else ""
    document = (
        "《上虞区政府投资（国有建设）项目监督管理实施细则（试行）》"
        if basis.startswith(("实施细则", "SY"))
        else "平台办理期限"
    )
    return Spec(
        code=deadline_code(kind),
        name=f"{label}超期",
        area=Area.EFFICIENCY,
        source=Source.EVENT,
        requirement=dk.requirement if dk else "",
        severity=Severity.ORANGE,
        level=dk.handling_level if dk else "owner",
        basis_document=document,
        basis_article=basis,
        explanation=(
            "「{label}」已超期：{subject}的办理期限于 {due} 届满，至今未按期办结。"
            "{project_text}请责任单位说明原因、限期办结并在线反馈。"
        ),
        events=("deadline.missed",),
        from_event=hits_from_missed_deadline,
        dedup_window_days=30,
    )


# --- rendering -------------------------------------------------------------------------------


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(template: str, facts: dict[str, Any]) -> str:
    """Fill the office's explanation template; an unknown name stays visible as
    ``{name}`` rather than failing."""
    values = _SafeDict({k: _display(v) for k, v in facts.items()})
    try:
        return string.Formatter().vformat(template, (), values)
    except (ValueError, IndexError, KeyError, AttributeError):
        return template


def _display(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:,.2f}" if abs(value) >= 1000 else f"{value.normalize():f}"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict | list | tuple | str):
        from postaward.core import humane

        # no Python reprs or ISO/UTC times in a sentence people read
        return humane.text(value) if not isinstance(value, str) else humane.clean(value)
    return value


def check_template(template: str) -> str | None:
    """A reason why the template cannot be used, or None."""
    try:
        list(string.Formatter().parse(template))
    except ValueError:
        return "说明模板的花括号不成对"
    return None


def codes(values: Iterable[Spec]) -> list[str]:
    return sorted(s.code for s in values)
