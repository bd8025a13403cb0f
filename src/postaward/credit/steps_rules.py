"""The steps of a scoring rule-set version (评分规则), declared once (ADR 0060,
ADR 0632; R-SCO-01).

Drafting a version (``services_rules.create_draft``) and editing its header
and items are not steps: they are writes on a draft. Then the authority's
staff submit it for review (提交复核); a second person of the same authority,
a unit leader or the unit's administrator who neither drafted, edited nor
submitted it, approves it (复核通过: it takes effect, the previous version is
superseded on the new one's effective date) or rejects it with an opinion;
a rejected version is taken back into drafting (退回修改). The page, the API
(``GET/POST /api/v1/credit/rule-sets/{rule_set_id}/steps[/{name}]``) and the
generated authorization tests read this list.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from pydantic import Field

from postaward.core import audit, clock, steps
from postaward.core.actor import Actor
from postaward.core.api_base import StrictIn
from postaward.core.scoping import get_visible_or_404

from .choices import RuleSetState
from .models import RuleSet
from .rules import DRAFTER_ROLES, REVIEWER_ROLES, readable_rule_sets

WF = "credit.rule_set"
BASIS = "R-SCO-01"

# The audit actions whose actor wrote a part of a version (its authors).
AUTHOR_ACTIONS = (
    "credit.rule_set_drafted",
    "credit.rule_set_updated",
    "credit.rule_item_added",
    "credit.rule_item_changed",
    "credit.rule_item_deleted",
    "credit.rule_set_submit",
)


def authority_staff(rs: RuleSet, actor: Actor) -> bool:
    """The staff, leaders and administrator of the rule set's authority."""
    return actor.is_system or (
        actor.organisation_id == rs.authority_id and bool(actor.roles & DRAFTER_ROLES)
    )


def authority_reviewer(rs: RuleSet, actor: Actor) -> bool:
    """A unit leader or the administrator of the rule set's authority."""
    return actor.is_system or (
        actor.organisation_id == rs.authority_id and bool(actor.roles & REVIEWER_ROLES)
    )


def author_ids(rs: RuleSet) -> set[int]:
    """The accounts that drafted, edited or submitted this version: from the
    drafter field and the audit chain (every edit of a version is audited on
    it; ADR 0632)."""
    from postaward.core.models import AuditRecord

    ids = set(
        AuditRecord.objects.filter(
            object_type=RuleSet._meta.label_lower,
            object_id=str(rs.pk),
            action__in=AUTHOR_ACTIONS,
            actor_user_id__isnull=False,
        ).values_list("actor_user_id", flat=True)
    )
    if rs.drafted_by_id:
        ids.add(rs.drafted_by_id)
    return {int(i) for i in ids}


def _second_person(rs: RuleSet, actor: Actor) -> bool:
    return actor.is_system or actor.user_id not in author_ids(rs)


def _has_items(rs: RuleSet) -> bool:
    return rs.items.exists()


def _date_not_past(rs: RuleSet, actor: Actor) -> bool:
    return rs.effective_from is None or rs.effective_from >= clock.today()


def current_version(rs: RuleSet) -> RuleSet | None:
    """The version of the same authority and industry now in state 生效."""
    return (
        RuleSet.objects.filter(
            authority_id=rs.authority_id, industry=rs.industry, state=RuleSetState.EFFECTIVE
        )
        .exclude(pk=rs.pk)
        .order_by("-version")
        .first()
    )


def _after_current(rs: RuleSet, actor: Actor) -> bool:
    """The new version starts after the current one started (its effective
    date, or today when it has none)."""
    cur = current_version(rs)
    start = rs.effective_from or clock.today()
    return cur is None or cur.effective_from is None or cur.effective_from < start


SECOND_PERSON = steps.Guard(
    _second_person,
    "复核须由起草、修改、提交该版本以外的另一人（本部门单位领导或总管）办理",
    code="second_person",
)
HAS_ITEMS = steps.Guard(
    lambda rs, a: _has_items(rs), "至少录入一个评分项后方可提交复核", code="no_items"
)
DATE_NOT_PAST = steps.Guard(
    _date_not_past,
    "生效日期已早于今天，请不予通过并退回起草人修改生效日期",
    code="date_past",
)
AFTER_CURRENT = steps.Guard(
    _after_current,
    "新版本的生效日期须晚于现行版本的生效日期",
    code="before_current",
)


