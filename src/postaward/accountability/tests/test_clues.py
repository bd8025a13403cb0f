"""Accountability clues registered by the office (R-ACT-02; QZ 附件2 arts. 7,
12): the six sources, validation (a clear Chinese error, nothing stored),
idempotency, the act filtered by the unit's party, the evidence file, the
confirm / dismiss steps, the confidential scope and the audited reads."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from postaward.core import files, steps
from postaward.core.errors import Forbidden, ValidationFailed
from postaward.core.models import AuditRecord

from .. import services_clues
from ..choices import ClueState
from ..models import Clue
from ..steps_clues import CONFIRM, DISMISS
from . import factories_clues as f

pytestmark = pytest.mark.django_db
API = "/api/v1/accountability/clues"


def test_r_act_02_the_office_registers_a_clue_numbered_and_audited(district):
    c = f.clue(district)
    assert c.number.startswith("XS") and c.state == ClueState.REGISTERED
    assert c.party == "owner" and c.act.code == "5-1" and c.unit == district.orgs["school"]
    assert list(c.persons.all()) == [district.users["school_leader"].person]
    assert AuditRecord.objects.filter(
        action="accountability.clue_registered", object_id=str(c.pk)
    ).exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"source": "platform"}, "source", "请选择线索来源"),
        ({"source": "nonsense"}, "source", "请选择线索来源"),
        ({"facts": "太短"}, "facts", "问题事实过短"),
        ({"facts": ""}, "facts", "请填写问题事实"),
        ({"unit_id": None}, "unit_id", "请选择涉及单位"),
        ({"unit_key": "contractor_a"}, "unit_id", "问责对象为建设单位或监管部门"),
        ({"act_code": "6-8"}, "act_id", "请选择建设单位的问责情形"),
        ({"occurred_on": "2999-01-01"}, "occurred_on", "不能晚于今天"),
        ({"occurred_on": "2026-13-01"}, "occurred_on", "格式不正确"),
        ({"person_key": "pm_a"}, "person_ids", "须为该单位的人员"),
    ],
)
def test_r_act_02_bad_input_is_refused_in_chinese_and_nothing_is_stored(
    district, change, field, message
):
    change = dict(change)
    if "unit_key" in change:
        change["unit_id"] = district.orgs[change.pop("unit_key")].pk
    if "act_code" in change:
        change["act_id"] = f.act(district, change.pop("act_code")).pk
    if "person_key" in change:
        change["person_ids"] = [district.users[change.pop("person_key")].person.pk]
    with pytest.raises(ValidationFailed, match=message) as exc:
        f.clue(district, **change)
    assert exc.value.errors[0]["field"] == field
    assert not Clue.objects.exists()


def test_r_act_02_a_department_takes_only_department_acts_and_an_old_version_is_refused(district):
    from .. import services_catalogue as cat

    with pytest.raises(ValidationFailed, match="监管部门的问责情形"):
        f.clue(district, unit_id=district.orgs["housing"].pk)
    old = f.act(district, "6-8")
    cat.revise_act(
        actor=district.actor("office_staff"),
        act=old,
        title=old.title,
        text="推诿扯皮，办事效率低下的",
        note="修订",
    )
    with pytest.raises(ValidationFailed, match="现行问责情形"):
        f.clue(district, unit_id=district.orgs["housing"].pk, act_id=old.pk)
    c = f.clue(
        district,
        unit_id=district.orgs["housing"].pk,
        act_id=cat.act_by_code(district.orgs["office"], "6-8").pk,
        person_ids=[],
    )
    assert c.party == "department" and c.act.version == 2


@pytest.mark.parametrize("user", ["housing_staff", "discipline", "school_admin"])
def test_r_act_02_only_the_office_registers(district, user):
    with pytest.raises(Forbidden):
        services_clues.file_clue(district.actor(user), **f.body(district))
    assert not Clue.objects.exists()


def test_r_act_02_the_api_stores_one_clue_per_idempotency_key(district):
    c = district.client("office_staff")
    body = f.body(district)
    r1 = c.post(API, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    r2 = c.post(API, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert r1.status_code == r2.status_code == 201
    assert r1.json()["id"] == r2.json()["id"] and Clue.objects.count() == 1
    other = {**body, "facts": "另一条不同的事实，使用了同一个幂等键"}
    r3 = c.post(API, other, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert r3.status_code == 409 and Clue.objects.count() == 1
    bad = {**body, "facts": "短"}
    r4 = c.post(API, bad, content_type="application/json")
    assert r4.status_code == 422 and "问题事实过短" in r4.json()["message"]
    assert Clue.objects.count() == 1


def test_r_act_02_evidence_goes_through_the_upload_service_and_the_one_download(district):
    pdf = files.minimal_pdf(["evidence"])
    c = f.clue(district, evidence=SimpleUploadedFile("举报材料.pdf", pdf, "application/pdf"))
    assert c.evidence_file and c.evidence_file_name == "举报材料.pdf"
    r = district.client("discipline").get(f"/accountability/clues/{c.pk}/evidence/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert (
        district.client("housing_staff").get(f"/accountability/clues/{c.pk}/evidence/").status_code
        == 404
    )
    with pytest.raises(ValidationFailed, match="只接受"):
        f.clue(district, evidence=SimpleUploadedFile("x.html", b"<html>", "text/html"))
    assert Clue.objects.count() == 1
    # the API's multipart upload on a clue still to verify
    other = f.clue(district, facts="另一条线索，证据材料通过接口上传补充")
    r = district.client("office_staff").post(
        f"{API}/{other.pk}/evidence",
        {"evidence": SimpleUploadedFile("a.pdf", pdf, "application/pdf")},
    )
    assert r.status_code == 201 and r.json()["has_evidence_file"]


def test_r_act_02_the_office_confirms_a_clue_and_the_page_offers_the_transfer(district):
    c = f.clue(district)
    steps.take(CONFIRM, c, district.actor("office_staff"), {"opinion": "经核实属实"})
    c.refresh_from_db()
    assert c.state == ClueState.CONFIRMED and c.decided_by_name and c.decision_reason
    page = district.client("office_staff").get(f"/accountability/clues/{c.pk}/").content.decode()
    assert f"/accountability/matters/new/?clue={c.pk}" in page and "移送有权机关" in page
    # discipline reads it but does not transfer
    page = district.client("discipline").get(f"/accountability/clues/{c.pk}/").content.decode()
    assert "?clue=" not in page


def test_r_act_02_dismissal_needs_a_reason_and_a_decided_clue_cannot_be_decided_again(district):
    c = f.clue(district)
    with pytest.raises(ValidationFailed, match="请填写不予问责的理由"):
        steps.take(DISMISS, c, district.actor("office_staff"), {"reason": " "})
    c.refresh_from_db()
    assert c.state == ClueState.REGISTERED
    steps.take(DISMISS, c, district.actor("office_admin"), {"reason": "经核实约谈已按期开展"})
    c.refresh_from_db()
    assert c.state == ClueState.DISMISSED and c.decision_reason == "经核实约谈已按期开展"
    r = district.client("office_staff").post(
        f"{API}/{c.pk}/steps/confirm", {}, content_type="application/json"
    )
    assert r.status_code == 409
    c.refresh_from_db()
    assert c.state == ClueState.DISMISSED


@pytest.mark.parametrize("user", ["discipline", "housing_staff", "school_admin"])
def test_r_act_02_only_the_office_confirms(district, user):
    c = f.clue(district)
    r = district.client(user).post(
        f"{API}/{c.pk}/steps/confirm", {}, content_type="application/json"
    )
    assert r.status_code in (403, 404)
    c.refresh_from_db()
    assert c.state == ClueState.REGISTERED


def test_r_act_02_every_read_of_clues_is_audited(district):
    c = f.clue(district)
    before = AuditRecord.objects.filter(action__startswith="accountability.clue").count()
    cl = district.client("discipline")
    assert cl.get(f"{API}/{c.pk}").status_code == 200
    assert cl.get(API).status_code == 200
    assert cl.get(f"/accountability/clues/{c.pk}/").status_code == 200
    assert cl.get("/accountability/clues/").status_code == 200
    reads = AuditRecord.objects.filter(
        action__in=["accountability.clue_read", "accountability.clues_listed"]
    )
    assert reads.filter(action="accountability.clue_read", object_id=str(c.pk)).count() == 2
    assert reads.filter(action="accountability.clues_listed").count() == 2
    assert (
        AuditRecord.objects.filter(action__startswith="accountability.clue").count() == before + 4
    )


def _other_clue(district):
    f.other_district(district)
    from postaward.orgs.choices import OrgKind
    from postaward.testing import org

    from ..services_clues import file_clue

    owner = org(
        district.orgs["other_office"],
        "另一区住建局",
        OrgKind.INDUSTRY_AUTHORITY,
        industry="housing",
    )
    from .. import services_catalogue as cat

    cat.ensure_catalogue(district.orgs["other_office"])
    act = cat.act_by_code(district.orgs["other_office"], "6-8")
    return file_clue(
        district.actor("other_office"),
        source="media",
        unit_id=owner.pk,
        act_id=act.pk,
        facts="另一区的线索：未按规定开展施工现场检查",
    )


@pytest.mark.parametrize(
    "url",
    [
        "/accountability/clues/",
        "/accountability/clues/{pk}/",
        "/accountability/clues/new/",
        "/accountability/acts/",
        "/accountability/acts/{act}/",
        "/accountability/acts/new/",
    ],
)
def test_r_act_02_every_page_anonymous_wrong_role_out_of_scope_in_scope(district, url):
    mine = f.clue(district)
    theirs = _other_clue(district)
    from .. import services_catalogue as cat

    act = cat.act_by_code(district.orgs["office"], "5-1")
    their_act = cat.act_by_code(district.orgs["other_office"], "5-1")
    path = url.format(pk=mine.pk, act=act.pk)
    # anonymous: to the login page
    r = district.client(None).get(path)
    assert r.status_code == 302 and "login" in r["Location"]
    # wrong role
    assert district.client("housing_staff").get(path).status_code == 403
    # in scope
    assert district.client("office_staff").get(path).status_code == 200
    # out of scope (another district): the other office does not see ours
    out = url.format(pk=mine.pk, act=act.pk)
    r = district.client("other_office").get(out)
    if "{" in url:
        assert r.status_code == 404
    else:
        assert r.status_code == 200
        body = r.content.decode()
        assert mine.number not in body and "测试区第一中学" not in body
    assert (
        theirs.number
        not in district.client("office_staff").get("/accountability/clues/").content.decode()
    )
    assert their_act.pk != act.pk
