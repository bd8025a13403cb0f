"""The steps of hidden works, supervision notices, the decisions on an
acceptance extension and the record of use before acceptance, declared once
(ADR 0060, ADR 0067, ADR 0078).

Each step names who may take it (a ``Who`` of ``workflows``), the states it
leaves from and goes to (the process's state machine), the rules beyond role
and state (``Guard``: the day of the works, the photos complete, the notice
overdue …), its input (API schema and page form), the service it calls, its
legal basis and the deadline it opens or closes. The detail pages, the API
(``GET/POST …/{id}/steps[/{name}]``; the old per-step endpoints are aliases)
and the generated authorization tests (``core/tests/test_steps_authz.py``)
read this list.

Registered on import (``apps.ready`` and ``urls`` import this module):
``approvals.hidden_work``, ``approvals.notice``, ``approvals.extension``, and
the step ``usage`` added to ``approvals.acceptance`` (``approvals/steps.py``).
"""

from __future__ import annotations

from typing import Any

from django import forms as djforms
from django.urls import reverse
from pydantic import Field, StrictBool

from postaward.core import clock, steps
from postaward.core.actor import Actor
from postaward.core.api_base import StrictIn
from postaward.core.bodies import FileIn
from postaward.core.errors import DomainError, ValidationFailed
from postaward.core.scoping import get_visible_or_404
from postaward.core.types import Date

from . import deadline_kinds as K
from . import forms, workflows
from .choices import AcceptanceState, ExtensionState, HiddenWorkState
from .models import AcceptanceExtension, AcceptanceRequest, HiddenWork, RectificationNotice
from .steps import ACCEPTANCE, ACCEPTANCE_WF, OpinionIn, _typed

HIDDEN_WF = "approvals.hidden_work"
NOTICE_WF = "approvals.notice"
EXTENSION_WF = "approvals.extension"

BASIS_STANDBY = "R-HID-02（实施细则第二十八条(二)：施工当天监理旁站和验收，上传影像资料）"
BASIS_REVIEW = "R-HID-03（实施细则第二十八条(三)：建设单位审核影像质量，重要部位派员旁站）"
KINDS = ("before", "after", "scale")


def _prefixed(form: type[djforms.Form], prefix: str) -> Any:
    """The page form of a step, its fields prefixed with the step's name (a page
    shows several steps' forms: their ids stay apart)."""

    def make(obj: Any, actor: Actor, data: Any = None, files: Any = None) -> Any:
        if data is None:
            return form(prefix=prefix)
        return form(data, files, prefix=prefix)

    return make


# --- inputs (API) --------------------------------------------------------------------------------


CAPTURE_NOTE = (
    '拍照时客户端记录的时间和位置（可选，JSON：{"t": "ISO 8601 时间", "lon": 经度, "lat": 纬度}）；'
    "照片有 EXIF 时一并核验，没有时以此为准"
)


class PhotosIn(StrictIn):
    opinion: str = Field("", max_length=2000, description="旁站验收意见（旁站验收时必填）")
    before: FileIn | None = Field(None, description="施工前照片")
    after: FileIn | None = Field(None, description="施工后照片")
    scale: FileIn | None = Field(None, description="验收带标尺照片")
    before_capture: str = Field("", max_length=500, description=CAPTURE_NOTE)
    after_capture: str = Field("", max_length=500, description=CAPTURE_NOTE)
    scale_capture: str = Field("", max_length=500, description=CAPTURE_NOTE)


class ReplyIn(StrictIn):
    reply: str = Field(..., max_length=4000, description="整改情况")
    evidence: list[FileIn] = Field([], description="整改佐证（照片或文件，至少一份）")


class NoticeReopenIn(StrictIn):
    opinion: str = Field(..., max_length=2000, description="复查意见")
    required_by: Date = Field(..., description="新的整改期限")


class UsageStepIn(StrictIn):
    used_since: Date = Field(..., description="投入使用日期")
    description: str = Field(..., max_length=4000, description="使用情况")
    industry_exception: StrictBool = Field(False, description="属行业特殊要求（例外）")
    exception_reason: str = Field("", max_length=4000, description="例外依据")


