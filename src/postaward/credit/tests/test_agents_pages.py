"""The pages of the agents and experts part: the choice form refuses an agent
not best-rated without a justification (R-SCO-09), the pool form refuses an
official with the reason (R-SCO-09), the event page takes one grade per
expert (R-SCO-06), the lists export (R-SCO-05)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from postaward.testing import person

from ..models import AgentChoice, ExpertEvaluation, ExpertPoolMember, ExpertReport
from . import factories_agents as f

pytestmark = pytest.mark.django_db


def test_r_sco_09_the_choice_page_needs_the_justification_then_files_it(district):
    _, poor = f.rated_agents(district)
    c = district.client("school_admin")
    url = reverse("credit_agent_choice_new")
    form = {
        "project": district.projects["p_school"].pk,
        "agent": poor.pk,
        "method": "比选",
        "tender": "",
        "justification": "",
        "idempotency_key": "page-1",
    }
    r = c.post(url, form)
    assert r.status_code == 422
    body = r.content.decode()
    assert "须填写不少于10字的书面说明" in body and "R-SCO" not in body
    assert not AgentChoice.objects.exists()
    form.update(
        justification="该机构熟悉本校项目前期情况，经班子集体研究决定", idempotency_key="page-2"
    )
    r = c.post(url, form)
    assert r.status_code == 302
    choice = AgentChoice.objects.get()
    page = c.get(reverse("credit_agent_choice_detail", args=[choice.pk])).content.decode()
    assert "测试区纪委监委" in page and "经班子集体研究决定" in page
    # another owner does not see it
    assert (
        district.client("hospital_admin")
        .get(reverse("credit_agent_choice_detail", args=[choice.pk]))
        .status_code
        == 404
    )


def test_r_sco_09_the_pool_page_refuses_an_official_with_the_reason(district):
    official = person(district.orgs["housing"], name="冯科长")
    c = district.client("office_staff")
    r = c.post(reverse("credit_expert_pool_new"), {"person": official.pk, "specialty": "房建"})
    assert r.status_code == 422
    assert "不得进入评标专家库" in r.content.decode()
    assert not ExpertPoolMember.objects.filter(person=official).exists()
    assert district.client("school_admin").get(reverse("credit_expert_pool_new")).status_code == 403


def test_r_sco_06_the_event_page_takes_one_grade_per_expert_and_reports_c(district):
    e = f.event(district)
    expert = e.experts.order_by("pk").first()
    c = district.client("school_admin")
    url = reverse("credit_evaluation_event_detail", args=[e.pk])
    data = {"expert": expert.pk, "grade": "C", "reasons": "评标打分明显偏向个别投标人"}
    assert c.post(url, data).status_code == 302
    assert ExpertReport.objects.filter(expert=expert).count() == 1
    # the expert graded is no longer offered; a second post for him is refused
    r = c.post(url, {**data, "grade": "A"})
    assert r.status_code == 422
    assert ExpertEvaluation.objects.filter(event=e, expert=expert).count() == 1
    page = (
        district.client("office_staff").get(reverse("credit_expert_report_list")).content.decode()
    )
    assert "王*审" in page and "王评审" not in page


@pytest.mark.parametrize(
    "name",
    [
        "credit_agent_list",
        "credit_appraisal_list",
        "credit_agent_choice_list",
        "credit_expert_pool_list",
        "credit_evaluation_event_list",
        "credit_expert_report_list",
    ],
)
def test_r_sco_05_the_lists_render_export_and_print(district, name):
    f.rated_agents(district)
    f.report(district)
    c = district.client("office_staff")
    url = reverse(name)
    page = c.get(url)
    assert page.status_code == 200 and "R-SCO" not in page.content.decode()
    assert c.get(url, {"export": "xlsx"}).status_code == 200
    assert c.get(url, {"print": "1"}).status_code == 200


def test_r_sco_05_the_register_shows_the_best_rated(district):
    f.rated_agents(district)
    page = district.client("school_admin").get(reverse("credit_agent_list")).content.decode()
    assert "甲招标代理有限公司" in page and "良好" in page and "合格" in page


def test_r_sco_05_the_agent_page_shows_the_disclosure_and_the_office_checks_it(district):
    x = f.disclosure(district)
    url = reverse("credit_agent_detail", args=[x.agent_id])
    page = district.client("school_admin").get(url).content.decode()
    assert "项目负责人制度" in page and "择优范围" in page and "R-SCO" not in page
    office = district.client("office_staff").get(url).content.decode()
    assert "核查通过" in office and "退回补正" in office
    r = district.client("agent_admin").post(
        reverse("credit_disclosure_edit"),
        {**f.DISCLOSURE, "registered_count": 99},
    )
    assert r.status_code == 422 and "不能多于" in r.content.decode()


def test_r_sco_06_r_sco_09_the_menu_predicates(district):
    from .. import views_agents as v

    f.report(district)
    office, school, contractor = (
        district.actor("office_staff"),
        district.actor("school_admin"),
        district.actor("contractor_a_admin"),
    )
    assert v.can_see_pool(office) and not v.can_see_pool(school)
    assert v.can_see_events(school) and not v.can_see_events(contractor)
    assert v.can_see_reports(office) and v.can_see_reports(school)
    assert not v.can_see_reports(district.actor("hospital_admin"))
    assert v.can_see_choices(district.actor("discipline")) and not v.can_see_choices(contractor)
    assert v.can_see_agents(contractor) and not v.can_see_appraisals(contractor)


def test_r_sco_05_the_agents_own_disclosure_page_is_bounded(
    district, django_assert_max_num_queries
):
    """The agent's own disclosure form (one agent, one row): its queries do not
    grow with the district's agents (the query-bound walk's demo accounts have
    no agent login)."""
    f.disclosure(district)
    c = district.client("agent_admin")
    url = reverse("credit_disclosure_edit")
    c.get(url)  # warm the session
    with django_assert_max_num_queries(30):
        first = c.get(url)
    for i in range(5):
        f.agent(district, f"agent_more_{i}", f"丙{i}招标代理有限公司")
    with django_assert_max_num_queries(30):
        again = c.get(url)
    assert first.status_code == again.status_code == 200
