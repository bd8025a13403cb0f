"""Core tables: the clock, the business calendar, the audit chain, the event
outbox, idempotency records and the to-do inbox."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from . import clock
from .files import private_storage as _private
from .scoping import ScopedManager, project_visible_q


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", default=clock.now, editable=False)
    updated_at = models.DateTimeField("更新时间", default=clock.now)

    class Meta:
        abstract = True


class ClockState(models.Model):
    """Singleton row: the simulator's shift of the platform clock."""

    offset_seconds = models.FloatField("时钟偏移（秒）", default=0.0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "模拟时钟"

    def __str__(self) -> str:
        return "平台时钟"


# --- business calendar ------------------------------------------------------------------


class CalendarYear(models.Model):
    """A year whose holidays and make-up working days are known.

    A year without a row falls back to "weekends off" and the shell shows a
    warning until an administrator enters the State Council notice.
    """

    class Source(models.TextChoices):
        CHINESECALENDAR = "chinesecalendar", "国务院办公厅节假日安排（平台内置）"
        MANUAL = "manual", "人工录入"

    year = models.PositiveSmallIntegerField("年份", primary_key=True)
    source = models.CharField("来源", max_length=20, choices=Source.choices)
    notice = models.CharField("依据（国务院办公厅通知）", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", default=clock.now)
    updated_by = models.CharField("更新人", max_length=100, blank=True)

    class Meta:
        verbose_name = "节假日年度"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}"


class CalendarDay(models.Model):
    """An exception to "Monday to Friday are working days"."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "法定节假日（休息）"
        MAKEUP_WORKDAY = "makeup_workday", "调休上班"

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    name = models.CharField("名称", max_length=50, blank=True)
    source = models.CharField("来源", max_length=20, choices=CalendarYear.Source.choices)

    class Meta:
        verbose_name = "节假日调整"
        ordering = ["date"]

    @property
    def is_working_day(self) -> bool:
        return self.kind == self.Kind.MAKEUP_WORKDAY

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


# --- audit chain --------------------------------------------------------------------------


class AuditRecord(models.Model):
    """One write, in the chain: hash = SM3(prev_hash ‖ canonical JSON of the record)."""

    seq = models.BigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间", db_index=True)
    actor_user_id = models.BigIntegerField("操作人ID", null=True, db_index=True)
    actor_name = models.CharField("操作人", max_length=100)
    organisation_id = models.BigIntegerField("单位ID", null=True, db_index=True)
    organisation_name = models.CharField("单位", max_length=200, blank=True)
    request_id = models.CharField("请求ID", max_length=64, blank=True)
    ip = models.CharField("IP", max_length=64, blank=True)
    # Indexed by Meta.indexes: ``action`` for equality and IN only (no LIKE
    # index), ``object_type`` by (object_type, object_id) (ADR 0093).
    action = models.CharField("操作", max_length=100)
    object_type = models.CharField("对象类型", max_length=100)
    object_id = models.CharField("对象ID", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=300, blank=True)
    project_id = models.BigIntegerField("项目ID", null=True, db_index=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    prev_hash = models.CharField("前序哈希", max_length=64)
    hash = models.CharField("哈希", max_length=64)

    objects = ScopedManager()

    class Meta:
        verbose_name = "操作日志"
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["action"], name="core_audit_action_idx"),
        ]

    @classmethod
    def scope_q(cls, actor) -> Q:  # type: ignore[no-untyped-def]
        """The supervision office and discipline inspection read their district's
        trail (and the platform's own records: imports, sweeps, the simulator);
        everyone else reads what their own organisation did. In both cases a
        record about a project only if the project is visible to the reader
        (R-ORG-04): the platform's records span every district, and a project
        leader does not read what the unit did on its other projects."""
        if not actor.organisation_id or not actor.org_path:
            return Q(pk__in=[])
        if actor.org_kind in ("supervision_office", "discipline"):
            from . import registries

            district = registries.orgs().units_under(actor.district_path)
            return (
                Q(organisation_id__in=district) | Q(organisation_id__isnull=True)
            ) & project_visible_q(actor)
        return Q(organisation_id=actor.organisation_id) & project_visible_q(actor)


class AuditChainHead(models.Model):
    """Singleton: the last link of the chain. Appends lock this row."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "审计链头"


# --- domain event outbox -----------------------------------------------------------------


class EventRecord(models.Model):
    """A domain event, stored in the transaction that caused it (outbox)."""

    name = models.CharField("事件", max_length=100, db_index=True)
    payload = models.JSONField("内容")
    created_at = models.DateTimeField("发生时间", default=clock.now)
    dispatched_at = models.DateTimeField("处理时间", null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = "领域事件"
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["id"],
                name="event_pending_idx",
                condition=Q(dispatched_at__isnull=True),
            )
        ]


# --- idempotency -------------------------------------------------------------------------------


class IdempotencyRecord(models.Model):
    """The stored answer to a request sent with an ``Idempotency-Key`` header."""

    user_id = models.BigIntegerField()
    scope = models.CharField(max_length=100)
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(default=0)
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=clock.now, db_index=True)

    class Meta:
        verbose_name = "幂等记录"
        constraints = [
            models.UniqueConstraint(fields=["user_id", "scope", "key"], name="idempotency_unique")
        ]


