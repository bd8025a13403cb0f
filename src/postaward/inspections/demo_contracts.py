"""Demo data of the contracts part (R-INS-07): supplementary agreements on a
few housing projects, one clean contract check (concluded: nothing found) and
one whose comparison flags a shadow contract and an illegal subcontract,
waiting for its leader (``housing_staff``) to conclude. Opened by
``office_staff``; the team: ``housing_staff`` (leader) and ``office_staff``,
from the enforcement pool the cases demo makes (``cases.simulation``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from postaward.core import clock
from postaward.core.actor import SYSTEM


def _pdf(text: str, name: str) -> Any:
    from postaward.core.files import minimal_pdf
    from postaward.projects.services import content_file

    return content_file(minimal_pdf([text, "Demo supplementary agreement."]), name)


def _contract(p: Any) -> Any:
    """The project's first contract, with its number, amount and day filled in."""
    from postaward.projects.choices import ParticipantRole
    from postaward.projects.models import Participant

    part = p.participants.filter(role=ParticipantRole.CONTRACTOR).order_by("pk").first()
    if part is None:
        return None
    signed = part.contract_signed_on or p.award_date or p.planned_start or clock.today()
    Participant.objects.filter(pk=part.pk).update(
        contract_number=part.contract_number or f"HT-{p.code}",
        contract_amount=part.contract_amount or p.contract_amount,
        contract_signed_on=min(signed, clock.today()),
    )
    part.refresh_from_db()
    return part


def _agree(p: Any, part: Any, number: str, **kw: Any) -> None:
    from postaward.projects import services as ps

    day = max(part.contract_signed_on or clock.today(), clock.today() - dt.timedelta(days=20))
    ps.register_agreement(
        actor=SYSTEM,
        participant=part,
        number=number,
        signed_on=min(day, clock.today()),
        upload=_pdf(f"{p.code} {number}", f"补充协议{number}.pdf"),
        **kw,
    )


def seed_demo(b: Any = None) -> None:
    from postaward.cases.models import EnforcementCertificate
    from postaward.cases.simulation import ensure_pool
    from postaward.orgs.models import User
    from postaward.projects.choices import ProjectStatus
    from postaward.projects.models import Project

    from . import rules_contracts
    from . import services_contracts as svc
    from .models.contracts import ContractCheck

    if ContractCheck.objects.exists():
        return
    ensure_pool()
    staff = {
        u.username: u for u in User.objects.filter(username__in=("office_staff", "housing_staff"))
    }
    if len(staff) < 2:
        return
    certs = {
        name: EnforcementCertificate.objects.filter(person=u.person).first()
        for name, u in staff.items()
    }
    if None in certs.values():
        return
    from postaward.orgs.actors import actor_for

    office = actor_for(staff["office_staff"])
    leader = actor_for(staff["housing_staff"])
    projects = list(
        Project.objects.filter(
            status=ProjectStatus.UNDER_CONSTRUCTION,
            industry_authority=staff["housing_staff"].organisation,
            planned_start__isnull=False,
            planned_completion__isnull=False,
        ).order_by("code")[:40]
    )
    team = {
        "leader_id": certs["housing_staff"].pk,  # type: ignore[union-attr]
        "member_ids": [certs["office_staff"].pk],  # type: ignore[union-attr]
    }
    clean = flagged = None
    for p in projects:
        part = _contract(p)
        if part is None:
            continue
        if clean is None and not rules_contracts.compare(rules_contracts.facts_of(p)).flags:
            days = (p.planned_completion - p.planned_start).days
            _agree(p, part, "BC-01", duration_change_days=max(1, days // 20))
            clean = p
        elif flagged is None and p != clean:
            _agree(p, part, "BC-01", personnel_change="", duration_change_days=1)
            _agree(
                p,
                part,
                "BC-02",
                amount_change=(p.contract_amount * Decimal("0.18")).quantize(Decimal("1")),
                scope_change="增加地下车库及室外配套工程",
            )
            _main_structure_subcontract(b, p, part)
            flagged = p
        if clean is not None and flagged is not None:
            break
    if clean is not None:
        c = svc.open_check(actor=office, project_id=clean.pk, reason="第三季度合同履约抽查", **team)
        c = svc.compare(actor=leader, obj=c)
        svc.conclude(
            actor=leader,
            obj=c,
            summary="合同及补充协议与中标结果一致，未发现转包、违法分包和阴阳合同",
            conclusions=[
                {"flag_id": f.pk, "confirmed": False, "note": "经核实不构成违法违规"}
                for f in c.flags.all()
            ],
        )
    if flagged is not None:
        c = svc.open_check(
            actor=office, project_id=flagged.pk, reason="第三季度合同履约抽查", **team
        )
        svc.compare(actor=leader, obj=c)


def _main_structure_subcontract(b: Any, p: Any, part: Any) -> None:
    from postaward.core.idcheck import make_uscc
    from postaward.projects import services as ps
    from postaward.projects.models import Participant

    Participant.objects.filter(pk=part.pk).update(allows_subcontract=True)
    part.refresh_from_db()
    serial = 990001 + p.pk % 9000
    ps.register_subcontract(
        actor=SYSTEM,
        participant=part,
        subcontractor_name="浙江永固建筑工程有限公司",
        subcontractor_uscc=make_uscc(f"91330604MA{serial:07d}"),
        scope="教学楼主体结构施工分包",
        amount=(p.contract_amount * Decimal("0.2")).quantize(Decimal("1")),
        signed_on=clock.today(),
        upload=_pdf(f"{p.code} subcontract", "分包合同.pdf"),
    )
