"""The steps of engineering changes and personnel changes, declared once
(ADR 0060, ADR 0067, ADR 0075).

Engineering change (``approvals.change``, R-CHG-01/02/05/06): the supervising
firm reviews, the owner approves, a major design change goes on to the
development and reform commission; the current reviewer may refuse it; the unit
that raised it withdraws it (ADR 0304). Personnel change
(``approvals.personnel``, R-CHG-03/04): the owner agrees; the industry
authority reviews a project manager's or chief supervising engineer's change,
the superior unit agrees to any other (filed with the authority); the owner
uploads the approval form and the person is swapped; the current reviewer may
refuse it; the changing unit withdraws it.

The detail pages (``core/_steps.html``), the API (``GET/POST
/api/v1/approvals/{changes,personnel}/{id}/steps[/{name}]``; the old per-step
endpoints are aliases) and the generated authorization tests
(``core/tests/test_steps_authz.py``) all read this list.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse
from pydantic import Field

from postaward.core import clock, steps
from postaward.core.actor import Actor
from postaward.core.api_base import StrictIn
from postaward.core.bodies import FileIn
from postaward.core.scoping import get_visible_or_404

from . import deadline_kinds as K
from . import forms, workflows
from .choices import ChangeState, PersonnelRoute
from .models import EngineeringChange, PersonnelChange
from .steps import OpinionIn, _typed

CHANGE_WF = "approvals.change"
PERSONNEL_WF = "approvals.personnel"


# --- inputs (API; the page forms are ``forms.py``, prefixed by the step's name) ----------------


class CompletePersonnelIn(StrictIn):
    penalty_amount: Decimal = Field(
        ..., max_digits=16, decimal_places=2, description="依合同追究的违约金（元，可为 0）"
    )
    penalty_note: str = Field(
        "", max_length=2000, description="违约责任追究情况（违约金为 0 须说明）"
    )
    approval_form: FileIn | None = Field(None, description="人员变更审批表")


def _prefixed(form: type[Any], name: str) -> Any:
    """The step's page form with the step's name as its prefix (``review-opinion``):
    several steps' forms on one page keep their fields apart."""

    def make(obj: Any, actor: Actor, data: Any, files: Any) -> Any:
        if data is None:
            return form(prefix=name)
        return form(data, files, prefix=name)

    return make


# --- the services the steps call ---------------------------------------------------------------


def _review(*, actor: Actor, obj: EngineeringChange, opinion: str = "") -> Any:
    from .services import changes

    return changes.review_change(actor=actor, change=obj, opinion=opinion)


def _approve(*, actor: Actor, obj: EngineeringChange, opinion: str = "") -> Any:
    from .services import changes

    return changes.approve_change(actor=actor, change=obj, opinion=opinion)


def _approve_drc(*, actor: Actor, obj: EngineeringChange, opinion: str = "") -> Any:
    from .services import changes

    return changes.approve_change_by_drc(actor=actor, change=obj, opinion=opinion)


def _reject_change(
    *, actor: Actor, obj: EngineeringChange, opinion: str = "", note: str = ""
) -> Any:
    from .services import changes

    return changes.reject_change(actor=actor, change=obj, note=note or opinion)


def _withdraw_change(*, actor: Actor, obj: EngineeringChange) -> Any:
    from .services import changes

    return changes.withdraw_change(actor=actor, change=obj)


def _review_personnel(*, actor: Actor, obj: PersonnelChange, opinion: str = "") -> Any:
    from .services import personnel

    return personnel.review_personnel_change(actor=actor, change=obj, opinion=opinion)


def _agree(*, actor: Actor, obj: PersonnelChange, opinion: str = "") -> Any:
    from .services import personnel

    return personnel.agree_personnel_change(actor=actor, change=obj, opinion=opinion)


def _approve_personnel(*, actor: Actor, obj: PersonnelChange, opinion: str = "") -> Any:
    from .services import personnel

    return personnel.approve_personnel_change(actor=actor, change=obj, opinion=opinion)