# --- inbox (待办) ---------------------------------------------------------------------------------


class Todo(models.Model):
    """An open step that someone in an organisation must take."""

    class State(models.TextChoices):
        OPEN = "open", "待办"
        DONE = "done", "已办"
        CANCELLED = "cancelled", "已撤销"

    key = models.CharField("去重键", max_length=200)
    kind = models.CharField("类别", max_length=60, db_index=True)
    title = models.CharField("事项", max_length=200)
    detail = models.TextField("说明", blank=True)
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name="办理单位", on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField("办理角色", max_length=40, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    person_id = models.BigIntegerField(
        "待移交人员", null=True, blank=True, db_index=True
    )  # meant for this person, held by the administrator until they have an account
    project_id = models.BigIntegerField("项目ID", null=True, blank=True, db_index=True)
    subject_type = models.CharField("对象类型", max_length=100, blank=True)
    subject_id = models.CharField("对象ID", max_length=64, blank=True)
    url = models.CharField("办理地址", max_length=300, blank=True)
    due_at = models.DateTimeField("办理期限", null=True, blank=True)
    basis = models.CharField("依据", max_length=300, blank=True)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField("创建时间", default=clock.now)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "待办事项"
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(state="open"), name="todo_open_key_unique"
            )
        ]
        indexes = [models.Index(fields=["organisation", "state"])]

    @classmethod
    def scope_q(cls, actor) -> Q:
        """A to-do is visible to the people of its organisation who hold its role,
        and only if its project (when it has one) is visible to them (R-ORG-04):
        a project leader does not see the to-dos of the unit's other projects."""
        role_q = Q(role="") | Q(role__in=list(actor.roles))
        who_q = Q(assignee__isnull=True) | Q(assignee_id=actor.user_id)
        return Q(organisation_id=actor.organisation_id) & role_q & who_q & project_visible_q(actor)

    def __str__(self) -> str:
        return self.title


# --- deadlines ----------------------------------------------------------------------------------


