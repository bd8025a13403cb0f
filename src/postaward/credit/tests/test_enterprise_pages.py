"""The pages of the annual comprehensive scores (R-SCO-02, R-SCO-03): the list
(filters, sorting, a count per colour, export, print), a unit's credit page
(score, colour and reasons, the computation per project, earlier versions,
the credit archive and its export), the office's recomputation; scope: the
office all, an authority the scores under its rules, a unit its own (404
otherwise)."""

from __future__ import annotations

import pytest
import time_machine

from postaward.testing_xlsx import read_cells

from .. import annual
from ..models import AnnualRecompute
from . import factories as records_factories
from . import factories_annual as fa

pytestmark = pytest.mark.django_db
LIST = "/credit/enterprises/"


@pytest.fixture
def ex(district):
    with time_machine.travel(fa.AFTER_YEAR, tick=False):
        ex = fa.two_projects(district)
        annual.compute_annual(ex["key"], 2026, reason="首次计算")
        # 乙建设: only an event without a project, A2 −20 → 80 (blue) under 交通局
        fa.event(district, ex["transport"], "A2", subject=district.orgs["contractor_b"])
        annual.compute_annual(f"org:{district.orgs['contractor_b'].pk}", 2026, reason="首次计算")
        yield ex


def _page(district, user, url=LIST):
    with time_machine.travel(fa.AFTER_YEAR, tick=False):
        return district.client(user).get(url)


def test_r_sco_02_the_office_lists_every_unit_with_colour_counts(district, ex):
    r = _page(district, "office_staff")
    assert r.status_code == 200
    text = r.content.decode()
    assert "丙建设有限公司" in text and "乙建设有限公司" in text
    assert "84.86" in text and "蓝码" in text
    assert '<strong data-testid="colour-count-blue">2</strong>' in text
    assert '<strong data-testid="colour-count-green">0</strong>' in text
    assert "2027-01-20 10:00" in text  # computed at, local time
    assert "R-SCO" not in text  # cited by document and article, never by ID
    assert "第七条" in text


def test_r_sco_02_filters_sorting_export_and_print(district, ex):
    r = _page(district, "office_staff", f"{LIST}?colour=blue&sort=-score&year=2026")
    rows = list(r.context["object_list"])
    assert [s.subject_name for s in rows] == ["丙建设有限公司", "乙建设有限公司"]
    r = _page(district, "office_staff", f"{LIST}?industry=transport")
    assert [s.subject_name for s in r.context["object_list"]] == ["乙建设有限公司"]
    assert '<strong data-testid="colour-count-blue">1</strong>' in r.content.decode()
    r = _page(district, "office_staff", f"{LIST}?colour=red")
    assert list(r.context["object_list"]) == []
    xlsx = _page(district, "office_staff", f"{LIST}?export=xlsx")
    assert xlsx.status_code == 200
    texts = {c.text for c in read_cells(xlsx.content)}
    assert {"丙建设有限公司", "蓝码", "房建市政"} <= texts
    printed = _page(district, "office_staff", f"{LIST}?print=1")
    assert printed.status_code == 200 and "丙建设有限公司" in printed.content.decode()


def test_r_sco_02_scope_authority_and_unit(district, ex):
    # 住建局: the scores computed under its rules (丙: colour by 房建), not 乙 (交通)
    names = [s.subject_name for s in _page(district, "housing_staff").context["object_list"]]
    assert names == ["丙建设有限公司"]
    names = [s.subject_name for s in _page(district, "contractor_b_admin").context["object_list"]]
    assert names == ["乙建设有限公司"]
    url = f"{LIST}{ex['unit'].pk}/"
    assert _page(district, "contractor_b_admin", url).status_code == 404
    assert _page(district, "transport_staff", url).status_code == 404
    assert _page(district, "office_staff", url).status_code == 200
    assert _page(district, "housing_staff", url).status_code == 200
    assert _page(district, None, url).status_code == 302  # to the login


def test_r_sco_02_the_units_page_shows_the_computation_and_versions(district, ex):
    with time_machine.travel(fa.AFTER_YEAR, tick=False):
        fa.event(district, ex["housing"], "B1", subject=ex["unit"], project=ex["p1"])
        annual.compute_annual(ex["key"], 2026, reason="新增加分")
    r = _page(district, "office_staff", f"{LIST}{ex['unit'].pk}/")
    text = r.content.decode()
    assert '<strong class="fs-5" data-testid="score">86.57</strong>' in text
    assert "不低于蓝码最低分 80.00 分" in text
    assert text.count('data-testid="computation-row"') == 2
    assert "12,000,000.00" in text and "9,000,000.00" in text  # the weights
    assert "2,000,000.00" in text and "3,000,000.00" in text  # the unit's own contracts
    assert "52.5714" not in text and "54.2857" in text  # 95 × 12/21: the new version
    assert 'data-testid="earlier"' in text and "84.86" in text  # the first version
    assert text.count('data-testid="archive-row"') == 4  # A1, A2, A3, B1
    assert "R-SCO" not in text


def test_r_sco_02_the_archive_has_events_and_penalties_and_exports(district, ex):
    records_factories.record(district)  # a penalty of 甲建设
    with time_machine.travel(fa.AFTER_YEAR, tick=False):
        rs = fa.rule_set(district)
        fa.event(district, rs, "A1", subject=district.orgs["contractor_a"])
        annual.compute_annual(f"org:{district.orgs['contractor_a'].pk}", 2026, reason="测试")
    url = f"{LIST}{district.orgs['contractor_a'].pk}/"
    page = _page(district, "contractor_a_admin", url)
    text = page.content.decode()
    assert text.count('data-testid="archive-row"') == 2
    assert "处罚（处理）" in text and "记分" in text
    xlsx = _page(district, "contractor_a_admin", f"{url}?export=xlsx")
    assert xlsx.status_code == 200
    texts = [c.text for c in read_cells(xlsx.content)]
    assert "处罚（处理）" in texts and "测试记分A1" in " ".join(texts)


def test_r_sco_02_the_office_recomputes_a_year(district, ex):
    with time_machine.travel(fa.AFTER_YEAR, tick=False):
        r = district.client("office_staff").post(
            f"{LIST}2026/recompute/", {"reason": "规则新版本生效"}
        )
        assert r.status_code == 302
        run = AnnualRecompute.objects.get()
        assert (run.year, run.reason) == (2026, "规则新版本生效")
        page = district.client("office_staff").get(LIST).content.decode()
        assert 'data-testid="recompute-progress"' in page and "2026年度" in page
        # an authority, a unit: refused, nothing queued
        for user in ("housing_staff", "contractor_a_admin"):
            assert district.client(user).post(f"{LIST}2026/recompute/").status_code == 403
        assert "recompute-form" not in district.client("housing_staff").get(LIST).content.decode()
        # a year to come: refused with the reason, nothing queued
        bad = district.client("office_staff").post(f"{LIST}2031/recompute/", follow=True)
        assert "年度应在 2000 至 2027 年之间" in bad.content.decode()
        assert AnnualRecompute.objects.count() == 1
