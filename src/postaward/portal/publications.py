"""Publishing results on the public site (R-CAS-05, HC 附件 二(五): "执法检查
结果经市监管办主要负责人审签同意后，由市监管办于10个工作日内…向社会公布").

``cases.publication_signed_off`` (subscribed by name: cases is another
capability) creates a ``Publication`` once per case and kind, with the party
and the body masked (``core.masking``: a person's name, ID numbers, phone
numbers; an organisation's name stays), opens the 10-working-day clock from
the sign-off (a missed one is a ``deadline.missed`` fact: the alerts
capability raises the alert) and a to-do for the office. The office reviews
the masked text and publishes it (the step ``publish``); the public pages list
what is published, without an account.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from pydantic import Field

from postaward.core import clock, deadlines, events, masking, steps, todos, writes
from postaward.core.actor import SYSTEM, Actor
from postaward.core.api_base import StrictIn
from postaward.core.business_calendar import Unit
from postaward.core.scoping import get_visible_or_404
from postaward.orgs.choices import Role
from postaward.orgs.models import Organisation

from .models import Publication, snapshot_publication

SIGNED_OFF = "cases.publication_signed_off"
DAYS = 10

PUBLICATION_DUE = deadlines.register_kind(
    "portal.publication",
    "结果公示期限",
    "R-CAS-05",
    "汉川市公共资源交易综合监管联动执法工作实施方案 附件 二(五)：经监管办主要负责人审签同意后，"
    "10个工作日内向社会公布",
    "leading_group",
)


# --- masking ----------------------------------------------------------------------------------


def party_is_person(name: str) -> bool:
    """The party is a person unless it is a known organisation or its name
    reads as one (ADR 0622)."""
    if Organisation.objects.filter(name=name).exists():
        return False
    return masking.looks_like_person(name)


def masked(text: str, subject_name: str) -> str:
    names = [subject_name] if party_is_person(subject_name) else []
    return masking.mask_text(text, names)


# --- from the sign-off ------------------------------------------------------------------------


def _signed_off_at(value: str) -> dt.datetime:
    at = parse_datetime(str(value))
    if at is None:
        raise ValueError(f"signed_off_at is not an ISO datetime: {value!r}")
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at


def take_signed_off(evt: Any) -> Publication:
    """``cases.publication_signed_off`` → the publication, once per case and
    kind (a replayed event returns the one made)."""
    kind = evt.kind if evt.kind in Publication.Kind.values else Publication.Kind.PENALTY
    existing = Publication.objects.filter(case_id=evt.case_id, kind=kind).first()
    if existing is not None:
        return existing
    person = party_is_person(evt.subject_name)
    signed = _signed_off_at(evt.signed_off_at)
    try:
        with transaction.atomic():
            p = Publication.objects.create(
                case_id=evt.case_id,
                kind=kind,
                case_number=evt.case_number[:40],
                office=Organisation.objects.get(pk=evt.office_id),
                title=masking.mask_text(evt.title, [evt.subject_name] if person else [])[:200],
                subject_name=evt.subject_name[:200],
                subject_public=masking.public_party_name(evt.subject_name, is_person=person),
                text=evt.text,
                masked_text=masked(evt.text, evt.subject_name),
                decision_number=evt.decision_number[:100],
                decided_on=dt.date.fromisoformat(str(evt.decided_on)[:10]),
                signed_off_at=signed,
                created_at=clock.now(),
            )
            writes.created(
                p, actor=SYSTEM, action="portal.publication_queued", snapshot=snapshot_publication
            )
            d = deadlines.open_deadline(
                kind=PUBLICATION_DUE.kind,
                subject=p,
                length=DAYS,
                unit=Unit.WORKING_DAYS,
                basis=PUBLICATION_DUE.basis,
                organisation_id=p.office_id,
                start=signed,
                reminder_after=7,
            )
            todos.open_for(
                key=f"portal:publication:{p.pk}",
                kind="portal.publication",
                title=f"待公示：{p.title}",
                organisation_id=p.office_id,
                role=Role.OFFICE_STAFF,
                subject=p,
                url=reverse("portal_publication", args=[p.pk]),
                due_at=d.due_at,
                basis=d.basis,
            )
    except IntegrityError:  # the same event delivered twice at once
        return Publication.objects.get(case_id=evt.case_id, kind=kind)
    return p


@dataclass(frozen=True)
class _ByName:
    name: str


def on_signed_off(evt: Any) -> None:
    take_signed_off(evt)


def register() -> None:
    events.subscribe(_ByName(SIGNED_OFF))(on_signed_off)  # type: ignore[arg-type]


# --- reads --------------------------------------------------------------------------------------


def public() -> QuerySet[Publication]:
    """What the public site shows: published items only, newest first."""
    return Publication.objects.filter(state=Publication.State.PUBLISHED).order_by(
        "-published_at", "-pk"
    )


def load(actor: Actor, pk: int) -> Publication:
    return get_visible_or_404(  # type: ignore[no-any-return]
        Publication.objects.select_related("office"), actor, pk=pk
    )


def home_card(actor: Actor) -> list[dict[str, Any]]:
    """The office's card: results waiting to be published (待公示)."""
    from .views_publications import can_publish

    if not can_publish(actor):
        return []
    pending = Publication.objects.visible_to(actor).filter(state=Publication.State.PENDING)
    return [
        {
            "key": "publications_pending",
            "label": "待公示结果",
            "value": pending.count(),
            "icon": "bi-megaphone",
            "url": f"{reverse('portal_publications')}?state={Publication.State.PENDING}",
        }
    ]


