"""The steps of a data-completion application and of a post-award abnormal
event, declared once (ADR 0060, ADR 0065, ADR 0072; R-PRJ-05, R-PRJ-12).

``projects.data_completion`` (项目资料补全申请, SY 33): the superior unit
approves or refuses a submitted application; after approval and the
back-filling of the data the owner confirms the data complete (refused with
422 and one item per missing thing while anything is missing).
``projects.abnormal_event`` (标后异常事件, R-PRJ-12): the industry authority
(or the supervision office) files a reported event whose reason is valid, or
flags it for investigation.

The services take these steps through ``core.steps.write``; the API
(``GET/POST /api/v1/projects/data-completions/{application_id}/steps[/{name}]``
and ``/api/v1/projects/abnormal-events/{event_id}/steps[/{name}]``, the old
``…/decide``, ``…/backfilled`` and ``…/review`` as aliases), the pages and the
generated authorization tests all read this list. Creating an application or
an event, marking a project uncovered and back-filling dates are not steps
(no state to leave; ADR 0067, ADR 0072).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from pydantic import Field

from postaward.core import steps
from postaward.core.actor import Actor
from postaward.core.api_base import StrictIn
from postaward.core.errors import ValidationFailed
from postaward.core.scoping import get_visible_or_404

from . import workflows as W
from .choices import AbnormalAwardState, DataCompletionState
from .models import AbnormalAwardEvent, DataCompletionApplication

COMPLETION_WF = "projects.data_completion"
ABNORMAL_WF = "projects.abnormal_event"

# The superior unit approves the 项目资料补全申请书 (SY 33: 经主管单位同意).
COMPLETION_DECIDERS = W.Who("主管单位", (W.superior_of,))
# The authority files or flags an abnormal event (R-PRJ-12).
ABNORMAL_REVIEWERS = W.Who("行业主管部门或监管办", (W.authority_of, W.supervision_office))


class CompletionNoteIn(StrictIn):
    note: str = Field("", max_length=300, description="意见")


class ReasonIn(StrictIn):
    note: str = Field(..., min_length=2, max_length=300, description="不同意的理由")


class ReviewNoteIn(StrictIn):
    note: str = Field("", max_length=2000, description="审查意见")


class FlagIn(StrictIn):
    note: str = Field(
        ..., min_length=4, max_length=2000, description="审查意见（无正当理由的认定）"
    )


def _of_project(who: W.Who) -> Any:
    def test(obj: Any, actor: Actor) -> bool:
        return who(obj.project, actor)

    return test


def _project_page(anchor: str) -> Any:
    return lambda obj: reverse("project_detail", args=[obj.project_id]) + f"#{anchor}"


def _render(request: Any, obj: Any, *, bound: Any = None, status: int = 200) -> Any:
    from postaward.core.web import actor_of

    from .steps import load_project
    from .views import render_project

    return render_project(request, load_project(actor_of(request), obj.project_id), status=status)


# --- a data-completion application ------------------------------------------------------------------


def load_application(actor: Actor, pk: int) -> DataCompletionApplication:
    """The application through its project's scope (404 out of scope)."""
    return get_visible_or_404(  # type: ignore[no-any-return]
        DataCompletionApplication.objects.select_related("project", "application_document"),
        actor,
        pk=pk,
    )


def _completion_answer(request: Any, app: DataCompletionApplication) -> Any:
    from .api_registry import CompletionOut

    return CompletionOut.from_orm(app).model_dump(mode="json")


def _approve(*, actor: Actor, obj: DataCompletionApplication, note: str = "") -> Any:
    from .services import coverage

    return coverage.decide_data_completion(actor=actor, application=obj, approve=True, note=note)


def _refuse(*, actor: Actor, obj: DataCompletionApplication, note: str = "") -> Any:
    from .services import coverage

    return coverage.decide_data_completion(actor=actor, application=obj, approve=False, note=note)


def _confirm_backfill(*, actor: Actor, obj: DataCompletionApplication) -> Any:
    from .services import coverage

    return coverage.confirm_backfill(actor=actor, application=obj)


def _backfill_refusal(app: DataCompletionApplication, actor: Actor) -> ValidationFailed:
    missing = W.backfill_missing(app.project)
    return ValidationFailed(
        "资料尚未补全：" + "；".join(m.message for m in missing),
        errors=[m.as_dict() for m in missing],
        code="requirements_not_met",
    )


DATA_BACKFILLED = steps.Guard(
    lambda app, a: not W.backfill_missing(app.project),
    "尚缺补录的项目资料",
    code="requirements_not_met",
    refuse=_backfill_refusal,
)

COMPLETION = steps.Workflow(
    key=COMPLETION_WF,
    model=DataCompletionApplication,
    label="资料补全申请",
    load=load_application,
    queryset=lambda: DataCompletionApplication.objects.select_related("project"),
    detail_url=_project_page("coverage"),
    render_page=_render,
    answer=_completion_answer,
    page_url_name="project_completion_step",
)


