"""factory-boy factories for the small rows tests build by hand (ADR 0053).

Rows a service would normally write, made directly when a test needs one in a
given state and the service path is not what it tests. Each factory fills the
required fields with plain defaults; a test names only what it is about::

    SuspensionFactory(project=p, started_at=local(2026, 3, 10, 9))
    LeaveRequestFactory(assignment=pm, starts_on=day, ends_on=day)
    EngineeringChangeFactory(participant=contractor, cost_delta=Decimal("5000"))

Nothing here writes the audit chain or publishes events: use the services (or
``postaward.testing``) when the test is about those.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from postaward.core import clock


class SuspensionFactory(DjangoModelFactory):
    """A suspension of works, confirmed by default (``state="ended"`` with ``ended_at``)."""

    class Meta:
        model = "projects.Suspension"

    state = "confirmed"
    started_at = factory.LazyFunction(clock.now)
    reason = "停工"
    declared_at = factory.SelfAttribute("started_at")
    declared_by_name = "o"
    confirmed_at = factory.LazyAttribute(lambda s: s.started_at + dt.timedelta(hours=1))


class LeaveRequestFactory(DjangoModelFactory):
    """An approved leave of the person of ``assignment`` on its project."""

    class Meta:
        model = "attendance.LeaveRequest"

    person = factory.SelfAttribute("assignment.person")
    project = factory.SelfAttribute("assignment.project")
    starts_on = factory.LazyFunction(clock.today)
    ends_on = factory.SelfAttribute("starts_on")
    reason = "病假"
    state = "approved"
    requested_at = factory.LazyFunction(clock.now)
    requested_by_name = "pm"


class EngineeringChangeFactory(DjangoModelFactory):
    """An engineering change as the approvals services leave it once approved."""

    class Meta:
        model = "approvals.EngineeringChange"

    project = factory.SelfAttribute("participant.project")
    number = factory.Sequence(lambda n: f"BG-T-{n + 1:04d}")
    category = "design"
    title = factory.Sequence(lambda n: f"测试变更{n + 1}")
    reason = "设计优化"
    scope = "调整做法"
    cost_delta = Decimal("0")
    days_delta = 0
    raised_at = factory.LazyFunction(clock.now)
    work_date = factory.LazyAttribute(lambda c: clock.local_date(c.raised_at))
    raised_by_name = "测试"
    raised_by_org = "测试单位"
    state = "approved"
    approved_at = factory.LazyAttribute(lambda c: c.raised_at if c.state == "approved" else None)
