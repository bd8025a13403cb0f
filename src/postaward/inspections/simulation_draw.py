"""The draw part in the simulator: on the first working day of a quarter the
office commits, draws and reveals the quarter's round of each approved plan
(R-INS-02). ``quarterly_draw`` is registered as a daily activity when this
module is imported (``inspections/simulation.py``)."""

from __future__ import annotations

import datetime as dt
import logging

from postaward.core import business_calendar, clock
from postaward.core import simulation as simulate
from postaward.core.errors import DomainError
from postaward.orgs.choices import OrgKind, Role
from postaward.orgs.models import User

from . import services_draw as svc
from .models import Draw, DrawState, PlanRound, PlanState

log = logging.getLogger(__name__)


def first_working_day_of_quarter(day: dt.date) -> bool:
    start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return business_calendar.next_working_day(start) == day


def office_actor(office_id: int):  # type: ignore[no-untyped-def]
    from postaward.orgs.actors import actor_for

    user = (
        User.objects.select_related("organisation", "person")
        .filter(
            is_active=True,
            organisation_id=office_id,
            organisation__kind=OrgKind.SUPERVISION_OFFICE,
            role_grants__role=Role.OFFICE_STAFF,
        )
        .order_by("username")
        .first()
    )
    return actor_for(user) if user is not None else None


def run_round(r: PlanRound) -> Draw | None:
    """Commit, draw and reveal one round (skipped when it already has a live draw)."""
    if r.draws.exclude(state=DrawState.SUPERSEDED).exists():
        return None
    office = svc.office_of(r.plan.organisation)
    a = office_actor(office.pk) if office else None
    if a is None:
        return None
    try:
        d = svc.commit(actor=a, round=r)
        d = svc.run_draw(actor=a, obj=d)
        return svc.reveal(actor=a, obj=d)
    except DomainError as exc:
        log.info("draw of %s skipped: %s", r, exc.message)
        return None


def quarterly_draw(day: dt.date) -> list[Draw]:
    """The quarter's rounds of every approved plan of ``day``'s year."""
    if not first_working_day_of_quarter(day):
        return []
    quarter = (day.month - 1) // 3 + 1
    rounds = PlanRound.objects.filter(
        plan__state=PlanState.APPROVED, plan__year=day.year, quarter=quarter
    ).select_related("plan__organisation")
    return [d for r in rounds.order_by("id") if (d := run_round(r)) is not None]


@simulate.daily(order=80)
def draws_day(sim: simulate.SimDay) -> None:
    with simulate.platform_time(sim.at(9, 30)):
        quarterly_draw(clock.today())


__all__ = ["draws_day", "first_working_day_of_quarter", "quarterly_draw", "run_round"]
