"""The demo district's data of the clues part (R-ACT-01, R-ACT-02, R-ACT-07):
the catalogue installed for the demo office; the platform's clues raised from
the demo's own late acceptance, missed alert disposal and late complaint
decision (the demo is given one of each where it has none); and three clues
registered by hand from other sources of art. 7."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from postaward.core import clock
from postaward.core.deadlines import DeadlineMissed
from postaward.core.models import Deadline
from postaward.orgs.choices import OrgKind
from postaward.orgs.models import Organisation, User

from . import findings_clues
from . import services_catalogue as cat

log = logging.getLogger(__name__)

ACCEPTANCE = (
    "approvals.acceptance_below",
    "approvals.acceptance_above",
    "approvals.acceptance_super_large",
    "approvals.acceptance_village_self",
)
ALERT = ("alert.disposal",)
COMPLAINT = (
    "complaints.complaint_decision",
    "complaints.report_decision",
    "complaints.unit_handling",
)


def seed_demo(b: Any) -> None:
    """Called by ``accountability.demo.seed_demo`` after the other capabilities' data."""
    office = (
        Organisation.objects.filter(kind=OrgKind.SUPERVISION_OFFICE, parent__isnull=True)
        .order_by("path")
        .first()
    )
    if office is None:
        return
    cat.install_defaults(office)
    _late_complaint(office)
    _late_alert()
    for kinds in (ACCEPTANCE, ALERT, COMPLAINT):
        _overdue(kinds)
    raise_from_missed_deadlines()
    _self_entrusted()
    findings_clues.detect(clock.today())
    _by_hand(office)


def _self_entrusted() -> None:
    """The demo's settlement entrusted to an intermediary without consent
    (5(六)): its fact still waits in the outbox while the demo is built; the
    worker delivering it later raises nothing new (``auto_key``)."""
    from postaward.core import events
    from postaward.core.models import EventRecord

    for rec in EventRecord.objects.filter(
        name="projects.settlement_self_entrusted", dispatched_at__isnull=True
    ).order_by("id")[:20]:
        findings_clues.on_settlement_self_entrusted(events.load(rec.name, rec.payload))


def _late_complaint(office: Organisation) -> None:
    """A report received by the office ten days ago and never decided (the
    decision is due within 5 days): a late decision of the demo's own."""
    if Deadline.objects.filter(kind__in=COMPLAINT).exists():
        return
    from postaward.complaints import services as complaints
    from postaward.core.simulation import platform_time
    from postaward.orgs.actors import actor_for

    staff = User.objects.filter(username="office_staff").first()
    if staff is None:
        return
    moment = clock.start_of_day(clock.today() - dt.timedelta(days=10)) + dt.timedelta(hours=10)
    with platform_time(moment):
        complaints.file_complaint(
            actor=actor_for(staff),
            filing=complaints.Filing(
                kind="report",
                subject_text="施工单位",
                facts="反映某工地夜间违规施工、渣土车未覆盖，要求查处（来信）",
                anonymous=True,
            ),
            channel="letter",
            source="staff",
        )


def _late_alert() -> None:
    """An alert raised twelve days ago on a project under construction and
    never disposed of at its level: a missed disposal of the demo's own."""
    if Deadline.objects.filter(kind__in=ALERT).exists():
        return
    from postaward.alerts.indicators import Hit
    from postaward.alerts.models import Indicator
    from postaward.alerts.services.hits import record_hit
    from postaward.projects.models import Project

    ind = Indicator.objects.filter(enabled=True).order_by("disposal_days", "pk").first()
    project = Project.objects.filter(status="under_construction").order_by("pk").first()
    if ind is None or project is None:
        log.info("demo: no indicator or project for a late alert")
        return
    moment = clock.start_of_day(clock.today() - dt.timedelta(days=12)) + dt.timedelta(hours=9)
    record_hit(
        ind,
        Hit(
            dedup_key=f"demo-accountability-{project.pk}",
            title=f"{project.name}：{ind.name}",
            facts={"说明": "演示数据：预警派发后本级逾期未处置"},
            project_id=project.pk,
            occurred_at=moment,
        ),
        now=moment,
    )


def _overdue(kinds: tuple[str, ...]) -> None:
    """Where the demo has a deadline of these kinds but none is overdue, the
    latest open one started long enough ago to be late (its subject was
    received earlier in the demo's story): the demo has one late case."""
    now = clock.now()
    rows = Deadline.objects.filter(kind__in=kinds)
    if rows.filter(due_at__lt=now).exists():
        return
    d = rows.filter(state=Deadline.State.OPEN).order_by("-pk").first()
    if d is None:
        log.info("demo: no deadline of %s to make late", kinds)
        return
    shift = dt.timedelta(days=(d.due_at - d.started_at).days + 2)
    Deadline.objects.filter(pk=d.pk).update(
        started_at=d.started_at - shift,
        due_at=d.due_at - shift,
        nominal_end=d.nominal_end - shift if d.nominal_end else None,
    )


def raise_from_missed_deadlines() -> int:
    """The clues of the demo's overdue deadlines, raised as the event would
    raise them (same ``auto_key``: the worker's later event adds nothing)."""
    now = clock.now()
    n = 0
    rows = Deadline.objects.filter(kind__in=list(findings_clues.MISSED), due_at__lt=now)
    for d in rows.exclude(state=Deadline.State.MET)[:50]:
        evt = DeadlineMissed(
            deadline_id=d.pk,
            kind=d.kind,
            subject_type=d.subject_type,
            subject_id=d.subject_id,
            project_id=d.project_id,
            organisation_id=d.organisation_id,
            due_at=d.due_at.isoformat(),
            basis=d.basis,
        )
        if findings_clues.on_deadline_missed(evt) is not None:
            n += 1
    return n


def _by_hand(office: Organisation) -> None:
    """Three clues the office registered from other sources of art. 7."""
    from postaward.orgs.actors import actor_for

    from .services_clues import file_clue

    staff = User.objects.filter(username="office_staff").first()
    if staff is None:
        return
    actor = actor_for(staff)
    owner = (
        Organisation.objects.filter(kind=OrgKind.OWNER, path__startswith=office.path)
        .order_by("path")
        .first()
    )
    authority = (
        Organisation.objects.filter(kind=OrgKind.INDUSTRY_AUTHORITY, path__startswith=office.path)
        .order_by("path")
        .first()
    )
    today = clock.today()
    items = []
    if authority is not None:
        items.append(
            (
                "media",
                authority,
                "6-8",
                "新闻媒体报道该局对一项道路工程的变更审核推诿扯皮，施工单位停工待批近一个月",
                "清溪日报",
            )
        )
        items.append(
            (
                "instruction",
                authority,
                "6-1",
                "区领导批示：该局年度标后监管工作清单流于形式，请监管办核实",
                "区领导批示件",
            )
        )
    if owner is not None:
        items.append(
            (
                "government_inspection",
                owner,
                "5-3",
                "区政府专项检查发现该单位对施工单位违法分包未及时制止，也未向有关部门报告",
                "区政府专项检查通报",
            )
        )
    for i, (source, unit, code, facts, detail) in enumerate(items, start=1):
        act = cat.act_by_code(office, code)
        if act is None:
            continue
        file_clue(
            actor,
            source=source,
            unit_id=unit.pk,
            act_id=act.pk,
            facts=facts,
            source_detail=detail,
            occurred_on=today - dt.timedelta(days=10 + 7 * i),
            idempotency_key=f"demo-clue-{i}",
        )
