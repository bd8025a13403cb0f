"""R-CHG-06 (实施细则第二十三条): the supervising firm reviews the declarations
of hidden works and engineering changes before the owner. The owner's step is
refused (409, with the Chinese reason, nothing changed) until the supervisor
has reviewed; after the supervisor's review the owner's step goes through.

Personnel changes: ``test_personnel.py`` and ``test_api_personnel.py`` (the
contractor's declaration waits for the supervising firm's review, ADR 0073).
Company-name changes have no workflow on the platform yet."""

from __future__ import annotations

import datetime as dt

import pytest

from postaward.core import steps
from postaward.core.errors import Conflict

from .. import services
from ..choices import ChangeState, HiddenWorkState
from ..models import EngineeringChange, HiddenWork
from ..steps_changes import APPROVE
from ..steps_works import APPROVE as APPROVE_REVIEW
from ..steps_works import RETURN as RETURN_PHOTOS
from . import factories as f

pytestmark = pytest.mark.django_db


def test_r_chg_06_the_owner_cannot_approve_a_change_before_the_supervisors_review(d):
    c = f.change(d)
    owner = d.actor("school_leader")
    assert c.state == ChangeState.SUBMITTED
    with pytest.raises(Conflict) as exc:
        services.approve_change(actor=owner, change=c, opinion="同意")
    assert exc.value.code == "invalid_state"
    assert str(exc.value) == "工程变更当前状态为“待监理审核”，不能建设单位审批同意"
    assert EngineeringChange.objects.get(pk=c.pk).state == ChangeState.SUBMITTED
    # the owner's button is greyed with the same reason
    refused = steps.refusal(APPROVE, EngineeringChange.objects.get(pk=c.pk), owner)
    assert refused is not None and "待监理审核" in str(refused)
    assert [s.action for s in services.steps_of(c)] == ["raise_change"]


def test_r_chg_06_the_supervisors_review_then_the_owners_approval(d):
    c = f.change(d)
    owner = d.actor("school_leader")
    services.review_change(actor=d.actor("chief_a"), change=c, opinion="同意")
    c.refresh_from_db()
    assert c.state == ChangeState.SUPERVISOR_APPROVED
    assert steps.may(APPROVE, c, owner)
    services.approve_change(actor=owner, change=c, opinion="同意")
    c.refresh_from_db()
    assert c.state == ChangeState.APPROVED
    assert [s.action for s in services.steps_of(c)] == [
        "raise_change",
        "review_by_supervisor",
        "approve_by_owner",
    ]


def test_r_chg_06_the_owner_cannot_review_hidden_works_before_the_supervisors_acceptance(d, frozen):
    hw = f.hidden_work(d, days_ahead=1)
    frozen.shift(dt.timedelta(days=1))  # the work day D
    owner = d.actor("school_leader")
    for fn, step, label in (
        (services.approve_review, APPROVE_REVIEW, "审核通过"),
        (services.return_photos, RETURN_PHOTOS, "退回"),
    ):
        with pytest.raises(Conflict) as exc:
            fn(actor=owner, hidden_work=hw, opinion="影像清晰")
        assert exc.value.code == "invalid_state"
        assert str(exc.value).startswith("隐蔽工程当前状态为“待旁站验收”，不能"), label
        assert steps.refusal(step, HiddenWork.objects.get(pk=hw.pk), owner) is not None
    assert HiddenWork.objects.get(pk=hw.pk).state == HiddenWorkState.APPLIED


def test_r_chg_06_the_supervisors_acceptance_then_the_owners_review(d, frozen):
    hw = f.hidden_work(d, days_ahead=1)
    frozen.shift(dt.timedelta(days=1))
    owner = d.actor("school_leader")
    services.record_standby(
        actor=d.actor("chief_a"), hidden_work=hw, opinion="验收合格", photos=f.photos()
    )
    assert hw.state == HiddenWorkState.ACCEPTED
    assert steps.may(APPROVE_REVIEW, HiddenWork.objects.get(pk=hw.pk), owner)
    services.approve_review(actor=owner, hidden_work=hw, opinion="影像清晰")
    assert HiddenWork.objects.get(pk=hw.pk).state == HiddenWorkState.REVIEWED
