"""分办 (R-CMP-03, HC 附件 三(一) "自办、分办、转办"; ADR 0510): the office splits
an accepted complaint between two or more units of the project's chain; each
unit answers its own part (with evidence files) by its own deadline inside the
legal closing clock; the office approves or sends back each part; the
complaint can be closed only when every part is approved. A unit sees only its
own part; the identity goes only to a part's named handler when chosen; a part
not answered in time is late like a single transfer."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from postaward.core import clock, deadlines, events, files
from postaward.core.errors import ValidationFailed
from postaward.core.models import Deadline, EventRecord, Todo
from postaward.testing import db_fingerprint

from .. import identity, selectors, services, views
from ..choices import FileRole, PartState, State
from ..deadline_kinds import UNIT_HANDLING
from ..models import Complaint, ComplaintAssignment, ComplaintFile
from . import factories as f

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 2, 9, 0, tzinfo=clock.LOCAL_TZ)


def _post(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def _pdf(name: str = "整改照片说明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, files.minimal_pdf(["rectified"]), "application/pdf")


def _b64(name: str = "考勤记录.pdf") -> dict[str, str]:
    data = files.minimal_pdf(["attendance"])
    return {"filename": name, "content_base64": base64.b64encode(data).decode()}


def _fingerprint() -> tuple:
    """Every table a refused split or reply could touch, this app's included."""
    return (
        db_fingerprint(),
        Complaint.objects.filter(state=State.SPLIT).count(),
        ComplaintAssignment.objects.count(),
        ComplaintFile.objects.count(),
    )


def _part(c: Complaint, d: Any, org: str) -> ComplaintAssignment:
    return ComplaintAssignment.objects.get(complaint=c, org=d.orgs[org])


def test_r_cmp_03_split_replied_sent_back_approved_and_closed_through_the_api(district):
    """R-CMP-03: the whole flow on the API: split between two units (their own
    deadlines, to-dos, notices), each unit replies on its part with evidence
    (JSON Base64 and multipart), one part is sent back and answered again;
    the last approval makes the complaint ``reviewed`` and close works."""
    d = district
    office, housing, school = (
        d.client(u) for u in ("office_staff", "housing_staff", "school_admin")
    )
    with time_machine.travel(MONDAY, tick=False):
        c = f.accepted(d)
        r = _post(
            office,
            f"/api/v1/complaints/{c.pk}/steps/split",
            {"parts": f.parts_input(d, housing_handler=d.users["housing_staff"].pk)},
        )
        assert r.status_code == 200, r.content
        assert r.json()["state"] == State.SPLIT
        assert [p["org"] for p in r.json()["parts"]] == ["测试区住建局", "测试区第一中学"]
        h, s = _part(c, d, "housing"), _part(c, d, "school")
        # 5 and 8 working days from Monday 2026-11-02, inside the 15-working-day legal clock
        assert (h.handling_due, s.handling_due) == (dt.date(2026, 11, 9), dt.date(2026, 11, 12))
        clocks = {a.pk: deadlines.deadlines_of(a) for a in (h, s)}
        assert [k.kind for k in clocks[h.pk]] == [UNIT_HANDLING.kind]
        assert clocks[h.pk][0].organisation_id == d.orgs["housing"].pk
        assert clocks[s.pk][0].length == 8
        # one reply to-do per unit, the handler's to-do assigned to them
        todo = Todo.objects.get(subject_type="complaints.complaintassignment", subject_id=str(h.pk))
        assert todo.organisation_id == d.orgs["housing"].pk
        assert todo.assignee_id == d.users["housing_staff"].pk
        assert Todo.objects.filter(
            subject_type="complaints.complaintassignment", subject_id=str(s.pk), state="open"
        ).exists()

        r = _post(
            housing,
            f"/api/v1/complaints/assignments/{h.pk}/steps/reply_part",
            {"reply": "已到现场核实，项目经理已到岗并补办手续", "evidence": [_b64()]},
        )
        assert r.status_code == 200, r.content
        assert r.json()["state"] == PartState.REPLIED
        assert [e["name"] for e in r.json()["evidence"]] == ["考勤记录.pdf"]
        r = school.post(
            f"/api/v1/complaints/assignments/{s.pk}/steps/reply_part",
            {"reply": "建设单位已建立项目经理考勤台账", "evidence": [_pdf()]},
        )
        assert r.status_code == 200, r.content
        # the office sends the school's part back: a new clock with the days left
        r = _post(
            office,
            f"/api/v1/complaints/assignments/{s.pk}/steps/send_back_part",
            {"note": "请附考勤台账扫描件"},
        )
        assert r.status_code == 200 and r.json()["state"] == PartState.SENT_BACK
        assert len(deadlines.deadlines_of(s)) == 2
        assert deadlines.deadlines_of(s)[-1].state == Deadline.State.OPEN
        r = _post(
            school,
            f"/api/v1/complaints/assignments/{s.pk}/steps/reply_part",
            {"reply": "已附考勤台账扫描件，情况属实已整改", "evidence": [_b64("台账.pdf")]},
        )
        assert r.status_code == 200 and r.json()["state"] == PartState.REPLIED
        # close is refused while a part is not approved
        close = {"outcome": "partly", "answer": "经核查，反映问题部分属实，已责令整改。"}
        refused = _post(office, f"/api/v1/complaints/{c.pk}/steps/close", close)
        assert refused.status_code == 409
        assert refused.json()["message"] == "分办的各承办单位均已回复且审核通过后方可办结"
        for p in (h, s):
            r = _post(
                office,
                f"/api/v1/complaints/assignments/{p.pk}/steps/approve_part",
                {"note": "同意"},
            )
            assert r.status_code == 200 and r.json()["state"] == PartState.APPROVED
        c.refresh_from_db()
        assert c.state == State.REVIEWED
        assert "close" in office.get(f"/api/v1/complaints/{c.pk}").json()["actions"]
        r = _post(office, f"/api/v1/complaints/{c.pk}/steps/close", close)
        assert r.status_code == 200 and r.json()["state"] == State.CLOSED
    states = {k.state for a in (h, s) for k in deadlines.deadlines_of(a)}
    assert states == {Deadline.State.MET}
    assert not Todo.objects.filter(
        subject_type="complaints.complaintassignment", state="open"
    ).exists()