def _complete(*, actor: Actor, obj: PersonnelChange, **data: Any) -> Any:
    from .services import personnel

    data = _typed(CompletePersonnelIn, data)
    return personnel.complete_personnel_change(
        actor=actor,
        change=obj,
        approval_form=data.get("approval_form"),
        penalty_amount=data.get("penalty_amount"),
        penalty_note=data.get("penalty_note", ""),
    )


def _reject_personnel(
    *, actor: Actor, obj: PersonnelChange, opinion: str = "", note: str = ""
) -> Any:
    from .services import personnel

    return personnel.reject_personnel_change(actor=actor, change=obj, note=note or opinion)


def _withdraw_personnel(*, actor: Actor, obj: PersonnelChange) -> Any:
    from .services import personnel

    return personnel.withdraw_personnel_change(actor=actor, change=obj)


# --- who: the ``Who`` of workflows.py, on the personnel change's route ---------------------------


def _reviewing_authority(pc: PersonnelChange, a: Actor) -> bool:
    """A project manager's or chief supervising engineer's change: the industry
    authority reviews it (R-CHG-03)."""
    return pc.route == PersonnelRoute.REVIEW and workflows.AUTHORITY(pc, a)


def _filing_superior(pc: PersonnelChange, a: Actor) -> bool:
    """Any other person's change: the superior unit agrees, then it is filed with
    the industry authority (R-CHG-03)."""
    return pc.route == PersonnelRoute.FILING and workflows.SUPERIOR(pc, a)


# --- the rules beyond role and state -----------------------------------------------------------


def _still_serving(pc: PersonnelChange, a: Actor) -> bool:
    return pc.assignment.ended_on is None


def _ban_reasons(pc: PersonnelChange) -> list[str]:
    from postaward.projects import services as project_services

    allowed, reasons = project_services.may_be_named(
        pc.replacement, pc.position, clock.today(), project=pc.project
    )
    return [] if allowed else reasons


def _replacement_may_be_named(pc: PersonnelChange, a: Actor) -> bool:
    return not _ban_reasons(pc)


def _banned(pc: PersonnelChange | None) -> str:
    reasons = _ban_reasons(pc) if pc is not None else []
    return "替换人员不得担任该岗位" + (f"：{'；'.join(reasons)}" if reasons else "")


STILL_SERVING = steps.Guard(_still_serving, "原人员已离岗，不能再办理换岗", code="invalid_state")
REPLACEMENT_MAY_BE_NAMED = steps.Guard(_replacement_may_be_named, _banned, code="personnel_banned")


# --- the workflows ---------------------------------------------------------------------------------


def load_change(actor: Actor, pk: int) -> EngineeringChange:
    """The change through the actor's scope (404 out of scope)."""
    return get_visible_or_404(  # type: ignore[no-any-return]
        EngineeringChange.objects.select_related("project", "participant__organisation"),
        actor,
        pk=pk,
    )


def load_personnel(actor: Actor, pk: int) -> PersonnelChange:
    """The personnel change through the actor's scope (404 out of scope)."""
    return get_visible_or_404(  # type: ignore[no-any-return]
        PersonnelChange.objects.select_related(
            "project", "participant__organisation", "assignment", "outgoing", "replacement"
        ),
        actor,
        pk=pk,
    )


def _render_change(
    request: Any, c: EngineeringChange, *, bound: Any = None, status: int = 200
) -> Any:
    from .views_changes import render_change

    return render_change(request, c, bound=bound, status=status)


def _render_personnel(
    request: Any, pc: PersonnelChange, *, bound: Any = None, status: int = 200
) -> Any:
    from .views_changes import render_personnel

    return render_personnel(request, pc, bound=bound, status=status)


def _change_answer(request: Any, c: EngineeringChange) -> Any:
    from .api_changes import change_answer

    return change_answer(request, c)


def _personnel_answer(request: Any, pc: PersonnelChange) -> Any:
    from .api_changes import personnel_answer

    return personnel_answer(request, pc)


CHANGE = steps.Workflow(
    key=CHANGE_WF,
    model=EngineeringChange,
    label="工程变更",
    load=load_change,
    queryset=lambda: EngineeringChange.objects.select_related("project", "participant"),
    detail_url=lambda c: reverse("approval_change_detail", args=[c.pk]),
    render_page=_render_change,
    answer=_change_answer,
    page_url_name="approval_change_step",
)

