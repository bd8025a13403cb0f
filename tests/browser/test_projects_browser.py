"""A direct-award project from registration to the start of works, in the browser:
the owner's project leader enters it (R-PRJ-02), draws a circular site (centre
clicked on the map, radius typed), uploads the contracts (R-PRJ-03), assigns the
key personnel with their certificates (R-ORG-05), sees what is still missing,
and starts works."""

from __future__ import annotations

import pytest

from postaward.core.files import minimal_pdf
from postaward.projects.choices import Position
from postaward.projects.models import Project
from postaward.projects.tests.factories import staff
from postaward.testing import PASSWORD

from .conftest import login, screenshot, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def contract_pdf(tmp_path):
    path = tmp_path / "施工合同.pdf"
    path.write_bytes(minimal_pdf(["Construction contract ZF-TEST"]))
    return path


def test_owner_registers_a_direct_award_project_and_starts_works(
    page, district, settings, tmp_path, contract_pdf
):
    settings.MEDIA_ROOT = tmp_path / "media"
    pm, _ = staff(district, Position.PROJECT_MANAGER, name="周建国")
    chief, _ = staff(district, Position.CHIEF_SUPERVISING_ENGINEER, name="吴监理")

    login(page, "school_leader", PASSWORD)
    page.goto(f"{page.base_url}/projects/")
    page.click("[data-testid=new-project]")
    page.fill("#id_name", "第一中学食堂改造工程")
    page.select_option("#id_procurement_method", "direct_award")
    page.select_option("#id_industry", "housing")
    page.fill("#id_contract_amount", "3,500,000")
    page.check("#id_is_small_works")
    page.fill("#id_planned_start", "2026-12-01")
    page.fill("#id_planned_completion", "2027-04-30")
    page.fill("#id_site_address", "测试区学府路1号")
    page.click("[data-testid=submit]")

    # The site: click the centre on the map, type the radius.
    page.wait_for_selector("[data-testid=site-map][data-ready='1']")
    page.click("[data-testid=site-map]", position={"x": 420, "y": 240})
    assert page.input_value("#id_lon") and page.input_value("#id_lat")
    page.fill("#id_radius_m", "150")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "projects-site-editor")
    page.click("[data-testid=submit]")

    project = Project.objects.get(name="第一中学食堂改造工程")
    assert project.site_kind == "circle" and project.site_radius_m == 150
    assert 72 < project.site_lon < 137 and 0 < project.site_lat < 56
    assert project.status == "preparing" and project.is_small_works

    # Before anything else, the page says exactly what is missing.
    page.goto(f"{page.base_url}/projects/{project.pk}/")
    readiness = page.inner_text("[data-testid=readiness]")
    assert "未登记施工单位" in readiness and "未登记监理单位" in readiness
    assert "未配备项目负责人（项目经理）" in readiness and "未配备总监理工程师" in readiness
    assert "场地" not in readiness

    # The contracts, with their files.
    for role, org, number in (
        ("contractor", district.orgs["contractor_b"], "ZF-HT-001"),
        ("supervising_firm", district.orgs["supervisor_a"], "ZF-JL-001"),
    ):
        page.click("[data-testid=add-participant]")
        page.select_option("#id_role", role)
        page.select_option("#id_organisation", str(org.pk))
        page.fill("#id_contract_number", number)
        page.fill("#id_contract_amount", "3500000" if role == "contractor" else "52000")
        page.fill("#id_contract_signed_on", "2026-11-20")
        page.set_input_files("#id_contract_file", str(contract_pdf))
        submit(page, "[data-testid=submit]")
        assert "参建单位已登记" in page.inner_text("main")

    # The key personnel; the certificate on file is picked for the chosen person.
    for position, person in (
        (Position.PROJECT_MANAGER, pm),
        (Position.CHIEF_SUPERVISING_ENGINEER, chief),
    ):
        page.click("[data-testid=add-person]")
        page.select_option("#id_position", position)
        page.select_option("#id_person", str(person.pk))
        assert page.input_value("#id_certificate") != ""
        submit(page, "[data-testid=submit]")
        assert "已配备关键岗位人员" in page.inner_text("main")

    assert "开工条件已齐备" in page.inner_text("[data-testid=readiness]")
    assert "施工合同.pdf" in page.inner_text("[data-testid=participants]")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "projects-ready-to-start")

    page.click("[data-transition=start_works]")
    submit(page, "[data-testid=submit]")
    assert page.inner_text("[data-testid=project-status]") == "在建"
    project.refresh_from_db()
    assert project.status == "under_construction" and project.actual_start is not None
    assert set(project.assignments.values_list("position", flat=True)) == {
        Position.PROJECT_MANAGER,
        Position.CHIEF_SUPERVISING_ENGINEER,
    }
    assert all(a.certificate_id for a in project.assignments.all())
    assert "开工" in page.inner_text("[data-testid=timeline]")


def test_start_refused_page_lists_missing_contracts(page, district, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    from postaward.projects.tests.factories import direct_project

    project = direct_project(district)
    login(page, "school_leader", PASSWORD)
    page.goto(f"{page.base_url}/projects/{project.pk}/transition/start_works/")
    precheck = page.inner_text("[data-testid=precheck]")
    assert "未设置项目场地" in precheck and "未登记施工单位" in precheck
    submit(page, "[data-testid=submit]")
    assert "不能开工" in page.inner_text("main")
    project.refresh_from_db()
    assert project.status == "preparing"


def test_project_map_and_statistics_draw_for_the_office(page, district):
    login(page, "office_staff", PASSWORD)
    page.goto(f"{page.base_url}/projects/map/")
    page.wait_for_selector("[data-testid=project-map][data-loaded]")
    assert page.get_attribute("[data-testid=project-map]", "data-loaded") == "2"
    assert page.locator(".leaflet-interactive").count() == 2
    screenshot(page, "projects-map")
    page.goto(f"{page.base_url}/projects/stats/")
    page.wait_for_selector("#chart-stage canvas")
    assert "在建" in page.inner_text("[data-testid=stats-table]")