def test_r_cmp_03_split_and_answer_through_the_pages(district):
    """R-CMP-03: the office splits on the case page (one row per unit), the
    unit answers its part on the page with a file, the office approves; the
    parts table shows unit, part, deadline, state, reply and evidence."""
    d = district
    c = f.accepted(d)
    office = d.client("office_staff")
    page = office.get(f"/complaints/{c.pk}/").content.decode()
    assert 'data-testid="split-form"' in page and "添加一个承办单位" in page
    rows = {
        "p0_handling_org_id": d.orgs["housing"].pk,
        "p0_part": "核查施工单位项目经理到岗情况",
        "p0_handling_days": 5,
        "p1_handling_org_id": d.orgs["school"].pk,
        "p1_part": "核查建设单位的考勤管理",
        "p1_handling_days": 8,
    }
    # one unit only: refused with the reason on the page, nothing stored
    before = _fingerprint()
    one = office.post(
        f"/complaints/{c.pk}/steps/split/", {k: v for k, v in rows.items() if k[1] == "0"}
    )
    assert one.status_code == 422
    assert "分办须指定至少 2 个承办单位" in one.content.decode()
    assert _fingerprint() == before
    ok = office.post(f"/complaints/{c.pk}/steps/split/", rows)
    assert ok.status_code == 302 and ok["Location"] == f"/complaints/{c.pk}/"
    h = _part(c, d, "housing")
    housing = d.client("housing_staff")
    page = housing.get(f"/complaints/{c.pk}/").content.decode()
    assert 'data-testid="reply_part-form"' in page and 'enctype="multipart/form-data"' in page
    r = housing.post(
        f"/complaints/parts/{h.pk}/steps/reply_part/",
        {"reply": "已到现场核实，项目经理已到岗", "evidence": [_pdf()]},
    )
    assert r.status_code == 302, r.content.decode()[:500]
    page = office.get(f"/complaints/{c.pk}/").content.decode()
    assert 'data-testid="parts"' in page and "已到现场核实，项目经理已到岗" in page
    assert "整改照片说明.pdf" in page and f"至 {h.handling_due:%Y-%m-%d}" in page
    assert 'data-testid="approve_part-form"' in page and 'data-testid="close-refused"' in page
    evidence = ComplaintFile.objects.get(assignment=h)
    assert evidence.role == FileRole.REPLY
    assert office.get(f"/complaints/{c.pk}/files/{evidence.pk}/").status_code == 200
    assert housing.get(f"/complaints/{c.pk}/files/{evidence.pk}/").status_code == 200
    r = office.post(f"/complaints/parts/{h.pk}/steps/approve_part/", {"note": "同意"})
    assert r.status_code == 302
    h.refresh_from_db()
    assert h.state == PartState.APPROVED


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d, p: p[1].update(handling_org_id=p[0]["handling_org_id"]), "同一单位只能分办一次"),
        (lambda d, p: p[1].update(handling_org_id=d.orgs["transport"].pk), "四级联动"),
        (lambda d, p: p[1].update(handling_days=15), "须在法定办结期限"),
        (lambda d, p: p[1].update(part="核查"), "分办事项"),
        (lambda d, p: p[1].update(handler_id=d.users["housing_staff"].pk), "经办人须为该承办单位"),
        (lambda d, p: p[1].update(share_identity=True), "投诉人身份只能提供给指定的经办人"),
        (lambda d, p: p.pop(), "至少 2 个承办单位"),
    ],
)
def test_r_cmp_03_a_bad_split_is_refused_in_chinese_and_stores_nothing(district, change, message):
    """R-CMP-03: two distinct units of the chain, each part described, the
    deadline inside the legal clock (15 working days from receipt: a 15-day
    part from a later day ends after it), the handler of that unit, the
    identity only to a named handler; otherwise 422 naming the row."""
    d = district
    with time_machine.travel(MONDAY, tick=False):
        c = f.accepted(d)
    parts = f.parts_input(d)
    change(d, parts)
    before = _fingerprint()
    with time_machine.travel(MONDAY + dt.timedelta(days=1), tick=False):
        r = _post(
            d.client("office_staff"), f"/api/v1/complaints/{c.pk}/steps/split", {"parts": parts}
        )
    assert r.status_code == 422, r.content
    assert message in r.json()["message"]
    assert _fingerprint() == before
    c.refresh_from_db()
    assert c.state == State.ACCEPTED


