"""Demo data of the credit capability (``postaward demo``): two credit records
on the district's first contractors, entered as the cases capability's event
would enter them, one with an objection waiting for the department.

The case ids are far above any real case's (990001…) so that the cases
capability's own demo cases never collide with them."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from postaward.core import clock
from postaward.orgs.actors import actor_for
from postaward.orgs.choices import OrgKind, Role
from postaward.orgs.models import Organisation, User
from postaward.projects.models import Participant

from . import services

CASES = [
    ("罚款5万元；责令改正", "50000", 6, "《建设工程质量管理条例》第六十四条"),
    (
        "通报批评；责令项目经理到岗履职",
        "0",
        3,
        "《上虞区政府投资（国有建设）项目监督管理实施细则》第四十二条",
    ),
]


def seed_demo(b: Any = None) -> int:
    office = Organisation.objects.filter(kind=OrgKind.SUPERVISION_OFFICE).order_by("pk").first()
    authority = Organisation.objects.filter(kind=OrgKind.INDUSTRY_AUTHORITY).order_by("pk").first()
    if office is None or authority is None:
        return 0
    parts = list(
        Participant.objects.filter(organisation__kind=OrgKind.CONTRACTOR)
        .select_related("organisation", "project")
        .order_by("pk")[:2]
    )
    made = []
    for i, (p, (measure, fine, points, basis)) in enumerate(zip(parts, CASES, strict=False)):
        decided = clock.today() - dt.timedelta(days=20 - 7 * i)
        made.append(
            services.record_from_penalty(
                SimpleNamespace(
                    case_id=990001 + i,
                    case_number=f"AJ-{decided.year}-{9001 + i}",
                    office_id=office.pk,
                    department_id=authority.pk,
                    subject_org_id=p.organisation_id,
                    subject_person_id=None,
                    subject_name=p.organisation.name,
                    project_id=p.project_id,
                    measure=measure,
                    fine_yuan=fine,
                    points=points,
                    basis=basis,
                    decision_number=f"住建罚〔{decided.year}〕{31 + i}号",
                    decided_on=decided.isoformat(),
                    entered_on=decided.isoformat(),
                )
            )
        )
    # the party's own account, or the office's staff registering on its behalf
    party = (
        User.objects.filter(organisation_id=made[0].subject_org_id, is_active=True)
        .order_by("pk")
        .first()
        or User.objects.filter(
            organisation=office, role_grants__role=Role.OFFICE_STAFF, is_active=True
        ).first()
        if made
        else None
    )
    if party is not None:
        services.file_request(
            actor=actor_for(party),
            record=made[0],
            kind="objection",
            reason="整改已在限期内完成并经建设单位确认，不应按逾期未整改记6分，请核查。",
        )
    return len(made)