def may_publish(p: Publication, actor: Actor) -> bool:
    return actor.is_system or (
        actor.organisation_id == p.office_id
        and bool(actor.roles & {Role.OFFICE_STAFF, Role.UNIT_LEADER})
    )


# --- the step ------------------------------------------------------------------------------------


class PublicationPublishIn(StrictIn):
    masked_text: str = Field(
        "",
        max_length=20000,
        description="审核后的公示正文（不填则用系统脱敏的正文；提交后仍会再次脱敏）",
    )


class PublishForm(forms.Form):
    masked_text = forms.CharField(
        label="公示正文（已脱敏，可修改）",
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control form-control-sm", "rows": 8}),
        help_text="个人姓名、身份证号码、电话号码已自动脱敏；单位名称依法公开",
    )


def _publish_form(p: Publication, actor: Actor, data: Any, files: Any) -> PublishForm:
    if data is not None:
        return PublishForm(data, auto_id="id_publish-%s")
    return PublishForm(initial={"masked_text": p.masked_text}, auto_id="id_publish-%s")


def publish(*, actor: Actor, obj: Publication, masked_text: str = "") -> Publication:
    """Publish on the public site: the reviewed text, masked once more."""
    with steps.write(PUBLISH, obj, actor) as w:
        p = w.obj
        body = (masked_text or "").strip() or p.masked_text
        p.masked_text = masked(body, p.subject_name)
        p.state = Publication.State.PUBLISHED
        p.published_at = clock.now()
        p.published_by_name = f"{actor.org_name} {actor.display_name}".strip()
    deadlines.close_deadline(kind=PUBLICATION_DUE.kind, subject=p)
    todos.close_for(subject=p)
    return p


def _render(request: Any, p: Publication, *, bound: Any = None, status: int = 200) -> Any:
    from .views_publications import render_detail

    return render_detail(request, p, bound=bound, status=status)


def _answer(request: Any, p: Publication) -> Any:
    from .api import publication_out

    return publication_out(p)


WF = "portal.publication"
PUBLICATION = steps.Workflow(
    key=WF,
    model=Publication,
    label="结果公示",
    load=load,
    queryset=lambda: Publication.objects.select_related("office"),
    snapshot=snapshot_publication,
    detail_url=lambda p: reverse("portal_publication", args=[p.pk]),
    render_page=_render,
    answer=_answer,
    page_url_name="portal_publication_step",
)
PUBLISH = steps.Step(
    WF,
    "publish",
    "发布公示",
    who=may_publish,
    who_label="监管办工作人员",
    sources=(Publication.State.PENDING,),
    target=Publication.State.PUBLISHED,
    service=publish,
    schema=PublicationPublishIn,
    form_factory=_publish_form,
    basis="R-CAS-05",
    closes=PUBLICATION_DUE.kind,
    action="portal.publish",
    success="已在公众门户公示",
    help="核对脱敏后的正文，审签后10个工作日内公示",
)
steps.register(PUBLICATION, PUBLISH)
