"""The units' register and integrity-risk rules (插手干预登记报告制度,
廉政风险防控制度; YJ 二(五): 各单位制定插手干预招投标登记报告及廉政风险防控制度):
each owner, industry authority and tender agent files its rules as dated
documents through the one upload service; the unit and the supervision office
read them; the office sees the units that filed none (R-ACT-06)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from postaward.core import clock, files, writes
from postaward.core.actor import Actor
from postaward.core.errors import Forbidden, ValidationFailed
from postaward.orgs.choices import OrgKind
from postaward.orgs.models import Organisation

from .choices_interference import RuleKind
from .models import IntegrityRule, snapshot_rule
from .models.clues import OFFICE_ROLES
from .models.interference import FILING_KINDS
from .services_interference import office_for


def may_file(actor: Actor) -> bool:
    """Any account of an owner, an industry authority or a tender agent."""
    return (
        actor.user_id is not None
        and actor.organisation_id is not None
        and actor.org_kind in FILING_KINDS
        and bool(actor.roles)
    )


def is_office(actor: Actor) -> bool:
    return actor.org_kind == OrgKind.SUPERVISION_OFFICE and bool(actor.roles & OFFICE_ROLES)


def file_rule(
    *, actor: Actor, kind: str, title: str, effective_on: Any, file: Any
) -> IntegrityRule:
    """File one rule of the actor's unit (audited)."""
    if not may_file(actor):
        raise Forbidden("仅建设单位、行业主管部门和招标代理机构可以报备本单位制度")
    if kind not in RuleKind.values:
        raise ValidationFailed("请选择制度类别", field="kind")
    name = writes.text(title, field="title", label="制度名称", max_len=200)
    if not isinstance(effective_on, dt.date):
        try:
            effective_on = dt.date.fromisoformat(str(effective_on or ""))
        except ValueError:
            raise ValidationFailed(
                "请填写施行日期（格式：年-月-日）", field="effective_on"
            ) from None
    checked = files.check_upload(file, field="file", allowed=files.DOCUMENTS)
    unit = Organisation.objects.get(pk=actor.organisation_id)
    with transaction.atomic():
        rule = IntegrityRule(
            unit=unit,
            office=office_for(unit, None),
            kind=kind,
            title=name,
            effective_on=effective_on,
            file_name=checked.name[:200],
            filed_by_name=(actor.display_name or actor.username)[:100],
            filed_at=clock.now(),
        )
        files.save(rule.file, checked)
        rule.save()
        writes.created(
            rule, actor=actor, action="accountability.integrity_rule_filed", snapshot=snapshot_rule
        )
    return rule


def rules(actor: Actor) -> Any:
    return IntegrityRule.objects.visible_to(actor).select_related("unit")


def missing_units(actor: Actor) -> Any:
    """The office's missing-list: the district's owners, authorities and agents
    lacking one or both rules (annotated with how many of each they filed)."""
    if not is_office(actor):
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(
            path__startswith=actor.district_path, kind__in=FILING_KINDS, is_active=True
        )
        .annotate(
            register=Count("integrity_rules", filter=Q(integrity_rules__kind=RuleKind.REGISTER)),
            integrity=Count("integrity_rules", filter=Q(integrity_rules__kind=RuleKind.INTEGRITY)),
        )
        .filter(Q(register=0) | Q(integrity=0))
    )


def missing_text(u: Any) -> str:
    return "、".join(
        str(k.label)
        for k, n in ((RuleKind.REGISTER, u.register), (RuleKind.INTEGRITY, u.integrity))
        if not n
    )
