"""Rule sets, score events and projects for the annual-score tests (fixed
values). Score events are created directly (not through the scoring engine of
another part): a small rule set per authority, items with fixed points, and
events of a subject on a project or without one."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from postaward.core import clock
from postaward.core.actor import SYSTEM
from postaward.orgs.choices import Industry, OrgKind
from postaward.orgs.models import Organisation
from postaward.projects import services as project_services
from postaward.projects.choices import ParticipantRole, ProjectStatus
from postaward.projects.models import Project
from postaward.testing import District, org

from ..choices import RuleSetState, ScoreState, SubjectKind
from ..models import RuleItem, RuleSet, ScoreEvent, subject_key

_facts = itertools.count(1)
_codes = itertools.count(100)

YEAR = 2026
# The day the tests stand on: the year 2026 is over (every month counts).
AFTER_YEAR = dt.datetime(2027, 1, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def rule_set(
    d: District, authority: str = "housing", industry: str = Industry.HOUSING, **kw: Any
) -> RuleSet:
    """An effective rule set from 2026-01-01 (base 100, colours 90/80/70/60
    unless given) with four items: A1 −8, A2 −20, A3 −2, B1 +3."""
    rs = RuleSet.objects.create(
        authority=d.orgs[authority],
        industry=industry,
        version=RuleSet.objects.filter(authority=d.orgs[authority], industry=industry).count() + 1,
        title=f"{d.orgs[authority].name}信用评分规则",
        state=RuleSetState.EFFECTIVE,
        effective_from=dt.date(2026, 1, 1),
        drafted_at=clock.now(),
        approved_at=clock.now(),
        **kw,
    )
    for n, (code, points) in enumerate((("A1", "-8"), ("A2", "-20"), ("A3", "-2"), ("B1", "3"))):
        RuleItem.objects.create(
            rule_set=rs,
            code=code,
            description=f"评分项{code}",
            subject_kind=SubjectKind.CONTRACTOR,
            points=Decimal(points),
            trigger="manual",
            basis_document="上虞区政府投资（国有建设）项目监督管理实施细则（试行）",
            basis_article="第四十条",
            order=n,
        )
    return rs


def event(
    d: District,
    rs: RuleSet,
    code: str,
    *,
    subject: Organisation,
    project: Project | None = None,
    on: dt.date = dt.date(2026, 6, 1),
    state: str = ScoreState.FINAL,
    points: Decimal | None = None,
) -> ScoreEvent:
    item = rs.items.get(code=code)
    pts = item.points if points is None else points
    return ScoreEvent.objects.create(
        item=item,
        authority=rs.authority,
        district=d.orgs["office"],
        industry=rs.industry,
        subject_kind=SubjectKind.CONTRACTOR,
        subject_key=subject_key(org_id=subject.pk),
        subject_org=subject,
        subject_name=subject.name,
        project=project,
        fact="manual",
        fact_key=f"test:{next(_facts)}",
        summary=f"测试记分{code}",
        raw_points=item.points,
        points=pts,
        occurred_on=on,
        year=on.year,
        state=state,
        notified_on=on,
        objection_until=on + dt.timedelta(days=14),
        created_at=clock.now(),
    )


def project(
    d: District,
    *,
    name: str,
    industry: str,
    authority: str,
    start: dt.date,
    end: dt.date | None,
    amount: Decimal,
) -> Project:
    code = f"A-{next(_codes):04d}"
    p = project_services.register_project(
        actor=SYSTEM,
        code=code,
        name=name,
        owner=d.orgs["school"],
        industry=industry,
        contract_amount=amount * 3,
        superior_unit=d.orgs["edu"],
        line=d.orgs["edu_line"],
        industry_authority=d.orgs[authority],
        planned_start=start,
        status=ProjectStatus.UNDER_CONSTRUCTION,
        actual_start=start,
    )
    if end is not None:
        Project.objects.filter(pk=p.pk).update(actual_completion=end)
        p.refresh_from_db()
    return p


def two_projects(d: District) -> dict[str, Any]:
    """The worked example of ADR 0650: 丙建设有限公司 on two projects in 2026.

    - P1 (房建, 住建局): its contract 2,000,000 yuan, works 2026-03-02 …
      2026-08-15 (Mar–Aug: 6 months); A1 −8 → 92.
    - P2 (交通, 交通局): its contract 3,000,000 yuan, works from 2026-10-10
      (Oct–Dec: 3 months); A2 −20 → 80.
    - Weights 12,000,000 and 9,000,000: (12 × 92 + 9 × 80) / 21 = 86.857…;
      an event without a project, A3 −2: 84.86 → blue (蓝码: 80 ≤ s < 90).
    """
    unit = org(d.orgs["office"], "丙建设有限公司", OrgKind.CONTRACTOR)
    housing = rule_set(d, "housing", Industry.HOUSING)
    transport = rule_set(d, "transport", Industry.TRANSPORT)
    p1 = project(
        d,
        name="丙公司承建的教学楼工程",
        industry=Industry.HOUSING,
        authority="housing",
        start=dt.date(2026, 3, 2),
        end=dt.date(2026, 8, 15),
        amount=Decimal("2000000"),
    )
    p2 = project(
        d,
        name="丙公司承建的道路工程",
        industry=Industry.TRANSPORT,
        authority="transport",
        start=dt.date(2026, 10, 10),
        end=None,
        amount=Decimal("9999999"),
    )
    for p, amount in ((p1, "2000000"), (p2, "3000000")):
        project_services.add_participant(
            actor=SYSTEM,
            project=p,
            organisation=unit,
            role=ParticipantRole.CONTRACTOR,
            contract_amount=Decimal(amount),
        )
    e1 = event(d, housing, "A1", subject=unit, project=p1, on=dt.date(2026, 5, 10))
    e2 = event(d, transport, "A2", subject=unit, project=p2, on=dt.date(2026, 11, 3))
    e3 = event(d, housing, "A3", subject=unit, on=dt.date(2026, 12, 1))
    return {
        "unit": unit,
        "key": subject_key(org_id=unit.pk),
        "housing": housing,
        "transport": transport,
        "p1": p1,
        "p2": p2,
        "events": [e1, e2, e3],
    }