def _decide_page(decision: str) -> Any:
    return lambda app: (
        reverse("project_completion_decide", args=[app.project_id, app.pk]) + f"?d={decision}"
    )


APPROVE = steps.Step(
    COMPLETION_WF,
    "approve",
    "同意资料补全申请",
    who=_of_project(COMPLETION_DECIDERS),
    who_label=COMPLETION_DECIDERS.label,
    sources=(DataCompletionState.SUBMITTED,),
    target=DataCompletionState.APPROVED,
    service=_approve,
    schema=CompletionNoteIn,
    basis="R-PRJ-05",
    action="projects.decide_data_completion",
    success="已同意资料补全申请",
    href=_decide_page("approve"),
    help="同意后建设单位补录项目资料",
)
REFUSE = steps.Step(
    COMPLETION_WF,
    "reject",
    "不同意资料补全申请",
    who=_of_project(COMPLETION_DECIDERS),
    who_label=COMPLETION_DECIDERS.label,
    sources=(DataCompletionState.SUBMITTED,),
    target=DataCompletionState.REJECTED,
    service=_refuse,
    schema=ReasonIn,
    basis="R-PRJ-05",
    action="projects.decide_data_completion",
    success="已不同意资料补全申请",
    href=_decide_page("reject"),
    style="outline-danger",
    help="须说明理由",
)
CONFIRM_BACKFILL = steps.Step(
    COMPLETION_WF,
    "confirm_backfill",
    "确认资料已补全",
    who=_of_project(W.OWNER_MANAGERS),
    who_label=W.OWNER_MANAGERS.label,
    sources=(DataCompletionState.APPROVED,),
    target=DataCompletionState.BACKFILLED,
    guards=(DATA_BACKFILLED,),
    service=_confirm_backfill,
    basis="R-PRJ-05",
    action="projects.confirm_backfill",
    success="已确认资料补全",
    style="outline-primary",
    help="开工、完工日期，参建单位合同和关键岗位人员补录齐全后确认",
)

steps.register(COMPLETION, APPROVE, REFUSE, CONFIRM_BACKFILL)


# --- a post-award abnormal event --------------------------------------------------------------------


def load_event(actor: Actor, pk: int) -> AbnormalAwardEvent:
    """The event through its project's scope (404 out of scope)."""
    return get_visible_or_404(  # type: ignore[no-any-return]
        AbnormalAwardEvent.objects.select_related("project", "filing_document"), actor, pk=pk
    )


def _event_answer(request: Any, e: AbnormalAwardEvent) -> Any:
    from .api_registry import AbnormalOut

    return AbnormalOut.from_orm(e).model_dump(mode="json")


def _file(*, actor: Actor, obj: AbnormalAwardEvent, note: str = "") -> Any:
    from .services import award_checks

    return award_checks.review_abnormal_event(actor=actor, event=obj, valid_reason=True, note=note)


def _flag(*, actor: Actor, obj: AbnormalAwardEvent, note: str = "") -> Any:
    from .services import award_checks

    return award_checks.review_abnormal_event(actor=actor, event=obj, valid_reason=False, note=note)


ABNORMAL = steps.Workflow(
    key=ABNORMAL_WF,
    model=AbnormalAwardEvent,
    label="标后异常事件",
    load=load_event,
    queryset=lambda: AbnormalAwardEvent.objects.select_related("project"),
    detail_url=_project_page("records"),
    render_page=_render,
    answer=_event_answer,
    page_url_name="project_abnormal_step",
)


def _review_page(decision: str) -> Any:
    return lambda e: (
        reverse("project_abnormal_review", args=[e.project_id, e.pk]) + f"?d={decision}"
    )


FILE = steps.Step(
    ABNORMAL_WF,
    "file",
    "理由正当，予以备案",
    who=_of_project(ABNORMAL_REVIEWERS),
    who_label=ABNORMAL_REVIEWERS.label,
    sources=(AbnormalAwardState.REPORTED,),
    target=AbnormalAwardState.FILED,
    service=_file,
    schema=ReviewNoteIn,
    basis="R-PRJ-12",
    action="projects.review_abnormal_event",
    success="审查结论已登记",
    href=_review_page("file"),
)
FLAG = steps.Step(
    ABNORMAL_WF,
    "flag",
    "无正当理由，移交查处",
    who=_of_project(ABNORMAL_REVIEWERS),
    who_label=ABNORMAL_REVIEWERS.label,
    sources=(AbnormalAwardState.REPORTED,),
    target=AbnormalAwardState.FLAGGED,
    service=_flag,
    schema=FlagIn,
    basis="R-PRJ-12",
    action="projects.review_abnormal_event",
    success="审查结论已登记",
    href=_review_page("flag"),
    style="outline-danger",
    help="须说明认定理由",
)

steps.register(ABNORMAL, FILE, FLAG)
