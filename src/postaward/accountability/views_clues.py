"""The pages of the clues part: the queue of clues (问责线索: the office's
daily collection with counts by state and source and the ageing of each clue;
QZ 附件2 art. 12), one clue with its evidence, persons, act and timeline and
its steps, the registration form (R-ACT-02); the catalogue of accountable acts
(问责情形清单) with its versions, the revision and the new act (R-ACT-01).
Every read of clues is audited (confidential)."""

from __future__ import annotations

from collections import Counter
from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from postaward.core import clock, files, steps
from postaward.core.errors import DomainError, Forbidden
from postaward.core.lists import Column, Filter, ListSpec, render_list
from postaward.core.web import actor_of, page_view, refused

from . import services_catalogue as cat
from . import services_clues
from .choices import ClueSource, ClueState, Party
from .forms_clues import ActForm, ClueForm, NewActForm
from .models import AccountableAct, Clue

STATE_COLOURS: dict[str, str] = {
    ClueState.REGISTERED: "orange",
    ClueState.CONFIRMED: "blue",
    ClueState.DISMISSED: "grey",
    ClueState.TRANSFERRED: "green",
}


def ageing(c: Clue) -> int:
    """Days since the clue was received."""
    return (clock.today() - c.received_on).days


def _act_text(c: Clue) -> str:
    return f"{c.act.article} {c.act.title}" if c.act is not None else "—"


CLUE_SPEC = ListSpec(
    key="accountability_clues",
    title="问责线索",
    columns=[
        Column(
            "number",
            "线索编号",
            lambda c: c.number,
            sort="number",
            link=lambda c: reverse("accountability_clue_detail", args=[c.pk]),
        ),
        Column(
            "received_on",
            "收集日期",
            lambda c: f"{c.received_on:%Y-%m-%d}",
            sort="received_on",
            export=lambda c: c.received_on,
        ),
        Column("ageing", "已收集天数", ageing, sort="-received_on", total=False),
        Column("source", "线索来源", lambda c: c.get_source_display(), sort="source"),
        Column("unit", "涉及单位", lambda c: c.unit.name, sort="unit__name"),
        Column("party", "对象类别", lambda c: c.get_party_display(), sort="party"),
        Column("act", "问责情形", _act_text),
        Column("project", "项目", lambda c: c.project.name if c.project_id else "—"),
        Column.state("state", "状态", STATE_COLOURS),
        Column("facts", "问题事实", lambda c: c.facts, export_only=True),
        Column("reason", "核实意见", lambda c: c.decision_reason, export_only=True),
    ],
    filters=[
        Filter("state", "状态", "state", choices=ClueState.choices),
        Filter("source", "线索来源", "source", choices=ClueSource.choices),
        Filter("party", "对象类别", "party", choices=Party.choices),
        Filter("from", "收集日期起", "received_on", kind="date_from"),
        Filter("to", "收集日期止", "received_on", kind="date_to"),
    ],
    search=("number", "unit__name", "project__name", "facts"),
    search_label="编号、单位、项目或事实",
    default_sort="-received_on",
    row_url=lambda c: reverse("accountability_clue_detail", args=[c.pk]),
    export_name="问责线索",
    empty="暂无问责线索",
    testid="clue-list",
)


def can_see_clues(actor: Any) -> bool:
    return services_clues.may_read(actor)


def _readable(request: HttpRequest) -> Any:
    a = actor_of(request)
    if not services_clues.may_read(a):
        raise Forbidden("仅监管办和纪检监察机关可以查看问责线索")
    return a


def _counts(qs: Any) -> dict[str, list[tuple[str, int]]]:
    rows = list(qs.values_list("state", "source"))
    by_state = Counter(s for s, _ in rows)
    by_source = Counter(s for _, s in rows)
    return {
        "states": [(label, by_state.get(v, 0)) for v, label in ClueState.choices],
        "sources": [(label, by_source[v]) for v, label in ClueSource.choices if by_source.get(v)],
    }


@page_view
def clue_list(request: HttpRequest) -> HttpResponse:
    a = _readable(request)
    qs = services_clues.clues_of(a)
    cat.audit_read(a, "accountability.clues_listed", query=request.GET.urlencode()[:200])
    return render_list(
        request,
        CLUE_SPEC,
        qs,
        template="accountability/clues_list.html",
        context={
            "section": "问责管理",
            "icon": "bi-search",
            "counts": _counts(qs),
            "intro": "市监管办负责问责线索的日常收集汇总，对需要问责的，按照干部管理权限移送有权机关（问责办法第十二条）。",
            "new_url": reverse("accountability_clue_new") if cat.is_office_staff(a) else "",
            "new_label": "登记问责线索",
        },
    )


def _timeline(c: Clue) -> list[tuple[Any, str, str]]:
    from postaward.core import audit_labels
    from postaward.core.models import AuditRecord

    recs = AuditRecord.objects.filter(
        object_type=Clue._meta.label_lower, object_id=str(c.pk)
    ).exclude(action="accountability.clue_read")
    return [
        (clock.localtime(r.at), audit_labels.label(r.action), r.actor_name)
        for r in recs.order_by("seq")[:50]
    ]


def render_detail(
    request: HttpRequest, c: Clue, *, bound: Any = None, status: int = 200
) -> HttpResponse:
    a = actor_of(request)
    may_transfer = c.state == ClueState.CONFIRMED and cat.is_office_staff(a, c.office_id)
    return render(
        request,
        "accountability/clue_detail.html",
        {
            "c": c,
            "colour": STATE_COLOURS.get(c.state, "grey"),
            "ageing": ageing(c),
            "persons": list(c.persons.select_related("organisation")),
            "timeline": _timeline(c),
            "page_steps": steps.page_steps(c, a, bound=bound),
            "transfer_url": (
                f"{reverse('accountability_matter_new')}?clue={c.pk}" if may_transfer else ""
            ),
        },
        status=status,
    )


