"""From receipt to the answer (R-CMP-01, R-CMP-03, R-CMP-05): staff intake,
accept or reject with reasons from the list, transfer down the four-level
chain with a handling deadline inside the legal one, the unit's reply, the
office's review and the closing with an answer; a substantiated one publishes
``ComplaintVerified``. Refusals change nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from postaward.core import clock, deadlines
from postaward.core.errors import Forbidden, ValidationFailed
from postaward.core.models import EventRecord
from postaward.testing import db_fingerprint

from .. import selectors, services
from ..choices import Channel, Kind, State
from ..deadline_kinds import UNIT_HANDLING
from ..models import Complaint
from . import factories as f

pytestmark = pytest.mark.django_db


def test_r_cmp_03_receipt_numbers_run_per_day_and_kind(district):
    with time_machine.travel(dt.datetime(2026, 9, 30, 9, 0, tzinfo=clock.LOCAL_TZ), tick=False):
        a, b = f.received(district), f.received(district)
        r = f.received(district, kind=Kind.REPORT, standing="public")
    assert (a.receipt_number, b.receipt_number) == ("TS20260930-0001", "TS20260930-0002")
    assert r.receipt_number == "JB20260930-0001"
    assert a.project == district.projects["p_school"] and a.office == district.orgs["office"]
    assert a.channel == Channel.LETTER and a.state == State.RECEIVED


def test_r_cmp_01_a_complaint_transferred_down_the_chain_answered_reviewed_and_closed(district):
    d = district
    staff = d.actor("office_staff")
    c = f.accepted(d)
    services.transfer_complaint(
        actor=staff,
        complaint=c,
        handling_org_id=d.orgs["school"].pk,
        handling_days=5,
        note="请建设单位核实并回复",
    )
    c.refresh_from_db()
    assert c.state == State.TRANSFERRED and c.handling_due is not None
    unit_clock = next(x for x in deadlines.deadlines_of(c) if x.kind == UNIT_HANDLING.kind)
    assert unit_clock.organisation_id == d.orgs["school"].pk
    # the owner's administrator now sees it and replies
    assert d.client("school_admin").get(f"/complaints/{c.pk}/").status_code == 200
    services.reply_complaint(
        actor=d.actor("school_admin"), complaint=c, reply="项目经理已到岗，补办了请假手续"
    )
    services.send_back_reply(actor=staff, complaint=c, note="请附考勤记录")
    c.refresh_from_db()
    assert c.state == State.TRANSFERRED and c.review_note == "请附考勤记录"
    services.reply_complaint(
        actor=d.actor("school_admin"), complaint=c, reply="已附考勤记录，情况属实已整改"
    )
    services.approve_reply(actor=staff, complaint=c, note="同意")
    services.close_complaint(
        actor=staff,
        complaint=c,
        outcome="substantiated",
        answer="经核查，反映问题属实，已责令整改。",
    )
    c.refresh_from_db()
    assert c.state == State.CLOSED and c.closed_at is not None
    verified = EventRecord.objects.get(name="complaints.verified")
    assert verified.payload["subject_text"] == "甲建设有限公司"
    assert verified.payload["project_id"] == d.projects["p_school"].pk
    assert verified.payload["outcome"] == "substantiated"
    states = {x.kind: x.state for x in deadlines.deadlines_of(c)}
    assert states["complaints.complaint_decision"] == "met"
    assert states["complaints.complaint_close"] == "met"


def test_r_cmp_05_not_substantiated_publishes_nothing_and_the_answer_is_required(district):
    c = f.accepted(district)
    staff = district.actor("office_staff")
    before = db_fingerprint()
    with pytest.raises(ValidationFailed):
        services.close_complaint(actor=staff, complaint=c, outcome="not_substantiated", answer="")
    assert db_fingerprint() == before
    services.close_complaint(
        actor=staff, complaint=c, outcome="not_substantiated", answer="经核查，项目经理按规定在岗。"
    )
    assert not EventRecord.objects.filter(name="complaints.verified").exists()


def test_r_cmp_03_reject_needs_reasons_from_the_list_and_an_explanation(district):
    c = f.received(district)
    staff = district.actor("office_staff")
    before = db_fingerprint()
    for reasons, note, field in (
        ([], "缺少事实依据", "reasons"),
        (["made_up"], "缺少事实依据", "reasons"),
        (["no_facts"], "", "note"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            services.reject_complaint(actor=staff, complaint=c, reasons=reasons, note=note)
        assert refused.value.field == field
    assert db_fingerprint() == before
    services.reject_complaint(
        actor=staff, complaint=c, reasons=["no_facts"], note="未提供任何事实依据"
    )
    c.refresh_from_db()
    assert c.state == State.REJECTED and c.reject_reasons == ["no_facts"]
    states = {x.kind: x.state for x in deadlines.deadlines_of(c)}
    assert states["complaints.complaint_close"] == "cancelled"
    shown = selectors.public_view(c)
    assert (
        shown["reasons"] == ["没有具体的请求和必要的事实依据"] and shown["decision"] == "不予受理"
    )


def test_r_org_02_transfer_only_down_the_projects_chain_and_inside_the_legal_clock(district):
    c = f.accepted(district)
    staff = district.actor("office_staff")
    before = db_fingerprint()
    with pytest.raises(ValidationFailed) as outside:
        services.transfer_complaint(
            actor=staff,
            complaint=c,
            handling_org_id=district.orgs["transport"].pk,
            handling_days=5,
            note="请核实并回复",
        )
    assert outside.value.field == "handling_org_id"
    # 15 working days from today ends after the legal closing day
    late_day = deadlines.last_day(
        next(x for x in deadlines.deadlines_of(c) if x.kind == "complaints.complaint_close")
    )
    with (
        time_machine.travel(
            dt.datetime.combine(late_day, dt.time(9), tzinfo=clock.LOCAL_TZ), tick=False
        ),
        pytest.raises(ValidationFailed) as late,
    ):
        services.transfer_complaint(
            actor=staff,
            complaint=c,
            handling_org_id=district.orgs["housing"].pk,
            handling_days=5,
            note="请核实并回复",
        )
    assert "法定办结期限" in late.value.message
    assert db_fingerprint() == before


def test_r_cmp_03_staff_intake_is_for_the_office_staff_with_the_channel(district):
    body = {
        "kind": "report",
        "channel": "visit",
        "subject_text": "某监理公司",
        "facts": "监理人员长期不在现场，旁站记录造假",
        "anonymous": True,
    }
    for username in ("office_admin", "housing_staff", "school_admin"):
        before = db_fingerprint()
        r = district.client(username).post(
            "/api/v1/complaints", json.dumps(body), content_type="application/json"
        )
        assert r.status_code == 403, username
        assert db_fingerprint() == before
    r = district.client("office_staff").post(
        "/api/v1/complaints", json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 201, r.content
    c = Complaint.objects.get(receipt_number=r.json()["receipt_number"])
    assert c.channel == Channel.VISIT and c.anonymous and c.filed_by_id
    with pytest.raises(Forbidden):
        services.file_complaint(
            actor=district.actor("office_admin"), filing=f.filing(), channel=Channel.LETTER
        )


def test_r_cmp_03_the_intake_page_registers_and_shows_the_code_once(district):
    client = district.client("office_staff")
    assert client.get("/complaints/new/").status_code == 200
    assert district.client("office_admin").get("/complaints/new/").status_code == 403
    bad = client.post("/complaints/new/", {"kind": "complaint", "channel": "letter"})
    assert bad.status_code == 422 and "请填写事实和理由" in bad.content.decode()
    assert not Complaint.objects.exists()
    form = {
        "kind": "complaint",
        "channel": "letter",
        "standing": "party",
        "project": "T-0001",
        "subject_text": "甲建设有限公司",
        "facts": "拖欠农民工工资三个月未支付",
        "requests": "请责令支付",
        "name": "李四",
        "id_number": "110101199003074258",
        "mobile": "13912345678",
    }
    ok = client.post("/complaints/new/", form, follow=True)
    assert ok.status_code == 200
    c = Complaint.objects.get()
    assert f"收件编号 {c.receipt_number}，查询码" in ok.content.decode()
    assert client.get(f"/complaints/{c.pk}/").content.decode().count("查询码") == 0


def test_r_cmp_01_each_state_has_the_to_do_of_whoever_must_act(district):
    from postaward.alerts.models import Notification
    from postaward.core.models import Todo

    def open_todos(c):  # type: ignore[no-untyped-def]
        return list(
            Todo.objects.filter(
                subject_type="complaints.complaint", subject_id=str(c.pk), state="open"
            ).values_list("kind", "organisation_id", "assignee_id")
        )

    d = district
    staff = d.actor("office_staff")
    c = f.received(d)
    assert open_todos(c) == [("complaints.decide", d.orgs["office"].pk, None)]
    services.accept_complaint(actor=staff, complaint=c)
    assert open_todos(c) == [("complaints.handle", d.orgs["office"].pk, staff.user_id)]
    services.transfer_complaint(
        actor=staff,
        complaint=c,
        handling_org_id=d.orgs["housing"].pk,
        handling_days=5,
        note="请核实并回复",
        handler_id=d.users["housing_staff"].pk,
    )
    housing_staff = d.users["housing_staff"].pk
    assert open_todos(c) == [("complaints.reply", d.orgs["housing"].pk, housing_staff)]
    assert Notification.objects.filter(recipient_id=housing_staff).exists()
    services.reply_complaint(
        actor=d.actor("housing_staff"), complaint=c, reply="已到现场核实，责令施工单位整改完毕"
    )
    assert open_todos(c) == [("complaints.review", d.orgs["office"].pk, staff.user_id)]
    assert Notification.objects.filter(recipient_id=staff.user_id).exists()
    services.approve_reply(actor=staff, complaint=c)
    services.close_complaint(
        actor=staff, complaint=c, outcome="partly", answer="经核查，反映问题部分属实，已整改。"
    )
    assert open_todos(c) == []
    titles = " ".join(Todo.objects.values_list("title", flat=True))
    assert c.receipt_number in titles and f.NAME not in titles


def test_r_cmp_01_every_audit_action_of_a_complaint_reads_in_chinese(district):
    from postaward.core import audit_labels
    from postaward.core.models import AuditRecord

    c = f.replied(district)
    services.approve_reply(actor=district.actor("office_staff"), complaint=c)
    codes = set(
        AuditRecord.objects.filter(action__startswith="complaints.").values_list(
            "action", flat=True
        )
    )
    assert {"complaints.file_complaint", "complaints.transfer", "complaints.reply"} <= codes
    assert [x for x in codes if not audit_labels.is_known(x)] == []
    page = district.client("office_staff").get("/")
    assert page.status_code == 200 and "待受理投诉举报" in page.content.decode()
