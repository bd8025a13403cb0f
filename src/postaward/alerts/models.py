"""Indicators, their hits and runs, alerts with their history, suspected issues,
clue transfers and notifications (R-ALR-01..06, R-ORG-02).

The pipeline (after Netflix Dispatch's signal → case, with SLA deadlines,
working days and routing down the organisation tree added):

    Indicator (code: an evaluator; data: thresholds, level, basis …)
      → AlertHit (one observation, idempotent by ``hit_key``)
      → Alert (deduplicated by ``dedup_key`` within the window; routed to the
        handling organisation of the indicator's level; a disposal deadline)
      → AlertStep (what each unit did: disposal, review, escalation, reopening)
      → SuspectedIssue → ClueTransfer (discipline inspection / public security)
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import FSMField

from postaward.core import clock
from postaward.core.actor import Actor
from postaward.core.files import private_storage
from postaward.core.scoping import NOTHING, ScopedManager, project_visible_q
from postaward.orgs.choices import DISTRICT_WIDE_KINDS, ENTERPRISE_KINDS, OrgKind

from .choices import (
    UNRESOLVED_STATES,
    AlertState,
    Area,
    ClueSource,
    DeliveryState,
    Finding,
    IssueState,
    Level,
    Recipient,
    RunMode,
    RunState,
    Severity,
    Source,
    StepKind,
    TransferState,
)
from .workflows import AlertWorkflow


class Indicator(models.Model):
    """An alert point: code (the evaluator named by ``code``) plus the data the
    supervision office edits without a deploy (R-ALR-01)."""

    code = models.CharField("指标编码", max_length=80, unique=True)
    name = models.CharField("指标名称", max_length=100)
    area = models.CharField("监督领域", max_length=20, choices=Area.choices)
    source = models.CharField("触发方式", max_length=10, choices=Source.choices)
    requirement = models.CharField("对应要求", max_length=60, blank=True)
    enabled = models.BooleanField("启用", default=True)
    severity = models.PositiveSmallIntegerField(
        "预警等级", choices=Severity.choices, default=Severity.YELLOW
    )
    level = models.CharField("处置层级", max_length=20, choices=Level.choices)
    params = models.JSONField("阈值与参数", default=dict, blank=True)
    basis_document = models.CharField("依据文件", max_length=200, blank=True)
    basis_article = models.CharField("依据条款", max_length=200, blank=True)
    explanation = models.TextField(
        "预警说明模板", help_text="用 {名称} 引用命中事实，例如 {project}、{count}、{threshold}"
    )
    valid_from = models.DateField("生效日期", null=True, blank=True)
    valid_until = models.DateField("失效日期", null=True, blank=True)
    dedup_window_days = models.PositiveIntegerField("去重时间窗（天）", default=30)
    disposal_days = models.PositiveIntegerField("处置期限", default=5)
    disposal_unit = models.CharField(
        "期限单位",
        max_length=20,
        choices=[("working_days", "工作日"), ("calendar_days", "自然日")],
        default="working_days",
    )
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField("更新时间", default=clock.now)
    updated_by_name = models.CharField("更新人", max_length=100, blank=True)

    class Meta:
        verbose_name = "预警指标"
        verbose_name_plural = "预警指标"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def basis(self) -> str:
        return " ".join(p for p in (self.basis_document, self.basis_article) if p)

    def in_force_on(self, day: Any) -> bool:
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_until and day > self.valid_until)


class EvaluationRun(models.Model):
    """One run of an indicator over the data: live (the scheduled sweep) or a
    sandbox trial with edited parameters. Notes say what was skipped and why
    (e.g. a peer group too small for the interquartile fence)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.CASCADE, related_name="runs"
    )
    mode = models.CharField("方式", max_length=10, choices=RunMode.choices)
    state = models.CharField(
        "状态", max_length=10, choices=RunState.choices, default=RunState.QUEUED
    )
    as_of = models.DateField("数据截至")
    since = models.DateField("事件起始", null=True, blank=True)
    params = models.JSONField("参数", default=dict)
    requested_at = models.DateTimeField("发起时间", default=clock.now)
    requested_by_name = models.CharField("发起人", max_length=100, blank=True)
    requested_by_org = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    hits = models.PositiveIntegerField("命中", default=0)
    created = models.PositiveIntegerField("新生成预警", default=0)
    merged = models.PositiveIntegerField("并入已有预警", default=0)
    duplicates = models.PositiveIntegerField("重复（已记录）", default=0)
    suppressed = models.PositiveIntegerField("停工暂停", default=0)
    notes = models.JSONField("说明", default=list)
    result = models.JSONField("命中明细", default=list)
    error = models.TextField("错误", blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "指标运行"
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.indicator} {self.get_mode_display()} {self.as_of}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        """Who reads a run (R-ORG-04, ADR 0015):

        - a sandbox trial belongs to the organisation that asked for it (the
          supervision office) and the units above it; nobody else, not even
          another district-wide body;
        - a live run (the scheduled sweep) carries district-wide counts and
          notes (peer statistics, contract names) and no per-project rows, so
          only bodies that see every project of the district read it; a unit
          with a partial scope reads the alerts routed to it instead.

        The hits listed in a run are filtered once more by the projects the
        reader sees (``selectors.run_rows``).
        """
        if not actor.org_path or actor.org_kind in ENTERPRISE_KINDS:
            return NOTHING
        own_trials = Q(mode=RunMode.SANDBOX, requested_by_org__path__startswith=actor.org_path)
        if actor.org_kind in DISTRICT_WIDE_KINDS:
            return own_trials | Q(mode=RunMode.LIVE)
        return own_trials


