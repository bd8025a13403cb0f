"""On a phone: the office generates last month's data-meeting pack, reads
its indicators and the charts (drawn by the vendored ECharts from the page's
own options) and records a decision of the meeting for the housing bureau,
which becomes the bureau's to-do (R-REP-03)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from postaward.core import clock
from postaward.core.models import Todo
from postaward.reports.models import MeetingDecision, MeetingPack
from postaward.testing import PASSWORD

from .conftest import login, screenshot, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_r_rep_03_the_data_meeting_pack_on_a_phone(phone, district):
    login(phone, "office_staff", PASSWORD)
    phone.goto(f"{phone.base_url}{reverse('reports_meeting')}")
    submit(phone, "[data-testid=meeting-new] button[type=submit]")
    pack = MeetingPack.objects.get()
    assert phone.inner_text("[data-testid=meeting-state]") == "材料已生成"
    assert "会商" in phone.inner_text("[data-testid=meeting-document]")
    # the charts are drawn in the browser (an SVG in each holder)
    phone.wait_for_selector("[data-testid=meeting-chart] svg")
    assert phone.locator("[data-testid=meeting-chart] svg").count() == 4
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "reports-meeting-phone")
    due = (clock.today() + dt.timedelta(days=7)).isoformat()
    phone.select_option("#id_decide-unit_id", str(district.orgs["housing"].pk))
    phone.fill("#id_decide-text", "住建局对超期未处置的红色预警逐件销号，下次例会报告")
    phone.fill("#id_decide-due_on", due)
    submit(phone, "[data-testid=decide-form] button[type=submit]")
    assert phone.inner_text("[data-testid=meeting-state]") == "已会商"
    assert "逐件销号" in phone.inner_text("[data-testid=meeting-decision]")
    d = MeetingDecision.objects.get(pack=pack)
    assert Todo.objects.get(key=d.todo_key).organisation_id == district.orgs["housing"].pk
