"""The steps of a project's lifecycle and of a suspension, declared once
(ADR 0060, ADR 0065; R-PRJ-01, R-PRJ-03, R-PRJ-05, R-PRJ-06, R-PRJ-07, R-ORG-03).

``projects.project`` moves ``Project.status`` (the state machine of
``workflows.ProjectLifecycle``): start, completion, acceptance, settlement,
funds, deposit, termination, resumption; the owner declares a suspension
(no change of state) and the platform begins the preparation when the
project leader is named and suspends the project when a suspension is
confirmed. ``projects.suspension`` decides a declared suspension: confirmed
(the project's ``suspend`` in the same transaction), not confirmed, or
withdrawn by the owner.

Each step names who may take it (a ``Who`` of ``workflows``), its guards (the
requirements of ``workflows.REQUIREMENTS`` refuse with 422 and one item per
missing thing), its input, the service it calls and its legal basis. The
project page, the transition pages, the API (``GET/POST
/api/v1/projects/{project_id}/steps[/{name}]`` and
``/api/v1/projects/suspensions/{suspension_id}/steps[/{name}]``, the old
per-step endpoints as aliases) and the generated authorization tests
(``core/tests/test_steps_authz.py``) all read this list.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.urls import reverse
from pydantic import Field, TypeAdapter
from pydantic import ValidationError as PydanticError

from postaward.core import steps
from postaward.core.actor import Actor
from postaward.core.api_base import StrictIn
from postaward.core.bodies import FileIn
from postaward.core.errors import ValidationFailed
from postaward.core.scoping import get_visible_or_404
from postaward.core.types import Date, DateTime, StrictId

from . import workflows as W
from .choices import ProjectStatus, SuspensionState
from .models import Project, ProjectDocument, Suspension

PROJECT_WF = "projects.project"
SUSPENSION_WF = "projects.suspension"
S = ProjectStatus


# --- inputs (API) --------------------------------------------------------------------------------


class DateIn(StrictIn):
    on: Date | None = Field(None, description="日期（默认今天）")


class OnIn(StrictIn):
    on: Date = Field(..., description="日期")


class AcceptIn(StrictIn):
    on: Date = Field(..., description="验收日期")
    conclusion: str = Field("", max_length=1000, description="验收结论")
    document_id: StrictId | None = Field(
        None, description="已上传的竣工验收结论（类别 acceptance）；或用 document 上传"
    )
    document: FileIn | None = Field(None, description="竣工验收结论文件")


class SettlementSubmitIn(StrictIn):
    on: Date = Field(..., description="送审日期")
    amount: Decimal = Field(..., gt=0, max_digits=16, decimal_places=2, description="送审金额")
    route: str = Field(
        "",
        max_length=20,
        description="结算审核方式（必填）：finance_review 送财政投资评审、audit 送审计部门审计、"
        "intermediary 委托中介机构审核（R-SET-02）",
    )
    intermediary: str = Field(
        "", max_length=200, description="中介机构名称（委托中介机构审核时必填）"
    )
    entrustment_approved: bool | None = Field(
        None, description="委托是否经财政评审中心或审计部门同意（委托中介机构审核时必填）"
    )
    entrustment_ref: str = Field(
        "", max_length=100, description="同意委托的文件文号（经同意时必填）"
    )
    document_id: StrictId | None = Field(
        None, description="已上传的结算资料（类别 settlement，可选）"
    )
    document: FileIn | None = Field(None, description="结算送审资料（可选）")


class ApproveSettlementIn(StrictIn):
    on: Date = Field(..., description="审定日期")
    amount: Decimal = Field(..., gt=0, max_digits=16, decimal_places=2, description="审定金额")
    note: str = Field("", max_length=500, description="说明")


class TerminateIn(StrictIn):
    reason: str = Field(..., min_length=4, max_length=2000, description="终止原因")
    on: Date | None = Field(None, description="终止日期（默认今天）")
    report_document_id: StrictId | None = Field(
        None, description="已上传的终止原因书面报告（类别 termination_report）；或用 report 上传"
    )
    report: FileIn | None = Field(None, description="终止原因书面报告")


class NoteIn(StrictIn):
    note: str = Field("", max_length=300, description="说明")


class SuspensionIn(StrictIn):
    started_at: DateTime = Field(..., description="停工时间（今天）")
    reason: str = Field(..., min_length=4, max_length=2000, description="停工原因")


# --- input as the services take it ---------------------------------------------------------------


def _typed(schema: type[StrictIn], data: dict[str, Any]) -> dict[str, Any]:
    """The step's input as the service takes it, also when given as the API's
    JSON (a date as text, a file as ``{filename, content_base64}``): the API
    and the pages parse their bodies first, a direct call does not."""
    from postaward.core.bodies import _decode

    out = dict(data)
    for name, value in data.items():
        if isinstance(value, dict) and "content_base64" in value:
            out[name] = _decode(FileIn(**value), name)
        elif isinstance(value, str) and name in schema.model_fields:
            annotation = schema.model_fields[name].annotation
            try:
                out[name] = TypeAdapter(annotation or str).validate_json(json.dumps(value))
            except PydanticError:
                raise ValidationFailed("格式不正确", field=name) from None
    return out


def _doc(project: Project, document_id: int | None, field: str) -> ProjectDocument | None:
    """A document uploaded before to this project (POST /{project_id}/documents)."""
    if document_id is None:
        return None
    doc = ProjectDocument.objects.filter(project=project, pk=document_id).first()
    if doc is None:
        raise ValidationFailed("所引用的资料不存在（请先上传到本项目）", field=field)
    return doc


# --- the services the steps call ---------------------------------------------------------------


def _start(*, actor: Actor, obj: Project, **data: Any) -> Project:
    from .services import lifecycle

    return lifecycle.start_works(actor=actor, project=obj, **_typed(DateIn, data))


def _complete(*, actor: Actor, obj: Project, **data: Any) -> Project:
    from .services import lifecycle

    return lifecycle.complete_works(actor=actor, project=obj, **_typed(DateIn, data))


def _accept(*, actor: Actor, obj: Project, **data: Any) -> Project:
    from .services import lifecycle

    d = _typed(AcceptIn, data)
    return lifecycle.accept_works(
        actor=actor,
        project=obj,
        on=d.get("on"),
        conclusion=d.get("conclusion", ""),
        upload=d.get("document"),
        document=_doc(obj, d.get("document_id"), "document_id"),
    )


def _submit_settlement(*, actor: Actor, obj: Project, **data: Any) -> Project:
    from .services import lifecycle

    d = _typed(SettlementSubmitIn, data)
    return lifecycle.submit_settlement(
        actor=actor,
        project=obj,
        on=d.get("on"),
        amount=d.get("amount"),
        route=d.get("route"),
        intermediary=d.get("intermediary", ""),
        entrustment_approved=d.get("entrustment_approved"),
        entrustment_ref=d.get("entrustment_ref", ""),
        upload=d.get("document"),
        document=_doc(obj, d.get("document_id"), "document_id"),
    )


def _approve_settlement(*, actor: Actor, obj: Project, **data: Any) -> Project:
    from .services import lifecycle

    d = _typed(ApproveSettlementIn, data)
    return lifecycle.approve_settlement(
        actor=actor, project=obj, on=d.get("on"), amount=d.get("amount"), note=d.get("note", "")
    )


def _pay_funds(*, actor: Actor, obj: Project, **data: Any) -> Project:
    from .services import lifecycle

    return lifecycle.record_fund_payment(actor=actor, project=obj, on=_typed(OnIn, data).get("on"))


def _return_deposit(*, actor: Actor, obj: Project, **data: Any) -> Project:
    from .services import lifecycle

    return lifecycle.return_deposit(actor=actor, project=obj, on=_typed(OnIn, data).get("on"))


def _terminate(*, actor: Actor, obj: Project, **data: Any) -> Project:
    from .services import lifecycle

    d = _typed(TerminateIn, data)
    return lifecycle.terminate_project(
        actor=actor,
        project=obj,
        reason=d.get("reason", ""),
        on=d.get("on"),
        upload=d.get("report"),
        document=_doc(obj, d.get("report_document_id"), "report_document_id"),
    )


def _resume(*, actor: Actor, obj: Project, note: str = "") -> Project:
    from .services import suspension

    return suspension.resume_works(actor=actor, project=obj, note=note)


def _declare(*, actor: Actor, obj: Project, **data: Any) -> Suspension:
    from .services import suspension

    d = _typed(SuspensionIn, data)
    return suspension.declare_suspension(
        actor=actor, project=obj, started_at=d["started_at"], reason=d.get("reason", "")
    )


def _confirm(*, actor: Actor, obj: Suspension, note: str = "") -> Suspension:
    from .services import suspension

    return suspension.confirm_suspension(actor=actor, suspension=obj, note=note)


def _reject(*, actor: Actor, obj: Suspension, note: str = "") -> Suspension:
    from .services import suspension

    return suspension.reject_suspension(actor=actor, suspension=obj, note=note)


def _withdraw(*, actor: Actor, obj: Suspension) -> Suspension:
    from .services import suspension

    return suspension.withdraw_suspension(actor=actor, suspension=obj)


# --- the rules beyond role and state -----------------------------------------------------------


def requirements(name: str, label: str, what: str) -> steps.Guard:
    """The step's requirements (``workflows.REQUIREMENTS[name]``): refused
    with 422 ``requirements_not_met``, one item per missing thing."""
    return steps.Guard(
        lambda p, a: not W.REQUIREMENTS[name](p),
        f"尚缺{what}",
        code="requirements_not_met",
        refuse=W.requirements_refusal(name, label),
    )


def _no_open_suspension(p: Project, actor: Actor) -> bool:
    return not p.suspensions.filter(
        state__in=(SuspensionState.DECLARED, SuspensionState.CONFIRMED)
    ).exists()


NO_OPEN_SUSPENSION = steps.Guard(_no_open_suspension, "已有待确认或进行中的停工")
PROJECT_UNDER_CONSTRUCTION = steps.Guard(
    lambda s, a: s.project.status == S.UNDER_CONSTRUCTION,
    "项目不在施工中，不能确认停工",
    code="invalid_state",
)


# --- the project ----------------------------------------------------------------------------------


def load_project(actor: Actor, pk: int) -> Project:
    """The project through the actor's scope (404 out of scope)."""
    return get_visible_or_404(  # type: ignore[no-any-return]
        Project.objects.select_related(
            "owner", "superior_unit", "line", "industry_authority", "owner_leader"
        ),
        actor,
        pk=pk,
    )


