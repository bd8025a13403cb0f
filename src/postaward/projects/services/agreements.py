"""Supplementary agreements (补充协议, R-INS-07, QZ 2(二)): registered with the
project by its owner (the owner's project leader or administrator) or by the
contractor whose contract they supplement; audited, on the archive timeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from postaward.core import writes
from postaward.core.actor import Actor
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.core.writes import text

from ..choices import DocumentCategory, ParticipantRole
from ..models import Participant, Project, ProjectDocument, SupplementaryAgreement
from ..workflows import OWNER_MANAGERS
from .common import _check_day, _contractor_side, _document, _lock, node, registry_closed

AGREEMENT_WHO = "建设单位（项目负责人或总管）或该合同的施工单位"


def may_register_agreement(project: Project, actor: Actor) -> bool:
    """The owner's managers, or the contractor side of one of its contracts."""
    if OWNER_MANAGERS(project, actor):
        return True
    return any(
        _contractor_side(project, pt, actor)
        for pt in project.participants.filter(role=ParticipantRole.CONTRACTOR)
    )


def agreement_contracts(project: Project, actor: Actor) -> list[Participant]:
    """The contracts ``actor`` may register an agreement to."""
    parts = project.participants.filter(role=ParticipantRole.CONTRACTOR).select_related(
        "organisation"
    )
    if OWNER_MANAGERS(project, actor):
        return list(parts)
    return [pt for pt in parts if _contractor_side(project, pt, actor)]


def _change(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed("合同金额变化应为数字（减少填负数）", field="amount_change") from exc
    if abs(amount) >= Decimal("1e13"):
        raise ValidationFailed("合同金额变化过大", field="amount_change")
    return amount


def register_agreement(
    *,
    actor: Actor,
    participant: Participant,
    number: str,
    signed_on: dt.date | None,
    amount_change: Any = 0,
    duration_change_days: int | None = 0,
    scope_change: str = "",
    personnel_change: str = "",
    upload: Any = None,
    document: ProjectDocument | None = None,
) -> SupplementaryAgreement:
    """Register a supplementary agreement to ``participant``'s contract."""
    project = participant.project
    if participant.role != ParticipantRole.CONTRACTOR:
        raise ValidationFailed("补充协议只能针对施工合同登记", field="participant")
    if participant not in agreement_contracts(project, actor):
        raise Forbidden(f"{AGREEMENT_WHO}方可登记补充协议")
    number = text(number, field="number", label="协议编号", max_len=60)
    signed_on = _check_day(
        signed_on,
        field="signed_on",
        label="签订日期",
        not_before=participant.contract_signed_on,
        not_before_label="合同签订日期",
    )
    amount = _change(amount_change)
    days = int(duration_change_days or 0)
    if abs(days) > 3650:
        raise ValidationFailed("工期变化应在正负3650天以内", field="duration_change_days")
    scope_change = (scope_change or "").strip()[:2000]
    personnel_change = (personnel_change or "").strip()[:2000]
    if not (amount or days or scope_change or personnel_change):
        raise ValidationFailed(
            "请填写补充协议变更的内容（金额、工期、范围或关键岗位人员）", field="amount_change"
        )
    with transaction.atomic():
        p = _lock(project)
        if reason := registry_closed(p):
            raise Conflict(reason, code="invalid_state")
        if SupplementaryAgreement.objects.filter(project=p, number=number).exists():
            raise ValidationFailed(f"本项目已登记协议编号 {number}", field="number")
        doc = _document(
            actor=actor,
            project=p,
            category=DocumentCategory.CONTRACT,
            title=f"补充协议（{number}）",
            upload=upload,
            document=document,
            field="document_id" if upload is None else "file",
        )
        assert doc is not None
        agreement = SupplementaryAgreement.objects.create(
            project=p,
            participant=participant,
            number=number,
            signed_on=signed_on,
            amount_change=amount,
            duration_change_days=days,
            scope_change=scope_change,
            personnel_change=personnel_change,
            document=doc,
            registered_by_name=actor.display_name[:100],
            registered_by_org=actor.org_name[:200],
        )
        writes.created(
            agreement, actor=actor, action="projects.register_agreement", project_id=p.pk
        )
        node(
            p,
            "agreement",
            f"登记补充协议：{number}",
            actor=actor,
            detail=f"{participant.organisation.name}合同的补充协议",
            document=doc,
        )
    return agreement
