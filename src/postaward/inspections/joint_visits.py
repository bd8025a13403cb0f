"""Joint inspections (R-INS-05; QZ 第七条, HC 附件 二(三)): several
departments' scheduled inspections of the same project, or of the same
enterprise (a participant of both projects), in overlapping periods are merge
candidates; the office merges them into ONE joint inspection with a lead
department, one visit and shared evidence (the findings are on the joint
inspection, which every department involved reads). Each merge saves a visit.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from postaward.core import audit
from postaward.core.actor import Actor
from postaward.core.errors import Forbidden, ValidationFailed
from postaward.orgs.choices import ENTERPRISE_KINDS, OrgKind, Role
from postaward.orgs.models import Organisation

from . import conflicts
from .models.visits import (
    Inspection,
    InspectionDepartment,
    InspectionInspector,
    InspectionItem,
    InspectionState,
    snapshot,
)

MERGEABLE = (InspectionState.SCHEDULED, InspectionState.NOTIFIED)


def may_merge(actor: Actor) -> bool:
    return actor.org_kind == OrgKind.SUPERVISION_OFFICE and bool(
        actor.roles & {Role.OFFICE_STAFF, Role.UNIT_LEADER}
    )


def _enterprises(i: Inspection) -> set[int]:
    return {
        p.organisation_id
        for p in i.project.participants.all()
        if p.organisation.kind in ENTERPRISE_KINDS
    }


def _overlap(a: Inspection, b: Inspection) -> bool:
    return a.period_start <= b.period_end and b.period_start <= a.period_end


@dataclass
class Candidate:
    """A group of inspections the office may merge, and why."""

    inspections: list[Inspection]
    reason: str

    @property
    def saved(self) -> int:
        return len(self.inspections) - 1


def candidates(actor: Actor, qs: QuerySet | None = None) -> list[Candidate]:
    """Pairs (grown into groups) of mergeable inspections of different
    departments with overlapping periods and the same project or enterprise."""
    base = qs if qs is not None else Inspection.objects.visible_to(actor)
    rows = list(
        base.filter(state__in=MERGEABLE, merged_into__isnull=True)
        .select_related("project", "department")
        .prefetch_related("project__participants__organisation")
        .order_by("period_start", "pk")[:500]
    )
    ents = {i.pk: _enterprises(i) for i in rows}
    groups: list[Candidate] = []
    used: set[int] = set()
    for a in rows:
        if a.pk in used:
            continue
        group, why = [a], ""
        for b in rows:
            if b.pk == a.pk or b.pk in used or b.office_id != a.office_id:
                continue
            if any(b.department_id == g.department_id for g in group):
                continue
            if not all(_overlap(b, g) for g in group):
                continue
            if b.project_id == a.project_id:
                why = why or f"同一项目：{a.project.name}"
            else:
                shared = ents[a.pk] & ents[b.pk]
                if not shared:
                    continue
                name = Organisation.objects.get(pk=min(shared)).name
                why = why or f"同一企业：{name}"
            group.append(b)
        if len(group) > 1:
            used.update(g.pk for g in group)
            groups.append(Candidate(group, why))
    return groups


def _check_group(lead: Inspection, group: list[Inspection]) -> None:
    """Refuse a merge of inspections already visited or merged, of another
    office, of periods that do not overlap, or of neither the same project nor
    the same enterprise."""
    for i in [lead, *group]:
        if i.state not in MERGEABLE or i.merged_into_id:
            raise ValidationFailed(f"检查 {i.number} 已进场或已合并，不能再合并", field="other_ids")
        if i.office_id != lead.office_id:
            raise ValidationFailed("只能合并同一监管办的检查", field="other_ids")
    lead_ents = _enterprises(lead)
    for i in group:
        if not (i.period_start <= lead.period_end and lead.period_start <= i.period_end):
            raise ValidationFailed(f"检查 {i.number} 的检查期间与牵头检查不重叠", field="other_ids")
        if i.project_id != lead.project_id and not (_enterprises(i) & lead_ents):
            raise ValidationFailed(
                f"检查 {i.number} 与牵头检查既非同一项目也非同一企业", field="other_ids"
            )


def merge(actor: Actor, *, lead_id: int, other_ids: list[int]) -> Inspection:
    """合并为联合检查: the lead inspection becomes the joint one (its
    department leads); the others are merged into it — their items, inspectors
    and departments join it (the team is checked again for every project,
    R-INS-09) — and are no longer visited on their own."""
    if not may_merge(actor):
        raise Forbidden("监管办工作人员方可合并联合检查")
    others = [x for x in dict.fromkeys(other_ids) if x != lead_id]
    if not others:
        raise ValidationFailed("请至少选择一个要并入的检查", field="other_ids")
    visible = Inspection.objects.visible_to(actor)
    with transaction.atomic():
        rows = {
            i.pk: i
            for i in visible.select_for_update()
            .filter(pk__in=[lead_id, *others])
            .select_related("project", "office")
        }
        if len(rows) != len(others) + 1:
            raise ValidationFailed("所选检查不存在或不在本单位数据范围内", field="other_ids")
        lead = rows[lead_id]
        group = [rows[x] for x in others]
        _check_group(lead, group)
        before = snapshot(lead)
        certs = [
            r.certificate
            for r in InspectionInspector.objects.filter(
                inspection_id__in=[lead.pk, *others]
            ).select_related("certificate__person", "certificate__department")
        ]
        unique = list({c.person_id: c for c in certs}.values())
        start = max(i.period_start for i in [lead, *group])
        end = min(i.period_end for i in [lead, *group])
        for p in {i.project_id: i.project for i in [lead, *group]}.values():
            problem = conflicts.team_problem(unique, p, start)
            if problem:
                raise ValidationFailed(
                    f"联合检查组不符合要求（{p.name}）：{problem}", field="other_ids"
                )
        names = set(lead.items.values_list("name", flat=True))
        pos = lead.items.count()
        from .services_visits import _inspector_rows

        _inspector_rows(lead, unique)
        for i in group:
            for it in i.items.all():
                if it.name in names:
                    continue
                names.add(it.name)
                pos += 1
                InspectionItem.objects.create(
                    inspection=lead,
                    position=pos,
                    name=it.name,
                    basis=it.basis,
                    method=it.method,
                    stage=it.stage,
                    item_key=it.item_key,
                    department_name=it.department_name,
                )
            for d in i.departments.all():
                InspectionDepartment.objects.get_or_create(
                    inspection=lead,
                    department_id=d.department_id,
                    defaults={"original_number": i.number},
                )
            b = snapshot(i)
            i.state = InspectionState.MERGED
            i.merged_into = lead
            i.save(update_fields=["state", "merged_into"])
            audit.record(
                actor=actor,
                action="inspections.merged",
                obj=i,
                before=b,
                after=snapshot(i),
                project_id=i.project_id,
            )
        lead.is_joint = True
        lead.period_start, lead.period_end = start, end
        lead.save(update_fields=["is_joint", "period_start", "period_end"])
        audit.record(
            actor=actor,
            action="inspections.merge",
            obj=lead,
            before=before,
            after={**snapshot(lead), "merged": [i.number for i in group]},
            project_id=lead.project_id,
        )
    return lead


def visits_saved(qs: QuerySet) -> int:
    """Merged count − 1 per joint inspection = the inspections merged away."""
    return qs.filter(state=InspectionState.MERGED).count()


__all__ = ["Candidate", "candidates", "may_merge", "merge", "visits_saved"]