PERSONNEL = steps.Workflow(
    key=PERSONNEL_WF,
    model=PersonnelChange,
    label="人员变更",
    load=load_personnel,
    queryset=lambda: PersonnelChange.objects.select_related(
        "project", "participant", "assignment", "outgoing", "replacement"
    ),
    detail_url=lambda pc: reverse("approval_personnel_detail", args=[pc.pk]),
    render_page=_render_personnel,
    answer=_personnel_answer,
    page_url_name="approval_personnel_step",
)

# --- engineering change ----------------------------------------------------------------------------

REVIEW = steps.Step(
    CHANGE_WF,
    "review",
    "监理审核通过",
    who=workflows.SUPERVISOR,
    who_label=workflows.SUPERVISOR.label,
    transition="review_by_supervisor",
    service=_review,
    schema=OpinionIn,
    form_factory=_prefixed(forms.OpinionForm, "review"),
    basis="R-CHG-02、R-CHG-06",
    action="approvals.engineeringchange.review_by_supervisor",
    success="监理审核通过：已办理",
    help="监理单位先于建设单位审核变更申报",
)
APPROVE = steps.Step(
    CHANGE_WF,
    "approve",
    "建设单位审批同意",
    who=workflows.OWNER,
    who_label=workflows.OWNER.label,
    # approve_by_owner: approved, or a major design change on to the DRC (the service fires it)
    sources=(ChangeState.SUPERVISOR_APPROVED,),
    target="",
    service=_approve,
    schema=OpinionIn,
    form_factory=_prefixed(forms.OpinionForm, "approve"),
    basis="R-CHG-01、R-CHG-02",
    closes=K.CHANGE_BEFORE_WORK.kind,
    action="approvals.engineeringchange.approve_by_owner",
    success="建设单位审批同意：已办理",
    help="重大设计变更同意后报发改部门批准；变更须在计划实施日期前批准",
)
APPROVE_DRC = steps.Step(
    CHANGE_WF,
    "approve_drc",
    "发改部门批准",
    who=workflows.DRC,
    who_label=workflows.DRC.label,
    transition="approve_by_drc",
    service=_approve_drc,
    schema=OpinionIn,
    form_factory=_prefixed(forms.OpinionForm, "approve_drc"),
    basis="R-CHG-05",
    closes=K.CHANGE_BEFORE_WORK.kind,
    action="approvals.engineeringchange.approve_by_drc",
    success="发改部门批准：已办理",
)
REJECT_CHANGE = steps.Step(
    CHANGE_WF,
    "reject",
    "审核不通过",
    who=workflows.CHANGE_REJECTOR,
    who_label=workflows.CHANGE_REJECTOR.label,
    transition="reject",
    service=_reject_change,
    schema=OpinionIn,
    form_factory=_prefixed(forms.NoteForm, "reject"),
    basis="R-CHG-02",
    closes=K.CHANGE_BEFORE_WORK.kind,
    action="approvals.engineeringchange.reject",
    success="审核不通过：已办理",
    style="danger",
)
WITHDRAW_CHANGE = steps.Step(
    CHANGE_WF,
    "withdraw",
    "撤回",
    who=workflows.RAISER,  # the unit that raised it, not the other party (ADR 0304)
    who_label=workflows.RAISER.label,
    transition="withdraw",
    service=_withdraw_change,
    basis="R-CHG-01",
    closes=K.CHANGE_BEFORE_WORK.kind,
    action="approvals.engineeringchange.withdraw",
    success="撤回变更：已办理",
    style="secondary",
    help="监理审核前，由发起变更的单位撤回",
)

# --- personnel change ------------------------------------------------------------------------------

