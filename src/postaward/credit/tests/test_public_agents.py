"""The agents' register and the experts' results on the public site
(R-SCO-05, R-SCO-06): anonymous, ranked, names of experts masked."""

from __future__ import annotations

import pytest

from . import factories_agents as f

pytestmark = pytest.mark.django_db


def test_r_sco_05_the_agents_register_is_public_with_the_best_rated_marked(client, district):
    good, poor = f.rated_agents(district)
    page = client.get("/public/credit/agents/")
    assert page.status_code == 200
    html = page.content.decode()
    assert good.name in html and poor.name in html
    assert html.index(good.name) < html.index(poor.name)  # ranked by the appraisal
    assert html.count('data-testid="best-rated"') == 1  # 良好 only; 合格 is not best-rated
    found = client.get("/public/credit/agents/", {"q": poor.name}).content.decode()
    assert poor.name in found and good.name not in found


def test_r_sco_06_experts_results_are_public_with_names_masked(client, district):
    f.graded(district, "C")
    html = client.get("/public/credit/experts/").content.decode()
    assert "教学楼工程施工招标" in html and "王评审" not in html
    assert "建设单位评价 <strong>C</strong>" in html


def test_r_sco_05_r_sco_06_the_public_pages_do_not_grow_with_rows(
    client, district, django_assert_max_num_queries
):
    f.rated_agents(district)
    f.disclosure(district)
    f.graded(district, "B")
    client.get("/public/credit/agents/")
    with django_assert_max_num_queries(8):
        assert client.get("/public/credit/agents/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/public/credit/experts/").status_code == 200
    for i in range(6):
        a = f.agent(district, f"agent_more_{i}", f"丙{i}招标代理有限公司")
        f.appraisal(district, a, "good")
    with django_assert_max_num_queries(8):
        assert client.get("/public/credit/agents/").status_code == 200
