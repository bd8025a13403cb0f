"""Project documents (一项目一档案): who may upload what, and the upload."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from postaward.core.actor import Actor
from postaward.core.errors import Forbidden, ValidationFailed
from postaward.core.files import check_upload
from postaward.core.writes import text

from .. import workflows
from ..choices import (
    DocumentCategory,
    ParticipantRole,
)
from ..models import (
    Project,
    ProjectDocument,
)
from ..workflows import OWNER_MANAGERS, authority_of, supervision_office
from .common import _contractor_side, _store, node

# --- documents ------------------------------------------------------------------------------------


GENERAL_CATEGORIES = (
    DocumentCategory.MANAGEMENT_RULES,
    DocumentCategory.START_REPORT,
    DocumentCategory.OTHER,
)


def may_upload(project: Project, actor: Actor, category: str) -> bool:
    """Who may put a document of ``category`` into the project's archive: the
    owner's managers for the owner's material; the authority and the office for
    interview records and abnormal-event filings; the contractor for its
    subcontracts."""
    if actor.is_system:
        return True
    if category == DocumentCategory.SUBCONTRACT:
        return any(
            _contractor_side(project, pt, actor)
            for pt in project.participants.filter(role=ParticipantRole.CONTRACTOR)
        )
    if OWNER_MANAGERS(project, actor):
        return True
    if category == DocumentCategory.TERMINATION_REPORT and workflows.OWNER_UNIT(project, actor):
        return True
    if category in (DocumentCategory.INTERVIEW_RECORD, DocumentCategory.ABNORMAL_FILING):
        return authority_of(project, actor) or supervision_office(project, actor)
    return False


def upload_document(
    *, actor: Actor, project: Project, category: str, title: str, upload: Any
) -> ProjectDocument:
    """Put a file into the project's archive (R-PRJ-04). Management rules, start
    reports and other material appear on the timeline at once; a contract,
    report or record is then referenced by the step that uses it."""
    if category not in DocumentCategory.values:
        raise ValidationFailed("资料类别不正确", field="category")
    if not may_upload(project, actor, category):
        raise Forbidden("当前账号不能上传该类资料")
    title = text(title, field="title", label="资料名称", max_len=200)
    checked = check_upload(upload)
    with transaction.atomic():
        doc = _store(actor=actor, project=project, category=category, title=title, checked=checked)
        if category in GENERAL_CATEGORIES:
            node(
                project,
                f"document.{category}",
                f"上传{DocumentCategory(category).label}：{title}",
                actor=actor,
                document=doc,
            )
    return doc
