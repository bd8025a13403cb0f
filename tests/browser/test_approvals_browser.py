"""An engineering change and a hidden-works acceptance through every step,
each by the right user in the browser (R-CHG-01, R-CHG-02, R-CHG-05,
R-HID-01..03)."""

from __future__ import annotations

import datetime as dt

import pytest

from postaward.approvals.choices import ChangeState, HiddenWorkState
from postaward.approvals.models import EngineeringChange, HiddenWork
from postaward.approvals.tests.factories import extras, jpeg
from postaward.core import clock
from postaward.core.actor import SYSTEM
from postaward.core.services import set_clock_offset
from postaward.testing import PASSWORD

from .conftest import login, screenshot, settle, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()


def act(page, action: str, **fields: str) -> None:  # type: ignore[no-untyped-def]
    for name, value in fields.items():
        page.fill(f"#id_{action}-{name}", value)
    # a registry step's submit button (core/_steps.html)
    submit(page, f"[data-testid={action}-submit]")


def step(page, name: str, **fields: str) -> None:  # type: ignore[no-untyped-def]
    """Take a registry step from its form (``core/_steps.html``)."""
    for field, value in fields.items():
        page.fill(f"#id_{name}-{field}", value)
    submit(page, f"[data-testid={name}-submit]")


def test_a_major_design_change_through_every_step(page, district, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    d = extras(district)
    p = d.projects["p_school"]
    contractor = p.participants.get(role="contractor")
    work_date = clock.today() + dt.timedelta(days=6)

    login(page, "pm_a", PASSWORD)
    page.goto(f"{page.base_url}/approvals/changes/new/")
    page.select_option("#id_project", str(p.pk))
    page.select_option("#id_participant", str(contractor.pk))
    page.select_option("#id_category", "design")
    page.fill("#id_title", "报告厅屋面改为钢结构")
    page.fill("#id_reason", "原混凝土屋面跨度大，施工风险高，设计单位建议调整")
    page.fill("#id_scope", "报告厅屋面由现浇混凝土改为钢结构网架")
    page.fill("#id_cost_delta", "1260000")
    page.fill("#id_days_delta", "12")
    page.fill("#id_work_date", work_date.isoformat())
    submit(page, "[data-testid=submit]")
    change = EngineeringChange.objects.get(title="报告厅屋面改为钢结构")
    assert change.is_major
    assert page.locator("[data-testid=state]").inner_text() == "待监理审核"
    deadline_text = page.locator("[data-testid=deadlines]").inner_text()
    assert "自然日" in deadline_text and f"{work_date:%Y-%m-%d} 24:00" in deadline_text
    screenshot(page, "approvals-change-raised")
    logout(page)

    url = f"{page.base_url}/approvals/changes/{change.pk}/"
    for user, action, state in (
        ("chief_a", "review", "待建设单位审批"),
        ("school_leader", "approve", "待发改部门审批"),
        ("drc", "approve_drc", "已批准"),
    ):
        login(page, user, PASSWORD)
        page.goto(url)
        assert page.locator("[data-action]").count() >= 1
        act(page, action, opinion=f"{user} 同意")
        assert page.locator("[data-testid=state]").inner_text() == state
        if user == "drc":
            screenshot(page, "approvals-change-approved")
        logout(page)
    change.refresh_from_db()
    assert change.state == ChangeState.APPROVED and not change.after_the_fact
    assert change.approved_at is not None
    # the contractor sees the outcome but has nothing left to do
    login(page, "pm_a", PASSWORD)
    page.goto(url)
    assert page.locator("[data-testid=no-actions]").is_visible()
    assert "变更达3次" not in page.content()


def test_a_hidden_works_acceptance_through_every_step(page, district, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    d = extras(district)
    p = d.projects["p_school"]
    work_date = clock.today()

    # The contractor applies on the day before (the platform clock one day back).
    set_clock_offset(actor=SYSTEM, offset=dt.timedelta(days=-1))
    try:
        login(page, "pm_a", PASSWORD)
        page.goto(f"{page.base_url}/approvals/hidden-works/new/")
        assert work_date.isoformat() in page.locator("[data-testid=intro]").inner_text()
        page.select_option("#id_project", str(p.pk))
        page.fill("#id_part_name", "二层框架梁钢筋")
        page.fill("#id_description", "钢筋规格、数量、间距、锚固长度、保护层厚度")
        page.fill("#id_work_date", work_date.isoformat())
        page.check("#id_is_important")
        submit(page, "[data-testid=submit]")
        hw = HiddenWork.objects.get(part_name="二层框架梁钢筋")
        assert page.locator("[data-testid=state]").inner_text() == "待旁站验收"
        logout(page)
    finally:
        set_clock_offset(actor=SYSTEM, offset=dt.timedelta(0))
    url = f"{page.base_url}/approvals/hidden-works/{hw.pk}/"

    # On the day the supervisor stands by and uploads the three photos.
    now = clock.now()
    files = {}
    for kind in ("before", "after", "scale"):
        # The scale photo has no EXIF time (the page records it) and was taken off site.
        far = {"lon": 120.90, "lat": 30.05} if kind == "scale" else {}
        photo = jpeg(f"{kind}.jpg", taken=now if kind != "scale" else None, **far)
        path = tmp_path / f"{kind}.jpg"
        path.write_bytes(photo.read())
        files[kind] = path
    login(page, "chief_a", PASSWORD)
    page.goto(url)
    page.fill("#id_standby-opinion", "钢筋规格、间距符合设计，同意隐蔽")
    for kind, path in files.items():
        page.set_input_files(f"#id_standby-photo_{kind}", str(path))
    submit(page, "[data-testid=standby-submit]")
    assert page.locator("[data-testid=state]").inner_text() == "监理已验收，待建设单位审核"
    warnings = page.locator("[data-testid=photo-warning]").all_inner_texts()
    assert any("不在项目现场" in w for w in warnings)
    assert page.locator("[data-testid=photo-ok]").count() == 2
    # The page recorded the time of capture (app.js) and the server stamped the images.
    assert all(ph.captured_at is not None for ph in hw.photos.all())
    logout(page)

    # An important part: the owner's staff stand by, then the owner reviews.
    login(page, "school_admin", PASSWORD)
    page.goto(url)
    step(page, "owner-standby", opinion="建设单位派员旁站，钢筋绑扎合格")
    logout(page)
    login(page, "school_leader", PASSWORD)
    page.goto(url)
    screenshot(page, "approvals-hidden-works-review")
    step(page, "approve", opinion="影像清晰，标尺照片缺少时间信息已核实")
    assert page.locator("[data-testid=state]").inner_text() == "审核通过"
    hw.refresh_from_db()
    assert hw.state == HiddenWorkState.REVIEWED and hw.owner_standby_at is not None
    states = page.locator("[data-testid=deadline-state]").all_inner_texts()
    assert states and all(s == "按期完成" for s in states)


def test_the_new_notice_button_only_for_the_supervising_firm(page, district):
    """Issue 11 §5: the contractor's project manager sees no 签发监理通知单 on
    the notices ledger; the chief supervising engineer sees it and it opens the
    form (R-SUP-01)."""
    login(page, "pm_a", PASSWORD)
    page.goto(f"{page.base_url}/approvals/notices/")
    assert page.locator("[data-testid=new]").count() == 0
    assert page.get_by_text("签发监理通知单").count() == 0
    logout(page)
    login(page, "chief_a", PASSWORD)
    page.goto(f"{page.base_url}/approvals/notices/")
    button = page.locator("[data-testid=new]")
    assert button.inner_text().strip() == "签发监理通知单"
    button.click()
    settle(page)
    assert page.locator("#id_title").count() == 1
    screenshot(page, "approvals-notice-new-by-supervisor")
