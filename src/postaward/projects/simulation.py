"""What happens to projects on a simulated day (``postaward simulate``): new
projects go down the chain (superior unit, line, owner, owner's project leader:
registered → preparing), owners of projects in preparation set the site, sign
the contractor and the supervising firm, name the key personnel and hold the
post-award interview; owners upload missing contracts; ready projects start,
some works are suspended and later resumed, works past their planned completion
complete (their acceptance goes through the approval process, see
``approvals.simulation``), and accepted works go on to settlement: the audit
bureau approves it, the funds are paid and, later, the quality deposit returned."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from postaward.core import clock
from postaward.core import simulation as simulate
from postaward.core.actor import SYSTEM
from postaward.core.errors import DomainError
from postaward.core.files import minimal_pdf
from postaward.orgs.choices import OWNER_KINDS, SUPERIOR_KINDS, OrgKind
from postaward.orgs.models import Organisation, Person, Qualification

from . import services, workflows
from .choices import (
    ACCEPTED_CERTIFICATES,
    ACTIVE_STATES,
    EXCLUSIVE_POSITIONS,
    REQUIRED_PARTICIPANT_ROLES,
    ROLE_OF_POSITION,
    InterviewTopic,
    ParticipantRole,
    Position,
    ProjectStatus,
    SuspensionState,
)
from .models import KeyPersonAssignment, Participant, Project, Suspension

S = ProjectStatus


def _pdf(text: str):  # type: ignore[no-untyped-def]
    return services.content_file(minimal_pdf([text, "Simulated document"]), "simulated.pdf")


def _try(fn, **kw) -> bool:  # type: ignore[no-untyped-def]
    try:
        fn(actor=SYSTEM, **kw)
    except DomainError:
        return False
    return True


def _pick(rng, items):  # type: ignore[no-untyped-def]
    items = list(items)
    return rng.choice(items) if items else None


def _owners_under(org: Organisation) -> list[Organisation]:
    return list(
        Organisation.objects.filter(
            path__startswith=org.path, kind__in=OWNER_KINDS, is_active=True
        ).order_by("id")
    )


@simulate.daily(order=10)
def projects_go_down_the_chain(sim: simulate.SimDay) -> None:
    """R-ORG-03: the authority assigns the superior unit, the superior unit its
    line, the line the owner, the owner its project leader (which moves the
    project into preparation). Each unit takes a few days."""
    rng = sim.rng
    for p in (
        Project.objects.filter(status=S.REGISTERED)
        .select_related("industry_authority", "superior_unit", "line", "owner")
        .order_by("id")
    ):
        if rng.random() > 0.3:
            continue  # not today
        if p.owner_id is None:
            if p.superior_unit is None:
                if p.industry_authority is None:
                    continue
                root = p.industry_authority.district_path
                units = [
                    u
                    for u in Organisation.objects.filter(
                        path__startswith=root, kind__in=SUPERIOR_KINDS, is_active=True
                    ).order_by("id")
                    if _owners_under(u)
                ]
                unit = _pick(rng, units)
                if unit is not None:
                    _try(services.assign_superior_unit, project=p, superior_unit=unit)
                continue
            lines = [
                line
                for line in p.superior_unit.children.filter(
                    kind=OrgKind.LINE, is_active=True
                ).order_by("id")
                if _owners_under(line)
            ]
            if p.line is None and lines:
                _try(services.assign_line, project=p, line=rng.choice(lines))
                continue
            owner = _pick(rng, _owners_under(p.line or p.superior_unit))
            if owner is not None:
                _try(services.assign_owner, project=p, owner=owner)
            continue
        if p.owner_leader_id is None:
            leader = _pick(
                rng,
                Person.objects.filter(organisation_id=p.owner_id, is_active=True).order_by("id"),
            )
            if leader is not None:
                _try(services.assign_owner_leader, project=p, person=leader)


def certified_person(
    organisation_id: int,
    position: str,
    day: dt.date,
    *,
    project: Project,
    rng: random.Random,
    exclude: tuple[int, ...] = (),
) -> tuple[Person, Qualification] | None:
    """A person of the unit with a certificate valid for ``position`` on ``day``
    (and for a few months), whom no ban (R-CHG-04) keeps off it and who is not
    already project manager / chief supervising engineer of an active project."""
    quals = (
        Qualification.objects.filter(
            person__organisation_id=organisation_id,
            person__is_active=True,
            kind__in=ACCEPTED_CERTIFICATES[position],
        )
        .exclude(person_id__in=exclude)
        .select_related("person")
        .order_by("id")
    )
    busy: set[int] = set()
    if position in EXCLUSIVE_POSITIONS:
        busy = set(
            KeyPersonAssignment.objects.filter(
                position=position, ended_on__isnull=True, project__status__in=ACTIVE_STATES
            ).values_list("person_id", flat=True)
        )
    here = set(
        KeyPersonAssignment.objects.filter(project=project, ended_on__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    horizon = day + dt.timedelta(days=90)
    pool = [
        q
        for q in quals
        if q.person_id not in busy
        and q.person_id not in here
        and q.is_valid_on(horizon)
        and services.may_be_named(q.person, position, day, project=project)[0]
    ]
    if not pool:
        return None
    q = rng.choice(pool)
    return q.person, q


def _prepare(p: Project, sim: simulate.SimDay) -> None:
    """The owner's next preparation step: site, contracts, key personnel, interview."""
    rng, day = sim.rng, sim.day
    missing = {m.key for m in workflows.start_missing(p, day)}
    if "site" in missing:
        _try(
            services.set_site,
            project=p,
            site_kind="circle",
            lon=round(120.87 + rng.uniform(-0.1, 0.1), 6),
            lat=round(30.03 + rng.uniform(-0.08, 0.08), 6),
            radius_m=float(rng.choice([150, 200, 250, 300])),
        )
        return
    for role in REQUIRED_PARTICIPANT_ROLES:
        if f"participant:{role}" not in missing:
            continue
        kind = (
            OrgKind.CONTRACTOR if role == ParticipantRole.CONTRACTOR else OrgKind.SUPERVISING_FIRM
        )
        lead = (
            Position.PROJECT_MANAGER
            if role == ParticipantRole.CONTRACTOR
            else Position.CHIEF_SUPERVISING_ENGINEER
        )
        firms = [
            f
            for f in Organisation.objects.filter(kind=kind, is_active=True).order_by("id")
            if certified_person(f.pk, lead, day, project=p, rng=rng) is not None
        ]
        firm = _pick(rng, firms)
        if firm is None:
            continue
        amount = p.contract_amount
        if role != ParticipantRole.CONTRACTOR:
            amount = (amount * Decimal("0.015")).quantize(Decimal("1"))
        suffix = "SG" if role == ParticipantRole.CONTRACTOR else "JL"
        _try(
            services.upsert_participant,
            project=p,
            organisation=firm,
            role=role,
            contract_upload=_pdf(f"Contract {p.code}-{suffix}"),
            contract_number=f"{p.code}-{suffix}",
            contract_signed_on=day,
            contract_amount=amount,
        )
        return
    for pos in map(Position, workflows.required_positions(p)):
        if f"position:{pos}" not in missing:
            continue
        part = p.participants.filter(role=ROLE_OF_POSITION[pos]).order_by("id").first()
        if part is None:
            continue
        found = certified_person(part.organisation_id, pos, day, project=p, rng=rng)
        if found is None:
            continue
        person, cert = found
        _try(
            services.assign_key_person,
            participant=part,
            person=person,
            position=pos,
            started_on=day,
            certificate=cert,
        )
    if "interview" in missing and not any(k.startswith("participant:") for k in missing):
        contractor = p.participants.filter(role=ParticipantRole.CONTRACTOR).first()
        if contractor is None or p.owner_id is None:
            return
        attendees = [
            {
                "organisation_id": p.owner_id,
                "name": p.owner_leader.name if p.owner_leader else "建设单位代表",
                "title": "建设单位项目负责人",
            },
            {
                "organisation_id": contractor.organisation_id,
                "name": "中标单位代表",
                "title": "法定代表人",
            },
        ]
        if p.industry_authority_id:
            attendees.append(
                {"organisation_id": p.industry_authority_id, "name": "建管科", "title": "科长"}
            )
        _try(
            services.record_interview,
            project=p,
            held_on=day,
            location="行业主管部门会议室",
            attendees=attendees,
            topics=list(InterviewTopic.values),
            notes="逐项提醒中标单位诚信履约，中标单位作出书面承诺。",
            upload=_pdf(f"{p.code} interview record"),
        )


