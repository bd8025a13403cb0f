"""Results published on the public site (R-CAS-05): the office's worklist
(待公示, on the list component) and the page where staff review the masked
text and publish; the public pages (no account, readable on a phone) list the
published items only."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from postaward.core import deadlines, steps
from postaward.core.lists import Column, Filter, ListSpec, render_list
from postaward.core.web import actor_of, page_view, require
from postaward.orgs.choices import OrgKind

from . import publications
from .models import PUBLISHER_ROLES, Publication

COLOURS: dict[str, str] = {
    Publication.State.PENDING: "orange",
    Publication.State.PUBLISHED: "green",
}


def _due(p: Publication) -> str:
    d = getattr(p, "clock", None)
    return deadlines.end_text(d.due_at) if d is not None else "—"


def with_clocks(objs: list[Any]) -> list[Any]:
    """Each publication's clock, for a page of them in one query."""
    from postaward.core.models import Deadline

    by_id = {
        d.subject_id: d
        for d in Deadline.objects.filter(
            kind=publications.PUBLICATION_DUE.kind,
            subject_type="portal.publication",
            subject_id__in=[str(p.pk) for p in objs],
        ).order_by("pk")
    }
    for p in objs:
        p.clock = by_id.get(str(p.pk))
    return objs


SPEC = ListSpec(
    key="publications",
    title="结果公示",
    columns=[
        Column(
            "title",
            "标题",
            lambda p: p.title,
            sort="title",
            link=lambda p: reverse("portal_publication", args=[p.pk]),
        ),
        Column("kind", "类别", lambda p: p.get_kind_display(), sort="kind"),
        Column("subject", "当事人（公示）", lambda p: p.subject_public),
        Column("decision_number", "决定书文号", lambda p: p.decision_number),
        Column.when("signed_off", "审签时间", "signed_off_at"),
        Column("due", "公示期限", _due),
        Column.state("state", "状态", COLOURS),
        Column.when("published", "公示时间", "published_at"),
    ],
    filters=[
        Filter("state", "状态", "state", choices=Publication.State.choices),
        Filter("kind", "类别", "kind", choices=Publication.Kind.choices),
    ],
    search=("title", "subject_name", "decision_number", "case_number"),
    search_label="标题、当事人或文号",
    default_sort="-signed_off",
    row_url=lambda p: reverse("portal_publication", args=[p.pk]),
    export_name="结果公示",
    prepare=with_clocks,
    empty="暂无待公示或已公示的结果",
    testid="publications-list",
)


def can_publish(actor: Any) -> bool:
    return actor.org_kind == OrgKind.SUPERVISION_OFFICE and bool(actor.roles & PUBLISHER_ROLES)


@page_view
def worklist(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    require(a, can_publish(a), "监管办工作人员方可查看结果公示")
    return render_list(
        request,
        SPEC,
        Publication.objects.visible_to(a).select_related("office"),
        context={"section": "信用管理", "icon": "bi-megaphone"},
    )


def render_detail(
    request: HttpRequest, p: Publication, *, bound: Any = None, status: int = 200
) -> HttpResponse:
    a = actor_of(request)
    clocks = [deadlines.show(d) for d in deadlines.deadlines_of(p)]
    return render(
        request,
        "portal/publication_detail.html",
        {
            "p": p,
            "colour": COLOURS.get(p.state, "grey"),
            "clocks": clocks,
            "page_steps": steps.page_steps(p, a, bound=bound),
            "paragraphs": p.masked_text.splitlines(),
        },
        status=status,
    )


@page_view
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, publications.load(actor_of(request), pk))


# --- the public pages ----------------------------------------------------------------------------


def public_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(publications.public(), 20).get_page(request.GET.get("page"))
    return render(request, "portal/public_publications.html", {"page": page})


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = publications.public().filter(pk=pk).first()
    if p is None:
        raise Http404("没有这条公示")
    return render(
        request,
        "portal/public_publication.html",
        {"p": p, "paragraphs": [x for x in p.masked_text.splitlines() if x.strip()]},
    )
