"""Tender agents and evaluation experts (R-SCO-05, R-SCO-06, R-SCO-09; ADR 0680).

- ``AgentAppraisal``: the supervision office's yearly appraisal (年度考评) of a
  tender agent (招标代理机构), graded 优秀/良好/合格/不合格 with reasons; recorded
  by one office account and approved by another (four eyes). An approved
  appraisal decides whether the agent is "best-rated" (择优, LC 三).
- ``AgentChoice``: an owner's choice of its agent for a project (or one tender
  of it). Choosing an agent that is not best-rated needs a written
  justification, filed with the discipline inspection group (LC 三).
- ``ExpertPoolMember``: a person in the district's evaluation-expert pool
  (专家库); officials of government units are refused (LC 四).
- ``EvaluationEvent``: one bid evaluation (评标活动) of a project with its
  experts; ``ExpertEvaluation``: one grade A–D per expert per event per
  evaluator side (owner, supervision office; 一事一评, LC 四, YJ 二(三));
  ``ExpertReport``: a C or D grade reported for suspension or removal, handled
  by the supervision office (YJ 二(三)).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from postaward.core.actor import Actor
from postaward.core.scoping import NOTHING, ScopedManager
from postaward.orgs.choices import OrgKind

from .records import DEPARTMENT_ROLES, OFFICE_ROLES


class AppraisalGrade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


BEST_RATED_GRADES = frozenset({AppraisalGrade.EXCELLENT, AppraisalGrade.GOOD})


class AppraisalState(models.TextChoices):
    SUBMITTED = "submitted", "待审定"
    APPROVED = "approved", "已审定"
    RETURNED = "returned", "已退回"


class ExpertGrade(models.TextChoices):
    A = "A", "A（优秀）"
    B = "B", "B（称职）"
    C = "C", "C（基本称职）"
    D = "D", "D（不称职）"


REPORTED_GRADES = frozenset({ExpertGrade.C, ExpertGrade.D})


class EvaluatorSide(models.TextChoices):
    OWNER = "owner", "建设单位（招标人）"
    OFFICE = "office", "监管办"


class PoolState(models.TextChoices):
    ACTIVE = "active", "在库"
    SUSPENDED = "suspended", "暂停评标资格"
    REMOVED = "removed", "取消评标资格"


class ReportState(models.TextChoices):
    REPORTED = "reported", "待处理"
    SUSPENDED = "suspended", "已暂停评标资格"
    REMOVED = "removed", "已取消评标资格"
    DISMISSED = "dismissed", "不予处理"


def _office_q(actor: Actor, prefix: str, *, authorities: bool = True) -> Q:
    district = actor.district_path
    out = NOTHING
    if actor.org_kind == OrgKind.SUPERVISION_OFFICE and actor.roles & OFFICE_ROLES:
        out = Q(**{f"{prefix}office__path__startswith": district})
    if (
        authorities
        and actor.org_kind == OrgKind.INDUSTRY_AUTHORITY
        and actor.roles & DEPARTMENT_ROLES
    ):
        out |= Q(**{f"{prefix}office__path__startswith": district})
    return out


def appraisal_scope(actor: Actor, prefix: str = "") -> Q:
    """The office and the authorities read every appraisal; an agent its own."""
    if actor.user_id is None:
        return NOTHING
    out = _office_q(actor, prefix)
    if actor.organisation_id is not None:
        out |= Q(**{f"{prefix}agent_id": actor.organisation_id})
    return out


def choice_scope(actor: Actor, prefix: str = "") -> Q:
    """The office, the authorities and the discipline group read every choice;
    an owner its own; the chosen agent its own."""
    if actor.user_id is None:
        return NOTHING
    out = _office_q(actor, prefix)
    if actor.org_kind == OrgKind.DISCIPLINE:
        out |= Q(**{f"{prefix}office__path__startswith": actor.district_path})
    if actor.organisation_id is not None:
        out |= Q(**{f"{prefix}owner_id": actor.organisation_id})
        out |= Q(**{f"{prefix}agent_id": actor.organisation_id})
    return out


def event_scope(actor: Actor, prefix: str = "") -> Q:
    """The office and the authorities read every evaluation event; the owner
    (招标人) its own."""
    if actor.user_id is None:
        return NOTHING
    out = _office_q(actor, prefix)
    if actor.organisation_id is not None:
        out |= Q(**{f"{prefix}owner_id": actor.organisation_id})
    return out


def pool_scope(actor: Actor, prefix: str = "") -> Q:
    """The office and the authorities read the pool; a person his own entry."""
    if actor.user_id is None:
        return NOTHING
    out = _office_q(actor, prefix)
    if actor.person_id is not None:
        out |= Q(**{f"{prefix}person_id": actor.person_id})
    return out


def _fk(to: str, label: str, **kw: Any) -> Any:
    kw.setdefault("related_name", "+")
    return models.ForeignKey(to, verbose_name=label, on_delete=models.PROTECT, **kw)


class AgentAppraisal(models.Model):
    objects = ScopedManager()

    number = models.CharField("考评编号", max_length=30, unique=True)
    agent = _fk("orgs.Organisation", "招标代理机构", related_name="agent_appraisals")
    office = _fk("orgs.Organisation", "所属监管办")
    year = models.PositiveIntegerField("考评年度")
    grade = models.CharField("考评等次", max_length=10, choices=AppraisalGrade.choices)
    reasons = models.TextField("考评理由")
    state = models.CharField(
        "状态", max_length=10, choices=AppraisalState.choices, default=AppraisalState.SUBMITTED
    )
    recorded_by = _fk("orgs.User", "考评人", null=True, blank=True)
    recorded_by_name = models.CharField("考评人姓名", max_length=100)
    approved_by_name = models.CharField("审定人姓名", max_length=100, blank=True)
    approved_at = models.DateTimeField("审定时间", null=True, blank=True)
    return_reason = models.CharField("退回原因", max_length=500, blank=True)
    created_at = models.DateTimeField("考评时间")

    class Meta:
        verbose_name = "招标代理机构年度考评"
        verbose_name_plural = "招标代理机构年度考评"
        ordering = ["-year", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "year"], name="credit_appraisal_one_per_year")
        ]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return appraisal_scope(actor)

    def __str__(self) -> str:
        return f"{self.number} {self.year}年度 {self.get_grade_display()}"


class AgentChoice(models.Model):
    objects = ScopedManager()

    number = models.CharField("登记编号", max_length=30, unique=True)
    project = _fk("projects.Project", "项目", related_name="agent_choices")
    tender = models.CharField("标段（招标事项）", max_length=200, blank=True)
    owner = _fk("orgs.Organisation", "建设单位（招标人）")
    agent = _fk("orgs.Organisation", "选定的招标代理机构", related_name="agent_choices")
    office = _fk("orgs.Organisation", "所属监管办")
    best_rated = models.BooleanField("属择优范围")
    rating_note = models.CharField("择优依据", max_length=300)
    method = models.CharField("选取方式", max_length=200)
    justification = models.TextField("不择优选择的书面说明", blank=True)
    discipline = _fk("orgs.Organisation", "报备纪检监察机关", null=True, blank=True)
    recorded_by = _fk("orgs.User", "登记人", null=True, blank=True)
    recorded_by_name = models.CharField("登记人姓名", max_length=100)
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "招标代理机构选取"
        verbose_name_plural = "招标代理机构选取"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "tender"], name="credit_agent_choice_once"),
            models.CheckConstraint(
                condition=Q(best_rated=True) | ~Q(justification=""),
                name="credit_agent_choice_justified",
            ),
        ]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return choice_scope(actor)

    def __str__(self) -> str:
        return f"{self.number} {self.agent}"


class ExpertPoolMember(models.Model):
    objects = ScopedManager()

    person = models.OneToOneField(
        "orgs.Person", verbose_name="专家", on_delete=models.PROTECT, related_name="expert_pool"
    )
    office = _fk("orgs.Organisation", "所属监管办")
    specialty = models.CharField("评标专业", max_length=100)
    state = models.CharField(
        "状态", max_length=10, choices=PoolState.choices, default=PoolState.ACTIVE
    )
    admitted_by_name = models.CharField("入库登记人", max_length=100)
    created_at = models.DateTimeField("入库时间")

    class Meta:
        verbose_name = "评标专家库成员"
        verbose_name_plural = "评标专家库成员"
        ordering = ["-created_at", "-pk"]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return pool_scope(actor)

    def __str__(self) -> str:
        return f"{self.person} {self.specialty}"


class EvaluationEvent(models.Model):
    objects = ScopedManager()

    number = models.CharField("评标活动编号", max_length=30, unique=True)
    project = _fk("projects.Project", "项目", related_name="evaluation_events")
    owner = _fk("orgs.Organisation", "建设单位（招标人）")
    office = _fk("orgs.Organisation", "所属监管办")
    title = models.CharField("招标事项", max_length=200)
    held_on = models.DateField("评标日期")
    experts = models.ManyToManyField("orgs.Person", verbose_name="评标专家", related_name="+")
    recorded_by_name = models.CharField("登记人姓名", max_length=100)
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "评标活动"
        verbose_name_plural = "评标活动"
        ordering = ["-held_on", "-pk"]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return event_scope(actor)

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ExpertEvaluation(models.Model):
    objects = ScopedManager()

    event = models.ForeignKey(
        EvaluationEvent,
        verbose_name="评标活动",
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    expert = _fk("orgs.Person", "评标专家", related_name="expert_evaluations")
    side = models.CharField("评价方", max_length=10, choices=EvaluatorSide.choices)
    evaluator = _fk("orgs.Organisation", "评价单位")
    grade = models.CharField("评价等级", max_length=1, choices=ExpertGrade.choices)
    reasons = models.TextField("评价理由")
    recorded_by_name = models.CharField("评价人姓名", max_length=100)
    created_at = models.DateTimeField("评价时间")

    class Meta:
        verbose_name = "评标专家评价"
        verbose_name_plural = "评标专家评价"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "expert", "side"], name="credit_expert_evaluation_once"
            )
        ]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return event_scope(actor, "event__")

    def __str__(self) -> str:
        return f"{self.event.number} {self.expert} {self.grade}"


class ExpertReport(models.Model):
    objects = ScopedManager()

    number = models.CharField("报告编号", max_length=30, unique=True)
    evaluation = models.OneToOneField(
        ExpertEvaluation, verbose_name="评价", on_delete=models.PROTECT, related_name="report"
    )
    expert = _fk("orgs.Person", "评标专家")
    office = _fk("orgs.Organisation", "处理单位（监管办）")
    owner = _fk("orgs.Organisation", "建设单位（招标人）")
    grade = models.CharField("评价等级", max_length=1, choices=ExpertGrade.choices)
    state = models.CharField(
        "状态", max_length=10, choices=ReportState.choices, default=ReportState.REPORTED
    )
    decision = models.CharField("处理意见", max_length=500, blank=True)
    decided_by_name = models.CharField("处理人", max_length=100, blank=True)
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    created_at = models.DateTimeField("报告时间")

    class Meta:
        verbose_name = "评标专家不良评价报告"
        verbose_name_plural = "评标专家不良评价报告"
        ordering = ["-created_at", "-pk"]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return event_scope(actor)

    def __str__(self) -> str:
        return f"{self.number} {self.grade}"


class DisclosureState(models.TextChoices):
    SUBMITTED = "submitted", "待核查"
    CHECKED = "checked", "已核查"
    RETURNED = "returned", "退回补正"


def disclosure_scope(actor: Actor, prefix: str = "") -> Q:
    """The disclosure is public information: every signed-in account of the
    district reads it; the agent keeps it, the office checks it."""
    if actor.user_id is None:
        return NOTHING
    return Q(**{f"{prefix}office__path__startswith": actor.district_path})


class AgentDisclosure(models.Model):
    """What a tender agent discloses (LC 三: 人员情况、执业情况、内控制度): kept
    by the agent's administrator, checked by the supervision office."""

    objects = ScopedManager()

    agent = models.OneToOneField(
        "orgs.Organisation",
        verbose_name="招标代理机构",
        on_delete=models.PROTECT,
        related_name="agent_disclosure",
    )
    office = _fk("orgs.Organisation", "所属监管办")
    staff_count = models.PositiveIntegerField("专职从业人员（人）")
    registered_count = models.PositiveIntegerField("其中注册执业人员（人）")
    qualifications = models.TextField("资质情况")
    internal_controls = models.TextField("内控制度")
    performance = models.TextField("执业业绩", blank=True)
    state = models.CharField(
        "状态", max_length=10, choices=DisclosureState.choices, default=DisclosureState.SUBMITTED
    )
    check_note = models.CharField("核查意见", max_length=500, blank=True)
    checked_by_name = models.CharField("核查人", max_length=100, blank=True)
    updated_by_name = models.CharField("填报人", max_length=100)
    updated_at = models.DateTimeField("填报时间")

    class Meta:
        verbose_name = "招标代理机构信息公示"
        verbose_name_plural = "招标代理机构信息公示"
        ordering = ["-updated_at", "-pk"]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return disclosure_scope(actor)

    def __str__(self) -> str:
        return f"{self.agent} 信息公示"