# --- the services the steps call (the page's and the API's field names) ---------------------------


def _photo_input(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(photos, captures) by kind, from the API's names (``before``,
    ``before_capture``) or the page's (``photo_before``, ``photo_before_capture``)."""
    from . import exif

    data = _typed(PhotosIn, data)
    photos = {k: data.get(k) or data.get(f"photo_{k}") for k in KINDS}
    captures = {
        k: exif.parse_capture(data.get(f"{k}_capture") or data.get(f"photo_{k}_capture") or "")
        for k in KINDS
    }
    return {k: v for k, v in photos.items() if v is not None}, captures


def _standby(*, actor: Actor, obj: HiddenWork, opinion: str = "", **data: Any) -> Any:
    from .services import hidden

    photos, captures = _photo_input(data)
    return hidden.record_standby(
        actor=actor, hidden_work=obj, opinion=opinion, photos=photos, captures=captures
    )


def _upload(*, actor: Actor, obj: HiddenWork, opinion: str = "", **data: Any) -> Any:
    from .services import hidden

    photos, captures = _photo_input(data)
    return hidden.upload_photos(actor=actor, hidden_work=obj, photos=photos, captures=captures)


def _owner_standby(*, actor: Actor, obj: HiddenWork, opinion: str = "") -> Any:
    from .services import hidden

    return hidden.record_owner_standby(actor=actor, hidden_work=obj, opinion=opinion)


def _important(*, actor: Actor, obj: HiddenWork, opinion: str = "") -> Any:
    from .services import hidden

    return hidden.mark_important(actor=actor, hidden_work=obj, note=opinion)


def _approve(*, actor: Actor, obj: HiddenWork, opinion: str = "") -> Any:
    from .services import hidden

    return hidden.approve_review(actor=actor, hidden_work=obj, opinion=opinion)


def _return(*, actor: Actor, obj: HiddenWork, opinion: str = "") -> Any:
    from .services import hidden

    return hidden.return_photos(actor=actor, hidden_work=obj, opinion=opinion)


def _resubmit(*, actor: Actor, obj: HiddenWork) -> Any:
    from .services import hidden

    return hidden.resubmit(actor=actor, hidden_work=obj)


def _withdraw(*, actor: Actor, obj: HiddenWork) -> Any:
    from .services import hidden

    return hidden.withdraw_hidden_work(actor=actor, hidden_work=obj)


def _reply(*, actor: Actor, obj: RectificationNotice, reply: str, evidence: Any = ()) -> Any:
    from .services import supervision

    if not isinstance(evidence, list | tuple):
        evidence = [evidence] if evidence else []  # the page's one file
    files = _typed(ReplyIn, {f"evidence{i}": e for i, e in enumerate(evidence)})
    return supervision.reply_notice(
        actor=actor, notice=obj, reply=reply, evidence=[*files.values()]
    )


def _close(*, actor: Actor, obj: RectificationNotice, opinion: str = "") -> Any:
    from .services import supervision

    return supervision.close_notice(actor=actor, notice=obj, opinion=opinion)


def _reopen(*, actor: Actor, obj: RectificationNotice, **data: Any) -> Any:
    from .services import supervision

    data = _typed(NoticeReopenIn, data)
    return supervision.reopen_notice(
        actor=actor, notice=obj, opinion=data.get("opinion", ""), required_by=data["required_by"]
    )


def _interview(*, actor: Actor, obj: RectificationNotice, note: str = "", opinion: str = "") -> Any:
    from .services import supervision

    return supervision.record_interview(actor=actor, notice=obj, note=note or opinion)


def _refuse(*, actor: Actor, obj: RectificationNotice, note: str = "", opinion: str = "") -> Any:
    from .services import supervision

    return supervision.record_refusal(actor=actor, notice=obj, note=note or opinion)


def _handle(*, actor: Actor, obj: RectificationNotice, note: str = "", opinion: str = "") -> Any:
    from .services import supervision

    return supervision.handle_refusal(actor=actor, notice=obj, note=note or opinion)


