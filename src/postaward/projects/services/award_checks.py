"""Checks on the award: the post-award interview (R-PRJ-11) and abnormal award
events (R-PRJ-12).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q

from postaward.core import clock, events, steps, writes
from postaward.core.actor import Actor
from postaward.core.errors import ValidationFailed
from postaward.core.files import check_upload
from postaward.core.services import close_todos, open_todo
from postaward.core.writes import text
from postaward.orgs.choices import OrgKind
from postaward.orgs.models import Organisation

from .. import steps_checks as project_checks
from .. import workflows
from ..choices import (
    AbnormalAwardKind,
    AbnormalAwardState,
    DocumentCategory,
    InterviewTopic,
    ParticipantRole,
)
from ..events import (
    AbnormalAwardFlagged,
    AbnormalAwardRecorded,
    InterviewRecorded,
)
from ..models import (
    AbnormalAwardEvent,
    Interview,
    Project,
    ProjectDocument,
)
from ..workflows import Who, authority_of, supervision_office
from .common import Action, S, _check_day, _document, _facts, _lock, node

# --- post-award interview (R-PRJ-11) -----------------------------------------------------------

INTERVIEW_RECORDERS = Who(
    "建设单位项目负责人、总管或行业主管部门",
    (workflows.owner_leader, workflows.owner_admin, authority_of, supervision_office),
)
RECORD_INTERVIEW = Action(
    INTERVIEW_RECORDERS,
    "登记标后约谈",
    lambda p: "" if p.status in (S.REGISTERED, S.PREPARING) else "标后约谈应在开工前进行",
)


def record_interview(
    *,
    actor: Actor,
    project: Project,
    held_on: dt.date,
    attendees: Iterable[dict[str, Any]],
    topics: Iterable[str],
    upload: Any = None,
    document: ProjectDocument | None = None,
    location: str = "",
    notes: str = "",
) -> Interview:
    """Before start (HC) the owner with the authority reminds the winner of honest
    performance; recorded with the attendees by organisation, the topics and the
    signed record."""
    RECORD_INTERVIEW.check_who(project, actor)
    held_on = _check_day(held_on, field="held_on", label="约谈日期")
    topic_set = [t for t in InterviewTopic.values if t in set(topics)]
    unknown = set(topics) - set(InterviewTopic.values)
    if unknown:
        raise ValidationFailed("提醒事项不正确", field="topics")
    missing_topics = [InterviewTopic(t).label for t in InterviewTopic.values if t not in topic_set]
    if missing_topics:
        raise ValidationFailed(
            f"履约提醒须涵盖：{'、'.join(missing_topics)}",
            field="topics",
            basis="R-PRJ-11（HC 二(四)4）",
        )
    allowed_orgs = {
        o.pk: o
        for o in Organisation.objects.filter(
            Q(
                pk__in=[
                    project.owner_id,
                    project.industry_authority_id,
                    project.superior_unit_id,
                    project.line_id,
                ]
            )
            | Q(pk__in=project.participants.values("organisation_id"))
            | Q(
                kind=OrgKind.SUPERVISION_OFFICE,
                path=project.owner.district_path if project.owner else "-",
            )
        )
    }
    clean = []
    for i, att in enumerate(attendees):
        org_id = att.get("organisation_id")
        person_name = (att.get("name") or "").strip()
        if not person_name:
            continue
        if org_id not in allowed_orgs:
            raise ValidationFailed(
                f"第 {i + 1} 位参加人员的单位不是本项目的相关单位", field="attendees"
            )
        clean.append(
            {
                "organisation_id": org_id,
                "organisation": allowed_orgs[org_id].name,
                "name": person_name[:50],
                "title": (att.get("title") or "").strip()[:60],
            }
        )
    orgs_present = {a["organisation_id"] for a in clean}
    contractor_ids = set(
        project.participants.filter(role=ParticipantRole.CONTRACTOR).values_list(
            "organisation_id", flat=True
        )
    )
    if project.owner_id not in orgs_present:
        raise ValidationFailed("参加人员须包括建设单位负责人或项目负责人", field="attendees")
    if not contractor_ids:
        raise ValidationFailed("请先登记中标施工单位", field="attendees")
    if not orgs_present & contractor_ids:
        raise ValidationFailed("参加人员须包括中标施工单位的负责人及项目经理", field="attendees")
    if upload is not None:
        check_upload(upload, field="record")
    with transaction.atomic():
        p = _lock(project)
        RECORD_INTERVIEW.check(p, actor)
        doc = _document(
            actor=actor,
            project=p,
            category=DocumentCategory.INTERVIEW_RECORD,
            title=f"标后约谈签字记录（{held_on:%Y-%m-%d}）",
            upload=upload,
            document=document,
            field="record_document_id" if upload is None else "record",
        )
        assert doc is not None
        interview = Interview.objects.create(
            project=p,
            held_on=held_on,
            location=location.strip()[:200],
            attendees=clean,
            topics=topic_set,
            notes=notes.strip()[:4000],
            record_document=doc,
            recorded_at=clock.now(),
            recorded_by_name=actor.display_name[:100],
            recorded_by_org=actor.org_name[:200],
        )
        writes.created(interview, actor=actor, action="projects.record_interview")
        node(
            p,
            "interview",
            "标后约谈（履约提醒）",
            actor=actor,
            detail=f"{held_on:%Y-%m-%d}，参加人员："
            + "、".join(f"{a['organisation']}{a['name']}" for a in clean),
            document=doc,
        )
        events.publish(
            InterviewRecorded(
                **_facts(p, actor),
                interview_id=interview.pk,
                held_on=held_on.isoformat(),
                topics=topic_set,
            )
        )
    return interview


# --- abnormal award events (R-PRJ-12) ----------------------------------------------------------

ABNORMAL_REVIEWERS = project_checks.ABNORMAL_REVIEWERS  # the ``file``/``flag`` steps' who

ABNORMAL_RECORDERS = Who(
    "建设单位或行业主管部门", (workflows.owner_leader, workflows.owner_admin, authority_of)
)
RECORD_ABNORMAL = Action(
    ABNORMAL_RECORDERS,
    "登记标后异常事件",
    lambda p: (
        ""
        if p.status in (S.REGISTERED, S.PREPARING, S.TERMINATED)
        else "标后异常事件应在开工前登记"
    ),
)


def record_abnormal_event(
    *,
    actor: Actor,
    project: Project,
    kind: str,
    occurred_on: dt.date,
    reason: str,
    party_name: str = "",
    upload: Any = None,
    document: ProjectDocument | None = None,
) -> AbnormalAwardEvent:
    """LC 五: abandonment, cancellation or delayed signing after award, with the
    reason, filed with the industry authority."""
    RECORD_ABNORMAL.check_who(project, actor)
    if kind not in AbnormalAwardKind.values:
        raise ValidationFailed("事件类型不正确", field="kind")
    occurred_on = _check_day(occurred_on, field="occurred_on", label="发生日期")
    reason = text(reason, field="reason", label="原因说明", min_len=4, max_len=2000)
    if upload is not None:
        check_upload(upload, field="filing")
    with transaction.atomic():
        p = _lock(project)
        RECORD_ABNORMAL.check(p, actor)
        doc = _document(
            actor=actor,
            project=p,
            category=DocumentCategory.ABNORMAL_FILING,
            title=f"{AbnormalAwardKind(kind).label}报备材料",
            upload=upload,
            document=document,
            required=False,
            field="filing_document_id" if upload is None else "filing",
        )
        evt = AbnormalAwardEvent.objects.create(
            project=p,
            kind=kind,
            occurred_on=occurred_on,
            party_name=party_name.strip()[:200],
            reason=reason,
            filing_document=doc,
            recorded_at=clock.now(),
            recorded_by_name=actor.display_name[:100],
            recorded_by_org=actor.org_name[:200],
        )
        writes.created(evt, actor=actor, action="projects.record_abnormal_event")
        node(
            p,
            "abnormal_award",
            f"标后异常事件：{evt.get_kind_display()}",
            actor=actor,
            detail=reason,
            document=doc,
        )
        events.publish(
            AbnormalAwardRecorded(
                **_facts(p, actor),
                event_id=evt.pk,
                kind=kind,
                occurred_on=occurred_on.isoformat(),
                party_name=evt.party_name,
                reason=reason,
            )
        )
        if p.industry_authority_id:
            open_todo(
                key=f"projects.abnormal.{evt.pk}",
                kind="projects.abnormal_review",
                title=f"标后异常事件备案审查：{p.name}",
                organisation_id=p.industry_authority_id,
                project_id=p.pk,
                subject=evt,
                url=f"/projects/{p.pk}/#abnormal",
                basis="R-PRJ-12",
                detail=reason,
            )
    return evt


def review_abnormal_event(
    *, actor: Actor, event: AbnormalAwardEvent, valid_reason: bool, note: str = ""
) -> AbnormalAwardEvent:
    """The authority files the event when the reason is valid; otherwise it is
    flagged for investigation (an event for the alerts capability): the
    ``file`` or ``flag`` step of ``projects.abnormal_event``."""
    step = project_checks.FILE if valid_reason else project_checks.FLAG
    with steps.write(step, event, actor, project_id=event.project_id) as w:
        e = w.obj
        if not valid_reason:
            note = text(
                note, field="note", label="审查意见（无正当理由的认定）", min_len=4, max_len=2000
            )
        p = e.project
        e.state = AbnormalAwardState.FILED if valid_reason else AbnormalAwardState.FLAGGED
        e.reviewed_at = clock.now()
        e.reviewed_by_name = actor.display_name[:100]
        e.reviewed_by_org = actor.org_name[:200]
        e.review_note = (note or "").strip()[:2000]
        node(
            p,
            "abnormal_award_review",
            f"{e.get_kind_display()}：{e.get_state_display()}",
            actor=actor,
            detail=e.review_note,
        )
        if not valid_reason:
            w.publish(
                AbnormalAwardFlagged(
                    **_facts(p, actor),
                    event_id=e.pk,
                    kind=e.kind,
                    occurred_on=e.occurred_on.isoformat(),
                    party_name=e.party_name,
                    reason=e.reason,
                    review_note=e.review_note,
                    reviewed_by_org=e.reviewed_by_org,
                )
            )
        close_todos(key=f"projects.abnormal.{e.pk}")
    return w.obj  # type: ignore[no-any-return]
