"""Bad-conduct proposals (不良行为认定建议书, QZ 附件2 art. 6(九); R-ACT-07).

The supervision office (its inspections and checks) or an owner sends the
competent industry authority a numbered proposal to recognise a unit's bad
conduct (a contractor, a supervising firm, an agent …), with the facts, the
proposed bad conduct, the persons and the evidence. The authority decides
within the decision period (``deadline_kinds_proposals``): 认定 (recognised,
with its decision document) or 不予认定 (with the reason). Left without a
decision, the missed period is a 6(九) platform clue on the authority
(``findings_clues.MISSED``).

Read by the district's supervision office, the addressed authority and the
sender (ADR 0802).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from postaward.core.actor import Actor
from postaward.core.files import PrivateStorage
from postaward.core.scoping import NOTHING, ScopedManager
from postaward.orgs.choices import OrgKind

from ..choices_proposals import ProposalState, SenderKind
from .clues import OFFICE_ROLES


def proposal_scope(actor: Actor, prefix: str = "") -> Q:
    """The district's supervision office; the addressed department; the
    sender's unit (ADR 0802)."""
    if actor.user_id is None:
        return NOTHING
    q = NOTHING
    if actor.org_kind == OrgKind.SUPERVISION_OFFICE and actor.roles & OFFICE_ROLES:
        q = Q(**{f"{prefix}office__path__startswith": actor.district_path})
    if actor.organisation_id:
        own = Q(**{f"{prefix}department_id": actor.organisation_id}) | Q(
            **{f"{prefix}sender_id": actor.organisation_id}
        )
        q = own if q is NOTHING else q | own
    return q


class Proposal(models.Model):
    objects = ScopedManager()

    number = models.CharField("建议书编号", max_length=30, unique=True)
    office = models.ForeignKey(
        "orgs.Organisation", verbose_name="监管办", on_delete=models.PROTECT, related_name="+"
    )
    sender = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="建议单位",
        on_delete=models.PROTECT,
        related_name="bad_conduct_proposals_sent",
    )
    sender_kind = models.CharField("建议单位类别", max_length=12, choices=SenderKind.choices)
    department = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="认定部门",
        on_delete=models.PROTECT,
        related_name="bad_conduct_proposals_received",
    )
    unit = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="被建议单位",
        on_delete=models.PROTECT,
        related_name="bad_conduct_proposals",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bad_conduct_proposals",
    )
    persons = models.ManyToManyField(
        "orgs.Person", verbose_name="涉及人员", blank=True, related_name="bad_conduct_proposals"
    )
    facts = models.TextField("违法违规事实")
    conduct = models.CharField("建议认定的不良行为", max_length=400)
    evidence_note = models.TextField("证据说明", blank=True)
    evidence_file = models.FileField(
        "证据材料", storage=PrivateStorage(), upload_to="accountability/proposals", blank=True
    )
    evidence_file_name = models.CharField("证据材料文件名", max_length=200, blank=True)
    received_on = models.DateField("收到日期")
    state = models.CharField(
        "状态", max_length=16, choices=ProposalState.choices, default=ProposalState.RECEIVED
    )
    decision_text = models.TextField("认定意见", blank=True)
    decision_document = models.CharField("认定文书文号", max_length=100, blank=True)
    decided_on = models.DateField("认定日期", null=True, blank=True)
    decided_at = models.DateTimeField("录入时间", null=True, blank=True)
    decided_by_name = models.CharField("录入人", max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by_name = models.CharField("填报人姓名", max_length=100)
    created_at = models.DateTimeField("填报时间")

    class Meta:
        verbose_name = "不良行为认定建议书"
        verbose_name_plural = "不良行为认定建议书"
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["office", "state", "received_on"]),
            models.Index(fields=["department", "state"]),
        ]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return proposal_scope(actor)

    def __str__(self) -> str:
        return f"{self.number} {self.unit}"


def snapshot_proposal(p: Proposal) -> dict[str, Any]:
    return {
        "number": p.number,
        "sender": p.sender_id,
        "department": p.department_id,
        "unit": p.unit_id,
        "project": p.project_id,
        "facts": p.facts,
        "conduct": p.conduct,
        "received_on": p.received_on,
        "state": p.state,
        "decision_text": p.decision_text,
        "decision_document": p.decision_document,
        "decided_on": p.decided_on,
        "evidence_file_name": p.evidence_file_name,
    }
