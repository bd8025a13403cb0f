"""The project registry: projects, participants, key personnel, the lifecycle
records (suspensions, interviews, abnormal award events, data completion),
subcontracts, documents, the archive timeline and award imports."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import FSMField

from postaward.core.actor import Actor
from postaward.core.files import private_storage
from postaward.core.geo import Site
from postaward.core.models import TimeStampedModel
from postaward.core.scoping import NOTHING, ScopedManager
from postaward.orgs.choices import (
    DISTRICT_WIDE_KINDS,
    ENTERPRISE_KINDS,
    OWNER_KINDS,
    Industry,
    Role,
)

from .choices import (
    ACTIVE_STATES,
    OPEN_SUSPENSION_STATES,
    AbnormalAwardKind,
    AbnormalAwardState,
    BanReason,
    DataCompletionState,
    DocumentCategory,
    ImportChannel,
    ImportFormat,
    ParticipantRole,
    Position,
    ProcurementMethod,
    ProjectClass,
    ProjectSource,
    ProjectStatus,
    SettlementRoute,
    SiteKind,
    SuspensionState,
)
from .workflows import ProjectLifecycle


def project_scope_q(actor: Actor, prefix: str = "") -> Q:
    """Which projects an actor may see (R-ORG-04), as a Q over ``prefix``.

    - district-wide bodies (supervision office, audit, finance, DRC, discipline,
      public security): every project of the district (also those still waiting
      for an owner, which the district knows through their industry authority);
    - industry authority, superior unit, line, township: projects whose owner,
      superior unit, line or industry authority lies in their subtree;
    - owner / village: administrators and leaders see all the unit's projects,
      a project leader the projects assigned to them;
    - enterprises: administrators and leaders see the projects the enterprise
      takes part in, key personnel the projects they are assigned to.
    """
    p = prefix
    kind = actor.org_kind
    path = actor.org_path
    if not path:
        return NOTHING

    def under(fk: str, top: str) -> Q:
        """The unit in ``fk`` lies in the subtree at ``top``: its id among the
        subtree's ids (a small subquery), not a join per unit to compare its
        path — four joins over every project cost twice as much (ADR 0917)."""
        from postaward.orgs.models import Organisation

        return Q(
            **{f"{p}{fk}_id__in": Organisation.objects.filter(path__startswith=top).values("pk")}
        )

    if kind in DISTRICT_WIDE_KINDS:
        return under("owner", actor.district_path) | (
            Q(**{f"{p}owner__isnull": True}) & under("industry_authority", actor.district_path)
        )
    leader = bool(actor.roles & {Role.ADMIN, Role.UNIT_LEADER})
    assigned = (
        Q(
            **{
                f"{p}pk__in": KeyPersonAssignment.objects.filter(
                    person_id=actor.person_id, ended_on__isnull=True
                ).values("project_id")
            }
        )
        if actor.person_id
        else NOTHING
    )
    if kind in OWNER_KINDS:
        if leader:
            return under("owner", path)
        own = Q(**{f"{p}owner_leader_id": actor.person_id}) if actor.person_id else NOTHING
        return (own | assigned) & under("owner", path)
    if kind in ENTERPRISE_KINDS:
        if leader:
            return Q(
                **{
                    f"{p}pk__in": Participant.objects.filter(
                        organisation__path__startswith=path
                    ).values("project_id")
                }
            )
        return assigned
    return (
        under("owner", path)
        | under("superior_unit", path)
        | under("line", path)
        | under("industry_authority", path)
    )


class Project(ProjectLifecycle, TimeStampedModel):
    code = models.CharField("项目编号", max_length=64, unique=True)
    ocid = models.CharField("OCDS 编号", max_length=100, unique=True, null=True, blank=True)
    name = models.CharField("项目名称", max_length=200)
    project_class = models.CharField(
        "项目类别", max_length=20, choices=ProjectClass.choices, db_index=True
    )
    is_small_works = models.BooleanField("限额以下小额工程", default=False)
    procurement_method = models.CharField(
        "发包方式",
        max_length=20,
        choices=ProcurementMethod.choices,
        default=ProcurementMethod.TENDER,
    )
    source = models.CharField(
        "来源", max_length=20, choices=ProjectSource.choices, default=ProjectSource.BIDDING_FEED
    )
    contract_amount = models.DecimalField(
        "合同金额（元）", max_digits=16, decimal_places=2, default=Decimal("0")
    )
    industry = models.CharField("行业", max_length=20, choices=Industry.choices, db_index=True)
    region_code = models.CharField("行政区划代码", max_length=12, blank=True, db_index=True)
    region_name = models.CharField("所在区域", max_length=60, blank=True)
    owner = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="建设单位",
        on_delete=models.PROTECT,
        related_name="owned_projects",
        null=True,
        blank=True,
        help_text="招投标系统推送时未匹配到建设单位的项目，由条线分配（R-ORG-03）",
    )
    superior_unit = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="主管单位",
        on_delete=models.PROTECT,
        related_name="superior_projects",
        null=True,
        blank=True,
    )
    line = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="条线",
        on_delete=models.PROTECT,
        related_name="line_projects",
        null=True,
        blank=True,
    )
    industry_authority = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="行业主管部门",
        on_delete=models.PROTECT,
        related_name="authority_projects",
        null=True,
        blank=True,
    )
    owner_leader = models.ForeignKey(
        "orgs.Person",
        verbose_name="建设单位项目负责人",
        on_delete=models.PROTECT,
        related_name="led_projects",
        null=True,
        blank=True,
    )
    award_date = models.DateField("中标日期", null=True, blank=True)
    planned_start = models.DateField("计划开工", null=True, blank=True)
    planned_completion = models.DateField("计划完工", null=True, blank=True)
    actual_start = models.DateField("实际开工", null=True, blank=True)
    actual_completion = models.DateField("实际完工", null=True, blank=True)
    accepted_on = models.DateField("竣工验收日期", null=True, blank=True)
    settlement_submitted_on = models.DateField("结算送审日期", null=True, blank=True)
    settlement_submitted_amount = models.DecimalField(
        "结算送审金额（元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    # Who reviews the settlement (R-SET-02, ADR 0807): an intermediary only on
    # the entrustment of the financial review centre or the audit department.
    settlement_route = models.CharField(
        "结算审核方式", max_length=20, choices=SettlementRoute.choices, blank=True
    )
    settlement_intermediary = models.CharField("审核中介机构", max_length=200, blank=True)
    settlement_entrustment_approved = models.BooleanField(
        "委托经评审或审计部门同意", null=True, blank=True
    )
    settlement_entrustment_ref = models.CharField("同意委托文号", max_length=100, blank=True)
    settled_on = models.DateField("结算审定日期", null=True, blank=True)
    settled_amount = models.DecimalField(
        "结算审定金额（元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    funds_paid_on = models.DateField("资金拨付日期", null=True, blank=True)
    deposit_returned_on = models.DateField("质保金退还日期", null=True, blank=True)
    terminated_on = models.DateField("终止日期", null=True, blank=True)
    termination_reason = models.TextField("终止原因", blank=True)
    status = FSMField(
        "项目状态",
        max_length=30,
        choices=ProjectStatus.choices,
        default=ProjectStatus.REGISTERED,
        db_index=True,
    )
    is_platform_covered = models.BooleanField(
        "纳入平台监管",
        default=True,
        help_text="实施过程未纳入平台监管的项目须先补全资料（R-PRJ-05）",
    )
    uncovered_note = models.CharField("未纳入监管说明", max_length=300, blank=True)
    # The site fence (WGS-84): a circle (centre + radius) or a polygon ring.
    site_kind = models.CharField("场地类型", max_length=10, choices=SiteKind.choices, blank=True)
    site_lon = models.FloatField("中心经度", null=True, blank=True)
    site_lat = models.FloatField("中心纬度", null=True, blank=True)
    site_radius_m = models.FloatField("半径（米）", null=True, blank=True)
    site_polygon = models.JSONField("多边形顶点", null=True, blank=True)
    site_address = models.CharField("项目地址", max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "项目"
        verbose_name_plural = "项目"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "industry"])]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return project_scope_q(actor)

    @property
    def site(self) -> Site | None:
        if self.site_kind == "circle" and self.site_lon is not None and self.site_radius_m:
            return Site.circle(self.site_lon, self.site_lat, self.site_radius_m)  # type: ignore[arg-type]
        if self.site_kind == "polygon" and self.site_polygon:
            return Site.polygon(self.site_polygon)
        return None

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATES


def _document_path(instance: ProjectDocument, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"projects/{instance.project_id}/{instance.category}/{uuid.uuid4().hex}.{ext}"


class ProjectDocument(models.Model):
    """An uploaded file of a project (contracts, reports, records …).

    Stored in private storage with a random name and served only through
    core.files.download, which checks the project scope (ADR 0010).
    """

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="documents"
    )
    category = models.CharField("资料类别", max_length=30, choices=DocumentCategory.choices)
    title = models.CharField("资料名称", max_length=200)
    file = models.FileField(
        "文件", upload_to=_document_path, max_length=255, storage=private_storage
    )
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=60)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_at = models.DateTimeField("上传时间")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_by_name = models.CharField("上传人", max_length=100)
    organisation_name = models.CharField("上传单位", max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "项目资料"
        verbose_name_plural = "项目资料"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return project_scope_q(actor, "project__")


class Participant(TimeStampedModel):
    """A unit taking part in a project, with its contract (R-PRJ-03)."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="participants"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="单位",
        on_delete=models.PROTECT,
        related_name="participations",
    )
    role = models.CharField("参建角色", max_length=20, choices=ParticipantRole.choices)
    contract_number = models.CharField("合同编号", max_length=60, blank=True)
    contract_amount = models.DecimalField(
        "合同金额（元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    contract_signed_on = models.DateField("签订日期", null=True, blank=True)
    contract_document = models.ForeignKey(
        ProjectDocument,
        verbose_name="合同文件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    allows_subcontract = models.BooleanField("合同允许分包", default=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = "参建单位"
        verbose_name_plural = "参建单位"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation", "role"], name="participant_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}：{self.organisation}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return project_scope_q(actor, "project__")

    def contract_missing(self) -> list[str]:
        """What of the contract is not yet on the platform (R-PRJ-03)."""
        missing = []
        if not self.contract_number:
            missing.append("合同编号")
        if not self.contract_signed_on:
            missing.append("签订日期")
        if not self.contract_document_id:
            missing.append("合同文件")
        return missing


class KeyPersonAssignment(TimeStampedModel):
    """A person in a key position on a project (R-ORG-05, R-ATT-01)."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="assignments"
    )
    participant = models.ForeignKey(
        Participant, verbose_name="参建单位", on_delete=models.PROTECT, related_name="assignments"
    )
    person = models.ForeignKey(
        "orgs.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="assignments"
    )
    position = models.CharField("岗位", max_length=40, choices=Position.choices)
    certificate = models.ForeignKey(
        "orgs.Qualification",
        verbose_name="岗位证书",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    must_check_in = models.BooleanField("须考勤", default=True)
    started_on = models.DateField("到岗日期")
    ended_on = models.DateField("离岗日期", null=True, blank=True)
    end_reason = models.CharField("离岗原因", max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "关键岗位人员"
        verbose_name_plural = "关键岗位人员"
        indexes = [models.Index(fields=["person", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.project} {self.get_position_display()} {self.person}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return project_scope_q(actor, "project__")

    def is_active_on(self, day: dt.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day < self.ended_on)


class CheckinStage(models.Model):
    """A period in which the technical lead or the specialist engineer must check
    in, set per project by the owner (R-ATT-01, SY 26)."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="checkin_stages"
    )
    position = models.CharField("岗位", max_length=40, choices=Position.choices)
    name = models.CharField("施工阶段", max_length=60)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    set_by_name = models.CharField("设置人", max_length=100)
    set_at = models.DateTimeField("设置时间")

    objects = ScopedManager()

    class Meta:
        verbose_name = "考勤阶段"
        verbose_name_plural = "考勤阶段"
        ordering = ["position", "starts_on"]

    def __str__(self) -> str:
        return f"{self.get_position_display()} {self.name}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return project_scope_q(actor, "project__")


