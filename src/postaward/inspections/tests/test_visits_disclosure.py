"""Disclosure (R-INS-06, R-CAS-05; QZ 第八条, HC 附件 二(二)(五)): before the
visit — an announced inspection once notified, an unannounced one once the
visit is done — basis, inspectors with certificate numbers, items, method and
procedure; after the sign-off the results, masked, on anonymous public pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from postaward.core.actor import SYSTEM
from postaward.projects.models import Participant

from .. import services_visits as svc
from ..models.visits import Inspection
from . import factories_visits as f

pytestmark = pytest.mark.django_db


def _public(number: str) -> tuple[int, str]:
    r = Client().get(f"/public/inspections/{number}/")
    return r.status_code, r.content.decode()


def test_r_ins_06_an_announced_inspection_is_public_once_notified(district):
    i = f.scheduled(district)
    assert _public(i.number)[0] == 404
    svc.notify(actor=district.actor("housing_staff"), obj=i)
    status, html = _public(i.number)
    assert status == 200
    assert "33-0604-0002" in html and "housing_staff" in html  # name and certificate number
    for it in f.ITEMS:
        assert it.name in html and it.basis in html and it.method in html
    assert "检查程序" in html and "检查结果经审签后公开" in html
    assert f"/inspections/visits/{i.pk}/" not in html  # no internal ids
    r = Client().get("/public/inspections/?year=2026")
    assert r.status_code == 200 and i.number in r.content.decode()


def test_r_ins_06_an_unannounced_inspection_is_public_only_after_the_visit(district):
    i = f.on_site(district, announced=False)
    assert _public(i.number)[0] == 404
    assert i.number not in Client().get("/public/inspections/").content.decode()
    i = f.signed(district, announced=False)
    assert _public(i.number)[0] == 200


def test_r_ins_06_results_are_public_after_publication_with_personal_data_masked(district):
    with_name = "项目经理王小明（身份证号 330102199001011234，电话 13812345678）连续三日不在岗"
    i = f.signed_off(district)
    status, html = _public(i.number)
    assert status == 200 and "检查结果经审签后公开" in html
    # the office reviews the masked text (trade secrets may be trimmed) and publishes
    svc.publish_results(
        actor=district.actor("office_staff"),
        obj=Inspection.objects.get(pk=i.pk),
        summary=f"项目经理到岗履职：发现问题（甲建设有限公司）：{with_name}；处理：责令整改",
    )
    status, html = _public(i.number)
    assert status == 200 and "甲建设有限公司" in html and "责令整改" in html
    assert "330102199001011234" not in html and "13812345678" not in html


def test_r_ins_06_key_people_are_masked_in_the_default_summary(district):
    i = f.reported(district)
    pm = district.users["pm_a"].person.name
    f.finding_of(i).__class__.objects.filter(pk=f.finding_of(i).pk).update(
        description=f"项目经理{pm}连续三日不在岗"
    )
    svc.sign_off(actor=district.actor("office_head"), obj=Inspection.objects.get(pk=i.pk))
    text = Inspection.objects.get(pk=i.pk).public_summary
    assert pm not in text and "连续三日不在岗" in text
    assert Participant.objects.filter(project=i.project).exists() and SYSTEM


def test_r_ins_06_public_pages_show_local_times(district):
    import time_machine

    from postaward.core import clock

    at = dt.datetime(2026, 3, 10, 23, 30, tzinfo=clock.LOCAL_TZ)  # 15:30 UTC
    with time_machine.travel(at, tick=False):
        i = f.published(district)
    _, html = _public(i.number)
    assert "2026-03-10 23:30" in html
