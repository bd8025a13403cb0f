"""Measures of the sanctions register, recorded through the service (fixed values)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from postaward.core import clock
from postaward.testing import District

from .. import services_sanctions
from ..models import Sanction

SY = "《上虞区政府投资（国有建设）项目监督管理实施细则（试行）》"


def interview(d: District, **kw: Any) -> Sanction:
    """The owner talks to the contractor after two days without check-in (SY 42)."""
    data: dict[str, Any] = {
        "kind": "interview",
        "subject_org_id": d.orgs["contractor_a"].pk,
        "project_id": d.projects["p_school"].pk,
        "reason": "项目经理连续2天未考勤，约谈施工单位项目负责人",
        "basis_document": SY,
        "basis_article": "第四十二条",
        "decided_on": clock.today(),
    }
    data.update(kw)
    return services_sanctions.record_sanction(actor=d.actor("school_admin"), **data)


def suspension(d: District, *, days: int = 90, start: dt.date | None = None) -> Sanction:
    """The housing authority orders contractor A to stop business (SY 44)."""
    today = clock.today()
    start = start or today
    return services_sanctions.record_sanction(
        actor=d.actor("housing_staff"),
        kind="business_suspended",
        subject_org_id=d.orgs["contractor_a"].pk,
        project_id=d.projects["p_school"].pk,
        reason="违约情节严重，造成国家重大损失",
        basis_document=SY,
        basis_article="第四十四条",
        decided_on=today,
        period_from=start,
        period_to=start + dt.timedelta(days=days - 1),
    )