class PersonnelBan(models.Model):
    """A person who may not be named for a position (R-CHG-04, SY 27(二)).

    ``replaced``: the person was replaced on ``source_project`` and may not hold
    the same position on another project of the district until that project is
    complete. ``illness``: replaced for illness; during the recovery period (until
    ``until``) the person may not be named for any position.
    """

    person = models.ForeignKey(
        "orgs.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="bans"
    )
    position = models.CharField(
        "岗位", max_length=40, choices=Position.choices, blank=True, help_text="空为所有岗位"
    )
    reason = models.CharField("原因", max_length=20, choices=BanReason.choices)
    source_project = models.ForeignKey(
        Project,
        verbose_name="原项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bans_issued",
    )
    until = models.DateField("限制至", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    created_at = models.DateTimeField("登记时间")
    created_by_name = models.CharField("登记人", max_length=100)
    organisation_name = models.CharField("登记单位", max_length=200, blank=True)

    class Meta:
        verbose_name = "人员任职限制"
        verbose_name_plural = "人员任职限制"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["person"])]

    def __str__(self) -> str:
        return f"{self.person} {self.get_reason_display()}"


class Subcontract(TimeStampedModel):
    """A subcontract allowed by the construction contract (R-PRJ-08, SY 36)."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="subcontracts"
    )
    participant = models.ForeignKey(
        Participant,
        verbose_name="总承包（施工）单位",
        on_delete=models.PROTECT,
        related_name="subcontracts",
    )
    subcontractor_name = models.CharField("分包单位", max_length=200)
    subcontractor_uscc = models.CharField("分包单位统一社会信用代码", max_length=18)
    scope = models.TextField("分包内容")
    amount = models.DecimalField(
        "分包金额（元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    signed_on = models.DateField("签订日期")
    document = models.ForeignKey(
        ProjectDocument, verbose_name="分包合同", on_delete=models.PROTECT, related_name="+"
    )
    registered_by_name = models.CharField("填报人", max_length=100)

    objects = ScopedManager()

    class Meta:
        verbose_name = "分包合同"
        verbose_name_plural = "分包合同"
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.subcontractor_name}：{self.scope[:30]}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return project_scope_q(actor, "project__")


class SupplementaryAgreement(TimeStampedModel):
    """补充协议 to a contractor's contract (R-INS-07, QZ 2(二)): what it
    changes against the contract: amount, duration, scope, key personnel.
    Registered by the owner or the contractor of the project; contract checks
    compare every agreement with the award."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="agreements"
    )
    participant = models.ForeignKey(
        Participant,
        verbose_name="所补充的合同（参建单位）",
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    number = models.CharField("协议编号", max_length=60)
    signed_on = models.DateField("签订日期")
    amount_change = models.DecimalField(
        "合同金额变化（元）", max_digits=16, decimal_places=2, default=Decimal("0")
    )
    duration_change_days = models.IntegerField("工期变化（日历天）", default=0)
    scope_change = models.TextField("工程范围（内容）变化", blank=True)
    personnel_change = models.TextField("关键岗位人员变化", blank=True)
    document = models.ForeignKey(
        ProjectDocument, verbose_name="协议文件", on_delete=models.PROTECT, related_name="+"
    )
    registered_by_name = models.CharField("登记人", max_length=100)
    registered_by_org = models.CharField("登记单位", max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "补充协议"
        verbose_name_plural = "补充协议"
        ordering = ["signed_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="agreement_number_once")
        ]

    def __str__(self) -> str:
        return f"补充协议 {self.number}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return project_scope_q(actor, "project__")


class Suspension(models.Model):
    """A suspension of works (停工, R-PRJ-07, SY 35).

    Declared online by the owner on the day it starts; once confirmed the
    project is suspended and its clocks stop; the owner's project leader
    switches the project back on (resumption).
    """

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="suspensions"
    )
    state = models.CharField(
        "状态", max_length=20, choices=SuspensionState.choices, default=SuspensionState.DECLARED
    )
    started_at = models.DateTimeField("停工时间")
    reason = models.TextField("停工原因")
    declared_at = models.DateTimeField("申报时间")
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declared_by_name = models.CharField("申报人", max_length=100)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_by_name = models.CharField("确认人", max_length=100, blank=True)
    confirmed_by_org = models.CharField("确认单位", max_length=200, blank=True)
    decision_note = models.CharField("确认意见", max_length=300, blank=True)
    ended_at = models.DateTimeField("复工时间", null=True, blank=True)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resumed_by_name = models.CharField("复工操作人", max_length=100, blank=True)
    resume_note = models.CharField("复工说明", max_length=300, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "停工记录"
        verbose_name_plural = "停工记录"
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(state__in=OPEN_SUSPENSION_STATES),
                name="suspension_one_open_per_project",
            )
        ]
        indexes = [models.Index(fields=["project", "state"])]

    def __str__(self) -> str:
        return f"{self.project} 停工 {self.started_at:%Y-%m-%d}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return project_scope_q(actor, "project__")


