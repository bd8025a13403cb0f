"""Who may inspect a project (R-INS-09, HC 附件 一(二), HC 二(二)1): the one
place that decides. The draw, a hand-made assignment and a joint inspection
all ask here.

- an inspector holds an enforcement certificate (执法证) valid on the day;
- at least ``MIN_INSPECTORS`` inspectors per inspection;
- an inspector never inspects a project of their own unit (their department
  or their own organisation is the owner or a participant), nor a project an
  enterprise they declared a relationship with takes part in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from postaward.cases.models import EnforcementCertificate
from postaward.projects.models import Project

from .models import InterestDeclaration

MIN_INSPECTORS = 2


def certificate_problem(cert: EnforcementCertificate, on: dt.date) -> str | None:
    """Why a certificate does not qualify its holder on ``on`` (None: it does)."""
    if not cert.number.strip():
        return "执法证号为空"
    if cert.valid_until < on:
        return f"执法证已于 {cert.valid_until:%Y年%m月%d日} 过期"
    return None


def project_units(project: Project) -> set[int]:
    """The organisations of a project: its owner and every participant."""
    units = set(project.participants.values_list("organisation_id", flat=True))
    if project.owner_id is not None:
        units.add(project.owner_id)
    return units


def conflicts(cert: EnforcementCertificate, project: Project) -> list[str]:
    """Why ``cert``'s holder may not inspect ``project`` (empty: no conflict)."""
    units = project_units(project)
    out: list[str] = []
    own = {cert.department_id, cert.person.organisation_id}
    if own & units:
        out.append("本单位参与的项目（回避）")
    declared = InterestDeclaration.objects.filter(
        person_id=cert.person_id, enterprise_id__in=units
    ).select_related("enterprise")
    for d in declared:
        out.append(f"申报与{d.enterprise.name}存在利害关系（{d.relation}）")
    return out


def exclusions(
    certs: Iterable[EnforcementCertificate], project: Project, on: dt.date
) -> dict[int, list[str]]:
    """Every certificate that may not inspect ``project`` on ``on``, with why
    (keyed by certificate id); the draw lists them beside its result."""
    out: dict[int, list[str]] = {}
    for cert in certs:
        reasons = conflicts(cert, project)
        problem = certificate_problem(cert, on)
        if problem:
            reasons.insert(0, problem)
        if reasons:
            out[cert.pk] = reasons
    return out


def team_problem(certs: list[EnforcementCertificate], project: Project, on: dt.date) -> str | None:
    """Why a team may not inspect ``project`` (None: it may)."""
    if len({c.person_id for c in certs}) < MIN_INSPECTORS:
        return f"每次检查至少需要 {MIN_INSPECTORS} 名执法人员"
    excluded = exclusions(certs, project, on)
    if excluded:
        named = "；".join(
            f"{c.person.name}：{'、'.join(excluded[c.pk])}" for c in certs if c.pk in excluded
        )
        return f"以下人员不能参加本项目检查：{named}"
    return None
