"""Participants and their contracts (R-PRJ-03) and subcontracts (R-PRJ-08)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from postaward.core import audit, clock, events, writes
from postaward.core.actor import Actor
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.core.files import check_upload
from postaward.core.idcheck import check_uscc
from postaward.core.writes import text
from postaward.orgs.models import Organisation

from ..choices import (
    DocumentCategory,
    ParticipantRole,
)
from ..events import (
    SubcontractRegistered,
)
from ..models import (
    Participant,
    Project,
    ProjectDocument,
    Subcontract,
)
from .common import (
    S,
    _amount,
    _check_day,
    _contractor_side,
    _document,
    _facts,
    _lock,
    _may_edit_registry,
    _registry_editable,
    _store,
    node,
)

# --- participants and contracts (R-PRJ-03) ---------------------------------------------------------


def add_participant(
    *,
    actor: Actor,
    project: Project,
    organisation: Organisation,
    role: str,
    contract_upload: Any = None,
    contract_document: ProjectDocument | None = None,
    **fields: Any,
) -> Participant:
    """A participating unit with its contract (R-PRJ-03). Idempotent: the same
    unit in the same role is returned (and its contract details updated)."""
    if not _may_edit_registry(project, actor):
        raise Forbidden("建设单位项目负责人方可完善参建单位信息")
    part, _ = upsert_participant(
        actor=actor,
        project=project,
        organisation=organisation,
        role=role,
        contract_upload=contract_upload,
        contract_document=contract_document,
        **fields,
    )
    return part


PARTICIPANT_FIELDS = (
    "contract_number",
    "contract_amount",
    "contract_signed_on",
    "allows_subcontract",
)


def upsert_participant(
    *,
    actor: Actor,
    project: Project,
    organisation: Organisation,
    role: str,
    contract_upload: Any = None,
    contract_document: ProjectDocument | None = None,
    check_state: bool = True,
    **fields: Any,
) -> tuple[Participant, bool]:
    """Create or update a participant; returns (participant, changed). The role
    check is the caller's (the owner on a page, the bidding feed on import)."""
    if role not in ParticipantRole.values:
        raise ValidationFailed("参建角色不正确", field="role")
    if organisation.kind != role:
        raise ValidationFailed(
            f"“{organisation.name}”不是{ParticipantRole(role).label}", field="organisation"
        )
    unknown = set(fields) - set(PARTICIPANT_FIELDS)
    if unknown:
        raise ValidationFailed(f"不能设置字段：{', '.join(sorted(unknown))}")
    if fields.get("contract_amount") is not None:
        fields["contract_amount"] = _amount(
            fields["contract_amount"], field="contract_amount", label="合同金额"
        )
    if fields.get("contract_signed_on") and fields["contract_signed_on"] > clock.today():
        raise ValidationFailed("签订日期不能晚于今天", field="contract_signed_on")
    if "contract_number" in fields:
        fields["contract_number"] = (fields["contract_number"] or "").strip()[:60]
    checked = (
        check_upload(contract_upload, field="contract_file")
        if contract_upload is not None
        else None
    )
    if contract_document is not None:
        _document(
            actor=actor,
            project=project,
            category=DocumentCategory.CONTRACT,
            title="",
            document=contract_document,
            field="contract_document_id",
        )

    def fill(part: Participant, p: Project) -> bool:
        """Set the fields and the contract; whether a contract was attached."""
        before_doc = part.contract_document_id
        for key, value in fields.items():
            setattr(part, key, value)
        if checked is not None:
            part.contract_document = _store(
                actor=actor,
                project=p,
                category=DocumentCategory.CONTRACT,
                title=f"{ParticipantRole(role).label}合同（{organisation.name}）",
                checked=checked,
            )
        elif contract_document is not None:
            part.contract_document = contract_document
        return checked is not None or (
            contract_document is not None and contract_document.pk != before_doc
        )

    with transaction.atomic():
        p = _lock(project)
        if check_state:
            _registry_editable(p)
        existing = (
            Participant.objects.filter(project=p, organisation=organisation, role=role)
            .values_list("pk", flat=True)
            .first()
        )
        created = existing is None
        if existing is None:
            part = Participant(project=p, organisation=organisation, role=role)
            attached = fill(part, p)
            part.updated_at = clock.now()
            part.save()
            writes.created(part, actor=actor, action="projects.add_participant")
        else:
            with writes.audited(
                Participant, pk=existing, actor=actor, action="projects.update_participant"
            ) as w:
                part = w.obj
                attached = fill(part, p)
                if audit.snapshot(part) == w.before:
                    w.nothing_changed()
                    return part, False
                part.updated_at = clock.now()
        node(
            p,
            "participant",
            f"{'登记' if created else '更新'}{part.get_role_display()}：{organisation.name}"
            + ("，上传合同" if attached else ""),
            actor=actor,
            detail=f"合同编号 {part.contract_number or '—'}",
            document=part.contract_document if attached else None,
        )
    return part, True


