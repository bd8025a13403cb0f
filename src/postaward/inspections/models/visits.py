"""The visits part (R-INS-05, R-INS-06, R-INS-08, R-CAS-05; ADR 0710):
an inspection of a project, joint inspections, findings with their evidence
and dispositions, the rectification ledger (整改台账).

An ``Inspection`` is numbered JC-YYYY-NNNN, gapless per office and year (a
locked counter). Its checklist (``InspectionItem``) is frozen at creation;
its team (``InspectionInspector``) was checked by ``conflicts.team_problem``.
Several departments' inspections of the same project or enterprise merge
into one joint inspection (``merged_into``); the findings are on the joint
one, which every department involved reads (``InspectionDepartment``).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.db.models import Q

from postaward.core import clock
from postaward.core.actor import Actor
from postaward.core.files import private_storage
from postaward.core.scoping import NOTHING, ScopedManager
from postaward.orgs.choices import ENTERPRISE_KINDS, OrgKind, Role

OFFICE_ROLES = frozenset({Role.ADMIN, Role.UNIT_LEADER, Role.OFFICE_STAFF})
DEPARTMENT_ROLES = frozenset({Role.ADMIN, Role.UNIT_LEADER, Role.AUTHORITY_STAFF})


class InspectionState(models.TextChoices):
    SCHEDULED = "scheduled", "已安排"
    NOTIFIED = "notified", "已通知"
    ON_SITE = "on_site", "现场检查"
    RECORD_SIGNED = "record_signed", "记录已签认"
    REPORTED = "reported", "已报告"
    SIGNED_OFF = "signed_off", "负责人已审签"
    PUBLISHED = "published", "结果已公开"
    MERGED = "merged", "已并入联合检查"


class InspectionKind(models.TextChoices):
    RANDOM = "random", "双随机抽查"
    SPECIAL = "special", "专项检查"
    ROUTINE = "routine", "日常检查"


class InspectionSource(models.TextChoices):
    DRAW = "draw", "随机抽取"
    MANUAL = "manual", "人工登记"


class ItemResult(models.TextChoices):
    COMPLIANT = "compliant", "符合"
    FINDING = "finding", "发现问题"


class Disposition(models.TextChoices):
    TALK = "talk", "谈话提醒"
    CRITICISM = "criticism", "批评教育"
    RECTIFY = "rectify", "责令整改"
    CASE = "case", "涉嫌违法违规（立案查处）"
    DISCIPLINE = "discipline", "涉嫌违纪（移送纪检监察机关）"
    POLICE = "police", "涉嫌犯罪（移送公安机关）"


LIGHT_DISPOSITIONS = frozenset({Disposition.TALK, Disposition.CRITICISM, Disposition.RECTIFY})
TRANSFERS = {
    Disposition.DISCIPLINE: OrgKind.DISCIPLINE,
    Disposition.POLICE: OrgKind.PUBLIC_SECURITY,
}


class OrderState(models.TextChoices):
    OPEN = "open", "整改中"
    REPLIED = "replied", "已回复待核查"
    CLOSED = "closed", "已销号"


class Inspection(models.Model):
    """检查: one visit to a project (or, merged, one joint visit)."""

    number = models.CharField("检查编号", max_length=20, unique=True)
    year = models.PositiveIntegerField("年度")
    seq = models.PositiveIntegerField("年度序号")
    office = models.ForeignKey(
        "orgs.Organisation", verbose_name="监管办", on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="牵头部门",
        on_delete=models.PROTECT,
        related_name="inspections_led",
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("检查类型", max_length=10, choices=InspectionKind.choices)
    source = models.CharField("来源", max_length=10, choices=InspectionSource.choices)
    source_ref = models.CharField("来源编号", max_length=60, blank=True)
    announced = models.BooleanField("事先通知", default=True)
    period_start = models.DateField("检查期间自")
    period_end = models.DateField("检查期间至")
    procedure = models.TextField("检查程序", blank=True)
    state = models.CharField(
        "办理环节",
        max_length=16,
        choices=InspectionState.choices,
        default=InspectionState.SCHEDULED,
        db_index=True,
    )
    is_joint = models.BooleanField("联合检查", default=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="并入的联合检查",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    created_at = models.DateTimeField("登记时间", default=clock.now, db_index=True)
    created_by_name = models.CharField("登记人", max_length=100, blank=True)
    notified_at = models.DateTimeField("通知时间", null=True, blank=True)
    notice = models.TextField("检查通知", blank=True)
    visited_at = models.DateTimeField("进场时间", null=True, blank=True)
    record_signed_at = models.DateTimeField("记录签认完成", null=True, blank=True)
    reported_at = models.DateTimeField("报告时间", null=True, blank=True)
    report = models.TextField("检查情况报告", blank=True)
    signed_off_at = models.DateTimeField("负责人审签时间", null=True, blank=True)
    signed_off_by_name = models.CharField("审签人", max_length=100, blank=True)
    sign_off_note = models.TextField("审签意见", blank=True)
    published_at = models.DateTimeField("结果公开时间", null=True, blank=True)
    published_by_name = models.CharField("公开人", max_length=100, blank=True)
    public_summary = models.TextField("公开的检查结果", blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "检查"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "seq"], name="inspection_number_seq")
        ]

    def __str__(self) -> str:
        return f"检查 {self.number}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        """The office, every department taking part, and the inspectors."""
        if not actor.org_path or actor.user_id is None:
            return NOTHING
        out = NOTHING
        if actor.org_kind == OrgKind.SUPERVISION_OFFICE and actor.roles & OFFICE_ROLES:
            out = Q(office__path__startswith=actor.org_path)
        if actor.org_kind != OrgKind.SUPERVISION_OFFICE and actor.roles & DEPARTMENT_ROLES:
            out |= Q(
                pk__in=InspectionDepartment.objects.filter(
                    department_id=actor.organisation_id
                ).values("inspection_id")
            )
        if actor.person_id is not None:
            out |= Q(
                pk__in=InspectionInspector.objects.filter(person_id=actor.person_id).values(
                    "inspection_id"
                )
            )
        return out

    @property
    def disclosed(self) -> bool:
        """On the public site before the visit (announced: once notified;
        unannounced — 不打招呼 — once the visit is done)."""
        done = {
            InspectionState.RECORD_SIGNED,
            InspectionState.REPORTED,
            InspectionState.SIGNED_OFF,
            InspectionState.PUBLISHED,
        }
        if self.state == InspectionState.MERGED:
            return False
        if self.announced:
            return self.state != InspectionState.SCHEDULED
        return self.state in done


class InspectionDepartment(models.Model):
    """A department taking part (its own inspection merged into a joint one)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="departments")
    department = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    lead = models.BooleanField("牵头", default=False)
    original_number = models.CharField("原检查编号", max_length=20, blank=True)

    class Meta:
        verbose_name = "参与部门"
        ordering = ["inspection_id", "-lead", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "department"], name="inspection_department_once"
            )
        ]


