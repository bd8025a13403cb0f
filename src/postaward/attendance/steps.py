"""The steps of a leave request and of an attendance interview, declared once
(ADR 0060, R-ATT-05, R-ATT-07, R-ATT-08, R-ATT-04).

A person in a key position asks for leave in advance; the owner (the project
leader, or an administrator / leader of the owner organisation) approves it,
uploading the approval form and the evidence, or refuses it with a reason; the
person may withdraw it while it waits. The leave page, the API
(``GET/POST /api/v1/attendance/leave/{leave_id}/steps[/{name}]``, the old
``…/decision`` and ``…/cancel`` endpoints as aliases) and the generated
authorization tests (``core/tests/test_steps_authz.py``) all read this list.

An interview (约谈) an attendance failure called for is held and closed by the
owner with its signed record (and, below the monthly rate, the penalty and the
circulated criticism); the platform withdraws it when a suspension confirmed
late corrects the days behind it (``/interviews/{interview_id}/steps``, the old
``…/close`` as an alias).

A suspicious check-in is reviewed by the owner: confirmed as cheating (with
the note; it stops counting, an interview and the credit event follow) or
cleared (``/checkins/{checkin_id}/steps``, the old ``…/review`` and the owner
desk's form as aliases).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

from django import forms
from django.core.files.base import ContentFile
from django.urls import reverse
from pydantic import Field

from postaward.core import clock, steps
from postaward.core.actor import Actor
from postaward.core.api_base import StrictIn
from postaward.core.bodies import FileIn
from postaward.core.errors import ValidationFailed
from postaward.core.forms import BootstrapMixin, DateField
from postaward.core.scoping import get_visible_or_404
from postaward.core.types import Date

from .choices import InterviewState, LeaveState, Review
from .models import AttendanceInterview, CheckIn, LeaveRequest

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


# --- an attendance interview (R-ATT-07, R-ATT-08, R-ATT-04) -------------------------------------------

INTERVIEW_WF = "attendance.interview"


class CloseInterviewIn(StrictIn):
    held_on: Date = Field(description="约谈日期")
    record: FileIn | None = Field(None, description="约谈记录（签字的扫描件或照片，必传）")
    penalty_note: str = Field("", max_length=300, description="依约处罚（月考勤率不足时必填）")
    criticism_note: str = Field("", max_length=300, description="通报批评（月考勤率不足时必填）")


class CloseInterviewForm(BootstrapMixin, forms.Form):
    held_on = DateField(
        label="约谈日期",
        initial=clock.today,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    record = forms.FileField(label="约谈记录", help_text="签字的约谈记录扫描件或照片")
    penalty_note = forms.CharField(
        label="依约处罚",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="月考勤率不足时必填：按合同约定的处罚情况",
    )
    criticism_note = forms.CharField(
        label="通报批评",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="月考勤率不足时必填：通报批评的文号或情况",
    )


def _interview_owner_side(it: AttendanceInterview, actor: Actor) -> bool:
    from .services import is_owner_side

    return is_owner_side(actor, it.project)


def _close_interview(
    *,
    actor: Actor,
    obj: AttendanceInterview,
    held_on: Any,
    record: Any = None,
    penalty_note: str = "",
    criticism_note: str = "",
) -> AttendanceInterview:
    from . import services

    if isinstance(held_on, str):  # the API's JSON, as data
        try:
            held_on = dt.date.fromisoformat(held_on)
        except ValueError as exc:
            raise ValidationFailed("约谈日期格式不正确", field="held_on") from exc
    return services.close_interview(
        actor=actor,
        interview=obj,
        held_on=held_on,
        record=_upload(record, "record"),
        penalty_note=penalty_note,
        criticism_note=criticism_note,
    )


def load_interview(actor: Actor, pk: int) -> AttendanceInterview:
    """The interview through the actor's scope (404 out of scope)."""
    return get_visible_or_404(  # type: ignore[no-any-return]
        AttendanceInterview.objects.select_related("project__owner", "person", "organisation"),
        actor,
        pk=pk,
    )


def _render_interview(
    request: Any, it: AttendanceInterview, *, bound: Any = None, status: int = 200
) -> Any:
    from .views import render_interview

    return render_interview(request, it, bound=bound, status=status)


def _interview_answer(request: Any, it: AttendanceInterview) -> Any:
    from .api import interview_out

    return interview_out(it.pk)


INTERVIEW = steps.Workflow(
    key=INTERVIEW_WF,
    model=AttendanceInterview,
    label="考勤约谈",
    load=load_interview,
    queryset=lambda: AttendanceInterview.objects.select_related("project__owner"),
    detail_url=lambda it: reverse("attendance_interview", args=[it.pk]),
    render_page=_render_interview,
    answer=_interview_answer,
    page_url_name="attendance_interview_step",
)

