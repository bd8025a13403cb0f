"""Pages of the matters part (R-ACT-03..05): the transfer of a confirmed clue
to the competent body, the matters ledger (问责事项台账), one matter with its
decisions per person (every read audited), the register of cancelled award
eligibility (评优评先资格取消名单), the person's own decisions, and the
statistics of the whole app (问责统计)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from postaward.core import steps
from postaward.core.errors import DomainError, Forbidden, NotFound
from postaward.core.lists import Column, Filter, ListSpec, render_list
from postaward.core.web import actor_of, page_view, refused

from . import services_matters as sm
from .choices import ClueState, Party
from .choices_matters import (
    SEVERITY_COLOURS,
    BodyKind,
    Circumstance,
    MatterState,
    PersonState,
    Severity,
    article_of,
)
from .forms_matters import TransferForm
from .models import Clue, Matter, MatterPerson
from .stats_matters import statistics
from .steps_matters import load_matter

STATE_COLOURS: dict[str, str] = {MatterState.TRANSFERRED: "orange", MatterState.DECIDED: "green"}


def _detail(m: Any) -> str:
    return reverse("accountability_matter_detail", args=[m.pk])


def _persons(m: Matter) -> str:
    return "、".join(p.name for p in m.persons.all())


def _outcome(m: Matter) -> str:
    out = [f"{p.name}：{sm.measures_text(p.measures)}" for p in m.persons.all() if p.measures]
    return "；".join(out) or "—"


def _severity(m: Matter) -> str:
    labels = dict(Severity.choices)
    found = {p.severity for p in m.persons.all() if p.severity}
    return "、".join(str(labels[s]) for s in Severity.values if s in found) or "—"


def _days(m: Matter) -> Any:
    if m.decided_on is None:
        return None
    return (m.decided_on - m.clue.received_on).days


LEDGER = ListSpec(
    key="accountability_matters",
    title="问责事项台账",
    columns=[
        Column("number", "事项编号", lambda m: m.number, sort="number", link=_detail),
        Column("unit", "涉及单位", lambda m: m.unit.name, sort="unit__name"),
        Column("persons", "被问责人员", _persons),
        Column("act", "问责情形", lambda m: m.act.title if m.act_id else "—"),
        Column("body", "有权机关", lambda m: m.body.name, sort="body__name"),
        Column(
            "transferred",
            "移送日期",
            lambda m: f"{m.transferred_at:%Y-%m-%d}",
            sort="transferred_at",
            export=lambda m: m.transferred_at.date(),
        ),
        Column("outcome", "问责方式", _outcome),
        Column("severity", "情节", _severity),
        Column(
            "decided_on",
            "决定日期",
            lambda m: f"{m.decided_on:%Y-%m-%d}" if m.decided_on else "—",
            sort="decided_on",
        ),
        Column("days", "线索至决定（天）", _days),
        Column("referred", "移送纪检监察", lambda m: "是" if m.referred_at else ""),
        Column.state("state", "状态", STATE_COLOURS),
        Column("facts", "问题事实", lambda m: m.facts, export_only=True),
    ],
    filters=[
        Filter("state", "状态", "state", choices=MatterState.choices),
        Filter("party", "问责对象类别", "party", choices=Party.choices),
        Filter("body_kind", "有权机关类别", "body_kind", choices=BodyKind.choices),
        Filter("severity", "情节", "persons__severity", choices=Severity.choices),
        Filter("from", "移送日期起", "transferred_at__date", kind="date_from"),
        Filter("to", "移送日期止", "transferred_at__date", kind="date_to"),
    ],
    search=("number", "unit__name", "persons__name", "facts"),
    search_label="编号、单位、人员或事实",
    default_sort="-transferred",
    row_url=_detail,
    export_name="问责事项台账",
    empty="暂无问责事项",
    testid="matter-list",
)


def matters(actor: Any) -> Any:
    return (
        Matter.objects.visible_to(actor)
        .select_related("unit", "body", "act", "clue")
        .prefetch_related("persons")
        .distinct()
    )


def _require(actor: Any) -> None:
    if not sm.may_see_matters(actor):
        raise Forbidden("仅监管办、有权机关和纪检监察机关可以查看问责事项")


@page_view
def matter_list(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    _require(a)
    return render_list(
        request,
        LEDGER,
        matters(a),
        context={"section": "问责管理", "icon": "bi-person-exclamation"},
    )


@page_view
def matter_new(request: HttpRequest) -> HttpResponse:
    """移送有权机关 from a confirmed clue (``?clue=<id>``)."""
    a = actor_of(request)
    if not sm.is_office(a):
        raise Forbidden("仅监管办可以移送有权机关")
    raw = request.GET.get("clue") or request.POST.get("clue") or ""
    if not raw:
        return _pick_clue(request, a)
    if not raw.isdigit():
        raise NotFound("请从已确认的问责线索移送")
    clue = (
        Clue.objects.visible_to(a)
        .select_related("office", "unit", "act", "project")
        .filter(pk=int(raw))
        .first()
    )
    if clue is None:
        raise NotFound()
    if clue.state != ClueState.CONFIRMED:
        messages.error(
            request, f"线索当前状态为“{clue.get_state_display()}”，仅已确认的线索可以移送"
        )
        return render(
            request, "accountability/matters_new.html", {"clue": clue, "form": None}, status=409
        )
    bodies = [(o.pk, f"{o.name}（{BodyKind(k).label}）") for o, k in sm.bodies_for(clue)]
    people = [(p.pk, f"{p.name} {sm.post_of(p)}") for p in _candidates(clue)]
    form = TransferForm(request.POST or None, bodies=bodies, persons=people)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                m = sm.transfer(
                    actor=a,
                    clue_id=clue.pk,
                    body_id=data["body"],
                    transfer_note=data["transfer_note"],
                    person_ids=data["persons"],
                    idempotency_key=request.POST.get("idempotency_key") or None,
                )
            except DomainError as exc:
                status = refused(form, exc)
            else:
                messages.success(request, f"已移送有权机关：{m.number}")
                return redirect("accountability_matter_detail", m.pk)
    return render(
        request, "accountability/matters_new.html", {"clue": clue, "form": form}, status=status
    )


def _pick_clue(request: HttpRequest, a: Any) -> HttpResponse:
    """Without ``?clue=``: the confirmed clues waiting to be transferred."""
    waiting = (
        Clue.objects.visible_to(a)
        .filter(state=ClueState.CONFIRMED)
        .select_related("unit", "act")
        .order_by("received_on", "pk")[:200]
    )
    return render(request, "accountability/matters_pick.html", {"clues": list(waiting)})


def _candidates(clue: Clue) -> list[Any]:
    """The clue's persons, else the unit's people in office."""
    from postaward.orgs.models import Person

    listed = list(clue.persons.select_related("organisation"))
    if listed:
        return listed
    return list(
        Person.objects.select_related("organisation").filter(
            organisation_id=clue.unit_id, is_active=True
        )[:50]
    )


def render_detail(
    request: HttpRequest,
    m: Matter,
    *,
    bound: Any = None,
    bound_for: int | None = None,
    status: int = 200,
) -> HttpResponse:
    a = actor_of(request)
    labels = dict(Circumstance.choices)
    rows = []
    for p in m.persons.select_related("person").order_by("pk"):
        derived, notes, earlier = (
            sm.derived_circumstances(p) if p.state == PersonState.PENDING else ([], {}, [])
        )
        marks = [
            {
                "article": article_of(c),
                "text": labels.get(c, c),
                "note": p.circumstance_notes.get(c, ""),
            }
            for c in p.circumstances
        ]
        rows.append(
            {
                "p": p,
                "measures": sm.measures_text(p.measures),
                "marks": marks,
                "colour": SEVERITY_COLOURS.get(p.severity, "grey"),
                "derived": [{"article": article_of(c), "note": notes.get(c, "")} for c in derived],
                "earlier": earlier,
                "steps": steps.page_steps(p, a, bound=bound if bound_for == p.pk else None),
            }
        )
    return render(
        request,
        "accountability/matters_detail.html",
        {
            "m": m,
            "colour": STATE_COLOURS.get(m.state, "grey"),
            "rows": rows,
            "page_steps": steps.page_steps(m, a, bound=bound if bound_for is None else None),
        },
        status=status,
    )


@page_view
def matter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One matter: every read is audited (a page shown again after a refused
    step is the same reader's page, read when it was opened)."""
    a = actor_of(request)
    m = load_matter(a, pk)
    sm.audit_read(a, m)
    return render_detail(request, m)


