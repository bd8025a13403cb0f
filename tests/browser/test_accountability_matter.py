"""On a phone: the office transfers a confirmed accountability clue to the
owner's superior unit, the unit's administrator decides 通报, and the
person's page shows this year's award eligibility lost (R-ACT-03, R-ACT-05)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from postaward.accountability.models import Matter
from postaward.accountability.tests import factories_matters as f
from postaward.core import clock
from postaward.testing import PASSWORD

from .conftest import login, screenshot, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()


def test_r_act_03_r_act_05_a_matter_transferred_decided_and_the_award_lost_on_a_phone(
    phone, district
):
    clue = f.clue(district)
    person = f.person(district)

    login(phone, "office_staff", PASSWORD)
    phone.goto(f"{phone.base_url}{reverse('accountability_matter_new')}?clue={clue.pk}")
    assert "测试区教育局（上级主管单位）" in phone.inner_text("#id_body")
    phone.fill("#id_transfer_note", "经核实，建设单位项目负责人履职不到位，建议依规问责")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    submit(phone, "[data-testid=submit]")
    matter = Matter.objects.get()
    assert phone.inner_text("[data-testid=matter-state]") == "待有权机关处理"
    screenshot(phone, "accountability-matter-transferred-phone")

    logout(phone)
    login(phone, "edu_admin", PASSWORD)
    phone.goto(f"{phone.base_url}{reverse('accountability_matter_detail', args=[matter.pk])}")
    phone.check("[data-testid=decide-form] input[name=measures][value=circulated]")
    phone.fill("[data-testid=decide-form] input[name=decided_on]", clock.today().isoformat())
    phone.fill("[data-testid=decide-form] input[name=decision_document]", "教党〔2026〕12号")
    submit(phone, "[data-testid=decide-submit]")
    assert phone.inner_text("[data-testid=measures]") == "通报"
    assert "取消" in phone.inner_text("[data-testid=award]")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "accountability-matter-decided-phone")

    logout(phone)
    login(phone, "office_staff", PASSWORD)
    phone.goto(f"{phone.base_url}{reverse('person_detail', args=[person.pk])}")
    section = phone.inner_text("[data-testid=award-eligibility]")
    assert f"{clock.today().year}年度" in section and "已取消" in section
    assert matter.number in section
    screenshot(phone, "accountability-person-award-lost-phone")
