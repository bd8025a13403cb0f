"""A recomputation of a year's annual scores in the worker (issue 16, ADR
0650): one row per run, its progress on the row (the page polls it), like a
document rendered in the background (``core.IssuedDocument``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from postaward.core.actor import Actor
from postaward.core.scoping import NOTHING, ScopedManager
from postaward.orgs.choices import OrgKind

from .records import OFFICE_ROLES


class RecomputeState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "计算中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class AnnualRecompute(models.Model):
    """One run of ``annual.recompute_year`` for a district's year."""

    objects = ScopedManager()

    district = models.ForeignKey(
        "orgs.Organisation", verbose_name="所属监管办", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    state = models.CharField(
        "状态", max_length=10, choices=RecomputeState.choices, default=RecomputeState.QUEUED
    )
    reason = models.CharField("计算原因", max_length=200)
    total = models.PositiveIntegerField("评分对象数", default=0)
    done = models.PositiveIntegerField("已计算", default=0)
    changed = models.PositiveIntegerField("产生新版本", default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_by_name = models.CharField("发起人姓名", max_length=100, blank=True)
    created_at = models.DateTimeField("发起时间")
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    error = models.CharField("错误", max_length=500, blank=True)

    class Meta:
        verbose_name = "年度综合评分重算"
        verbose_name_plural = "年度综合评分重算"
        ordering = ["-created_at", "-id"]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        """The supervision office of the district."""
        if (
            actor.user_id is not None
            and actor.org_path
            and actor.org_kind == OrgKind.SUPERVISION_OFFICE
            and actor.roles & OFFICE_ROLES
        ):
            return Q(district__path__startswith=actor.org_path)
        return NOTHING

    def __str__(self) -> str:
        return f"{self.year} 年度综合评分重算"

    @property
    def percent(self) -> int:
        if self.state == RecomputeState.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0


__all__ = ["AnnualRecompute", "RecomputeState"]
