"""The visits part in the simulator: the inspections a revealed draw
scheduled (``simulation_draw``) are carried out one stage per working day by
whoever the step registry lets take the stage (R-INS-05, R-INS-08): notice
(or straight on site when unannounced), the checklist with now and then a
finding on the contractor, its rectification order, the inspectors' sign-off
of the record, the report, the office head's sign-off and the publication;
the contractor replies to its orders and the inspector verifies them.
Registered as a daily activity when this module is imported."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Any

from postaward.core import business_calendar, clock, steps
from postaward.core import simulation as simulate
from postaward.core.actor import Actor
from postaward.core.errors import DomainError
from postaward.orgs.choices import Role
from postaward.orgs.models import User
from postaward.projects.choices import ParticipantRole

from . import services_visits as svc
from .models import (
    Disposition,
    Inspection,
    InspectionState,
    ItemResult,
    OrderState,
    RectificationOrder,
    RectificationReply,
)

log = logging.getLogger(__name__)
S = InspectionState
FINDING_SHARE = 0.3


def _accounts(q: Any) -> list[Actor]:
    from postaward.orgs.actors import actor_for

    users = User.objects.select_related("organisation", "person").filter(q, is_active=True)
    return [actor_for(u) for u in users.order_by("username")]


def _candidates(i: Inspection) -> list[Actor]:
    """The inspectors' accounts, then the office's and the departments' staff."""
    from django.db.models import Q

    people = list(i.inspectors.values_list("person_id", flat=True))
    orgs = [i.office_id, *i.departments.values_list("department_id", flat=True)]
    return [
        *_accounts(Q(person_id__in=people)),
        *_accounts(
            Q(organisation_id__in=orgs)
            & Q(role_grants__role__in=[Role.OFFICE_STAFF, Role.AUTHORITY_STAFF, Role.UNIT_LEADER])
        ),
    ]


def _who(step: steps.Step, obj: Any, actors: Iterable[Actor]) -> Actor | None:
    return next((a for a in actors if steps.may(step, obj, a)), None)


def _try(what: str, fn: Callable[..., Any], **kw: Any) -> None:
    try:
        fn(**kw)
    except DomainError as exc:
        log.info("inspection simulation: %s skipped: %s", what, exc.message)


def _act(name: str, fn: Callable[..., Any], i: Inspection, actors: list[Actor], **kw: Any) -> None:
    """Take the inspection's step ``name`` as the first account allowed to."""
    a = _who(svc._step(name), i, actors)
    if a is not None:
        _try(name, fn, actor=a, obj=i, **kw)


def _contractor(i: Inspection) -> int | None:
    return (
        i.project.participants.filter(role=ParticipantRole.CONTRACTOR)
        .values_list("organisation_id", flat=True)
        .first()
    )


def _on_site(i: Inspection, actors: list[Actor], sim: simulate.SimDay) -> None:
    record = svc._step("record")
    for item in i.items.filter(result=""):
        a = _who(record, Inspection.objects.get(pk=i.pk), actors)
        subject = _contractor(i)
        if a is None:
            return
        finding = subject is not None and sim.rng.random() < FINDING_SHARE
        _try(
            "record",
            svc.record_result,
            actor=a,
            obj=Inspection.objects.get(pk=i.pk),
            item_id=item.pk,
            result=ItemResult.FINDING if finding else ItemResult.COMPLIANT,
            description="现场检查发现资料不全，部分记录未按规定签认" if finding else "",
            subject_org_id=subject if finding else None,
        )
    dispose = svc._step("dispose")
    for f in i.findings.filter(disposition=""):
        a = _who(dispose, Inspection.objects.get(pk=i.pk), actors)
        if a is not None:
            _try(
                "dispose",
                svc.dispose,
                actor=a,
                obj=Inspection.objects.get(pk=i.pk),
                finding_id=f.pk,
                disposition=Disposition.RECTIFY,
                note="首次轻微，未造成社会危害，责令限期整改",
                first_minor=True,
                days=5,
            )
    sign = svc._step("sign_record")
    for a in actors:
        fresh = Inspection.objects.get(pk=i.pk)
        if fresh.state == S.ON_SITE and steps.may(sign, fresh, a):
            _try("sign_record", svc.sign_record, actor=a, obj=fresh)


def advance(i: Inspection, sim: simulate.SimDay) -> None:
    """One stage of ``i`` for the day."""
    actors = _candidates(i)
    state = i.state
    if state == S.SCHEDULED and i.period_start <= sim.day:
        if i.announced:
            _act("notify", svc.notify, i, actors)
        else:
            _act("start_visit", svc.start_visit, i, actors)
    elif state == S.NOTIFIED:
        _act("start_visit", svc.start_visit, i, actors)
    elif state == S.ON_SITE:
        _on_site(i, actors, sim)
    elif state == S.RECORD_SIGNED:
        _act("report", svc.report, i, actors, report=svc.default_summary(i))
    elif state == S.REPORTED:
        _act("sign_off", svc.sign_off, i, actors, note="同意")
    elif state == S.SIGNED_OFF:
        _act("publish", svc.publish_results, i, actors)


def _orders(sim: simulate.SimDay) -> None:
    """The subject replies to an open order on its second day; the inspector
    verifies a reply the next working day (passed, now and then not)."""
    from django.db.models import Q

    reply = steps.get("inspections.rectification", "reply")
    verify = steps.get("inspections.rectification", "verify")
    for o in RectificationOrder.objects.filter(state=OrderState.OPEN):
        if sim.rng.random() < 0.5:
            continue
        actors = _accounts(Q(organisation_id=o.subject_org_id) & Q(role_grants__role=Role.ADMIN))
        a = _who(reply, o, actors)
        if a is not None:
            _try(
                "reply",
                svc.reply,
                actor=a,
                obj=o,
                text="已按整改通知要求补齐资料并完成签认，请予核查",
            )
    for o in RectificationOrder.objects.filter(state=OrderState.REPLIED).select_related(
        "inspection"
    ):
        a = _who(verify, o, _candidates(o.inspection))
        if a is not None:
            passed = sim.rng.random() < 0.85
            _try(
                "verify",
                svc.verify,
                actor=a,
                obj=o,
                verdict=(
                    RectificationReply.Verdict.PASSED
                    if passed
                    else RectificationReply.Verdict.FAILED
                ),
                note="经现场核查，整改到位" if passed else "整改不到位，重新限期整改",
                days=None if passed else 5,
            )


def visits_on(day: dt.date, sim: simulate.SimDay) -> None:
    if not business_calendar.is_working_day(day):
        return
    open_states = (S.SCHEDULED, S.NOTIFIED, S.ON_SITE, S.RECORD_SIGNED, S.REPORTED, S.SIGNED_OFF)
    for i in (
        Inspection.objects.filter(state__in=open_states)
        .select_related("project", "office")
        .order_by("pk")
    ):
        advance(i, sim)
    _orders(sim)


@simulate.daily(order=82)
def inspections_day(sim: simulate.SimDay) -> None:
    with simulate.platform_time(sim.at(10, 30)):
        visits_on(clock.today(), sim)


__all__ = ["advance", "inspections_day", "visits_on"]
