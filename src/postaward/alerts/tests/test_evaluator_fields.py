"""Every attribute an event evaluator reads exists on the events it subscribes
to (R-ALR-01: an event indicator turns its event into hits; ADR 0055: alerts
imports the event classes and its evaluators are typed by them).

An evaluator reads its event as ``evt.<field>`` or, for the generic ones, as
``data.get("<field>")`` / ``data["<field>"]`` of ``data = _payload(evt)``. The
test reads each evaluator's source with ``ast``: a renamed or removed field of
an event fails here, not at 3 a.m. in the worker."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import textwrap
import typing
from typing import Any

import pytest

from postaward.alerts import indicators
from postaward.core import events
from postaward.core.deadlines import DeadlineMissed


def _fields(cls: type) -> set[str]:
    names = {f.name for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else set()
    return names | {n for n in dir(cls) if not n.startswith("__")}


def _event_class(name: str) -> type:
    if name == "deadline.missed":
        return DeadlineMissed
    return events._registry[name]


def _reads(fn: Any) -> tuple[set[str], set[str]]:
    """(``evt.<attr>`` names, keys read from ``data = _payload(evt)``) in ``fn``."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    func = tree.body[0]
    assert isinstance(func, ast.FunctionDef)
    evt = func.args.args[0].arg
    attrs: set[str] = set()
    keys: set[str] = set()
    payload_names: set[str] = set()
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            call = node.value
            if getattr(call.func, "id", "") == "_payload" and call.args:
                payload_names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    for node in ast.walk(func):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == evt
        ):
            attrs.add(node.attr)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = node.func.value
            if (
                node.func.attr == "get"
                and isinstance(target, ast.Name)
                and target.id in payload_names
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                keys.add(node.args[0].value)
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id in payload_names
            and isinstance(node.slice, ast.Constant)
        ):
            keys.add(node.slice.value)
    return attrs, keys


def _event_specs() -> list[Any]:
    return [s for s in indicators.specs().values() if s.from_event is not None and s.events]


def test_r_alr_01_every_event_indicator_is_covered():
    """The test below sees every event indicator (it cannot pass on nothing)."""
    assert len(_event_specs()) >= 10


@pytest.mark.parametrize("spec", _event_specs(), ids=lambda s: s.code)
def test_r_alr_01_evaluator_reads_only_fields_of_its_events(spec):
    """R-ALR-01: each ``evt.<attr>`` exists on every event the indicator
    subscribes to; each payload key read exists on at least one of them (the
    generic evaluators read the optional facts of several kinds of event)."""
    classes = [_event_class(name) for name in spec.events]
    attrs, keys = _reads(spec.from_event)
    for cls in classes:
        missing = attrs - _fields(cls)
        assert not missing, f"{spec.code}: {cls.__name__} has no {sorted(missing)}"
    # A generic evaluator serves several indicators: a key it reads must be a
    # field of an event of one of them (``change_label`` it adds itself).
    served = {name for s in _event_specs() if s.from_event is spec.from_event for name in s.events}
    known = set().union(*(_fields(_event_class(n)) for n in served)) | {"change_label"}
    unknown = keys - known
    assert not unknown, f"{spec.code}: no event it serves has {sorted(unknown)}"


@pytest.mark.parametrize("spec", _event_specs(), ids=lambda s: s.code)
def test_r_alr_01_evaluator_is_typed_by_its_event(spec):
    """R-ALR-01: the evaluator's ``evt`` is annotated with the event class it
    reads (or a base class of all the events it serves)."""
    fn = spec.from_event
    hints = typing.get_type_hints(fn)
    first = next(iter(inspect.signature(fn).parameters))
    annotated = hints.get(first)
    assert isinstance(annotated, type), f"{spec.code}: {fn.__name__}'s event is not typed"
    for name in spec.events:
        assert issubclass(_event_class(name), annotated), (
            f"{spec.code}: {fn.__name__} takes {annotated.__name__}, not {name}"
        )


def test_r_alr_01_the_reader_sees_a_misspelt_field():
    """The check can fail: an evaluator reading a field its event lacks is seen."""

    def bad(evt: DeadlineMissed, params: dict[str, Any]) -> list[Any]:
        return [evt.deadline_idd]  # type: ignore[attr-defined]

    attrs, _ = _reads(bad)
    assert attrs - _fields(DeadlineMissed) == {"deadline_idd"}
