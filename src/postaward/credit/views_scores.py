"""The pages of score events (R-SCO-01): the list (filters, sort, count and
points total, export, print, cards on phones), one event (what happened, the
rule item with its version and basis, the caps, the state and the objection
period, the objection and its steps), the evidence of a manual entry, and the
manual entry form of the authorities' staff."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from postaward.core import clock, deadlines, files, steps
from postaward.core.errors import DomainError
from postaward.core.lists import Column, Filter, ListSpec, _apply_filters, render_list
from postaward.core.scoping import get_visible_or_404
from postaward.core.web import actor_of, page_view, refused, require
from postaward.orgs.choices import Industry, OrgKind
from postaward.orgs.models import Organisation, Person
from postaward.projects.models import Project

from . import forms_scores, scoring, services_scores
from .choices import ScoreState, SubjectKind
from .facts import FACTS
from .facts import label as fact_label
from .models import DEPARTMENT_ROLES, MANUAL, OFFICE_ROLES, CreditRequest, ScoreEvent

COLOURS: dict[str, str] = {
    ScoreState.PROVISIONAL: "blue",
    ScoreState.OBJECTING: "orange",
    ScoreState.FINAL: "green",
    ScoreState.WITHDRAWN: "grey",
    ScoreState.REPAIRED: "green",
}


def _points(ev: ScoreEvent) -> str:
    return f"{'+' if ev.points > 0 else ('-' if ev.points < 0 else '')}{scoring._n(ev.points)}"


def _years() -> list[tuple[str, str]]:
    this = clock.today().year
    return [(str(y), f"{y}年") for y in range(this, this - 6, -1)]


def _facts() -> list[tuple[str, str]]:
    return [(k, v.label) for k, v in FACTS.items()] + [(MANUAL, fact_label(MANUAL))]


SPEC = ListSpec(
    key="credit_scores",
    title="记分事件",
    columns=[
        Column(
            "subject",
            "评分对象",
            lambda e: e.subject_name,
            sort="subject_name",
            link=lambda e: reverse("credit_score_detail", args=[e.pk]),
        ),
        Column("kind", "对象类别", lambda e: e.get_subject_kind_display(), sort="subject_kind"),
        Column("project", "项目", lambda e: e.project.name if e.project_id else "—"),
        Column(
            "item",
            "评分项（版本）",
            lambda e: f"{e.item.code} {e.item.description[:24]}（第{e.item.rule_set.version}版）",
            sort="item__code",
        ),
        Column("summary", "事由", lambda e: e.summary[:60]),
        Column("points", "计入分值", _points, sort="points", export=lambda e: e.points),
        Column.state("state", "状态", COLOURS),
        Column(
            "objection_until",
            "异议截止",
            lambda e: f"{e.objection_until:%Y-%m-%d}",
            sort="objection_until",
            export=lambda e: e.objection_until,
        ),
        Column(
            "occurred_on",
            "发生日期",
            lambda e: f"{e.occurred_on:%Y-%m-%d}",
            sort="occurred_on",
            export=lambda e: e.occurred_on,
        ),
        Column("raw_points", "规则分值", lambda e: e.raw_points, export_only=True),
        Column("cap_note", "封顶说明", lambda e: e.cap_note, export_only=True),
        Column("authority", "评分部门", lambda e: e.authority.name, export_only=True),
        Column(
            "basis",
            "依据",
            lambda e: f"{e.item.basis_document}{e.item.basis_article}",
            export_only=True,
        ),
    ],
    filters=[
        Filter("year", "年度", "year", choices=_years),
        Filter("industry", "行业", "industry", choices=Industry.choices),
        Filter("kind", "对象类别", "subject_kind", choices=SubjectKind.choices),
        Filter("state", "状态", "state", choices=ScoreState.choices),
        Filter("fact", "触发事实", "fact", choices=_facts),
        Filter("from", "发生日期起", "occurred_on", kind="date_from"),
        Filter("to", "发生日期止", "occurred_on", kind="date_to"),
    ],
    search=("subject_name", "summary", "project__name", "item__code"),
    search_label="评分对象、事由、项目或评分项",
    default_sort="-occurred_on",
    row_url=lambda e: reverse("credit_score_detail", args=[e.pk]),
    export_name="记分事件",
    empty="暂无记分事件",
    testid="score-list",
)


def can_see_scores(actor: Any) -> bool:
    """The menu entry: the office, the authorities, a subject with score events."""
    if actor.org_kind == OrgKind.SUPERVISION_OFFICE and actor.roles & OFFICE_ROLES:
        return True
    if actor.org_kind == OrgKind.INDUSTRY_AUTHORITY and actor.roles & DEPARTMENT_ROLES:
        return True
    return bool(actor.user_id) and ScoreEvent.objects.visible_to(actor).exists()


def score_events(actor: Any) -> Any:
    return ScoreEvent.objects.visible_to(actor).select_related(
        "item", "item__rule_set", "project", "authority"
    )


def _totals(request: HttpRequest, qs: Any) -> dict[str, Any]:
    """The count and the points of the filtered events that count (not withdrawn)."""
    filtered = _apply_filters(request, SPEC, qs)[0]
    counting = filtered.exclude(state=ScoreState.WITHDRAWN).order_by()
    agg = counting.aggregate(n=Count("pk"), s=Sum("points"))
    total = agg["s"] or 0
    return {
        "count": agg["n"],
        "sum": f"{'+' if total > 0 else ''}{total:.2f}".rstrip("0").rstrip("."),
    }


@page_view
def score_list(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    qs = score_events(a)
    ctx: dict[str, Any] = {"section": "信用管理", "icon": "bi-clipboard-data"}
    if services_scores.is_authority_staff(a):
        ctx.update(new_url=reverse("credit_score_new"), new_label="人工录入记分")
    ctx["score_totals"] = _totals(request, qs)
    return render_list(request, SPEC, qs, context=ctx, template="credit/score_list.html")


def load_event(actor: Any, pk: int) -> ScoreEvent:
    return get_visible_or_404(score_events(actor), actor, pk=pk)  # type: ignore[no-any-return]


def render_detail(
    request: HttpRequest,
    ev: ScoreEvent,
    *,
    bound: dict[int, dict[str, Any]] | None = None,
    form: Any = None,
    repair_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    a = actor_of(request)
    rows = []
    qs = CreditRequest.objects.visible_to(a).filter(score_event=ev).select_related("score_event")
    for q in qs:
        clocks = [deadlines.show(d) for d in deadlines.deadlines_of(q)]
        rows.append((q, clocks, steps.page_steps(q, a, bound=(bound or {}).get(q.pk))))
    may = services_scores.may_object(ev, a)
    return render(
        request,
        "credit/score_detail.html",
        {
            "ev": ev,
            "colour": COLOURS.get(ev.state, "grey"),
            "fact_label": fact_label(ev.fact),
            "requests": rows,
            "form": form or (forms_scores.ScoreObjectionForm() if may else None),
            "is_subject": services_scores.is_subject(ev, a),
            "repair_form": repair_form
            or (forms_scores.ScoreRepairForm() if services_scores.may_repair(ev, a) else None),
            "points": _points(ev),
        },
        status=status,
    )


@page_view
def score_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, load_event(actor_of(request), pk))


@page_view
def score_objection(request: HttpRequest, pk: int) -> HttpResponse:
    """File an objection to a provisional score event (the subject, or the
    office on its behalf)."""
    a = actor_of(request)
    ev = load_event(a, pk)
    if request.method != "POST":
        return redirect("credit_score_detail", pk)
    form = forms_scores.ScoreObjectionForm(request.POST)
    if form.is_valid():
        try:
            services_scores.file_score_objection(
                actor=a, event=ev, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            return render_detail(request, ev, form=form, status=refused(form, exc))
        messages.success(request, "已登记异议，记分冻结，转评分部门核查")
        return redirect("credit_score_detail", pk)
    return render_detail(request, ev, form=form, status=422)


@page_view
def score_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence of a manual score event, within the reader's scope."""
    response = files.download(
        ScoreEvent.objects, actor_of(request), pk, field="evidence", name="evidence_name"
    )
    return cast(HttpResponse, response)