CLOSE_INTERVIEW = steps.Step(
    INTERVIEW_WF,
    "close",
    "办结约谈",
    who=_interview_owner_side,
    who_label=OWNER,
    sources=(InterviewState.DUE,),
    target=InterviewState.DONE,
    service=_close_interview,
    schema=CloseInterviewIn,
    form=CloseInterviewForm,
    basis="R-ATT-07",
    action="attendance.close_interview",
    success="约谈已办结",
    help="上传签字的约谈记录；月考勤率不足的，同时填写依约处罚和通报批评",
)
WITHDRAW_INTERVIEW = steps.Step(
    INTERVIEW_WF,
    "withdraw",
    "撤销约谈",
    who=lambda it, actor: actor.is_system,
    who_label="平台",
    sources=(InterviewState.DUE,),
    target=InterviewState.WITHDRAWN,
    basis="R-PRJ-07",
    action="attendance.withdraw_interview",
    system=True,
)

steps.register(INTERVIEW, CLOSE_INTERVIEW, WITHDRAW_INTERVIEW)


# --- the owner's review of a suspicious check-in (R-ATT-04) -----------------------------------------

REVIEW_WF = "attendance.checkin_review"


class ConfirmCheatIn(StrictIn):
    note: str = Field("", max_length=300, description="核查意见（确认作弊时必填）")


class ClearCheckInIn(StrictIn):
    note: str = Field("", max_length=300, description="核查意见（可选）")


class ConfirmCheatForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label="核查意见",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="必填：现场核实的情况",
    )


class ClearCheckInForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label="核查意见",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _checkin_owner_side(c: CheckIn, actor: Actor) -> bool:
    from .services import is_owner_side

    return is_owner_side(actor, c.project)


def _confirm(*, actor: Actor, obj: CheckIn, note: str = "") -> CheckIn:
    from . import services

    return services.review_checkin(actor=actor, checkin=obj, confirm=True, note=note)


def _clear(*, actor: Actor, obj: CheckIn, note: str = "") -> CheckIn:
    from . import services

    return services.review_checkin(actor=actor, checkin=obj, confirm=False, note=note)


def load_checkin(actor: Actor, pk: int) -> CheckIn:
    """The check-in through the actor's scope (404 out of scope)."""
    return get_visible_or_404(  # type: ignore[no-any-return]
        CheckIn.objects.select_related("project__owner", "person", "assignment"),
        actor,
        pk=pk,
    )


def _render_checkin(request: Any, c: CheckIn, *, bound: Any = None, status: int = 200) -> Any:
    from .views import render_checkin

    return render_checkin(request, c, bound=bound, status=status)


def _checkin_answer(request: Any, c: CheckIn) -> Any:
    from .api import checkin_out

    return checkin_out(c.pk)


def _review_snapshot(c: CheckIn) -> dict[str, Any]:
    return {"review": c.review, "note": c.review_note}


CHECKIN_REVIEW = steps.Workflow(
    key=REVIEW_WF,
    model=CheckIn,
    label="打卡核查",
    load=load_checkin,
    queryset=lambda: CheckIn.objects.select_related("project__owner", "assignment__participant"),
    snapshot=_review_snapshot,
    state_field="review",
    detail_url=lambda c: reverse("attendance_checkin_detail", args=[c.pk]),
    render_page=_render_checkin,
    answer=_checkin_answer,
    page_url_name="attendance_checkin_review_step",
)

# A refused check-in never counted: there is nothing to review.
ACCEPTED = steps.Guard(lambda c, actor: c.accepted, "被拒绝的打卡不计入考勤，无须核查")

CONFIRM_CHEAT = steps.Step(
    REVIEW_WF,
    "confirm",
    "确认作弊",
    who=_checkin_owner_side,
    who_label=OWNER,
    # from "none" too: the owner may find a check-in the signals did not flag
    sources=(Review.PENDING, Review.NONE),
    target=Review.CONFIRMED,
    guards=(ACCEPTED,),
    service=_confirm,
    schema=ConfirmCheatIn,
    form=ConfirmCheatForm,
    basis="R-ATT-04",
    action="attendance.review_checkin",
    event="attendance.cheat_confirmed",
    success="已确认作弊：该打卡不计入考勤，已生成约谈待办并通报信用评价",
    style="danger",
    help="须填写核查意见；确认后该次打卡不计入考勤，并约谈、纳入信用管理",
)
CLEAR_CHECKIN = steps.Step(
    REVIEW_WF,
    "clear",
    "核查无异常",
    who=_checkin_owner_side,
    who_label=OWNER,
    sources=(Review.PENDING,),
    target=Review.CLEARED,
    guards=(ACCEPTED,),
    service=_clear,
    schema=ClearCheckInIn,
    form=ClearCheckInForm,
    basis="R-ATT-04",
    action="attendance.review_checkin",
    success="已核查无异常",
    style="outline-success",
)

steps.register(CHECKIN_REVIEW, CONFIRM_CHEAT, CLEAR_CHECKIN)
