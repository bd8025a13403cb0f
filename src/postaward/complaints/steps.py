"""The steps of a complaint or report, declared once (ADR 0060, ADR 0500;
R-CMP-01, R-CMP-03, R-CMP-05).

Registration (staff intake) creates the complaint and is not a step (a step
acts on an object in a state, ADR 0067): its single predicate is
``services.may_register``. The detail page, the API
(``GET/POST /api/v1/complaints/{complaint_id}/steps[/{name}]``) and the
generated authorization tests (``core/tests/test_steps_authz.py``) read this
list. The parts of a split complaint (分办, ADR 0510) are a second workflow,
``complaints.assignment`` (``/api/v1/complaints/assignments/{id}/steps``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.urls import reverse
from pydantic import Field

from postaward.core import steps
from postaward.core.actor import Actor
from postaward.core.api_base import StrictIn
from postaward.core.bodies import FileIn
from postaward.core.scoping import get_visible_or_404
from postaward.core.types import Id
from postaward.orgs.choices import Role

from . import forms
from .choices import OPEN_STATES, Outcome, PartState, ReferralTarget, RejectReason, State
from .deadline_kinds import COMPLAINT_DECISION, UNIT_HANDLING
from .models import Complaint, ComplaintAssignment, snapshot, snapshot_part

WF = "complaints.complaint"
PART_WF = "complaints.assignment"
OFFICE_ACTING = frozenset({Role.OFFICE_STAFF, Role.UNIT_LEADER})


def office_staff(c: Complaint, actor: Actor) -> bool:
    """The staff (and leaders) of the supervision office that received it."""
    return actor.is_system or (
        actor.organisation_id == c.office_id and bool(actor.roles & OFFICE_ACTING)
    )


def handling_unit(c: Complaint, actor: Actor) -> bool:
    from .services import may_reply

    return actor.is_system or may_reply(c, actor)


# --- inputs (API) --------------------------------------------------------------------------------


class ComplaintAcceptIn(StrictIn):
    note: str = Field("", max_length=2000, description="受理意见（会商情况）")


class ComplaintRejectIn(StrictIn):
    reasons: list[Literal[tuple(RejectReason.values)]] = Field(  # type: ignore[valid-type]
        description="不予受理理由（可多选）"
    )
    note: str = Field(max_length=2000, description="说明")


class ComplaintTransferIn(StrictIn):
    handling_org_id: Id = Field(description="承办单位（项目“四级联动”链条上的单位）")
    handling_days: int = Field(ge=1, le=15, description="承办期限（工作日）")
    note: str = Field(max_length=2000, description="转办要求")
    handler_id: Id | None = Field(None, description="经办人（承办单位的账号，可选）")
    share_identity: bool = Field(False, description="向经办人提供投诉人身份")


class ComplaintReplyIn(StrictIn):
    reply: str = Field(max_length=5000, description="办理情况")
    evidence: list[FileIn] = Field(
        [], description="证明材料（PDF、JPG 或 PNG，最多 5 份；仅监管办和本单位可见）"
    )


class SplitPartIn(StrictIn):
    handling_org_id: Id = Field(description="承办单位（项目“四级联动”链条上的单位）")
    part: str = Field(max_length=2000, description="分办事项（该单位负责办理的部分）")
    handling_days: int = Field(ge=1, le=15, description="承办期限（工作日）")
    handler_id: Id | None = Field(None, description="经办人（该单位的账号，可选）")
    share_identity: bool = Field(False, description="向经办人提供投诉人身份")


class ComplaintSplitIn(StrictIn):
    parts: list[SplitPartIn] = Field(
        max_length=6, description="分办的单位及其办理事项（至少 2 个不同单位）"
    )


class ComplaintReviewIn(StrictIn):
    note: str = Field("", max_length=2000, description="审核意见")


class ComplaintSendBackIn(StrictIn):
    note: str = Field(max_length=2000, description="退回理由")


class ComplaintCloseIn(StrictIn):
    outcome: Literal[tuple(Outcome.values)] = Field(description="核查结论")  # type: ignore[valid-type]
    answer: str = Field(max_length=5000, description="答复投诉人（举报人）的内容")


# --- the services the steps call ---------------------------------------------------------------


def _accept(*, actor: Actor, obj: Complaint, note: str = "") -> Any:
    from . import services

    return services.accept_complaint(actor=actor, complaint=obj, note=note)


def _reject(*, actor: Actor, obj: Complaint, reasons: list[str], note: str) -> Any:
    from . import services

    return services.reject_complaint(actor=actor, complaint=obj, reasons=reasons, note=note)


def _transfer(*, actor: Actor, obj: Complaint, **data: Any) -> Any:
    from . import services

    return services.transfer_complaint(actor=actor, complaint=obj, **data)


def _reply(*, actor: Actor, obj: Complaint, reply: str, evidence: Any = None) -> Any:
    from . import services

    return services.reply_complaint(
        actor=actor, complaint=obj, reply=reply, evidence=_uploads(evidence)
    )


def _uploads(value: Any) -> list[Any]:
    """The evidence as uploads: the page's and the API's are files already; a
    direct call may pass the API's JSON (``{filename, content_base64}``)."""
    from postaward.core.bodies import _decode

    out = []
    for i, v in enumerate(value or []):
        out.append(_decode(FileIn(**v), f"evidence.{i}") if isinstance(v, dict) else v)
    return out


