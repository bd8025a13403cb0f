"""The steps of an alert's disposal, declared once (ADR 0060, R-ALR-02, R-ORG-02).

Each step names who may take it (a predicate of ``workflows``), the state
machine's transition (``AlertWorkflow``: the states it leaves from and goes to),
its input (the API schema and the page form), the service it calls, its legal
basis and the disposal deadline it opens or closes. The detail page, the API
(``GET/POST /api/v1/alerts/{alert_id}/steps[/{name}]``) and the generated
authorization tests (``core/tests/test_steps_authz.py``) all read this list.
"""

from __future__ import annotations

from typing import Any, Literal

from django.urls import reverse
from pydantic import Field

from postaward.core import steps
from postaward.core.actor import Actor
from postaward.core.api_base import StrictIn
from postaward.core.bodies import FileIn
from postaward.core.errors import Forbidden
from postaward.core.scoping import get_visible_or_404
from postaward.core.types import Id

from . import forms
from .choices import DISPOSAL_KIND, AlertState, IssueState, Recipient, TransferState
from .models import Alert, ClueTransfer, SuspectedIssue
from .workflows import (
    is_receiver,
    may_create_issue,
    may_dispose,
    may_reopen,
    may_review,
    may_transfer_clue,
    may_verify_issue,
    system_only,
)

WF = "alerts.alert"
TRANSFER_WF = "alerts.transfer"
ISSUE_WF = "alerts.issue"


# --- inputs (API) --------------------------------------------------------------------------------


class DisposeIn(StrictIn):
    finding: Literal["confirmed", "dismissed"] = Field(description="处置结论：属实 / 不属实")
    note: str = Field(max_length=2000, description="处置情况")
    evidence: list[FileIn] = Field([], description="证据材料（PDF、JPG 或 PNG，可多份）")


class CloseIn(StrictIn):
    note: str = Field("", max_length=2000, description="审核说明（可选）")


class SendBackIn(StrictIn):
    note: str = Field(max_length=2000, description="退回理由")


class ReopenIn(StrictIn):
    reason: str = Field(max_length=2000, description="重新打开的理由")


class IssueFromAlertIn(StrictIn):
    title: str = Field(max_length=200, description="问题名称")
    description: str = Field(max_length=4000, description="问题描述")
    persons_concerned: str = Field("", max_length=300, description="涉及人员")
    involves_party_member: bool = False
    involves_public_official: bool = False
    suspected_crime: bool = False


# --- the services the steps call ---------------------------------------------------------------


def _dispose(*, actor: Actor, obj: Alert, finding: str, note: str, evidence: Any = ()) -> Any:
    from . import services

    return services.dispose_alert(
        actor=actor, alert=obj, finding=finding, note=note, uploads=evidence or ()
    )


def _close(*, actor: Actor, obj: Alert, note: str = "") -> Any:
    from . import services

    return services.review_alert(actor=actor, alert=obj, decision="close", note=note)


def _send_back(*, actor: Actor, obj: Alert, note: str) -> Any:
    from . import services

    return services.review_alert(actor=actor, alert=obj, decision="send_back", note=note)


def _reopen(*, actor: Actor, obj: Alert, reason: str) -> Any:
    from . import services

    return services.reopen_alert(actor=actor, alert=obj, reason=reason)


def _take_up(*, actor: Actor, obj: Alert, **data: Any) -> Any:
    from . import services

    return services.create_issue(actor=actor, alert_ids=[obj.pk], **data)


# --- the workflow and its steps ------------------------------------------------------------------


def load_alert(actor: Actor, pk: int) -> Alert:
    """The alert through the actor's scope (404 out of scope; enterprises 403)."""
    from . import selectors
    from .permissions import can_see_alerts

    if not can_see_alerts(actor):
        raise Forbidden("企业账号无权查看预警")
    return get_visible_or_404(selectors.alerts_for(actor), actor, pk=pk)  # type: ignore[no-any-return]


def _queryset() -> Any:
    return Alert.objects.select_related(
        "indicator", "project", "handling_org", "review_org", "disposal_deadline"
    )


def _snapshot(alert: Alert) -> dict[str, Any]:
    from .services import _snap

    return _snap(alert)


def _render(request: Any, alert: Alert, *, bound: Any = None, status: int = 200) -> Any:
    from .views import render_detail

    return render_detail(request, alert, bound=bound, status=status)


