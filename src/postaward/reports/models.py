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

from .choices import CaseSource, CaseState, MeetingState, MonthlyState, UnitRole


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
    # the source record (an alert, a finding, a complaint) when marked from it (ADR 0931)
    source_id = models.PositiveBigIntegerField("来源记录", null=True, blank=True)
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
        indexes = [
            models.Index(fields=["office", "state"]),
            models.Index(fields=["source", "source_id"], name="reports_case_source"),
        ]

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
        "source_id": c.source_id,
        "problem": c.problem,
        "measures": c.measures,
        "days": c.days,
        "due_on": c.due_on,
        "state": c.state,
        "closed_at": c.closed_at,
        "closing_note": c.closing_note,
        "progress": c.progress.count() if c.pk else 0,
    }


def monthly_scope(actor: Actor, prefix: str = "") -> Q:
    """A department its own reports; the office and the coordinating body all
    of the district (ADR 0920); nobody else."""
    from postaward.orgs.choices import OrgKind

    if actor.is_system:
        return Q()
    if not actor.org_path or actor.user_id is None:
        return Q(pk__in=[])
    if actor.org_kind in (OrgKind.SUPERVISION_OFFICE, OrgKind.DRC):
        return Q(**{f"{prefix}office__path__startswith": actor.district_path})
    # a coordinating body of another kind the directory names (ADR 0933)
    coordinated = ReportingUnit.objects.filter(
        organisation_id=actor.organisation_id, role=UnitRole.COORDINATOR, active=True
    ).values("office_id")
    return Q(**{f"{prefix}department_id": actor.organisation_id}) | Q(
        **{f"{prefix}office_id__in": coordinated}
    )


class MonthlyReport(models.Model):
    """One department's monthly report, or the district summary (``summary``),
    for one month (YJ 四(三); R-REP-02)."""

    objects = ScopedManager()

    office = models.ForeignKey(
        "orgs.Organisation", verbose_name="监管办", on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="报送单位",
        on_delete=models.PROTECT,
        related_name="monthly_reports",
    )
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    summary = models.BooleanField("全区汇总报告", default=False)
    state = models.CharField(
        "状态", max_length=12, choices=MonthlyState.choices, default=MonthlyState.DRAFT
    )
    work = models.TextField("工作开展情况及主要做法", blank=True)
    problems = models.TextField("发现的问题及处理情况", blank=True)
    cases = models.TextField("典型案例", blank=True)
    experience = models.TextField("可复制推广的经验", blank=True)
    plan = models.TextField("下月工作计划及建议", blank=True)
    figures = models.JSONField("本月数据", default=dict, blank=True)
    due_on = models.DateField("报送期限至")
    drafted_at = models.DateTimeField("生成时间", null=True, blank=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by_name = models.CharField("报送人", max_length=100, blank=True)
    late = models.BooleanField("逾期报送", default=False)
    return_note = models.TextField("退回意见", blank=True)
    document = models.ForeignKey(
        "core.IssuedDocument",
        verbose_name="报告文件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    delivered_to = models.CharField("送达单位", max_length=300, blank=True)

    class Meta:
        verbose_name = "月度报告"
        verbose_name_plural = "月度报告"
        ordering = ["-year", "-month", "summary", "department__path", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "month"], name="reports_monthly_one_per_month"
            )
        ]
        indexes = [models.Index(fields=["office", "year", "month"])]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return monthly_scope(actor)

    @property
    def title(self) -> str:
        if self.summary:
            return f"全区招投标系统治理工作推进情况报告（{self.year}年{self.month}月）"
        return f"{self.department.name}招投标系统治理工作情况报告（{self.year}年{self.month}月）"

    def __str__(self) -> str:
        return self.title


def snapshot_monthly(r: MonthlyReport) -> dict[str, Any]:
    return {
        "department": r.department_id,
        "year": r.year,
        "month": r.month,
        "summary": r.summary,
        "state": r.state,
        "work": r.work,
        "problems": r.problems,
        "cases": r.cases,
        "experience": r.experience,
        "plan": r.plan,
        "due_on": r.due_on,
        "submitted_at": r.submitted_at,
        "late": r.late,
        "return_note": r.return_note,
    }


def meeting_scope(actor: Actor, prefix: str = "") -> Q:
    """The office (and the district's leading units through it) its district's
    packs; nobody else (ADR 0905)."""
    from postaward.orgs.choices import OrgKind

    if actor.is_system:
        return Q()
    if not actor.org_path or actor.user_id is None:
        return Q(pk__in=[])
    if actor.org_kind == OrgKind.SUPERVISION_OFFICE:
        return Q(**{f"{prefix}office__path__startswith": actor.district_path})
    return Q(pk__in=[])


