"""On a phone: the office sends the housing authority a bad-conduct proposal
(不良行为认定建议书), the authority's staff see its decision period and
recognise it, the list shows it recognised (R-ACT-07)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from postaward.accountability.models import Proposal
from postaward.testing import PASSWORD

from .conftest import login, screenshot, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_r_act_07_a_proposal_filed_and_recognised_on_a_phone(phone, district):
    login(phone, "office_staff", PASSWORD)
    phone.goto(f"{phone.base_url}{reverse('accountability_proposal_new')}")
    phone.select_option("#id_department", str(district.orgs["housing"].pk))
    phone.select_option("#id_unit", str(district.orgs["contractor_a"].pk))
    phone.select_option("#id_project", str(district.projects["p_school"].pk))
    phone.fill("#id_conduct", "项目负责人无故缺岗")
    phone.fill("#id_facts", "月度检查发现施工单位项目经理连续多日未到岗履职，考勤记录缺失")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    submit(phone, "[data-testid=submit]")
    p = Proposal.objects.get()
    assert phone.inner_text("[data-testid=proposal-state]") == "待认定"
    screenshot(phone, "accountability-proposal-filed-phone")

    phone.context.clear_cookies()
    login(phone, "housing_staff", PASSWORD)
    phone.goto(f"{phone.base_url}{reverse('accountability_proposal_detail', args=[p.pk])}")
    assert "24:00" in phone.inner_text("[data-testid=deadlines]")
    phone.fill(
        "[data-testid=recognise-form] textarea[name=decision_text]", "认定项目负责人无故缺岗"
    )
    phone.fill("[data-testid=recognise-form] input[name=decision_document]", "住建认〔2026〕3号")
    submit(phone, "[data-testid=recognise-submit]")
    assert phone.inner_text("[data-testid=proposal-state]") == "已认定"
    assert phone.is_visible("[data-testid=credit-entry]")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "accountability-proposal-recognised-phone")

    phone.goto(f"{phone.base_url}{reverse('accountability_proposal_list')}")
    assert p.number in phone.inner_text("[data-testid=proposal-list]")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