def snapshot_disclosure(x: AgentDisclosure) -> dict[str, Any]:
    return {
        "agent": x.agent_id,
        "staff_count": x.staff_count,
        "registered_count": x.registered_count,
        "qualifications": x.qualifications,
        "internal_controls": x.internal_controls,
        "performance": x.performance,
        "state": x.state,
        "check_note": x.check_note,
    }


def snapshot_appraisal(a: AgentAppraisal) -> dict[str, Any]:
    return {
        "number": a.number,
        "agent": a.agent_id,
        "year": a.year,
        "grade": a.grade,
        "reasons": a.reasons,
        "state": a.state,
        "approved_by_name": a.approved_by_name,
        "return_reason": a.return_reason,
    }


def snapshot_report(r: ExpertReport) -> dict[str, Any]:
    return {
        "number": r.number,
        "evaluation": r.evaluation_id,
        "expert": r.expert_id,
        "grade": r.grade,
        "state": r.state,
        "decision": r.decision,
    }


__all__ = [
    "BEST_RATED_GRADES",
    "REPORTED_GRADES",
    "AgentAppraisal",
    "AgentChoice",
    "AgentDisclosure",
    "AppraisalGrade",
    "AppraisalState",
    "DisclosureState",
    "EvaluationEvent",
    "EvaluatorSide",
    "ExpertEvaluation",
    "ExpertGrade",
    "ExpertPoolMember",
    "ExpertReport",
    "PoolState",
    "ReportState",
    "snapshot_appraisal",
    "snapshot_disclosure",
    "snapshot_report",
]