def _manual_form(actor: Any, data: Any = None, files_: Any = None) -> Any:
    kinds = [k for k in OrgKind.values if k not in (OrgKind.SUPERVISION_OFFICE,)]
    orgs = Organisation.objects.filter(
        path__startswith=actor.district_path or "-", kind__in=kinds
    ).order_by("kind", "name")[:500]
    people = (
        Person.objects.filter(organisation__path__startswith=actor.district_path or "-")
        .select_related("organisation")
        .order_by("organisation__name", "name")[:500]
    )
    projects = Project.objects.filter(industry_authority_id=actor.organisation_id).order_by("code")
    return forms_scores.ManualScoreForm(
        data,
        files_,
        items=services_scores.manual_items(actor),
        orgs=orgs,
        people=people,
        projects=projects[:500],
    )


def _int(value: Any) -> int | None:
    return int(value) if value else None


@page_view
def score_new(request: HttpRequest) -> HttpResponse:
    """Manual entry (人工录入) by the staff of an industry authority."""
    a = actor_of(request)
    require(a, services_scores.is_authority_staff(a), "仅行业主管部门工作人员可以人工录入记分")
    form = _manual_form(a, request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            c = form.cleaned_data
            try:
                ev = services_scores.enter_manual(
                    actor=a,
                    item_id=int(c["item"]),
                    occurred_on=c["occurred_on"],
                    summary=c["summary"],
                    evidence=c["evidence"],
                    subject_org_id=_int(c["subject_org"]),
                    subject_person_id=_int(c["subject_person"]),
                    project_id=_int(c["project"]),
                )
            except DomainError as exc:
                status = refused(form, _placed(exc, form))
            else:
                messages.success(request, "已录入记分，已告知被记分单位（人员）")
                return redirect("credit_score_detail", ev.pk)
    return render(request, "credit/score_new.html", {"form": form}, status=status)


def _placed(exc: DomainError, form: Any) -> DomainError:
    """A service's field name (``subject_org_id``) renamed to the form's field."""
    for err in exc.errors or []:
        f = str(err.get("field") or "")
        if f.endswith("_id") and f[:-3] in form.fields:
            err["field"] = f[:-3]
        elif f == "item_id":
            err["field"] = "item"
    return exc
