"""The platform's clues for QZ 附件2 art. 6(一) (inspections below the minimum,
R-ACT-02 with R-INS-03; ADR 0806) and art. 5(六) (a settlement entrusted to an
intermediary without approval, R-ACT-02 with R-SET-02; ADR 0807)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from postaward.core import clock, events
from postaward.inspections import minimums
from postaward.inspections.models import (
    Inspection,
    InspectionDepartment,
    InspectionKind,
    InspectionSource,
    InspectionState,
)
from postaward.projects.models import Project

from .. import findings_clues as fc
from ..choices import ClueSource
from ..models import Clue

pytestmark = pytest.mark.django_db


def _clues(**kw):
    return Clue.objects.filter(source=ClueSource.PLATFORM, **kw)


def _awarded(d, year: int, n: int, key: str = "p_school") -> list[Project]:
    """``n`` projects of ``key``'s authority and industry awarded in ``year``
    (the fixture's project and n - 1 copies of it)."""
    base = d.projects[key]
    Project.objects.filter(pk=base.pk).update(award_date=dt.date(year, 3, 1))
    out = [base]
    for i in range(n - 1):
        p = Project.objects.get(pk=base.pk)
        p.pk = None
        p.id = None
        p.code = f"{base.code}-C{i:03d}"
        p.name = f"{base.name}（复本{i}）"
        p.save()
        out.append(p)
    return out


def _inspect(d, projects: list[Project], org: str, year: int, **kw) -> None:
    office = d.orgs["office"]
    dept = d.orgs[org]
    first = Inspection.objects.count()
    for n, p in enumerate(projects, first + 1):
        visit = clock.start_of_day(dt.date(year, 6, 1)) + dt.timedelta(hours=10)
        i = Inspection.objects.create(
            number=f"JC-{year}-{org[:2]}{n:04d}",
            year=year,
            seq=n,
            office=office,
            department=dept,
            project=p,
            kind=kw.get("kind", InspectionKind.RANDOM),
            source=InspectionSource.DRAW,
            period_start=dt.date(year, 4, 1),
            period_end=dt.date(year, 6, 30),
            state=kw.get("state", InspectionState.SIGNED_OFF),
            visited_at=kw.get("visited_at", visit),
        )
        InspectionDepartment.objects.create(inspection=i, department=dept, lead=True)


def test_r_ins_03_the_year_minimum_is_the_draws_one_with_the_raise_to_thirty(district):
    """R-INS-03: 40 housing projects → 5 % is 2, raised to 30; one transport
    project → all of it (a pool under 30 is inspected whole)."""
    year = clock.today().year - 1
    _awarded(district, year, 40)
    _awarded(district, year, 1, "p_hospital")
    housing = minimums.year_minimum(district.orgs["housing"].pk, year)
    assert housing.counts == {"housing": 40} and housing.minimum == 30
    assert any("5%" in line for line in housing.lines)
    assert minimums.year_minimum(district.orgs["transport"].pk, year).minimum == 1
    assert minimums.year_minimum(district.orgs["housing"].pk, year - 1).minimum == 0


def test_r_act_02_r_ins_03_exactly_at_the_minimum_raises_no_clue(district):
    year = clock.today().year - 1
    projects = _awarded(district, year, 40)
    _inspect(district, projects[:30], "housing", year)
    fc.inspections_below_minimum(dt.date(year + 1, 1, 1))
    assert not _clues(unit=district.orgs["housing"]).exists()


def test_r_act_02_r_ins_03_one_below_the_minimum_is_6_1_raised_once(district):
    year = clock.today().year - 1
    projects = _awarded(district, year, 40)
    _inspect(district, projects[:29], "housing", year)
    # not counted: a routine visit, a visit not yet signed, one of the year after
    _inspect(district, projects[29:30], "housing", year, kind=InspectionKind.ROUTINE)
    _inspect(district, projects[30:31], "housing", year, state=InspectionState.ON_SITE)
    _inspect(
        district,
        projects[31:32],
        "housing",
        year,
        visited_at=clock.start_of_day(dt.date(year + 1, 1, 2)),
    )
    # not yet: the year is not over
    fc.inspections_below_minimum(dt.date(year, 12, 31))
    assert not _clues(unit=district.orgs["housing"]).exists()
    fc.detect(dt.date(year + 1, 1, 1))
    fc.detect(dt.date(year + 1, 1, 2))  # run twice: one clue
    qs = _clues(unit=district.orgs["housing"], act__code="6-1")
    assert qs.count() == 1
    c = qs.get()
    assert c.auto_key == f"ins_minimum:{district.orgs['housing'].pk}:{year}"
    assert c.act.article == "第六条第（一）项" and c.party == "department"
    assert "应至少检查 30 个项目" in c.facts and "实际完成检查 29 个" in c.facts
    assert "少 1 个" in c.facts and c.occurred_on == dt.date(year, 12, 31)
    assert any("/inspections/plans/" in link["url"] for link in c.evidence_links)


def test_r_act_02_r_ins_03_a_joint_inspection_counts_for_each_department(district):
    year = clock.today().year - 1
    [p] = _awarded(district, year, 1, "p_hospital")
    _inspect(district, [p], "housing", year)
    i = Inspection.objects.get(project=p)
    InspectionDepartment.objects.create(inspection=i, department=district.orgs["transport"])
    fc.inspections_below_minimum(dt.date(year + 1, 3, 1))
    assert not _clues(unit=district.orgs["transport"]).exists()


# --- 5(六): a settlement entrusted to an intermediary without approval ---------------------------


def _accepted(d) -> Project:
    from postaward.projects import services
    from postaward.projects.choices import DocumentCategory
    from postaward.projects.tests import factories as f

    p = f.started_project(d)
    services.complete_works(actor=d.actor("school_leader"), project=p)
    doc = f.uploaded(d, p, DocumentCategory.ACCEPTANCE)
    services.accept_works(actor=d.actor("school_leader"), project=p, on=clock.today(), document=doc)
    p.refresh_from_db()
    return p


def test_r_act_02_r_set_02_self_entrusted_intermediary_is_5_6_on_the_owner_once(district):
    from postaward.projects import services

    p = _accepted(district)
    services.submit_settlement(
        actor=district.actor("school_leader"),
        project=p,
        on=clock.today(),
        amount=Decimal("3400000"),
        route="intermediary",
        intermediary="某某工程造价咨询有限公司",
        entrustment_approved=False,
    )
    events.dispatch_pending(limit=1000)
    qs = _clues(act__code="5-6")
    assert qs.count() == 1
    c = qs.get()
    assert c.unit == p.owner and c.party == "owner" and c.project == p
    assert c.auto_key == f"self_entrusted:{p.pk}"
    assert "某某工程造价咨询有限公司" in c.facts and "未经" in c.facts
    assert c.act.article == "第五条第（六）项"
    # delivered again: nothing new
    from postaward.projects.events import SettlementSelfEntrusted

    evt = events.load(SettlementSelfEntrusted.name, _payload(p))
    fc.on_settlement_self_entrusted(evt)
    assert qs.count() == 1


def _payload(p: Project) -> dict:
    return {
        "project_id": p.pk,
        "project_code": p.code,
        "project_name": p.name,
        "owner_id": p.owner_id,
        "industry_authority_id": p.industry_authority_id,
        "actor_user_id": None,
        "actor_name": "平台",
        "at": clock.now().isoformat(),
        "submitted_on": clock.today().isoformat(),
        "intermediary": "某某工程造价咨询有限公司",
    }


@pytest.mark.parametrize(
    "route,extra",
    [
        ("audit", {}),
        ("finance_review", {}),
        (
            "intermediary",
            {
                "intermediary": "某造价咨询公司",
                "entrustment_approved": True,
                "entrustment_ref": "衢审〔2026〕8号",
            },
        ),
    ],
)
def test_r_act_02_r_set_02_a_prescribed_route_raises_nothing(district, route, extra):
    from postaward.projects import services

    p = _accepted(district)
    services.submit_settlement(
        actor=district.actor("school_leader"),
        project=p,
        on=clock.today(),
        amount=Decimal("3400000"),
        route=route,
        **extra,
    )
    events.dispatch_pending(limit=1000)
    assert not _clues(act__code="5-6").exists()
    p.refresh_from_db()
    assert p.settlement_route == route