def test_r_cmp_03_a_unit_sees_and_acts_only_on_its_own_part(district):
    """R-CMP-03, R-CMP-04: the school reads the complaint and its own part,
    never the housing authority's part, reply, evidence or identity sharing;
    it cannot list or take the housing part's steps (404)."""
    d = district
    h = f.part_replied(d, share=True)
    c = h.complaint
    s = _part(c, d, "school")
    school = d.client("school_admin")
    detail = school.get(f"/api/v1/complaints/{c.pk}").json()
    assert [p["id"] for p in detail["parts"]] == [s.pk]
    assert "share_identity" in detail["parts"][0] and detail["parts"][0]["share_identity"] is False
    assert views.can_see_complaints(d.actor("school_admin"))  # the menu entry
    page = school.get(f"/complaints/{c.pk}/").content.decode()
    assert "核查建设单位对项目经理的考勤管理" in page
    assert "核查施工单位项目经理到岗情况" not in page and h.reply not in page
    assert "已提供投诉人身份" not in page
    assert school.get(f"/api/v1/complaints/assignments/{h.pk}/steps").status_code == 404
    before = _fingerprint()
    r = _post(
        school,
        f"/api/v1/complaints/assignments/{h.pk}/steps/reply_part",
        {"reply": "越权回复他单位的分办事项"},
    )
    assert r.status_code == 404
    assert (
        school.post(
            f"/complaints/parts/{h.pk}/steps/reply_part/", {"reply": "越权回复他单位"}
        ).status_code
        == 404
    )
    assert _fingerprint() == before
    # the housing part's reply evidence stays with the office and the housing authority
    services.send_back_part(actor=d.actor("office_staff"), assignment=h, note="请补充材料")
    services.reply_part(
        actor=d.actor("housing_staff"),
        assignment=ComplaintAssignment.objects.get(pk=h.pk),
        reply="补充了现场照片和考勤记录",
        evidence=[_pdf("现场照片.pdf")],
    )
    h_file = ComplaintFile.objects.get(assignment=h)
    assert school.get(f"/complaints/{c.pk}/files/{h_file.pk}/").status_code == 404
    assert (
        d.client("housing_staff").get(f"/complaints/{c.pk}/files/{h_file.pk}/").status_code == 200
    )
    # a unit of the chain without a part does not see the complaint at all
    assert d.client("line_supervisor").get(f"/api/v1/complaints/{c.pk}").status_code == 404
    assert c.pk not in {x.pk for x in selectors.complaints(d.actor("transport_staff"))}


def test_r_cmp_04_identity_goes_only_to_the_named_handler_of_a_part_when_chosen(district):
    """R-CMP-04: with ``share_identity`` on the housing part, its named handler
    may reveal the identity and the unit reads the filing's evidence; the
    other unit may not; without it, nobody in the units may."""
    d = district
    shared = f.split(d, share=True)
    housing, school = d.actor("housing_staff"), d.actor("school_admin")
    assert identity.may_reveal(shared, housing)
    assert not identity.may_reveal(shared, school)
    assert identity.reveal(actor=housing, complaint=shared, reason="电话核实").name == f.NAME
    plain = f.split(d)
    assert not identity.may_reveal(plain, housing) and not identity.may_reveal(plain, school)
    # the filing's evidence (it may name the complainant) follows the sharing
    for c in (shared, plain):
        ComplaintFile.objects.create(
            complaint=c,
            role=FileRole.EVIDENCE,
            original_name="证据.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
        )
    seen = {x.complaint_id for x in ComplaintFile.objects.visible_to(housing)}
    assert shared.pk in seen and plain.pk not in seen
    assert not {x.complaint_id for x in ComplaintFile.objects.visible_to(school)} & {
        shared.pk,
        plain.pk,
    }
    # never to the unit complained about
    c = f.accepted(d)
    Complaint.objects.filter(pk=c.pk).update(subject_org=d.orgs["housing"])
    c.refresh_from_db()
    parts = f.parts_input(d, housing_handler=d.users["housing_staff"].pk, share=True)
    with pytest.raises(ValidationFailed, match="不得提供给被投诉单位"):
        services.split_complaint(actor=d.actor("office_staff"), complaint=c, parts=parts)


