"""An inspection in the browser (issue 15 "done when"; R-INS-05, R-INS-06,
R-INS-08, R-CAS-05): an inspector records findings on a phone (photo taken in
the page, with the phone's position and time), the finding becomes a
rectification order that the contractor answers and the inspector verifies,
the office head signs off and the office publishes: the result is public."""

from __future__ import annotations

import pytest

from postaward.core.files import minimal_image
from postaward.testing import PASSWORD

from .conftest import INSIDE, login, screenshot, settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _go(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{page.base_url}{url}")
    settle(page)


def _submit(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.click(f"[data-testid={name}-submit]")
    settle(page)


def _as(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    login(page, username, PASSWORD)


def test_r_ins_05_r_ins_08_an_inspection_on_a_phone_to_its_public_result(
    page, phone, district, tmp_path
):
    from postaward.inspections.models.visits import Evidence, Inspection, RectificationOrder
    from postaward.inspections.tests import factories_visits as f

    i = f.scheduled(district, announced=False)  # 不打招呼: straight on site
    first, second = list(i.items.all())
    url = f"/inspections/visits/{i.pk}/"
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(minimal_image())

    # The inspector on a phone: on site, a finding with a photo, the other item compliant.
    login(phone, "housing_staff", PASSWORD)
    _go(phone, url)
    _submit(phone, "start_visit")
    assert phone.inner_text("[data-testid=visit-state]") == "现场检查"
    form = "[data-testid=record-form]"
    phone.select_option(f"{form} select[name=item_id]", str(first.pk))
    phone.select_option(f"{form} select[name=result]", "finding")
    phone.fill(f"{form} textarea[name=description]", "项目经理不在岗，现场由他人代管")
    phone.select_option(
        f"{form} select[name=subject_org_id]", str(district.orgs["contractor_a"].pk)
    )
    phone.set_input_files(f"{form} input[name=photo]", str(photo))
    phone.wait_for_selector("text=已记录拍摄位置和时间")
    screenshot(phone, "inspections-record-phone")
    _submit(phone, "record")
    e = Evidence.objects.get()
    assert abs(e.lat - INSIDE["latitude"]) < 1e-4 and abs(e.lon - INSIDE["longitude"]) < 1e-4
    assert e.taken_at is not None
    assert phone.locator("[data-testid=evidence]").count() == 1
    phone.select_option(f"{form} select[name=item_id]", str(second.pk))
    phone.select_option(f"{form} select[name=result]", "compliant")
    _submit(phone, "record")

    # The finding: first and minor, no harm → a rectification order in 5 working days.
    d = "[data-testid=dispose-form]"
    phone.select_option(f"{d} select[name=disposition]", "rectify")
    phone.check(f"{d} input[name=first_minor]")
    phone.fill(f"{d} textarea[name=note]", "限期整改，项目经理须到岗履职")
    phone.fill(f"{d} input[name=days]", "5")
    _submit(phone, "dispose")
    order = RectificationOrder.objects.get()
    _submit(phone, "sign_record")

    # The second inspector signs on the desktop; the report goes to the head.
    login(page, "office_staff", PASSWORD)
    _go(page, url)
    _submit(page, "sign_record")
    assert page.inner_text("[data-testid=visit-state]") == "记录已签认"
    _go(phone, url)
    phone.fill("[data-testid=report-form] textarea[name=report]", "发现一个问题，已责令整改")
    _submit(phone, "report")

    # The contractor answers its order; the inspector verifies it.
    _as(page, "contractor_a_admin")
    _go(page, "/inspections/rectifications/")
    page.click(f"text={order.number}")
    settle(page)
    page.fill("[data-testid=reply-form] textarea[name=text]", "项目经理已到岗，附考勤记录")
    _submit(page, "reply")
    assert page.inner_text("[data-testid=order-state]") == "已回复待核查"
    _go(phone, f"/inspections/rectifications/{order.pk}/")
    phone.select_option("[data-testid=verify-form] select[name=verdict]", "passed")
    phone.fill("[data-testid=verify-form] textarea[name=note]", "经现场核查已到岗")
    _submit(phone, "verify")
    assert phone.inner_text("[data-testid=order-state]") == "已销号"

    # The head signs off; the office publishes the masked result.
    _as(page, "office_head")
    _go(page, url)
    _submit(page, "sign_off")
    assert "结果公开期限" in page.inner_text("[data-testid=clocks]")
    _as(page, "office_staff")
    _go(page, url)
    _submit(page, "publish")
    assert Inspection.objects.get(pk=i.pk).state == "published"

    # Anyone reads it on the public site, without an account.
    page.context.clear_cookies()
    _go(page, "/public/inspections/")
    page.click(f"text={i.number}")
    settle(page)
    assert "项目经理不在岗" in page.inner_text("[data-testid=public-results]")
    assert "33-0604-0002" in page.inner_text("[data-testid=public-inspectors]")
    screenshot(page, "inspections-public-result")