def _answer(request: Any, alert: Alert) -> Any:
    from .api import _detail

    return _detail(alert, request)


ALERT = steps.Workflow(
    key=WF,
    model=Alert,
    label="预警",
    load=load_alert,
    queryset=_queryset,
    snapshot=_snapshot,
    detail_url=lambda a: reverse("alerts_detail", args=[a.pk]),
    render_page=_render,
    answer=_answer,
    page_url_name="alerts_step",
)

NOT_AN_ISSUE = steps.Guard(
    lambda a, actor: not a.issue_id,
    "该预警已转为疑似问题，请在疑似问题中处理",
    code="invalid_state",
)

DISPOSE = steps.Step(
    WF,
    "dispose",
    "处置反馈",
    who=may_dispose,
    who_label="处置单位",
    transition="dispose",
    service=_dispose,
    schema=DisposeIn,
    form=forms.DisposeForm,
    basis="R-ALR-02",
    closes=DISPOSAL_KIND,
    event="alerts.alert_disposed",
    action="alerts.dispose_alert",
    success="处置情况已提交，待上一级审核",
    help="由处置单位填报处置结论和证据，提交后由审核单位审核",
)
CLOSE = steps.Step(
    WF,
    "close",
    "审核办结",
    who=may_review,
    who_label="上一级审核单位",
    transition="close",
    service=_close,
    schema=CloseIn,
    form=forms.CloseForm,
    basis="R-ALR-02",
    event="alerts.alert_closed",
    action="alerts.review_alert.close",
    success="已审核办结",
    help="审核通过，预警办结",
)
SEND_BACK = steps.Step(
    WF,
    "send_back",
    "审核退回",
    who=may_review,
    who_label="上一级审核单位",
    transition="send_back",
    service=_send_back,
    schema=SendBackIn,
    form=forms.SendBackForm,
    basis="R-ALR-02",
    opens=DISPOSAL_KIND,
    action="alerts.review_alert.send_back",
    success="已退回重办",
    style="outline-danger",
    help="退回处置单位重新处置，重新计算处置期限",
)
REOPEN = steps.Step(
    WF,
    "reopen",
    "重新打开",
    who=may_reopen,
    who_label="审核单位或领导小组（监管办）",
    transition="reopen",
    guards=(NOT_AN_ISSUE,),
    service=_reopen,
    schema=ReopenIn,
    form=forms.ReopenForm,
    basis="R-ALR-02",
    opens=DISPOSAL_KIND,
    action="alerts.reopen_alert",
    success="预警已重新打开",
    style="outline-danger",
    help="重新打开后由原处置单位重新处置，理由记入处置记录和操作日志",
)
TAKE_UP_AS_ISSUE = steps.Step(
    WF,
    "take_up_as_issue",
    "转疑似问题核实",
    who=may_create_issue,
    who_label="领导小组（监管办）或行业主管部门",
    sources=(
        AlertState.PENDING,
        AlertState.RETURNED,
        AlertState.DISPOSED,
        AlertState.CLOSED,
    ),
    target=AlertState.CLOSED,
    guards=(NOT_AN_ISSUE,),
    service=_take_up,
    schema=IssueFromAlertIn,
    href=lambda a: f"{reverse('alerts_issue_new')}?alerts={a.pk}",
    basis="R-ALR-03",
    closes=DISPOSAL_KIND,
    action="alerts.create_issue",
    style="outline-warning",
)
ESCALATE = steps.Step(
    WF,
    "escalate",
    "超期升级",
    who=system_only,
    who_label="平台",
    transition="escalate",
    basis="R-ORG-02",
    opens=DISPOSAL_KIND,
    closes=DISPOSAL_KIND,
    action="alerts.escalate_alert",
    system=True,
)
WITHDRAW = steps.Step(
    WF,
    "withdraw",
    "撤销预警",
    who=system_only,
    who_label="平台",
    transition="withdraw",
    basis="R-ALR-02",
    closes=DISPOSAL_KIND,
    action="alerts.withdraw_alert",
    system=True,
)

steps.register(ALERT, DISPOSE, CLOSE, SEND_BACK, REOPEN, TAKE_UP_AS_ISSUE, ESCALATE, WITHDRAW)


# --- a clue transferred to discipline inspection or public security (R-ALR-06) --------------------


class ReceiptIn(StrictIn):
    receipt_number: str = Field(max_length=60, description="回执编号")


