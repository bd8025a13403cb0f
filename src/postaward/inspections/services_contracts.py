"""Writes of the contracts part (R-INS-07): open a contract check with its
team, the platform's comparison, the leader's conclusion. Every write is
audited; the steps go through the step runner (``steps_contracts``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse

from postaward.cases.models import EnforcementCertificate
from postaward.core import clock, steps, writes
from postaward.core.actor import Actor
from postaward.core.errors import Forbidden, ValidationFailed
from postaward.core.writes import text
from postaward.orgs.choices import OrgKind, Role
from postaward.orgs.models import Organisation
from postaward.projects.choices import ParticipantRole
from postaward.projects.models import Project

from . import conflicts, rules_contracts
from .events import CaseRequested
from .models.contracts import CheckState, ContractCheck, ContractCheckMember, ContractFlag

WF = "inspections.contract_check"
OPENERS = "监管办或行业主管部门工作人员"


def may_open(actor: Actor) -> bool:
    """The office's staff and leaders, an industry authority's staff and leaders."""
    if actor.org_kind == OrgKind.SUPERVISION_OFFICE:
        return bool(actor.roles & {Role.OFFICE_STAFF, Role.UNIT_LEADER})
    if actor.org_kind == OrgKind.INDUSTRY_AUTHORITY:
        return bool(actor.roles & {Role.AUTHORITY_STAFF, Role.UNIT_LEADER})
    return False


def _office_of(actor: Actor) -> Organisation:
    if actor.org_kind == OrgKind.SUPERVISION_OFFICE and actor.organisation_id:
        return Organisation.objects.get(pk=actor.organisation_id)
    office = (
        Organisation.objects.filter(
            kind=OrgKind.SUPERVISION_OFFICE, path__startswith=actor.district_path
        )
        .order_by("path")
        .first()
    )
    if office is None:
        raise ValidationFailed("本区未设监管办，不能开展合同履约检查")
    return office


def open_check(
    *,
    actor: Actor,
    project_id: int,
    leader_id: int,
    member_ids: list[int],
    reason: str,
) -> ContractCheck:
    """开展合同履约检查: a project in the actor's scope, a team of at least two
    inspectors with valid certificates and no conflict (``conflicts``)."""
    if not may_open(actor):
        raise Forbidden(f"{OPENERS}方可开展合同履约检查")
    reason = text(reason, field="reason", label="检查事由", max_len=200)
    project = Project.objects.visible_to(actor).filter(pk=project_id).first()
    if project is None:
        raise ValidationFailed("项目不存在或不在本单位监管范围内", field="project_id")
    if not project.participants.filter(role=ParticipantRole.CONTRACTOR).exists():
        raise ValidationFailed(
            "项目尚未登记施工单位及合同，不能开展合同履约检查", field="project_id"
        )
    ids = [leader_id, *[m for m in member_ids if m != leader_id]]
    pool = {
        c.pk: c
        for c in EnforcementCertificate.objects.visible_to(actor)
        .filter(pk__in=ids)
        .select_related("person", "department")
    }
    if leader_id not in pool:
        raise ValidationFailed("检查组长须从执法人员库中选择", field="leader_id")
    missing = [m for m in ids if m not in pool]
    if missing:
        raise ValidationFailed("检查人员须从执法人员库中选择", field="member_ids")
    certs = [pool[i] for i in ids]
    today = clock.today()
    if problem := conflicts.team_problem(certs, project, today):
        raise ValidationFailed(problem, field="member_ids", code="team_refused")
    office = _office_of(actor)
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=office.pk).first()
        year = today.year
        seq = (
            ContractCheck.objects.filter(office=office, year=year).aggregate(m=Max("seq"))["m"] or 0
        ) + 1
        check = ContractCheck.objects.create(
            number=f"HTJC-{year}-{seq:04d}",
            year=year,
            seq=seq,
            project=project,
            office=office,
            unit_id=actor.organisation_id,
            leader=pool[leader_id],
            reason=reason,
            opened_by_name=actor.display_name[:100],
        )
        for cert in certs:
            ContractCheckMember.objects.create(
                contract_check=check,
                certificate=cert,
                person=cert.person,
                is_leader=cert.pk == leader_id,
                name=cert.person.name[:50],
                department_name=cert.department.name[:200],
                certificate_number=cert.number,
            )
        writes.created(
            check,
            actor=actor,
            action="inspections.contract_check.open",
            after={"members": [c.number for c in certs]},
            project_id=project.pk,
        )
    return check


def _step(name: str) -> steps.Step:
    return steps.get(WF, name)


def compare(*, actor: Actor, obj: ContractCheck) -> ContractCheck:
    """比对: the platform lays the award, the contract and every agreement
    side by side and raises the flags (``rules_contracts``)."""
    with steps.write(_step("compare"), obj, actor) as w:
        c = w.obj
        result = rules_contracts.compare(rules_contracts.facts_of(c.project))
        c.flags.all().delete()
        ContractFlag.objects.bulk_create(
            [
                ContractFlag(contract_check=c, kind=f.kind, rule=f.rule, fact=f.fact, basis=f.basis)
                for f in result.flags
            ]
        )
        c.comparison = result.as_json()
        c.flag_count = len(result.flags)
        c.compared_at = clock.now()
        c.state = CheckState.COMPARED
    return c


def _decisions(
    flags: list[ContractFlag], conclusions: list[dict[str, Any]] | None, fields: dict[str, Any]
) -> dict[int, tuple[bool, str]]:
    """One decision per flag: the API's ``conclusions`` list, or the page
    form's ``flag_<id>`` / ``note_<id>`` fields."""
    out: dict[int, tuple[bool, str]] = {}
    ids = {f.pk for f in flags}
    for row in conclusions or []:
        fid = int(row.get("flag_id") or 0)
        if fid not in ids:
            raise ValidationFailed("疑点不属于本次检查", field="conclusions")
        out[fid] = (bool(row.get("confirmed")), str(row.get("note") or "")[:500])
    for f in flags:
        v = fields.get(f"flag_{f.pk}")
        if v not in (None, ""):
            out[f.pk] = (v in ("1", 1, True, "true"), str(fields.get(f"note_{f.pk}") or "")[:500])
    missing = [f for f in flags if f.pk not in out]
    if missing:
        raise ValidationFailed(
            f"请对每一项疑点作出结论（尚有 {len(missing)} 项）", field="conclusions"
        )
    return out


