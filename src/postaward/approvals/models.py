"""Records of the approval processes: engineering and personnel changes, hidden
works with their photos, supervision logs and rectification notices, the
owner's inspections and evaluation, completion acceptance with its extension,
use before acceptance; the policy the supervision office sets; the steps and
documents of every process.

Every record belongs to a project and is read through the project's scope
(R-ORG-04): ``Model.objects.visible_to(actor)``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import FSMField

from postaward.core import clock
from postaward.core.actor import Actor
from postaward.core.files import private_storage
from postaward.core.scoping import ScopedManager
from postaward.projects.models import project_scope_q

from .choices import (
    WORKING,
    AcceptanceKind,
    AcceptanceState,
    ChangeCategory,
    ChangeState,
    DocumentKind,
    EvaluationGrade,
    ExtensionState,
    HiddenWorkState,
    InspectionResult,
    LogState,
    NoticeState,
    PersonnelReason,
    PersonnelRoute,
    PersonnelState,
    PhotoKind,
)
from .workflows import (
    AcceptanceFlow,
    ChangeFlow,
    ExtensionFlow,
    HiddenWorkFlow,
    NoticeFlow,
    PersonnelFlow,
)


class ProjectRecord(models.Model):
    """A record of one project, scoped like the project."""

    objects = ScopedManager()

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return project_scope_q(actor, "project__")


class ApprovalPolicy(models.Model):
    """What the supervision office configures (one row): the threshold of a
    major design change (R-CHG-05) and the owner's review period for hidden-works
    images (R-HID-03), for which SY gives no number (ADR 0302)."""

    major_change_amount = models.DecimalField(
        "重大变更金额标准（元）", max_digits=16, decimal_places=2, default=Decimal("1000000")
    )
    major_change_ratio = models.DecimalField(
        "重大变更比例标准（占合同金额%）", max_digits=5, decimal_places=2, default=Decimal("10")
    )
    hidden_review_days = models.PositiveSmallIntegerField("隐蔽工程影像审核期限", default=3)
    hidden_review_unit = models.CharField(
        "审核期限单位",
        max_length=20,
        default=WORKING,
        choices=[("working_days", "工作日"), ("calendar_days", "自然日")],
    )
    updated_at = models.DateTimeField("更新时间", default=clock.now)
    updated_by_name = models.CharField("更新人", max_length=100, blank=True)

    class Meta:
        verbose_name = "流程审批参数"

    @classmethod
    def current(cls) -> ApprovalPolicy:
        return cls.objects.get_or_create(pk=1)[0]


class ProcessStep(ProjectRecord):
    """One step taken in a process: who, when, for which unit, with what opinion."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    subject_type = models.CharField("流程类型", max_length=100)
    subject_id = models.CharField("流程ID", max_length=64)
    action = models.CharField("操作", max_length=60)
    label = models.CharField("环节", max_length=100)
    opinion = models.TextField("意见", blank=True)
    at = models.DateTimeField("时间", default=clock.now)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField("办理人", max_length=100)
    organisation_name = models.CharField("办理单位", max_length=200, blank=True)

    class Meta:
        verbose_name = "流程环节"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]