class SuspectedIssue(models.Model):
    """疑似问题: one or more alerts taken up for verification (R-ALR-03)."""

    title = models.CharField("问题名称", max_length=200)
    description = models.TextField("问题描述")
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="核实单位",
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        "状态", max_length=20, choices=IssueState.choices, default=IssueState.VERIFYING
    )
    persons_concerned = models.CharField("涉及人员", max_length=300, blank=True)
    involves_party_member = models.BooleanField("涉及党员干部", default=False)
    involves_public_official = models.BooleanField("涉及公职人员", default=False)
    suspected_crime = models.BooleanField("涉嫌犯罪", default=False)
    created_at = models.DateTimeField("登记时间", default=clock.now)
    created_by_name = models.CharField("登记人", max_length=100)
    findings = models.TextField("核实情况", blank=True)
    verified_at = models.DateTimeField("核实时间", null=True, blank=True)
    verified_by_name = models.CharField("核实人", max_length=100, blank=True)
    # 立案调查 (issue 14, ADR 0604): the office asked the cases capability to
    # open a case on it (``alerts.case_requested``)
    case_requested_at = models.DateTimeField("申请立案调查时间", null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "疑似问题"
        verbose_name_plural = "疑似问题"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def number(self) -> str:
        return f"WT{self.created_at:%Y}-{self.pk:05d}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        if not actor.org_path or actor.org_kind in ENTERPRISE_KINDS:
            return NOTHING
        if actor.org_kind == OrgKind.SUPERVISION_OFFICE:
            return Q(organisation__path__startswith=actor.district_path)
        transferred = Q(
            pk__in=ClueTransfer.objects.filter(
                recipient_org__path__startswith=actor.org_path
            ).values("issue_id")
        )
        return Q(organisation__path__startswith=actor.org_path) | transferred


class Alert(AlertWorkflow, models.Model):
    """预警: a hit routed to the organisation that must handle it (R-ALR-02)."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name="指标",
        on_delete=models.PROTECT,
        related_name="alerts",
        db_index=False,  # (indicator, dedup_key, -created_at) serves it (ADR 0093)
    )
    dedup_key = models.CharField("去重键", max_length=200)
    title = models.CharField("预警事项", max_length=200)
    explanation = models.TextField("预警说明")
    facts = models.JSONField("命中事实", default=dict)
    evidence = models.JSONField("证据", default=list)
    basis = models.CharField("依据", max_length=300, blank=True)
    severity = models.PositiveSmallIntegerField("预警等级", choices=Severity.choices)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="涉及单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        "orgs.Person",
        verbose_name="涉及人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    origin_level = models.CharField("初始处置层级", max_length=20, choices=Level.choices)
    level = models.CharField("当前处置层级", max_length=20, choices=Level.choices)
    handling_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="处置单位",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # (handling_org, state) serves it (ADR 0093)
    )
    review_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="审核单位",
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_by = models.ManyToManyField(
        "orgs.Organisation", verbose_name="经办单位", related_name="+", blank=True
    )
    state = FSMField("状态", max_length=20, choices=AlertState.choices, default=AlertState.PENDING)
    finding = models.CharField("处置结论", max_length=20, choices=Finding.choices, blank=True)
    disposal_deadline = models.ForeignKey(
        "core.Deadline",
        verbose_name="当前处置期限",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    escalations = models.PositiveSmallIntegerField("升级次数", default=0)
    overdue = models.BooleanField("当前已超期", default=False)
    hit_count = models.PositiveIntegerField("命中次数", default=1)
    first_hit_at = models.DateTimeField("首次命中")
    last_hit_at = models.DateTimeField("最近命中")
    priority = models.PositiveSmallIntegerField("优先级", default=0, db_index=True)
    issue = models.ForeignKey(
        SuspectedIssue,
        verbose_name="疑似问题",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts",
    )
    created_at = models.DateTimeField("生成时间", default=clock.now, db_index=True)
    updated_at = models.DateTimeField("更新时间", default=clock.now)
    disposed_at = models.DateTimeField("最近处置", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = "预警"
        ordering = ["-priority", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["indicator", "dedup_key", "-created_at"]),
            models.Index(fields=["handling_org", "state"]),
            models.Index(fields=["state", "-priority"]),
            # The dashboards' open alerts by project and colour (reports, ADR
            # 0917): read from the index alone at province scale.
            models.Index(
                fields=["project", "severity", "overdue", "handling_org", "level"],
                name="alert_open_by_project_idx",
                condition=Q(state__in=UNRESOLVED_STATES),
            ),
            # The office's ledgers and totals: its organisations' alerts of a
            # period, counted and ordered from the index alone (ADR 0917).
            models.Index(
                fields=["handling_org", "created_at", "state", "overdue", "id"],
                name="alert_org_created_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        return f"YJ{clock.localtime(self.created_at):%Y%m%d}-{self.pk:05d}"

    @classmethod
    def scope_q(cls, actor: Actor, *, project_visible: bool = False) -> Q:
        """Who sees an alert (R-ORG-02, R-ORG-04):

        - enterprises: none (alerts are the government's supervision);
        - district-wide bodies (office, discipline …): every alert of the district;
        - the handling organisation and every organisation above it in the tree
          (a superior unit above its line and owners), read-only above;
        - an industry authority / superior unit / owner: alerts on projects it
          sees whose current level is at or below its own level;
        - every organisation that handled it before an escalation;

        and in every case (but the district-wide bodies, who see every project)
        only if its project, when it has one, is visible to the actor: an
        owner's project leader does not read the alerts of the unit's other
        projects (R-ORG-04).

        ``project_visible``: the caller reads only alerts on projects it
        already knows the actor sees (ids read through the projects' own
        scope, as the dashboards do); the project conditions, true there by
        construction, are left out so that the database does not evaluate the
        projects' scope again for every alert (ADR 0917).
        """
        from postaward.projects.models import project_scope_q

        from .levels import level_of_kind, levels_at_or_below

        if not actor.org_path or actor.org_kind in ENTERPRISE_KINDS:
            return NOTHING
        if actor.org_kind in DISTRICT_WIDE_KINDS:
            return Q(handling_org__path__startswith=actor.district_path)
        q = Q(handling_org__path__startswith=actor.org_path)
        own_level = level_of_kind(actor.org_kind)
        if own_level:
            levels = Q(level__in=levels_at_or_below(own_level))
            q |= levels if project_visible else project_scope_q(actor, "project__") & levels
        if actor.organisation_id:
            q |= Q(
                pk__in=Alert.handled_by.through.objects.filter(
                    organisation_id=actor.organisation_id
                ).values("alert_id")
            )
        return q if project_visible else q & project_visible_q(actor)


class AlertHit(models.Model):
    """One observation of an indicator. ``hit_key`` identifies the observation
    (an event's subject, or the facts a data evaluator saw), so a redelivered
    event or a re-run sweep records nothing new."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="hits")
    alert = models.ForeignKey(
        Alert, null=True, blank=True, on_delete=models.CASCADE, related_name="hits"
    )
    hit_key = models.CharField("命中键", max_length=200)
    dedup_key = models.CharField("去重键", max_length=200)
    occurred_at = models.DateTimeField("命中时间", default=clock.now)
    facts = models.JSONField("命中事实", default=dict)
    suppressed = models.BooleanField("未生成预警", default=False)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "指标命中"
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "hit_key"], name="alert_hit_unique")
        ]