def conclude(
    *,
    actor: Actor,
    obj: ContractCheck,
    summary: str,
    conclusions: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> ContractCheck:
    """作出结论: the leader decides each flag (a suspected violation or not);
    any suspected violation asks the cases capability for a case
    (``inspections.case_requested``, R-INS-08)."""
    summary = text(summary, field="summary", label="检查结论", max_len=2000)
    with steps.write(_step("conclude"), obj, actor) as w:
        c = w.obj
        flags = list(c.flags.all())
        decided = _decisions(flags, conclusions, fields)
        for f in flags:
            f.confirmed, f.note = decided[f.pk]
            f.save(update_fields=["confirmed", "note"])
        confirmed = [f for f in flags if f.confirmed]
        c.conclusion, c.suspected = summary, bool(confirmed)
        c.concluded_at = clock.now()
        c.state = CheckState.CONCLUDED
        if confirmed:
            c.case_requested_at = clock.now()
            w.publish(_case_requested(c, confirmed))
    return c


def _case_requested(c: ContractCheck, confirmed: list[ContractFlag]) -> CaseRequested:
    p = c.project
    part = (
        p.participants.filter(role=ParticipantRole.CONTRACTOR)
        .select_related("organisation")
        .order_by("pk")
        .first()
    )
    kinds = "、".join(dict.fromkeys(f.get_kind_display() for f in confirmed))
    facts = "\n".join(
        f"{i}. {f.get_kind_display()}：{f.fact}（依据：{f.basis}）"
        for i, f in enumerate(confirmed, 1)
    )
    return CaseRequested(
        source_id=f"contract_check:{c.pk}",
        source_ref=c.number,
        source_text=f"合同履约检查 {c.number}（{p.name}）",
        source_url=reverse("inspections_contract_check", args=[c.pk]),
        office_id=c.office_id,
        project_id=p.pk,
        department_id=p.industry_authority_id,
        title=f"合同履约检查发现疑似{kinds}",
        facts=f"{c.conclusion}\n{facts}"[:5000],
        subject_text=part.organisation.name if part else "",
        subject_org_id=part.organisation_id if part else None,
    )