def _document_path(instance: ApprovalDocument, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"approvals/{instance.project_id}/{instance.kind}/{uuid.uuid4().hex}.{ext}"


class ApprovalDocument(ProjectRecord):
    """A file of a process (certificate, approval form, conclusion, evidence),
    stored with a random name and served only through a scope-checked view."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    subject_type = models.CharField("流程类型", max_length=100)
    subject_id = models.CharField("流程ID", max_length=64)
    kind = models.CharField("资料类别", max_length=30, choices=DocumentKind.choices)
    title = models.CharField("资料名称", max_length=200)
    file = models.FileField(
        "文件", upload_to=_document_path, max_length=255, storage=private_storage
    )
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=60)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_at = models.DateTimeField("上传时间", default=clock.now)
    uploaded_by_name = models.CharField("上传人", max_length=100)
    organisation_name = models.CharField("上传单位", max_length=200, blank=True)

    class Meta:
        verbose_name = "流程资料"
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return self.title


# --- hidden works (R-HID-01..03) -----------------------------------------------------------------


class HiddenWork(HiddenWorkFlow, ProjectRecord):
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.CASCADE,
        related_name="hidden_works",
    )
    participant = models.ForeignKey(
        "projects.Participant", verbose_name="施工单位", on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField("编号", max_length=40, unique=True)
    part_name = models.CharField("隐蔽部位", max_length=200)
    description = models.TextField("隐蔽内容")
    work_date = models.DateField("计划隐蔽施工日期")
    is_important = models.BooleanField("重要部位", default=False)
    state = FSMField(
        "状态", max_length=20, choices=HiddenWorkState.choices, default=HiddenWorkState.APPLIED
    )
    applied_at = models.DateTimeField("申请时间")
    applied_by_name = models.CharField("申请人", max_length=100)
    standby_at = models.DateTimeField("监理旁站验收时间", null=True, blank=True)
    standby_by_name = models.CharField("旁站监理", max_length=100, blank=True)
    supervisor_opinion = models.TextField("监理验收意见", blank=True)
    owner_standby_at = models.DateTimeField("建设单位旁站时间", null=True, blank=True)
    owner_standby_by_name = models.CharField("建设单位旁站人员", max_length=100, blank=True)
    owner_standby_opinion = models.TextField("建设单位旁站意见", blank=True)
    photos_completed_at = models.DateTimeField("影像齐全时间", null=True, blank=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by_name = models.CharField("审核人", max_length=100, blank=True)
    review_opinion = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = "隐蔽工程"
        ordering = ["-work_date", "-id"]
        indexes = [models.Index(fields=["project", "state"])]

    def __str__(self) -> str:
        return f"{self.number} {self.part_name}"

    @property
    def is_accepted(self) -> bool:
        from .choices import HIDDEN_ACCEPTED_STATES

        return self.state in HIDDEN_ACCEPTED_STATES


def _photo_path(instance: HiddenWorkPhoto, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"approvals/{instance.project_id}/hidden/{uuid.uuid4().hex}.{ext}"


class HiddenWorkPhoto(ProjectRecord):
    """A photo of hidden works with what its EXIF says and the checks against
    the day and the site (R-HID-02)."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    hidden_work = models.ForeignKey(HiddenWork, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField("照片类别", max_length=10, choices=PhotoKind.choices)
    file = models.FileField("照片", upload_to=_photo_path, max_length=255, storage=private_storage)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=60)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    # When and where it was taken: the EXIF when present, else what the page recorded.
    taken_at = models.DateTimeField("拍摄时间", null=True, blank=True)
    lon = models.FloatField("拍摄经度", null=True, blank=True)
    lat = models.FloatField("拍摄纬度", null=True, blank=True)
    captured_at = models.DateTimeField("页面记录的拍摄时间", null=True, blank=True)
    capture_lon = models.FloatField("页面记录的经度", null=True, blank=True)
    capture_lat = models.FloatField("页面记录的纬度", null=True, blank=True)
    distance_m = models.FloatField("距项目场地（米）", null=True, blank=True)
    warnings = models.JSONField("核验提示", default=list)
    superseded = models.BooleanField("已被替换", default=False)
    uploaded_at = models.DateTimeField("上传时间", default=clock.now)
    uploaded_by_name = models.CharField("上传人", max_length=100)

    class Meta:
        verbose_name = "隐蔽工程照片"
        ordering = ["kind", "uploaded_at", "id"]


# --- engineering change (R-CHG-01, 02, 05) -------------------------------------------------------


