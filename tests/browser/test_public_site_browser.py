"""A visitor on a phone walks the public site: home → projects → a project
(R-REP-04): no login, every section linked, nothing wider than the screen."""

from __future__ import annotations

import pytest

from postaward.core import clock
from postaward.projects.models import Project

from .conftest import screenshot, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_r_rep_04_a_visitor_reads_a_project_on_a_phone(phone, district):
    school = district.projects["p_school"]
    Project.objects.filter(pk=school.pk).update(award_date=clock.today(), updated_at=clock.now())
    phone.goto(f"{phone.base_url}/public/")
    for section in ("projects", "publications", "inspections", "draws", "credit", "blacklist"):
        assert phone.locator(f"[data-testid=go-{section}]").count() == 1
    submit(phone, "[data-testid=go-projects]")
    phone.fill("[data-testid=public-projects-q]", school.name[:4])
    submit(phone, "[data-testid=public-projects-search]")
    rows = phone.locator("[data-testid=public-project-row]")
    assert rows.count() >= 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    submit(phone, f"[data-testid=public-project-row]:has-text('{school.name}')")
    assert phone.inner_text("[data-testid=public-project-name]") == school.name
    facts = phone.inner_text("[data-testid=public-project-facts]")
    assert "建设单位" in facts and "合同金额" in facts and "建设阶段" in facts
    screenshot(phone, "public-project-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_r_rep_07_a_visitor_reads_the_monthly_summary_on_a_phone(phone, district):
    """Home → 月度监管工作公开 → a month → the month before: the figures as
    cards and tables that fit a 390 px screen, no login (ADR 0922)."""
    school = district.projects["p_school"]
    Project.objects.filter(pk=school.pk).update(award_date=clock.today(), updated_at=clock.now())
    phone.goto(f"{phone.base_url}/public/")
    submit(phone, "[data-testid=go-summary]")
    assert phone.locator("[data-testid=summary-months] tbody tr").count() == 12
    assert int(phone.inner_text("[data-testid=sum-projects]")) >= 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    submit(phone, "[data-testid=summary-latest]")
    assert "截至今日" in phone.inner_text("h1")
    assert int(phone.inner_text("[data-testid=sum-new-projects]")) >= 1
    assert phone.locator("[data-testid=sum-by-industry] tr").count() >= 5
    screenshot(phone, "public-summary-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    submit(phone, "[data-testid=summary-older]")
    assert "截至今日" not in phone.inner_text("h1")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
