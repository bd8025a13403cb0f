"""Credit statistics (R-SCO-02, R-SCO-03, R-SCO-04; ADR 0692): the
distribution of annual scores per industry and colour, the colour movements
(between versions and between years), the top deductions with their basis;
filters, export, scope (the office all, an authority its own rules; others
403) and bounded queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from postaward.orgs.choices import OrgKind
from postaward.testing import org as make_org
from postaward.testing_xlsx import read_cells

from .. import annual, stats
from . import factories_annual as fa

pytestmark = pytest.mark.django_db
URL = "/credit/stats/"


@pytest.fixture
def small(district):
    """甲 (housing): 92 green, then 84 blue in 2026; 乙 (transport): 98 green
    in 2025, 80 blue in 2026."""
    d = district
    a, b = d.orgs["contractor_a"], d.orgs["contractor_b"]
    with time_machine.travel(fa.AFTER_YEAR, tick=False):
        housing = fa.rule_set(d, "housing", "housing")
        transport = fa.rule_set(d, "transport", "transport")
        fa.event(d, housing, "A1", subject=a, on=fa.dt.date(2026, 3, 1))
        annual.compute_annual(f"org:{a.pk}", 2026, reason="首次计算")
        fa.event(d, housing, "A1", subject=a, on=fa.dt.date(2026, 5, 1))
        annual.compute_annual(f"org:{a.pk}", 2026, reason="记分事件变化（新增记分）")
        fa.event(d, transport, "A3", subject=b, on=fa.dt.date(2025, 6, 1))
        annual.compute_annual(f"org:{b.pk}", 2025, reason="首次计算")
        fa.event(d, transport, "A2", subject=b, on=fa.dt.date(2026, 6, 1))
        annual.compute_annual(f"org:{b.pk}", 2026, reason="首次计算")
        yield d


def test_r_sco_02_distribution_per_industry_and_colour(district, small):
    dist = stats.distribution(district.actor("office_staff"), 2026)
    got = {r["industry"]: r["counts"] for r in dist["rows"]}
    # green, blue, yellow, orange, red
    assert got == {"housing": [0, 1, 0, 0, 0], "transport": [0, 1, 0, 0, 0]}
    assert dist["totals"] == [0, 2, 0, 0, 0] and dist["total"] == 2
    only = stats.distribution(district.actor("office_staff"), 2026, "transport")
    assert [r["industry"] for r in only["rows"]] == ["transport"] and only["total"] == 1
    last_year = stats.distribution(district.actor("office_staff"), 2025)
    assert last_year["totals"] == [1, 0, 0, 0, 0]


def test_r_sco_03_movements_between_versions_and_years(district, small):
    moves = stats.movements(district.actor("office_staff"), 2026)
    seen = {(m.subject_name, m.between, m.colour_from, m.colour_to) for m in moves}
    assert seen == {
        ("甲建设有限公司", "2026年第1版→第2版", "green", "blue"),
        ("乙建设有限公司", "2025年→2026年", "green", "blue"),
    }
    a = next(m for m in moves if m.subject_name == "甲建设有限公司")
    assert (a.score_from, a.score_to, a.worse) == (Decimal("92.00"), Decimal("84.00"), True)


def test_r_sco_04_top_deductions_with_their_basis(district, small):
    top = stats.top_deductions(district.actor("office_staff"), 2026)
    assert [(t["code"], t["total"], t["n"], t["subjects"]) for t in top] == [
        ("A2", Decimal("-20"), 1, 1),
        ("A1", Decimal("-16"), 2, 1),
    ]
    assert top[0]["basis"] == "《上虞区政府投资（国有建设）项目监督管理实施细则（试行）》第四十条"
    # an authority counts only what its rules scored
    own = stats.top_deductions(district.actor("housing_staff"), 2026)
    assert [t["code"] for t in own] == ["A1"]
    assert stats.distribution(district.actor("housing_staff"), 2026)["total"] == 1


def test_r_sco_04_the_page_filters_exports_and_is_scoped(district, small):
    with time_machine.travel(fa.AFTER_YEAR, tick=False):
        c = district.client("office_staff")
        page = c.get(f"{URL}?year=2026")
        assert page.status_code == 200
        text = page.content.decode()
        assert "甲建设有限公司" in text and "第四十条" in text and "R-SCO" not in text
        assert 'data-testid="dist-housing"' in text and 'data-testid="dist-transport"' in text
        filtered = c.get(f"{URL}?year=2026&industry=housing").content.decode()
        assert 'data-testid="dist-transport"' not in filtered
        for kind, expect in (
            ("distribution", "房建市政"),
            ("movements", "乙建设有限公司"),
            ("deductions", "A2"),
        ):
            x = c.get(f"{URL}?year=2026&export={kind}")
            assert x.status_code == 200 and expect in {cell.text for cell in read_cells(x.content)}
        assert district.client("housing_staff").get(URL).status_code == 200
        for user in ("contractor_a_admin", "school_admin"):
            assert district.client(user).get(URL).status_code == 403, user


def test_r_sco_02_statistics_take_a_bounded_number_of_queries(
    district, small, django_assert_max_num_queries
):
    with time_machine.travel(fa.AFTER_YEAR, tick=False):
        rs = fa.rule_set(district, "housing", "housing")
        for n in range(12):  # twelve more units scored: the query count does not grow
            org = make_org(district.orgs["office"], f"测试施工企业{n}", OrgKind.CONTRACTOR)
            fa.event(district, rs, "A3", subject=org)
            annual.compute_annual(f"org:{org.pk}", 2026, reason="首次计算")
        a = district.actor("office_staff")
        with django_assert_max_num_queries(4):
            assert stats.distribution(a, 2026)["total"] == 14
            stats.movements(a, 2026)
            assert len(stats.top_deductions(a, 2026)) == 3
        c = district.client("office_staff")
        c.get(URL)  # warm the session
        with django_assert_max_num_queries(30):
            assert c.get(f"{URL}?year=2026").status_code == 200