class EngineeringChange(ChangeFlow, ProjectRecord):
    """A change of a contract. The alerts capability reads ``state``,
    ``cost_delta``, ``days_delta``, ``approved_at``, ``work_date``,
    ``after_the_fact`` and ``is_major``."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.CASCADE,
        related_name="engineering_changes",
    )
    participant = models.ForeignKey(
        "projects.Participant",
        verbose_name="变更合同",
        on_delete=models.PROTECT,
        related_name="engineering_changes",
    )
    number = models.CharField("变更编号", max_length=40, unique=True)
    category = models.CharField("变更类别", max_length=20, choices=ChangeCategory.choices)
    title = models.CharField("变更事项", max_length=200)
    reason = models.TextField("变更原因")
    scope = models.TextField("变更内容")
    cost_delta = models.DecimalField(
        "费用增减（元）", max_digits=16, decimal_places=2, default=Decimal("0")
    )
    days_delta = models.IntegerField("工期增减（天）", default=0)
    work_date = models.DateField("变更工程计划实施日期")
    declared_major = models.BooleanField("涉及建设规模、标准或功能的重大调整", default=False)
    is_major = models.BooleanField("重大设计变更（须发改部门批准）", default=False)
    hidden_works = models.ManyToManyField(
        HiddenWork, verbose_name="涉及的隐蔽工程", blank=True, related_name="changes"
    )
    hidden_exception_reason = models.TextField("隐蔽工程变更例外理由", blank=True)
    raised_by_owner = models.BooleanField("建设单位发起", default=False)
    state = FSMField(
        "状态", max_length=30, choices=ChangeState.choices, default=ChangeState.SUBMITTED
    )
    raised_at = models.DateTimeField("发起时间")
    raised_by_name = models.CharField("发起人", max_length=100)
    raised_by_org = models.CharField("发起单位", max_length=200)
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    after_the_fact = models.BooleanField("事后变更", default=False)
    decision_note = models.TextField("最后审批意见", blank=True)

    class Meta:
        verbose_name = "工程变更"
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(fields=["project", "state"]),
            models.Index(fields=["participant", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


# --- personnel change (R-CHG-03, 04) -------------------------------------------------------------


class PersonnelChange(PersonnelFlow, ProjectRecord):
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.CASCADE,
        related_name="personnel_changes",
    )
    participant = models.ForeignKey(
        "projects.Participant", verbose_name="变更单位", on_delete=models.PROTECT, related_name="+"
    )
    assignment = models.ForeignKey(
        "projects.KeyPersonAssignment",
        verbose_name="被变更岗位",
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.CharField("编号", max_length=40, unique=True)
    position = models.CharField("岗位", max_length=40)
    outgoing = models.ForeignKey(
        "orgs.Person", verbose_name="原人员", on_delete=models.PROTECT, related_name="+"
    )
    replacement = models.ForeignKey(
        "orgs.Person", verbose_name="替换人员", on_delete=models.PROTECT, related_name="+"
    )
    replacement_certificate = models.ForeignKey(
        "orgs.Qualification",
        verbose_name="替换人员岗位证书",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason_kind = models.CharField("变更原因类别", max_length=20, choices=PersonnelReason.choices)
    reason = models.TextField("变更原因")
    recovery_until = models.DateField("治疗恢复期至", null=True, blank=True)
    route = models.CharField("审批路径", max_length=10, choices=PersonnelRoute.choices)
    state = FSMField(
        "状态", max_length=20, choices=PersonnelState.choices, default=PersonnelState.SUBMITTED
    )
    initiated_at = models.DateTimeField("发起时间")
    initiated_by_name = models.CharField("发起人", max_length=100)
    initiated_by_org = models.CharField("发起单位", max_length=200)
    filed_at = models.DateTimeField("报行业主管部门备案时间", null=True, blank=True)
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    approval_form = models.ForeignKey(
        ApprovalDocument,
        verbose_name="变更审批表",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    penalty_amount = models.DecimalField(
        "违约金（元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    penalty_note = models.TextField("违约责任追究情况", blank=True)
    completed_at = models.DateTimeField("换岗时间", null=True, blank=True)
    new_assignment = models.ForeignKey(
        "projects.KeyPersonAssignment",
        verbose_name="新岗位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_note = models.TextField("最后审批意见", blank=True)

    class Meta:
        verbose_name = "人员变更"
        ordering = ["-initiated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.outgoing} → {self.replacement}"


# --- supervision logs, notices, inspections, evaluation (R-SUP-01..04) -----------------------------


class SupervisionLog(ProjectRecord):
    """The supervising firm's log of one construction day (a slot opened at the
    start of the day; a day without it is a missed deadline)."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.CASCADE,
        related_name="supervision_logs",
    )
    log_date = models.DateField("日期")
    state = models.CharField("状态", max_length=10, choices=LogState.choices, default=LogState.DUE)
    weather = models.CharField("天气", max_length=40, blank=True)
    progress = models.TextField("施工进展", blank=True)
    issues = models.TextField("质量安全问题及处理", blank=True)
    recorded_at = models.DateTimeField("填写时间", null=True, blank=True)
    recorded_by_name = models.CharField("填写人", max_length=100, blank=True)
    recorded_by_org = models.CharField("监理单位", max_length=200, blank=True)
    late = models.BooleanField("逾期补填", default=False)

    class Meta:
        verbose_name = "监理日志"
        ordering = ["-log_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "log_date"], name="supervision_log_daily")
        ]

    def __str__(self) -> str:
        return f"{self.project} 监理日志 {self.log_date:%Y-%m-%d}"