class Interview(models.Model):
    """Post-award interview / performance reminder (约谈、履约提醒, R-PRJ-11)."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="interviews"
    )
    held_on = models.DateField("约谈日期")
    location = models.CharField("地点", max_length=200, blank=True)
    attendees = models.JSONField(
        "参加人员", default=list, help_text="[{organisation_id, organisation, name, title}]"
    )
    topics = models.JSONField("提醒事项", default=list)
    notes = models.TextField("约谈内容摘要", blank=True)
    record_document = models.ForeignKey(
        ProjectDocument, verbose_name="签字记录", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间")
    recorded_by_name = models.CharField("登记人", max_length=100)
    recorded_by_org = models.CharField("登记单位", max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "标后约谈"
        verbose_name_plural = "标后约谈"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.project} 约谈 {self.held_on}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return project_scope_q(actor, "project__")


class AbnormalAwardEvent(models.Model):
    """Abandonment of an award, cancellation or delayed signing (R-PRJ-12, LC 五)."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="abnormal_events"
    )
    kind = models.CharField("事件类型", max_length=30, choices=AbnormalAwardKind.choices)
    occurred_on = models.DateField("发生日期")
    party_name = models.CharField("相关单位", max_length=200, blank=True)
    reason = models.TextField("原因说明")
    filing_document = models.ForeignKey(
        ProjectDocument,
        verbose_name="报备材料",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        "状态",
        max_length=20,
        choices=AbnormalAwardState.choices,
        default=AbnormalAwardState.REPORTED,
    )
    recorded_at = models.DateTimeField("登记时间")
    recorded_by_name = models.CharField("登记人", max_length=100)
    recorded_by_org = models.CharField("登记单位", max_length=200, blank=True)
    reviewed_at = models.DateTimeField("审查时间", null=True, blank=True)
    reviewed_by_name = models.CharField("审查人", max_length=100, blank=True)
    reviewed_by_org = models.CharField("审查单位", max_length=200, blank=True)
    review_note = models.TextField("审查意见", blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "标后异常事件"
        verbose_name_plural = "标后异常事件"
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.project} {self.get_kind_display()}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return project_scope_q(actor, "project__")