def _detail(p: Project) -> str:
    return reverse("project_detail", args=[p.pk])


def _render_project(request: Any, p: Project, *, bound: Any = None, status: int = 200) -> Any:
    from .views import render_project

    return render_project(request, p, status=status)


def _project_answer(request: Any, p: Project) -> Any:
    from .api import ProjectOut

    return ProjectOut.from_orm(p).model_dump(mode="json")


def _transition_page(name: str) -> Any:
    return lambda p: reverse("project_transition", args=[p.pk, name])


PROJECT = steps.Workflow(
    key=PROJECT_WF,
    model=Project,
    label="项目",
    load=load_project,
    queryset=lambda: Project.objects.all(),
    state_field="status",
    detail_url=_detail,
    render_page=_render_project,
    answer=_project_answer,
    page_url_name="project_step",
)


def _lifecycle(
    name: str,
    label: str,
    who: W.Who,
    *,
    requires: str,
    basis: str,
    service: Any = None,
    schema: type | None = None,
    guards: tuple[steps.Guard, ...] = (),
    system: bool = False,
    style: str = "primary",
) -> steps.Step:
    return steps.Step(
        PROJECT_WF,
        name,
        label,
        who=who,
        who_label=who.label,
        transition=name,
        guards=guards,
        service=service,
        schema=schema,
        basis=basis,
        action=f"projects.{name}",
        system=system,
        href=None if system else _transition_page(name),
        style=style,
        help=requires,
    )