def _split(*, actor: Actor, obj: Complaint, parts: list[Any]) -> Any:
    from . import services

    return services.split_complaint(actor=actor, complaint=obj, parts=parts)


def _send_back(*, actor: Actor, obj: Complaint, note: str) -> Any:
    from . import services

    return services.send_back_reply(actor=actor, complaint=obj, note=note)


def _approve(*, actor: Actor, obj: Complaint, note: str = "") -> Any:
    from . import services

    return services.approve_reply(actor=actor, complaint=obj, note=note)


def _close(*, actor: Actor, obj: Complaint, outcome: str, answer: str) -> Any:
    from . import services

    return services.close_complaint(actor=actor, complaint=obj, outcome=outcome, answer=answer)


def _transfer_form(c: Complaint, actor: Actor, data: Any, files: Any) -> Any:
    """The transfer form offers the units of the project's chain and their
    active accounts as handlers."""
    from postaward.orgs.models import User

    from . import services

    orgs = services.transfer_targets(c)
    users = User.objects.filter(organisation__in=orgs, is_active=True).select_related(
        "organisation"
    )
    handlers = [(u.pk, f"{u.organisation.name}：{u.get_full_name() or u.username}") for u in users]
    return forms.TransferForm(data, orgs=[(o.pk, o.name) for o in orgs], handlers=handlers)


def _split_form(c: Complaint, actor: Actor, data: Any, files: Any) -> Any:
    """The split form offers the same units and handlers as the transfer."""
    t = _transfer_form(c, actor, None, None)
    orgs = t.fields["handling_org_id"].choices[1:]
    handlers = t.fields["handler_id"].choices[1:]
    return forms.SplitForm(data, orgs=orgs, handlers=handlers)


def no_open_part(c: Complaint, actor: Actor) -> bool:
    """A split complaint is closed only when every part is approved."""
    return c.state != State.SPLIT


# --- the workflow and its steps ------------------------------------------------------------------


def load_complaint(actor: Actor, pk: int) -> Complaint:
    """The complaint through the actor's scope (404 out of scope, R-CMP-04)."""
    return get_visible_or_404(  # type: ignore[no-any-return]
        Complaint.objects.select_related("project", "office", "handling_org"), actor, pk=pk
    )


def _render(request: Any, c: Complaint, *, bound: Any = None, status: int = 200) -> Any:
    from .views import render_detail

    return render_detail(request, c, bound=bound, status=status)


def _answer(request: Any, c: Complaint) -> Any:
    from .api import detail_out

    return detail_out(c, request)


COMPLAINT = steps.Workflow(
    key=WF,
    model=Complaint,
    label="投诉举报",
    load=load_complaint,
    queryset=lambda: Complaint.objects.select_related("project", "office", "handling_org"),
    snapshot=snapshot,
    detail_url=lambda c: reverse("complaints_detail", args=[c.pk]),
    render_page=_render,
    answer=_answer,
    page_url_name="complaints_step",
)

