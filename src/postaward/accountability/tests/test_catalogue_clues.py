"""The catalogue of accountable acts (R-ACT-01): the 12 + 11 defaults of QZ
附件2 arts. 5-6 with their articles, installed once per office; the office's
edits as versions; the 问责情形清单 page and API."""

from __future__ import annotations

import pytest

from postaward.core.errors import Forbidden, ValidationFailed
from postaward.core.models import AuditRecord

from .. import services_catalogue as cat
from ..default_acts import DOCUMENT
from ..models import AccountableAct
from . import factories_clues as f

pytestmark = pytest.mark.django_db


def test_r_act_01_the_catalogue_holds_12_owner_and_11_department_acts_with_articles(district):
    office = district.orgs["office"]
    assert cat.install_defaults(office) == 23
    acts = AccountableAct.objects.filter(office=office)
    assert acts.filter(party="owner").count() == 12
    assert acts.filter(party="department").count() == 11
    a54 = acts.get(code="5-4")
    assert a54.article == "第五条第（四）项" and a54.document == DOCUMENT
    assert "不按规定程序报批" in a54.text
    assert acts.get(code="5-12").article == "第五条第（十二）项"
    a69 = acts.get(code="6-9")
    assert a69.article == "第六条第（九）项" and "不良行为认定建议书" in a69.text
    assert acts.get(code="6-11").article == "第六条第（十一）项"
    assert not acts.filter(code="6-12").exists()
    # installed once: a second call adds nothing
    assert cat.install_defaults(office) == 0
    assert acts.count() == 23


def test_r_act_01_a_revision_is_a_new_version_and_the_old_one_is_kept(district):
    old = f.act(district, "5-2")
    c = f.clue(district, act_id=f.act(district, "5-1").pk)
    new = cat.revise_act(
        actor=district.actor("office_staff"),
        act=old,
        title="未按规定开展现场和履约检查（修订）",
        text="未按规定每月开展施工现场、合同履约情况检查的",
        note="依据市监管办通知修订",
    )
    old.refresh_from_db()
    assert (old.is_current, old.version) == (False, 1)
    assert (new.is_current, new.version, new.code) == (True, 2, "5-2")
    assert [h.version for h in cat.history(new)] == [2, 1]
    assert cat.act_by_code(district.orgs["office"], "5-2") == new
    assert AuditRecord.objects.filter(action="accountability.act_revised").count() == 1
    c.refresh_from_db()
    assert c.act.version == 1  # a clue keeps the wording it was registered under
    with pytest.raises(ValidationFailed, match="只能修订现行版本"):
        cat.revise_act(
            actor=district.actor("office_staff"),
            act=old,
            title="再改一次标题",
            text="再改一次条文",
            note="修订",
        )


@pytest.mark.parametrize("user", ["housing_staff", "discipline", "school_admin"])
def test_r_act_01_only_the_office_edits_the_catalogue(district, user):
    act = f.act(district, "5-2")
    with pytest.raises(Forbidden):
        cat.revise_act(
            actor=district.actor(user),
            act=act,
            title="标题修改了吗",
            text="条文修改了吗",
            note="改",
        )
    with pytest.raises(Forbidden):
        cat.add_act(
            actor=district.actor(user),
            party="owner",
            title="新增情形一项",
            text="新增条文一项",
            article="第五条",
        )
    assert AccountableAct.objects.count() == 23


def test_r_act_01_the_office_adds_an_act_and_bad_input_stores_nothing(district):
    f.act(district, "5-1")
    with pytest.raises(ValidationFailed, match="请填写条文"):
        cat.add_act(
            actor=district.actor("office_admin"),
            party="owner",
            title="拒不执行整改通知",
            text=" ",
            article="第五条第（十二）项",
        )
    with pytest.raises(ValidationFailed, match="请选择适用对象"):
        cat.add_act(
            actor=district.actor("office_admin"),
            party="x",
            title="拒不执行整改通知",
            text="拒不执行整改通知的",
            article="第五条第（十二）项",
        )
    assert AccountableAct.objects.count() == 23
    a = cat.add_act(
        actor=district.actor("office_admin"),
        party="owner",
        title="拒不执行整改通知",
        text="拒不执行监管办整改通知的",
        article="第五条第（十二）项",
    )
    assert a.code == "x-1" and a.is_current and a.version == 1


def test_r_act_01_the_page_lists_filters_exports_and_revises(district):
    f.act(district, "5-1")
    c = district.client("office_staff")
    r = c.get("/accountability/acts/")
    assert r.status_code == 200
    page = r.content.decode()
    assert "第五条第（四）项" in page and "第六条第（九）项" in page
    assert r.context["lst"].page_obj.paginator.count == 23
    assert c.get("/accountability/acts/?print=1").status_code == 200
    r = c.get("/accountability/acts/?party=department")
    assert "第五条第（四）项" not in r.content.decode()
    r = c.get("/accountability/acts/?export=xlsx")
    assert r.status_code == 200 and "spreadsheet" in r["Content-Type"]
    act = f.act(district, "6-8")
    r = c.post(
        f"/accountability/acts/{act.pk}/",
        {"title": act.title, "text": "推诿、扯皮的", "active": "on", "note": "修订条文"},
    )
    assert r.status_code == 302
    new = cat.act_by_code(district.orgs["office"], "6-8")
    assert new.version == 2
    r = c.get(f"/accountability/acts/{new.pk}/")
    assert "修订记录" in r.content.decode() and "第1版" in r.content.decode()
    # bad input: 422, nothing stored
    r = c.post(f"/accountability/acts/{new.pk}/", {"title": new.title, "text": "", "note": ""})
    assert r.status_code == 422
    assert AccountableAct.objects.filter(code="6-8").count() == 2


def test_r_act_01_the_api_lists_the_catalogue_with_filters_and_history(district):
    f.act(district, "5-1")
    c = district.client("discipline")
    r = c.get("/api/v1/accountability/acts?party=owner&limit=100")
    assert r.status_code == 200
    items = r.json()["items"]
    assert len(items) == 12 and all(i["party"] == "owner" for i in items)
    assert {i["basis"] for i in items} >= {f"{DOCUMENT}第五条第（五）项"}
    office = district.client("office_staff")
    act = f.act(district, "5-3")
    r = office.post(
        f"/api/v1/accountability/acts/{act.pk}/versions",
        {"title": act.title, "text": "发现违法违规行为不报告的", "note": "修订"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["version"] == 2
    r = c.get("/api/v1/accountability/acts?history=true&limit=100")
    assert len(r.json()["items"]) == 24
