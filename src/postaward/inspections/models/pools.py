"""The inspector side of the two pools (R-INS-02, R-INS-09): declared
relationships (利害关系申报) that exclude an inspector from a project."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from postaward.core import clock
from postaward.core.actor import Actor
from postaward.core.scoping import NOTHING, ScopedManager
from postaward.orgs.choices import OrgKind, Role

OFFICE_ROLES = frozenset({Role.ADMIN, Role.UNIT_LEADER, Role.OFFICE_STAFF})


class InterestDeclaration(models.Model):
    """An enforcement officer's declared relationship with an enterprise
    (a relative works there, a former employer …): the officer is never drawn
    for a project that enterprise takes part in."""

    person = models.ForeignKey(
        "orgs.Person", verbose_name="执法人员", on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="关联单位",
        on_delete=models.PROTECT,
        related_name="+",
    )
    relation = models.CharField("关系说明", max_length=200)
    declared_on = models.DateField("申报日期", default=clock.today)
    declared_by_name = models.CharField("申报人", max_length=100, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "利害关系申报"
        ordering = ["person_id", "enterprise_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "enterprise"], name="interest_once")
        ]

    def __str__(self) -> str:
        return f"{self.person.name} 与 {self.enterprise.name}：{self.relation}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        """The office (it draws the inspectors) and each person for their own."""
        if not actor.org_path or actor.user_id is None:
            return NOTHING
        out = NOTHING
        if actor.org_kind == OrgKind.SUPERVISION_OFFICE and actor.roles & OFFICE_ROLES:
            out = Q(person__organisation__path__startswith=actor.org_path.split("/", 1)[0] + "/")
        if actor.person_id is not None:
            out |= Q(person_id=actor.person_id)
        return out


__all__ = ["InterestDeclaration"]