BEGIN_PREPARATION = _lifecycle(
    "begin_preparation",
    "进入开工准备",
    W.OWNER_MANAGERS,
    requires="已确定建设单位和项目负责人（指定项目负责人时自动进入）",
    basis="R-ORG-03",
    guards=(requirements("begin_preparation", "进入开工准备", "建设单位或项目负责人"),),
    system=True,
)
START_WORKS = _lifecycle(
    "start_works",
    "开工",
    W.OWNER_MANAGERS,
    requires="基本信息、场地、施工和监理合同、关键岗位人员及证书齐全；招标项目已约谈",
    basis="R-PRJ-03、R-ORG-05、R-PRJ-11",
    service=_start,
    schema=DateIn,
    guards=(requirements("start_works", "开工", "开工条件"),),
)
SUSPEND = _lifecycle(
    "suspend",
    "确认停工",
    W.CONFIRMERS,
    requires="建设单位当天在线申报的停工（时间、原因）",
    basis="R-PRJ-07",
    guards=(requirements("suspend", "确认停工", "待确认的停工申报"),),
    system=True,  # taken by the suspension's ``confirm``, in the same transaction
)
RESUME = _lifecycle(
    "resume",
    "复工",
    W.OWNER_LEADER,
    requires="进行中的停工",
    basis="R-PRJ-07",
    service=_resume,
    schema=NoteIn,
    guards=(requirements("resume", "复工", "进行中的停工"),),
)
COMPLETE = _lifecycle(
    "complete",
    "完工",
    W.OWNER_MANAGERS,
    requires="实际完工日期",
    basis="R-PRJ-01",
    service=_complete,
    schema=DateIn,
)
ACCEPT = _lifecycle(
    "accept",
    "竣工验收",
    W.OWNER_MANAGERS,
    requires="验收日期和验收结论文件",
    basis="R-PRJ-01",
    service=_accept,
    schema=AcceptIn,
)
SUBMIT_SETTLEMENT = _lifecycle(
    "submit_settlement",
    "结算送审",
    W.OWNER_MANAGERS,
    requires="送审日期、金额和结算审核方式；未纳入平台监管的项目须资料补全申请获批并补全资料",
    basis="R-PRJ-01、R-PRJ-05、R-SET-02",
    service=_submit_settlement,
    schema=SettlementSubmitIn,
    guards=(requirements("submit_settlement", "结算送审", "资料补全（未纳入平台监管的项目）"),),
)
APPROVE_SETTLEMENT = _lifecycle(
    "approve_settlement",
    "结算审定",
    W.AUDITORS,
    requires="审定日期和审定金额",
    basis="R-PRJ-01",
    service=_approve_settlement,
    schema=ApproveSettlementIn,
)
PAY_FUNDS = _lifecycle(
    "pay_funds",
    "资金拨付",
    W.PAYERS,
    requires="拨付日期",
    basis="R-PRJ-01",
    service=_pay_funds,
    schema=OnIn,
)
RETURN_DEPOSIT = _lifecycle(
    "return_deposit",
    "退还质保金",
    W.OWNER_MANAGERS,
    requires="退还日期",
    basis="R-PRJ-01",
    service=_return_deposit,
    schema=OnIn,
)
TERMINATE = _lifecycle(
    "terminate",
    "终止建设",
    W.OWNER_UNIT,
    requires="建设单位终止原因的书面报告",
    basis="R-PRJ-06",
    service=_terminate,
    schema=TerminateIn,
    style="outline-danger",
)
DECLARE_SUSPENSION = steps.Step(
    PROJECT_WF,
    "declare_suspension",
    "申报停工",
    who=W.OWNER_MANAGERS,
    who_label=W.OWNER_MANAGERS.label,
    sources=(S.UNDER_CONSTRUCTION,),
    target="",  # the project stays under construction until the suspension is confirmed
    guards=(NO_OPEN_SUSPENSION,),
    service=_declare,
    schema=SuspensionIn,
    basis="R-PRJ-07",
    action="projects.declare_suspension",
    success="停工已申报，待确认",
    href=lambda p: reverse("project_suspension_new", args=[p.pk]),
    style="outline-danger",
    help="停工当天在线申报停工时间和原因",
)