class AlertStep(models.Model):
    """The history of an alert: nothing is overwritten, every step is a row."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField("时间", default=clock.now)
    kind = models.CharField("环节", max_length=20, choices=StepKind.choices)
    level = models.CharField("层级", max_length=20, choices=Level.choices)
    organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation_name = models.CharField("单位", max_length=200, blank=True)
    actor_name = models.CharField("操作人", max_length=100, blank=True)
    finding = models.CharField("结论", max_length=20, choices=Finding.choices, blank=True)
    note = models.TextField("说明", blank=True)
    late = models.BooleanField("超期", null=True, blank=True)
    deadline_text = models.CharField("期限", max_length=300, blank=True)

    class Meta:
        verbose_name = "预警处置记录"
        ordering = ["at", "id"]


def _attachment_path(instance: AlertAttachment, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"alerts/{instance.alert_id}/{uuid.uuid4().hex}.{ext}"


class AlertAttachment(models.Model):
    """Evidence of a disposal (photos, rectification reports), served only
    through a scope-checked view."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="attachments")
    step = models.ForeignKey(
        AlertStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(
        "文件", upload_to=_attachment_path, max_length=255, storage=private_storage
    )
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=60)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_at = models.DateTimeField("上传时间", default=clock.now)
    uploaded_by_name = models.CharField("上传人", max_length=100)

    objects = ScopedManager()

    class Meta:
        verbose_name = "处置证据"
        ordering = ["uploaded_at", "id"]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        """Seen with the alert it belongs to."""
        return Q(alert__in=Alert.objects.filter(Alert.scope_q(actor)).values("pk"))


