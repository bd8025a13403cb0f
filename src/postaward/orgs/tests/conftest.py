"""Fixtures of the orgs tests: the small district plus one more school project.

``p_extra`` is a second project of the school (housing authority, contractor_a
takes part) with no owner's project leader and no key personnel assigned. It
separates "the owner's administrator sees all the owner's projects" from "a
project leader sees only the projects assigned to them", and "a contractor's
administrator sees every project the enterprise takes part in" from "a project
manager sees only the projects they are assigned to" (R-ORG-04).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from postaward.core.actor import SYSTEM
from postaward.orgs.choices import Industry


@pytest.fixture
def scoped_district(district):
    """The district with ``p_extra``: built once per process and moment,
    then replayed (ADR 0053)."""
    from postaward.testing import replay

    return replay("orgs:scoped_district", lambda: _add_extra(district), on=district)


def _add_extra(district):
    from postaward.projects import services as project_services
    from postaward.projects.choices import ParticipantRole

    o = district.orgs
    district.projects["p_extra"] = project_services.register_project(
        actor=SYSTEM,
        code="T-0003",
        name="第一中学运动场改造工程",
        owner=o["school"],
        industry=Industry.HOUSING,
        contract_amount=Decimal("3200000.00"),
        superior_unit=o["edu"],
        line=o["edu_line"],
        industry_authority=o["housing"],
        planned_start=dt.date(2026, 4, 1),
    )
    project_services.add_participant(
        actor=SYSTEM,
        project=district.projects["p_extra"],
        organisation=o["contractor_a"],
        role=ParticipantRole.CONTRACTOR,
    )
    return district
