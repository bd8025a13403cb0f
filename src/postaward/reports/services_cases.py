"""Typical cases under supervision (典型案例督办, YJ 三(二); R-REP-06, ADR 0904):
the office marks a problem project as typical with its measures and a
deadline in working days; progress is recorded (the office, or the project's
owner) until the office closes the case (办结销号), which meets the deadline."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from postaward.core import audit, clock, deadlines, documents, idempotency, writes
from postaward.core.actor import Actor
from postaward.core.business_calendar import Unit, period_end
from postaward.core.errors import Forbidden, NotFound, ValidationFailed
from postaward.orgs.choices import OrgKind, Role
from postaward.orgs.models import Organisation
from postaward.projects.models import Project

from . import sources_cases
from .choices import CaseSource, CaseState
from .deadline_kinds import MAX_DAYS, TYPICAL_CASE
from .models import TypicalCase, TypicalCaseProgress, snapshot_case

OFFICE_ROLES = frozenset({Role.ADMIN, Role.UNIT_LEADER, Role.OFFICE_STAFF})
OWNER_ROLES = frozenset({Role.ADMIN, Role.UNIT_LEADER, Role.OWNER_PROJECT_LEADER})


def is_office(actor: Actor) -> bool:
    return (
        actor.user_id is not None
        and actor.org_kind == OrgKind.SUPERVISION_OFFICE
        and bool(actor.roles & OFFICE_ROLES)
    )


def is_owner_of(case: TypicalCase, actor: Actor) -> bool:
    """The project's owner (its leaders, administrators, the project leader)."""
    project = case.project
    return (
        actor.user_id is not None
        and actor.organisation_id is not None
        and actor.organisation_id == project.owner_id
        and bool(actor.roles & OWNER_ROLES)
    )


def office_of(actor: Actor) -> Organisation:
    office = Organisation.objects.filter(pk=actor.organisation_id).first()
    if office is None:  # pragma: no cover - an office account always has its unit
        raise Forbidden("仅监管办可以列入典型案例督办")
    return office


def _days(value: Any) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed("请填写整改期限（工作日）", field="days") from None
    if not 1 <= days <= MAX_DAYS:
        raise ValidationFailed(f"整改期限应为 1 至 {MAX_DAYS} 个工作日", field="days")
    return days


def _source_record(actor: Actor, source: str, source_id: Any) -> sources_cases.Source:
    """The alert, finding or complaint the case is marked from (ADR 0931)."""
    if source == CaseSource.OTHER:
        raise ValidationFailed("问题来源为“其他”时不关联来源记录", field="source_id")
    found = sources_cases.find(actor, source, source_id)
    if found is None:
        raise ValidationFailed("来源记录不存在或无权查看", field="source_id")
    if found.project_id is None:
        raise ValidationFailed("该来源记录未关联项目，不能列入典型案例", field="source_id")
    return found


def _once(data: dict[str, Any]) -> None:
    """A source record is marked once (a replayed request answers its case)."""
    if data["source_id"] is None:
        return
    earlier = (
        TypicalCase.objects.select_for_update()
        .filter(source=data["source"], source_id=data["source_id"])
        .values_list("number", flat=True)
        .first()
    )
    if earlier is not None:
        raise ValidationFailed(f"该记录已列入典型案例督办（{earlier}）", field="source_id")