@simulate.daily(order=25)
def owners_prepare_the_start(sim: simulate.SimDay) -> None:
    for p in (
        Project.objects.filter(status=S.PREPARING)
        .select_related("owner_leader")
        .order_by("id")[:60]
    ):
        if sim.rng.random() < 0.35:
            _prepare(p, sim)


@simulate.daily(order=20)
def owners_upload_missing_contracts(sim: simulate.SimDay) -> None:
    for part in Participant.objects.filter(
        project__status__in=(S.REGISTERED, S.PREPARING), contract_document__isnull=True
    ).select_related("project", "organisation")[:50]:
        if sim.rng.random() < 0.3:
            _try(
                services.upsert_participant,
                project=part.project,
                organisation=part.organisation,
                role=part.role,
                contract_upload=_pdf(f"Contract {part.project.code}"),
                contract_number=part.contract_number
                or f"{part.project.code}-{part.role[:2].upper()}",
                contract_signed_on=part.contract_signed_on or clock.today(),
            )


@simulate.daily(order=30)
def ready_projects_start(sim: simulate.SimDay) -> None:
    for p in Project.objects.filter(status=S.PREPARING, planned_start__lte=sim.day):
        if sim.rng.random() < 0.5 and not workflows.start_missing(p):
            _try(services.start_works, project=p, on=sim.day)


