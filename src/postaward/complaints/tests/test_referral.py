"""Referral (移送) of a complaint to discipline inspection or public security
through the alerts' clue transfer (R-ALR-06, R-CMP-01, R-CMP-04; ADR 0515),
and the registration form's report (呈报) and joint study (会商) with the
printable 案件基本情况登记表 (R-CMP-01, R-CMP-04; ADR 0516)."""

from __future__ import annotations

import io
import json

import pytest
from docx import Document

from postaward.core import clock, events
from postaward.core.errors import Conflict, ValidationFailed
from postaward.core.models import AuditRecord, EventRecord
from postaward.orgs.choices import OrgKind, Role
from postaward.testing import account, db_fingerprint, org

from .. import services
from ..choices import ReferralState, ReferralTarget, State
from ..models import ComplaintReferral
from . import factories as f

pytestmark = pytest.mark.django_db

API = "/api/v1/complaints/{id}"


def deliver() -> int:
    """What the worker does after commit: deliver every pending event."""
    return events.dispatch_pending(limit=10_000)


def _refer(d, c, *, org_key: str = "discipline", target: str = ReferralTarget.DISCIPLINE):
    return d.client("office_staff").post(
        f"{API.format(id=c.pk)}/steps/refer",
        data=json.dumps(
            {
                "target": target,
                "recipient_org_id": d.orgs[org_key].pk,
                "document_number": "监管移〔2026〕1号",
                "note": "举报反映公职人员插手工程，移送纪检监察机关处理",
            }
        ),
        content_type="application/json",
    )


def _transfer_id(d, username: str) -> int:
    rows = d.client(username).get("/api/v1/alerts/transfers").json()
    assert len(rows) == 1, rows
    return int(rows[0]["id"])


