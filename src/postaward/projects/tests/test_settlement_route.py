"""The settlement submission names who reviews it (R-SET-02, with the
lifecycle step of R-PRJ-01; QZ 附件2 5(六); ADR 0807): the financial review
centre, the audit department, or an intermediary — with its name, whether the
entrustment was approved and the approval's reference. An intermediary
entrusted without approval publishes ``projects.settlement_self_entrusted``;
a refused submission changes nothing."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from postaward.core import clock, events
from postaward.core.errors import ValidationFailed
from postaward.core.models import AuditRecord, EventRecord
from postaward.projects import services
from postaward.projects.choices import DocumentCategory, ProjectStatus
from postaward.projects.models import Project

from . import factories as f

pytestmark = pytest.mark.django_db

FIRM = "衢州某工程造价咨询有限公司"


def _accepted(d) -> Project:  # type: ignore[no-untyped-def]
    p = f.started_project(d)
    services.complete_works(actor=d.actor("school_leader"), project=p)
    doc = f.uploaded(d, p, DocumentCategory.ACCEPTANCE)
    services.accept_works(actor=d.actor("school_leader"), project=p, on=clock.today(), document=doc)
    events.dispatch_pending(limit=1000)  # the settlement clock starts
    p.refresh_from_db()
    return p


def _submit(d, p, **kw):  # type: ignore[no-untyped-def]
    return services.submit_settlement(
        actor=d.actor("school_leader"),
        project=p,
        on=clock.today(),
        amount=Decimal("3400000"),
        **kw,
    )


@pytest.mark.parametrize(
    "kw,field,message",
    [
        ({}, "route", "请选择结算审核方式"),
        ({"route": "other"}, "route", "请选择结算审核方式"),
        ({"route": "intermediary", "entrustment_approved": False}, "intermediary", "中介机构名称"),
        ({"route": "intermediary", "intermediary": FIRM}, "entrustment_approved", "是否经"),
        (
            {"route": "intermediary", "intermediary": FIRM, "entrustment_approved": True},
            "entrustment_ref",
            "文号",
        ),
        (
            {
                "route": "intermediary",
                "intermediary": FIRM,
                "entrustment_approved": False,
                "entrustment_ref": "某文号",
            },
            "entrustment_ref",
            "不填写",
        ),
        ({"route": "audit", "intermediary": FIRM}, "intermediary", "不填写中介机构"),
    ],
)
def test_r_set_02_r_prj_01_the_review_route_is_checked_and_a_refusal_changes_nothing(
    d, kw, field, message
):
    p = _accepted(d)
    audits = AuditRecord.objects.count()
    with pytest.raises(ValidationFailed) as e:
        _submit(d, p, **kw)
    assert e.value.field == field and message in str(e.value)
    p.refresh_from_db()
    assert p.status == ProjectStatus.ACCEPTED and p.settlement_route == ""
    assert p.settlement_submitted_on is None and AuditRecord.objects.count() == audits


def test_r_set_02_r_prj_01_self_entrusted_intermediary_is_stored_and_published_once(d):
    p = _accepted(d)
    _submit(d, p, route="intermediary", intermediary=FIRM, entrustment_approved=False)
    p.refresh_from_db()
    assert p.status == ProjectStatus.SETTLEMENT_SUBMITTED
    assert (p.settlement_route, p.settlement_intermediary) == ("intermediary", FIRM)
    assert p.settlement_entrustment_approved is False
    text = services.settlement_route_text(p)
    assert FIRM in text and "未经财政评审或审计部门同意" in text
    rows = EventRecord.objects.filter(name="projects.settlement_self_entrusted")
    assert rows.count() == 1 and rows.get().payload["intermediary"] == FIRM


def test_r_set_02_an_approved_entrustment_publishes_nothing(d):
    p = _accepted(d)
    _submit(
        d,
        p,
        route="intermediary",
        intermediary=FIRM,
        entrustment_approved=True,
        entrustment_ref="衢审委〔2026〕12号",
    )
    assert not EventRecord.objects.filter(name="projects.settlement_self_entrusted").exists()
    p.refresh_from_db()
    assert "衢审委〔2026〕12号" in services.settlement_route_text(p)


def test_r_set_02_r_prj_01_api_takes_the_route_and_answers_a_clear_error(d):
    p = _accepted(d)
    c = d.token_client("school_leader")
    url = f"/api/v1/projects/{p.pk}/settlement"
    body = {"on": clock.today().isoformat(), "amount": "3400000", "route": "intermediary"}
    r = c.post(url, data=json.dumps(body), content_type="application/json")
    assert r.status_code == 422, r.content
    assert "中介机构名称" in r.json()["message"]
    p.refresh_from_db()
    assert p.status == ProjectStatus.ACCEPTED
    body |= {"intermediary": FIRM, "entrustment_approved": False}
    r = c.post(
        url,
        data=json.dumps(body, ensure_ascii=False),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="settle-1",
    )
    assert r.status_code == 200, r.content
    got = c.get(f"/api/v1/approvals/settlement/{p.pk}").json()
    assert got["route"] == "intermediary" and got["intermediary"] == FIRM
    assert got["entrustment_approved"] is False and FIRM in got["route_label"]
    events.dispatch_pending(limit=1000)


def test_r_set_02_the_pages_ask_for_and_show_the_route(d):
    p = _accepted(d)
    c = d.client("school_leader")
    url = f"/projects/{p.pk}/transition/submit_settlement/"
    page = c.get(url).content.decode()
    assert "结算审核方式" in page and "送财政投资评审" in page and "委托中介机构审核" in page
    r = c.post(
        url,
        {"on": clock.today().isoformat(), "amount": "3400000", "route": "intermediary"},
    )
    assert r.status_code in (200, 422) and "须填写中介机构名称" in r.content.decode()
    p.refresh_from_db()
    assert p.status == ProjectStatus.ACCEPTED
    r = c.post(
        url,
        {
            "on": clock.today().isoformat(),
            "amount": "3400000",
            "route": "intermediary",
            "intermediary": FIRM,
            "entrustment_approved": "no",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    detail = c.get(f"/projects/{p.pk}/").content.decode()
    assert "结算审核方式" in detail and FIRM in detail
    listing = c.get("/approvals/settlement/").content.decode()
    assert "结算审核方式" in listing and FIRM in listing
    assert FIRM in c.get("/approvals/settlement/?route=intermediary").content.decode()
    assert FIRM not in c.get("/approvals/settlement/?route=audit").content.decode()
