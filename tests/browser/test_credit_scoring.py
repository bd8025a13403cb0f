"""Scoring in the browser (R-SCO-01, R-SCO-02, R-SCO-03, R-SCO-08): the housing
authority's staff drafts a new version of its rules and changes one item, a
second person of the authority approves it (the drafter cannot); an owner
records a measure against its contractor, which scores it under the rules in
force; the office reads the unit's annual score and colour; the contractor
reads its own score event on a phone."""

from __future__ import annotations

import datetime as dt

import pytest

from postaward.core import clock
from postaward.core.actor import SYSTEM
from postaward.credit.choices import RuleSetState
from postaward.credit.default_rules import install_defaults
from postaward.credit.models import RuleSet, ScoreEvent
from postaward.credit.tests.factories_rules import leader
from postaward.testing import PASSWORD

from .conftest import login, screenshot, settle, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()


def test_r_sco_01_a_new_version_approved_by_a_second_person_then_a_measure_scores(page, district):
    since = clock.today() - dt.timedelta(days=30)
    v1 = install_defaults(actor=SYSTEM, authority=district.orgs["housing"], effective_from=since)
    reviewer = leader(district)

    # The authority's staff drafts version 2 from version 1 and raises one deduction.
    login(page, "housing_staff", PASSWORD)
    page.goto(f"{page.base_url}/credit/rules/new/")
    submit(page, "[data-testid=draft-submit]")
    v2 = RuleSet.objects.get(version=2)
    assert page.locator("[data-testid=rule-state]").inner_text() == "草稿"
    item = v2.items.get(code="F01")
    page.goto(f"{page.base_url}/credit/rules/{v2.pk}/items/{item.pk}/")
    page.fill("#id_points", "-3")
    submit(page, "[data-testid=item-submit]")
    assert "-3" in page.locator("[data-testid=rule-changes]").inner_text()
    submit(page, "[data-testid=submit-submit]")
    assert page.locator("[data-testid=rule-state]").inner_text() == "待复核"
    # the drafter is not the second person: no approval for them
    assert page.locator("[data-testid=approve-submit]").count() == 0
    logout(page)

    login(page, reviewer, PASSWORD)
    page.goto(f"{page.base_url}/credit/rules/{v2.pk}/")
    screenshot(page, "credit-rules-review")
    page.fill("#id_approve-opinion", "同意：提高处理措施的扣分")
    submit(page, "[data-testid=approve-submit]")
    assert page.locator("[data-testid=rule-state]").inner_text() == "生效"
    v1.refresh_from_db()
    assert v1.state == RuleSetState.SUPERSEDED and v1.effective_to == clock.today()
    logout(page)

    # The owner records a criticism of its contractor (SY 42): scored by version 2.
    login(page, "school_admin", PASSWORD)
    page.goto(f"{page.base_url}/credit/sanctions/new/")
    page.select_option("#id_kind", "criticism")
    page.select_option("#id_project", str(district.projects["p_school"].pk))
    page.select_option("#id_subject_org", str(district.orgs["contractor_a"].pk))
    page.fill("#id_reason", "项目经理当月考勤率不足80%，经约谈后仍未改正，予以通报批评")
    page.fill("#id_basis_document", "上虞区政府投资（国有建设）项目监督管理实施细则（试行）")
    page.fill("#id_basis_article", "第四十二条")
    page.fill("#id_decided_on", clock.today().isoformat())
    submit(page, "[data-testid=submit]")
    assert page.locator("[data-testid=sanction-state]").inner_text() == "有效"
    screenshot(page, "credit-sanction")
    logout(page)

    event = ScoreEvent.objects.get(subject_org=district.orgs["contractor_a"])
    assert event.item.rule_set_id == v2.pk and str(event.points) == "-3.00"

    # The office reads the unit's annual score and its colour.
    login(page, "office_staff", PASSWORD)
    page.goto(f"{page.base_url}/credit/enterprises/{district.orgs['contractor_a'].pk}/")
    text = page.locator("main").inner_text()
    assert "97" in text and "绿码" in text
    screenshot(page, "credit-enterprise")


def test_r_sco_01_the_contractor_reads_its_score_event_on_a_phone(phone, district):
    since = clock.today() - dt.timedelta(days=30)
    install_defaults(actor=SYSTEM, authority=district.orgs["housing"], effective_from=since)
    from postaward.credit.tests import factories_sanctions

    factories_sanctions.interview(district)
    event = ScoreEvent.objects.get(subject_org=district.orgs["contractor_a"])
    login(phone, "contractor_a_admin", PASSWORD)
    phone.goto(f"{phone.base_url}/credit/scores/")
    # the list shows cards on a phone: the event's reason is on a visible card
    assert phone.locator("text=受到处理措施 >> visible=true").count() >= 1
    phone.goto(f"{phone.base_url}/credit/scores/{event.pk}/")
    body = phone.locator("main").inner_text()
    assert "第四十七条" in body and "异议" in body
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    screenshot(phone, "credit-score-phone")


def test_r_sco_04_a_citizen_reads_colours_and_the_blacklist_on_a_phone(phone, district):
    """From the public home page to the credit disclosure and the blacklist,
    on a phone, without an account; nothing scrolls sideways."""
    from postaward.credit import annual
    from postaward.credit.tests import factories_sanctions

    since = clock.today() - dt.timedelta(days=30)
    install_defaults(actor=SYSTEM, authority=district.orgs["housing"], effective_from=since)
    factories_sanctions.suspension(district, days=60)
    annual.compute_annual(
        f"org:{district.orgs['contractor_a'].pk}", clock.today().year, reason="测试"
    )
    phone.goto(f"{phone.base_url}/public/")
    phone.click("[data-testid=go-credit]")
    settle(phone)
    assert phone.locator("[data-testid=public-credit-row] >> visible=true").count() >= 1
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "credit-public-phone")
    phone.goto(f"{phone.base_url}/public/credit/blacklist/")
    phone.click("[data-testid=blacklist-tabs] >> text=停业整顿")
    settle(phone)
    text = phone.locator("[data-testid=in-force]").inner_text()
    assert "甲建设有限公司" in text and "禁止参与区内招投标" in text
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
