"""Objections to the points (异议) and credit repair (信用修复) (R-CAS-04, HC
附件 三(五): 监管办协助失信认定部门办理量化计分异议和信用修复): registered by the
party or by the office on its behalf, the competent department's opinion, the
office's decision; an upheld objection changes the points (or withdraws the
record) and the change is pushed again; the party is told; the answer clock
is 10 working days."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from postaward.alerts.models import Notification
from postaward.core import clock, deadlines
from postaward.core.errors import ValidationFailed
from postaward.core.models import Deadline, Todo

from .. import push, services
from ..choices import PushAction, RecordState, RequestState
from ..deadline_kinds import OBJECTION_ANSWER, REPAIR_ANSWER
from ..models import CreditPush
from . import factories as f

pytestmark = pytest.mark.django_db


def test_r_cas_04_objection_upheld_changes_points_and_pushes_again(district):
    q = f.opinion_given(district)
    r = q.record
    r.refresh_from_db()
    assert r.state == RecordState.OBJECTING
    services.uphold(
        actor=district.actor("office_staff"), obj=q, decision="异议成立，按2分记", new_points=2
    )
    r.refresh_from_db()
    q.refresh_from_db()
    assert (q.state, q.new_points) == (RequestState.UPHELD, 2)
    assert (r.state, r.points, r.original_points) == (RecordState.EFFECTIVE, 2, 6)
    assert "由6分变更为2分" in r.outcome
    rows = list(CreditPush.objects.filter(record=r).order_by("pk"))
    assert [p.action for p in rows] == [PushAction.CREATE, PushAction.UPDATE]
    assert rows[-1].payload["points"] == 2
    push.outbox.clear()
    assert push.send_due() == 2
    assert [p["points"] for p in push.outbox] == [6, 2]
    # the party is told the outcome; the clock and the to-dos are closed
    told = Notification.objects.filter(recipient=district.users["contractor_a_admin"])
    assert told.filter(title__contains="记分异议已采纳").exists()
    assert not Deadline.objects.filter(
        kind=OBJECTION_ANSWER.kind, subject_id=str(q.pk), state=Deadline.State.OPEN
    ).exists()
    assert not Todo.objects.filter(
        subject_type=q._meta.label_lower, subject_id=str(q.pk), state=Todo.State.OPEN
    ).exists()


def test_r_cas_04_objection_upheld_may_withdraw_the_record(district):
    q = f.opinion_given(district)
    services.uphold(
        actor=district.actor("office_staff"), obj=q, decision="决定已撤销", withdraw=True
    )
    r = q.record
    r.refresh_from_db()
    assert r.state == RecordState.WITHDRAWN
    last = CreditPush.objects.filter(record=r).order_by("-pk").first()
    assert last is not None and last.action == PushAction.WITHDRAW
    assert last.payload["points"] == 0


def test_r_cas_04_upheld_objection_needs_fewer_points_or_withdrawal(district):
    q = f.opinion_given(district)
    for bad in (None, 6, 9):
        with pytest.raises(ValidationFailed):
            services.uphold(
                actor=district.actor("office_staff"), obj=q, decision="异议成立", new_points=bad
            )
    q.refresh_from_db()
    assert q.state == RequestState.OPINION_GIVEN
    assert CreditPush.objects.filter(record=q.record).count() == 1


def test_r_cas_04_objection_rejected_keeps_the_points(district):
    q = f.opinion_given(district)
    services.reject(actor=district.actor("office_staff"), obj=q, decision="理由不成立")
    r = q.record
    r.refresh_from_db()
    assert (r.state, r.points) == (RecordState.EFFECTIVE, 6)
    assert CreditPush.objects.filter(record=r).count() == 1  # nothing changed: no new push
    # one objection per record
    assert "只能提出一次异议" in services.refusal_to_file(
        r, district.actor("contractor_a_admin"), "objection"
    )


def test_r_cas_04_repair_upheld_repairs_the_record(district):
    q = f.opinion_given(district, kind="repair")
    services.uphold(actor=district.actor("office_staff"), obj=q, decision="已履行处罚，予以修复")
    r = q.record
    r.refresh_from_db()
    assert r.state == RecordState.REPAIRED and "信用修复" in r.outcome
    last = CreditPush.objects.filter(record=r).order_by("-pk").first()
    assert last is not None and last.action == PushAction.REPAIR


def test_r_cas_04_objection_filed_by_the_office_on_behalf_of_the_party(district):
    r = f.record(district)
    q = services.file_request(
        actor=district.actor("office_staff"),
        record=r,
        kind="objection",
        reason="当事人来电提出异议，记分事实有误",
    )
    assert q.on_behalf
    # the department has the to-do
    assert (
        Todo.objects.visible_to(district.actor("housing_staff"))
        .filter(kind="credit.opinion", state=Todo.State.OPEN)
        .exists()
    )


def _answer_last_day(d, day: dt.date, kind: str = "objection") -> dt.date:  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=clock.LOCAL_TZ)):
        q = f.objection(d) if kind == "objection" else f.repair(d)
    return deadlines.last_day(deadlines.deadlines_of(q)[0])


def test_r_cas_04_objection_answered_within_10_working_days_across_national_day(district):
    # registered Tuesday 2026-09-29: 09-30, 10-08, 10-09, 10-10 (调休), 10-12..16, 10-19
    assert _answer_last_day(district, dt.date(2026, 9, 29)) == dt.date(2026, 10, 19)
    # registered Friday 2026-03-06: two weeks of working days, ending Friday 03-20
    assert _answer_last_day(district, dt.date(2026, 3, 6)) == dt.date(2026, 3, 20)


def test_r_cas_04_repair_answered_within_15_working_days(district):
    # registered Friday 2026-03-06: three weeks of working days, ending Friday 03-27
    assert _answer_last_day(district, dt.date(2026, 3, 6), "repair") == dt.date(2026, 3, 27)
    assert deadlines.kind_of(REPAIR_ANSWER.kind) is not None


def test_r_cas_04_department_and_office_work_on_the_page(district):
    q = f.objection(district)
    r = q.record
    dept = district.client("housing_staff")
    page = dept.get(f"/credit/{r.pk}/").content.decode()
    assert "出具核查意见" in page
    done = dept.post(
        f"/credit/requests/{q.pk}/steps/give_opinion/",
        {"recommendation": "uphold", "opinion": "经核查属实"},
    )
    assert done.status_code == 302
    office = district.client("office_staff")
    bad = office.post(f"/credit/requests/{q.pk}/steps/uphold/", {"decision": "异议成立"})
    assert bad.status_code == 422
    assert "请填写变更后的记分" in bad.content.decode()
    ok = office.post(
        f"/credit/requests/{q.pk}/steps/uphold/", {"decision": "异议成立", "new_points": "3"}
    )
    assert ok.status_code == 302
    r.refresh_from_db()
    assert r.points == 3
    party = district.client("contractor_a_admin").get(f"/credit/{r.pk}/").content.decode()
    assert "记分变更为 3 分" in party


def test_r_cas_04_party_files_an_objection_on_the_page(district):
    r = f.record(district)
    c = district.client("pm_a")
    bad = c.post(f"/credit/{r.pk}/requests/", {"kind": "objection", "reason": "有误"})
    assert bad.status_code == 422 and "理由过短" in bad.content.decode()
    ok = c.post(
        f"/credit/{r.pk}/requests/", {"kind": "objection", "reason": "记分所依据的事实有误"}
    )
    assert ok.status_code == 302
    r.refresh_from_db()
    assert r.state == RecordState.OBJECTING
    assert (
        district.client("contractor_b_admin")
        .post(f"/credit/{r.pk}/requests/", {"kind": "repair", "reason": "申请信用修复，已整改"})
        .status_code
        == 404
    )
