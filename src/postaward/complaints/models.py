"""Complaints and reports (投诉举报, R-CMP-01..05).

A ``Complaint`` is one filing, a complaint (投诉) by a party or an interested
party, or a report (举报) by anyone, named or anonymous. Its legal clocks are
``core.deadlines`` rows opened at receipt (``deadline_kinds.py``).

The complainant's identity (name, ID number, mobile, other contact) is stored
SM4-GCM encrypted (``core.crypto``), bound to the receipt number, and never
leaves this app but through ``identity.reveal`` (audited, R-CMP-04); the mobile
has a keyed blind index for the per-mobile limits. The query code is kept only
as a keyed digest.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from postaward.core import clock
from postaward.core.actor import Actor
from postaward.core.files import private_storage
from postaward.core.scoping import NOTHING, ScopedManager
from postaward.orgs.choices import OrgKind, Role

from .choices import (
    Channel,
    DocumentKind,
    FileRole,
    FilerStanding,
    Kind,
    Outcome,
    PartState,
    ReferralState,
    ReferralTarget,
    State,
)

# Roles of the supervision office that read complaints (the identity stays with
# the assigned staff: ``identity.may_reveal``).
OFFICE_ROLES = frozenset({Role.ADMIN, Role.UNIT_LEADER, Role.OFFICE_STAFF})
# Roles of a handling unit that read and answer what was transferred to it.
UNIT_ROLES = frozenset({Role.ADMIN, Role.UNIT_LEADER, Role.AUTHORITY_STAFF, Role.LINE_SUPERVISOR})
# States in which the handling unit has (or had) the case.
WITH_UNIT = (State.TRANSFERRED, State.REPLIED, State.REVIEWED, State.CLOSED)


class Complaint(models.Model):
    """投诉举报: one filing, from receipt to the answer to the complainant."""

    kind = models.CharField("类别", max_length=12, choices=Kind.choices, db_index=True)
    channel = models.CharField("来源渠道", max_length=12, choices=Channel.choices, db_index=True)
    standing = models.CharField(
        "投诉人身份", max_length=12, choices=FilerStanding.choices, default=FilerStanding.PUBLIC
    )
    office = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="受理机构",
        on_delete=models.PROTECT,
        related_name="complaints_received",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    project_text = models.CharField("项目名称或编号（投诉人填写）", max_length=200, blank=True)
    subject_text = models.CharField("被投诉（举报）单位或个人", max_length=200)
    subject_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="被投诉（举报）单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_about",
    )
    facts = models.TextField("事实和理由")
    requests = models.TextField("投诉请求", blank=True)
    concerns_officials = models.BooleanField("涉及公职人员或党员", default=False)

    anonymous = models.BooleanField("匿名举报", default=False)
    # SM4-GCM ciphertexts (core.crypto), associated data "complaint:<receipt>:<field>"
    name_enc = models.TextField(blank=True, editable=False)
    id_number_enc = models.TextField(blank=True, editable=False)
    mobile_enc = models.TextField(blank=True, editable=False)
    contact_enc = models.TextField(blank=True, editable=False)
    mobile_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    receipt_number = models.CharField("收件编号", max_length=20, unique=True)
    receipt_day = models.DateField("收件日期")
    receipt_seq = models.PositiveIntegerField("当日序号")
    received_at = models.DateTimeField("收件时间", db_index=True)
    query_code_hash = models.CharField(max_length=64, editable=False)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_ip_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    content_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    idempotency_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    state = models.CharField(
        "状态", max_length=12, choices=State.choices, default=State.RECEIVED, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="承办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("受理决定时间", null=True, blank=True)
    decision_note = models.TextField("受理意见", blank=True)
    reject_reasons = models.JSONField("不予受理理由", default=list, blank=True)

    handling_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="承办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_handled",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="承办单位经办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    identity_shared = models.BooleanField("向承办单位经办人提供投诉人身份", default=False)
    handling_due = models.DateField("承办期限", null=True, blank=True)
    transfer_note = models.TextField("转办要求", blank=True)
    reply = models.TextField("承办单位回复", blank=True)
    replied_at = models.DateTimeField("回复时间", null=True, blank=True)
    review_note = models.TextField("审核意见", blank=True)

    outcome = models.CharField("核查结论", max_length=20, choices=Outcome.choices, blank=True)
    answer = models.TextField("答复投诉人", blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    retaliation = models.BooleanField("投诉人反映遭受打击报复", default=False)
    retaliation_note = models.TextField("打击报复情况", blank=True)

    # 案件基本情况登记表 (R-CMP-01, HC 附件 三(一); ADR 0516): the report to the
    # office head (呈报) and the joint study (会商), recorded by steps.
    reported_to = models.CharField("呈报对象", max_length=100, blank=True)
    reported_on = models.DateField("呈报日期", null=True, blank=True)
    head_instruction = models.TextField("领导批示", blank=True)
    consulted_on = models.DateField("会商日期", null=True, blank=True)
    consult_participants = models.CharField("会商参加人员", max_length=300, blank=True)
    consult_opinion = models.TextField("会商意见", blank=True)

    # 立案调查 (issue 14, ADR 0604): the office asked the cases capability to
    # open a case on it (``complaints.case_requested``)
    case_requested_at = models.DateTimeField("申请立案调查时间", null=True, blank=True)

    created_at = models.DateTimeField(default=clock.now)

    objects = ScopedManager()

    class Meta:
        verbose_name = "投诉举报"
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "receipt_day", "receipt_seq"], name="complaint_receipt_seq"
            )
        ]
        indexes = [
            # the complaint-handling ledger's page, newest first (reports, ADR
            # 0917): read in order until the page is full, not sorted whole
            models.Index(fields=["receipt_day", "id"], name="complaint_day_idx"),
        ]

    def __str__(self) -> str:
        # never the complainant: this text reaches alerts, audit and notices
        return f"{self.get_kind_display()} {self.receipt_number}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        """Who reads a complaint (R-CMP-01, R-CMP-04):

        - the supervision office that received it (and the bodies above it) —
          its administrators, leaders and staff;
        - the unit it was transferred to (from the transfer on), and the
          handler named in it.

        Nobody else: a unit complained about never sees it unless the office
        transferred it to that unit (without the identity)."""
        if not actor.org_path or actor.user_id is None:
            return NOTHING
        out = NOTHING
        if actor.org_kind == OrgKind.SUPERVISION_OFFICE and actor.roles & OFFICE_ROLES:
            out = Q(office__path__startswith=actor.org_path)
        if actor.roles & UNIT_ROLES:
            out |= Q(handling_org_id=actor.organisation_id, state__in=WITH_UNIT)
        # a unit given a part of a split complaint (分办, ADR 0510), and its named handler
        out |= Q(
            pk__in=ComplaintAssignment.objects.filter(_part_holder(actor)).values("complaint_id")
        )
        return out | Q(handler_id=actor.user_id, state__in=WITH_UNIT)

    @property
    def is_open(self) -> bool:
        return self.state not in (State.REJECTED, State.CLOSED)


def _part_holder(actor: Actor) -> Q:
    """The parts an actor of a handling unit holds: its unit's (unit roles) or
    those naming it as the handler."""
    mine = Q(handler_id=actor.user_id) if actor.user_id is not None else NOTHING
    if actor.roles & UNIT_ROLES and actor.organisation_id is not None:
        mine |= Q(org_id=actor.organisation_id)
    return mine


def _shared_with(actor: Actor) -> Q:
    """Complaints whose identity was shared with the actor's unit through a
    part (分办 with ``share_identity``): like a shared single transfer, the
    unit then reads the filing's evidence and the notices to the complainant."""
    parts = ComplaintAssignment.objects.filter(_part_holder(actor), share_identity=True)
    return Q(complaint__in=parts.values("complaint_id"))


