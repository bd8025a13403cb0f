"""The coverage rule (R-PRJ-05): projects found not on the platform, data
completion, and back-filled dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from postaward.core import clock, steps, writes
from postaward.core.actor import Actor
from postaward.core.files import check_upload
from postaward.core.services import close_todos, open_todo
from postaward.core.writes import text

from .. import steps_checks as project_checks
from ..choices import (
    DataCompletionState,
    DocumentCategory,
)
from ..events import (
    DataCompletionDecided,
    ProjectFoundUncovered,
)
from ..models import (
    DataCompletionApplication,
    Project,
    ProjectDocument,
)
from ..workflows import OWNER_MANAGERS, Who, authority_of, superior_of, supervision_office
from .common import (
    Action,
    _check_day,
    _document,
    _facts,
    _lock,
    _synced,
    node,
    registry_closed,
)

# --- coverage rule (R-PRJ-05) ---------------------------------------------------------------------

COVERAGE_MARKERS = Who(
    "监管办、行业主管部门或主管单位", (supervision_office, authority_of, superior_of)
)
MARK_UNCOVERED = Action(
    COVERAGE_MARKERS,
    "认定项目未纳入平台监管",
    lambda p: "" if p.is_platform_covered else "项目已认定为未纳入平台监管",
    code="conflict",
)


def _completion_blocked(p: Project) -> str:
    if p.is_platform_covered:
        return "项目已纳入平台监管，无需补全申请"
    if p.data_completions.filter(
        state__in=(
            DataCompletionState.SUBMITTED,
            DataCompletionState.APPROVED,
            DataCompletionState.BACKFILLED,
        )
    ).exists():
        return "已有待审批或已同意的补全申请"
    return ""


APPLY_COMPLETION = Action(OWNER_MANAGERS, "提交资料补全申请", _completion_blocked, code="conflict")


def _backfill_blocked(p: Project) -> str:
    if reason := registry_closed(p):
        return reason
    if p.is_platform_covered:
        return "项目已纳入平台监管，开工、完工日期由流程记录"
    return ""


BACKFILL_DATES = Action(OWNER_MANAGERS, "补录项目资料", _backfill_blocked)


def mark_uncovered(*, actor: Actor, project: Project, note: str) -> Project:
    """A project found not supervised on the platform: settlement is blocked
    until data completion (SY 33); the people responsible may be held accountable."""
    MARK_UNCOVERED.check_who(project, actor)
    note = text(note, field="note", label="认定说明", min_len=4, max_len=300)
    with MARK_UNCOVERED.write(project, actor, "projects.mark_uncovered") as w:
        p = w.obj
        p.is_platform_covered = False
        p.uncovered_note = note
        p.updated_at = clock.now()
        node(p, "uncovered", "认定未纳入平台监管", actor=actor, detail=note)
        w.publish(ProjectFoundUncovered(**_facts(p, actor), note=note, status=p.status))
    return _synced(project, p)


def apply_data_completion(
    *,
    actor: Actor,
    project: Project,
    reason: str,
    upload: Any = None,
    document: ProjectDocument | None = None,
) -> DataCompletionApplication:
    """The owner files the 项目资料补全申请书 (SY 33)."""
    APPLY_COMPLETION.check_who(project, actor)
    reason = text(reason, field="reason", label="未纳入平台监管的原因", min_len=4, max_len=2000)
    if upload is not None:
        check_upload(upload, field="application")
    with transaction.atomic():
        p = _lock(project)
        APPLY_COMPLETION.check(p, actor)
        doc = _document(
            actor=actor,
            project=p,
            category=DocumentCategory.DATA_COMPLETION,
            title="项目资料补全申请书",
            upload=upload,
            document=document,
            field="application_document_id" if upload is None else "application",
        )
        assert doc is not None
        app = DataCompletionApplication.objects.create(
            project=p,
            reason=reason,
            application_document=doc,
            submitted_at=clock.now(),
            submitted_by_name=actor.display_name[:100],
        )
        writes.created(app, actor=actor, action="projects.apply_data_completion")
        node(p, "data_completion", "提交项目资料补全申请", actor=actor, detail=reason, document=doc)
        org_id = p.line_id or p.superior_unit_id
        if org_id:
            open_todo(
                key=f"projects.data_completion.{app.pk}",
                kind="projects.data_completion",
                title=f"审批资料补全申请：{p.name}",
                organisation_id=org_id,
                project_id=p.pk,
                subject=app,
                url=f"/projects/{p.pk}/#coverage",
                basis="R-PRJ-05（实施细则第三十三条）",
            )
    return app


def decide_data_completion(
    *, actor: Actor, application: DataCompletionApplication, approve: bool, note: str = ""
) -> DataCompletionApplication:
    """Approved (or not) by the superior unit (SY 33: 经主管单位同意): the
    ``approve`` or ``reject`` step of ``projects.data_completion``."""
    step = project_checks.APPROVE if approve else project_checks.REFUSE
    with steps.write(step, application, actor, project_id=application.project_id) as w:
        app = w.obj
        if not approve:
            note = text(note, field="note", label="不同意的理由", min_len=2, max_len=300)
        p = app.project
        app.state = DataCompletionState.APPROVED if approve else DataCompletionState.REJECTED
        app.decided_at = clock.now()
        app.decided_by_name = actor.display_name[:100]
        app.decided_by_org = actor.org_name[:200]
        app.decision_note = (note or "").strip()[:300]
        node(
            p,
            "data_completion",
            f"资料补全申请：{'同意' if approve else '不同意'}",
            actor=actor,
            detail=app.decision_note,
        )
        w.publish(
            DataCompletionDecided(
                **_facts(p, actor), application_id=app.pk, approved=approve, note=app.decision_note
            )
        )
        close_todos(key=f"projects.data_completion.{app.pk}")
        _tell_applicants(app, p, actor, approve)
    return w.obj  # type: ignore[no-any-return]


def _tell_applicants(
    app: DataCompletionApplication, p: Project, actor: Actor, approve: bool
) -> None:
    """The owner applied (its project leader, or its accounts when none is named)."""
    from postaward.core import notices
    from postaward.orgs.models import User
    from postaward.orgs.selectors import owner_leader_account_id

    applicants: list[int | None] = [owner_leader_account_id(p)]
    if not applicants[0] and p.owner_id:
        applicants = list(
            User.objects.filter(organisation_id=p.owner_id, is_active=True).values_list(
                "pk", flat=True
            )[:20]
        )
    notices.tell(
        applicants,
        key=f"projects.data_completion:{app.pk}:{app.state}",
        kind="decision",
        title=f"资料补全申请{app.get_state_display()}：{p.name}",
        body=f"{actor.org_name} {actor.display_name}："
        + ("同意" if approve else "不同意")
        + (f"。意见：{app.decision_note}" if app.decision_note else ""),
        url=f"/projects/{p.pk}/#coverage",
        project=p,
        actor=actor,
    )


def backfill_dates(
    *, actor: Actor, project: Project, actual_start: dt.date, actual_completion: dt.date | None
) -> Project:
    """Back-fill the dates of an uncovered project after approval (R-PRJ-05)."""
    BACKFILL_DATES.check_who(project, actor)
    with BACKFILL_DATES.write(project, actor, "projects.backfill_dates") as w:
        p = w.obj
        _check_day(actual_start, field="actual_start", label="实际开工日期")
        if actual_completion is not None:
            _check_day(
                actual_completion,
                field="actual_completion",
                label="实际完工日期",
                not_before=actual_start,
                not_before_label="开工日期",
            )
        p.actual_start = actual_start
        p.actual_completion = actual_completion
        p.updated_at = clock.now()
        node(p, "backfill", "补录开工、完工日期", actor=actor)
    return _synced(project, p)


def confirm_backfill(
    *, actor: Actor, application: DataCompletionApplication
) -> DataCompletionApplication:
    """The owner declares the data back-filled (the ``confirm_backfill`` step:
    refused with one item per missing thing while anything is missing)."""
    with steps.write(
        project_checks.CONFIRM_BACKFILL, application, actor, project_id=application.project_id
    ) as w:
        app = w.obj
        app.state = DataCompletionState.BACKFILLED
        app.backfilled_at = clock.now()
        app.backfilled_by_name = actor.display_name[:100]
        node(app.project, "backfill", "项目资料已补全", actor=actor)
    return w.obj  # type: ignore[no-any-return]
