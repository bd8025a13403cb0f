"""The draw part's models (R-INS-01..04): work lists (监管工作清单), yearly
plans with their rounds, the committed draws and their selections.

Scope: an industry authority sees and edits its own work list and plan; the
supervision office reads everything in its district and owns the joint plan
and every draw. The public sees a draw once it is committed (its commitment)
and, once revealed, its seed and result (``portal`` pages of this part).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q

from postaward.core import clock
from postaward.core.actor import Actor
from postaward.core.scoping import NOTHING, ScopedManager
from postaward.orgs.choices import OrgKind, Role

OFFICE_ROLES = frozenset({Role.ADMIN, Role.UNIT_LEADER, Role.OFFICE_STAFF})
AUTHORITY_ROLES = frozenset({Role.ADMIN, Role.UNIT_LEADER, Role.AUTHORITY_STAFF})


def org_scope_q(actor: Actor, field: str) -> Q:
    """The office: every row of its district; an authority: its own rows."""
    if not actor.org_path or actor.user_id is None:
        return NOTHING
    if actor.org_kind == OrgKind.SUPERVISION_OFFICE and actor.roles & OFFICE_ROLES:
        return Q(**{f"{field}__path__startswith": actor.org_path.split("/", 1)[0] + "/"})
    if actor.org_kind == OrgKind.INDUSTRY_AUTHORITY and actor.roles & AUTHORITY_ROLES:
        return Q(**{f"{field}_id": actor.organisation_id})
    return NOTHING


class Method(models.TextChoices):
    ON_SITE = "on_site", "现场检查"
    DOCUMENTS = "documents", "资料检查"
    ONLINE = "online", "网络监测"


class Stage(models.TextChoices):
    BEFORE = "before", "标前"
    DURING = "during", "标中"
    AFTER = "after", "标后"


class WorkItem(models.Model):
    """检查事项: one line of an authority's supervision work list."""

    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name="监管部门", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveIntegerField("年度", db_index=True)
    name = models.CharField("检查事项", max_length=200)
    basis_document = models.CharField("依据文件", max_length=200)
    basis_article = models.CharField("条款", max_length=60)
    ratio_pct = models.DecimalField("年度抽查比例（%）", max_digits=5, decimal_places=2)
    frequency = models.CharField("检查频次", max_length=60)
    method = models.CharField("检查方式", max_length=12, choices=Method.choices)
    stage = models.CharField("环节", max_length=8, choices=Stage.choices)
    unannounced = models.BooleanField("不打招呼", default=True)
    created_by_name = models.CharField("录入人", max_length=100, blank=True)
    created_at = models.DateTimeField("录入时间", default=clock.now)

    objects = ScopedManager()

    class Meta:
        verbose_name = "检查事项"
        ordering = ["organisation_id", "year", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def basis_text(self) -> str:
        return f"《{self.basis_document.strip('《》')}》{self.basis_article}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return org_scope_q(actor, "organisation")


class PlanState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审批"
    APPROVED = "approved", "已批准"


class RoundKind(models.TextChoices):
    ROUTINE = "routine", "日常抽查"
    SPECIAL = "special", "专项检查"


class Sampling(models.TextChoices):
    """Which minimum applies to a round's sample (``draw.minimum_samples``)."""

    RANDOM = "random", "双随机抽查（房建市政≥5%、交通水利≥10%、合计≥30个）"
    SELF_CHECK = "self_check", "建设单位自查项目核查（≥20%）"
    CONTRACT = "contract", "合同履约检查（每季度5%～10%）"


DEFAULT_WEIGHTS: dict[str, Any] = {
    "complaint": 0.5,  # per complaint on the project (at most 3 counted)
    "red_alert": 2.0,  # at least one red alert
    "repeated_alerts": 1.0,  # three or more alerts
    "violation": 2.0,  # a case on the project
    "credit_points": 1.0,  # a participant with credit points in force
    "credit_bad": 2.0,  # a participant with 12 points or more in force
}
DEFAULT_UNIFORM_SHARE = Decimal("0.30")


class InspectionPlan(models.Model):
    """年度检查计划: an authority's, or the office's joint plan (联合计划)."""

    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name="制定单位", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveIntegerField("年度", db_index=True)
    title = models.CharField("计划名称", max_length=200)
    joint = models.BooleanField("联合计划", default=False)
    state = models.CharField(
        "状态", max_length=12, choices=PlanState.choices, default=PlanState.DRAFT, db_index=True
    )
    risk_weights = models.JSONField("风险权重", default=dict)
    uniform_share = models.DecimalField(
        "纯随机比例", max_digits=4, decimal_places=2, default=DEFAULT_UNIFORM_SHARE
    )
    team_size = models.PositiveSmallIntegerField("每个项目执法人员数", default=2)
    note = models.TextField("说明", blank=True)
    created_by_name = models.CharField("制定人", max_length=100, blank=True)
    created_at = models.DateTimeField("制定时间", default=clock.now)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    approved_by_name = models.CharField("批准人", max_length=100, blank=True)
    approval_note = models.CharField("审批意见", max_length=500, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "年度检查计划"
        ordering = ["-year", "organisation_id", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def weights(self) -> dict[str, float]:
        return {k: float((self.risk_weights or {}).get(k, v)) for k, v in DEFAULT_WEIGHTS.items()}

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return org_scope_q(actor, "organisation")


class PlanRound(models.Model):
    """One round of a plan: a quarter, routine or special, its items and the
    rule that builds its project pool."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name="计划", on_delete=models.CASCADE, related_name="rounds"
    )
    quarter = models.PositiveSmallIntegerField("季度")
    kind = models.CharField("类型", max_length=10, choices=RoundKind.choices)
    title = models.CharField("轮次名称", max_length=200)
    sampling = models.CharField(
        "抽查比例规则", max_length=12, choices=Sampling.choices, default=Sampling.RANDOM
    )
    items = models.ManyToManyField(WorkItem, verbose_name="检查事项", related_name="+", blank=True)
    industries = models.JSONField("行业", default=list)
    statuses = models.JSONField("项目状态", default=list)
    amount_min = models.DecimalField(
        "合同金额下限（元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    amount_max = models.DecimalField(
        "合同金额上限（元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    award_from = models.DateField("中标日期起", null=True, blank=True)
    award_to = models.DateField("中标日期止", null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "检查轮次"
        ordering = ["plan_id", "quarter", "id"]

    def __str__(self) -> str:
        return f"{self.plan.year}年第{self.quarter}季度 {self.title}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return org_scope_q(actor, "plan__organisation")


class DrawState(models.TextChoices):
    COMMITTED = "committed", "已公布承诺"
    DRAWN = "drawn", "已抽取"
    REVEALED = "revealed", "已公布种子"
    SUPERSEDED = "superseded", "已重抽作废"


class Draw(models.Model):
    """One commit–reveal draw of a round (R-INS-02): the frozen pools and
    their hashes, the seed's hash (the seed itself stays hidden until the
    reveal), the result and how each number was reached."""

    number = models.CharField("抽取编号", max_length=20, unique=True)
    round = models.ForeignKey(
        PlanRound, verbose_name="检查轮次", on_delete=models.PROTECT, related_name="draws"
    )
    office = models.ForeignKey(
        "orgs.Organisation", verbose_name="监管办", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        "状态",
        max_length=12,
        choices=DrawState.choices,
        default=DrawState.COMMITTED,
        db_index=True,
    )
    on_date = models.DateField("抽取日")
    project_pool = models.JSONField("项目库快照")
    project_pool_hash = models.CharField("项目库哈希（SHA-256）", max_length=64)
    inspector_pool = models.JSONField("执法人员库快照")
    inspector_pool_hash = models.CharField("执法人员库哈希（SHA-256）", max_length=64)
    params = models.JSONField("抽取参数")
    seed = models.CharField(max_length=64, editable=False)
    seed_hash = models.CharField("种子哈希（SHA-256）", max_length=64)
    result = models.JSONField("抽取结果", null=True, blank=True)
    result_hash = models.CharField("结果哈希（SHA-256）", max_length=64, blank=True)
    committed_at = models.DateTimeField("承诺公布时间", default=clock.now)
    committed_by_name = models.CharField("承诺公布人", max_length=100, blank=True)
    drawn_at = models.DateTimeField("抽取时间", null=True, blank=True)
    revealed_at = models.DateTimeField("种子公布时间", null=True, blank=True)
    supersedes = models.OneToOneField(
        "self",
        verbose_name="重抽前的抽取",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    redraw_reason = models.CharField("重抽理由", max_length=500, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "随机抽取"
        ordering = ["-committed_at", "-id"]

    def __str__(self) -> str:
        return self.number

    @property
    def seed_public(self) -> str:
        """The seed once revealed ('' before)."""
        return self.seed if self.revealed_at else ""

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        """The office of the district; an authority sees the draws of its own
        plan's rounds."""
        if not actor.org_path or actor.user_id is None:
            return NOTHING
        if actor.org_kind == OrgKind.SUPERVISION_OFFICE and actor.roles & OFFICE_ROLES:
            return Q(office__path__startswith=actor.org_path.split("/", 1)[0] + "/")
        if actor.org_kind == OrgKind.INDUSTRY_AUTHORITY and actor.roles & AUTHORITY_ROLES:
            return Q(round__plan__organisation_id=actor.organisation_id)
        return NOTHING


class DrawSelection(models.Model):
    """A project drawn, with its department, inspectors and items; the visits
    part turns it into an inspection (``services_draw.hand_over``)."""

    draw = models.ForeignKey(
        Draw, verbose_name="抽取", on_delete=models.CASCADE, related_name="selections"
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "orgs.Organisation", verbose_name="检查部门", on_delete=models.PROTECT, related_name="+"
    )
    inspectors = models.ManyToManyField(
        "cases.EnforcementCertificate", verbose_name="执法人员", related_name="+"
    )
    items = models.ManyToManyField(WorkItem, verbose_name="检查事项", related_name="+")
    rank = models.PositiveIntegerField("序号")
    part = models.CharField("抽取方式", max_length=10)  # "weighted" | "uniform"
    weight = models.DecimalField("权重", max_digits=8, decimal_places=2)
    key = models.CharField("排序键", max_length=40)
    scheduled = models.BooleanField("已安排检查", default=False)
    inspection = models.OneToOneField(
        "inspections.Inspection",
        verbose_name="检查",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="selection",
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = "抽中项目"
        ordering = ["draw_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "project"], name="draw_project_once")
        ]

    def __str__(self) -> str:
        return f"{self.draw.number} #{self.rank}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        q = Draw.scope_q(actor)
        if q == NOTHING:
            return NOTHING
        return Q(draw__in=Draw.objects.filter(q))


__all__ = [
    "DEFAULT_UNIFORM_SHARE",
    "DEFAULT_WEIGHTS",
    "Draw",
    "DrawSelection",
    "DrawState",
    "InspectionPlan",
    "Method",
    "PlanRound",
    "PlanState",
    "RoundKind",
    "Sampling",
    "Stage",
    "WorkItem",
]
