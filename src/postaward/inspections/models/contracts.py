"""Contract checks (合同履约检查, R-INS-07; QZ 2(二), QZ 附件2 5(一); LC 五):
one project's award, contract and every supplementary agreement compared side
by side by the platform, flags of transfer (转包), illegal subcontracting
(违法分包) and shadow contracts (阴阳合同) by rule (``rules_contracts``), a
conclusion per flag by the check leader, and a case requested when a violation
is suspected (``inspections.case_requested``)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from postaward.core import clock
from postaward.core.actor import Actor
from postaward.core.scoping import NOTHING, ScopedManager
from postaward.orgs.choices import OrgKind, Role

OFFICE_ROLES = frozenset({Role.ADMIN, Role.UNIT_LEADER, Role.OFFICE_STAFF})
DEPARTMENT_ROLES = frozenset({Role.ADMIN, Role.UNIT_LEADER, Role.AUTHORITY_STAFF})


class CheckState(models.TextChoices):
    OPENED = "opened", "已开展"
    COMPARED = "compared", "已比对"
    CONCLUDED = "concluded", "已作出结论"


class FlagKind(models.TextChoices):
    TRANSFER = "transfer", "转包"
    ILLEGAL_SUBCONTRACT = "illegal_subcontract", "违法分包"
    SHADOW_CONTRACT = "shadow_contract", "阴阳合同"


class ContractCheck(models.Model):
    """合同履约检查 of one project by an industry authority or the office."""

    number = models.CharField("检查编号", max_length=20, unique=True)
    year = models.PositiveIntegerField("年度")
    seq = models.PositiveIntegerField("年度序号")
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey(
        "orgs.Organisation", verbose_name="监管办", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "orgs.Organisation", verbose_name="检查单位", on_delete=models.PROTECT, related_name="+"
    )
    leader = models.ForeignKey(
        "cases.EnforcementCertificate",
        verbose_name="检查组长",
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField("检查事由", max_length=200)
    state = models.CharField(
        "检查环节",
        max_length=12,
        choices=CheckState.choices,
        default=CheckState.OPENED,
        db_index=True,
    )
    opened_at = models.DateTimeField("开展时间", default=clock.now, db_index=True)
    opened_by_name = models.CharField("开展人", max_length=100, blank=True)
    compared_at = models.DateTimeField("比对时间", null=True, blank=True)
    comparison = models.JSONField("比对结果", default=dict, blank=True)
    flag_count = models.PositiveSmallIntegerField("疑点数", default=0)
    concluded_at = models.DateTimeField("结论时间", null=True, blank=True)
    conclusion = models.TextField("检查结论", blank=True)
    suspected = models.BooleanField("疑似违法违规", default=False)
    case_requested_at = models.DateTimeField("提请立案时间", null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "合同履约检查"
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "seq"], name="contract_check_seq")
        ]

    def __str__(self) -> str:
        return f"合同履约检查 {self.number}"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        """The office (all checks of its district), the checking unit and the
        project's industry authority, and the team's members."""
        if not actor.org_path or actor.user_id is None:
            return NOTHING
        out = NOTHING
        if actor.org_kind == OrgKind.SUPERVISION_OFFICE and actor.roles & OFFICE_ROLES:
            out = Q(office__path__startswith=actor.org_path.split("/", 1)[0] + "/")
        if actor.org_kind == OrgKind.INDUSTRY_AUTHORITY and actor.roles & DEPARTMENT_ROLES:
            out |= Q(unit_id=actor.organisation_id) | Q(
                project__industry_authority_id=actor.organisation_id
            )
        if actor.person_id is not None:
            out |= Q(
                pk__in=ContractCheckMember.objects.filter(person_id=actor.person_id).values(
                    "contract_check_id"
                )
            )
        return out


class ContractCheckMember(models.Model):
    """An inspector of the check (at least two, ``conflicts.team_problem``)."""

    contract_check = models.ForeignKey(
        ContractCheck, on_delete=models.CASCADE, related_name="members"
    )
    certificate = models.ForeignKey(
        "cases.EnforcementCertificate", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="+")
    is_leader = models.BooleanField("组长", default=False)
    name = models.CharField("姓名", max_length=50)
    department_name = models.CharField("所在部门", max_length=200)
    certificate_number = models.CharField("执法证号", max_length=40)

    class Meta:
        verbose_name = "检查人员"
        ordering = ["contract_check_id", "-is_leader", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract_check", "person"], name="contract_check_member_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.certificate_number}）"


class ContractFlag(models.Model):
    """A flag the comparison raised: the fact, the rule and its article; the
    leader's conclusion (confirmed: a suspected violation)."""

    contract_check = models.ForeignKey(
        ContractCheck, on_delete=models.CASCADE, related_name="flags"
    )
    kind = models.CharField("类型", max_length=24, choices=FlagKind.choices)
    rule = models.CharField("规则", max_length=40)
    fact = models.TextField("事实")
    basis = models.CharField("依据", max_length=300)
    confirmed = models.BooleanField("认定疑似违法违规", null=True, blank=True)
    note = models.CharField("结论说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "合同履约检查疑点"
        ordering = ["contract_check_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.fact[:40]}"


def snapshot(c: ContractCheck) -> dict[str, Any]:
    return {
        "number": c.number,
        "project_id": c.project_id,
        "state": c.state,
        "flag_count": c.flag_count,
        "suspected": c.suspected,
        "conclusion": c.conclusion,
        "flags": [
            {"kind": f.kind, "rule": f.rule, "confirmed": f.confirmed}
            for f in c.flags.all().order_by("pk")
        ]
        if c.pk
        else [],
    }


__all__ = ["ContractCheck", "ContractCheckMember", "ContractFlag"]