ACCEPT = steps.Step(
    WF,
    "accept",
    "受理",
    who=office_staff,
    who_label="监管办工作人员",
    sources=(State.RECEIVED,),
    target=State.ACCEPTED,
    service=_accept,
    schema=ComplaintAcceptIn,
    form=forms.AcceptForm,
    basis="R-CMP-03",
    closes=COMPLAINT_DECISION.kind,
    action="complaints.accept",
    success="已受理",
    help="经登记、报告和会商后决定受理；受理人即为本件承办人",
)
REJECT = steps.Step(
    WF,
    "reject",
    "不予受理",
    who=office_staff,
    who_label="监管办工作人员",
    sources=(State.RECEIVED,),
    target=State.REJECTED,
    service=_reject,
    schema=ComplaintRejectIn,
    form=forms.RejectForm,
    basis="R-CMP-03",
    closes=COMPLAINT_DECISION.kind,
    action="complaints.reject",
    success="已决定不予受理",
    style="outline-danger",
    help="从列表中选择理由并说明，理由在查询页面向投诉人公开",
)
TRANSFER = steps.Step(
    WF,
    "transfer",
    "转办",
    who=office_staff,
    who_label="监管办工作人员",
    sources=(State.ACCEPTED,),
    target=State.TRANSFERRED,
    service=_transfer,
    schema=ComplaintTransferIn,
    form_factory=_transfer_form,
    basis="R-CMP-01",
    opens=UNIT_HANDLING.kind,
    action="complaints.transfer",
    success="已转办",
    style="outline-primary",
    help="按“四级联动”转承办单位办理，承办期限须在法定办结期限之内",
)
REPLY = steps.Step(
    WF,
    "reply",
    "回复办理情况",
    who=handling_unit,
    who_label="承办单位",
    sources=(State.TRANSFERRED,),
    target=State.REPLIED,
    service=_reply,
    schema=ComplaintReplyIn,
    form=forms.ReplyForm,
    basis="R-CMP-01",
    closes=UNIT_HANDLING.kind,
    action="complaints.reply",
    success="办理情况已回复，待监管办审核",
)
SEND_BACK = steps.Step(
    WF,
    "send_back",
    "退回重办",
    who=office_staff,
    who_label="监管办工作人员",
    sources=(State.REPLIED,),
    target=State.TRANSFERRED,
    service=_send_back,
    schema=ComplaintSendBackIn,
    form=forms.SendBackForm,
    basis="R-CMP-01",
    opens=UNIT_HANDLING.kind,
    action="complaints.send_back",
    success="已退回承办单位重办",
    style="outline-danger",
)
APPROVE_REPLY = steps.Step(
    WF,
    "approve_reply",
    "审核通过",
    who=office_staff,
    who_label="监管办工作人员",
    sources=(State.REPLIED,),
    target=State.REVIEWED,
    service=_approve,
    schema=ComplaintReviewIn,
    form=forms.NoteForm,
    basis="R-CMP-01",
    action="complaints.approve_reply",
    success="回复已审核通过，请办结并答复投诉人",
)
CLOSE = steps.Step(
    WF,
    "close",
    "办结并答复",
    who=office_staff,
    who_label="监管办工作人员",
    sources=(State.ACCEPTED, State.REVIEWED, State.SPLIT),
    target=State.CLOSED,
    guards=(
        steps.Guard(
            no_open_part,
            "分办的各承办单位均已回复且审核通过后方可办结",
            code="parts_open",
        ),
    ),
    service=_close,
    schema=ComplaintCloseIn,
    form=forms.CloseForm,
    basis="R-CMP-05",
    closes="complaints.complaint_close",
    event="complaints.verified",
    action="complaints.close",
    success="已办结，答复已在查询页面公开",
    help="件件有落实：办结须答复投诉人；查实的推送信用评价和责任追究",
)


SPLIT = steps.Step(
    WF,
    "split",
    "分办",
    who=office_staff,
    who_label="监管办工作人员",
    sources=(State.ACCEPTED,),
    target=State.SPLIT,
    service=_split,
    schema=ComplaintSplitIn,
    form_factory=_split_form,
    basis="R-CMP-03",
    opens=UNIT_HANDLING.kind,
    action="complaints.split",
    success="已分办，各承办单位按分办事项和期限办理",
    style="outline-primary",
    help="按“四级联动”分交两个以上单位分别办理，各自的承办期限须在法定办结期限之内",
)


# --- referral, and the registration form's report and joint study (ADR 0515, 0516) ------------------


class ComplaintReferIn(StrictIn):
    target: Literal[tuple(ReferralTarget.values)] = Field(  # type: ignore[valid-type]
        description="移送方向：discipline 纪检监察机关，public_security 公安机关"
    )
    recipient_org_id: Id = Field(description="接收机关（本区的纪检监察机关或公安机关）")
    document_number: str = Field(max_length=60, description="移送函文号")
    note: str = Field(max_length=2000, description="移送理由（不含投诉人身份）")


