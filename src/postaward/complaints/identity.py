"""The complainant's identity (R-CMP-04): encrypted at rest, revealed only to
the office staff assigned to the case and the handling unit's named handler
(when the office shared it with them, never to the unit complained about),
and every reveal audited with its reason.

Nothing else in the platform decrypts these fields: lists, exports, the API,
notices, documents sent to units and the audit's before/after never carry them.
"""

from __future__ import annotations

from dataclasses import dataclass

from postaward.core import audit, crypto, idcheck
from postaward.core.actor import Actor
from postaward.core.errors import Forbidden

from .models import Complaint

FIELDS = ("name", "id_number", "mobile", "contact")


def _associated(receipt_number: str, field: str) -> bytes:
    return f"complaint:{receipt_number}:{field}".encode()


def seal(receipt_number: str, field: str, value: str) -> str:
    """The SM4-GCM ciphertext of one identity field, bound to the filing."""
    if not value:
        return ""
    return crypto.encrypt_field(value, associated=_associated(receipt_number, field))


def mobile_index(mobile: str) -> str:
    return crypto.blind_index(f"mobile:{mobile}") if mobile else ""


@dataclass(frozen=True)
class Identity:
    name: str
    id_number: str
    mobile: str
    contact: str

    @property
    def masked_mobile(self) -> str:
        return idcheck.mask_mobile(self.mobile) if self.mobile else ""


def may_reveal(c: Complaint, actor: Actor) -> bool:
    """The assigned office staff, or the handler named in the transfer when the
    office shared the identity and the handling unit is not the unit
    complained about."""
    if actor.user_id is None or c.anonymous:
        return False
    if c.assignee_id == actor.user_id:
        return True
    if (
        c.identity_shared
        and c.handler_id == actor.user_id
        and c.handling_org_id is not None
        and c.handling_org_id != c.subject_org_id
        and actor.organisation_id == c.handling_org_id
    ):
        return True
    # the named handler of a part of a split complaint shared with them (ADR 0510)
    shared = c.assignments.filter(
        share_identity=True, handler_id=actor.user_id, org_id=actor.organisation_id
    )
    if c.subject_org_id is not None:
        shared = shared.exclude(org_id=c.subject_org_id)
    return bool(shared.exists())


def _open(c: Complaint, field: str) -> str:
    token = getattr(c, f"{field}_enc")
    if not token:
        return ""
    return crypto.decrypt_field(token, associated=_associated(c.receipt_number, field))


def reveal(*, actor: Actor, complaint: Complaint, reason: str) -> Identity:
    """Decrypt the identity for ``actor`` and audit the reveal (who, when, why;
    the record holds no identity)."""
    from postaward.core.writes import text

    if not may_reveal(complaint, actor):
        raise Forbidden("仅本件承办人员或经授权的承办单位经办人可以查看投诉人身份")
    why = text(reason, field="reason", label="查看理由", min_len=2, max_len=200)
    audit.record(
        actor=actor,
        action="complaints.reveal_identity",
        obj=complaint,
        after={"reason": why},
    )
    return Identity(*(_open(complaint, f) for f in FIELDS))


def own_mobile(c: Complaint) -> str:
    """The complainant's mobile for the platform's own answer to them (never
    shown to a person: the SMS adapter sends it)."""
    return _open(c, "mobile")


def addressee(c: Complaint) -> str:
    """Whom the platform's own notices to the complainant are addressed to
    (受理告知书, 不予受理通知书): their name, rendered only into those notices,
    which a unit reads only when the identity was shared with it (R-CMP-04);
    an anonymous report's notices go to "举报人"."""
    name = "" if c.anonymous else _open(c, "name")
    return name or ("举报人" if c.kind == "report" else "投诉人")