# --- the register of cancelled award eligibility (art. 12, R-ACT-05) ------------------------------


def _years() -> list[tuple[str, str]]:
    years = (
        MatterPerson.objects.filter(award_year__isnull=False)
        .values_list("award_year", flat=True)
        .distinct()
        .order_by("-award_year")
    )
    return [(str(y), f"{y}年") for y in years]


REGISTER = ListSpec(
    key="accountability_award_register",
    title="评优评先资格取消名单",
    columns=[
        Column("name", "姓名", lambda p: p.name, sort="name"),
        Column("post", "单位及职务", lambda p: p.post),
        Column("year", "取消年度", lambda p: f"{p.award_year}年", sort="award_year"),
        Column("measures", "问责方式", lambda p: sm.measures_text(p.measures)),
        Column(
            "severity",
            "情节",
            lambda p: p.get_severity_display(),
            tag=lambda p: SEVERITY_COLOURS.get(p.severity, "grey"),
        ),
        Column(
            "decided_on",
            "决定日期",
            lambda p: f"{p.decided_on:%Y-%m-%d}",
            sort="decided_on",
            export=lambda p: p.decided_on,
        ),
        Column("document", "决定文号", lambda p: p.decision_document),
        Column(
            "matter",
            "问责事项",
            lambda p: p.matter.number,
            link=lambda p: reverse("accountability_matter_detail", args=[p.matter_id]),
        ),
        Column("body", "有权机关", lambda p: p.matter.body.name),
    ],
    filters=[
        Filter("year", "取消年度", "award_year", choices=_years),
        Filter("severity", "情节", "severity", choices=Severity.choices),
        Filter("from", "决定日期起", "decided_on", kind="date_from"),
        Filter("to", "决定日期止", "decided_on", kind="date_to"),
    ],
    search=("name", "post", "decision_document", "matter__number"),
    search_label="姓名、单位、文号或事项编号",
    default_sort="-decided_on",
    row_url=lambda p: reverse("accountability_matter_detail", args=[p.matter_id]),
    export_name="评优评先资格取消名单",
    empty="暂无取消评优评先资格的人员",
    testid="award-register",
)


@page_view
def award_register(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    _require(a)
    qs = (
        MatterPerson.objects.visible_to(a)
        .filter(state=PersonState.DECIDED, award_year__isnull=False)
        .select_related("matter", "matter__body")
    )
    return render_list(
        request,
        REGISTER,
        qs,
        context={"section": "问责管理", "icon": "bi-slash-circle"},
    )


@page_view
def my_decisions(request: HttpRequest) -> HttpResponse:
    """The person concerned reads the decisions made about them."""
    a = actor_of(request)
    rows = []
    if a.person_id is not None:
        rows = list(
            MatterPerson.objects.filter(person_id=a.person_id, state=PersonState.DECIDED)
            .select_related("matter", "matter__body")
            .order_by("-decided_on")
        )
    return render(
        request,
        "accountability/matters_mine.html",
        {"rows": [(p, sm.measures_text(p.measures)) for p in rows]},
    )


@page_view
def stats(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    _require(a)
    return render(request, "accountability/matters_stats.html", statistics(a))
