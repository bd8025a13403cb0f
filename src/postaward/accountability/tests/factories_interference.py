"""Interference records for the tests (R-ACT-06)."""

from __future__ import annotations

from typing import Any

from postaward.core import clock

from .. import services_interference as svc


def report(**kw: Any) -> svc.Report:
    data: dict[str, Any] = {
        "intervener_kind": "leader",
        "intervener_name": "王某",
        "intervener_post": "副局长",
        "intervener_unit": "测试区某局",
        "occurred_on": clock.today(),
        "kind": "greeting",
        "stage": "bidding",
        "request_text": "打电话要求在评标中照顾某投标企业",
    }
    data.update(kw)
    return svc.Report(**data)


def staff_record(d: Any, user: str = "school_admin", **kw: Any) -> Any:
    return svc.record(actor=d.actor(user), report=report(**kw))


def flagged(d: Any) -> Any:
    """About a public official: referred on submission."""
    return staff_record(d, concerns_officials=True)


def filed(d: Any) -> Any:
    r = staff_record(d)
    return svc.file_record(actor=d.actor("office_staff"), obj=r, note="已阅")


def public_record(d: Any, **kw: Any) -> svc.Filed:
    from postaward.core.actor import ANONYMOUS

    return svc.record_public(
        actor=ANONYMOUS, report=report(**kw), contact="13900001111", source="test-source"
    )