def upload_contract(
    *,
    actor: Actor,
    participant: Participant,
    upload: Any,
    contract_number: str | None = None,
    contract_signed_on: dt.date | None = None,
    contract_amount: Decimal | None = None,
    allows_subcontract: bool | None = None,
) -> Participant:
    fields: dict[str, Any] = {}
    if contract_number is not None:
        fields["contract_number"] = text(
            contract_number, field="contract_number", label="合同编号", max_len=60
        )
    if contract_signed_on is not None:
        fields["contract_signed_on"] = contract_signed_on
    if contract_amount is not None:
        fields["contract_amount"] = contract_amount
    if allows_subcontract is not None:
        fields["allows_subcontract"] = allows_subcontract
    return add_participant(
        actor=actor,
        project=participant.project,
        organisation=participant.organisation,
        role=participant.role,
        contract_upload=upload,
        **fields,
    )


def remove_participant(*, actor: Actor, participant: Participant) -> None:
    project = participant.project
    if not _may_edit_registry(project, actor):
        raise Forbidden("建设单位项目负责人方可完善参建单位信息")
    with transaction.atomic():
        p = _lock(project)
        if p.status not in (S.REGISTERED, S.PREPARING):
            raise Conflict("项目已开工，参建单位不能删除", code="invalid_state")
        if participant.assignments.exists() or participant.subcontracts.exists():
            raise Conflict("该单位已有关键岗位人员或分包记录，不能删除")
        name = participant.organisation.name
        role = participant.get_role_display()
        writes.deleted(participant, actor=actor, action="projects.remove_participant")
        node(p, "participant", f"删除{role}：{name}", actor=actor)


# --- subcontracts (R-PRJ-08) -----------------------------------------------------------------------


def register_subcontract(
    *,
    actor: Actor,
    participant: Participant,
    subcontractor_name: str,
    subcontractor_uscc: str,
    scope: str,
    signed_on: dt.date,
    upload: Any = None,
    document: ProjectDocument | None = None,
    amount: Decimal | None = None,
) -> Subcontract:
    """SY 36: where the construction contract allows it, the contractor uploads the
    subcontract and fills in its content and the subcontractor."""
    project = participant.project
    if participant.role != ParticipantRole.CONTRACTOR:
        raise ValidationFailed("只有施工单位可以分包", field="participant")
    if not _contractor_side(project, participant, actor):
        raise Forbidden("施工单位（总管或本项目项目经理）方可登记分包")
    if not participant.allows_subcontract:
        raise ValidationFailed(
            "施工合同未约定允许分包，不能登记分包（R-PRJ-08）",
            field="participant",
            code="subcontract_not_allowed",
        )
    name = text(subcontractor_name, field="subcontractor_name", label="分包单位名称", max_len=200)
    checked_uscc = check_uscc(subcontractor_uscc)
    if not checked_uscc.ok:
        raise ValidationFailed(checked_uscc.error, field="subcontractor_uscc")
    if participant.organisation.uscc and checked_uscc.value == participant.organisation.uscc:
        raise ValidationFailed("分包单位不能是总承包单位本身", field="subcontractor_uscc")
    scope = text(scope, field="scope", label="分包内容", min_len=4, max_len=2000)
    signed_on = _check_day(signed_on, field="signed_on", label="签订日期")
    if amount is not None:
        amount = _amount(amount, field="amount", label="分包金额")
    if upload is not None:
        check_upload(upload)
    with transaction.atomic():
        p = _lock(project)
        if p.status not in (S.PREPARING, S.UNDER_CONSTRUCTION, S.SUSPENDED):
            raise Conflict("只有开工准备和在建项目可以登记分包", code="invalid_state")
        doc = _document(
            actor=actor,
            project=p,
            category=DocumentCategory.SUBCONTRACT,
            title=f"分包合同（{name}）",
            upload=upload,
            document=document,
            field="document_id" if upload is None else "file",
        )
        assert doc is not None
        sub = Subcontract.objects.create(
            project=p,
            participant=participant,
            subcontractor_name=name,
            subcontractor_uscc=checked_uscc.value,
            scope=scope,
            amount=amount,
            signed_on=signed_on,
            document=doc,
            registered_by_name=actor.display_name[:100],
            created_at=clock.now(),
            updated_at=clock.now(),
        )
        writes.created(sub, actor=actor, action="projects.register_subcontract")
        node(p, "subcontract", f"登记分包：{name}", actor=actor, detail=scope[:200], document=doc)
        events.publish(
            SubcontractRegistered(
                **_facts(p, actor),
                subcontract_id=sub.pk,
                subcontractor_name=name,
                subcontractor_uscc=checked_uscc.value,
                scope=scope,
                amount=str(amount) if amount is not None else None,
            )
        )
    return sub