class Deadline(models.Model):
    """A legal or platform period that someone must act within.

    Created by the service that starts the clock, closed by the one that stops
    it, swept by a scheduled task through the partial index on open rows. While
    the project is suspended (R-PRJ-07) the deadline is paused; resuming extends
    ``due_at`` (and ``reminder_at``) by the paused time.
    """

    class State(models.TextChoices):
        OPEN = "open", "计时中"
        MET = "met", "按期完成"
        MISSED = "missed", "已超期"
        CANCELLED = "cancelled", "已撤销"

    kind = models.CharField("类别", max_length=60, db_index=True)
    subject_type = models.CharField("对象类型", max_length=100)
    subject_id = models.CharField("对象ID", max_length=64)
    project_id = models.BigIntegerField("项目ID", null=True, blank=True, db_index=True)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField("起算时间")
    length = models.PositiveIntegerField("期限长度")
    unit = models.CharField(
        "单位", max_length=20, choices=[("working_days", "工作日"), ("calendar_days", "自然日")]
    )
    basis = models.CharField("依据", max_length=300, blank=True)
    due_at = models.DateTimeField("届满时间")
    # R-CAL-01: the last day before a calendar-day period rolled off a rest day
    # (equal to the last day of ``due_at`` when it did not roll).
    nominal_end = models.DateField("原届满日", null=True, blank=True)
    # False for a deadline fixed by a date of fact ("before the work on D",
    # "rectified by D"): it is not a period counted in days and never rolls.
    rolls = models.BooleanField("逢休息日顺延", default=True)
    reminder_at = models.DateTimeField("提醒时间", null=True, blank=True)
    reminded_at = models.DateTimeField("已提醒", null=True, blank=True)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.OPEN)
    paused_at = models.DateTimeField("暂停于", null=True, blank=True)
    paused_seconds = models.FloatField("累计暂停（秒）", default=0.0)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "办理期限"
        indexes = [
            models.Index(
                fields=["due_at"],
                name="deadline_open_due_idx",
                condition=Q(state="open", paused_at__isnull=True),
            ),
            models.Index(
                fields=["reminder_at"],
                name="deadline_open_remind_idx",
                condition=Q(state="open", paused_at__isnull=True, reminded_at__isnull=True),
            ),
            models.Index(fields=["subject_type", "subject_id"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id"],
                condition=Q(state="open"),
                name="deadline_one_open_per_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_type}#{self.subject_id}"

    @classmethod
    def scope_q(cls, actor) -> Q:  # type: ignore[no-untyped-def]
        """A deadline of a project is visible exactly when its project is
        (R-ORG-04), whichever organisation must act on it; a deadline without a
        project is visible to its responsible organisation and the units above."""
        if not actor.org_path:
            return Q(pk__in=[])
        return project_visible_q(actor, without_project=False) | Q(
            project_id__isnull=True, organisation__path__startswith=actor.org_path
        )


class DocumentCounter(models.Model):
    """The last number of a kind of generated document in a year
    (``core.documents.next_number``: 〔2026〕第7号, ADR 0503)."""

    kind = models.CharField("文书类别", max_length=60)
    # the issuer's abbreviation (清监办): one counter per issuer, kind and year (ADR 0090);
    # "" for the numbers of ``documents.generate`` (one counter per kind and year)
    issuer = models.CharField("发文机关简称", max_length=30, default="", blank=True)
    year = models.PositiveIntegerField("年度")
    last = models.PositiveIntegerField("已用编号", default=0)

    class Meta:
        verbose_name = "文书编号"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "issuer", "year"], name="document_counter_kind_issuer_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


# --- unified enforcement documents (ADR 0090) ---------------------------------------------------


def _template_path(instance: models.Model, filename: str) -> str:
    return f"document_templates/{filename}"


def _issued_path(instance: models.Model, filename: str) -> str:
    return f"issued_documents/{clock.now():%Y/%m}/{filename}"


class DocumentTemplate(models.Model):
    """An uploaded Word template (docxtpl) of a kind of document, by version.
    Version 0 is the built-in template (no row); an upload is the next version
    and becomes the active one; the old versions stay (the documents made with
    them name their version)."""

    kind = models.CharField("文书类别", max_length=60)
    version = models.PositiveIntegerField("版本")
    docx = models.FileField("模板文件", upload_to=_template_path, max_length=255, storage=_private)
    original_name = models.CharField("原文件名", max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64)
    note = models.CharField("修改说明", max_length=200, blank=True)
    uploaded_by_id = models.BigIntegerField("上传人ID", null=True)
    uploaded_by = models.CharField("上传人", max_length=100)
    uploaded_at = models.DateTimeField("上传时间", default=clock.now)
    active = models.BooleanField("当前使用", default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "文书模板"
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="document_template_version"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(active=True), name="document_template_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} 第{self.version}版"

    @classmethod
    def scope_q(cls, actor) -> Q:  # type: ignore[no-untyped-def]
        """The template files are read by their administrators only (ADR 0090)."""
        from .doc_templates import may_manage

        return Q() if may_manage(actor) else Q(pk__in=[])


class IssuedDocument(models.Model):
    """One generated document of the platform (R-CAS-06, ADR 0090): its kind,
    its number (文号: issuer abbreviation + kind word + 〔year〕 + seq + 号),
    the subject it is about (app label, model, pk and name: no foreign key to a
    domain app), the PDF and the Word file in private storage, the PDF's
    SHA-256 (also in the audit chain), the template version it was made with,
    and its version: a correction is a new row that ``replaces`` this one, with
    a reason; the old row stays, marked superseded."""

    class State(models.TextChoices):
        QUEUED = "queued", "排队生成中"
        RENDERING = "rendering", "生成中"
        DONE = "done", "已生成"
        FAILED = "failed", "生成失败"

    kind = models.CharField("文书类别", max_length=60, db_index=True)
    title = models.CharField("文书名称", max_length=200)
    number = models.CharField("文号", max_length=80)
    year = models.PositiveIntegerField("年度")
    seq = models.PositiveIntegerField("年度序号")
    issuer_abbr = models.CharField("发文机关简称", max_length=30, blank=True)
    issuer = models.CharField("发文机关", max_length=200)
    addressee = models.CharField("送达对象", max_length=200)
    issued_on = models.DateField("成文日期")
    subject_type = models.CharField("对象类型", max_length=100)  # "complaints.complaint"
    subject_id = models.BigIntegerField("对象ID")
    subject_name = models.CharField("对象", max_length=300)
    context = models.JSONField("填写内容", default=dict, blank=True)
    template_version = models.PositiveIntegerField("模板版本", default=0)
    pdf = models.FileField(
        "PDF", upload_to=_issued_path, max_length=255, storage=_private, blank=True
    )
    docx = models.FileField(
        "Word", upload_to=_issued_path, max_length=255, storage=_private, blank=True
    )
    sha256 = models.CharField("PDF SHA-256", max_length=64, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name="更正的文书",
    )
    correction_reason = models.TextField("更正理由", blank=True)
    superseded = models.BooleanField("已被更正", default=False)
    state = models.CharField("生成状态", max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField("生成进度（%）", default=0)
    error = models.CharField("失败原因", max_length=300, blank=True)
    created_by_id = models.BigIntegerField("签发人ID", null=True)
    created_by = models.CharField("经办人", max_length=100)
    created_at = models.DateTimeField("签发时间", default=clock.now)
    rendered_at = models.DateTimeField("生成时间", null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "执法文书"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "issuer_abbr", "year", "seq", "version"],
                condition=Q(seq__gt=0),
                name="issued_document_number_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.number}" + (
            f"（第{self.version}版）" if self.version > 1 else ""
        )

    @classmethod
    def scope_q(cls, actor) -> Q:  # type: ignore[no-untyped-def]
        """Visible to whoever may see its subject: the subject's app answers
        (``documents.register_subject``); a subject no app answers for is
        visible to nobody (deny by default)."""
        from . import documents

        return documents.subject_scope_q(actor)


def _export_path(instance: models.Model, filename: str) -> str:
    return f"exports/{clock.now():%Y/%m}/{filename}"


class ExportJob(models.Model):
    """A large list export run by the worker (R-REP-05, ADR 0934): the list's
    page and filters as asked, the requester and their scope at request time,
    the progress (rows done of the total), then the workbook in private
    storage, downloaded by the requester only."""

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "正在导出"
        DONE = "done", "已完成"
        FAILED = "failed", "导出失败"
        EXPIRED = "expired", "已过期清理"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.CASCADE, related_name="+"
    )
    actor = models.JSONField("申请时的账号范围", default=dict)
    title = models.CharField("列表", max_length=200)
    path = models.CharField("页面", max_length=300)
    query = models.TextField("筛选条件", blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField("总行数", default=0)
    done = models.PositiveIntegerField("已导出行数", default=0)
    file = models.FileField(
        "导出文件", upload_to=_export_path, max_length=255, storage=_private, blank=True
    )
    filename = models.CharField("文件名", max_length=200, blank=True)
    error = models.CharField("失败原因", max_length=300, blank=True)
    created_at = models.DateTimeField("申请时间", default=clock.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "后台导出"
        verbose_name_plural = "后台导出"
        ordering = ["-created_at", "-pk"]

    @classmethod
    def scope_q(cls, actor: Any) -> Q:
        """The requester only (not their colleagues, not the office)."""
        if actor.user_id is None:
            return Q(pk__in=[])
        return Q(user_id=actor.user_id)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    def __str__(self) -> str:
        return f"{self.title}（{self.total} 行）"