class RectificationNotice(NoticeFlow, ProjectRecord):
    """监理通知单 (R-SUP-01, R-SUP-02)."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.CASCADE,
        related_name="rectification_notices",
    )
    participant = models.ForeignKey(
        "projects.Participant", verbose_name="施工单位", on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField("通知单编号", max_length=40, unique=True)
    title = models.CharField("事由", max_length=200)
    content = models.TextField("问题及整改要求")
    required_by = models.DateField("整改期限")
    state = FSMField("状态", max_length=20, choices=NoticeState.choices, default=NoticeState.ISSUED)
    round = models.PositiveSmallIntegerField("整改轮次", default=1)
    issued_at = models.DateTimeField("签发时间")
    issued_by_name = models.CharField("签发人", max_length=100)
    issued_by_org = models.CharField("监理单位", max_length=200)
    reply = models.TextField("整改回复", blank=True)
    replied_at = models.DateTimeField("回复时间", null=True, blank=True)
    replied_by_name = models.CharField("回复人", max_length=100, blank=True)
    review_opinion = models.TextField("复查意见", blank=True)
    closed_at = models.DateTimeField("整改完成时间", null=True, blank=True)
    overdue = models.BooleanField("曾逾期", default=False)
    interview_at = models.DateTimeField("约谈时间", null=True, blank=True)
    interview_note = models.TextField("约谈情况", blank=True)
    interview_by_name = models.CharField("约谈人", max_length=100, blank=True)
    refused_at = models.DateTimeField("拒不整改登记时间", null=True, blank=True)
    refusal_note = models.TextField("拒不整改情况", blank=True)
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)
    handling_note = models.TextField("调查处理结果", blank=True)
    handled_by_name = models.CharField("处理人", max_length=100, blank=True)

    class Meta:
        verbose_name = "监理通知单"
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Inspection(ProjectRecord):
    """The owner's periodic inspection of the works (R-SUP-04, QZ 2(一))."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.CASCADE,
        related_name="inspections",
    )
    inspected_on = models.DateField("检查日期")
    inspectors = models.CharField("检查人员", max_length=200)
    aspects = models.JSONField("检查内容", default=list)
    findings = models.TextField("检查情况")
    result = models.CharField("检查结论", max_length=10, choices=InspectionResult.choices)
    recorded_at = models.DateTimeField("登记时间", default=clock.now)
    recorded_by_name = models.CharField("登记人", max_length=100)
    recorded_by_org = models.CharField("登记单位", max_length=200)

    class Meta:
        verbose_name = "建设单位检查"
        ordering = ["-inspected_on", "-id"]


