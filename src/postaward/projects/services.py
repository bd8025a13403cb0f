"""Writes of the project registry (registration, participants, key personnel).

The registry issue adds import, lifecycle transitions and their rules; these are
the primitives they build on, each one transaction with its audit record.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from postaward.core import audit, clock
from postaward.core.actor import Actor
from postaward.core.errors import Conflict, ValidationFailed
from postaward.orgs.models import Organisation, Person

from .choices import LARGE_PROJECT_THRESHOLD, ParticipantRole, Position, ProjectClass
from .models import KeyPersonAssignment, Participant, Project


def classify(amount: Decimal, *, village: bool = False, super_large: bool = False) -> str:
    """R-PRJ-10: village works; super-large complex works; else by 20,000,000 yuan."""
    if village:
        return ProjectClass.VILLAGE
    if super_large:
        return ProjectClass.SUPER_LARGE
    return ProjectClass.GOV_ABOVE if amount >= LARGE_PROJECT_THRESHOLD else ProjectClass.GOV_BELOW


def register_project(
    *,
    actor: Actor,
    code: str,
    name: str,
    owner: Organisation,
    industry: str,
    contract_amount: Decimal,
    **fields: Any,
) -> Project:
    if Project.objects.filter(code=code).exists():
        raise Conflict("项目编号已存在", field="code")
    if contract_amount < 0:
        raise ValidationFailed("合同金额不能为负数", field="contract_amount")
    fields.setdefault("project_class", classify(contract_amount))
    with transaction.atomic():
        project = Project.objects.create(
            code=code,
            name=name,
            owner=owner,
            industry=industry,
            contract_amount=contract_amount,
            created_at=clock.now(),
            updated_at=clock.now(),
            **fields,
        )
        audit.record(
            actor=actor,
            action="projects.register_project",
            obj=project,
            after=audit.snapshot(project),
        )
    return project


def add_participant(
    *, actor: Actor, project: Project, organisation: Organisation, role: str, **fields: Any
) -> Participant:
    if role not in ParticipantRole.values:
        raise ValidationFailed("参建角色不正确", field="role")
    if organisation.kind != role:
        raise ValidationFailed(
            f"“{organisation.name}”不是{ParticipantRole(role).label}", field="organisation"
        )
    with transaction.atomic():
        part, created = Participant.objects.get_or_create(
            project=project, organisation=organisation, role=role, defaults=fields
        )
        if created:
            audit.record(
                actor=actor, action="projects.add_participant", obj=part, after=audit.snapshot(part)
            )
    return part


def assign_key_person(
    *,
    actor: Actor,
    participant: Participant,
    person: Person,
    position: str,
    started_on: dt.date,
    must_check_in: bool = True,
) -> KeyPersonAssignment:
    if position not in Position.values:
        raise ValidationFailed("岗位不正确", field="position")
    if person.organisation_id != participant.organisation_id:
        raise ValidationFailed("人员不属于该参建单位", field="person")
    with transaction.atomic():
        assignment = KeyPersonAssignment.objects.create(
            project=participant.project,
            participant=participant,
            person=person,
            position=position,
            started_on=started_on,
            must_check_in=must_check_in,
        )
        audit.record(
            actor=actor,
            action="projects.assign_key_person",
            obj=assignment,
            after=audit.snapshot(assignment),
        )
    return assignment
