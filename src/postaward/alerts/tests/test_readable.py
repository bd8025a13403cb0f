"""Alerts people can read: every indicator's alert page shows sentences and
local times — no Python dict, no ISO/UTC timestamp, no requirement ID, no
indicator code (R-ALR-01, R-ALR-02)."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from postaward.alerts import evaluators, services
from postaward.alerts.indicators import Hit, specs
from postaward.alerts.models import Alert
from postaward.core import humane

from .conftest import at

pytestmark = pytest.mark.django_db
MON = dt.date(2026, 3, 9)
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
REQ_ID = re.compile(r"R-[A-Z]{3}-\d\d")
SIGNAL = {
    "code": "mock_location",
    "score": 100,
    "explanation": "客户端报告启用了模拟定位（虚拟定位软件）",
}
UTC_AT = "2026-03-09T07:27:00+00:00"  # 15:27 in Shanghai


def _facts_with_raw_values() -> dict:
    return {
        "project": "第一中学教学楼工程",
        "project_text": "第一中学教学楼工程：",
        "person": "张三",
        "signals": [SIGNAL],
        "at": UTC_AT,
        "detail": f"打卡于 {UTC_AT}，信号：{SIGNAL}",
    }


def _assert_readable(html: str) -> None:
    assert "{'" not in html, "a Python dict on the page"
    assert not ISO.search(html), "an ISO timestamp on the page"
    body = html.split("<main", 1)[-1]
    assert not REQ_ID.search(body), REQ_ID.search(body).group(0)  # type: ignore[union-attr]


def test_every_indicator_renders_its_alert_in_plain_chinese(district):
    """R-ALR-01: one alert of every indicator, its facts carrying a signal
    dict and a UTC ISO time, renders without either, times in local time."""
    d = district
    client = d.client("office_admin")
    codes = sorted(specs())
    assert len(codes) >= 15
    for n, code in enumerate(codes):
        ind = services.indicator_for(code)
        with at(MON):
            services.record_hit(
                ind,
                Hit(
                    dedup_key=f"readable-{n}",
                    title=f"测试预警：{code.split('.')[0]}",
                    facts=_facts_with_raw_values(),
                    evidence=[
                        {"label": "作弊信号", "value": f"{SIGNAL}"},
                        {"label": "打卡时间", "value": UTC_AT},
                    ],
                    project_id=d.projects["p_school"].pk,
                    subject_org_id=d.orgs["contractor_a"].pk,
                ),
            )
        a = Alert.objects.get(dedup_key=f"readable-{n}")
        html = client.get(reverse("alerts_detail", args=[a.pk])).content.decode()
        assert a.title in html
        _assert_readable(html)
        assert "15:27" in html  # 07:27 UTC shown in Shanghai time
        assert code not in html.split("<main", 1)[-1]


def test_cheat_evaluator_writes_the_signal_as_a_sentence(district):
    """R-ATT-04: the confirmed-cheating alert names the signal in words."""
    d = district
    evt = SimpleNamespace(
        project_id=d.projects["p_school"].pk,
        person_id=d.users["pm_a"].person_id,
        organisation_id=d.orgs["contractor_a"].pk,
        position="project_manager",
        at=UTC_AT,
        signals=[SIGNAL],
        confirmed_by="张监理",
        note="",
        checkin_id=1,
    )
    [hit] = evaluators.hits_from_cheat(evt, {})
    assert hit.facts["signals"] == "客户端报告启用了模拟定位（虚拟定位软件）"
    assert hit.facts["at"] == "2026-03-09 15:27"


def test_humane_repairs_sentences_written_before():
    """Rows stored with a dict repr or a UTC time read as sentences."""
    assert humane.clean(f"信号：{SIGNAL}") == "信号：客户端报告启用了模拟定位（虚拟定位软件）"
    assert humane.clean(f"打卡 {UTC_AT}") == "打卡 2026-03-09 15:27"
    assert humane.text(dt.datetime(2026, 3, 9, 7, 27, tzinfo=dt.UTC)) == "2026-03-09 15:27"