class ComplaintAssignment(models.Model):
    """One unit's part of a complaint split between two or more units of the
    project's chain (分办, R-CMP-03, ADR 0510): the part to handle, the
    handling deadline inside the legal closing clock, the unit's reply with its
    evidence, and the office's review (assigned → replied → approved, or sent
    back and replied again)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="assignments")
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="承办单位",
        on_delete=models.PROTECT,
        related_name="complaint_parts",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    part = models.TextField("分办事项")
    share_identity = models.BooleanField("向经办人提供投诉人身份", default=False)
    handling_days = models.PositiveSmallIntegerField("承办期限（工作日）")
    handling_due = models.DateField("承办期限")
    state = models.CharField(
        "状态", max_length=12, choices=PartState.choices, default=PartState.ASSIGNED
    )
    reply = models.TextField("办理情况", blank=True)
    replied_at = models.DateTimeField("回复时间", null=True, blank=True)
    review_note = models.TextField("审核意见", blank=True)
    created_at = models.DateTimeField(default=clock.now)

    objects = ScopedManager()

    class Meta:
        verbose_name = "分办事项"
        ordering = ["complaint_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "org"], name="complaint_part_unit")
        ]

    def __str__(self) -> str:
        # never the complainant: this text reaches alerts, audit and notices
        return f"{self.complaint}（分办：{self.org}）"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        """The office that received the complaint reads every part; a unit
        reads only its own part (and its handler), never another unit's."""
        if not actor.org_path or actor.user_id is None:
            return NOTHING
        out = _part_holder(actor)
        if actor.org_kind == OrgKind.SUPERVISION_OFFICE and actor.roles & OFFICE_ROLES:
            out |= Q(complaint__office__path__startswith=actor.org_path)
        return out