class ApproveIn(StrictIn):
    opinion: str = Field("", max_length=2000, description="复核意见（可不填）")


class RejectIn(StrictIn):
    opinion: str = Field(max_length=2000, description="不予通过的意见（必填）")


T = {"class": "form-control form-control-sm", "rows": 3}


class ApproveForm(forms.Form):
    opinion = forms.CharField(
        label="复核意见",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=T),
        help_text="通过后按生效日期施行（未填生效日期的自即日起施行），上一版本同日失效",
    )


class RejectForm(forms.Form):
    opinion = forms.CharField(
        label="不予通过的意见", max_length=2000, widget=forms.Textarea(attrs=T)
    )


def _service(name: str) -> Any:
    def run(*, actor: Actor, obj: RuleSet, **data: Any) -> Any:
        from . import services_rules

        return getattr(services_rules, name)(actor=actor, obj=obj, **data)

    run.__name__ = name
    return run


def load_rule_set(actor: Actor, pk: int) -> RuleSet:
    """The version through the actor's reading scope (404 out of scope)."""
    return get_visible_or_404(  # type: ignore[no-any-return]
        readable_rule_sets(actor).select_related("authority", "based_on"), actor, pk=pk
    )


def snapshot_rule_set(rs: RuleSet) -> dict[str, Any]:
    return {**audit.snapshot(rs), "item_count": rs.items.count()}


def _render(request: Any, rs: RuleSet, *, bound: Any = None, status: int = 200) -> Any:
    from .views_rules import render_detail

    return render_detail(request, rs, bound=bound, status=status)


def _answer(request: Any, rs: RuleSet) -> Any:
    from .api_rules import rule_set_out

    return rule_set_out(rs, request)


RULE_SET = steps.Workflow(
    key=WF,
    model=RuleSet,
    label="评分规则版本",
    load=load_rule_set,
    queryset=lambda: RuleSet.objects.select_related("authority"),
    snapshot=snapshot_rule_set,
    detail_url=lambda rs: reverse("credit_rule_detail", args=[rs.pk]),
    render_page=_render,
    answer=_answer,
    page_url_name="credit_rule_step",
)

SUBMIT = steps.Step(
    WF,
    "submit",
    "提交复核",
    who=authority_staff,
    who_label="本行业主管部门工作人员",
    sources=(RuleSetState.DRAFT,),
    target=RuleSetState.PENDING,
    guards=(HAS_ITEMS,),
    service=_service("submit_rule_set"),
    basis=BASIS,
    action="credit.rule_set_submit",
    success="已提交复核，待本部门另一位领导复核",
    help="提交后不能再修改；须由本部门起草人、修改人、提交人以外的单位领导或总管复核",
)
APPROVE = steps.Step(
    WF,
    "approve",
    "复核通过",
    who=authority_reviewer,
    who_label="本行业主管部门单位领导或总管",
    sources=(RuleSetState.PENDING,),
    target=RuleSetState.EFFECTIVE,
    guards=(SECOND_PERSON, DATE_NOT_PAST, AFTER_CURRENT),
    service=_service("approve_rule_set"),
    schema=ApproveIn,
    form=ApproveForm,
    basis=BASIS,
    action="credit.rule_set_approve",
    success="复核通过，新版本评分规则按生效日期施行",
    help="第二人复核：通过后生效，同一行业的上一版本于新版本生效之日失效",
)
REJECT = steps.Step(
    WF,
    "reject",
    "不予通过",
    who=authority_reviewer,
    who_label="本行业主管部门单位领导或总管",
    sources=(RuleSetState.PENDING,),
    target=RuleSetState.REJECTED,
    guards=(SECOND_PERSON,),
    service=_service("reject_rule_set"),
    schema=RejectIn,
    form=RejectForm,
    basis=BASIS,
    action="credit.rule_set_reject",
    success="已不予通过，已退回起草人",
    style="outline-danger",
)
REVISE = steps.Step(
    WF,
    "revise",
    "退回修改",
    who=authority_staff,
    who_label="本行业主管部门工作人员",
    sources=(RuleSetState.REJECTED,),
    target=RuleSetState.DRAFT,
    service=_service("revise_rule_set"),
    basis=BASIS,
    action="credit.rule_set_revise",
    success="已转为草稿，可按复核意见修改后再次提交",
    style="outline-primary",
)

steps.register(RULE_SET, SUBMIT, APPROVE, REJECT, REVISE)
