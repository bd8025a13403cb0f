"""The office's published contacts (R-CMP-05): who edits them, the checks,
one audited write of the whole ordered list (ADR 0520)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from postaward.core.actor import Actor
from postaward.core.errors import Forbidden, ValidationFailed
from postaward.core.writes import audited
from postaward.orgs.choices import OrgKind, Role
from postaward.orgs.models import Organisation

from .models import FIELDS, PublicContact, as_dict

MAX_CONTACTS = 10
EDITORS = frozenset({Role.OFFICE_STAFF, Role.UNIT_LEADER})
LIMITS: dict[str, int] = {
    f: getattr(PublicContact._meta.get_field(f), "max_length", 0) for f in FIELDS
}
LABELS = {f: str(getattr(PublicContact._meta.get_field(f), "verbose_name", f)) for f in FIELDS}


def may_edit_contacts(actor: Actor) -> bool:
    """The staff and leaders of a district's supervision office (its root
    organisation) edit that office's published contacts."""
    return (
        actor.organisation_id is not None
        and actor.org_kind == OrgKind.SUPERVISION_OFFICE
        and actor.org_path == actor.district_path
        and bool(actor.roles & EDITORS)
    )


def published() -> QuerySet[PublicContact]:
    """Every office's contacts, as the public window shows them (anyone)."""
    return PublicContact.objects.select_related("office").order_by("office__path", "position", "pk")


def of_office(office_id: int) -> QuerySet[PublicContact]:
    return (
        PublicContact.objects.filter(office_id=office_id)
        .select_related("office")
        .order_by("position", "pk")
    )


def snapshot(office: Organisation) -> dict[str, Any]:
    return {"contacts": [as_dict(c) for c in of_office(office.pk)]}


def _clean(items: list[dict[str, Any]]) -> list[dict[str, str]]:
    if len(items) > MAX_CONTACTS:
        raise ValidationFailed(f"联系方式最多 {MAX_CONTACTS} 条", field="contacts")
    out: list[dict[str, str]] = []
    errors: list[dict[str, str]] = []
    for i, item in enumerate(items):
        row = {f: str(item.get(f) or "").strip() for f in FIELDS}
        where = f"第{i + 1}条"
        for f in FIELDS:
            if len(row[f]) > LIMITS[f]:
                errors.append(
                    {
                        "field": f"contacts.{i}.{f}",
                        "message": f"{where}{LABELS[f]}过长（最多 {LIMITS[f]} 个字）",
                    }
                )
        if not row["name"]:
            errors.append(
                {"field": f"contacts.{i}.name", "message": f"{where}请填写受理机构（接待点）"}
            )
        if not (row["complaint_phone"] or row["report_phone"]):
            errors.append(
                {
                    "field": f"contacts.{i}.complaint_phone",
                    "message": f"{where}请至少填写投诉电话或举报电话",
                }
            )
        out.append(row)
    if errors:
        raise ValidationFailed(errors[0]["message"], field=errors[0]["field"], errors=errors)
    return out


def save_contacts(*, actor: Actor, contacts: list[dict[str, Any]]) -> list[PublicContact]:
    """Replace the actor's office's published contacts by ``contacts`` (in
    this order): one audited write, before and after the whole list."""
    if not may_edit_contacts(actor):
        raise Forbidden("监管办工作人员或领导方可修改公布的联系方式")
    rows = _clean(contacts)
    with audited(
        Organisation.objects.all(),
        pk=actor.organisation_id,
        actor=actor,
        action="portal.save_contacts",
        snapshot=snapshot,
    ) as w:
        w.save = False
        if snapshot(w.obj)["contacts"] == rows:
            w.nothing_changed()
        else:
            of_office(w.obj.pk).delete()
            PublicContact.objects.bulk_create(
                PublicContact(office=w.obj, position=i, **row) for i, row in enumerate(rows)
            )
    return list(of_office(actor.organisation_id))  # type: ignore[arg-type]