class ClueTransfer(models.Model):
    """线索移送 (R-ALR-06): the transfer record, the recipient's receipt and the
    result it feeds back."""

    issue = models.ForeignKey(
        SuspectedIssue,
        verbose_name="疑似问题",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    # A clue referred by another capability (a complaint, ADR 0515): its kind,
    # the reference people read (收件编号) and its id there (the referral).
    source = models.CharField(
        "线索来源", max_length=20, choices=ClueSource.choices, default=ClueSource.ISSUE
    )
    source_ref = models.CharField("来源编号", max_length=100, blank=True)
    source_id = models.PositiveIntegerField(null=True, blank=True, editable=False)
    facts = models.TextField("线索事实", blank=True)
    recipient = models.CharField("移送方向", max_length=20, choices=Recipient.choices)
    recipient_org = models.ForeignKey(
        "orgs.Organisation", verbose_name="接收机关", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        "状态", max_length=20, choices=TransferState.choices, default=TransferState.SENT
    )
    document_number = models.CharField("移送函文号", max_length=60)
    reason = models.TextField("移送理由")
    sent_at = models.DateTimeField("移送时间", default=clock.now)
    sent_by_name = models.CharField("移送人", max_length=100)
    sent_by_org = models.ForeignKey(
        "orgs.Organisation", verbose_name="移送单位", on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField("签收时间", null=True, blank=True)
    received_by_name = models.CharField("签收人", max_length=100, blank=True)
    receipt_number = models.CharField("回执编号", max_length=60, blank=True)
    result = models.TextField("办理结果", blank=True)
    result_at = models.DateTimeField("反馈时间", null=True, blank=True)
    result_by_name = models.CharField("反馈人", max_length=100, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "线索移送"
        verbose_name_plural = "线索移送"
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=Q(source_id__isnull=False),
                name="clue_transfer_one_per_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_number} → {self.recipient_org}"

    @property
    def subject(self) -> str:
        """What the clue is about: the issue's title, or the referring source
        (投诉举报 TS20261206-0001)."""
        if self.issue_id is not None and self.issue is not None:
            return self.issue.title
        return f"{self.get_source_display()} {self.source_ref}".strip()

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        if not actor.org_path or actor.org_kind in ENTERPRISE_KINDS:
            return NOTHING
        if actor.org_kind == OrgKind.SUPERVISION_OFFICE:
            return Q(sent_by_org__path__startswith=actor.district_path)
        return Q(recipient_org__path__startswith=actor.org_path) | Q(
            issue__organisation__path__startswith=actor.org_path
        )


class Notification(models.Model):
    """An in-app message to one account; external channels deliver copies."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField("去重键", max_length=200)
    kind = models.CharField("类别", max_length=40)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    alert = models.ForeignKey(
        Alert, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField("时间", default=clock.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "消息通知"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_unique")
        ]
        indexes = [
            models.Index(
                fields=["recipient"], name="notification_unread_idx", condition=Q(read_at=None)
            )
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        """One's own messages, and of those only the ones whose alert's project
        one still sees (R-ORG-04: a row about a project follows the project)."""
        if not actor.user_id:
            return NOTHING
        return Q(recipient_id=actor.user_id) & (
            Q(alert__isnull=True) | project_visible_q(actor, "alert__project_id")
        )


class NotificationDelivery(models.Model):
    """A copy of a notification through an external channel (email, SMS …)."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField("渠道", max_length=40)
    state = models.CharField(
        "状态", max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("错误", max_length=300, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知发送"
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="notification_delivery_unique"
            )
        ]
        indexes = [
            models.Index(fields=["id"], name="delivery_pending_idx", condition=Q(state="pending"))
        ]
