"""Clues and matters for the matters part's tests: a clue is registered
through ``services_clues.register`` and confirmed directly (the clues part
owns the confirmation); a matter is transferred and decided through the
matters services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from postaward.core import clock
from postaward.testing import District

from .. import services_clues, services_matters
from ..choices import ClueSource, ClueState, Party
from ..models import Clue, Matter, MatterPerson


def person(d: District, username: str = "school_leader") -> Any:
    return d.users[username].person


def clue(
    d: District,
    *,
    unit: str = "school",
    occurred_on: dt.date | None = None,
    who: tuple[str, ...] = ("school_leader",),
    facts: str = "第一中学教学楼工程竣工后未经验收擅自投入使用",
) -> Clue:
    c = services_clues.register(
        d.actor("office_staff"),
        office=d.orgs["office"],
        source=ClueSource.DEPARTMENTAL_CHECK,
        party=Party.OWNER,
        unit=d.orgs[unit],
        project=d.projects["p_school"] if unit == "school" else None,
        facts=facts,
        persons=[person(d, u) for u in who],
        occurred_on=occurred_on,
    )
    Clue.objects.filter(pk=c.pk).update(state=ClueState.CONFIRMED)
    c.refresh_from_db()
    return c


def matter(d: District, *, body: str = "edu", **kw: Any) -> Matter:
    c = clue(d, **kw)
    return services_matters.transfer(
        actor=d.actor("office_staff"),
        clue_id=c.pk,
        body_id=d.orgs[body].pk,
        transfer_note="经核实，建设单位项目负责人履职不到位，建议依规问责",
    )


def pending(d: District) -> MatterPerson:
    return matter(d).persons.get()


def decide(
    d: District,
    mp: MatterPerson,
    *,
    measures: tuple[str, ...] = ("circulated",),
    on: dt.date | None = None,
    user: str = "edu_admin",
    **kw: Any,
) -> MatterPerson:
    return services_matters.decide(
        actor=d.actor(user),
        obj=mp,
        measures=list(measures),
        decided_on=on or clock.today(),
        decision_document=kw.pop("decision_document", "教党〔2026〕12号"),
        **kw,
    )


def decided(d: District) -> MatterPerson:
    return decide(d, pending(d))


def decided_on(d: District, day: dt.date, **kw: Any) -> MatterPerson:
    """A matter decided on ``day`` (transferred the day before: moved back)."""
    m = matter(d, **kw)
    Matter.objects.filter(pk=m.pk).update(
        transferred_at=dt.datetime.combine(day - dt.timedelta(days=1), dt.time(9), tzinfo=dt.UTC)
    )
    mp = MatterPerson.objects.select_related("matter").get(matter=m)
    return decide(d, mp, on=day)
