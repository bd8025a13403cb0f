"""Builders for the draw part's tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from postaward.cases.tests import factories as case_f
from postaward.core.actor import SYSTEM
from postaward.projects.choices import ProjectClass, ProjectStatus
from postaward.projects.models import Project
from postaward.testing import District

from .. import services_draw as svc
from .. import steps_draw as st
from ..models import Draw, InspectionPlan, PlanState, RoundKind, WorkItem


def item(d: District, username: str = "office_staff", name: str = "质量安全行为检查") -> WorkItem:
    return svc.create_item(
        actor=d.actor(username),
        year=2026,
        name=name,
        basis_document="衢州市政府投资工程建设项目标后监管实施细则",
        basis_article="第五条",
        ratio_pct=Decimal("5"),
        frequency="每季度",
        method="on_site",
        stage="after",
        unannounced=True,
    )


def plan(
    d: District,
    *,
    username: str = "office_staff",
    special: bool = True,
    state: str = PlanState.APPROVED,
) -> InspectionPlan:
    """A plan with a routine round (and a special one), taken to ``state``."""
    case_f.staff(d)
    i = item(d, username)
    a = d.actor(username)
    p = svc.create_plan(actor=a, year=2026, title="2026年度双随机抽查计划")
    svc.add_round(
        actor=a,
        plan=p,
        quarter=2,
        kind=RoundKind.ROUTINE,
        title="第二季度日常抽查",
        item_ids=[i.pk],
    )
    if special:
        svc.add_round(
            actor=a,
            plan=p,
            quarter=3,
            kind=RoundKind.SPECIAL,
            title="质量安全专项检查",
            item_ids=[i.pk],
        )
    if state in (PlanState.SUBMITTED, PlanState.APPROVED):
        p = svc.submit_plan(actor=a, obj=p)
    if state == PlanState.APPROVED:
        head = "office_head" if p.joint else f"{d.users[username].organisation.industry}_head"
        p = svc.approve_plan(actor=d.actor(head), obj=p)
    return p


def projects(d: District, housing: int, transport: int) -> None:
    """Many projects of the two industries (bulk: no lifecycle)."""
    rows = []
    for industry, n, owner, auth in (
        ("housing", housing, d.orgs["school"], d.orgs["housing"]),
        ("transport", transport, d.orgs["hospital"], d.orgs["transport"]),
    ):
        for k in range(n):
            rows.append(
                Project(
                    code=f"B-{industry}-{k:04d}",
                    name=f"{industry}批量项目{k}",
                    project_class=ProjectClass.GOV_BELOW,
                    industry=industry,
                    owner=owner,
                    industry_authority=auth,
                    status=ProjectStatus.UNDER_CONSTRUCTION,
                )
            )
    Project.objects.bulk_create(rows)


def committed(d: District, **kw: Any) -> Draw:
    p = plan(d)
    r = p.rounds.get(kind=RoundKind.ROUTINE)
    return svc.commit(actor=d.actor("office_staff"), round=r, **kw)


def drawn(d: District) -> Draw:
    return svc.run_draw(actor=d.actor("office_staff"), obj=committed(d))


def revealed(d: District) -> Draw:
    return svc.reveal(actor=d.actor("office_staff"), obj=drawn(d))


def system_take(step: Any, obj: Any, **data: Any) -> Any:
    return step.service(actor=SYSTEM, obj=obj, **data)


__all__ = ["committed", "drawn", "item", "plan", "projects", "revealed", "st"]