def mark(
    *,
    actor: Actor,
    project_id: int | None,
    problem: str,
    measures: str,
    days: Any,
    source: str = CaseSource.OTHER,
    source_ref: str = "",
    source_id: Any = None,
    idempotency_key: str | None = None,
) -> TypicalCase:
    """列入典型案例督办: the office marks a project it sees as typical; the
    deadline runs ``days`` working days from today (not counted). Marked from
    an alert, a finding or a complaint (``source_id``), the project and the
    number are the source's (ADR 0931)."""
    if not is_office(actor):
        raise Forbidden("仅监管办可以列入典型案例督办")
    if source not in CaseSource.values:
        raise ValidationFailed("问题来源不正确", field="source")
    ref = (source_ref or "").strip()
    found = None
    if source_id not in (None, ""):
        found = _source_record(actor, str(source), source_id)
        if project_id not in (None, "") and int(project_id) != found.project_id:
            raise ValidationFailed("所选项目与来源记录的项目不一致", field="project")
        project_id = found.project_id
        ref = found.ref
    if project_id in (None, ""):
        raise ValidationFailed("请选择项目", field="project")
    project = Project.objects.visible_to(actor).filter(pk=project_id).first()
    if project is None:
        raise NotFound()
    if len(ref) > 40:
        raise ValidationFailed("来源编号过长（最多 40 个字）", field="source_ref")
    payload = {
        "project_id": project.pk,
        "problem": writes.text(problem, field="problem", label="主要问题", min_len=4),
        "measures": writes.text(measures, field="measures", label="督办措施", min_len=4),
        "days": _days(days),
        "source": str(source),
        "source_ref": ref,
        "source_id": found.pk if found is not None else None,
    }

    def run() -> tuple[int, Any]:
        return 201, _create(actor, project, payload).pk

    with transaction.atomic():
        _, pk, _ = idempotency.run(
            user_id=actor.user_id,
            scope="reports.typical_case",
            key=idempotency_key,
            payload=payload,
            fn=run,
        )
    return TypicalCase.objects.select_related("project").get(pk=pk)


def _create(actor: Actor, project: Project, data: dict[str, Any]) -> TypicalCase:
    _once(data)
    today = clock.today()
    seq = documents.next_number("reports.typical_case", today.year)
    case = TypicalCase.objects.create(
        number=f"DB{today.year}{seq:04d}",
        office=office_of(actor),
        project=project,
        source=data["source"],
        source_ref=data["source_ref"],
        source_id=data["source_id"],
        problem=data["problem"],
        measures=data["measures"],
        days=data["days"],
        due_on=period_end(today, data["days"], Unit.WORKING_DAYS),
        marked_by_name=actor.display_name or actor.username,
    )
    clock_ = deadlines.open_deadline(
        kind=TYPICAL_CASE.kind,
        subject=case,
        length=data["days"],
        unit=Unit.WORKING_DAYS,
        basis=TYPICAL_CASE.basis,
        organisation_id=project.owner_id,
        project_id=project.pk,
    )
    # the deadline's own last day (the calendar's rest days and make-up days)
    case.due_on = deadlines.last_day(clock_)
    case.save(update_fields=["due_on"])
    writes.created(
        case,
        actor=actor,
        action="reports.typical_case_marked",
        snapshot=snapshot_case,
        project_id=project.pk,
    )
    return case


def record_progress(*, actor: Actor, obj: TypicalCase, text: str) -> TypicalCase:
    """记录整改进展 (the ``progress`` step)."""
    from postaward.core import steps

    from .steps_cases import PROGRESS

    body = writes.text(text, field="text", label="整改进展", min_len=4, max_len=2000)
    with steps.write(PROGRESS, obj, actor, project_id=obj.project_id) as w:
        TypicalCaseProgress.objects.create(
            case=w.obj,
            text=body,
            by_name=actor.display_name or actor.username,
            org_name=actor.org_name,
        )
        w.after["progress_text"] = body
    return w.obj  # type: ignore[no-any-return]


def close(*, actor: Actor, obj: TypicalCase, note: str) -> TypicalCase:
    """办结销号 (the ``close`` step): the deadline is met (or stays missed)."""
    from postaward.core import steps

    from .steps_cases import CLOSE

    body = writes.text(note, field="note", label="办结意见", min_len=4, max_len=2000)
    with steps.write(CLOSE, obj, actor, project_id=obj.project_id) as w:
        w.obj.state = CaseState.CLOSED
        w.obj.closed_at = clock.now()
        w.obj.closing_note = body
        deadlines.close_deadline(kind=TYPICAL_CASE.kind, subject=w.obj)
    return w.obj  # type: ignore[no-any-return]


def audit_read(actor: Actor, case: TypicalCase) -> None:  # pragma: no cover - not confidential
    audit.record(actor=actor, action="reports.typical_case_read", obj=case)
