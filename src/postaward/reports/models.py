"""Typical cases under supervision (典型案例督办, YJ 三(二); R-REP-06).

The office marks a problem project as typical (``TypicalCase``): what went
wrong, the measures it orders, a deadline in working days (core/deadlines with
the business calendar) and the progress reported (``TypicalCaseProgress``)
until it closes the case. Read by whoever sees the project (R-ORG-04).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from postaward.core import clock
from postaward.core.actor import Actor
from postaward.core.scoping import ScopedManager

from .choices import CaseSource, CaseState


def case_scope(actor: Actor, prefix: str = "") -> Q:
    """Whoever sees the project (the office its district, an authority its
    industry, an owner its projects); enterprises never (ADR 0900)."""
    from postaward.orgs.choices import ENTERPRISE_KINDS
    from postaward.projects.models import project_scope_q

    if actor.org_kind in ENTERPRISE_KINDS:
        return Q(pk__in=[])
    return project_scope_q(actor, f"{prefix}project__")


class TypicalCase(models.Model):
    objects = ScopedManager()

    number = models.CharField("督办编号", max_length=20, unique=True)
    office = models.ForeignKey(
        "orgs.Organisation", verbose_name="监管办", on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.PROTECT,
        related_name="typical_cases",
    )
    source = models.CharField("问题来源", max_length=12, choices=CaseSource.choices)
    source_ref = models.CharField("来源编号", max_length=40, blank=True)
    problem = models.TextField("主要问题")
    measures = models.TextField("督办措施")
    days = models.PositiveSmallIntegerField("整改期限（工作日）")
    due_on = models.DateField("整改期限至")
    state = models.CharField(
        "状态", max_length=12, choices=CaseState.choices, default=CaseState.SUPERVISING
    )
    marked_by_name = models.CharField("督办人", max_length=100)
    marked_at = models.DateTimeField("列入督办时间", default=clock.now)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    closing_note = models.TextField("办结意见", blank=True)

    class Meta:
        verbose_name = "典型案例督办"
        verbose_name_plural = "典型案例督办"
        ordering = ["-marked_at", "-pk"]
        indexes = [models.Index(fields=["office", "state"])]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return case_scope(actor)

    def __str__(self) -> str:
        return f"{self.number} {self.project.name}"


class TypicalCaseProgress(models.Model):
    """One progress entry (整改进展) of a typical case."""

    objects = ScopedManager()

    case = models.ForeignKey(
        TypicalCase, verbose_name="典型案例", on_delete=models.CASCADE, related_name="progress"
    )
    text = models.TextField("整改进展")
    at = models.DateTimeField("记录时间", default=clock.now)
    by_name = models.CharField("记录人", max_length=100)
    org_name = models.CharField("记录单位", max_length=200, blank=True)

    class Meta:
        verbose_name = "典型案例整改进展"
        verbose_name_plural = "典型案例整改进展"
        ordering = ["case", "at", "pk"]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return case_scope(actor, "case__")

    def __str__(self) -> str:
        return f"{self.case.number} {clock.localtime(self.at):%Y-%m-%d}"


def snapshot_case(c: TypicalCase) -> dict[str, Any]:
    return {
        "number": c.number,
        "project": c.project_id,
        "source": c.source,
        "source_ref": c.source_ref,
        "problem": c.problem,
        "measures": c.measures,
        "days": c.days,
        "due_on": c.due_on,
        "state": c.state,
        "closed_at": c.closed_at,
        "closing_note": c.closing_note,
        "progress": c.progress.count() if c.pk else 0,
    }
