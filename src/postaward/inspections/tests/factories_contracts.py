"""Contract checks and their facts for the tests (R-INS-07): built through the
services (fixed values, no choice drawn from a database id)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from postaward.cases.tests import factories as case_f
from postaward.core.actor import SYSTEM
from postaward.core.files import minimal_pdf
from postaward.projects import services as project_services
from postaward.projects.choices import ParticipantRole
from postaward.projects.models import Participant, SupplementaryAgreement
from postaward.testing import District, uscc

from .. import services_contracts
from ..models.contracts import ContractCheck

START = dt.date(2026, 3, 2)


def pdf(name: str = "补充协议.pdf") -> SimpleUploadedFile:
    return case_f._Rereadable(name, minimal_pdf(["buchong xieyi"]), "application/pdf")


def contract(d: District, *, allows: bool = True, amount: str = "8500000.00") -> Participant:
    """The school's construction contract as awarded (8,500,000 yuan)."""
    part = Participant.objects.get(project=d.projects["p_school"], role=ParticipantRole.CONTRACTOR)
    Participant.objects.filter(pk=part.pk).update(
        contract_number="HT-T-0001",
        contract_amount=Decimal(amount),
        contract_signed_on=START,
        allows_subcontract=allows,
    )
    part.refresh_from_db()
    return part


def agreement(
    d: District, number: str = "BC-01", user: str = "school_admin", **kw: Any
) -> SupplementaryAgreement:
    part = Participant.objects.get(project=d.projects["p_school"], role=ParticipantRole.CONTRACTOR)
    data: dict[str, Any] = {
        "amount_change": Decimal("100000"),
        "signed_on": START + dt.timedelta(days=30),
    }
    data.update(kw)
    return project_services.register_agreement(
        actor=d.actor(user), participant=part, number=number, upload=pdf(), **data
    )


def subcontract(d: District, scope: str = "室外给排水管网安装", amount: str = "500000") -> Any:
    part = Participant.objects.get(project=d.projects["p_school"], role=ParticipantRole.CONTRACTOR)
    return project_services.register_subcontract(
        actor=SYSTEM,
        participant=part,
        subcontractor_name="丙安装工程有限公司",
        subcontractor_uscc=uscc(),
        scope=scope,
        amount=Decimal(amount),
        signed_on=START + dt.timedelta(days=20),
        upload=pdf("分包合同.pdf"),
    )


def team(d: District) -> dict[str, Any]:
    case_f.staff(d)
    return {
        "leader_id": case_f.cert(d, "housing_staff"),
        "member_ids": [case_f.cert(d, "office_staff")],
    }


def opened(d: District, user: str = "office_staff") -> ContractCheck:
    """A check of the school's project opened by the office (team: the housing
    inspector leads, an office inspector)."""
    if not Participant.objects.filter(
        project=d.projects["p_school"], contract_number="HT-T-0001"
    ).exists():
        contract(d)
    return services_contracts.open_check(
        actor=d.actor(user),
        project_id=d.projects["p_school"].pk,
        reason="季度合同履约抽查",
        **team(d),
    )


def compared(d: District) -> ContractCheck:
    c = opened(d)
    return services_contracts.compare(actor=d.actor("housing_staff"), obj=c)


def shadow_compared(d: District) -> ContractCheck:
    """Compared with one flag: an agreement raising the amount by 20 %."""
    contract(d)
    agreement(d, amount_change=Decimal("1700000"))
    return compared(d)


def concluded(d: District) -> ContractCheck:
    c = compared(d)
    return services_contracts.conclude(actor=d.actor("housing_staff"), obj=c, summary="未发现问题")


def conclusions(c: ContractCheck, confirmed: bool = True) -> list[dict[str, Any]]:
    return [{"flag_id": f.pk, "confirmed": confirmed, "note": ""} for f in c.flags.all()]
