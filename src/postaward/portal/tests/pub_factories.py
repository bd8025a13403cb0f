"""Publications built through the contract's event (issue #14)."""

from __future__ import annotations

from typing import Any

from postaward.credit.tests.contract import SIGNED_OFF, contract_events, publish, signed_off
from postaward.testing import District

from .. import publications
from ..models import Publication


def pending(d: District, **kw: Any) -> Publication:
    payload = signed_off(d, **kw)
    with contract_events():
        publish(SIGNED_OFF, **payload)
    return Publication.objects.get(case_id=payload["case_id"])


def published(d: District, **kw: Any) -> Publication:
    p = pending(d, **kw)
    return publications.publish(actor=d.actor("office_staff"), obj=p)