steps.register(
    PROJECT,
    BEGIN_PREPARATION,
    START_WORKS,
    DECLARE_SUSPENSION,
    SUSPEND,
    RESUME,
    COMPLETE,
    ACCEPT,
    SUBMIT_SETTLEMENT,
    APPROVE_SETTLEMENT,
    PAY_FUNDS,
    RETURN_DEPOSIT,
    TERMINATE,
)


# --- a suspension ---------------------------------------------------------------------------------


def load_suspension(actor: Actor, pk: int) -> Suspension:
    """The suspension through its project's scope (404 out of scope)."""
    return get_visible_or_404(  # type: ignore[no-any-return]
        Suspension.objects.select_related("project"), actor, pk=pk
    )


def _suspension_detail(s: Suspension) -> str:
    return reverse("project_detail", args=[s.project_id]) + "#suspensions"


def _render_suspension(request: Any, s: Suspension, *, bound: Any = None, status: int = 200) -> Any:
    from .views import render_project

    return render_project(request, load_project(_actor(request), s.project_id), status=status)


def _actor(request: Any) -> Actor:
    from postaward.core.web import actor_of

    return actor_of(request)


def _suspension_answer(request: Any, s: Suspension) -> Any:
    from .api_lifecycle import SuspensionOut

    return SuspensionOut.from_orm(s).model_dump(mode="json")


