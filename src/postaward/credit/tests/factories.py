"""Credit records and requests in each state, built through the event and the
services (fixed values)."""

from __future__ import annotations

from typing import Any

from postaward.testing import District

from .. import services
from ..models import CreditRecord, CreditRequest
from .contract import PENALTY_DECIDED, contract_events, penalty, publish


def record(d: District, **kw: Any) -> CreditRecord:
    payload = penalty(d, **kw)
    with contract_events():
        publish(PENALTY_DECIDED, **payload)
    return CreditRecord.objects.get(case_id=payload["case_id"])


def objection(d: District, **kw: Any) -> CreditRequest:
    r = record(d, **kw)
    return services.file_request(
        actor=d.actor("contractor_a_admin"),
        record=r,
        kind="objection",
        reason="记分有误：整改已在限期内完成，不应按未整改记6分",
    )


def repair(d: District) -> CreditRequest:
    r = record(d)
    return services.file_request(
        actor=d.actor("contractor_a_admin"),
        record=r,
        kind="repair",
        reason="已按期缴清罚款并整改到位，申请信用修复",
    )


def opinion_given(d: District, kind: str = "objection") -> CreditRequest:
    q = objection(d) if kind == "objection" else repair(d)
    return services.give_opinion(
        actor=d.actor("housing_staff"),
        obj=q,
        opinion="经核查，整改确在期限内完成",
        recommendation="uphold",
    )
