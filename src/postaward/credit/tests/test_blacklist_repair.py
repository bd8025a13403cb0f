"""Credit repair of a blacklist entry (信用修复, 提前移出; R-SCO-04 removal by
repair, R-CAS-04 repair handled; ADR 0693): only a blacklist entry in force,
by the blacklisted unit or the office on its behalf, one open request at a
time; the issuer's opinion, the office's decision; upheld → the entry is
revoked through the revocation's own path (its score withdrawn, the bidding
ban lifted, 提前移出 on the public page); rejected → it stays."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from postaward.core import clock, events, files, steps
from postaward.core.errors import Conflict, Forbidden
from postaward.core.models import AuditRecord, Deadline, EventRecord, Todo
from postaward.core.tests.test_pages_plain_chinese import _check

from .. import scoring, services_sanctions
from ..choices import RequestKind, RequestState, SanctionState, ScoreState
from ..models import CreditRequest, ScoreEvent
from ..steps import GIVE_OPINION, REJECT, UPHOLD
from . import factories_rules as fr
from . import factories_sanctions as f

pytestmark = pytest.mark.django_db

BASIS = "《聊城市人民政府办公室关于规范公共资源交易招标投标工作的意见》"
FIXED = "已对串通投标问题全面整改，相关责任人已调离，建立投标文件复核制度，整改报告附后"


def _blacklist(d: Any, *, start: dt.date | None = None, days: int = 365) -> Any:
    start = start or clock.today() - dt.timedelta(days=10)
    return services_sanctions.record_sanction(
        actor=d.actor("housing_staff"),
        kind="blacklisted",
        subject_org_id=d.orgs["contractor_a"].pk,
        project_id=d.projects["p_school"].pk,
        reason="串通投标，经查属实，列入失信黑名单",
        basis_document=BASIS,
        basis_article="第三部分",
        decided_on=start,
        period_from=start,
        period_to=start + dt.timedelta(days=days - 1),
    )


def _file(d: Any, s: Any, user: str = "contractor_a_admin") -> CreditRequest:
    return services_sanctions.file_sanction_repair(
        actor=d.actor(user), sanction=s, reason=FIXED, idempotency_key=""
    )


def _opinion(d: Any, q: CreditRequest, rec: str = "uphold") -> None:
    steps.take(
        GIVE_OPINION,
        q,
        d.actor("housing_staff"),
        {"opinion": "经核查，整改到位", "recommendation": rec},
    )
    q.refresh_from_db()


def test_r_sco_04_r_cas_04_upheld_repair_removes_the_blacklist_entry_early(district):
    fr.defaults(district)  # the housing rules score a measure (credit.sanction)
    s = _blacklist(district)
    events.dispatch_pending(limit=10_000)  # as the worker does
    org = district.orgs["contractor_a"].pk
    today = clock.today()
    ev = ScoreEvent.objects.get(fact_key=scoring.sanction_key(s.pk))
    assert ev.state != ScoreState.WITHDRAWN and ev.points < 0
    assert services_sanctions.bans_of(org, today) == [s]
    name = district.orgs["contractor_a"].name
    assert name in Client().get("/public/credit/blacklist/").content.decode()

    q = _file(district, s)
    assert (q.kind, q.state, q.sanction_id, q.on_behalf) == (
        RequestKind.REPAIR,
        RequestState.REGISTERED,
        s.pk,
        False,
    )
    assert q.department_id == district.orgs["housing"].pk and q.office_id == s.office_id
    # the issuer's to-do and the 15-working-day clock
    todo = Todo.objects.get(key=f"credit:{q.pk}:opinion")
    assert todo.organisation_id == district.orgs["housing"].pk
    assert Deadline.objects.filter(kind="credit.repair_answer", state="open").count() == 1
    # the entry stays in force until the decision
    assert services_sanctions.bans_of(org, today) == [s]

    _opinion(district, q)
    steps.take(UPHOLD, q, district.actor("office_staff"), {"decision": "整改到位，同意提前移出"})
    events.dispatch_pending(limit=10_000)
    q.refresh_from_db()
    s.refresh_from_db()
    assert q.state == RequestState.UPHELD
    assert s.state == SanctionState.REVOKED
    assert s.revoked_reason == "信用修复：整改到位，同意提前移出"
    assert services_sanctions.bans_of(org, today) == []
    assert services_sanctions.blacklisted(org, today) == []
    assert EventRecord.objects.filter(name="credit.sanction_revoked").count() == 1
    ev.refresh_from_db()
    assert ev.state == ScoreState.WITHDRAWN
    assert AuditRecord.objects.filter(action="credit.sanction_revoked").count() == 1
    assert AuditRecord.objects.filter(action="credit.sanction_repair_filed").count() == 1
    assert not Deadline.objects.filter(kind="credit.repair_answer", state="open").exists()
    # the public blacklist shows it removed early, the sanction page the outcome
    listed = Client().get("/public/credit/blacklist/").content.decode()
    assert name not in listed  # no longer on the list in force
    public = Client().get("/public/credit/blacklist/?tab=removed").content.decode()
    assert "提前移出" in public and name in public
    page = district.client("contractor_a_admin").get(f"/credit/sanctions/{s.pk}/")
    text = page.content.decode()
    assert "已提前移出黑名单" in text and "信用修复：整改到位" in text
    assert 'data-testid="repair-form"' not in text


def test_r_cas_04_rejected_repair_keeps_the_entry(district):
    s = _blacklist(district)
    q = _file(district, s, user="office_staff")
    assert q.on_behalf is True
    _opinion(district, q, "reject")
    steps.take(REJECT, q, district.actor("office_staff"), {"decision": "整改材料不足"})
    q.refresh_from_db()
    s.refresh_from_db()
    assert q.state == RequestState.REJECTED and s.state == SanctionState.EFFECTIVE
    assert services_sanctions.bans_of(district.orgs["contractor_a"].pk, clock.today()) == [s]
    assert not EventRecord.objects.filter(name="credit.sanction_revoked").exists()
    # once decided, a new request may be filed
    assert services_sanctions.may_repair(s, district.actor("contractor_a_admin"))


def test_r_sco_04_only_the_subject_or_the_office_files(district):
    s = _blacklist(district)
    for user in ("contractor_b_admin", "school_admin"):
        with pytest.raises(Forbidden, match="仅被列入黑名单的单位"):
            _file(district, s, user=user)
    # the issuer reads it but does not file for the unit
    with pytest.raises(Forbidden):
        _file(district, s, user="housing_staff")
    assert not CreditRequest.objects.exists()


def test_r_sco_04_one_open_request_at_a_time(district):
    s = _blacklist(district)
    _file(district, s)
    with pytest.raises(Conflict, match="已有正在办理的信用修复申请"):
        _file(district, s, user="office_staff")
    assert CreditRequest.objects.count() == 1


def test_r_sco_04_only_a_blacklist_entry_in_force_can_be_repaired(district):
    today = clock.today()
    # another kind of measure
    susp = f.suspension(district, days=30)
    with pytest.raises(Conflict, match="不适用信用修复"):
        _file(district, susp)
    # a period already over (the last day is yesterday)
    over = _blacklist(district, start=today - dt.timedelta(days=30), days=30)
    with pytest.raises(Conflict, match="期限已于"):
        _file(district, over)
    # the last day of the period still counts
    last = _blacklist(district, start=today - dt.timedelta(days=29), days=30)
    assert services_sanctions.may_repair(last, district.actor("contractor_a_admin"))
    # a revoked entry
    gone = _blacklist(district)
    services_sanctions.revoke_sanction(
        actor=district.actor("housing_staff"), obj=gone, reason="登记错误，予以撤销"
    )
    gone.refresh_from_db()
    with pytest.raises(Conflict, match="当前状态为“已撤销”"):
        _file(district, gone)
    assert not CreditRequest.objects.exists()


def test_r_cas_04_repair_by_page_with_proof_and_by_api_idempotent(district):
    s = _blacklist(district)
    c = district.client("contractor_a_admin")
    detail = c.get(f"/credit/sanctions/{s.pk}/").content.decode()
    assert 'data-testid="repair-form"' in detail
    _check("sanction page with the repair form", detail)
    other = district.client("contractor_b_admin").get(f"/credit/sanctions/{s.pk}/")
    assert other.status_code == 404
    bad = c.post(f"/credit/sanctions/{s.pk}/repair/", {"reason": "短"})
    assert bad.status_code == 422 and not CreditRequest.objects.exists()
    pdf = SimpleUploadedFile("整改报告.pdf", files.minimal_pdf(["ok"]), "application/pdf")
    r = c.post(f"/credit/sanctions/{s.pk}/repair/", {"reason": FIXED, "evidence": pdf})
    assert r.status_code == 302, r.content.decode()[-2000:]
    q = CreditRequest.objects.get(sanction=s)
    assert q.evidence_name == "整改报告.pdf"
    page = district.client("housing_staff").get(f"/credit/sanctions/{s.pk}/").content.decode()
    assert "整改报告.pdf" in page and 'data-testid="request-steps"' in page
    assert "出具核查意见" in page  # the issuer's step on the entry's page
    _check("sanction page with a repair request", page)
    assert (
        district.client("housing_staff").get(f"/credit/repairs/{q.pk}/evidence/").status_code == 200
    )
    # by API, idempotent; a second request while one is open is refused (409)
    q.delete()
    url = f"/api/v1/credit/sanctions/{s.pk}/repairs"
    api = district.client("office_staff")
    r1 = api.post(url, {"reason": FIXED}, HTTP_IDEMPOTENCY_KEY="bl-1")
    r2 = api.post(url, {"reason": FIXED}, HTTP_IDEMPOTENCY_KEY="bl-1")
    assert r1.status_code == r2.status_code == 201, r1.content
    assert r1.json()["id"] == r2.json()["id"] and r1.json()["sanction_id"] == s.pk
    assert r1.json()["on_behalf"] is True
    r3 = api.post(url, {"reason": FIXED}, HTTP_IDEMPOTENCY_KEY="bl-2")
    assert r3.status_code == 409 and "正在办理" in r3.json()["message"]
    bad_api = api.post(url, {"reason": "短"}, HTTP_IDEMPOTENCY_KEY="bl-3")
    assert bad_api.status_code == 422
    assert CreditRequest.objects.filter(sanction=s).count() == 1
    # the steps of the request by API, with the sanction it is about
    got = api.get(f"/api/v1/credit/requests/{r1.json()['id']}")
    assert got.status_code == 200 and got.json()["sanction_id"] == s.pk


def test_r_cas_04_an_entry_the_office_issued_gets_the_office_staff_opinion(district):
    """The office may itself blacklist a unit: its staff give the issuer's opinion."""
    start = clock.today() - dt.timedelta(days=1)
    s = services_sanctions.record_sanction(
        actor=district.actor("office_staff"),
        kind="blacklisted",
        subject_org_id=district.orgs["contractor_a"].pk,
        reason="串通投标，经查属实，列入失信黑名单",
        basis_document=BASIS,
        basis_article="第三部分",
        decided_on=start,
        period_from=start,
        period_to=start + dt.timedelta(days=364),
    )
    q = _file(district, s)
    assert q.department_id == district.orgs["office"].pk
    assert steps.allowed_names(q, district.actor("housing_staff")) == []
    assert "give_opinion" in steps.allowed_names(q, district.actor("office_staff"))