@simulate.daily(order=40)
def some_works_suspend(sim: simulate.SimDay) -> None:
    for p in Project.objects.filter(status=S.UNDER_CONSTRUCTION):
        if sim.rng.random() < 0.003:
            try:
                s = services.declare_suspension(
                    actor=SYSTEM,
                    project=p,
                    started_at=clock.localtime(),
                    reason=sim.rng.choice(
                        ["台风预警，停工避险", "材料供应中断，暂停施工", "周边管线迁改，暂停施工"]
                    ),
                )
                services.confirm_suspension(actor=SYSTEM, suspension=s, note="情况属实")
            except DomainError:
                continue


@simulate.daily(order=41)
def suspended_works_resume(sim: simulate.SimDay) -> None:
    for s in Suspension.objects.filter(state=SuspensionState.CONFIRMED).select_related("project"):
        if (sim.day - clock.local_date(s.started_at)).days >= 5 and sim.rng.random() < 0.2:
            _try(services.resume_works, project=s.project, note="停工原因已消除")


@simulate.daily(order=50)
def works_complete(sim: simulate.SimDay) -> None:
    for p in Project.objects.filter(status=S.UNDER_CONSTRUCTION, planned_completion__lt=sim.day):
        if sim.rng.random() < 0.1:
            _try(services.complete_works, project=p, on=sim.day)


@simulate.daily(order=65)
def accepted_works_go_to_settlement(sim: simulate.SimDay) -> None:
    """After acceptance (organised through ``approvals``: the contractor asks,
    the owner or the township concludes, which fires ``accept_works``) the owner
    submits the settlement, the audit bureau approves it, the funds are paid and,
    at the end of the defects period, the quality deposit is returned."""
    rng, day = sim.rng, sim.day
    for p in Project.objects.filter(
        status=S.ACCEPTED, accepted_on__lt=day - dt.timedelta(days=20), is_platform_covered=True
    ).order_by("id"):
        if rng.random() < 0.05:
            _try(
                services.submit_settlement,
                project=p,
                on=day,
                amount=(p.contract_amount * Decimal("1.02")).quantize(Decimal("1")),
                route="audit",
                upload=_pdf(f"{p.code} settlement"),
            )
    for p in Project.objects.filter(
        status=S.SETTLEMENT_SUBMITTED, settlement_submitted_on__lt=day - dt.timedelta(days=10)
    ).order_by("id"):
        if rng.random() < 0.08:
            submitted = p.settlement_submitted_amount or p.contract_amount
            cut = Decimal(str(rng.choice([0.94, 0.96, 0.97, 0.98, 0.99, 1.0])))
            _try(
                services.approve_settlement,
                project=p,
                on=day,
                amount=(submitted * cut).quantize(Decimal("1")),
                note="" if cut == 1 else "核减不合理计量及重复计价部分",
            )
    for p in Project.objects.filter(
        status=S.SETTLED, settled_on__lt=day - dt.timedelta(days=5)
    ).order_by("id"):
        if rng.random() < 0.1:
            _try(services.record_fund_payment, project=p, on=day)
    for p in Project.objects.filter(
        status=S.FUNDS_PAID, funds_paid_on__lt=day - dt.timedelta(days=30)
    ).order_by("id"):
        if rng.random() < 0.05:
            _try(services.return_deposit, project=p, on=day)