class DataCompletionApplication(models.Model):
    """项目资料补全申请书 (R-PRJ-05, SY 33): a project that was not supervised on
    the platform may enter settlement only after the superior unit approves this
    application and the owner has back-filled the data."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="data_completions"
    )
    state = models.CharField(
        "状态",
        max_length=20,
        choices=DataCompletionState.choices,
        default=DataCompletionState.SUBMITTED,
    )
    reason = models.TextField("未纳入平台监管的原因")
    application_document = models.ForeignKey(
        ProjectDocument, verbose_name="申请书", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("申请时间")
    submitted_by_name = models.CharField("申请人", max_length=100)
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decided_by_name = models.CharField("审批人", max_length=100, blank=True)
    decided_by_org = models.CharField("审批单位", max_length=200, blank=True)
    decision_note = models.CharField("审批意见", max_length=300, blank=True)
    backfilled_at = models.DateTimeField("补全时间", null=True, blank=True)
    backfilled_by_name = models.CharField("补全人", max_length=100, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "资料补全申请"
        verbose_name_plural = "资料补全申请"
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project} 资料补全申请"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return project_scope_q(actor, "project__")


class TimelineEntry(models.Model):
    """One node of the project's archive timeline (一项目一档案, R-PRJ-04): tender,
    award, contract, assignment, lifecycle transitions, records, with who did it
    and the document that proves it."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="timeline"
    )
    at = models.DateTimeField("时间", db_index=True)
    node = models.CharField("节点", max_length=60, db_index=True)
    title = models.CharField("事项", max_length=200)
    detail = models.TextField("说明", blank=True)
    actor_name = models.CharField("操作人", max_length=100, blank=True)
    organisation_name = models.CharField("单位", max_length=200, blank=True)
    document = models.ForeignKey(
        ProjectDocument,
        verbose_name="资料",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = "项目档案节点"
        verbose_name_plural = "项目档案节点"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.title}"

    LIFECYCLE_NODES = frozenset(
        {
            "registered",
            "award",
            "preparing",
            "works_started",
            "suspended",
            "resumed",
            "completed",
            "accepted",
            "settlement_submitted",
            "settled",
            "funds_paid",
            "deposit_returned",
        }
    )
    WARNING_NODES = frozenset(
        {"terminated", "abnormal_award", "uncovered", "suspension_declared", "suspended"}
    )

    @property
    def css(self) -> str:
        """The marker of the node on the timeline: lifecycle steps and warnings."""
        classes = []
        if self.node in self.LIFECYCLE_NODES:
            classes.append("node-lifecycle")
        if self.node in self.WARNING_NODES:
            classes.append("node-warn")
        return " ".join(classes)

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return project_scope_q(actor, "project__")


