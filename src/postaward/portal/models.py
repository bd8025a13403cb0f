"""The contact channels the supervision office publishes on the public window
(R-CMP-05: 公布投诉举报电话、通信地址、接待时间), edited by the office itself."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from postaward.core.actor import Actor
from postaward.core.scoping import NOTHING, ScopedManager
from postaward.orgs.choices import OrgKind, Role


class PublicContact(models.Model):
    """One published channel of an office (a reception point), in order."""

    office = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="监管办",
        on_delete=models.CASCADE,
        related_name="public_contacts",
    )
    position = models.PositiveSmallIntegerField("顺序", default=0)
    name = models.CharField("受理机构（接待点）", max_length=60)
    complaint_phone = models.CharField("投诉电话", max_length=40, blank=True)
    report_phone = models.CharField("举报电话", max_length=40, blank=True)
    mailing_address = models.CharField("来信地址", max_length=200, blank=True)
    reception_address = models.CharField("来访接待地址", max_length=200, blank=True)
    office_hours = models.CharField("接待时间", max_length=100, blank=True)
    email = models.CharField("电子邮箱", max_length=100, blank=True)
    website = models.CharField("网站", max_length=200, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "公众门户联系方式"
        ordering = ["office_id", "position", "pk"]

    def __str__(self) -> str:
        return self.name


FIELDS = (
    "name",
    "complaint_phone",
    "report_phone",
    "mailing_address",
    "reception_address",
    "office_hours",
    "email",
    "website",
    "note",
)


def as_dict(c: PublicContact) -> dict[str, Any]:
    return {f: getattr(c, f) for f in FIELDS}


class Publication(models.Model):
    """公示: a result the office publishes on the public site (R-CAS-05): a
    penalty decision (later also inspection results), from the office head's
    sign-off (``cases.publication_signed_off``), published within 10 working
    days with personal data masked."""

    class State(models.TextChoices):
        PENDING = "pending", "待公示"
        PUBLISHED = "published", "已公示"

    class Kind(models.TextChoices):
        PENALTY = "penalty", "行政处罚决定"
        INSPECTION = "inspection", "检查结果"

    case_id = models.PositiveIntegerField("案件")
    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    case_number = models.CharField("案件编号", max_length=40)
    office = models.ForeignKey(
        "orgs.Organisation", verbose_name="监管办", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("标题", max_length=200)
    subject_name = models.CharField("当事人（单位）", max_length=200)
    subject_public = models.CharField("公示的当事人", max_length=200)
    text = models.TextField("决定原文（不公开）")
    masked_text = models.TextField("公示正文")
    decision_number = models.CharField("决定书文号", max_length=100)
    decided_on = models.DateField("决定日期")
    signed_off_at = models.DateTimeField("审签时间")
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.PENDING)
    published_at = models.DateTimeField("公示时间", null=True, blank=True)
    published_by_name = models.CharField("公示人", max_length=100, blank=True)
    created_at = models.DateTimeField("创建时间")

    objects = ScopedManager()

    class Meta:
        verbose_name = "结果公示"
        ordering = ["-signed_off_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["case_id", "kind"], name="publication_once_per_case")
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        """The staff, leaders and administrators of the supervision office (and
        the bodies above it); the public reads only what is published, through
        the public pages (``publications.public``)."""
        if not actor.org_path or actor.user_id is None:
            return NOTHING
        if actor.org_kind == OrgKind.SUPERVISION_OFFICE and actor.roles & PUBLISHER_ROLES:
            return Q(office__path__startswith=actor.org_path)
        return NOTHING


PUBLISHER_ROLES = frozenset({Role.ADMIN, Role.UNIT_LEADER, Role.OFFICE_STAFF})


def snapshot_publication(p: Publication) -> dict[str, Any]:
    return {
        "case_number": p.case_number,
        "title": p.title,
        "state": p.state,
        "subject_public": p.subject_public,
        "masked_text": p.masked_text,
    }