def snapshot_part(a: ComplaintAssignment) -> dict[str, Any]:
    """A part for the audit record (no identity)."""
    return {
        "complaint": a.complaint.receipt_number,
        "org_id": a.org_id,
        "handler_id": a.handler_id,
        "share_identity": a.share_identity,
        "handling_due": a.handling_due.isoformat() if a.handling_due else None,
        "state": a.state,
        "part": a.part,
    }


def _file_path(instance: ComplaintFile, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"complaints/{instance.complaint_id}/{uuid.uuid4().hex}.{ext}"


class ComplaintFile(models.Model):
    """Evidence of a filing, or the material of a unit's reply; served only
    through a scope-checked view."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="files")
    role = models.CharField("用途", max_length=12, choices=FileRole.choices)
    # the part of a split complaint whose reply it supports (ADR 0510)
    assignment = models.ForeignKey(
        ComplaintAssignment,
        verbose_name="分办事项",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="files",
    )
    file = models.FileField("文件", upload_to=_file_path, max_length=255, storage=private_storage)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=60)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_at = models.DateTimeField("上传时间", default=clock.now)

    objects = ScopedManager()

    class Meta:
        verbose_name = "投诉举报材料"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        """Evidence may name the complainant: the office reads it; a handling
        unit reads it only when the identity was shared with it. Reply material
        follows the complaint."""
        seen = Complaint.objects.visible_to(actor).values("pk")
        office = Q(complaint__office__path__startswith=actor.org_path) & Q(complaint__in=seen)
        if actor.org_kind != OrgKind.SUPERVISION_OFFICE:
            office = NOTHING
        parts = ComplaintAssignment.objects.visible_to(actor).values("pk")
        return (
            office
            | Q(complaint__in=seen, role=FileRole.REPLY, assignment__isnull=True)
            | Q(role=FileRole.REPLY, assignment__in=parts)
            | Q(complaint__in=seen, complaint__identity_shared=True, assignment__isnull=True)
            | (Q(role=FileRole.EVIDENCE) & _shared_with(actor))
        )


def _document_path(instance: ComplaintDocument, filename: str) -> str:
    return f"complaints/{instance.complaint_id}/documents/{filename}"


class ComplaintDocument(models.Model):
    """A generated document of a complaint (受理告知书, 不予受理通知书,
    暂停招标投标活动通知书): its number of the year, the PDF and the Word
    file (``core.documents``), served only through a scope-checked view."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("文书", max_length=20, choices=DocumentKind.choices)
    year = models.PositiveIntegerField("年度")
    seq = models.PositiveIntegerField("年度序号")
    number = models.CharField("文号", max_length=60)
    addressee = models.CharField("送达对象", max_length=200)
    to_complainant = models.BooleanField("送达投诉人", default=False)
    pdf = models.FileField("PDF", upload_to=_document_path, max_length=255, storage=private_storage)
    docx = models.FileField(
        "Word", upload_to=_document_path, max_length=255, storage=private_storage
    )
    created_at = models.DateTimeField("生成时间", default=clock.now)

    objects = ScopedManager()

    class Meta:
        verbose_name = "投诉举报文书"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "seq"], name="complaint_document_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        """A notice to the complainant names them: like the evidence, the
        office reads it and a handling unit only when the identity was shared
        with it (R-CMP-04). A notice to a unit follows the complaint."""
        seen = Complaint.objects.visible_to(actor).values("pk")
        office = Q(complaint__office__path__startswith=actor.org_path) & Q(complaint__in=seen)
        if actor.org_kind != OrgKind.SUPERVISION_OFFICE:
            office = NOTHING
        return (
            office
            | Q(complaint__in=seen, to_complainant=False)
            | Q(complaint__in=seen, complaint__identity_shared=True)
            | _shared_with(actor)
        )


class TrackAttempt(models.Model):
    """A try of the public tracking page (number + code): the limit counts the
    failed ones per address (R-CMP-05, anti-abuse)."""

    ip_hash = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(default=clock.now, db_index=True)
    ok = models.BooleanField(default=False)

    class Meta:
        verbose_name = "查询记录"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}"


class ComplaintReferral(models.Model):
    """移送: the office refers a complaint to discipline inspection (party
    members, public officials) or public security (a suspected crime)
    (R-ALR-06, QZ 11; ADR 0515). The referral goes as a ``complaints.referred``
    event that alerts takes up as a clue transfer to the recipient; the
    recipient's receipt number and result come back as
    ``alerts.clue_transfer_updated`` and are kept here. It carries the facts
    and the receipt number, never the complainant (R-CMP-04)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="referrals")
    target = models.CharField("移送方向", max_length=20, choices=ReferralTarget.choices)
    recipient_org = models.ForeignKey(
        "orgs.Organisation", verbose_name="接收机关", on_delete=models.PROTECT, related_name="+"
    )
    document_number = models.CharField("移送函文号", max_length=60)
    note = models.TextField("移送理由")
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="移送人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    referred_by_name = models.CharField("移送人", max_length=100)
    referred_at = models.DateTimeField("移送时间", default=clock.now)
    state = models.CharField(
        "状态", max_length=12, choices=ReferralState.choices, default=ReferralState.SENT
    )
    transfer_id = models.PositiveIntegerField(null=True, blank=True, editable=False)
    receipt_number = models.CharField("回执编号", max_length=60, blank=True)
    received_at = models.DateTimeField("签收时间", null=True, blank=True)
    received_by_name = models.CharField("签收人", max_length=100, blank=True)
    result = models.TextField("办理结果", blank=True)
    result_at = models.DateTimeField("反馈时间", null=True, blank=True)
    result_by_name = models.CharField("反馈人", max_length=100, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "投诉举报移送"
        ordering = ["referred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "recipient_org"], name="complaint_referral_once_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_number} → {self.recipient_org}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        """The office that received the complaint (the recipient reads the clue
        in its own clue-transfer list, not here)."""
        if actor.org_kind != OrgKind.SUPERVISION_OFFICE or not actor.org_path:
            return NOTHING
        seen = Complaint.objects.visible_to(actor).values("pk")
        return Q(complaint__in=seen, complaint__office__path__startswith=actor.org_path)


def snapshot(c: Complaint) -> dict[str, Any]:
    """The complaint for the audit record: never the identity, the query code
    or the hashes (R-CMP-04: no "before/after" shows who complained)."""
    return {
        "receipt_number": c.receipt_number,
        "kind": c.kind,
        "channel": c.channel,
        "state": c.state,
        "project_id": c.project_id,
        "subject_text": c.subject_text,
        "subject_org_id": c.subject_org_id,
        "assignee_id": c.assignee_id,
        "handling_org_id": c.handling_org_id,
        "handler_id": c.handler_id,
        "identity_shared": c.identity_shared,
        "handling_due": c.handling_due.isoformat() if c.handling_due else None,
        "outcome": c.outcome,
        "reject_reasons": list(c.reject_reasons or []),
        "retaliation": c.retaliation,
        "reported_to": c.reported_to,
        "reported_on": c.reported_on.isoformat() if c.reported_on else None,
        "consulted_on": c.consulted_on.isoformat() if c.consulted_on else None,
    }


class MobileCode(models.Model):
    """A verification code sent to a mobile before a public filing (ADR 0521):
    kept as a keyed digest bound to the mobile's blind index, valid
    ``limits.CODE_MINUTES`` minutes and ``limits.CODE_TRIES`` wrong tries,
    used once. The rows also count the sends per mobile and per address."""

    mobile_index = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    ip_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "手机验证码"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"
