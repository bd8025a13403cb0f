"""The reporter of an interference record, protected like a complainant
(R-CMP-04): sealed at rest (SM4-GCM bound to the record's number), opened only
for the supervision office's handling staff of the record's office, and every
reveal audited with its reason. Nothing else decrypts these fields: lists,
exports, the API, events, notices and the audit's before/after never carry
them, and the recording account (``reporter_user``) is never shown."""

from __future__ import annotations

from dataclasses import dataclass

from postaward.core import audit, crypto
from postaward.core.actor import Actor
from postaward.core.errors import Forbidden
from postaward.core.writes import text
from postaward.orgs.choices import OrgKind, Role
from postaward.orgs.models import User

from .models import InterferenceRecord

FIELDS = ("name", "unit", "contact")
HANDLING_ROLES = frozenset({Role.OFFICE_STAFF, Role.UNIT_LEADER})


def _associated(number: str, field: str) -> bytes:
    return f"interference:{number}:{field}".encode()


def seal(number: str, field: str, value: str) -> str:
    if not value:
        return ""
    return crypto.encrypt_field(value, associated=_associated(number, field))


@dataclass(frozen=True)
class Reporter:
    name: str
    unit: str
    contact: str
    account: str
    anonymous: bool


def may_reveal(r: InterferenceRecord, actor: Actor) -> bool:
    """The handling staff of the record's supervision office (staff, leaders)."""
    return (
        actor.user_id is not None
        and actor.org_kind == OrgKind.SUPERVISION_OFFICE
        and actor.organisation_id == r.office_id
        and bool(actor.roles & HANDLING_ROLES)
    )


def _open(r: InterferenceRecord, field: str) -> str:
    token = getattr(r, f"reporter_{field}_enc")
    if not token:
        return ""
    return crypto.decrypt_field(token, associated=_associated(r.number, field))


def reveal(*, actor: Actor, record: InterferenceRecord, reason: str) -> Reporter:
    """Open the reporter's identity for ``actor`` and audit the read (who, when,
    why; the audit record holds no identity)."""
    if not may_reveal(record, actor):
        raise Forbidden("仅监管办承办人员可以查看登记人身份")
    why = text(reason, field="reason", label="查看理由", min_len=2, max_len=200)
    audit.record(
        actor=actor,
        action="accountability.interference_reporter_revealed",
        obj=record,
        after={"reason": why},
    )
    account = ""
    if record.reporter_user_id:
        user = User.objects.filter(pk=record.reporter_user_id).first()
        account = user.username if user else ""
    name, unit, contact = (_open(record, f) for f in FIELDS)
    return Reporter(name, unit, contact, account, anonymous=not (name or account))