class ComplaintReportHeadIn(StrictIn):
    reported_to: str = Field(max_length=100, description="呈报对象（监管办负责人）")
    reported_on: dt.date = Field(description="呈报日期")
    instruction: str = Field(max_length=2000, description="领导批示")


class ComplaintConsultIn(StrictIn):
    consulted_on: dt.date = Field(description="会商日期")
    participants: str = Field(max_length=300, description="会商参加人员")
    opinion: str = Field(max_length=2000, description="会商意见")


def _refer(*, actor: Actor, obj: Complaint, **data: Any) -> Any:
    from . import services

    return services.refer_complaint(actor=actor, complaint=obj, **data)


def _report_head(*, actor: Actor, obj: Complaint, **data: Any) -> Any:
    from . import services

    return services.report_to_head(actor=actor, complaint=obj, **data)


def _consult(*, actor: Actor, obj: Complaint, **data: Any) -> Any:
    from . import services

    return services.consult(actor=actor, complaint=obj, **data)


def _refer_form(c: Complaint, actor: Actor, data: Any, files: Any) -> Any:
    """The bodies of the district; discipline inspection suggested (and listed
    first) when the filing concerns officials or party members."""
    from . import services

    suggested = services.suggested_target(c)
    targets = sorted(ReferralTarget.choices, key=lambda t: t[0] != suggested)
    orgs = [(o.pk, f"{o.name}（{o.get_kind_display()}）") for o in services.referral_targets(c)]
    return forms.ReferForm(data, targets=targets, orgs=orgs, initial_target=suggested)


REFER = steps.Step(
    WF,
    "refer",
    "移送",
    who=office_staff,
    who_label="监管办工作人员",
    sources=OPEN_STATES,
    service=_refer,
    schema=ComplaintReferIn,
    form_factory=_refer_form,
    basis="R-ALR-06",
    event="complaints.referred",
    action="complaints.refer",
    success="已移送，接收机关签收和反馈后在本页显示",
    style="outline-danger",
    help="涉及党员干部、公职人员的移送纪检监察机关，涉嫌犯罪的移送公安机关；移送不办结本件",
)
REPORT_HEAD = steps.Step(
    WF,
    "report_head",
    "呈报",
    who=office_staff,
    who_label="监管办工作人员",
    sources=(State.RECEIVED, State.ACCEPTED),
    service=_report_head,
    schema=ComplaintReportHeadIn,
    form=forms.ReportHeadForm,
    basis="R-CMP-01",
    action="complaints.report_head",
    success="呈报情况已记录",
    style="outline-primary",
    help="案件基本情况登记表：向监管办负责人呈报及领导批示",
)
CONSULT = steps.Step(
    WF,
    "consult",
    "会商",
    who=office_staff,
    who_label="监管办工作人员",
    sources=(State.RECEIVED, State.ACCEPTED),
    service=_consult,
    schema=ComplaintConsultIn,
    form=forms.ConsultForm,
    basis="R-CMP-01",
    action="complaints.consult",
    success="会商情况已记录",
    style="outline-primary",
    help="案件基本情况登记表：会商日期、参加人员和会商意见",
)


class ComplaintOpenCaseIn(StrictIn):
    title: str = Field(max_length=200, description="案由")


def _open_case(*, actor: Actor, obj: Complaint, title: str) -> Any:
    from . import services

    return services.request_case(actor=actor, complaint=obj, title=title)


def case_not_requested(c: Complaint, actor: Actor) -> bool:
    return c.case_requested_at is None


def has_project(c: Complaint, actor: Actor) -> bool:
    return c.project_id is not None


OPEN_CASE = steps.Step(
    WF,
    "open_case",
    "立案调查",
    who=office_staff,
    who_label="监管办工作人员",
    sources=(State.ACCEPTED, State.REVIEWED, State.CLOSED),
    service=_open_case,
    schema=ComplaintOpenCaseIn,
    form=forms.OpenCaseForm,
    guards=(
        steps.Guard(case_not_requested, "本件已申请立案调查", code="case_requested"),
        steps.Guard(has_project, "须先关联项目（以确定主管部门）后方可立案调查", code="no_project"),
    ),
    basis="R-CAS-01",
    event="complaints.case_requested",
    action="complaints.open_case",
    success="已申请立案调查，案件编号在案件清单中查看",
    style="outline-primary",
    help="发现违法违规线索的，转入案件查处（不含投诉人身份）",
)

