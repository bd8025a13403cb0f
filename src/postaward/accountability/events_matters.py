"""The matters part's facts: a decision of the competent body (R-ACT-05,
QZ 附件2 art. 12). Credit takes it up by name for the unit's assessment; never
a complainant's or reporter's identity."""

from __future__ import annotations

from dataclasses import dataclass

from postaward.core import events


@events.event("accountability.decided")
@dataclass(frozen=True)
class AccountabilityDecided(events.DomainEvent):
    """The competent body decided on one person of a matter: the unit, the
    person, the measures (``Measure`` codes), the severity and the year whose
    award eligibility is cancelled (art. 12)."""

    matter_id: int
    matter_number: str
    decision_id: int
    office_id: int
    unit_id: int
    project_id: int | None
    persons: list[dict[str, object]]  # [{"person_id": 1, "name": "…", "measures": [...]}]
    measures: list[str]
    measures_text: str
    severity: str
    decided_on: str
    year: int
