"""Situations of the visits steps for the generated authorization tests
(``core/tests/test_steps_authz.py``; R-INS-05, R-INS-06, R-INS-08, R-CAS-05)."""

from __future__ import annotations

from typing import Any

from postaward.core.tests.step_cases import StepCase

from .. import services_visits as svc
from ..models.visits import Finding, Inspection
from ..models.visits import InspectionState as S
from . import factories_visits as f

API = {
    "inspections.inspection": "/api/v1/inspections/visits/{id}",
    "inspections.rectification": "/api/v1/inspections/rectifications/{id}",
}


def _notified(d: Any) -> Inspection:
    i = f.scheduled(d)
    svc.notify(actor=d.actor("housing_staff"), obj=i)
    return Inspection.objects.get(pk=i.pk)


def _item(d: Any) -> dict[str, Any]:
    i = Inspection.objects.order_by("-pk").first()
    assert i is not None
    return {"item_id": i.items.order_by("position").first().pk, "result": "compliant"}  # type: ignore[union-attr]


def _dispose(d: Any) -> dict[str, Any]:
    open_ = Finding.objects.filter(disposition="").order_by("-pk").first()
    fd = open_ or Finding.objects.order_by("-pk").first()
    assert fd is not None
    return {
        "finding_id": fd.pk,
        "disposition": "criticism",
        "note": "首次轻微，批评教育",
        "first_minor": True,
    }


def _case(setup: Any, user: str, data: Any, wrong_state: Any, **kw: Any) -> StepCase:
    """Inspector and organiser steps: the housing administrator sees the
    inspection but may not act (403); the transport department does not see it (404)."""
    return StepCase(
        setup=setup,
        user=user,
        data=data,
        wrong_role=kw.pop("wrong", "housing_admin"),
        out_of_scope=kw.pop("out", "transport_staff"),
        wrong_state=wrong_state,
        **kw,
    )


at = f.at
CASES = {
    "inspections.inspection.notify": _case(at(S.SCHEDULED), "housing_staff", {}, at(S.ON_SITE)),
    "inspections.inspection.start_visit": _case(_notified, "housing_staff", {}, at(S.REPORTED)),
    "inspections.inspection.record": _case(at(S.ON_SITE), "housing_staff", _item, at(S.REPORTED)),
    "inspections.inspection.dispose": _case(
        f.with_finding, "housing_staff", _dispose, at(S.REPORTED)
    ),
    "inspections.inspection.sign_record": _case(f.disposed, "housing_staff", {}, at(S.REPORTED)),
    "inspections.inspection.report": _case(
        at(S.RECORD_SIGNED), "housing_staff", {"report": "检查发现一个问题，已处理"}, at(S.ON_SITE)
    ),
    "inspections.inspection.sign_off": _case(
        at(S.REPORTED),
        "office_head",
        {"note": "同意"},
        at(S.RECORD_SIGNED),
        wrong="office_staff",
        out="transport_head",
    ),
    "inspections.inspection.publish": _case(
        at(S.SIGNED_OFF), "office_staff", {"summary": ""}, at(S.REPORTED), wrong="office_admin"
    ),
    "inspections.rectification.reply": _case(
        f.order,
        "contractor_a_admin",
        {"text": "项目经理已到岗"},
        f.replied,
        out="contractor_b_admin",
    ),
    "inspections.rectification.verify": _case(
        f.replied, "housing_staff", {"verdict": "passed", "note": "已到岗，销号"}, f.order
    ),
}
