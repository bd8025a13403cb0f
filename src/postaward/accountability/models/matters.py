"""Accountability matters (问责事项, QZ 附件2 arts. 8-12; R-ACT-03..05).

A confirmed clue becomes a ``Matter``: numbered, transferred by
cadre-management powers to the competent body (有权机关: the unit's superior
organisation or discipline inspection, ADR 0810), with the persons concerned
(``MatterPerson``, name and post kept as they were). The competent body's
leaders and administrators decide per person: the measures of art. 8
(combinable, at least one), the circumstances of arts. 9-11 and the severity
they give, the decision's date and document number. A violation of discipline
or law is referred to discipline inspection (``accountability.referred``).

Whoever is circulated (通报) or worse loses that year's award eligibility
(art. 12): ``MatterPerson.award_year`` is the decision's year.

Confidential: read by the supervision office and discipline inspection of the
district and the competent body's leaders and administrators; every read is
audited.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from postaward.core.actor import Actor
from postaward.core.scoping import ScopedManager
from postaward.orgs.choices import Role

from ..choices import Party
from ..choices_matters import BodyKind, MatterState, PersonState, Severity
from .clues import accountability_scope

BODY_ROLES = frozenset({Role.ADMIN, Role.UNIT_LEADER})


def matter_scope(actor: Actor, prefix: str = "") -> Q:
    """The office and discipline inspection of the district; the competent
    body's leaders and administrators (ADR 0800, 0810)."""
    q = accountability_scope(actor, prefix)
    if actor.user_id is not None and actor.organisation_id and actor.roles & BODY_ROLES:
        q |= Q(**{f"{prefix}body_id": actor.organisation_id})
    return q


class Matter(models.Model):
    objects = ScopedManager()

    number = models.CharField("问责事项编号", max_length=30, unique=True)
    office = models.ForeignKey(
        "orgs.Organisation", verbose_name="监管办", on_delete=models.PROTECT, related_name="+"
    )
    clue = models.OneToOneField(
        "accountability.Clue",
        verbose_name="问责线索",
        on_delete=models.PROTECT,
        related_name="matter",
    )
    party = models.CharField("问责对象类别", max_length=12, choices=Party.choices)
    unit = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="涉及单位",
        on_delete=models.PROTECT,
        related_name="accountability_matters",
    )
    act = models.ForeignKey(
        "accountability.AccountableAct",
        verbose_name="问责情形",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matters",
    )
    act_text = models.CharField("问责情形（依据）", max_length=400, blank=True)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountability_matters",
    )
    facts = models.TextField("问题事实")
    act_on = models.DateField("行为发生日期")
    body = models.ForeignKey(
        "orgs.Organisation", verbose_name="有权机关", on_delete=models.PROTECT, related_name="+"
    )
    body_kind = models.CharField("有权机关类别", max_length=12, choices=BodyKind.choices)
    transfer_note = models.TextField("移送意见")
    state = models.CharField(
        "状态", max_length=12, choices=MatterState.choices, default=MatterState.TRANSFERRED
    )
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="移送人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    transferred_by_name = models.CharField("移送人姓名", max_length=100)
    transferred_at = models.DateTimeField("移送时间")
    decided_on = models.DateField("决定日期", null=True, blank=True)  # the last person's
    referred_at = models.DateTimeField("移送纪检监察机关时间", null=True, blank=True)
    referral_reason = models.TextField("移送纪检监察机关理由", blank=True)
    referral_document = models.CharField("移送文号", max_length=100, blank=True)

    class Meta:
        verbose_name = "问责事项"
        verbose_name_plural = "问责事项"
        ordering = ["-transferred_at", "-pk"]
        indexes = [models.Index(fields=["office", "state"])]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return matter_scope(actor)

    def __str__(self) -> str:
        return f"{self.number} {self.unit}"


class MatterPerson(models.Model):
    """One person concerned by a matter, and the competent body's decision."""

    objects = ScopedManager()

    matter = models.ForeignKey(
        Matter, verbose_name="问责事项", on_delete=models.CASCADE, related_name="persons"
    )
    person = models.ForeignKey(
        "orgs.Person",
        verbose_name="人员",
        on_delete=models.PROTECT,
        related_name="accountability_matters",
    )
    name = models.CharField("姓名", max_length=50)
    post = models.CharField("单位及职务", max_length=260, blank=True)
    state = models.CharField(
        "状态", max_length=12, choices=PersonState.choices, default=PersonState.PENDING
    )
    measures = models.JSONField("问责方式", default=list, blank=True)
    circumstances = models.JSONField("情节", default=list, blank=True)
    circumstance_notes = models.JSONField("情节证据说明", default=dict, blank=True)
    severity = models.CharField("情节认定", max_length=12, choices=Severity.choices, blank=True)
    earlier = models.JSONField("一年内此前问责", default=list, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decision_document = models.CharField("决定文号", max_length=100, blank=True)
    decision_note = models.TextField("决定说明", blank=True)
    decided_by_name = models.CharField("决定录入人", max_length=100, blank=True)
    decided_at = models.DateTimeField("录入时间", null=True, blank=True)
    # art. 12: the year whose award eligibility the decision cancels
    award_year = models.PositiveSmallIntegerField("取消评优评先年度", null=True, blank=True)
    obstruction_note = models.TextField("干扰、阻碍调查情况", blank=True)

    class Meta:
        verbose_name = "问责对象"
        verbose_name_plural = "问责对象"
        ordering = ["matter", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["matter", "person"], name="accountability_mp_once"),
        ]
        indexes = [models.Index(fields=["person", "award_year"])]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return matter_scope(actor, "matter__")

    def __str__(self) -> str:
        return f"{self.matter.number} {self.name}"


def snapshot_matter(m: Matter) -> dict[str, Any]:
    return {
        "number": m.number,
        "clue": m.clue_id,
        "unit": m.unit_id,
        "act": m.act_id,
        "project": m.project_id,
        "act_on": m.act_on,
        "body": m.body_id,
        "body_kind": m.body_kind,
        "transfer_note": m.transfer_note,
        "state": m.state,
        "decided_on": m.decided_on,
        "referred_at": m.referred_at,
        "referral_reason": m.referral_reason,
        "referral_document": m.referral_document,
    }


def snapshot_matter_person(p: MatterPerson) -> dict[str, Any]:
    return {
        "matter": p.matter_id,
        "person": p.person_id,
        "name": p.name,
        "post": p.post,
        "state": p.state,
        "measures": list(p.measures),
        "circumstances": list(p.circumstances),
        "circumstance_notes": dict(p.circumstance_notes),
        "severity": p.severity,
        "decided_on": p.decided_on,
        "decision_document": p.decision_document,
        "award_year": p.award_year,
        "obstruction_note": p.obstruction_note,
    }