def test_r_cmp_03_a_part_not_answered_by_its_deadline_is_late(district):
    """R-CMP-03, R-CMP-01: the housing part (5 working days from Monday
    2026-11-02, due 11-09 24:00) not answered on 11-10 is late: its clock is
    missed (the same ``complaints.unit_handling`` kind as a single transfer,
    hence the same alert), the page marks it; the school's (due 11-12) is not."""
    d = district
    with time_machine.travel(MONDAY, tick=False):
        h = f.part(d)
    s = _part(h.complaint, d, "school")
    with time_machine.travel(dt.datetime(2026, 11, 9, 23, 0, tzinfo=clock.LOCAL_TZ), tick=False):
        deadlines.sweep()
        events.dispatch_pending(limit=10_000)
        assert deadlines.deadlines_of(h)[0].state == Deadline.State.OPEN
    with time_machine.travel(dt.datetime(2026, 11, 10, 9, 0, tzinfo=clock.LOCAL_TZ), tick=False):
        deadlines.sweep()
        events.dispatch_pending(limit=10_000)
        assert deadlines.deadlines_of(h)[0].state == Deadline.State.MISSED
        assert deadlines.deadlines_of(s)[0].state == Deadline.State.OPEN
        page = d.client("office_staff").get(f"/complaints/{h.complaint_id}/").content.decode()
        assert 'data-testid="part-late"' in page
        assert "转办件承办期限（测试区住建局）" in page
    # the school answers on 11-13, after its 11-12: the reply closes its clock as
    # missed, a ``deadline.missed`` fact of the unit-handling kind
    with time_machine.travel(dt.datetime(2026, 11, 13, 9, 0, tzinfo=clock.LOCAL_TZ), tick=False):
        services.reply_part(
            actor=d.actor("school_admin"), assignment=s, reply="已核实建设单位考勤管理情况"
        )
    assert deadlines.deadlines_of(s)[0].state == Deadline.State.MISSED
    # the handling table's "超期" filter finds the complaint by its late parts
    listed = d.client("office_staff").get("/complaints/?overdue=1").content.decode()
    assert h.complaint.receipt_number in listed
    on_time = d.client("office_staff").get("/complaints/?overdue=0").content.decode()
    assert h.complaint.receipt_number not in on_time
    missed = EventRecord.objects.filter(
        name="deadline.missed", payload__subject_type="complaints.complaintassignment"
    )
    assert [e.payload["subject_id"] for e in missed] == [str(s.pk)]
    assert missed.get().payload["kind"] == UNIT_HANDLING.kind
    assert missed.get().payload["organisation_id"] == d.orgs["school"].pk


def test_r_cmp_01_the_single_reply_carries_evidence_kept_internal(district):
    """R-CMP-01 (ADR 0510): the unit's reply to a single transfer carries
    evidence through the one upload service: shown to the office and the
    unit, never on the public tracking answer; a wrong file type is refused
    in Chinese and nothing is stored."""
    d = district
    c = f.transferred(d)
    housing = d.client("housing_staff")
    before = _fingerprint()
    bad = housing.post(
        f"/api/v1/complaints/{c.pk}/steps/reply",
        {
            "reply": "已到现场核实并整改完毕",
            "evidence": [SimpleUploadedFile("a.pdf", b"not a pdf")],
        },
    )
    assert bad.status_code == 422 and "只接受" in bad.json()["message"]
    assert _fingerprint() == before
    ok = housing.post(
        f"/api/v1/complaints/{c.pk}/steps/reply",
        {"reply": "已到现场核实并整改完毕", "evidence": [_pdf()]},
    )
    assert ok.status_code == 200, ok.content
    att = ComplaintFile.objects.get(complaint=c, role=FileRole.REPLY)
    assert att.assignment_id is None and att.original_name == "整改照片说明.pdf"
    for user in ("office_staff", "housing_staff"):
        assert "整改照片说明.pdf" in d.client(user).get(f"/complaints/{c.pk}/").content.decode()
    assert "整改照片说明" not in json.dumps(selectors.public_view(c), ensure_ascii=False)