def _agree(*, actor: Actor, obj: AcceptanceExtension, opinion: str = "") -> Any:
    from .services import acceptance

    return acceptance.decide_extension(actor=actor, extension=obj, approve=True, opinion=opinion)


def _disagree(*, actor: Actor, obj: AcceptanceExtension, opinion: str = "", note: str = "") -> Any:
    from .services import acceptance

    return acceptance.decide_extension(
        actor=actor, extension=obj, approve=False, opinion=opinion or note
    )


def _usage(*, actor: Actor, obj: AcceptanceRequest, **data: Any) -> Any:
    from .services import acceptance

    return acceptance.record_usage_on_request(actor=actor, request=obj, **_typed(UsageStepIn, data))


# --- the rules beyond role and state -----------------------------------------------------------


def _not_the_day(what: str) -> Any:
    def refuse(hw: HiddenWork, actor: Actor) -> DomainError:
        return ValidationFailed(
            f"{what}须在隐蔽工程施工当天（{hw.work_date:%Y-%m-%d}）记录，"
            f"今天是 {clock.today():%Y-%m-%d}",
            code="not_the_work_day",
            basis=BASIS_STANDBY,
        )

    return refuse


def photos_complete(hw: HiddenWork) -> bool:
    from .services.hidden import photos_complete as complete

    return complete(hw)


