"""The interference register (R-ACT-06; QZ 11, 12; YJ 二(五)): recorded,
immutable with chained additions, routed to the office and discipline
inspection, referred where it concerns party members or public officials,
reported monthly; and the units' integrity-risk rules."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from postaward.core import clock, files
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.core.models import AuditRecord, EventRecord, Todo

from .. import integrity_interference as integrity
from .. import services_interference as svc
from .. import steps_interference as st
from ..models import Clue, IntegrityRule, InterferenceAddition, InterferenceRecord
from ..models.interference import Immutable
from . import factories_interference as f

pytestmark = pytest.mark.django_db


def test_r_act_06_staff_record_is_numbered_chained_audited_and_routed(district):
    r = f.staff_record(district)
    assert r.number.startswith(f"GYDJ{clock.today().year}")
    assert r.state == "submitted" and r.channel == "staff"
    assert svc.verify_chain(r)
    assert AuditRecord.objects.filter(
        action="accountability.interference_recorded", object_id=str(r.pk)
    ).exists()
    todos = Todo.objects.filter(subject_id=str(r.pk), kind=svc.TODO_KIND, state="open")
    assert {t.organisation_id for t in todos} == {
        district.orgs["office"].pk,
        district.orgs["discipline"].pk,
    }
    # not flagged: no referral
    assert not EventRecord.objects.filter(name="accountability.referred").exists()


def test_r_act_06_an_edit_of_a_submitted_record_is_refused_and_changes_nothing(district):
    r = f.staff_record(district)
    r.request_text = "改过的内容"
    with pytest.raises(Immutable, match="不能修改"):
        r.save()
    r.refresh_from_db()
    assert r.request_text == "打电话要求在评标中照顾某投标企业"
    with pytest.raises(Immutable):
        r.delete()
    c = district.client("office_staff")
    url = f"/api/v1/accountability/interference/{r.pk}"
    for method in (c.put, c.patch):
        resp = method(url, json.dumps({"request_text": "x"}), content_type="application/json")
        assert resp.status_code == 405
    assert InterferenceRecord.objects.get(pk=r.pk).request_text == r.request_text


def test_r_act_06_additions_are_stored_chained_and_audited_never_edited(district):
    r = f.staff_record(district)
    a1 = svc.add(actor=district.actor("school_admin"), record=r, text="更正：干预日期应为前一天")
    a2 = svc.add(
        actor=district.actor("office_staff"),
        record=r,
        text="监管办补充：已电话核实",
        evidence=SimpleUploadedFile("核实.pdf", files.minimal_pdf(["check"])),
    )
    assert (a1.seq, a1.by, a1.prev_digest) == (1, "reporter", r.digest)
    assert (a2.seq, a2.by, a2.prev_digest) == (2, "office", a1.digest)
    assert a1.added_by_name == "" and a2.added_by_name
    assert svc.verify_chain(r)
    assert AuditRecord.objects.filter(action="accountability.interference_added").count() == 2
    a1.text = "再改"
    with pytest.raises(Immutable):
        a1.save()
    # tampering with the stored content breaks the chain
    InterferenceAddition.objects.filter(pk=a1.pk).update(text="被篡改")
    assert not svc.verify_chain(r)
    # someone else (who cannot read it) may not add
    with pytest.raises(Forbidden):
        svc.add(actor=district.actor("discipline"), record=r, text="纪委补充")


def test_r_act_06_flagged_record_is_referred_to_discipline_on_submission(district):
    r = f.flagged(district)
    r.refresh_from_db()
    assert r.state == "referred" and r.referred_automatically
    evt = EventRecord.objects.get(name="accountability.referred")
    p = evt.payload
    assert p["source"] == "interference" and p["source_id"] == r.pk
    assert p["source_ref"] == r.number and p["document_number"] == r.number
    assert p["recipient_org_id"] == district.orgs["discipline"].pk
    assert p["office_id"] == district.orgs["office"].pk
    assert "王某" in p["facts"] and p["url"].endswith(f"/interference/{r.pk}/")
    assert "school_admin" not in json.dumps(p, ensure_ascii=False)


def test_r_act_06_the_office_refers_an_unflagged_record_once(district):
    r = f.staff_record(district)
    office = district.actor("office_staff")
    with pytest.raises(ValidationFailed):
        svc.refer(actor=office, obj=r, reason="")
    assert not EventRecord.objects.filter(name="accountability.referred").exists()
    svc.refer(actor=office, obj=r, reason="经核实干预人系公职人员")
    r.refresh_from_db()
    assert r.state == "referred" and not r.referred_automatically
    assert EventRecord.objects.filter(name="accountability.referred").count() == 1
    with pytest.raises(Conflict):
        svc.refer(actor=office, obj=r, reason="再次移送")
    with pytest.raises(Forbidden):
        from postaward.core import steps

        steps.check(st.REFER, f.staff_record(district), district.actor("discipline"))


def test_r_act_06_the_office_raises_an_accountability_clue_from_a_record(district):
    r = f.staff_record(district)
    svc.raise_clue(
        actor=district.actor("office_staff"),
        obj=r,
        party="department",
        unit_id=district.orgs["housing"].pk,
        facts="行业主管部门负责人插手干预评标",
    )
    r.refresh_from_db()
    clue = Clue.objects.get(pk=r.clue_id)
    assert clue.source == "interference" and clue.unit_id == district.orgs["housing"].pk
    assert r.number in clue.source_detail
    with pytest.raises(Conflict, match="已据此登记"):
        from postaward.core import steps

        steps.check(st.RAISE_CLUE, r, district.actor("office_staff"))


def test_r_act_06_filing_and_acknowledging_close_each_ones_todo(district):
    r = f.staff_record(district)
    svc.file_record(actor=district.actor("office_staff"), obj=r)
    svc.acknowledge(actor=district.actor("discipline"), obj=r)
    assert not Todo.objects.filter(subject_id=str(r.pk), kind=svc.TODO_KIND, state="open").exists()
    r.refresh_from_db()
    assert r.state == "filed" and r.discipline_read_at is not None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("intervener_name", "", "请填写干预人姓名或部门名称"),
        ("request_text", "打招呼", "干预内容过短"),
        ("kind", "bribe", "请选择干预方式"),
        ("occurred_on", "明天", "请填写干预日期"),
        ("kind", "other", "请说明具体方式"),
    ],
)
def test_r_act_06_bad_input_is_refused_in_chinese_and_nothing_stored(
    district, field, value, message
):
    with pytest.raises(ValidationFailed) as exc:
        f.staff_record(district, **{field: value})
    assert any(message in e["message"] for e in exc.value.errors)
    assert not InterferenceRecord.objects.exists()
    assert not AuditRecord.objects.filter(action="accountability.interference_recorded").exists()


def test_r_act_06_a_future_date_is_refused(district):
    with pytest.raises(ValidationFailed, match="不能晚于今天"):
        f.staff_record(district, occurred_on=clock.today() + dt.timedelta(days=1))


def test_r_act_06_an_enterprise_account_may_not_record(district):
    with pytest.raises(Forbidden):
        f.staff_record(district, user="contractor_a_admin")
    assert not InterferenceRecord.objects.exists()


def test_r_act_06_idempotency_key_stores_one_record(district):
    c = district.client("housing_staff")
    body = {
        "intervener_kind": "department",
        "intervener_name": "某街道办事处",
        "occurred_on": clock.today().isoformat(),
        "kind": "note",
        "stage": "supervision",
        "request_text": "递条子要求放宽隐蔽工程验收",
    }
    h = {"HTTP_IDEMPOTENCY_KEY": "k-1"}
    url = "/api/v1/accountability/interference"
    r1 = c.post(url, json.dumps(body), content_type="application/json", **h)
    r2 = c.post(url, json.dumps(body), content_type="application/json", **h)
    assert r1.status_code == r2.status_code == 201
    assert r1.json()["id"] == r2.json()["id"]
    assert InterferenceRecord.objects.count() == 1
    other = {**body, "request_text": "另一件事情的干预内容"}
    r3 = c.post(url, json.dumps(other), content_type="application/json", **h)
    assert r3.status_code == 409 and InterferenceRecord.objects.count() == 1


def test_r_act_06_scope_office_and_discipline_read_all_the_reporter_its_own(district):
    r = f.staff_record(district)
    other = f.staff_record(district, user="housing_staff")
    for user in ("office_staff", "discipline", "office_admin"):
        assert InterferenceRecord.objects.visible_to(district.actor(user)).count() == 2
    assert list(InterferenceRecord.objects.visible_to(district.actor("school_admin"))) == [r]
    assert list(InterferenceRecord.objects.visible_to(district.actor("housing_staff"))) == [other]
    for user in ("hospital_admin", "contractor_a_admin", "transport_staff"):
        assert not InterferenceRecord.objects.visible_to(district.actor(user)).exists()


def test_r_act_06_monthly_report_counts_by_kind_and_stage_within_the_month(district):
    from ..views_interference import month_bounds, monthly_summary

    f.staff_record(district)
    f.staff_record(district, kind="note", stage="supervision")
    old = f.staff_record(district, kind="note", stage="supervision")
    InterferenceRecord.objects.filter(pk=old.pk).update(
        submitted_at=old.submitted_at - dt.timedelta(days=40)
    )
    today = clock.today()
    start, end = month_bounds(dt.date(today.year, today.month, 1))
    qs = InterferenceRecord.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    s = monthly_summary(qs)
    assert s["total"] == 2
    cells = {row["label"]: row["cells"] for row in s["rows"]}
    assert cells["打招呼"] == [1, 0] and cells["递条子"] == [0, 1]
    c = district.client("discipline")
    resp = c.get(f"/api/v1/accountability/interference/monthly?month={today:%Y-%m}")
    assert resp.status_code == 200 and resp.json()["total"] == 2
    page = c.get(f"/accountability/interference/monthly/?month={today:%Y-%m}")
    assert page.status_code == 200 and 'data-testid="month-summary"' in page.content.decode()
    xlsx = c.get(f"/accountability/interference/monthly/?month={today:%Y-%m}&export=summary")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd")


def test_r_act_06_the_month_boundary_is_local_time():
    from ..views_interference import month_bounds

    start, end = month_bounds(dt.date(2026, 12, 1))
    assert start.isoformat() == "2026-12-01T00:00:00+08:00"
    assert end.isoformat() == "2027-01-01T00:00:00+08:00"


# --- integrity rules --------------------------------------------------------------------------


def _rule(d, user="school_admin", kind="integrity"):
    return integrity.file_rule(
        actor=d.actor(user),
        kind=kind,
        title="廉政风险防控制度（2026年版）",
        effective_on=dt.date(2026, 9, 1),
        file=SimpleUploadedFile("制度.pdf", files.minimal_pdf(["rule"])),
    )


def test_r_act_06_units_file_their_rules_read_by_themselves_and_the_office(district):
    rule = _rule(district)
    assert rule.unit_id == district.orgs["school"].pk and rule.office_id
    assert AuditRecord.objects.filter(action="accountability.integrity_rule_filed").exists()
    assert list(integrity.rules(district.actor("school_admin"))) == [rule]
    assert list(integrity.rules(district.actor("office_staff"))) == [rule]
    for user in ("hospital_admin", "housing_staff", "discipline", "contractor_a_admin"):
        assert not integrity.rules(district.actor(user)).exists()
    with pytest.raises(Forbidden):
        _rule(district, user="contractor_a_admin")
    with pytest.raises(ValidationFailed):
        integrity.file_rule(
            actor=district.actor("school_admin"),
            kind="integrity",
            title="",
            effective_on="2026-09-01",
            file=SimpleUploadedFile("制度.pdf", files.minimal_pdf(["rule"])),
        )
    assert IntegrityRule.objects.count() == 1


def test_r_act_06_the_office_sees_the_units_that_filed_none(district):
    office = district.actor("office_staff")
    before = {u.pk for u in integrity.missing_units(office)}
    assert district.orgs["school"].pk in before and district.orgs["housing"].pk in before
    assert district.orgs["contractor_a"].pk not in before
    _rule(district, kind="integrity")
    still = {u.pk: integrity.missing_text(u) for u in integrity.missing_units(office)}
    assert still[district.orgs["school"].pk] == "插手干预登记报告制度"
    _rule(district, kind="register")
    assert district.orgs["school"].pk not in {u.pk for u in integrity.missing_units(office)}
    assert not integrity.missing_units(district.actor("school_admin")).exists()