class MeetingPack(models.Model):
    """The month's data-meeting pack (智慧监管数据会商材料, HC 四(三); R-REP-03):
    the platform's indicators of the month for the office's district, with
    month-on-month and year-on-year comparisons (``data``), the matters it
    proposes for decision (``proposals``) and its document (Word and PDF)."""

    objects = ScopedManager()

    office = models.ForeignKey(
        "orgs.Organisation", verbose_name="监管办", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    state = models.CharField(
        "状态", max_length=12, choices=MeetingState.choices, default=MeetingState.GENERATED
    )
    data = models.JSONField("会商数据", default=dict, blank=True)
    proposals = models.JSONField("建议议定事项", default=list, blank=True)
    generated_at = models.DateTimeField("生成时间", default=clock.now)
    generated_by_name = models.CharField("生成人", max_length=100, blank=True)
    held_on = models.DateField("会商日期", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    document = models.ForeignKey(
        "core.IssuedDocument",
        verbose_name="会商材料文件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "数据会商材料"
        verbose_name_plural = "数据会商材料"
        ordering = ["-year", "-month", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "year", "month"], name="reports_meeting_one_per_month"
            )
        ]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return meeting_scope(actor)

    @property
    def title(self) -> str:
        return f"智慧监管数据会商材料（{self.year}年{self.month}月）"

    def __str__(self) -> str:
        return self.title


class MeetingDecision(models.Model):
    """One matter decided at the meeting (议定事项): a named unit, what it is to
    do and by when; it becomes that unit's to-do (core/todos)."""

    objects = ScopedManager()

    pack = models.ForeignKey(
        MeetingPack, verbose_name="会商材料", on_delete=models.CASCADE, related_name="decisions"
    )
    proposal = models.CharField("对应建议事项", max_length=60, blank=True)
    text = models.TextField("议定事项")
    unit = models.ForeignKey(
        "orgs.Organisation", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField("完成期限")
    recorded_at = models.DateTimeField("记录时间", default=clock.now)
    recorded_by_name = models.CharField("记录人", max_length=100)
    todo_key = models.CharField("待办键", max_length=200, blank=True)

    class Meta:
        verbose_name = "议定事项"
        verbose_name_plural = "议定事项"
        ordering = ["pack", "pk"]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return meeting_scope(actor, "pack__")

    def __str__(self) -> str:
        return f"{self.unit.name}：{self.text[:30]}"


def snapshot_meeting(p: MeetingPack) -> dict[str, Any]:
    return {
        "year": p.year,
        "month": p.month,
        "state": p.state,
        "generated_at": p.generated_at,
        "held_on": p.held_on,
        "closed_at": p.closed_at,
        "document": p.document_id,
        "proposals": len(p.proposals or []),
        "decisions": p.decisions.count() if p.pk else 0,
    }


def unit_scope(actor: Actor, prefix: str = "") -> Q:
    """The directory of the monthly reports is the office's: its accounts read
    their district's (ADR 0933); nobody else."""
    from postaward.orgs.choices import OrgKind

    if actor.is_system:
        return Q()
    if actor.user_id is None or actor.org_kind != OrgKind.SUPERVISION_OFFICE:
        return Q(pk__in=[])
    return Q(**{f"{prefix}office__path__startswith": actor.district_path})


class ReportingUnit(models.Model):
    """One unit of the monthly reports' directory (月度报告报送单位, ADR 0933):
    a reporting department (报送部门, its report by the 20th) or the
    coordinating body (牵头单位, the district summary by the 25th) of an
    office's district. Opening a month reads the active ones."""

    objects = ScopedManager()

    office = models.ForeignKey(
        "orgs.Organisation", verbose_name="监管办", on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name="单位", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField("角色", max_length=12, choices=UnitRole.choices)
    active = models.BooleanField("启用", default=True)
    note = models.CharField("备注", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", default=clock.now)
    updated_by_name = models.CharField("更新人", max_length=100, blank=True)

    class Meta:
        verbose_name = "月度报告报送单位"
        verbose_name_plural = "月度报告报送单位"
        ordering = ["office", "role", "organisation__path", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "organisation"], name="reports_unit_once_per_office"
            ),
            models.UniqueConstraint(
                fields=["office"],
                condition=Q(role="coordinator", active=True),
                name="reports_unit_one_coordinator",
            ),
        ]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return unit_scope(actor)

    def __str__(self) -> str:
        return f"{self.organisation.name}（{self.get_role_display()}）"


def snapshot_unit(u: ReportingUnit) -> dict[str, Any]:
    return {
        "office": u.office_id,
        "organisation": u.organisation_id,
        "role": u.role,
        "active": u.active,
        "note": u.note,
    }
