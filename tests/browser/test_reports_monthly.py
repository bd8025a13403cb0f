"""On a phone: the housing bureau generates its monthly report from the
month's data, edits a section, submits it; the report's Word and PDF are
issued and the list shows it submitted (R-REP-02)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from postaward.reports.models import MonthlyReport
from postaward.reports.tests import factories as f
from postaward.testing import PASSWORD

from .conftest import login, screenshot, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_r_rep_02_a_monthly_report_drafted_edited_and_submitted_on_a_phone(phone, district):
    f.known(district)
    login(phone, "housing_staff", PASSWORD)
    phone.goto(f"{phone.base_url}{reverse('reports_monthly')}")
    # this month (the known data are of today)
    from postaward.core import clock

    phone.fill("input[name=year]", str(clock.today().year))
    phone.fill("input[name=month]", str(clock.today().month))
    submit(phone, "[data-testid=monthly-new] button[type=submit]")
    assert "事中监管预警：共1" in phone.input_value("#id_work")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.fill("#id_experience", "联合检查与信用评价联动")
    submit(phone, "button[value=save]")
    r = MonthlyReport.objects.get(department=district.orgs["housing"])
    assert r.experience == "联合检查与信用评价联动"
    submit(phone, "[data-testid=submit-submit]")
    assert phone.inner_text("[data-testid=monthly-state]") == "已报送"
    assert "月报" in phone.inner_text("[data-testid=monthly-document]")
    screenshot(phone, "reports-monthly-phone")
    phone.goto(f"{phone.base_url}{reverse('reports_monthly')}")
    assert "已报送 1" in phone.inner_text("[data-testid=monthly-summary]")
