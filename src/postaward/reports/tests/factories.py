"""Known data for the ledgers, built through the owning apps' services."""

from __future__ import annotations

from typing import Any

from postaward.complaints.choices import Kind
from postaward.complaints.tests import factories as complaint_factories
from postaward.inspections.tests import factories_visits as visit_factories
from postaward.testing import District

from .. import services_cases as sc
from ..models import TypicalCase

PROBLEM = "项目经理长期不在岗，多次预警未整改"
MEASURES = "约谈建设单位负责人，责令施工单位更换项目经理"


def alerts(d: District) -> None:
    """One alert on each project of the district."""
    from postaward.alerts import services as alert_services
    from postaward.alerts.indicators import Hit

    for key, project in d.projects.items():
        alert_services.record_hit(
            alert_services.indicator_for("attendance.absence_streak"),
            Hit(
                dedup_key=f"ledger:{key}",
                title=f"项目经理连续缺勤（{project.name}）",
                facts={"project": project.name},
                project_id=project.pk,
            ),
        )


def inspection(d: District) -> Any:
    """A visit of the school's project: one finding, ordered to rectify."""
    return visit_factories.disposed(d)


def complaints(d: District) -> None:
    """A signed complaint (its complainant's name and mobile are known) and
    an anonymous report."""
    complaint_factories.received(d)
    complaint_factories.received(
        d, kind=Kind.REPORT, anonymous=True, name="", id_number="", mobile="", contact=""
    )


def known(d: District) -> District:
    alerts(d)
    inspection(d)
    complaints(d)
    return d


def case(d: District, project: str = "p_school", days: int = 10) -> TypicalCase:
    return sc.mark(
        actor=d.actor("office_staff"),
        project_id=d.projects[project].pk,
        problem=PROBLEM,
        measures=MEASURES,
        days=days,
        source="alert",
        source_ref="YJ20260310-00001",
    )


def closed(d: District) -> TypicalCase:
    c = case(d)
    return sc.close(actor=d.actor("office_staff"), obj=c, note="项目经理已更换并到岗，整改到位")
