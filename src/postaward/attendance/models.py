"""Check-ins, attendance days and months, leave, non-construction days, patrols
and the interviews attendance failures lead to."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q

from postaward.core import clock
from postaward.core.actor import Actor
from postaward.core.files import private_storage
from postaward.core.scoping import ScopedManager
from postaward.projects.models import project_scope_q

from .choices import (
    DayStatus,
    InterviewKind,
    InterviewState,
    LeaveState,
    Refusal,
    Review,
    interview_kind_label,
)


def _scope(actor: Actor, prefix: str = "project__") -> Q:
    """A record about a person on a project: visible in the project's scope, and
    always to the person it is about."""
    q = project_scope_q(actor, prefix)
    if actor.person_id:
        q |= Q(person_id=actor.person_id)
    return q


class CheckIn(models.Model):
    """One check-in as the server received it: accepted or refused, never dropped."""

    person = models.ForeignKey(
        "orgs.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="+"
    )
    assignment = models.ForeignKey(
        "projects.KeyPersonAssignment",
        verbose_name="岗位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField("打卡时间（服务器）")
    local_date = models.DateField("日期")
    client_at = models.DateTimeField("客户端时间", null=True, blank=True)
    lon = models.FloatField("经度（WGS-84）")
    lat = models.FloatField("纬度（WGS-84）")
    accuracy_m = models.FloatField("定位精度（米）")
    distance_m = models.FloatField("距场地（米）", null=True, blank=True)
    accepted = models.BooleanField("有效", default=False)
    refusal = models.CharField("拒绝原因", max_length=30, choices=Refusal.choices, blank=True)
    refusal_detail = models.CharField("说明", max_length=200, blank=True)
    device_id = models.CharField("设备标识", max_length=100, blank=True)
    mock_location = models.BooleanField("客户端报告模拟定位", default=False)
    user_agent = models.CharField("客户端", max_length=200, blank=True)
    ip = models.CharField("IP", max_length=64, blank=True)
    idempotency_key = models.CharField("幂等键", max_length=100)
    suspicion_score = models.PositiveSmallIntegerField("可疑分值", default=0)
    signals = models.JSONField("可疑信号", default=list, blank=True)
    review = models.CharField("核查", max_length=20, choices=Review.choices, default=Review.NONE)
    reviewed_by_name = models.CharField("核查人", max_length=100, blank=True)
    reviewed_at = models.DateTimeField("核查时间", null=True, blank=True)
    review_note = models.CharField("核查意见", max_length=300, blank=True)
    row_hash = models.CharField("行摘要", max_length=64)
    anchor = models.ForeignKey(
        "attendance.AnchorBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = "打卡记录"
        verbose_name_plural = "打卡记录"
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "idempotency_key"], name="checkin_idempotent"
            ),
        ]
        indexes = [
            models.Index(fields=["person", "at"]),
            models.Index(fields=["project", "local_date"]),
            models.Index(fields=["device_id", "local_date"]),
            models.Index(
                fields=["id"], name="checkin_unanchored_idx", condition=Q(anchor__isnull=True)
            ),
            # Today's accepted check-ins of a set of positions (the dashboards'
            # attendance, reports ADR 0916): one day read, or one probe per position.
            models.Index(
                fields=["local_date", "assignment"],
                name="checkin_day_assignment_idx",
                condition=Q(accepted=True),
            ),
            models.Index(
                fields=["project", "review"],
                name="checkin_review_idx",
                condition=Q(review="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.project_id} {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return _scope(actor)

    @property
    def counts(self) -> bool:
        """Accepted and not confirmed as cheating."""
        return self.accepted and self.review != Review.CONFIRMED


class AttendanceDay(models.Model):
    """The closed attendance of one person in one position on one day (R-ATT-02)."""

    assignment = models.ForeignKey(
        "projects.KeyPersonAssignment", on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="+")
    date = models.DateField("日期")
    status = models.CharField("状态", max_length=20, choices=DayStatus.choices)
    first_at = models.DateTimeField("首次打卡", null=True, blank=True)
    last_at = models.DateTimeField("末次打卡", null=True, blank=True)
    checkins = models.PositiveSmallIntegerField("有效打卡次数", default=0)
    reason = models.CharField("说明", max_length=200, blank=True)
    closed_at = models.DateTimeField("结算时间", default=clock.now)

    objects = ScopedManager()

    class Meta:
        verbose_name = "日考勤"
        constraints = [
            models.UniqueConstraint(fields=["assignment", "date"], name="attendance_day_unique")
        ]
        indexes = [
            models.Index(fields=["project", "date"]),
            models.Index(fields=["person", "date"]),
        ]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return _scope(actor)


class MonthlyAttendance(models.Model):
    """R-ATT-03: valid days / construction days of one month, with both numbers.

    Derived from the check-ins and the duty calendar and replaced by every
    closing: the person, project and enterprise are copies of the position's,
    kept for filtering without joins (ADR 0202); no column is a database
    foreign key, so writing a district's 10,000 rows costs no per-row
    constraint check at commit (ADR 0092). Django still cascades the
    position's deletion and protects the others."""

    assignment = models.ForeignKey(
        "projects.KeyPersonAssignment",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the unique (assignment, month) index serves it
        db_constraint=False,  # written from a join over the positions (ADR 0092)
    )
    person = models.ForeignKey(
        "orgs.Person", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="所在企业",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    month = models.DateField("月份（当月1日）")
    valid_days = models.PositiveSmallIntegerField("有效考勤天数")
    construction_days = models.PositiveSmallIntegerField("实际施工天数")
    excluded = models.JSONField("扣除天数", default=dict)
    rate = models.DecimalField("月考勤率", max_digits=5, decimal_places=4, null=True, blank=True)
    below_threshold = models.BooleanField("低于80%", default=False)
    closed_at = models.DateTimeField("结算时间", default=clock.now)

    objects = ScopedManager()

    class Meta:
        verbose_name = "月考勤"
        constraints = [
            models.UniqueConstraint(fields=["assignment", "month"], name="attendance_month_unique")
        ]
        indexes = [models.Index(fields=["month", "rate"])]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return _scope(actor)

    @property
    def rate_percent(self) -> Decimal | None:
        return None if self.rate is None else (self.rate * 100).quantize(Decimal("0.1"))


class LeaveRequest(models.Model):
    """R-ATT-05: requested in advance by the person, approved by the owner, who
    uploads the approval form and the evidence."""

    person = models.ForeignKey(
        "orgs.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="+"
    )
    assignment = models.ForeignKey(
        "projects.KeyPersonAssignment", on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    reason = models.CharField("请假事由", max_length=300)
    state = models.CharField(
        "状态", max_length=20, choices=LeaveState.choices, default=LeaveState.PENDING
    )
    requested_at = models.DateTimeField("申请时间")
    requested_by_name = models.CharField("申请人", max_length=100)
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decided_by_name = models.CharField("审批人", max_length=100, blank=True)
    decision_note = models.CharField("审批意见", max_length=300, blank=True)
    approval_form = models.FileField(
        "请假审批单", upload_to="attendance/leave/%Y/%m/", blank=True, storage=private_storage
    )
    approval_form_name = models.CharField("请假审批单原文件名", max_length=200, blank=True)
    evidence = models.FileField(
        "证明材料", upload_to="attendance/leave/%Y/%m/", blank=True, storage=private_storage
    )
    evidence_name = models.CharField("证明材料原文件名", max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "请假"
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["assignment", "state", "starts_on"])]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return _scope(actor)

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class NonConstructionPeriod(models.Model):
    """Days the owner declares without construction (e.g. the Spring Festival
    shutdown), with the reason: they are not construction days (R-ATT-03)."""

    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.CASCADE, related_name="+"
    )
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    reason = models.CharField("原因", max_length=300)
    declared_at = models.DateTimeField("申报时间")
    declared_by_name = models.CharField("申报人", max_length=100)
    withdrawn_at = models.DateTimeField("撤销时间", null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "非施工日"
        ordering = ["-starts_on"]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return project_scope_q(actor, "project__")


class Patrol(models.Model):
    """R-ATT-06: a patrol track of the owner's project leader."""

    person = models.ForeignKey(
        "orgs.Person", verbose_name="巡查人", on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField("开始时间")
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    first_inside_at = models.DateTimeField("首次在场", null=True, blank=True)
    last_inside_at = models.DateTimeField("末次在场", null=True, blank=True)
    points = models.PositiveIntegerField("轨迹点数", default=0)
    valid = models.BooleanField("有效巡查", default=False)
    note = models.CharField("巡查记录", max_length=500, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "巡查轨迹"
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["project", "valid", "started_at"])]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return _scope(actor)

    @property
    def inside_duration(self):  # type: ignore[no-untyped-def]
        if self.first_inside_at and self.last_inside_at:
            return self.last_inside_at - self.first_inside_at
        return None


class PatrolPoint(models.Model):
    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="track")
    at = models.DateTimeField("时间")
    lon = models.FloatField()
    lat = models.FloatField()
    accuracy_m = models.FloatField()
    inside = models.BooleanField(default=False)
    row_hash = models.CharField(max_length=64)
    anchor = models.ForeignKey(
        "attendance.AnchorBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "巡查轨迹点"
        ordering = ["at"]
        indexes = [
            models.Index(
                fields=["id"], name="patrolpoint_unanchored_idx", condition=Q(anchor__isnull=True)
            )
        ]


class AttendanceInterview(models.Model):
    """The interview (约谈) an attendance failure requires of the owner
    (R-ATT-07, R-ATT-08, R-ATT-04), with what triggered it and how it ended."""

    kind = models.CharField("类别", max_length=30, choices=InterviewKind.choices)
    key = models.CharField("去重键", max_length=200, unique=True)
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "orgs.Person", verbose_name="责任人", on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    trigger = models.JSONField("触发依据")
    summary = models.CharField("摘要", max_length=300)
    state = models.CharField(
        "状态", max_length=20, choices=InterviewState.choices, default=InterviewState.DUE
    )
    created_at = models.DateTimeField("产生时间", default=clock.now)
    held_on = models.DateField("约谈日期", null=True, blank=True)
    record = models.FileField(
        "约谈记录", upload_to="attendance/interviews/%Y/%m/", blank=True, storage=private_storage
    )
    record_name = models.CharField("约谈记录原文件名", max_length=200, blank=True)
    penalty_note = models.CharField("依约处罚", max_length=300, blank=True)
    criticism_note = models.CharField("通报批评", max_length=300, blank=True)
    closed_by_name = models.CharField("办理人", max_length=100, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_reason = models.CharField("撤销原因", max_length=300, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "考勤约谈"
        ordering = ["state", "-created_at"]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return _scope(actor)

    @property
    def kind_label(self) -> str:
        """The kind worded from the configured thresholds (ADR 0036)."""
        return interview_kind_label(self.kind)


class AnchorBatch(models.Model):
    """A batch of high-volume rows anchored into the audit chain by its Merkle root."""

    kind = models.CharField("类别", max_length=40)
    first_id = models.BigIntegerField("首行ID")
    last_id = models.BigIntegerField("末行ID")
    count = models.PositiveIntegerField("行数")
    merkle_root = models.CharField("默克尔根", max_length=64)
    audit_seq = models.BigIntegerField("审计链序号")
    created_at = models.DateTimeField("锚定时间", default=clock.now)

    class Meta:
        verbose_name = "锚定批次"
        ordering = ["-id"]