class ContractorEvaluation(ProjectRecord):
    """The owner's comprehensive evaluation of the contractor at completion
    (R-SUP-04): construction, management, quality, contract performance."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.CASCADE,
        related_name="contractor_evaluations",
    )
    participant = models.ForeignKey(
        "projects.Participant", verbose_name="施工单位", on_delete=models.PROTECT, related_name="+"
    )
    construction_score = models.PositiveSmallIntegerField("施工组织")
    management_score = models.PositiveSmallIntegerField("现场管理")
    quality_score = models.PositiveSmallIntegerField("工程质量")
    contract_score = models.PositiveSmallIntegerField("合同履约")
    total = models.DecimalField("综合得分", max_digits=5, decimal_places=2)
    grade = models.CharField("评价等级", max_length=10, choices=EvaluationGrade.choices)
    comment = models.TextField("评价意见")
    evaluated_at = models.DateTimeField("评价时间", default=clock.now)
    evaluated_by_name = models.CharField("评价人", max_length=100)
    evaluated_by_org = models.CharField("评价单位", max_length=200)

    class Meta:
        verbose_name = "施工单位综合评价"
        ordering = ["-evaluated_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "participant"], name="evaluation_once")
        ]


# --- acceptance (R-ACC-01..06) -------------------------------------------------------------------


class AcceptanceRequest(AcceptanceFlow, ProjectRecord):
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.CASCADE,
        related_name="acceptance_requests",
    )
    kind = models.CharField("验收类型", max_length=20, choices=AcceptanceKind.choices)
    participant = models.ForeignKey(
        "projects.Participant",
        verbose_name="施工单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.CharField("编号", max_length=40, unique=True)
    completed_on = models.DateField("完工日期")
    description = models.TextField("完成情况")
    state = FSMField(
        "状态", max_length=20, choices=AcceptanceState.choices, default=AcceptanceState.SUBMITTED
    )
    deadline_kind = models.CharField("期限类别", max_length=60, blank=True)
    submitted_at = models.DateTimeField("发起时间")
    submitted_by_name = models.CharField("发起人", max_length=100)
    submitted_by_org = models.CharField("发起单位", max_length=200)
    received_at = models.DateTimeField("建设单位受理时间", null=True, blank=True)
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    return_reason = models.TextField("延期验收理由", blank=True)
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    attendees = models.TextField("参加验收单位及人员", blank=True)
    # R-ACC-05: a village self-acceptance is held with villager representatives and the supervisor
    villager_representatives = models.TextField("参加验收的村民代表", blank=True)
    supervisor_attendee = models.CharField("参加验收的监理人员", max_length=100, blank=True)
    rectification_opinions = models.TextField("整改意见", blank=True)
    conclusion = models.TextField("验收结论", blank=True)
    conclusion_document = models.ForeignKey(
        ApprovalDocument,
        verbose_name="验收资料",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    concluded_at = models.DateTimeField("验收资料上传时间", null=True, blank=True)
    concluded_by_name = models.CharField("组织人", max_length=100, blank=True)
    decision_note = models.TextField("最后审核意见", blank=True)

    class Meta:
        verbose_name = "竣工验收"
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["project", "state"])]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"


class AcceptanceExtension(ExtensionFlow, ProjectRecord):
    """R-ACC-04: the owner of super-large works applies within the 60 days."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(
        AcceptanceRequest, on_delete=models.CASCADE, related_name="extensions"
    )
    days = models.PositiveSmallIntegerField("延长天数")
    reason = models.TextField("申请理由")
    state = FSMField(
        "状态",
        max_length=20,
        choices=ExtensionState.choices,
        default=ExtensionState.PENDING_SUPERIOR,
    )
    applied_at = models.DateTimeField("申请时间")
    applied_by_name = models.CharField("申请人", max_length=100)
    decided_at = models.DateTimeField("审批完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "延长验收时间申请"
        ordering = ["-applied_at", "-id"]


class UsageBeforeAcceptance(ProjectRecord):
    """Works used before passing acceptance (R-ACC-06, QZ 附件2 5(五))."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.CASCADE,
        related_name="usages_before_acceptance",
    )
    used_since = models.DateField("投入使用日期")
    description = models.TextField("使用情况")
    industry_exception = models.BooleanField("属行业特殊要求（例外）", default=False)
    exception_reason = models.TextField("例外依据", blank=True)
    recorded_at = models.DateTimeField("登记时间", default=clock.now)
    recorded_by_name = models.CharField("登记人", max_length=100)
    recorded_by_org = models.CharField("登记单位", max_length=200)

    class Meta:
        verbose_name = "未验先用登记"
        ordering = ["-recorded_at", "-id"]