class InspectionInspector(models.Model):
    """An inspector of the team (checked by ``conflicts.team_problem``)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="inspectors")
    certificate = models.ForeignKey(
        "cases.EnforcementCertificate", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("姓名", max_length=50)
    department_name = models.CharField("所在部门", max_length=200)
    certificate_number = models.CharField("执法证号", max_length=40)
    signed_at = models.DateTimeField("签认时间", null=True, blank=True)

    class Meta:
        verbose_name = "检查人员"
        ordering = ["inspection_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "person"], name="inspector_once")
        ]

    def __str__(self) -> str:
        return f"{self.name}（执法证号 {self.certificate_number}）"


class InspectionItem(models.Model):
    """A checklist item, frozen on the inspection at creation, with its result."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField("序号")
    name = models.CharField("检查事项", max_length=200)
    basis = models.CharField("检查依据", max_length=500)
    method = models.CharField("检查方式", max_length=100)
    stage = models.CharField("阶段", max_length=20, blank=True)
    item_key = models.CharField("事项编码", max_length=60, blank=True)
    department_name = models.CharField("提出部门", max_length=200, blank=True)
    result = models.CharField("检查结果", max_length=10, choices=ItemResult.choices, blank=True)
    result_note = models.TextField("检查情况", blank=True)

    class Meta:
        verbose_name = "检查事项"
        ordering = ["inspection_id", "position", "id"]

    def __str__(self) -> str:
        return self.name


