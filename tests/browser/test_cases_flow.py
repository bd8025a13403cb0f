"""The whole way of a case (issue #14, "done when"; R-CAS-01..05): from an
accepted complaint the office opens a case; the head forms the team; the team
asks for and gets an extension and reports; the office deliberates and the
review meeting records its minutes; the housing bureau files the case,
approves the penalty, notifies, decides and delivers; the office enters the
credit record on the next working day; the head signs off and the office
publishes the decision on the public site. Every document is a numbered PDF
that opens."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from postaward.core import business_calendar, clock, events
from postaward.core.actor import SYSTEM
from postaward.core.files import minimal_pdf
from postaward.core.services import set_clock_offset
from postaward.testing import PASSWORD

from .conftest import login, screenshot, settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    login(page, username, PASSWORD)


def _go(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{page.base_url}{url}")
    settle(page)


def _step(page, name: str, fields: dict[str, str] | None = None) -> None:  # type: ignore[no-untyped-def]
    form = f"[data-testid={name}-form]"
    for field, value in (fields or {}).items():
        page.fill(f"{form} [name={field}]", value)
    page.click(f"[data-testid={name}-submit]")
    settle(page)


def _state(page) -> str:  # type: ignore[no-untyped-def]
    return page.inner_text("[data-testid=case-state]")


def test_r_cas_03_from_an_accepted_complaint_to_delivery_and_credit_entry(page, district, tmp_path):
    from postaward.cases.models import Case, CaseDocument
    from postaward.cases.tests import factories as cf
    from postaward.complaints.tests import factories as compf

    cf.staff(district)
    complaint = compf.accepted(district)

    # The office opens a case on the accepted complaint (R-CAS-01).
    login(page, "office_staff", PASSWORD)
    _go(page, f"/complaints/{complaint.pk}/")
    _step(page, "open_case", {"title": "项目经理长期不在岗"})
    events.dispatch_pending()
    case = Case.objects.get()
    assert case.source_ref == complaint.receipt_number
    _go(page, "/cases/")
    page.click(f"text={case.number}")
    settle(page)
    assert complaint.receipt_number in page.inner_text("[data-testid=case-source]")
    url = f"/cases/{case.pk}/"

    # The head forms the team from the enforcement pool (R-CAS-02).
    _as(page, "office_head")
    _go(page, url)
    page.select_option(
        "[data-testid=assign_team-form] select[name=leader_id]",
        str(cf.cert(district, "housing_staff")),
    )
    page.select_option(
        "[data-testid=assign_team-form] select[name=member_ids]",
        [str(cf.cert(district, "office_staff"))],
    )
    _step(page, "assign_team")
    assert _state(page) == "调查中"
    assert "33-0604-0002" in page.inner_text("[data-testid=team]")

    # The team asks for an extension; the head approves it.
    _as(page, "housing_staff")
    _go(page, url)
    _step(page, "request_extension", {"days": "5", "reason": "需调取监控资料"})
    _as(page, "office_head")
    _go(page, url)
    _step(page, "approve_extension", {"note": "同意延期"})
    assert page.inner_text("[data-testid=extension-count]") == "1"

    # The team reports; the office deliberates and holds the review meeting.
    _as(page, "housing_staff")
    _go(page, url)
    _step(
        page,
        "submit_report",
        {"report": "经现场核查，项目经理连续12个工作日未到岗", "proposal": "建议立案查处"},
    )
    _as(page, "office_head")
    _go(page, url)
    _step(page, "deliberate", {"opinion": "同意调查组意见，提交会审"})
    _step(
        page,
        "hold_meeting",
        {
            "held_on": clock.today().isoformat(),
            "agenda": "审议甲建设有限公司案",
            "attendees": "监管办主任、住建局、交通局",
            "minutes": "会审认为事实清楚，同意立案",
        },
    )
    assert "会审认为事实清楚" in page.inner_text("[data-testid=meeting]")

    # The housing bureau files, the team reviews the evidence, the bureau approves.
    _as(page, "housing_head")
    _go(page, url)
    _step(page, "file_case", {"note": "同意立案"})
    _as(page, "housing_staff")
    _go(page, url)
    _step(
        page,
        "final_report",
        {
            "evidence_review": "证据确实充分",
            "measure": "罚款5万元；责令改正",
            "fine_yuan": "50000",
            "points": "6",
            "basis": "《建设工程质量管理条例》第六十条",
        },
    )
    _as(page, "housing_head")
    _go(page, url)
    _step(page, "approve_penalty", {"note": "同意"})
    _as(page, "housing_staff")
    _go(page, url)
    _step(page, "notify")
    assert _state(page) == "已告知"
    _as(page, "housing_head")
    _go(page, url)
    page.check("[data-testid=decide-form] input[name=waived]")
    _step(page, "decide")
    assert re.fullmatch(r".+罚〔\d{4}〕\d+号（.*）", page.inner_text("[data-testid=decision]"))

    # Delivery with the proof of service.
    _as(page, "housing_staff")
    _go(page, url)
    proof = tmp_path / "送达回证.pdf"
    proof.write_bytes(minimal_pdf(["receipt"]))
    page.select_option("[data-testid=deliver-form] select[name=method]", "in_person")
    page.fill("[data-testid=deliver-form] [name=delivered_on]", clock.today().isoformat())
    page.set_input_files("[data-testid=deliver-form] input[name=proof]", str(proof))
    _step(page, "deliver")
    assert _state(page) == "待信用记录"

    # The credit entry on the next working day (R-CAS-04).
    today = clock.today()
    nxt = business_calendar.next_working_day(today + dt.timedelta(days=1))
    try:
        set_clock_offset(actor=SYSTEM, offset=nxt - today)
        _as(page, "office_staff")
        _go(page, url)
        _step(page, "credit_entry")
        assert _state(page) == "待签发公示"
        assert nxt.isoformat() in page.inner_text("[data-testid=credit-entered]")
        screenshot(page, "cases-flow-credit-entered")

        # The head signs off; the office publishes within 10 working days, the
        # decision is on the public site without an account (R-CAS-05).
        _as(page, "office_head")
        _go(page, url)
        _step(page, "sign_off_publication")
        events.dispatch_pending()
        from postaward.credit.models import CreditRecord
        from postaward.portal.models import Publication

        assert CreditRecord.objects.filter(case_id=case.pk).count() == 1
        pub = Publication.objects.get(case_id=case.pk)
        _as(page, "office_staff")
        _go(page, f"/portal/publications/{pub.pk}/")
        page.click("[data-testid=publish-submit]")
        settle(page)
        assert page.inner_text("[data-testid=publication-state]") == "已公示"
        page.context.clear_cookies()
        _go(page, "/public/publications/")
        page.click("[data-testid=public-publication]")
        settle(page)
        case.refresh_from_db()
        assert case.decision_number in page.inner_text("body")
        screenshot(page, "cases-flow-published")
    finally:
        set_clock_offset(actor=SYSTEM, offset=dt.timedelta(0))

    # Every document is a numbered PDF that opens (for the office).
    _as(page, "office_staff")
    docs = CaseDocument.objects.filter(case=case)
    assert docs.count() == 9
    for d in docs:
        resp = page.request.get(f"{page.base_url}/cases/documents/{d.pk}/")
        assert resp.status == 200 and resp.body().startswith(b"%PDF"), d.number
        assert re.search(r"〔\d{4}〕\d+号", d.number)
