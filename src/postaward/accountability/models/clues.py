"""Accountability clues (问责线索, QZ 附件2 arts. 7, 12; R-ACT-02).

A clue names the unit and, where known, the persons, the act from the
catalogue, the facts, the evidence and the source. People register clues from
the six sources of art. 7; the platform raises its own (``source=platform``)
from what it sees (a missed review period, a use before acceptance …), each
with links to its evidence and a ``auto_key`` so the same finding is raised
once. The supervision office collects them daily (art. 12): it confirms a clue
(then transfers it to the competent body as a matter) or dismisses it with a
reason.

Confidential: clues and matters are read by the supervision office and
discipline inspection of the district only (and, for a matter, the competent
body it was transferred to); every read is audited.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from postaward.core.actor import Actor
from postaward.core.files import PrivateStorage
from postaward.core.scoping import NOTHING, ScopedManager
from postaward.orgs.choices import OrgKind, Role

from ..choices import ClueSource, ClueState, Party

OFFICE_ROLES = frozenset({Role.ADMIN, Role.UNIT_LEADER, Role.OFFICE_STAFF})
DISCIPLINE_ROLES = frozenset({Role.UNIT_LEADER, Role.DISCIPLINE_INSPECTOR})


def accountability_scope(actor: Actor, prefix: str = "") -> Q:
    """The supervision office and discipline inspection of the district, only."""
    if actor.user_id is None:
        return NOTHING
    district = actor.district_path
    if actor.org_kind == OrgKind.SUPERVISION_OFFICE and actor.roles & OFFICE_ROLES:
        return Q(**{f"{prefix}office__path__startswith": district})
    if actor.org_kind == OrgKind.DISCIPLINE and actor.roles & DISCIPLINE_ROLES:
        return Q(**{f"{prefix}office__path__startswith": district})
    return NOTHING


class Clue(models.Model):
    objects = ScopedManager()

    number = models.CharField("线索编号", max_length=30, unique=True)
    office = models.ForeignKey(
        "orgs.Organisation", verbose_name="监管办", on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField("线索来源", max_length=24, choices=ClueSource.choices)
    source_detail = models.CharField("来源说明", max_length=300, blank=True)
    party = models.CharField("问责对象类别", max_length=12, choices=Party.choices)
    unit = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="涉及单位",
        on_delete=models.PROTECT,
        related_name="accountability_clues",
    )
    persons = models.ManyToManyField(
        "orgs.Person", verbose_name="涉及人员", blank=True, related_name="accountability_clues"
    )
    persons_text = models.CharField("涉及人员（其他）", max_length=300, blank=True)
    act = models.ForeignKey(
        "accountability.AccountableAct",
        verbose_name="问责情形",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clues",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountability_clues",
    )
    facts = models.TextField("问题事实")
    occurred_on = models.DateField("行为发生日期", null=True, blank=True)
    evidence_note = models.TextField("证据说明", blank=True)
    # the platform's findings: [{"label": "变更审核逾期 BG-2026-0003", "url": "/approvals/…"}]
    evidence_links = models.JSONField("证据链接", default=list, blank=True)
    evidence_file = models.FileField(
        "证据材料", storage=PrivateStorage(), upload_to="accountability/clues", blank=True
    )
    evidence_file_name = models.CharField("证据材料文件名", max_length=200, blank=True)
    # a platform finding's identity: raised once per office and key
    auto_key = models.CharField("监测标识", max_length=120, blank=True)
    state = models.CharField(
        "状态", max_length=12, choices=ClueState.choices, default=ClueState.REGISTERED
    )
    received_on = models.DateField("收集日期")
    decision_reason = models.TextField("核实意见", blank=True)
    decided_at = models.DateTimeField("核实时间", null=True, blank=True)
    decided_by_name = models.CharField("核实人", max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by_name = models.CharField("登记人姓名", max_length=100)
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "问责线索"
        verbose_name_plural = "问责线索"
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "auto_key"],
                condition=~Q(auto_key=""),
                name="accountability_clue_auto_once",
            ),
        ]
        indexes = [models.Index(fields=["office", "state", "received_on"])]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return accountability_scope(actor)

    def __str__(self) -> str:
        return f"{self.number} {self.unit}"


def snapshot_clue(c: Clue) -> dict[str, Any]:
    return {
        "number": c.number,
        "source": c.source,
        "party": c.party,
        "unit": c.unit_id,
        "act": c.act_id,
        "project": c.project_id,
        "facts": c.facts,
        "occurred_on": c.occurred_on,
        "auto_key": c.auto_key,
        "state": c.state,
        "decision_reason": c.decision_reason,
    }