def _of_project(who: W.Who) -> Any:
    def test(s: Suspension, actor: Actor) -> bool:
        return who(s.project, actor)

    return test


SUSPENSION = steps.Workflow(
    key=SUSPENSION_WF,
    model=Suspension,
    label="停工申报",
    load=load_suspension,
    queryset=lambda: Suspension.objects.select_related("project"),
    detail_url=_suspension_detail,
    render_page=_render_suspension,
    answer=_suspension_answer,
    page_url_name="project_suspension_step",
)


def _decide_page(decision: str) -> Any:
    return lambda s: reverse("project_suspension_decide", args=[s.project_id, s.pk, decision])


CONFIRM = steps.Step(
    SUSPENSION_WF,
    "confirm",
    "确认停工",
    who=_of_project(W.CONFIRMERS),
    who_label=W.CONFIRMERS.label,
    sources=(SuspensionState.DECLARED,),
    target=SuspensionState.CONFIRMED,
    guards=(PROJECT_UNDER_CONSTRUCTION,),
    service=_confirm,
    schema=NoteIn,
    basis="R-PRJ-07",
    action="projects.confirm_suspension",
    success="已确认停工，考勤和计时已暂停",
    href=_decide_page("confirm"),
    help="项目自申报的停工时间起停工，考勤和预警计时暂停",
)
REJECT = steps.Step(
    SUSPENSION_WF,
    "reject",
    "不予确认停工",
    who=_of_project(W.CONFIRMERS),
    who_label=W.CONFIRMERS.label,
    sources=(SuspensionState.DECLARED,),
    target=SuspensionState.REJECTED,
    service=_reject,
    schema=NoteIn,
    basis="R-PRJ-07",
    action="projects.reject_suspension",
    success="已不予确认",
    href=_decide_page("reject"),
    style="outline-danger",
    help="须说明理由",
)
WITHDRAW = steps.Step(
    SUSPENSION_WF,
    "withdraw",
    "撤回停工申报",
    who=_of_project(W.OWNER_MANAGERS),
    who_label=W.OWNER_MANAGERS.label,
    sources=(SuspensionState.DECLARED,),
    target=SuspensionState.WITHDRAWN,
    service=_withdraw,
    basis="R-PRJ-07",
    action="projects.withdraw_suspension",
    success="停工申报已撤回",
    style="outline-secondary",
)

steps.register(SUSPENSION, CONFIRM, REJECT, WITHDRAW)