class ResultIn(StrictIn):
    result: str = Field(max_length=5000, description="办理结果")


def _receive(*, actor: Actor, obj: ClueTransfer, receipt_number: str) -> Any:
    from . import services

    return services.receive_transfer(actor=actor, transfer=obj, receipt_number=receipt_number)


def _feed_back(*, actor: Actor, obj: ClueTransfer, result: str) -> Any:
    from . import services

    return services.feed_back_transfer(actor=actor, transfer=obj, result=result)


def load_transfer(actor: Actor, pk: int) -> ClueTransfer:
    """The transfer through the actor's scope (404 out of scope; bodies that do
    not handle suspected issues 403)."""
    from .permissions import can_see_issues

    if not can_see_issues(actor):
        raise Forbidden("仅领导小组（监管办）、行业主管部门及纪检监察、公安机关可以查看疑似问题")
    return get_visible_or_404(  # type: ignore[no-any-return]
        ClueTransfer.objects.select_related("issue", "recipient_org", "sent_by_org"),
        actor,
        pk=pk,
    )


def _render_transfer(request: Any, t: ClueTransfer, *, bound: Any = None, status: int = 200) -> Any:
    from .views import render_transfer

    return render_transfer(request, t, bound=bound, status=status)


def _transfer_answer(request: Any, t: ClueTransfer) -> Any:
    from .api import _transfer_out

    return _transfer_out(t)


TRANSFER = steps.Workflow(
    key=TRANSFER_WF,
    model=ClueTransfer,
    label="移送线索",
    load=load_transfer,
    queryset=lambda: ClueTransfer.objects.select_related("recipient_org", "issue"),
    detail_url=lambda t: reverse("alerts_transfer_detail", args=[t.pk]),
    render_page=_render_transfer,
    answer=_transfer_answer,
    page_url_name="alerts_transfer_step",
)

RECEIVE = steps.Step(
    TRANSFER_WF,
    "receive",
    "签收",
    who=is_receiver,
    who_label="接收机关",
    sources=(TransferState.SENT,),
    target=TransferState.RECEIVED,
    service=_receive,
    schema=ReceiptIn,
    form=forms.ReceiptForm,
    basis="R-ALR-06",
    action="alerts.receive_transfer",
    success="已签收",
    help="接收机关签收移送的线索，填写回执编号",
)
FEED_BACK = steps.Step(
    TRANSFER_WF,
    "feed_back",
    "反馈办理结果",
    who=is_receiver,
    who_label="接收机关",
    sources=(TransferState.RECEIVED,),
    target=TransferState.CONCLUDED,
    service=_feed_back,
    schema=ResultIn,
    form=forms.ResultForm,
    basis="R-ALR-06",
    action="alerts.feed_back_transfer",
    success="办理结果已反馈",
    help="接收机关反馈线索的办理结果",
)

steps.register(TRANSFER, RECEIVE, FEED_BACK)


# --- a suspected issue: verification and clue transfer (R-ALR-03, R-ALR-06) -----------------------


class VerifyIn(StrictIn):
    verified: bool = Field(description="核实结论：属实 / 不属实")
    findings: str = Field(max_length=5000, description="核实情况")


class TransferIn(StrictIn):
    recipient: Literal["discipline", "public_security"] = Field(
        description="移送方向：纪检监察机关 / 公安机关"
    )
    recipient_org_id: Id = Field(description="接收机关（本区县的纪检监察机关或公安机关）")
    document_number: str = Field(max_length=60, description="移送函文号")
    reason: str = Field(max_length=5000, description="移送理由")


def _verify(*, actor: Actor, obj: SuspectedIssue, verified: bool, findings: str) -> Any:
    from . import services

    return services.verify_issue(actor=actor, issue=obj, verified=verified, findings=findings)


def _transfer(
    *,
    actor: Actor,
    obj: SuspectedIssue,
    recipient: str,
    recipient_org_id: int,
    document_number: str,
    reason: str,
) -> Any:
    from . import services

    return services.transfer_clue_to(
        actor=actor,
        issue=obj,
        recipient=recipient,
        recipient_org_id=recipient_org_id,
        document_number=document_number,
        reason=reason,
    )


def _transfer_form(issue: SuspectedIssue, actor: Actor, data: Any, files: Any) -> Any:
    """The transfer form offers the receiving bodies of the actor's district."""
    from . import services

    orgs = [(o.pk, o.name) for r in Recipient.values for o in services.recipient_orgs(actor, r)]
    return forms.TransferForm(data, orgs=orgs)