@page_view
def clue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, services_clues.read_clue(actor_of(request), pk))


@page_view
def clue_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    a = actor_of(request)
    # the one download path: outside the confidential scope (any other role) → 404
    response = files.download(Clue.objects, a, pk, field="evidence_file", name="evidence_file_name")
    cat.audit_read(a, "accountability.clue_read", Clue.objects.get(pk=pk), file=True)
    return cast(HttpResponse, response)


@page_view
def clue_new(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    if not cat.is_office_staff(a):
        raise Forbidden("仅监管办可以登记问责线索")
    from postaward.orgs.models import Organisation

    cat.ensure_catalogue(Organisation.objects.get(pk=a.organisation_id))
    form = ClueForm(request.POST or None, request.FILES or None, actor=a)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            try:
                c = services_clues.file_clue(
                    a,
                    source=d["source"],
                    unit_id=d["unit"].pk,
                    act_id=d["act"].pk,
                    facts=d["facts"],
                    occurred_on=d["occurred_on"],
                    person_ids=[p.pk for p in d["persons"]],
                    persons_text=d["persons_text"],
                    project_id=d["project"].pk if d["project"] else None,
                    evidence_note=d["evidence_note"],
                    source_detail=d["source_detail"],
                    evidence=d.get("evidence") or None,
                    idempotency_key=request.POST.get("idempotency_key") or None,
                )
            except DomainError as exc:
                status = refused(form, exc)
            else:
                messages.success(request, f"已登记问责线索 {c.number}")
                return redirect("accountability_clue_detail", c.pk)
    return render(request, "accountability/clue_form.html", {"form": form}, status=status)


# --- the catalogue (R-ACT-01) -------------------------------------------------------------------

ACT_SPEC = ListSpec(
    key="accountability_acts",
    title="问责情形清单",
    columns=[
        Column(
            "article",
            "条款",
            lambda x: x.article,
            sort="code",
            link=lambda x: reverse("accountability_act_detail", args=[x.pk]),
        ),
        Column("party", "适用对象", lambda x: x.get_party_display(), sort="party"),
        Column("title", "问责情形", lambda x: x.title, sort="title"),
        Column("version", "版本", lambda x: f"第{x.version}版", sort="version", total=False),
        Column("active", "启用", lambda x: "是" if x.active else "否", sort="active"),
        Column("text", "条文", lambda x: x.text, export_only=True),
        Column("document", "依据文件", lambda x: x.document, export_only=True),
    ],
    filters=[
        Filter("party", "适用对象", "party", choices=Party.choices),
        Filter(
            "active",
            "启用",
            "active",
            choices=[("1", "是"), ("0", "否")],
            apply=lambda qs, v: qs.filter(active=v == "1"),
        ),
    ],
    search=("title", "text", "article"),
    search_label="条款、情形或条文",
    default_sort="party",
    row_url=lambda x: reverse("accountability_act_detail", args=[x.pk]),
    export_name="问责情形清单",
    empty="暂无问责情形",
    testid="act-list",
)


def can_see_acts(actor: Any) -> bool:
    return services_clues.may_read(actor)


@page_view
def act_list(request: HttpRequest) -> HttpResponse:
    a = _readable(request)
    if cat.is_office_staff(a):
        from postaward.orgs.models import Organisation

        cat.ensure_catalogue(Organisation.objects.get(pk=a.organisation_id))
    qs = cat.acts_of(a).filter(is_current=True).order_by("party", "pk")
    return render_list(
        request,
        ACT_SPEC,
        qs,
        context={
            "section": "问责管理",
            "icon": "bi-list-check",
            "intro": "建设单位、监管部门应予责任追究的情形（问责办法第五条、第六条）；修订后原版本保留在修订记录中。",
            "new_url": reverse("accountability_act_new") if cat.is_office_staff(a) else "",
            "new_label": "新增问责情形",
        },
    )


def _act_page(
    request: HttpRequest, act: AccountableAct, form: Any = None, status: int = 200
) -> HttpResponse:
    a = actor_of(request)
    editable = act.is_current and cat.is_office_staff(a, act.office_id)
    if editable and form is None:
        form = ActForm(initial={"title": act.title, "text": act.text, "active": act.active})
    return render(
        request,
        "accountability/act_detail.html",
        {
            "act": act,
            "history": list(cat.history(act)),
            "form": form if editable else None,
        },
        status=status,
    )


@page_view
def act_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = _readable(request)
    act = cat.load_act(a, pk)
    if request.method != "POST":
        return _act_page(request, act)
    if not cat.is_office_staff(a, act.office_id):
        raise Forbidden("仅监管办可以修订问责情形")
    form = ActForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            new = cat.revise_act(
                actor=a,
                act=act,
                title=d["title"],
                text=d["text"],
                note=d["note"],
                active=d["active"],
            )
        except DomainError as exc:
            refused(form, exc)
            return _act_page(request, act, form, exc.status)
        messages.success(request, f"已修订为第{new.version}版，原版本保留在修订记录中")
        return redirect("accountability_act_detail", new.pk)
    return _act_page(request, act, form, 422)


@page_view
def act_new(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    if not cat.is_office_staff(a):
        raise Forbidden("仅监管办可以新增问责情形")
    form = NewActForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            try:
                act = cat.add_act(actor=a, **d)
            except DomainError as exc:
                status = refused(form, exc)
            else:
                messages.success(request, "已新增问责情形")
                return redirect("accountability_act_detail", act.pk)
    return render(request, "accountability/act_form.html", {"form": form}, status=status)