steps.register(
    COMPLAINT,
    ACCEPT,
    REJECT,
    TRANSFER,
    SPLIT,
    REPLY,
    SEND_BACK,
    APPROVE_REPLY,
    CLOSE,
    REPORT_HEAD,
    CONSULT,
    REFER,
    OPEN_CASE,
)


# --- the parts of a split complaint (分办, ADR 0510) ----------------------------------------------


def part_unit(a: ComplaintAssignment, actor: Actor) -> bool:
    from .services import may_reply_part

    return actor.is_system or may_reply_part(a, actor)


def part_office(a: ComplaintAssignment, actor: Actor) -> bool:
    return office_staff(a.complaint, actor)


def load_part(actor: Actor, pk: int) -> ComplaintAssignment:
    """The part through the actor's scope: the office, or the part's own unit
    and handler (404 for another unit's part)."""
    return get_visible_or_404(  # type: ignore[no-any-return]
        ComplaintAssignment.objects.select_related("complaint", "org", "handler"), actor, pk=pk
    )


def _reply_part(*, actor: Actor, obj: ComplaintAssignment, reply: str, evidence: Any = None) -> Any:
    from . import services

    return services.reply_part(
        actor=actor, assignment=obj, reply=reply, evidence=_uploads(evidence)
    )


def _send_back_part(*, actor: Actor, obj: ComplaintAssignment, note: str) -> Any:
    from . import services

    return services.send_back_part(actor=actor, assignment=obj, note=note)


def _approve_part(*, actor: Actor, obj: ComplaintAssignment, note: str = "") -> Any:
    from . import services

    return services.approve_part(actor=actor, assignment=obj, note=note)


def _render_part(
    request: Any, a: ComplaintAssignment, *, bound: Any = None, status: int = 200
) -> Any:
    from .views import render_detail

    return render_detail(request, a.complaint, part_bound={a.pk: bound or {}}, status=status)


def _answer_part(request: Any, a: ComplaintAssignment) -> Any:
    from .api import part_out

    return part_out(a, request)


PART = steps.Workflow(
    key=PART_WF,
    model=ComplaintAssignment,
    label="分办事项",
    load=load_part,
    queryset=lambda: ComplaintAssignment.objects.select_related("complaint", "org"),
    snapshot=snapshot_part,
    detail_url=lambda a: reverse("complaints_detail", args=[a.complaint_id]),
    render_page=_render_part,
    answer=_answer_part,
    page_url_name="complaints_part_step",
)

REPLY_PART = steps.Step(
    PART_WF,
    "reply_part",
    "回复分办事项",
    who=part_unit,
    who_label="该分办事项的承办单位",
    sources=(PartState.ASSIGNED, PartState.SENT_BACK),
    target=PartState.REPLIED,
    service=_reply_part,
    schema=ComplaintReplyIn,
    form=forms.ReplyForm,
    basis="R-CMP-03",
    closes=UNIT_HANDLING.kind,
    action="complaints.reply_part",
    success="分办事项办理情况已回复，待监管办审核",
)
SEND_BACK_PART = steps.Step(
    PART_WF,
    "send_back_part",
    "退回重办",
    who=part_office,
    who_label="监管办工作人员",
    sources=(PartState.REPLIED,),
    target=PartState.SENT_BACK,
    service=_send_back_part,
    schema=ComplaintSendBackIn,
    form=forms.SendBackForm,
    basis="R-CMP-03",
    opens=UNIT_HANDLING.kind,
    action="complaints.send_back_part",
    success="已退回该承办单位重办",
    style="outline-danger",
)
APPROVE_PART = steps.Step(
    PART_WF,
    "approve_part",
    "审核通过",
    who=part_office,
    who_label="监管办工作人员",
    sources=(PartState.REPLIED,),
    target=PartState.APPROVED,
    service=_approve_part,
    schema=ComplaintReviewIn,
    form=forms.NoteForm,
    basis="R-CMP-03",
    action="complaints.approve_part",
    success="该分办事项已审核通过；全部通过后请办结并答复投诉人",
)

steps.register(PART, REPLY_PART, SEND_BACK_PART, APPROVE_PART)
