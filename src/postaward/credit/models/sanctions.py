"""The sanctions register (处理措施登记, SY 40-48; R-SCO-07, R-SCO-08; ADR 0660).

A ``Sanction`` is one measure an owner (by the contract) or an industry
authority (by law) took against an enterprise or a person: 约谈, 通报批评,
责令整改, 罚款, 解除合同, 没收保证金, 追缴违约金, 责令赔偿损失, 责令停业整顿,
行政处罚; with its issuer, subject, project, basis (document and article),
date and, for 责令停业整顿, the period during which the enterprise may not bid
in the district (SY 44). Recording one publishes the fact
``credit.sanction_recorded`` that the scoring rules may score.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from postaward.core.actor import Actor
from postaward.core.scoping import NOTHING, ScopedManager
from postaward.orgs.choices import OrgKind

from ..choices import BARS_BIDDING, IssuerKind, SanctionKind, SanctionState
from .records import DEPARTMENT_ROLES, OFFICE_ROLES


def sanction_scope(actor: Actor, prefix: str = "") -> Q:
    """The supervision office and the industry authorities read every sanction
    of their district; an owner the ones it took; the subject its own."""
    if actor.user_id is None:
        return NOTHING
    out = NOTHING
    district = actor.district_path
    if actor.org_kind == OrgKind.SUPERVISION_OFFICE and actor.roles & OFFICE_ROLES:
        out = Q(**{f"{prefix}office__path__startswith": district})
    if actor.org_kind == OrgKind.INDUSTRY_AUTHORITY and actor.roles & DEPARTMENT_ROLES:
        out |= Q(**{f"{prefix}office__path__startswith": district})
    if actor.organisation_id is not None:
        out |= Q(**{f"{prefix}issuer_id": actor.organisation_id})
        out |= Q(**{f"{prefix}subject_org_id": actor.organisation_id})
    if actor.person_id is not None:
        out |= Q(**{f"{prefix}subject_person_id": actor.person_id})
    return out


class Sanction(models.Model):
    objects = ScopedManager()

    number = models.CharField("登记编号", max_length=30, unique=True)
    kind = models.CharField("处理措施", max_length=30, choices=SanctionKind.choices)
    issuer_kind = models.CharField("作出单位类别", max_length=12, choices=IssuerKind.choices)
    issuer = models.ForeignKey(
        "orgs.Organisation", verbose_name="作出单位", on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey(
        "orgs.Organisation", verbose_name="所属监管办", on_delete=models.PROTECT, related_name="+"
    )
    subject_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="被处理单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_sanctions",
    )
    subject_person = models.ForeignKey(
        "orgs.Person",
        verbose_name="被处理人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_sanctions",
    )
    subject_name = models.CharField("被处理对象", max_length=200)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_sanctions",
    )
    reason = models.TextField("事实和理由")
    basis_document = models.CharField("依据文件", max_length=200)
    basis_article = models.CharField("条款", max_length=100)
    decided_on = models.DateField("作出日期")
    period_from = models.DateField("期限自", null=True, blank=True)
    period_to = models.DateField("期限至", null=True, blank=True)
    amount_yuan = models.DecimalField(
        "金额（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    document_number = models.CharField("文书编号", max_length=100, blank=True)
    state = models.CharField(
        "状态", max_length=12, choices=SanctionState.choices, default=SanctionState.EFFECTIVE
    )
    revoked_reason = models.CharField("撤销原因", max_length=500, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by_name = models.CharField("登记人姓名", max_length=100)
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "处理措施"
        verbose_name_plural = "处理措施"
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject_org__isnull=False) | Q(subject_person__isnull=False),
                name="credit_sanction_has_subject",
            ),
            models.CheckConstraint(
                condition=Q(period_from__isnull=True)
                | Q(period_to__isnull=True)
                | Q(period_to__gte=models.F("period_from")),
                name="credit_sanction_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["subject_org", "kind", "state"])]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return sanction_scope(actor)

    def __str__(self) -> str:
        return f"{self.number} {self.subject_name} {self.get_kind_display()}"

    @property
    def bans_bidding(self) -> bool:
        return self.kind in BARS_BIDDING

    def in_force_on(self, day: Any) -> bool:
        if self.state != SanctionState.EFFECTIVE or self.period_from is None:
            return False
        return self.period_from <= day and (self.period_to is None or day <= self.period_to)


def snapshot_sanction(s: Sanction) -> dict[str, Any]:
    return {
        "number": s.number,
        "kind": s.kind,
        "issuer": s.issuer_id,
        "subject_org": s.subject_org_id,
        "subject_person": s.subject_person_id,
        "subject_name": s.subject_name,
        "project": s.project_id,
        "basis": f"{s.basis_document} {s.basis_article}",
        "decided_on": s.decided_on,
        "period_from": s.period_from,
        "period_to": s.period_to,
        "amount_yuan": s.amount_yuan,
        "state": s.state,
        "revoked_reason": s.revoked_reason,
    }


__all__ = ["Sanction", "sanction_scope", "snapshot_sanction"]
