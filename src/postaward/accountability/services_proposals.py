"""Bad-conduct proposals (不良行为认定建议书, R-ACT-07; QZ 附件2 art. 6(九);
ADRs 0802-0804): filed by the supervision office or an owner to the competent
industry authority, decided by it within the decision period (认定 / 不予认定).
Every write audited; a filing with the same Idempotency-Key files once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.urls import reverse

from postaward.core import clock, deadlines, documents, files, idempotency, notices, writes
from postaward.core.actor import Actor
from postaward.core.errors import Forbidden, NotFound, ValidationFailed
from postaward.orgs.choices import ENTERPRISE_KINDS, OWNER_KINDS, OrgKind, Role
from postaward.orgs.models import Organisation, Person, User

from .choices_proposals import ProposalState, SenderKind
from .deadline_kinds_proposals import (
    DECISION_DAYS,
    DECISION_UNIT,
    PROPOSAL_DECISION,
    REMINDER_AFTER,
)
from .models import Proposal, proposal_scope, snapshot_proposal

DEPARTMENT_ROLES = frozenset({Role.ADMIN, Role.UNIT_LEADER, Role.AUTHORITY_STAFF})
OWNER_SENDER_ROLES = frozenset({Role.ADMIN, Role.UNIT_LEADER, Role.OWNER_PROJECT_LEADER})


# --- who ------------------------------------------------------------------------------------------


def is_department(p: Proposal, actor: Actor) -> bool:
    """The addressed department's administrators, leaders and staff."""
    return (
        actor.user_id is not None
        and actor.organisation_id == p.department_id
        and bool(actor.roles & DEPARTMENT_ROLES)
    )


def sender_kind_of(actor: Actor) -> str:
    """``office`` / ``owner`` for those who may file a proposal, else ''."""
    from .services_catalogue import is_office_staff

    if is_office_staff(actor):
        return SenderKind.OFFICE
    if (
        actor.user_id is not None
        and actor.org_kind in OWNER_KINDS
        and actor.roles & OWNER_SENDER_ROLES
    ):
        return SenderKind.OWNER
    return ""


def may_file(actor: Actor) -> bool:
    return bool(sender_kind_of(actor))


def may_see(actor: Actor) -> bool:
    """The menu entry: the office, those who may file, a department's staff."""
    if actor.user_id is None:
        return False
    if may_file(actor):
        return True
    return actor.org_kind == OrgKind.INDUSTRY_AUTHORITY and bool(actor.roles & DEPARTMENT_ROLES)


def proposals_of(actor: Actor) -> Any:
    return Proposal.objects.filter(proposal_scope(actor)).select_related(
        "unit", "department", "sender", "project", "office"
    )


def load_proposal(actor: Actor, pk: int) -> Proposal:
    """One proposal in the actor's scope (404 outside: the same answer as
    absent; 403 for a role that reads no proposals)."""
    if actor.user_id is not None and not may_see(actor):
        raise Forbidden("仅监管办、建设单位和行业主管部门可以查看不良行为认定建议书")
    p = proposals_of(actor).filter(pk=pk).first()
    if p is None:
        raise NotFound()
    return p  # type: ignore[no-any-return]


def with_due(qs: Any) -> Any:
    """The proposals with the end of their decision period (one subquery,
    ``decision_due``): lists sort and filter on it without a query per row."""
    from django.db.models import CharField, OuterRef, Subquery
    from django.db.models.functions import Cast

    from postaward.core.models import Deadline

    due = Deadline.objects.filter(
        kind=PROPOSAL_DECISION.kind,
        subject_type=Proposal._meta.label_lower,
        subject_id=Cast(OuterRef("pk"), output_field=CharField()),
    )
    return qs.annotate(decision_due=Subquery(due.order_by("-pk").values("due_at")[:1]))


def decision_deadline(p: Proposal) -> Any:
    from postaward.core.models import Deadline

    return (
        Deadline.objects.filter(
            kind=PROPOSAL_DECISION.kind,
            subject_type=Proposal._meta.label_lower,
            subject_id=str(p.pk),
        )
        .order_by("-pk")
        .first()
    )


# --- filing ---------------------------------------------------------------------------------------


def _int(value: Any, *, field: str, label: str, required: bool = True) -> int | None:
    if value in (None, ""):
        if required:
            raise ValidationFailed(f"请选择{label}", field=field)
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(f"{label}不正确", field=field) from None


def _received(value: Any) -> dt.date:
    if value in (None, ""):
        return clock.today()
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValidationFailed(
                "收到日期格式不正确（应为 YYYY-MM-DD）", field="received_on"
            ) from None
    if day > clock.today():
        raise ValidationFailed("收到日期不能晚于今天", field="received_on")
    if day < clock.today() - dt.timedelta(days=60):
        raise ValidationFailed("收到日期不能早于60天前", field="received_on")
    return day


