"""What the cases capability takes from sibling capabilities' events, by
name (R-CAS-01; ADR 0604): ``complaints.case_requested`` (an accepted
complaint or report), ``alerts.case_requested`` (a suspected issue) and
``inspections.case_requested`` (an inspection finding or a contract check) open a
case with the source linked back. The siblings are never imported here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from postaward.core import events

from .choices import Source


@dataclass(frozen=True)
class _ByName:
    name: str


def on_complaint_case(evt: Any) -> None:
    from . import services

    services.open_from_event(evt, Source.COMPLAINT)


def on_issue_case(evt: Any) -> None:
    from . import services

    services.open_from_event(evt, Source.ISSUE)


def on_inspection_case(evt: Any) -> None:
    from . import services

    services.open_from_event(evt, Source.INSPECTION)


def register() -> None:
    events.subscribe(_ByName("complaints.case_requested"))(on_complaint_case)  # type: ignore[arg-type]
    events.subscribe(_ByName("alerts.case_requested"))(on_issue_case)  # type: ignore[arg-type]
    events.subscribe(_ByName("inspections.case_requested"))(on_inspection_case)  # type: ignore[arg-type]
