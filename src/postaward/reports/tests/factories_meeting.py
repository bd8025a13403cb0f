"""Data-meeting packs on the small district (R-REP-03), made through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from postaward.core import clock
from postaward.orgs.choices import OrgKind, Role
from postaward.testing import District, account, org

from .. import services_meeting as sv
from ..models import MeetingPack


def last_month() -> tuple[int, int]:
    from ..services_monthly import last_month as lm

    return lm()


def generated(d: District, **kw: Any) -> MeetingPack:
    y, m = last_month()
    return sv.generate(actor=d.actor("office_staff"), year=y, month=m, **kw)


def decision(d: District) -> dict[str, Any]:
    return {
        "unit_id": d.orgs["housing"].pk,
        "text": "督促住建局对超期红色预警限期处置并书面报告",
        "due_on": (clock.today() + dt.timedelta(days=10)).isoformat(),
    }


def held(d: District) -> MeetingPack:
    p = generated(d)
    return sv.decide(actor=d.actor("office_staff"), obj=p, **decision(d))


def closed(d: District) -> MeetingPack:
    return sv.close(actor=d.actor("office_staff"), obj=held(d))


def other_district(d: District) -> None:
    """Another district's office staff (out of scope)."""
    if "other_office" in d.users:
        return
    office = org(None, "另一区监管办", OrgKind.SUPERVISION_OFFICE)
    d.orgs["other_office"] = office
    d.users["other_office"] = account(office, "other_office", [Role.OFFICE_STAFF])
