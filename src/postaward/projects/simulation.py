"""What happens to projects on a simulated day (``postaward simulate``): ready
projects start, owners upload missing contracts, some works are suspended and
later resumed, works past their planned completion complete, completed works
are accepted and go on to settlement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from postaward import simulate
from postaward.core import clock
from postaward.core.actor import SYSTEM
from postaward.core.errors import DomainError

from . import services, workflows
from .choices import ProjectStatus, SuspensionState
from .files import minimal_pdf
from .models import Participant, Project, Suspension

S = ProjectStatus


def _pdf(text: str):  # type: ignore[no-untyped-def]
    return services.content_file(minimal_pdf([text, "Simulated document"]), "simulated.pdf")


def _try(fn, **kw) -> bool:  # type: ignore[no-untyped-def]
    try:
        fn(actor=SYSTEM, **kw)
    except DomainError:
        return False
    return True


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


@simulate.daily(order=60)
def completed_works_go_to_settlement(sim: simulate.SimDay) -> None:
    for p in Project.objects.filter(
        status=S.COMPLETED, actual_completion__lt=sim.day - dt.timedelta(days=15)
    ):
        if sim.rng.random() < 0.08:
            _try(
                services.accept_works,
                project=p,
                on=sim.day,
                conclusion="工程质量合格，同意通过竣工验收。",
                upload=_pdf(f"{p.code} acceptance"),
            )
    for p in Project.objects.filter(
        status=S.ACCEPTED, accepted_on__lt=sim.day - dt.timedelta(days=20), is_platform_covered=True
    ):
        if sim.rng.random() < 0.05:
            _try(
                services.submit_settlement,
                project=p,
                on=sim.day,
                amount=(p.contract_amount * Decimal("1.02")).quantize(Decimal("1")),
            )
