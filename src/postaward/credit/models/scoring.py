"""Scoring (综合评分, SY 7, 37; R-SCO-01..03, R-ATT-09; issue 16, ADR 0630).

- ``RuleSet``: one version of an industry authority's scoring rules (评分规则),
  entered item by item in the back office. A version is drafted, submitted and
  takes effect only when a second person approves it (复核); the colour
  thresholds (五色码) and the objection period are part of the version, so a
  score keeps the rules it was computed under.
- ``RuleItem``: one item: code, description, whom it scores, points (negative:
  deduction, positive: addition), caps per project and per year, the platform
  fact that triggers it (``facts.FACTS``) or manual entry, and its legal basis.
- ``ScoreEvent``: one item applied to one subject for one fact: provisional
  during the objection period, then final; withdrawn with its fact.
- ``AnnualScore``: a unit's (or person's) comprehensive score of a year (SY 7),
  with the computation shown; recomputing writes a new version and never
  rewrites the last one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from postaward.core.actor import Actor
from postaward.core.files import private_storage
from postaward.core.scoping import NOTHING, ScopedManager
from postaward.orgs.choices import Industry, OrgKind

from ..choices import Colour, RuleSetState, ScoreState, SubjectKind
from .records import DEPARTMENT_ROLES, OFFICE_ROLES


def _evidence_path(instance: Any, filename: str) -> str:
    return f"credit/evidence/{filename}"


MANUAL = "manual"  # RuleItem.trigger of an item entered by hand with evidence


def rule_set_scope(actor: Actor, prefix: str = "") -> Q:
    """Who reads which rule-set version (ADR 0632), within the district: the
    supervision office every version; an industry authority's staff every
    version of its own rules; everyone else of the district (other
    authorities, owners, enterprises, persons) the versions in force or once
    in force, never a draft, a pending or a rejected one (the rules that
    score them are not secret; the public site shows the effective ones)."""
    if actor.user_id is None or not actor.district_path:
        return NOTHING
    district = Q(**{f"{prefix}authority__path__startswith": actor.district_path})
    if actor.org_kind == OrgKind.SUPERVISION_OFFICE and actor.roles & OFFICE_ROLES:
        return district
    readable = Q(**{f"{prefix}state__in": (RuleSetState.EFFECTIVE, RuleSetState.SUPERSEDED)})
    if actor.org_kind == OrgKind.INDUSTRY_AUTHORITY and actor.roles & DEPARTMENT_ROLES:
        readable |= Q(**{f"{prefix}authority_id": actor.organisation_id})
    return district & readable


def score_scope(actor: Actor, prefix: str = "") -> Q:
    """Who reads a score event or an annual score: the supervision office
    everything of its district; an industry authority what its rule sets
    scored; a unit (every account of it) or a person their own."""
    if actor.user_id is None:
        return NOTHING
    out = NOTHING
    if (
        actor.org_path
        and actor.org_kind == OrgKind.SUPERVISION_OFFICE
        and actor.roles & OFFICE_ROLES
    ):
        out = Q(**{f"{prefix}district__path__startswith": actor.org_path})
    if actor.org_kind == OrgKind.INDUSTRY_AUTHORITY and actor.roles & DEPARTMENT_ROLES:
        out |= Q(**{f"{prefix}authority_id": actor.organisation_id})
    if actor.organisation_id is not None:
        out |= Q(**{f"{prefix}subject_org_id": actor.organisation_id})
    if actor.person_id is not None:
        out |= Q(**{f"{prefix}subject_person_id": actor.person_id})
    return out


def subject_key(*, org_id: int | None = None, person_id: int | None = None) -> str:
    """The one text that names a scored subject (``org:12``, ``person:5``)."""
    if org_id is not None:
        return f"org:{org_id}"
    if person_id is not None:
        return f"person:{person_id}"
    raise ValueError("a subject is an organisation or a person")


class RuleSet(models.Model):
    """One version of an authority's scoring rules (SY 7: 逐项植入平台后台)."""

    objects = ScopedManager()

    authority = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="行业主管部门",
        on_delete=models.PROTECT,
        related_name="credit_rule_sets",
    )
    industry = models.CharField("行业", max_length=20, choices=Industry.choices)
    version = models.PositiveIntegerField("版本号")
    title = models.CharField("名称", max_length=200)
    state = models.CharField(
        "状态", max_length=12, choices=RuleSetState.choices, default=RuleSetState.DRAFT
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name="基于版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    effective_from = models.DateField("生效日期", null=True, blank=True)
    effective_to = models.DateField("失效日期", null=True, blank=True)
    base_score = models.DecimalField("基础分", max_digits=6, decimal_places=2, default=100)
    objection_days = models.PositiveSmallIntegerField("异议期（工作日）", default=10)
    # Five-colour code: at or above each minimum, that colour; below orange, red.
    green_min = models.DecimalField("绿码最低分", max_digits=6, decimal_places=2, default=90)
    blue_min = models.DecimalField("蓝码最低分", max_digits=6, decimal_places=2, default=80)
    yellow_min = models.DecimalField("黄码最低分", max_digits=6, decimal_places=2, default=70)
    orange_min = models.DecimalField("橙码最低分", max_digits=6, decimal_places=2, default=60)
    note = models.TextField("修订说明", blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="起草人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    drafted_at = models.DateTimeField("起草时间")
    submitted_at = models.DateTimeField("提交复核时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="复核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField("复核时间", null=True, blank=True)
    review_opinion = models.TextField("复核意见", blank=True)

    class Meta:
        verbose_name = "评分规则"
        verbose_name_plural = "评分规则"
        ordering = ["authority_id", "industry", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "industry", "version"], name="credit_ruleset_version_once"
            ),
            models.CheckConstraint(
                condition=Q(green_min__gte=models.F("blue_min"))
                & Q(blue_min__gte=models.F("yellow_min"))
                & Q(yellow_min__gte=models.F("orange_min")),
                name="credit_ruleset_colours_ordered",
            ),
        ]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return rule_set_scope(actor)

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"

    def colour_for(self, score: Any) -> str:
        """The colour of a score under this version's thresholds (SY 37(三))."""
        for colour, minimum in (
            (Colour.GREEN, self.green_min),
            (Colour.BLUE, self.blue_min),
            (Colour.YELLOW, self.yellow_min),
            (Colour.ORANGE, self.orange_min),
        ):
            if score >= minimum:
                return str(colour)
        return str(Colour.RED)


class RuleItem(models.Model):
    """One scoring item of a rule-set version."""

    rule_set = models.ForeignKey(
        RuleSet, verbose_name="评分规则", on_delete=models.CASCADE, related_name="items"
    )
    code = models.CharField("编号", max_length=20)
    description = models.TextField("评分内容")
    subject_kind = models.CharField("评分对象", max_length=20, choices=SubjectKind.choices)
    points = models.DecimalField(
        "分值", max_digits=6, decimal_places=2, help_text="负数为扣分，正数为加分"
    )
    cap_per_project = models.DecimalField(
        "单项目累计上限", max_digits=6, decimal_places=2, null=True, blank=True
    )
    cap_per_year = models.DecimalField(
        "年度累计上限", max_digits=6, decimal_places=2, null=True, blank=True
    )
    trigger = models.CharField(
        "触发事实", max_length=60, help_text="平台事实的编码；manual 为人工录入（须附证据）"
    )
    basis_document = models.CharField("依据文件", max_length=200)
    basis_article = models.CharField("条款", max_length=100)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "评分项"
        verbose_name_plural = "评分项"
        ordering = ["rule_set_id", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="credit_ruleitem_code_once"),
            models.CheckConstraint(condition=~Q(points=0), name="credit_ruleitem_points_nonzero"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description[:30]}"

    @property
    def is_deduction(self) -> bool:
        return self.points < 0


class ScoreEvent(models.Model):
    """One rule item applied to one subject for one fact (R-SCO-01)."""

    objects = ScopedManager()

    item = models.ForeignKey(
        RuleItem, verbose_name="评分项", on_delete=models.PROTECT, related_name="events"
    )
    # Denormalised from the item's rule set for scope and statistics.
    authority = models.ForeignKey(
        "orgs.Organisation", verbose_name="评分部门", on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "orgs.Organisation", verbose_name="所属监管办", on_delete=models.PROTECT, related_name="+"
    )
    industry = models.CharField("行业", max_length=20, choices=Industry.choices)
    subject_kind = models.CharField("评分对象类别", max_length=20, choices=SubjectKind.choices)
    subject_key = models.CharField("评分对象键", max_length=30, db_index=True)
    subject_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="评分单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_score_events",
    )
    subject_person = models.ForeignKey(
        "orgs.Person",
        verbose_name="评分人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_score_events",
    )
    subject_name = models.CharField("评分对象", max_length=200)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_score_events",
    )
    fact = models.CharField("触发事实", max_length=60)
    fact_key = models.CharField("事实标识", max_length=200)
    facts = models.JSONField("事实依据", default=dict)
    summary = models.CharField("事由", max_length=500)
    link = models.CharField("原始记录", max_length=300, blank=True)
    raw_points = models.DecimalField("规则分值", max_digits=6, decimal_places=2)
    points = models.DecimalField("计入分值", max_digits=6, decimal_places=2)
    cap_note = models.CharField("封顶说明", max_length=300, blank=True)
    occurred_on = models.DateField("发生日期")
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    state = models.CharField(
        "状态", max_length=12, choices=ScoreState.choices, default=ScoreState.PROVISIONAL
    )
    notified_on = models.DateField("告知日期")
    objection_until = models.DateField("异议截止日期")
    final_on = models.DateField("生效日期", null=True, blank=True)
    withdrawn_reason = models.CharField("撤销原因", max_length=500, blank=True)
    withdrawn_at = models.DateTimeField("撤销时间", null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人（人工）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Manual entry: the evidence file (core.files: private storage, sniffed).
    evidence = models.FileField(
        "证据", upload_to=_evidence_path, max_length=255, storage=private_storage, blank=True
    )
    evidence_name = models.CharField("证据文件名", max_length=200, blank=True)
    created_at = models.DateTimeField("记分时间")

    class Meta:
        verbose_name = "记分事件"
        verbose_name_plural = "记分事件"
        ordering = ["-occurred_on", "-id"]
        constraints = [
            # The same fact never scores the same subject twice under one item.
            models.UniqueConstraint(
                fields=["item", "fact_key", "subject_key"], name="credit_score_once_per_fact"
            ),
            models.CheckConstraint(
                condition=Q(subject_org__isnull=False) | Q(subject_person__isnull=False),
                name="credit_score_has_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["subject_key", "year", "state"]),
            models.Index(fields=["state", "objection_until"]),
            models.Index(fields=["fact", "fact_key"]),
        ]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return score_scope(actor)

    def __str__(self) -> str:
        return f"{self.subject_name} {self.points}（{self.summary[:20]}）"


class AnnualScore(models.Model):
    """A subject's comprehensive score of one year (年度综合评分, SY 7), one row
    per computation: ``current`` marks the newest; older versions stay."""

    objects = ScopedManager()

    authority = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="评分部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    district = models.ForeignKey(
        "orgs.Organisation", verbose_name="所属监管办", on_delete=models.PROTECT, related_name="+"
    )
    subject_kind = models.CharField("评分对象类别", max_length=20, choices=SubjectKind.choices)
    subject_key = models.CharField("评分对象键", max_length=30)
    subject_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="评分单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_annual_scores",
    )
    subject_person = models.ForeignKey(
        "orgs.Person",
        verbose_name="评分人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_annual_scores",
    )
    subject_name = models.CharField("评分对象", max_length=200)
    year = models.PositiveSmallIntegerField("年度")
    version = models.PositiveIntegerField("计算版本", default=1)
    current = models.BooleanField("当前版本", default=True)
    score = models.DecimalField("年度综合评分", max_digits=6, decimal_places=2)
    colour = models.CharField("五色码", max_length=10, choices=Colour.choices)
    colour_reasons = models.JSONField("颜色依据", default=list)
    computation = models.JSONField("计算过程", default=dict)
    rule_set = models.ForeignKey(
        RuleSet,
        verbose_name="阈值所依据的规则版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    computed_at = models.DateTimeField("计算时间")
    reason = models.CharField("计算原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "年度综合评分"
        verbose_name_plural = "年度综合评分"
        ordering = ["-year", "subject_name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_key", "year", "version"], name="credit_annual_version_once"
            ),
            models.UniqueConstraint(
                fields=["subject_key", "year"],
                condition=Q(current=True),
                name="credit_annual_one_current",
            ),
        ]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return score_scope(actor)

    def __str__(self) -> str:
        return f"{self.subject_name} {self.year} {self.score}"


__all__ = [
    "MANUAL",
    "AnnualScore",
    "RuleItem",
    "RuleSet",
    "ScoreEvent",
    "rule_set_scope",
    "score_scope",
    "subject_key",
]