def _org(actor: Actor, pk: Any, *, field: str, label: str) -> Organisation:
    found = Organisation.objects.filter(
        pk=_int(pk, field=field, label=label) or 0,
        path__startswith=actor.district_path,
        is_active=True,
    ).first()
    if found is None:  # another district's unit: the same answer as absent
        raise NotFound()
    return found  # type: ignore[no-any-return]


def _persons(unit: Organisation, ids: Iterable[Any]) -> list[Person]:
    wanted = {_int(i, field="person_ids", label="涉及人员") for i in ids or ()}
    found = list(Person.objects.filter(pk__in=wanted, organisation=unit))
    if len(found) != len(wanted):
        raise ValidationFailed("涉及人员须为被建议单位的人员", field="person_ids")
    return found


def departments(actor: Actor) -> Any:
    """The industry authorities of the actor's district (the addressees)."""
    return Organisation.objects.filter(
        kind=OrgKind.INDUSTRY_AUTHORITY, path__startswith=actor.district_path, is_active=True
    ).order_by("name")


def units(actor: Actor) -> Any:
    """The enterprises a proposal may be about (contractors, supervising
    firms, agents …) in the actor's district."""
    return Organisation.objects.filter(
        kind__in=ENTERPRISE_KINDS, path__startswith=actor.district_path, is_active=True
    ).order_by("name")


def file_proposal(
    actor: Actor,
    *,
    department_id: Any,
    unit_id: Any,
    facts: Any,
    conduct: Any,
    project_id: Any = None,
    person_ids: Iterable[Any] = (),
    evidence_note: Any = "",
    received_on: Any = None,
    evidence: Any = None,
    idempotency_key: str | None = None,
) -> Proposal:
    """The office or an owner sends a proposal (R-ACT-07): refused with a
    Chinese reason on its field before anything is stored; one proposal per
    idempotency key; the decision period starts on the day of receipt."""
    from postaward.projects.models import Project

    from .services_catalogue import office_of

    kind = sender_kind_of(actor)
    if not kind:
        raise Forbidden("仅监管办和建设单位可以提出不良行为认定建议")
    sender = Organisation.objects.get(pk=actor.organisation_id)
    office = office_of(sender)
    if office is None:
        raise ValidationFailed("本单位所在区未设监管办", field="department_id")
    department = _org(actor, department_id, field="department_id", label="认定部门")
    if department.kind != OrgKind.INDUSTRY_AUTHORITY:
        raise ValidationFailed("认定部门须为行业主管部门", field="department_id")
    unit = _org(actor, unit_id, field="unit_id", label="被建议单位")
    if unit.kind not in ENTERPRISE_KINDS:
        raise ValidationFailed("被建议单位须为施工、监理、代理等市场主体", field="unit_id")
    pid = _int(project_id, field="project_id", label="项目", required=False)
    project = None
    if pid is not None:
        project = Project.objects.visible_to(actor).filter(pk=pid).first()
        if project is None:
            raise ValidationFailed("项目不存在或不在本单位的范围内", field="project_id")
    if kind == SenderKind.OWNER and (project is None or project.owner_id != sender.pk):
        raise ValidationFailed("建设单位提出建议须选择本单位的项目", field="project_id")
    persons = _persons(unit, person_ids)
    clean = {
        "facts": writes.text(facts, field="facts", label="违法违规事实", min_len=10, max_len=4000),
        "conduct": writes.text(
            conduct, field="conduct", label="建议认定的不良行为", min_len=4, max_len=400
        ),
        "evidence_note": (evidence_note or "").strip()[:2000],
    }
    day = _received(received_on)
    checked = files.check_upload(evidence, field="evidence") if evidence else None
    payload = {
        "department": department.pk,
        "unit": unit.pk,
        "project": pid,
        "persons": sorted(p.pk for p in persons),
        "received_on": day,
        "file": checked.sha256 if checked is not None else "",
        **clean,
    }

    def run() -> tuple[int, Any]:
        seq = documents.next_number("accountability.proposal", day.year)
        p = Proposal.objects.create(
            number=f"JY{day.year}{seq:04d}",
            office=office,
            sender=sender,
            sender_kind=kind,
            department=department,
            unit=unit,
            project=project,
            received_on=day,
            created_by_id=actor.user_id,
            created_by_name=actor.display_name or actor.username,
            created_at=clock.now(),
            **clean,
        )
        if persons:
            p.persons.set(persons)
        if checked is not None:
            files.save(p.evidence_file, checked)
            p.evidence_file_name = checked.name[:200]
            p.save(update_fields=["evidence_file", "evidence_file_name"])
        writes.created(
            p,
            actor=actor,
            action="accountability.proposal_filed",
            snapshot=snapshot_proposal,
            project_id=p.project_id,
        )
        deadlines.open_deadline(
            kind=PROPOSAL_DECISION.kind,
            subject=p,
            length=DECISION_DAYS,
            unit=DECISION_UNIT,
            basis=PROPOSAL_DECISION.basis,
            organisation_id=department.pk,
            # not the project's: a suspended or cancelled project does not stop
            # the department's duty to decide (ADR 0803)
            project_id=None,
            start=clock.start_of_day(day),
            reminder_after=REMINDER_AFTER,
        )
        notices.tell(
            department_user_ids(p),
            key=f"accountability:proposal:{p.pk}:filed",
            kind="accountability.proposal",
            title=f"不良行为认定建议书待认定：{p.number}",
            body=f"{sender.name}建议对{unit.name}的不良行为作出认定，请在期限内作出认定。",
            url=reverse("accountability_proposal_detail", args=[p.pk]),
            actor=actor,
        )
        return 201, p.pk

    with transaction.atomic():
        _, pk, _ = idempotency.run(
            user_id=actor.user_id,
            scope="accountability.proposal",
            key=idempotency_key,
            payload=payload,
            fn=run,
        )
    return Proposal.objects.get(pk=pk)