def _fresh_photos(hw: HiddenWork, actor: Actor) -> bool:
    """Photos uploaded again since the owner returned them, and all three kinds."""
    from .models import HiddenWorkPhoto, ProcessStep

    returned_at = (
        ProcessStep.objects.filter(
            subject_type="approvals.hiddenwork", subject_id=str(hw.pk), action="return_photos"
        )
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    fresh = HiddenWorkPhoto.objects.filter(hidden_work=hw, superseded=False)
    if returned_at is not None:
        fresh = fresh.filter(uploaded_at__gt=returned_at)
    return fresh.exists() and photos_complete(hw)


ON_THE_WORK_DAY = steps.Guard(
    lambda hw, a: clock.today() == hw.work_date,
    "监理旁站验收须在隐蔽工程施工当天记录",
    refuse=_not_the_day("监理旁站验收"),
)
OWNER_ON_THE_WORK_DAY = steps.Guard(
    lambda hw, a: clock.today() == hw.work_date,
    "建设单位旁站须在隐蔽工程施工当天记录",
    refuse=_not_the_day("建设单位旁站"),
)
IS_IMPORTANT = steps.Guard(lambda hw, a: hw.is_important, "该部位不是重要部位，无需建设单位旁站")
OWNER_NOT_YET = steps.Guard(lambda hw, a: hw.owner_standby_at is None, "已记录建设单位旁站")
NOT_IMPORTANT_YET = steps.Guard(lambda hw, a: not hw.is_important, "该部位已确定为重要部位")
NOT_AFTER_THE_WORK_DAY = steps.Guard(
    lambda hw, a: hw.work_date >= clock.today(),
    "隐蔽工程施工日之前（含当天）且尚未验收的，方可确定为重要部位",
)
PHOTOS_COMPLETE = steps.Guard(
    lambda hw, a: photos_complete(hw),
    "影像资料不全（须有施工前、施工后和带标尺验收照片）",
    refuse=lambda hw, a: ValidationFailed(
        "影像资料不全（须有施工前、施工后和带标尺验收照片）", code="photos_missing"
    ),
)
OWNER_STOOD_BY = steps.Guard(
    lambda hw, a: not hw.is_important or hw.owner_standby_at is not None,
    "重要部位须建设单位派员旁站后方可审核通过",
    refuse=lambda hw, a: ValidationFailed(
        "重要部位须建设单位派员旁站后方可审核通过",
        code="owner_standby_missing",
        basis=BASIS_REVIEW,
    ),
)
PHOTOS_AGAIN = steps.Guard(
    _fresh_photos,
    "请先补传影像资料",
    refuse=lambda hw, a: ValidationFailed("请先补传影像资料", code="photos_missing"),
)
OVERDUE = steps.Guard(lambda n, a: n.overdue, "该通知单未逾期，无需约谈")
NOT_INTERVIEWED = steps.Guard(lambda n, a: n.interview_at is None, "已登记约谈责任人")


def _period_open(ext: AcceptanceExtension, actor: Actor) -> bool:
    """The leading group's approval extends a period still running (R-ACC-04)."""
    from .steps import _extension_period_open

    return ext.state != ExtensionState.PENDING_OFFICE or _extension_period_open(ext.request, actor)


REQUEST_OPEN = steps.Guard(
    lambda ext, a: ext.request.state == AcceptanceState.RECEIVED,
    "验收申请已不在组织验收中（已验收、退回或撤回），无需审批延长申请",
)
PERIOD_NOT_OVER = steps.Guard(_period_open, "验收期限已届满，不能再延长", code="extension_too_late")


# --- the workflows ---------------------------------------------------------------------------------


def load_hidden_work(actor: Actor, pk: int) -> HiddenWork:
    return get_visible_or_404(  # type: ignore[no-any-return]
        HiddenWork.objects.select_related("project", "participant__organisation"), actor, pk=pk
    )


def load_notice(actor: Actor, pk: int) -> RectificationNotice:
    return get_visible_or_404(  # type: ignore[no-any-return]
        RectificationNotice.objects.select_related("project", "participant__organisation"),
        actor,
        pk=pk,
    )


def load_extension(actor: Actor, pk: int) -> AcceptanceExtension:
    return get_visible_or_404(  # type: ignore[no-any-return]
        AcceptanceExtension.objects.select_related("project", "request"), actor, pk=pk
    )


def _render_hidden(request: Any, hw: HiddenWork, *, bound: Any = None, status: int = 200) -> Any:
    from .views_works import render_hidden

    return render_hidden(request, hw, bound=bound, status=status)


def _render_notice(
    request: Any, n: RectificationNotice, *, bound: Any = None, status: int = 200
) -> Any:
    from .views_works import render_notice

    return render_notice(request, n, bound=bound, status=status)


def _render_extension(
    request: Any, ext: AcceptanceExtension, *, bound: Any = None, status: int = 200
) -> Any:
    """The decisions on an extension are taken on its acceptance request's page."""
    from postaward.core.web import actor_of

    from .steps import load_acceptance
    from .views import render_acceptance

    req = load_acceptance(actor_of(request), ext.request_id)
    return render_acceptance(request, req, extension_bound=bound, status=status)


def _hidden_answer(request: Any, hw: HiddenWork) -> Any:
    from .api_works import hidden_answer

    return hidden_answer(request, hw)


def _notice_answer(request: Any, n: RectificationNotice) -> Any:
    from .api_works import notice_answer

    return notice_answer(request, n)


def _extension_answer(request: Any, ext: AcceptanceExtension) -> Any:
    from .api_works import extension_answer

    return extension_answer(request, ext)


HIDDEN = steps.Workflow(
    key=HIDDEN_WF,
    model=HiddenWork,
    label="隐蔽工程",
    load=load_hidden_work,
    queryset=lambda: HiddenWork.objects.select_related("project", "participant"),
    detail_url=lambda hw: reverse("approval_hidden_work_detail", args=[hw.pk]),
    render_page=_render_hidden,
    answer=_hidden_answer,
    page_url_name="approval_hidden_work_step",
)
NOTICE = steps.Workflow(
    key=NOTICE_WF,
    model=RectificationNotice,
    label="监理通知单",
    load=load_notice,
    queryset=lambda: RectificationNotice.objects.select_related("project", "participant"),
    detail_url=lambda n: reverse("approval_notice_detail", args=[n.pk]),
    render_page=_render_notice,
    answer=_notice_answer,
    page_url_name="approval_notice_step",
)
EXTENSION = steps.Workflow(
    key=EXTENSION_WF,
    model=AcceptanceExtension,
    label="延长验收时间申请",
    load=load_extension,
    queryset=lambda: AcceptanceExtension.objects.select_related("project", "request"),
    detail_url=lambda e: reverse("approval_acceptance_detail", args=[e.request_id]),
    render_page=_render_extension,
    answer=_extension_answer,
    page_url_name="approval_extension_step",
)

# --- hidden works (R-HID-01..03) ---------------------------------------------------------------

SUPERVISOR, CONTRACTOR, OWNER_STAFF = (
    workflows.SUPERVISOR,
    workflows.CONTRACTOR,
    workflows.OWNER_STAFF,
)
PHOTO_KINDS = f"{K.HIDDEN_STANDBY.kind}、{K.HIDDEN_PHOTOS.kind}"

STANDBY = steps.Step(
    HIDDEN_WF,
    "standby",
    "旁站并验收",
    who=SUPERVISOR,
    who_label=SUPERVISOR.label,
    transition="record_standby",
    guards=(ON_THE_WORK_DAY,),
    service=_standby,
    schema=PhotosIn,
    form_factory=_prefixed(forms.StandbyForm, "standby"),
    basis="R-HID-02",
    closes=K.HIDDEN_STANDBY.kind,
    action="approvals.hiddenwork.record_standby",
    success="旁站并验收：已办理",
    help="须在施工当天记录；拍照时记录时间和位置（有 EXIF 时一并核验），并在照片上加盖水印",
)
PHOTOS = steps.Step(
    HIDDEN_WF,
    "photos",
    "上传影像资料",
    who=SUPERVISOR,
    who_label=SUPERVISOR.label,
    sources=(HiddenWorkState.ACCEPTED, HiddenWorkState.RETURNED),
    service=_upload,
    schema=PhotosIn,
    form_factory=_prefixed(forms.PhotosForm, "photos"),
    basis="R-HID-02",
    closes=K.HIDDEN_PHOTOS.kind,
    action="approvals.hiddenwork.upload_photos",
    success="上传影像资料：已办理",
    style="secondary",
    help="施工前、施工后和带标尺验收照片；重传的照片替换原照片（原照片留档）",
)
OWNER_STANDBY = steps.Step(
    HIDDEN_WF,
    "owner-standby",
    "建设单位派员旁站验收",
    who=OWNER_STAFF,
    who_label=OWNER_STAFF.label,
    sources=(HiddenWorkState.APPLIED, HiddenWorkState.ACCEPTED),
    guards=(IS_IMPORTANT, OWNER_NOT_YET, OWNER_ON_THE_WORK_DAY),
    service=_owner_standby,
    schema=OpinionIn,
    form_factory=_prefixed(forms.OpinionForm, "owner-standby"),
    basis="R-HID-03",
    closes=K.HIDDEN_OWNER_STANDBY.kind,
    action="approvals.hiddenwork.owner_standby",
    success="建设单位派员旁站验收：已办理",
)
IMPORTANT = steps.Step(
    HIDDEN_WF,
    "important",
    "确定为重要部位",
    who=OWNER_STAFF,
    who_label=OWNER_STAFF.label,
    sources=(HiddenWorkState.APPLIED,),
    guards=(NOT_IMPORTANT_YET, NOT_AFTER_THE_WORK_DAY),
    service=_important,
    schema=OpinionIn,
    form_factory=_prefixed(forms.OpinionForm, "important"),
    basis="R-HID-03",
    opens=K.HIDDEN_OWNER_STANDBY.kind,
    action="approvals.hiddenwork.mark_important",
    success="确定为重要部位：已办理",
    style="secondary",
    help="重要部位须建设单位派员于施工当天旁站",
)
APPROVE = steps.Step(
    HIDDEN_WF,
    "approve",
    "影像审核通过",
    who=OWNER_STAFF,
    who_label=OWNER_STAFF.label,
    transition="approve_review",
    guards=(PHOTOS_COMPLETE, OWNER_STOOD_BY),
    service=_approve,
    schema=OpinionIn,
    form_factory=_prefixed(forms.OpinionForm, "approve"),
    basis="R-HID-03",
    closes=K.HIDDEN_REVIEW.kind,
    event="approvals.hidden_work_reviewed",
    action="approvals.hiddenwork.approve_review",
    success="影像审核通过：已办理",
)
RETURN = steps.Step(
    HIDDEN_WF,
    "return",
    "影像退回补传",
    who=OWNER_STAFF,
    who_label=OWNER_STAFF.label,
    transition="return_photos",
    service=_return,
    schema=OpinionIn,
    form_factory=_prefixed(forms.OpinionForm, "return"),
    basis="R-HID-03",
    closes=K.HIDDEN_REVIEW.kind,
    action="approvals.hiddenwork.return_photos",
    success="影像退回补传：已办理",
    style="danger",
)
RESUBMIT = steps.Step(
    HIDDEN_WF,
    "resubmit",
    "补传影像后重新提交",
    who=SUPERVISOR,
    who_label=SUPERVISOR.label,
    transition="resubmit",
    guards=(PHOTOS_AGAIN,),
    service=_resubmit,
    basis="R-HID-02",
    opens=K.HIDDEN_REVIEW.kind,
    action="approvals.hiddenwork.resubmit",
    success="补传影像后重新提交：已办理",
)
WITHDRAW = steps.Step(
    HIDDEN_WF,
    "withdraw",
    "撤回申请",
    who=CONTRACTOR,
    who_label=CONTRACTOR.label,
    transition="withdraw",
    service=_withdraw,
    basis="R-HID-01",
    closes=f"{PHOTO_KINDS}、{K.HIDDEN_OWNER_STANDBY.kind}、{K.HIDDEN_REVIEW.kind}",
    action="approvals.hiddenwork.withdraw",
    success="撤回申请：已办理",
    style="secondary",
)

# --- supervision notices (R-SUP-01, R-SUP-02) ------------------------------------------------------

REPLY = steps.Step(
    NOTICE_WF,
    "reply",
    "整改回复",
    who=CONTRACTOR,
    who_label=CONTRACTOR.label,
    transition="answer",
    service=_reply,
    schema=ReplyIn,
    form_factory=_prefixed(forms.ReplyForm, "reply"),
    basis="R-SUP-01",
    closes=K.RECTIFICATION.kind,
    action="approvals.rectificationnotice.answer",
    success="整改回复：已办理",
    help="附整改佐证资料（照片或文件）",
)
CLOSE = steps.Step(
    NOTICE_WF,
    "close",
    "复查合格",
    who=SUPERVISOR,
    who_label=SUPERVISOR.label,
    transition="close",
    service=_close,
    schema=OpinionIn,
    form_factory=_prefixed(forms.OpinionForm, "close"),
    basis="R-SUP-01",
    action="approvals.rectificationnotice.close",
    success="复查合格：已办理",
)
REOPEN = steps.Step(
    NOTICE_WF,
    "reopen",
    "复查不合格，重新整改",
    who=SUPERVISOR,
    who_label=SUPERVISOR.label,
    transition="reopen",
    service=_reopen,
    schema=NoticeReopenIn,
    form_factory=_prefixed(forms.ReopenForm, "reopen"),
    basis="R-SUP-01",
    opens=K.RECTIFICATION.kind,
    action="approvals.rectificationnotice.reopen",
    success="复查不合格，重新整改：已办理",
    style="warning",
)
INTERVIEW = steps.Step(
    NOTICE_WF,
    "interview",
    "登记约谈",
    who=workflows.OWNER,
    who_label="建设单位",
    sources=("*",),
    guards=(OVERDUE, NOT_INTERVIEWED),
    service=_interview,
    schema=OpinionIn,
    form_factory=_prefixed(forms.NoteForm, "interview"),
    basis="R-SUP-02",
    action="approvals.notice.interview",
    success="登记约谈：已办理",
    help="监理通知单逾期未整改的，由建设单位约谈相关责任人",
)
REFUSE = steps.Step(
    NOTICE_WF,
    "refuse",
    "登记拒不整改",
    who=workflows.SUPERVISOR_OR_OWNER,
    who_label=workflows.SUPERVISOR_OR_OWNER.label,
    transition="refuse",
    service=_refuse,
    schema=OpinionIn,
    form_factory=_prefixed(forms.NoteForm, "refuse"),
    basis="R-SUP-02",
    closes=K.RECTIFICATION.kind,
    event="approvals.rectification_refused",
    action="approvals.rectificationnotice.refuse",
    success="登记拒不整改：已办理",
    style="danger",
    help="报行业主管部门调查核实",
)
HANDLE = steps.Step(
    NOTICE_WF,
    "handle",
    "行业主管部门调查处理",
    who=workflows.AUTHORITY,
    who_label=workflows.AUTHORITY.label,
    transition="handle",
    service=_handle,
    schema=OpinionIn,
    form_factory=_prefixed(forms.NoteForm, "handle"),
    basis="R-SUP-02",
    action="approvals.rectificationnotice.handle",
    success="调查处理结果：已办理",
)

# --- the decisions on an extension of the acceptance period (R-ACC-04) ---------------------------

PENDING = (
    ExtensionState.PENDING_SUPERIOR,
    ExtensionState.PENDING_AUTHORITY,
    ExtensionState.PENDING_OFFICE,
)

AGREE = steps.Step(
    EXTENSION_WF,
    "approve",
    "同意延长",
    who=workflows.EXTENSION_DECIDER,
    who_label=workflows.EXTENSION_DECIDER.label,
    sources=PENDING,
    target="",  # the next decider, or approved after the leading group
    guards=(REQUEST_OPEN, PERIOD_NOT_OVER),
    service=_agree,
    schema=OpinionIn,
    form_factory=_prefixed(forms.OpinionForm, "approve"),
    basis="R-ACC-04",
    action="approvals.acceptanceextension.agree_by_superior",  # by_authority, by_office later
    success="同意延长：已办理",
    help="主管单位、行业主管部门、双查双保领导小组依次审批；领导小组同意后验收期限延长",
)
DISAGREE = steps.Step(
    EXTENSION_WF,
    "reject",
    "不同意延长",
    who=workflows.EXTENSION_DECIDER,
    who_label=workflows.EXTENSION_DECIDER.label,
    transition="reject",
    guards=(REQUEST_OPEN,),
    service=_disagree,
    schema=OpinionIn,
    form_factory=_prefixed(forms.OpinionForm, "reject"),
    basis="R-ACC-04",
    action="approvals.acceptanceextension.reject",
    success="不同意延长：已办理",
    style="danger",
)

# --- use before acceptance, recorded on the acceptance request (R-ACC-06) ------------------------

USAGE_RECORDERS = workflows.Who(
    "建设单位、主管单位、行业主管部门或监管办",
    (workflows.owner_staff, workflows.superior, workflows.authority, workflows.office),
)

USAGE = steps.Step(
    ACCEPTANCE_WF,
    "usage",
    "登记未验先用",
    who=USAGE_RECORDERS,
    who_label=USAGE_RECORDERS.label,
    sources=(AcceptanceState.SUBMITTED, AcceptanceState.RECEIVED),
    service=_usage,
    schema=UsageStepIn,
    form_factory=_prefixed(forms.UsageForm, "usage"),
    basis="R-ACC-06",
    event="approvals.used_before_acceptance",
    action="approvals.record_usage_before_acceptance",
    success="登记未验先用：已办理",
    style="secondary",
    help="未经竣工验收即投入使用的，登记后报预警（行业特殊要求的例外须写明依据）",
)

steps.register(
    HIDDEN, STANDBY, PHOTOS, OWNER_STANDBY, IMPORTANT, APPROVE, RETURN, RESUBMIT, WITHDRAW
)
steps.register(NOTICE, REPLY, CLOSE, REOPEN, INTERVIEW, REFUSE, HANDLE)
steps.register(EXTENSION, AGREE, DISAGREE)
# the acceptance workflow with the record of use before acceptance after its own steps
steps.register(
    ACCEPTANCE, *[s for s in steps.steps_of(ACCEPTANCE_WF) if s.name != USAGE.name], USAGE
)
