"""The events of the cases capability (issue #14 contract), published in
tests exactly as the cases app will publish them: by name, with the
contract's payload, through ``core.events`` (the outbox and its dispatch).

The cases app is built in another branch and is never imported here. While it
is not installed, the outbox's dispatch only hands an event to subscribers
when its name is registered: ``contract_events()`` registers a stand-in class
under each name for the duration of a test (and removes it after), unless the
real class is already registered (then the real one is used).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction

from postaward.core import events

PENALTY_DECIDED = "cases.penalty_decided"
SIGNED_OFF = "cases.publication_signed_off"

_FIELDS: dict[str, list[tuple[str, Any]]] = {
    PENALTY_DECIDED: [
        ("case_id", int),
        ("case_number", str),
        ("office_id", int),
        ("department_id", int),
        ("subject_org_id", int | None),
        ("subject_person_id", int | None),
        ("subject_name", str),
        ("project_id", int | None),
        ("measure", str),
        ("fine_yuan", str),
        ("points", int),
        ("basis", str),
        ("decision_number", str),
        ("decided_on", str),
        ("entered_on", str),
    ],
    SIGNED_OFF: [
        ("case_id", int),
        ("case_number", str),
        ("office_id", int),
        ("kind", str),
        ("title", str),
        ("subject_name", str),
        ("text", str),
        ("decision_number", str),
        ("decided_on", str),
        ("signed_off_at", str),
    ],
}


def _stand_in(name: str) -> type[events.DomainEvent]:
    cls = dataclasses.make_dataclass(
        "StandIn_" + name.replace(".", "_"),
        _FIELDS[name],
        bases=(events.DomainEvent,),
        frozen=True,
    )
    return events.event(name)(cls)


@contextmanager
def contract_events() -> Iterator[None]:
    added = []
    for name in _FIELDS:
        if name not in events._registry:
            _stand_in(name)
            added.append(name)
    try:
        yield
    finally:
        for name in added:
            events._registry.pop(name, None)


def publish(name: str, **payload: Any) -> None:
    """Publish the event by name with exactly the contract's payload, then
    deliver it as the worker does."""
    keys = {k for k, _ in _FIELDS[name]}
    assert set(payload) == keys, set(payload) ^ keys
    with transaction.atomic():
        events.publish(events._registry[name](**payload))
    events.dispatch_pending(limit=10_000)


_case = itertools.count(7001)


def penalty(d: Any, **kw: Any) -> dict[str, Any]:
    """A penalty on 甲建设有限公司 by the housing authority (the contract's payload)."""
    n = kw.pop("case_id", None) or next(_case)
    today = dt.date(2026, 3, 10)
    payload: dict[str, Any] = {
        "case_id": n,
        "case_number": f"AJ-2026-{n:04d}",
        "office_id": d.orgs["office"].pk,
        "department_id": d.orgs["housing"].pk,
        "subject_org_id": d.orgs["contractor_a"].pk,
        "subject_person_id": None,
        "subject_name": "甲建设有限公司",
        "project_id": d.projects["p_school"].pk,
        "measure": "罚款5万元；责令改正",
        "fine_yuan": "50000",
        "points": 6,
        "basis": "《建设工程质量管理条例》第六十四条",
        "decision_number": f"测住建罚〔2026〕{n}号",
        "decided_on": today.isoformat(),
        "entered_on": today.isoformat(),
    }
    payload.update(kw)
    return payload


def signed_off(d: Any, **kw: Any) -> dict[str, Any]:
    n = kw.pop("case_id", None) or next(_case)
    payload: dict[str, Any] = {
        "case_id": n,
        "case_number": f"AJ-2026-{n:04d}",
        "office_id": d.orgs["office"].pk,
        "kind": "penalty",
        "title": "关于张小三行政处罚决定的公示",
        "subject_name": "张小三",
        "text": (
            "当事人：张小三，身份证号码330602198001011234，联系电话13812345678。\n"
            "张小三在第一中学教学楼工程中冒用甲建设有限公司名义承揽工程，"
            "依据《建筑法》第六十五条，决定罚款2万元。"
        ),
        "decision_number": f"测住建罚〔2026〕{n}号",
        "decided_on": "2026-03-05",
        "signed_off_at": "2026-03-06T02:00:00+00:00",
    }
    payload.update(kw)
    return payload
