"""A contract check in the browser (R-INS-07, R-INS-08): the contractor
registers a supplementary agreement with the project; the office opens a
check with two inspectors; the leader has the platform compare the award, the
contract and the agreement side by side, sees the differences and the flags
(a shadow contract, an illegal subcontract) and concludes; the suspected
violation becomes an inspection-sourced case."""

from __future__ import annotations

import pytest

from postaward.core import clock, events
from postaward.core.files import minimal_pdf
from postaward.testing import PASSWORD

from .conftest import login, screenshot, settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    login(page, username, PASSWORD)


def _go(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{page.base_url}{url}")
    settle(page)


def test_r_ins_07_agreement_check_side_by_side_and_conclusion(page, district, tmp_path):
    from postaward.cases.choices import Source
    from postaward.cases.models import Case
    from postaward.cases.tests import factories as cf
    from postaward.inspections.models.contracts import ContractCheck
    from postaward.inspections.tests import factories_contracts as f

    f.contract(district)
    f.subcontract(district, scope="教学楼主体结构施工", amount="1000000")
    cf.staff(district)
    project = district.projects["p_school"]

    # The contractor registers a supplementary agreement with the project.
    _as(page, "contractor_a_admin")
    _go(page, f"/projects/{project.pk}/")
    page.click("[data-testid=add-agreement]")
    settle(page)
    page.fill("[name=number]", "BC-01")
    page.fill("[name=signed_on]", clock.today().isoformat())
    page.fill("[name=amount_change]", "1500000")
    page.fill("[name=scope_change]", "增加风雨操场")
    pdf = tmp_path / "补充协议.pdf"
    pdf.write_bytes(minimal_pdf(["buchong xieyi BC-01"]))
    page.set_input_files("[name=file]", str(pdf))
    page.click("[data-testid=submit]")
    settle(page)
    assert "BC-01" in page.inner_text("[data-testid=agreements]")

    # The office opens a check with two inspectors from the enforcement pool.
    _as(page, "office_staff")
    _go(page, "/inspections/contract-checks/new/")
    form = "[data-testid=contract-check-new-form]"
    page.select_option(f"{form} select[name=project_id]", str(project.pk))
    page.select_option(f"{form} select[name=leader_id]", str(cf.cert(district, "housing_staff")))
    page.select_option(f"{form} select[name=member_ids]", [str(cf.cert(district, "office_staff"))])
    page.click("[data-testid=contract-check-new-submit]")
    settle(page)
    check = ContractCheck.objects.get()
    assert check.number in page.inner_text("h1, .card-header")

    # The leader has the platform compare: award, contract and agreement side by side.
    _as(page, "housing_staff")
    _go(page, f"/inspections/contract-checks/{check.pk}/")
    page.click("[data-testid=compare-submit]")
    settle(page)
    table = page.inner_text("[data-testid=comparison]")
    for title in ("中标结果", "施工合同", "补充协议 BC-01", "履约现状"):
        assert title in table
    assert page.locator("[data-testid=comparison] td[data-diff='1']").count() >= 3
    flags = page.inner_text("[data-testid=flags]")
    assert "阴阳合同" in flags and "违法分包" in flags and "主体结构" in flags
    screenshot(page, "inspections-contract-check-comparison")

    # The leader concludes each flag; the suspected violation requests a case.
    for flag in check.flags.all():
        page.check(f"[data-testid=conclude-form] input[name=flag_{flag.pk}][value='1']")
    page.fill(
        "[data-testid=conclude-form] [name=summary]",
        "补充协议调增价款超过10%并变更范围，主体结构分包",
    )
    page.click("[data-testid=conclude-submit]")
    settle(page)
    assert page.inner_text("[data-testid=check-state]") == "已作出结论"
    assert "提请监管办立案查处" in page.inner_text("[data-testid=conclusion]")
    screenshot(page, "inspections-contract-check-concluded")
    events.dispatch_pending()
    case = Case.objects.get(source=Source.INSPECTION)
    assert case.source_ref == check.number