def department_user_ids(p: Proposal) -> list[int]:
    return list(
        User.objects.filter(
            is_active=True, organisation_id=p.department_id, role_grants__role__in=DEPARTMENT_ROLES
        ).values_list("pk", flat=True)
    )


# --- the department's decision (steps_proposals) -------------------------------------------------


def _decision_day(value: Any, p: Proposal) -> dt.date:
    day = value or clock.today()
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day)
        except ValueError:
            raise ValidationFailed("认定日期格式不正确", field="decided_on") from None
    if day > clock.today():
        raise ValidationFailed("认定日期不能晚于今天", field="decided_on")
    if day < p.received_on:
        raise ValidationFailed("认定日期不能早于收到建议书的日期", field="decided_on")
    return day  # type: ignore[no-any-return]


def _close(p: Proposal) -> None:
    # closed after the period ran out, the deadline is closed as missed
    deadlines.close_deadline(kind=PROPOSAL_DECISION.kind, subject=p)


def _tell_sender(p: Proposal, actor: Actor, what: str) -> None:
    ids = list(
        User.objects.filter(is_active=True, organisation_id=p.sender_id).values_list(
            "pk", flat=True
        )
    )
    notices.tell(
        ids,
        key=f"accountability:proposal:{p.pk}:decided",
        kind="accountability.proposal",
        title=f"不良行为认定建议书{what}：{p.number}",
        body=f"{p.department.name}已对{p.unit.name}的不良行为认定建议作出决定（{what}）。",
        url=reverse("accountability_proposal_detail", args=[p.pk]),
        actor=actor,
    )


def recognise(
    *,
    actor: Actor,
    obj: Proposal,
    decision_text: str,
    decision_document: str,
    decided_on: Any = None,
) -> Proposal:
    """认定 (R-ACT-07): the department records its decision and its document."""
    from postaward.core import steps

    from . import steps_proposals

    text = writes.text(
        decision_text, field="decision_text", label="认定意见", min_len=4, max_len=2000
    )
    doc = writes.text(
        decision_document, field="decision_document", label="认定文书文号", max_len=100
    )
    day = _decision_day(decided_on, obj)
    with steps.write(steps_proposals.RECOGNISE, obj, actor) as w:
        p = w.obj
        p.state = ProposalState.RECOGNISED
        p.decision_text = text
        p.decision_document = doc
        p.decided_on = day
        p.decided_at = clock.now()
        p.decided_by_name = actor.display_name or actor.username
        _close(p)
    _tell_sender(p, actor, "已认定")
    return p  # type: ignore[no-any-return]


def not_recognise(*, actor: Actor, obj: Proposal, reason: str, decided_on: Any = None) -> Proposal:
    """不予认定 (R-ACT-07): the department decides not to recognise, with the reason."""
    from postaward.core import steps

    from . import steps_proposals

    text = writes.text(reason, field="reason", label="不予认定的理由", min_len=4, max_len=2000)
    day = _decision_day(decided_on, obj)
    with steps.write(steps_proposals.NOT_RECOGNISE, obj, actor) as w:
        p = w.obj
        p.state = ProposalState.NOT_RECOGNISED
        p.decision_text = text
        p.decided_on = day
        p.decided_at = clock.now()
        p.decided_by_name = actor.display_name or actor.username
        _close(p)
    _tell_sender(p, actor, "不予认定")
    return p  # type: ignore[no-any-return]