class AwardImport(models.Model):
    """One import of awarded projects (file, API push or command), with its
    row-by-row report (R-PRJ-01)."""

    at = models.DateTimeField("导入时间")
    channel = models.CharField("渠道", max_length=10, choices=ImportChannel.choices)
    format = models.CharField("格式", max_length=10, choices=ImportFormat.choices)
    filename = models.CharField("文件名", max_length=200, blank=True)
    actor_user_id = models.BigIntegerField("操作人ID", null=True, blank=True)
    actor_name = models.CharField("操作人", max_length=100)
    organisation_id = models.BigIntegerField("单位ID", null=True, blank=True)
    organisation_name = models.CharField("单位", max_length=200, blank=True)
    total = models.PositiveIntegerField("行数", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("无变化", default=0)
    failed = models.PositiveIntegerField("失败", default=0)
    rows = models.JSONField("逐行结果", default=list)
    errors = models.JSONField("错误", default=list)

    objects = ScopedManager()

    class Meta:
        verbose_name = "中标项目导入"
        verbose_name_plural = "中标项目导入"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_format_display()} {self.filename}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        if actor.org_kind in DISTRICT_WIDE_KINDS:
            return Q(organisation_id=actor.organisation_id) | Q(organisation_id__isnull=True)
        return Q(organisation_id=actor.organisation_id)