def test_r_alr_06_referral_to_discipline_reaches_the_inspector_and_comes_back(district):
    """R-ALR-06: the office refers a complaint concerning officials; the
    inspector sees it in the clue-transfer list, signs for it and feeds back;
    the complaint shows the receipt number and the result. The complaint stays
    open (the office still answers the complainant)."""
    d = district
    c = f.accepted(d, concerns_officials=True)
    r = _refer(d, c)
    assert r.status_code == 200, r.content
    ref = ComplaintReferral.objects.get(complaint=c)
    assert (ref.target, ref.recipient_org, ref.state) == (
        ReferralTarget.DISCIPLINE,
        d.orgs["discipline"],
        ReferralState.SENT,
    )
    c.refresh_from_db()
    assert c.state == State.ACCEPTED  # referral does not close it
    assert deliver() >= 1
    inspector = d.client("discipline")
    tid = _transfer_id(d, "discipline")
    page = inspector.get("/alerts/transfers/").content.decode()
    assert c.receipt_number in page
    detail = inspector.get(f"/alerts/transfers/{tid}/").content.decode()
    assert c.facts in detail and "监管移〔2026〕1号" in detail
    ok = inspector.post(
        f"/api/v1/alerts/transfers/{tid}/steps/receive",
        data=json.dumps({"receipt_number": "纪回〔2026〕3号"}),
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    deliver()
    ref.refresh_from_db()
    assert (ref.state, ref.receipt_number) == (ReferralState.RECEIVED, "纪回〔2026〕3号")
    ok = inspector.post(
        f"/api/v1/alerts/transfers/{tid}/steps/feed_back",
        data=json.dumps({"result": "已立案审查，给予相关公职人员党内警告处分"}),
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    deliver()
    ref.refresh_from_db()
    assert ref.state == ReferralState.CONCLUDED and ref.result_by_name
    staff = d.client("office_staff")
    html = staff.get(f"/complaints/{c.pk}/").content.decode()
    assert "纪回〔2026〕3号" in html and "给予相关公职人员党内警告处分" in html
    out = staff.get(API.format(id=c.pk)).json()["referrals"]
    assert [(x["state"], x["receipt_number"]) for x in out] == [("concluded", "纪回〔2026〕3号")]
    # the office may still close the case and cite the referral in the answer
    services.close_complaint(
        actor=d.actor("office_staff"),
        complaint=c,
        outcome="substantiated",
        answer="经核查反映问题属实，已移送纪检监察机关依纪依法处理。",
    )


def test_r_cmp_04_the_referral_and_the_clue_carry_no_identity(district):
    """R-CMP-04: the event, the clue transfer and its pages carry the facts
    and the receipt number, never the complainant's name or mobile."""
    d = district
    c = f.accepted(d, concerns_officials=True)
    assert _refer(d, c).status_code == 200
    rec = EventRecord.objects.get(name="complaints.referred")
    payload = json.dumps(rec.payload, ensure_ascii=False)
    assert c.receipt_number in payload and c.facts in payload
    assert f.NAME not in payload and f.MOBILE not in payload
    deliver()
    tid = _transfer_id(d, "discipline")
    seen = json.dumps(
        d.client("discipline").get("/api/v1/alerts/transfers").json(), ensure_ascii=False
    )
    seen += d.client("discipline").get(f"/alerts/transfers/{tid}/").content.decode()
    assert c.receipt_number in seen
    assert f.NAME not in seen and f.MOBILE not in seen
    # delivered again (at least once): still one clue
    rec.dispatched_at = None
    rec.save(update_fields=["dispatched_at"])
    deliver()
    assert len(d.client("discipline").get("/api/v1/alerts/transfers").json()) == 1


def test_r_alr_06_referral_of_a_suspected_crime_to_public_security(district):
    d = district
    d.orgs["police"] = org(d.orgs["office"], "测试区公安分局", OrgKind.PUBLIC_SECURITY)
    d.users["police"] = account(d.orgs["police"], "police", [Role.POLICE_OFFICER])
    c = f.transferred(d, kind="report", standing="public")
    r = _refer(d, c, org_key="police", target=ReferralTarget.PUBLIC_SECURITY)
    assert r.status_code == 200, r.content
    deliver()
    tid = _transfer_id(d, "police")
    assert d.client("discipline").get("/api/v1/alerts/transfers").json() == []
    ok = d.client("police").post(
        f"/api/v1/alerts/transfers/{tid}/steps/receive",
        data=json.dumps({"receipt_number": "公受〔2026〕8号"}),
        content_type="application/json",
    )
    assert ok.status_code == 200
    deliver()
    ref = ComplaintReferral.objects.get(complaint=c)
    assert (ref.target, ref.receipt_number) == ("public_security", "公受〔2026〕8号")
    c.refresh_from_db()
    assert c.state == State.TRANSFERRED


def test_r_alr_06_refused_for_a_closed_complaint_or_a_body_outside_the_district(district):
    """A closed (or rejected) complaint is not referred; the recipient must be
    a body of that kind in the office's district; once per body. A refusal
    stores nothing."""
    d = district
    staff = d.actor("office_staff")
    closed = f.accepted(d)
    services.close_complaint(
        actor=staff, complaint=closed, outcome="not_substantiated", answer="经核查反映问题不属实。"
    )
    before = db_fingerprint()
    r = _refer(d, closed)
    assert r.status_code == 409
    assert r.json()["message"] == "投诉举报当前状态为“已办结”，不能移送"
    assert db_fingerprint() == before

    other = org(None, "另一区监管办", OrgKind.SUPERVISION_OFFICE)
    far = org(other, "另一区纪委监委", OrgKind.DISCIPLINE)
    c = f.accepted(d, concerns_officials=True)
    before = db_fingerprint()
    with pytest.raises(ValidationFailed, match="接收机关须为本区的纪检监察机关"):
        services.refer_complaint(
            actor=staff,
            complaint=c,
            target="discipline",
            recipient_org_id=far.pk,
            document_number="监管移〔2026〕2号",
            note="涉及公职人员，移送处理",
        )
    # the right district but the wrong kind for the direction
    with pytest.raises(ValidationFailed, match="接收机关须为本区的公安机关"):
        services.refer_complaint(
            actor=staff,
            complaint=c,
            target="public_security",
            recipient_org_id=d.orgs["discipline"].pk,
            document_number="监管移〔2026〕2号",
            note="涉嫌犯罪，移送处理",
        )
    with pytest.raises(ValidationFailed, match="请填写移送理由"):
        services.refer_complaint(
            actor=staff,
            complaint=c,
            target="discipline",
            recipient_org_id=d.orgs["discipline"].pk,
            document_number="监管移〔2026〕2号",
            note="",
        )
    assert db_fingerprint() == before
    assert _refer(d, c).status_code == 200
    before = db_fingerprint()
    with pytest.raises(Conflict, match="本件已移送测试区纪委监委"):
        services.refer_complaint(
            actor=staff,
            complaint=c,
            target="discipline",
            recipient_org_id=d.orgs["discipline"].pk,
            document_number="监管移〔2026〕3号",
            note="再次移送同一机关",
        )
    assert db_fingerprint() == before


def test_r_alr_06_the_refer_form_suggests_discipline_when_officials_are_concerned(district):
    d = district
    c = f.received(d, concerns_officials=True)
    html = d.client("office_staff").get(f"/complaints/{c.pk}/").content.decode()
    assert "测试区纪委监委" in html
    assert 'value="discipline" selected' in html
    plain = f.received(d)
    html = d.client("office_staff").get(f"/complaints/{plain.pk}/").content.decode()
    assert 'value="public_security" selected' in html


# --- 案件基本情况登记表: 呈报, 会商, the printable form ------------------------------------------------


def test_r_cmp_01_report_to_the_head_and_joint_study_on_the_registration_form(district):
    """R-CMP-01 (HC 附件 三(一)): the case reported to the office head with the
    head's instruction and the joint study are recorded by steps, shown on the
    page and in the API; a day before receipt is refused."""
    d = district
    c = f.received(d)
    staff = d.client("office_staff")
    day = clock.localtime(c.received_at).date().isoformat()  # the local day of receipt
    url = f"{API.format(id=c.pk)}/steps"
    bad = staff.post(
        f"{url}/report_head",
        data=json.dumps(
            {"reported_to": "张主任", "reported_on": "2020-01-01", "instruction": "请会商后处理"}
        ),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["message"] == "呈报日期应在收件日期之后、不晚于今天"
    ok = staff.post(
        f"{url}/report_head",
        data=json.dumps(
            {"reported_to": "张主任", "reported_on": day, "instruction": "请会商后处理"}
        ),
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    ok = staff.post(
        f"{url}/consult",
        data=json.dumps(
            {
                "consulted_on": day,
                "participants": "张主任、李科长、王干部",
                "opinion": "符合受理条件",
            }
        ),
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    out = staff.get(API.format(id=c.pk)).json()
    assert (out["reported_to"], out["head_instruction"]) == ("张主任", "请会商后处理")
    assert (out["consulted_on"], out["consult_opinion"]) == (day, "符合受理条件")
    html = staff.get(f"/complaints/{c.pk}/").content.decode()
    assert "请会商后处理" in html and "张主任、李科长、王干部" in html
    c.refresh_from_db()
    assert c.state == State.RECEIVED


def _docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_r_cmp_04_registration_form_shows_the_identity_only_after_an_audited_reveal(district):
    """R-CMP-04: the printed 案件基本情况登记表 has the identity sealed; the
    assigned staff print it with the identity after giving a reason, and the
    reveal is audited. Other accounts may not print it."""
    d = district
    c = f.accepted(d)
    staff = d.client("office_staff")
    url = f"/complaints/{c.pk}/registration-form/"
    pdf = staff.get(url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    sealed = _docx_text(b"".join(staff.get(url, {"word": "1"}).streaming_content))
    assert "案件基本情况登记表" in sealed and c.receipt_number in sealed
    assert f.NAME not in sealed and f.MOBILE not in sealed and "已加密保存" in sealed
    assert not AuditRecord.objects.filter(action="complaints.reveal_identity").exists()
    shown = staff.post(url, {"reason": "打印登记表存档", "word": "1"})
    assert shown.status_code == 200
    text = _docx_text(b"".join(shown.streaming_content))
    assert f.NAME in text and f.MOBILE in text
    rec = AuditRecord.objects.get(action="complaints.reveal_identity")
    assert rec.after == {"reason": "打印登记表存档"}
    assert d.client("office_admin").get(url).status_code == 403  # wrong role
    # staff of the office not assigned to the case: the sealed form only
    d.users["colleague"] = account(d.orgs["office"], "colleague", [Role.OFFICE_STAFF])
    assert d.client("colleague").get(url).status_code == 200
    assert d.client("colleague").post(url, {"reason": "打印存档"}).status_code == 403
    assert AuditRecord.objects.filter(action="complaints.reveal_identity").count() == 1
    other = org(None, "另一区监管办", OrgKind.SUPERVISION_OFFICE)
    d.users["other_staff"] = account(other, "other_staff", [Role.OFFICE_STAFF])
    assert d.client("other_staff").get(url).status_code == 404  # right role, out of scope
    assert d.client("other_staff").post(url, {"reason": "核实"}).status_code == 404
    assert d.client("housing_staff").get(url).status_code == 404
    assert d.client(None).get(url).status_code in (302, 401)
