"""The published contacts through the API (ADR 0520): anyone reads them
(``GET /api/v1/portal/contacts``, no account); the office's staff and leaders
replace their office's list (``PUT``, audited)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from postaward.core.api_base import StrictIn, actor, responses
from postaward.core.types import Id

from . import services
from .models import PublicContact

router = Router(tags=["公众门户"])


class ContactIn(StrictIn):
    name: str = Field(max_length=60, description="受理机构（接待点）")
    complaint_phone: str = Field("", max_length=40, description="投诉电话")
    report_phone: str = Field("", max_length=40, description="举报电话")
    mailing_address: str = Field("", max_length=200, description="来信地址")
    reception_address: str = Field("", max_length=200, description="来访接待地址")
    office_hours: str = Field("", max_length=100, description="接待时间")
    email: str = Field("", max_length=100, description="电子邮箱")
    website: str = Field("", max_length=200, description="网站")
    note: str = Field("", max_length=500, description="说明")


class ContactsIn(StrictIn):
    contacts: list[ContactIn] = Field(
        max_length=services.MAX_CONTACTS, description="本监管办公布的联系方式（按顺序，整体替换）"
    )


class ContactOut(Schema):
    office: str
    name: str
    complaint_phone: str
    report_phone: str
    mailing_address: str
    reception_address: str
    office_hours: str
    email: str
    website: str
    note: str


def _out(c: PublicContact) -> dict[str, Any]:
    return {"office": c.office.name, **{f: getattr(c, f) for f in services.FIELDS}}


@router.get(
    "/contacts",
    auth=None,
    response=responses(list[ContactOut]),
    summary="监管办公布的投诉举报联系方式（无需账号）",
)
def list_contacts(request: HttpRequest) -> Any:
    return [_out(c) for c in services.published()[: services.MAX_CONTACTS * 20]]


@router.put(
    "/contacts",
    response=responses(list[ContactOut]),
    summary="修改本监管办公布的联系方式（监管办工作人员、领导；整体替换，记入操作日志）",
)
def put_contacts(request: HttpRequest, body: ContactsIn) -> Any:
    saved = services.save_contacts(
        actor=actor(request), contacts=[c.model_dump() for c in body.contacts]
    )
    return [_out(c) for c in saved]


# --- results published on the public site (R-CAS-05) ---------------------------------------------


class PublicationOut(Schema):
    id: int
    kind: str
    kind_label: str
    case_number: str
    title: str
    subject_public: str = Field(description="公示的当事人（个人姓名已脱敏）")
    masked_text: str = Field(description="公示正文（已脱敏）")
    decision_number: str
    decided_on: str
    signed_off_at: str
    due: str = Field(description="公示期限届满时间")
    state: str
    state_label: str
    published_at: str


def _t(value: Any) -> str:
    from postaward.core import clock

    return clock.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def publication_out(p: Any) -> dict[str, Any]:
    from .views_publications import with_clocks

    if not hasattr(p, "clock"):
        with_clocks([p])
    d = p.clock
    return {
        "id": p.pk,
        "kind": p.kind,
        "kind_label": p.get_kind_display(),
        "case_number": p.case_number,
        "title": p.title,
        "subject_public": p.subject_public,
        "masked_text": p.masked_text,
        "decision_number": p.decision_number,
        "decided_on": p.decided_on.isoformat(),
        "signed_off_at": _t(p.signed_off_at),
        "due": _t(d.due_at) if d is not None else "",
        "state": p.state,
        "state_label": p.get_state_display(),
        "published_at": _t(p.published_at),
    }


@router.get(
    "/publications",
    response=responses(list[PublicationOut]),
    summary="结果公示：待公示和已公示（本监管办）",
)
def list_publications(request: HttpRequest) -> Any:
    from .models import Publication
    from .views_publications import with_clocks

    qs = Publication.objects.visible_to(actor(request)).select_related("office")
    return [publication_out(p) for p in with_clocks(list(qs[:500]))]


@router.get(
    "/publications/{publication_id}",
    response=responses(PublicationOut),
    summary="结果公示详情及可办理的环节",
)
def get_publication(request: HttpRequest, publication_id: Id) -> Any:
    from . import publications

    return publication_out(publications.load(actor(request), publication_id))


def _mount() -> None:
    from postaward.core import steps

    from . import publications

    steps.mount_api(router, publications.WF, "publication_id", prefix="/publications")


_mount()
