"""Every page of the interference register and the units' rules (R-ACT-06,
R-CMP-04): anonymous → the login page, wrong role 403, out of scope 404 (or
nothing of the district), in scope 200; the public pages open without an
account."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from postaward.core import files

from .. import integrity_interference as integrity
from .. import services_interference as svc
from ..models import InterferenceRecord
from . import factories_interference as f

pytestmark = pytest.mark.django_db


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("证据.pdf", files.minimal_pdf(["evidence"]))


@pytest.fixture
def world(district):
    r = svc.record(actor=district.actor("school_admin"), report=f.report(), evidence=_pdf())
    a = svc.add(actor=district.actor("school_admin"), record=r, text="补充材料", evidence=_pdf())
    rule = integrity.file_rule(
        actor=district.actor("school_admin"),
        kind="integrity",
        title="廉政风险防控制度",
        effective_on=dt.date(2026, 9, 1),
        file=_pdf(),
    )
    return district, r, a, rule


# (url, in scope, wrong role (403), out of scope (404; None: the page holds
# nothing of others by construction))
def _pages(r, a, rule):
    base = f"/accountability/interference/{r.pk}/"
    return [
        ("/accountability/interference/", "discipline", "contractor_a_admin", None),
        ("/accountability/interference/new/", "school_admin", "contractor_a_admin", None),
        ("/accountability/interference/monthly/", "office_staff", "housing_staff", None),
        (base, "discipline", None, "hospital_admin"),
        (f"{base}evidence/", "office_staff", None, "hospital_admin"),
        (f"{base}additions/{a.pk}/evidence/", "school_admin", None, "hospital_admin"),
        ("/accountability/integrity-rules/", "office_staff", "discipline", None),
        ("/accountability/integrity-rules/new/", "school_admin", "office_staff", None),
        (
            f"/accountability/integrity-rules/{rule.pk}/file/",
            "school_admin",
            None,
            "hospital_admin",
        ),
        ("/accountability/integrity-rules/missing/", "office_staff", "school_admin", None),
    ]


def test_r_act_06_every_page_four_callers(world):
    d, r, a, rule = world
    for url, ok, wrong, out in _pages(r, a, rule):
        anon = d.client(None).get(url)
        assert anon.status_code == 302 and "/login" in anon["Location"], url
        assert d.client(ok).get(url).status_code == 200, (url, ok)
        if wrong:
            assert d.client(wrong).get(url).status_code == 403, (url, wrong)
        if out:
            assert d.client(out).get(url).status_code == 404, (url, out)


def test_r_act_06_lists_show_nothing_out_of_scope(world):
    d, r, _a, rule = world
    for user in ("hospital_admin", "transport_staff"):
        page = d.client(user).get("/accountability/interference/")
        assert page.status_code == 200 and r.number not in page.content.decode()
    page = d.client("hospital_admin").get("/accountability/integrity-rules/")
    assert page.status_code == 200
    assert f"/accountability/integrity-rules/{rule.pk}/file/" not in page.content.decode()
    mine = d.client("school_admin").get("/accountability/integrity-rules/").content.decode()
    assert f"/accountability/integrity-rules/{rule.pk}/file/" in mine


def test_r_act_06_r_cmp_04_posting_pages_four_callers(world):
    d, r, _a, _rule = world
    add = f"/accountability/interference/{r.pk}/additions/"
    reveal = f"/accountability/interference/{r.pk}/reporter/"
    assert d.client(None).post(add, {"text": "补充说明内容"}).status_code == 302
    assert d.client("discipline").post(add, {"text": "补充说明内容"}).status_code == 403
    assert d.client("hospital_admin").post(add, {"text": "补充说明内容"}).status_code == 404
    assert d.client("school_admin").post(add, {"text": "补充说明内容"}).status_code == 302
    assert r.additions.count() == 2
    assert d.client("school_admin").post(add, {"text": ""}).status_code == 422
    assert d.client(None).post(reveal, {"reason": "核实"}).status_code == 302
    assert d.client("discipline").post(reveal, {"reason": "核实"}).status_code == 403
    assert d.client("hospital_admin").post(reveal, {"reason": "核实"}).status_code == 404
    assert d.client("office_staff").post(reveal, {"reason": "核实"}).status_code == 200


def test_r_act_06_the_staff_form_records_and_refuses_bad_input(district):
    c = district.client("housing_staff")
    bad = c.post("/accountability/interference/new/", {"intervener_kind": "leader"})
    assert bad.status_code == 422 and "请填写干预人姓名或部门名称" in bad.content.decode()
    assert not InterferenceRecord.objects.exists()
    good = c.post(
        "/accountability/interference/new/",
        {
            "intervener_kind": "department",
            "intervener_name": "某镇政府",
            "occurred_on": "2026-03-01",
            "kind": "note",
            "stage": "supervision",
            "request_text": "递条子要求提前支付进度款",
            "project": district.projects["p_school"].pk,
            "evidence": _pdf(),
            "idempotency_key": "page-1",
        },
    )
    assert good.status_code == 302
    r = InterferenceRecord.objects.get()
    assert r.project_id == district.projects["p_school"].pk and r.evidence_file


def test_r_act_06_integrity_rule_form_files_and_refuses_bad_input(district):
    c = district.client("housing_staff")
    bad = c.post("/accountability/integrity-rules/new/", {"kind": "integrity", "title": ""})
    assert bad.status_code == 422 and "请填写制度名称" in bad.content.decode()
    ok = c.post(
        "/accountability/integrity-rules/new/",
        {
            "kind": "register",
            "title": "插手干预登记报告制度",
            "effective_on": "2026-09-01",
            "file": _pdf(),
        },
    )
    assert ok.status_code == 302
    assert integrity.rules(district.actor("housing_staff")).count() == 1


def test_r_act_06_public_pages_open_without_an_account(district):
    for url in ("/public/interference/new/", "/public/interference/track/"):
        assert district.client(None).get(url).status_code == 200


def test_r_act_06_the_register_is_read_by_office_and_discipline_only(district):
    from ..views_interference import can_see_register

    assert can_see_register(district.actor("office_staff"))
    assert can_see_register(district.actor("discipline"))
    for user in ("school_admin", "housing_staff", "contractor_a_admin", "transport_staff"):
        assert not can_see_register(district.actor(user)), user