REVIEW_PERSONNEL = steps.Step(
    PERSONNEL_WF,
    "review",
    "监理单位审核通过",
    who=workflows.SUPERVISOR,
    who_label=workflows.SUPERVISOR.label,
    transition="review_by_supervisor",
    service=_review_personnel,
    schema=OpinionIn,
    form_factory=_prefixed(forms.OpinionForm, "review"),
    basis="R-CHG-03、R-CHG-06",
    action="approvals.personnelchange.review_by_supervisor",
    success="监理单位审核通过：已办理",
    help="施工单位人员的变更，监理单位先于建设单位审核",
)
AGREE = steps.Step(
    PERSONNEL_WF,
    "agree",
    "建设单位同意",
    who=workflows.OWNER,
    who_label=workflows.OWNER.label,
    transition="agree_by_owner",
    service=_agree,
    schema=OpinionIn,
    form_factory=_prefixed(forms.OpinionForm, "agree"),
    basis="R-CHG-03",
    action="approvals.personnelchange.agree_by_owner",
    success="建设单位同意：已办理",
)
APPROVE_PERSONNEL = steps.Step(
    PERSONNEL_WF,
    "approve",
    "行业主管部门审核同意",
    who=_reviewing_authority,
    who_label=workflows.AUTHORITY.label,
    transition="approve_by_authority",
    service=_approve_personnel,
    schema=OpinionIn,
    form_factory=_prefixed(forms.OpinionForm, "approve"),
    basis="R-CHG-03",
    action="approvals.personnelchange.approve_by_authority",
    success="行业主管部门审核同意：已办理",
    help="项目负责人、总监理工程师的变更",
)
FILE_PERSONNEL = steps.Step(
    PERSONNEL_WF,
    "file",
    "主管单位同意并报行业主管部门备案",
    who=_filing_superior,
    who_label=workflows.SUPERIOR.label,
    transition="agree_by_superior",
    service=_approve_personnel,
    schema=OpinionIn,
    form_factory=_prefixed(forms.OpinionForm, "file"),
    basis="R-CHG-03",
    action="approvals.personnelchange.agree_by_superior",
    success="主管单位同意（报行业主管部门备案）：已办理",
    help="技术负责人、监理员等其他人员的变更",
)
COMPLETE = steps.Step(
    PERSONNEL_WF,
    "complete",
    "上传审批表、登记违约责任并换岗",
    who=workflows.OWNER,
    who_label=workflows.OWNER.label,
    transition="complete",
    guards=(STILL_SERVING, REPLACEMENT_MAY_BE_NAMED),
    service=_complete,
    schema=CompletePersonnelIn,
    form_factory=_prefixed(forms.CompletePersonnelForm, "complete"),
    basis="R-CHG-03、R-CHG-04",
    action="approvals.personnelchange.complete",
    success="上传审批表、登记违约责任并换岗：已办理",
    help="换岗时同时记录被撤换人员的任职限制（R-CHG-04）",
)
REJECT_PERSONNEL = steps.Step(
    PERSONNEL_WF,
    "reject",
    "审核不同意",
    who=workflows.PERSONNEL_REJECTOR,
    who_label=workflows.PERSONNEL_REJECTOR.label,
    transition="reject",
    service=_reject_personnel,
    schema=OpinionIn,
    form_factory=_prefixed(forms.NoteForm, "reject"),
    basis="R-CHG-03",
    action="approvals.personnelchange.reject",
    success="审核不同意：已办理",
    style="danger",
)
WITHDRAW_PERSONNEL = steps.Step(
    PERSONNEL_WF,
    "withdraw",
    "撤回",
    who=workflows.INITIATOR_UNIT,
    who_label=workflows.INITIATOR_UNIT.label,
    transition="withdraw",
    service=_withdraw_personnel,
    basis="R-CHG-03",
    action="approvals.personnelchange.withdraw",
    success="撤回：已办理",
    style="secondary",
)

steps.register(CHANGE, REVIEW, APPROVE, APPROVE_DRC, REJECT_CHANGE, WITHDRAW_CHANGE)
steps.register(
    PERSONNEL,
    REVIEW_PERSONNEL,
    AGREE,
    APPROVE_PERSONNEL,
    FILE_PERSONNEL,
    COMPLETE,
    REJECT_PERSONNEL,
    WITHDRAW_PERSONNEL,
)


def personnel_decision(pc: PersonnelChange) -> steps.Step:
    """The decision after the owner's: the authority's review or the superior
    unit's agreement, by the change's route (the old ``…/approve`` endpoint)."""
    return APPROVE_PERSONNEL if pc.route == PersonnelRoute.REVIEW else FILE_PERSONNEL