class Finding(models.Model):
    """发现的问题 of an item, with its disposition (R-INS-08)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(InspectionItem, on_delete=models.PROTECT, related_name="findings")
    description = models.TextField("问题描述")
    subject_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="责任主体",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_text = models.CharField("责任主体名称", max_length=200)
    recorded_at = models.DateTimeField("记录时间", default=clock.now)
    recorded_by_name = models.CharField("记录人", max_length=100)
    disposition = models.CharField(
        "处理方式", max_length=12, choices=Disposition.choices, blank=True
    )
    first_minor = models.BooleanField("首次且轻微", default=False)
    social_harm = models.BooleanField("造成社会危害", default=False)
    disposition_note = models.TextField("处理意见", blank=True)
    disposed_at = models.DateTimeField("处理时间", null=True, blank=True)
    disposed_by_name = models.CharField("处理人", max_length=100, blank=True)
    transfer_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="移送机关",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    transfer_document = models.CharField("移送函文号", max_length=60, blank=True)
    case_requested_at = models.DateTimeField("提请立案时间", null=True, blank=True)
    published_event_at = models.DateTimeField("检查结果已通报", null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "检查发现问题"
        ordering = ["inspection_id", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.inspection.number}：{self.item.name}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return Q(inspection__in=Inspection.objects.visible_to(actor).values("pk"))


def _evidence_path(instance: Any, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"inspections/{instance.inspection_id}/{uuid.uuid4().hex}.{ext}"


class Evidence(models.Model):
    """A photo or document of an item (checked upload, private storage), with
    the browser's position and time when given (in-page capture on a phone)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="evidence")
    item = models.ForeignKey(InspectionItem, on_delete=models.PROTECT, related_name="evidence")
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(
        "文件", upload_to=_evidence_path, max_length=255, storage=private_storage
    )
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=60)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    sha256 = models.CharField("SHA-256", max_length=64)
    lat = models.FloatField("纬度", null=True, blank=True)
    lon = models.FloatField("经度", null=True, blank=True)
    accuracy_m = models.FloatField("定位精度（米）", null=True, blank=True)
    taken_at = models.DateTimeField("拍摄时间（设备）", null=True, blank=True)
    uploaded_at = models.DateTimeField("上传时间", default=clock.now)
    uploaded_by_name = models.CharField("上传人", max_length=100)

    objects = ScopedManager()

    class Meta:
        verbose_name = "检查证据"
        ordering = ["inspection_id", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return Q(inspection__in=Inspection.objects.visible_to(actor).values("pk"))


class RectificationOrder(models.Model):
    """责令整改: the order of a finding, its deadline (working days), the
    subject's replies and the inspector's verifications (事事有回音)."""

    finding = models.OneToOneField(Finding, on_delete=models.PROTECT, related_name="order")
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="orders")
    number = models.CharField("整改通知编号", max_length=30, unique=True)
    subject_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="整改主体",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_text = models.CharField("整改主体名称", max_length=200)
    requirement = models.TextField("整改要求")
    days = models.PositiveSmallIntegerField("整改期限（工作日）")
    issued_at = models.DateTimeField("下达时间", default=clock.now)
    due_on = models.DateField("整改期限至")
    state = models.CharField(
        "整改状态", max_length=10, choices=OrderState.choices, default=OrderState.OPEN
    )
    rounds = models.PositiveSmallIntegerField("整改轮次", default=1)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "整改通知"
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"整改通知 {self.number}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        """Who reads the inspection; the subject (an enterprise) or the
        project's owner only their own orders."""
        out = Q(inspection__in=Inspection.objects.visible_to(actor).values("pk"))
        if actor.user_id is None or actor.organisation_id is None:
            return out
        if actor.org_kind in ENTERPRISE_KINDS:
            out |= Q(subject_org_id=actor.organisation_id)
        if actor.org_kind == OrgKind.OWNER:
            out |= Q(subject_org_id=actor.organisation_id)
        return out


class RectificationReply(models.Model):
    """The subject's reply with its evidence, and the verification of it."""

    class Verdict(models.TextChoices):
        PASSED = "passed", "整改到位"
        FAILED = "failed", "未整改到位"

    order = models.ForeignKey(RectificationOrder, on_delete=models.CASCADE, related_name="replies")
    round = models.PositiveSmallIntegerField("轮次")
    text = models.TextField("整改情况")
    file = models.FileField(
        "整改材料",
        upload_to="inspections/replies/",
        max_length=255,
        storage=private_storage,
        blank=True,
    )
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    replied_at = models.DateTimeField("回复时间", default=clock.now)
    replied_by_name = models.CharField("回复人", max_length=100)
    on_time = models.BooleanField("按期回复", default=True)
    verdict = models.CharField("核查结论", max_length=10, choices=Verdict.choices, blank=True)
    verify_note = models.TextField("核查意见", blank=True)
    verified_at = models.DateTimeField("核查时间", null=True, blank=True)
    verified_by_name = models.CharField("核查人", max_length=100, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "整改回复"
        ordering = ["order_id", "round", "id"]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return Q(order__in=RectificationOrder.objects.visible_to(actor).values("pk"))


def snapshot(i: Inspection) -> dict[str, Any]:
    return {
        "number": i.number,
        "state": i.state,
        "project_id": i.project_id,
        "department_id": i.department_id,
        "announced": i.announced,
        "is_joint": i.is_joint,
        "merged_into": i.merged_into_id,
        "period": f"{i.period_start.isoformat()}..{i.period_end.isoformat()}",
    }


def order_snapshot(o: RectificationOrder) -> dict[str, Any]:
    return {
        "number": o.number,
        "state": o.state,
        "due_on": o.due_on.isoformat(),
        "rounds": o.rounds,
        "subject_text": o.subject_text,
    }


__all__ = [
    "Disposition",
    "Evidence",
    "Finding",
    "Inspection",
    "InspectionDepartment",
    "InspectionInspector",
    "InspectionItem",
    "InspectionKind",
    "InspectionSource",
    "InspectionState",
    "ItemResult",
    "OrderState",
    "RectificationOrder",
    "RectificationReply",
]
