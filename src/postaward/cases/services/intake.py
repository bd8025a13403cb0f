"""Opening a case (R-CAS-01): from an accepted complaint or report, a
suspected issue (疑似问题), an inspection finding, a matter handed down
(上级交办), or registered by hand. The case keeps its source and a link back;
the number AJ-YYYY-NNNN is gapless per office and year (a locked counter)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from postaward.core import clock, documents, events, writes
from postaward.core.actor import SYSTEM, Actor
from postaward.core.errors import ValidationFailed
from postaward.orgs.choices import OrgKind
from postaward.orgs.models import Organisation

from ..choices import Source
from ..events import CaseOpened
from ..models import Case, snapshot

log = logging.getLogger(__name__)


def next_number(office_id: int, year: int) -> tuple[int, str]:
    """The next number of the office's year, under the counter's lock."""
    seq = documents.next_number(f"cases.number.{office_id}", year)
    return seq, f"AJ-{year}-{seq:04d}"


def _department(department_id: int | None, project: Any) -> Organisation:
    if department_id:
        org = Organisation.objects.filter(pk=department_id).first()
    else:
        org = project.industry_authority if project is not None else None
    if org is None or org.kind not in (OrgKind.INDUSTRY_AUTHORITY, OrgKind.SUPERIOR_UNIT):
        raise ValidationFailed("请选择案件的主管部门（行业主管部门）", field="department_id")
    return org


def open_case(
    *,
    actor: Actor,
    office: Organisation,
    source: str,
    title: str,
    facts: str,
    party_name: str,
    department_id: int | None = None,
    project: Any = None,
    party_org_id: int | None = None,
    party_person_id: int | None = None,
    source_ref: str = "",
    source_text: str = "",
    source_url: str = "",
    source_key: str = "",
) -> Case:
    """Register a case (idempotent per ``source_key``: an event delivered twice
    opens one case)."""
    if source not in Source.values:
        raise ValidationFailed("案件来源不在可选范围内", field="source")
    title = writes.text(title, field="title", label="案由", max_len=200)
    facts = writes.text(facts, field="facts", label="基本案情", max_len=5000)
    party_name = writes.text(party_name, field="party_name", label="当事人", max_len=200)
    department = _department(department_id, project)
    with transaction.atomic():
        if source_key:
            existing = Case.objects.select_for_update().filter(source_key=source_key).first()
            if existing is not None:
                return existing
        now = clock.now()
        seq, number = next_number(office.pk, clock.local_date(now).year)
        c = Case.objects.create(
            number=number,
            year=clock.local_date(now).year,
            seq=seq,
            source=source,
            source_ref=source_ref[:60],
            source_text=source_text[:300],
            source_url=source_url[:300],
            source_key=source_key[:80],
            office=office,
            department=department,
            project=project,
            party_org_id=party_org_id,
            party_person_id=party_person_id,
            party_name=party_name,
            title=title,
            facts=facts,
            registered_at=now,
            registered_by_name=actor.display_name[:100],
        )
        writes.created(c, actor=actor, action="cases.open", snapshot=snapshot)
        events.publish(
            CaseOpened(
                case_id=c.pk,
                case_number=c.number,
                source=c.source,
                source_ref=c.source_ref,
                office_id=office.pk,
                project_id=c.project_id,
            )
        )
        from .todos import sync_todo

        sync_todo(c)
    return c


def open_from_event(evt: Any, source: str) -> Case | None:
    """``complaints.case_requested`` / ``alerts.case_requested``: the source
    app asks for a case (subscribed by name; the sibling is never imported).
    The event carries the facts and the source's number and link, never a
    complainant's identity."""
    from postaward.projects.models import Project

    office = Organisation.objects.filter(pk=evt.office_id).first()
    if office is None:
        log.warning("case requested by %s for an unknown office %s", evt.name, evt.office_id)
        return None
    project = Project.objects.filter(pk=evt.project_id).first() if evt.project_id else None
    dept = getattr(evt, "department_id", None) or None
    if dept is None and project is None:
        log.warning("case requested by %s without a department or project", evt.name)
        return None
    return open_case(
        actor=SYSTEM,
        office=office,
        source=source,
        title=evt.title,
        facts=evt.facts,
        party_name=evt.subject_text or "（待查明）",
        party_org_id=evt.subject_org_id,
        department_id=dept,
        project=project,
        source_ref=evt.source_ref,
        source_text=evt.source_text,
        source_url=evt.source_url,
        source_key=f"{source}:{evt.source_id}",
    )


def may_register(actor: Actor) -> bool:
    """Staff and leaders of a supervision office register cases by hand."""
    from postaward.orgs.choices import Role

    return actor.org_kind == OrgKind.SUPERVISION_OFFICE and bool(
        actor.roles & {Role.OFFICE_STAFF, Role.UNIT_LEADER}
    )


def register_by_hand(
    *,
    actor: Actor,
    source: str,
    department_id: int,
    title: str,
    party_name: str,
    facts: str,
    source_ref: str = "",
    project_id: int | None = None,
    party_org_id: int | None = None,
) -> Case:
    """登记 a case by hand (直接登记, 上级交办, or an inspection finding)."""
    from postaward.core.errors import Forbidden
    from postaward.projects.models import Project

    if not may_register(actor):
        raise Forbidden("监管办工作人员方可登记案件")
    if source not in (Source.MANUAL, Source.ASSIGNED, Source.INSPECTION):
        raise ValidationFailed("登记的案件来源须为直接登记、上级交办或监督检查", field="source")
    office = Organisation.objects.get(pk=actor.organisation_id)
    project = None
    if project_id:
        project = Project.objects.visible_to(actor).filter(pk=project_id).first()
        if project is None:
            raise ValidationFailed("项目不存在或不在本单位数据范围内", field="project_id")
    if party_org_id and not Organisation.objects.filter(pk=party_org_id).exists():
        raise ValidationFailed("当事单位不存在", field="party_org_id")
    return open_case(
        actor=actor,
        office=office,
        source=source,
        title=title,
        facts=facts,
        party_name=party_name,
        department_id=department_id,
        project=project,
        party_org_id=party_org_id,
        source_ref=source_ref,
    )
