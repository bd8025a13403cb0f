"""The steps of a leave request, declared once (ADR 0060, R-ATT-05).

A person in a key position asks for leave in advance; the owner (the project
leader, or an administrator / leader of the owner organisation) approves it,
uploading the approval form and the evidence, or refuses it with a reason; the
person may withdraw it while it waits. The leave page, the API
(``GET/POST /api/v1/attendance/leave/{leave_id}/steps[/{name}]``, the old
``…/decision`` and ``…/cancel`` endpoints as aliases) and the generated
authorization tests (``core/tests/test_steps_authz.py``) all read this list.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django import forms
from django.core.files.base import ContentFile
from django.urls import reverse
from pydantic import Field

from postaward.core import steps
from postaward.core.actor import Actor
from postaward.core.api_base import StrictIn
from postaward.core.bodies import FileIn
from postaward.core.errors import ValidationFailed
from postaward.core.forms import BootstrapMixin
from postaward.core.scoping import get_visible_or_404

from .choices import LeaveState
from .models import LeaveRequest

LEAVE_WF = "attendance.leave"


# --- inputs: the API's schemas and the page's forms -----------------------------------------------


class ApproveLeaveIn(StrictIn):
    note: str = Field("", max_length=300, description="审批意见（可选）")
    approval_form: FileIn | None = Field(None, description="请假审批单（必传）")
    evidence: FileIn | None = Field(None, description="证明材料（必传）")


class RejectLeaveIn(StrictIn):
    note: str = Field(max_length=300, description="不同意的理由")


class ApproveLeaveForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label="审批意见",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    approval_form = forms.FileField(label="请假审批单", required=False, help_text="必传")
    evidence = forms.FileField(label="证明材料", required=False, help_text="必传")


class RejectLeaveForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label="不同意的理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- who, and the services the steps call -----------------------------------------------------------


def _owner_side(lv: LeaveRequest, actor: Actor) -> bool:
    from .services import is_owner_side

    return is_owner_side(actor, lv.project)


def _the_person(lv: LeaveRequest, actor: Actor) -> bool:
    return bool(actor.person_id) and lv.person_id == actor.person_id


def _upload(value: Any, field: str) -> Any:
    """An upload, or a file as the API's JSON sends it (``FileIn``)."""
    if isinstance(value, dict):
        value = FileIn.model_validate(value)
    if isinstance(value, FileIn):
        try:
            raw = base64.b64decode(value.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValidationFailed("文件内容不是有效的 Base64", field=field) from exc
        return ContentFile(raw, name=value.filename)
    return value


def _approve(
    *,
    actor: Actor,
    obj: LeaveRequest,
    note: str = "",
    approval_form: Any = None,
    evidence: Any = None,
) -> LeaveRequest:
    from . import services

    approval_form = _upload(approval_form, "approval_form")
    evidence = _upload(evidence, "evidence")
    return services.decide_leave(
        actor=actor,
        leave=obj,
        approve=True,
        note=note,
        approval_form=approval_form,
        evidence=evidence,
    )


def _reject(*, actor: Actor, obj: LeaveRequest, note: str) -> LeaveRequest:
    from . import services

    return services.decide_leave(actor=actor, leave=obj, approve=False, note=note)


def _cancel(*, actor: Actor, obj: LeaveRequest) -> LeaveRequest:
    from . import services

    return services.cancel_leave(actor=actor, leave=obj)


# --- the workflow and its steps --------------------------------------------------------------------


def load_leave(actor: Actor, pk: int) -> LeaveRequest:
    """The leave request through the actor's scope (404 out of scope)."""
    return get_visible_or_404(  # type: ignore[no-any-return]
        LeaveRequest.objects.select_related("person", "project__owner", "assignment"),
        actor,
        pk=pk,
    )


def _render(request: Any, lv: LeaveRequest, *, bound: Any = None, status: int = 200) -> Any:
    from .views import render_leave

    return render_leave(request, lv, bound=bound, status=status)


def _answer(request: Any, lv: LeaveRequest) -> Any:
    from .api import leave_out

    return leave_out(lv.pk)


def _snapshot(lv: LeaveRequest) -> dict[str, Any]:
    return {
        "state": lv.state,
        "note": lv.decision_note,
        "approval_form": lv.approval_form_name,
        "evidence": lv.evidence_name,
    }


LEAVE = steps.Workflow(
    key=LEAVE_WF,
    model=LeaveRequest,
    label="请假申请",
    load=load_leave,
    queryset=lambda: LeaveRequest.objects.select_related("project__owner"),
    snapshot=_snapshot,
    detail_url=lambda lv: reverse("attendance_leave_detail", args=[lv.pk]),
    render_page=_render,
    answer=_answer,
    page_url_name="attendance_leave_step",
)

OWNER = "建设单位（项目负责人或单位总管）"

APPROVE = steps.Step(
    LEAVE_WF,
    "approve",
    "同意请假",
    who=_owner_side,
    who_label=OWNER,
    sources=(LeaveState.PENDING,),
    target=LeaveState.APPROVED,
    service=_approve,
    schema=ApproveLeaveIn,
    form=ApproveLeaveForm,
    basis="R-ATT-05",
    action="attendance.decide_leave",
    success="已同意请假",
    help="同意须上传请假审批单和证明材料；经同意的请假日不计入实际施工天数",
)
REJECT = steps.Step(
    LEAVE_WF,
    "reject",
    "不同意请假",
    who=_owner_side,
    who_label=OWNER,
    sources=(LeaveState.PENDING,),
    target=LeaveState.REJECTED,
    service=_reject,
    schema=RejectLeaveIn,
    form=RejectLeaveForm,
    basis="R-ATT-05",
    action="attendance.decide_leave",
    success="已办理：不同意请假",
    style="outline-danger",
    help="须说明理由，申请人可见",
)
CANCEL = steps.Step(
    LEAVE_WF,
    "cancel",
    "撤回申请",
    who=_the_person,
    who_label="申请人本人",
    sources=(LeaveState.PENDING,),
    target=LeaveState.CANCELLED,
    service=_cancel,
    basis="R-ATT-05",
    action="attendance.cancel_leave",
    success="请假申请已撤回",
    style="outline-danger",
)

steps.register(LEAVE, APPROVE, REJECT, CANCEL)
