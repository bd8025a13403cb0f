"""On a phone: the office marks an alert as a typical case from the alert's
page (the form prefilled from the alert, the case linked back; R-REP-06,
ADR 0931); the office administrator adds a unit to the monthly reports'
directory (R-REP-02, ADR 0933)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from postaward.alerts.models import Alert
from postaward.orgs.choices import OrgKind
from postaward.reports.models import ReportingUnit, TypicalCase
from postaward.reports.tests import factories as f
from postaward.testing import PASSWORD, org

from .conftest import login, screenshot, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_r_rep_06_mark_a_typical_case_from_an_alert_on_a_phone(phone, district):
    f.alerts(district)
    alert = Alert.objects.get(project=district.projects["p_school"])
    login(phone, "office_staff", PASSWORD)
    phone.goto(f"{phone.base_url}{reverse('alerts_detail', args=[alert.pk])}")
    phone.click("[data-testid=mark-typical-alert]")
    phone.wait_for_selector("[data-testid=case-form]")
    assert alert.number in phone.inner_text("[data-testid=case-source]")
    assert alert.title in phone.input_value("#id_problem")
    phone.fill("#id_measures", "约谈施工单位负责人，限期落实项目经理到岗")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    submit(phone, "[data-testid=submit]")
    case = TypicalCase.objects.get()
    assert (case.source_id, case.project_id) == (alert.pk, district.projects["p_school"].pk)
    phone.click("[data-testid=case-source] a")
    phone.wait_for_selector("[data-testid=alert-title]")
    screenshot(phone, "reports-typical-case-from-alert-phone")


def test_r_rep_02_the_office_administrator_adds_a_reporting_unit_on_a_phone(phone, district):
    # an audit bureau: not a default reporting department (ADR 0933)
    natural = org(district.orgs["office"], "测试区审计局", OrgKind.AUDIT_BUREAU)
    login(phone, "office_admin", PASSWORD)
    phone.goto(f"{phone.base_url}{reverse('reports_units')}")
    phone.click("[data-testid=new]")
    phone.wait_for_selector("[data-testid=unit-form]")
    phone.select_option("#id_organisation", str(natural.pk))
    phone.select_option("#id_role", "department")
    submit(phone, "[data-testid=submit]")
    assert "测试区审计局" in phone.inner_text("[data-testid=units]")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert ReportingUnit.objects.get(organisation=natural).active
    screenshot(phone, "reports-units-phone")
