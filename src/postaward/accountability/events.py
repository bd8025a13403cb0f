"""Accountability events: facts other capabilities take up by name, never by
import (the credit scoring reads award eligibility; alerts takes a referral
up as a clue transfer to discipline inspection, R-ALR-06). Never a reporter's
or complainant's identity (R-CMP-04)."""

from __future__ import annotations

from dataclasses import dataclass

from postaward.core import events


@events.event("accountability.referred")
@dataclass(frozen=True)
class AccountabilityReferred(events.DomainEvent):
    """A matter (violation of discipline or law, QZ 附件2 art. 8) or an
    interference record about party members or public officials (QZ 11) is
    transferred to discipline inspection: alerts takes it up as a clue
    transfer to ``recipient_org_id``. ``source`` is ``matter`` or
    ``interference``; ``source_ref`` the number people read; ``url`` the link
    back to the record."""

    source: str
    source_id: int
    source_ref: str
    recipient_org_id: int
    document_number: str
    reason: str
    facts: str
    project_id: int | None
    office_id: int
    referred_by_name: str
    url: str
