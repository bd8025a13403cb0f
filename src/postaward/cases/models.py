"""Cases (案件查处, R-CAS-01..06): a matter the supervision office investigates
with the competent departments until the competent department decides.

A ``Case`` is numbered AJ-YYYY-NNNN, gapless per office and year (a locked
counter, ``services.intake``). It keeps its source and a link back (a
complaint's receipt number, an issue's number); never a complainant's
identity (R-CMP-04). Its team (组长负责制) comes from the enforcement staff
pool (``EnforcementCertificate``); its documents are ``CaseDocument`` rows
(``documents.issue``), private files served through ``core.files.download``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q

from postaward.core import clock
from postaward.core.actor import Actor
from postaward.core.files import private_storage
from postaward.core.scoping import NOTHING, ScopedManager
from postaward.orgs.choices import ENTERPRISE_KINDS, OrgKind, Role

from .choices import DeliveryMethod, DocumentKind, MemberRole, Outcome, Source, State

OFFICE_ROLES = frozenset({Role.ADMIN, Role.UNIT_LEADER, Role.OFFICE_STAFF})
DEPARTMENT_ROLES = frozenset({Role.ADMIN, Role.UNIT_LEADER, Role.AUTHORITY_STAFF})


class EnforcementCertificate(models.Model):
    """执法证: a person of any department holding an enforcement certificate
    may sit on an investigation team (R-CAS-02)."""

    person = models.ForeignKey(
        "orgs.Person", verbose_name="持证人", on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField("执法证号", max_length=40, unique=True)
    department = models.ForeignKey(
        "orgs.Organisation", verbose_name="所在部门", on_delete=models.PROTECT, related_name="+"
    )
    valid_until = models.DateField("有效期至")

    objects = ScopedManager()

    class Meta:
        verbose_name = "执法证"
        ordering = ["department_id", "number"]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.department.name}，执法证号 {self.number}）"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        """The office (it forms the teams) and each department for its own staff."""
        if not actor.org_path or actor.user_id is None:
            return NOTHING
        if actor.org_kind == OrgKind.SUPERVISION_OFFICE and actor.roles & OFFICE_ROLES:
            return Q(department__path__startswith=actor.org_path.split("/", 1)[0] + "/")
        return Q(department_id=actor.organisation_id)


class Case(models.Model):
    """案件: from intake to closing and archiving."""

    number = models.CharField("案件编号", max_length=20, unique=True)
    year = models.PositiveIntegerField("年度")
    seq = models.PositiveIntegerField("年度序号")
    source = models.CharField("案件来源", max_length=12, choices=Source.choices, db_index=True)
    source_ref = models.CharField("来源编号", max_length=60, blank=True)
    source_text = models.CharField("来源说明", max_length=300, blank=True)
    source_url = models.CharField("来源链接", max_length=300, blank=True)
    source_key = models.CharField(max_length=80, blank=True, editable=False, db_index=True)
    office = models.ForeignKey(
        "orgs.Organisation", verbose_name="监管办", on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="主管部门",
        on_delete=models.PROTECT,
        related_name="cases_competent",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    party_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="当事单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_as_party",
    )
    party_person = models.ForeignKey(
        "orgs.Person",
        verbose_name="当事人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    party_name = models.CharField("当事人名称", max_length=200)
    title = models.CharField("案由", max_length=200)
    facts = models.TextField("基本案情")
    state = models.CharField(
        "办理环节", max_length=20, choices=State.choices, default=State.REGISTERED, db_index=True
    )
    outcome = models.CharField("处理结果", max_length=20, choices=Outcome.choices, blank=True)
    registered_at = models.DateTimeField("登记时间", default=clock.now, db_index=True)
    registered_by_name = models.CharField("登记人", max_length=100, blank=True)
    assigned_at = models.DateTimeField("组建调查组时间", null=True, blank=True)
    investigation_due = models.DateField("调查期限", null=True, blank=True)
    extension_count = models.PositiveSmallIntegerField("延期次数", default=0)
    report = models.TextField("调查报告", blank=True)
    proposal = models.TextField("拟处理意见", blank=True)
    deliberation = models.TextField("审议意见", blank=True)
    filed_at = models.DateTimeField("立案时间", null=True, blank=True)
    filing_note = models.TextField("立案意见", blank=True)
    evidence_review = models.TextField("证据复核意见", blank=True)
    measure = models.CharField("处罚（处理）措施", max_length=300, blank=True)
    fine_yuan = models.DecimalField(
        "罚款（元）", max_digits=14, decimal_places=2, default=Decimal(0)
    )
    points = models.PositiveSmallIntegerField("信用量化记分", default=0)
    basis = models.CharField("法律依据", max_length=500, blank=True)
    approval_note = models.TextField("处罚审批意见", blank=True)
    notified_on = models.DateField("告知日期", null=True, blank=True)
    defence_until = models.DateField("陈述申辩期限", null=True, blank=True)
    hearing_until = models.DateField("听证申请期限", null=True, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decision_number = models.CharField("决定书文号", max_length=60, blank=True)
    credit_entered_on = models.DateField("信用记录日期", null=True, blank=True)
    signed_off_at = models.DateTimeField("公示签发时间", null=True, blank=True)
    feedback = models.TextField("结果反馈", blank=True)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    end_note = models.TextField("结案说明", blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "案件"
        ordering = ["-registered_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "seq"], name="case_number_seq")
        ]

    def __str__(self) -> str:
        return f"案件 {self.number}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        """Who reads a case (R-CAS-02): the office (its administrators,
        leaders and staff), the competent department, and the team's members.
        The party reads only the documents delivered to it (``CaseDocument``)."""
        if not actor.org_path or actor.user_id is None:
            return NOTHING
        out = NOTHING
        if actor.org_kind == OrgKind.SUPERVISION_OFFICE and actor.roles & OFFICE_ROLES:
            out = Q(office__path__startswith=actor.org_path)
        if actor.org_kind != OrgKind.SUPERVISION_OFFICE and actor.roles & DEPARTMENT_ROLES:
            out |= Q(department_id=actor.organisation_id)
        if actor.person_id is not None:
            out |= Q(pk__in=CaseMember.objects.filter(person_id=actor.person_id).values("case_id"))
        return out

    @property
    def is_open(self) -> bool:
        return self.state != State.CLOSED


class CaseMember(models.Model):
    """A member of the investigation team: the leader (组长负责制), members and
    specialists of the departments, each with an enforcement certificate."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="+")
    certificate = models.ForeignKey(
        EnforcementCertificate, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    role = models.CharField("分工", max_length=12, choices=MemberRole.choices)
    name = models.CharField("姓名", max_length=50)
    department_name = models.CharField("所在部门", max_length=200)
    certificate_number = models.CharField("执法证号", max_length=40, blank=True)

    class Meta:
        verbose_name = "调查组成员"
        ordering = ["case_id", "role", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="case_member_once")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"


class CaseExtension(models.Model):
    """延长调查时限: requested by the team, approved by the office head."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField("延长工作日")
    reason = models.TextField("延期理由")
    requested_by_name = models.CharField("申请人", max_length=100)
    requested_at = models.DateTimeField("申请时间", default=clock.now)
    approved = models.BooleanField("已批准", default=False)
    approved_by_name = models.CharField("批准人", max_length=100, blank=True)
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    new_due = models.DateField("新的调查期限", null=True, blank=True)

    class Meta:
        verbose_name = "延长调查时限"
        ordering = ["case_id", "requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.case.number} 延期 {self.days} 个工作日"


class CaseMeeting(models.Model):
    """案件会审: convened by the director (or a deputy on the director's
    behalf), with the agenda, attendees, approved absences and minutes."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="meeting")
    held_on = models.DateField("会审日期")
    convener = models.CharField("召集人", max_length=100)
    on_behalf = models.BooleanField("受主任委托召集", default=False)
    agenda = models.TextField("议程")
    attendees = models.TextField("参会人员")
    absences = models.TextField("缺席人员", blank=True)
    absence_approved_by = models.CharField("缺席批准人", max_length=100, blank=True)
    minutes = models.TextField("会议纪要")

    class Meta:
        verbose_name = "案件会审"

    def __str__(self) -> str:
        return f"{self.case.number} 会审"


def _file_path(instance: Any, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}.{ext}"


class CaseDocument(models.Model):
    """A numbered document of a case (``documents.issue``); the party reads
    only those delivered to it (R-CAS-03 scope)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("文书", max_length=20, choices=DocumentKind.choices)
    year = models.PositiveIntegerField("年度")
    seq = models.PositiveIntegerField("年度序号")
    number = models.CharField("文号", max_length=60)
    addressee = models.CharField("送达对象", max_length=200)
    delivered_to_party = models.BooleanField("已送达当事人", default=False)
    # the document itself: numbered, rendered, hashed by the document service
    issued = models.OneToOneField(
        "core.IssuedDocument",
        verbose_name="文书",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_by_name = models.CharField("制作人", max_length=100, blank=True)
    created_at = models.DateTimeField("生成时间", default=clock.now)

    objects = ScopedManager()

    class Meta:
        verbose_name = "案件文书"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        """Whoever reads the case; the party (an enterprise's account) only
        the documents delivered to it, of its own cases."""
        seen = Case.objects.visible_to(actor).values("pk")
        out = Q(case__in=seen)
        if actor.org_kind in ENTERPRISE_KINDS and actor.organisation_id is not None:
            out |= Q(delivered_to_party=True, case__party_org_id=actor.organisation_id)
        return out


class CaseDelivery(models.Model):
    """送达: the method, the day and the proof of service (送达回证)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deliveries")
    method = models.CharField("送达方式", max_length=16, choices=DeliveryMethod.choices)
    delivered_on = models.DateField("送达日期")
    recipient = models.CharField("受送达人", max_length=200)
    proof = models.FileField(
        "送达回证", upload_to=_file_path, max_length=255, storage=private_storage
    )
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    recorded_by_name = models.CharField("记录人", max_length=100)
    recorded_at = models.DateTimeField("记录时间", default=clock.now)

    objects = ScopedManager()

    class Meta:
        verbose_name = "送达记录"
        ordering = ["case_id", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_method_display()}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return Q(case__in=Case.objects.visible_to(actor).values("pk"))


def snapshot(c: Case) -> dict[str, Any]:
    """The case for the audit record (never a complainant: none is kept)."""
    return {
        "number": c.number,
        "source": c.source,
        "source_ref": c.source_ref,
        "state": c.state,
        "outcome": c.outcome,
        "department_id": c.department_id,
        "party_name": c.party_name,
        "investigation_due": c.investigation_due.isoformat() if c.investigation_due else None,
        "extension_count": c.extension_count,
        "measure": c.measure,
        "fine_yuan": str(c.fine_yuan),
        "points": c.points,
        "decision_number": c.decision_number,
        "decided_on": c.decided_on.isoformat() if c.decided_on else None,
    }


__all__ = [
    "Case",
    "CaseDelivery",
    "CaseDocument",
    "CaseExtension",
    "CaseMeeting",
    "CaseMember",
    "EnforcementCertificate",
]