def load_issue(actor: Actor, pk: int) -> SuspectedIssue:
    """The issue through the actor's scope (404 out of scope; bodies that do
    not handle suspected issues 403)."""
    from .permissions import can_see_issues

    if not can_see_issues(actor):
        raise Forbidden("仅领导小组（监管办）、行业主管部门及纪检监察、公安机关可以查看疑似问题")
    return get_visible_or_404(  # type: ignore[no-any-return]
        SuspectedIssue.objects.select_related("project", "organisation"), actor, pk=pk
    )


def _render_issue(request: Any, i: SuspectedIssue, *, bound: Any = None, status: int = 200) -> Any:
    from .views import render_issue

    return render_issue(request, i, bound=bound, status=status)


def _issue_answer(request: Any, i: SuspectedIssue) -> Any:
    from .api import _issue_out

    return _issue_out(i)


ISSUE = steps.Workflow(
    key=ISSUE_WF,
    model=SuspectedIssue,
    label="疑似问题",
    load=load_issue,
    queryset=lambda: SuspectedIssue.objects.select_related("organisation"),
    detail_url=lambda i: reverse("alerts_issue", args=[i.pk]),
    render_page=_render_issue,
    answer=_issue_answer,
    page_url_name="alerts_issue_step",
)

VERIFY = steps.Step(
    ISSUE_WF,
    "verify",
    "录入核实结论",
    who=may_verify_issue,
    who_label="登记该疑似问题的单位",
    sources=(IssueState.VERIFYING,),
    target="",  # verified or unfounded, by the finding
    service=_verify,
    schema=VerifyIn,
    form=forms.VerifyForm,
    basis="R-ALR-03",
    action="alerts.verify_issue",
    success="核实结论已录入",
    help="登记单位录入核实结论和核实情况，关联预警随之得出结论",
)
TRANSFER_CLUE = steps.Step(
    ISSUE_WF,
    "transfer",
    "移送线索",
    who=may_transfer_clue,
    who_label="登记单位或领导小组（监管办）",
    sources=(IssueState.VERIFIED, IssueState.TRANSFERRED),
    target=IssueState.TRANSFERRED,
    service=_transfer,
    schema=TransferIn,
    form_factory=_transfer_form,
    basis="R-ALR-06",
    action="alerts.issue_transferred",
    success="线索已移送",
    style="warning",
    help="涉及党员干部、公职人员的移送纪检监察机关；涉嫌犯罪的移送公安机关",
)


def office_acting(i: SuspectedIssue, actor: Actor) -> bool:
    """The staff and leaders of the supervision office (the leading group)."""
    from postaward.orgs.choices import OrgKind, Role

    return actor.is_system or (
        actor.org_kind == OrgKind.SUPERVISION_OFFICE
        and bool(actor.roles & {Role.OFFICE_STAFF, Role.UNIT_LEADER})
    )


def _case_not_requested(i: SuspectedIssue, actor: Actor) -> bool:
    return i.case_requested_at is None


def _has_project(i: SuspectedIssue, actor: Actor) -> bool:
    return i.project_id is not None


class IssueOpenCaseIn(StrictIn):
    title: str = Field(max_length=200, description="案由")


def _open_case(*, actor: Actor, obj: SuspectedIssue, title: str) -> Any:
    from . import services

    return services.request_case(actor=actor, issue=obj, title=title)


OPEN_CASE = steps.Step(
    ISSUE_WF,
    "open_case",
    "立案调查",
    who=office_acting,
    who_label="监管办工作人员",
    sources=(IssueState.VERIFIED, IssueState.TRANSFERRED),
    service=_open_case,
    schema=IssueOpenCaseIn,
    form=forms.OpenCaseForm,
    guards=(
        steps.Guard(_case_not_requested, "本疑似问题已申请立案调查", code="case_requested"),
        steps.Guard(_has_project, "疑似问题未关联项目，无法确定主管部门", code="no_project"),
    ),
    basis="R-CAS-01",
    event="alerts.case_requested",
    action="alerts.open_case",
    success="已申请立案调查，案件编号在案件清单中查看",
    style="outline-primary",
    help="核实属实的疑似问题转入案件查处",
)

steps.register(ISSUE, VERIFY, TRANSFER_CLUE, OPEN_CASE)
