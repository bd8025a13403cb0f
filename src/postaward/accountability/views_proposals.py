"""The pages of the proposals part (不良行为认定建议书, R-ACT-07; QZ 附件2
art. 6(九)): the list (counts by state, overdue ones, filters, sorting,
export, print), one proposal with its decision period in local time and its
steps, the filing form and the evidence file."""

from __future__ import annotations

from collections import Counter
from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from postaward.core import clock, deadlines, files, steps
from postaward.core.errors import DomainError, Forbidden
from postaward.core.lists import Column, Filter, ListSpec, render_list
from postaward.core.web import actor_of, page_view, refused

from . import services_proposals as sp
from .choices_proposals import ProposalState, SenderKind
from .forms_proposals import ProposalForm
from .models import Proposal

STATE_COLOURS: dict[str, str] = {
    ProposalState.RECEIVED: "orange",
    ProposalState.RECOGNISED: "green",
    ProposalState.NOT_RECOGNISED: "grey",
}


def _due(p: Proposal) -> str:
    due = getattr(p, "decision_due", None)
    return deadlines.end_text(due) if due else "—"


def _due_tag(p: Proposal) -> str:
    due = getattr(p, "decision_due", None)
    if p.state == ProposalState.RECEIVED and due is not None and due <= clock.now():
        return "red"
    return ""


def _overdue(qs: Any, value: str) -> Any:
    late = qs.filter(state=ProposalState.RECEIVED, decision_due__lte=clock.now())
    return late if value == "1" else qs.exclude(pk__in=late.values("pk"))


PROPOSAL_SPEC = ListSpec(
    key="accountability_proposals",
    title="不良行为认定建议书",
    columns=[
        Column(
            "number",
            "建议书编号",
            lambda p: p.number,
            sort="number",
            link=lambda p: reverse("accountability_proposal_detail", args=[p.pk]),
        ),
        Column(
            "received_on",
            "收到日期",
            lambda p: f"{p.received_on:%Y-%m-%d}",
            sort="received_on",
            export=lambda p: p.received_on,
        ),
        Column("sender", "建议单位", lambda p: p.sender.name, sort="sender__name"),
        Column("department", "认定部门", lambda p: p.department.name, sort="department__name"),
        Column("unit", "被建议单位", lambda p: p.unit.name, sort="unit__name"),
        Column("conduct", "建议认定的不良行为", lambda p: p.conduct),
        Column("project", "项目", lambda p: p.project.name if p.project_id else "—"),
        Column("due", "认定期限届满", _due, sort="decision_due", tag=_due_tag),
        Column.state("state", "状态", STATE_COLOURS),
        Column("facts", "违法违规事实", lambda p: p.facts, export_only=True),
        Column("decision", "认定意见", lambda p: p.decision_text, export_only=True),
        Column("document", "认定文书文号", lambda p: p.decision_document, export_only=True),
    ],
    filters=[
        Filter("state", "状态", "state", choices=ProposalState.choices),
        Filter("sender_kind", "建议单位类别", "sender_kind", choices=SenderKind.choices),
        Filter(
            "overdue",
            "逾期未认定",
            "state",
            choices=[("1", "是"), ("0", "否")],
            apply=_overdue,
        ),
        Filter("from", "收到日期起", "received_on", kind="date_from"),
        Filter("to", "收到日期止", "received_on", kind="date_to"),
    ],
    search=("number", "unit__name", "department__name", "sender__name", "project__name", "conduct"),
    search_label="编号、单位、部门、项目或不良行为",
    default_sort="-received_on",
    row_url=lambda p: reverse("accountability_proposal_detail", args=[p.pk]),
    export_name="不良行为认定建议书",
    empty="暂无不良行为认定建议书",
    testid="proposal-list",
)


def can_see_proposals(actor: Any) -> bool:
    return sp.may_see(actor)


def _readable(request: HttpRequest) -> Any:
    a = actor_of(request)
    if not sp.may_see(a):
        raise Forbidden("仅监管办、建设单位和行业主管部门可以查看不良行为认定建议书")
    return a


def _counts(qs: Any) -> list[tuple[str, int]]:
    by_state = Counter(qs.values_list("state", flat=True))
    return [(label, by_state.get(v, 0)) for v, label in ProposalState.choices]


@page_view
def proposal_list(request: HttpRequest) -> HttpResponse:
    a = _readable(request)
    qs = sp.with_due(sp.proposals_of(a))
    overdue = qs.filter(state=ProposalState.RECEIVED, decision_due__lte=clock.now()).count()
    return render_list(
        request,
        PROPOSAL_SPEC,
        qs,
        template="accountability/proposals_list.html",
        context={
            "section": "问责管理",
            "icon": "bi-file-earmark-ruled",
            "counts": _counts(qs),
            "overdue": overdue,
            "intro": "监管部门收到不良行为认定建议书应当在期限内作出认定或不予认定的决定；"
            "无正当理由不作出认定的，属于问责办法第六条第（九）项规定的问责情形。",
            "new_url": reverse("accountability_proposal_new") if sp.may_file(a) else "",
            "new_label": "提出不良行为认定建议",
        },
    )


def _timeline(p: Proposal) -> list[tuple[Any, str, str]]:
    from postaward.core import audit_labels
    from postaward.core.models import AuditRecord

    recs = AuditRecord.objects.filter(object_type=Proposal._meta.label_lower, object_id=str(p.pk))
    return [
        (clock.localtime(r.at), audit_labels.label(r.action), r.actor_name)
        for r in recs.order_by("seq")[:50]
    ]


def render_detail(
    request: HttpRequest, p: Proposal, *, bound: Any = None, status: int = 200
) -> HttpResponse:
    a = actor_of(request)
    d = sp.decision_deadline(p)
    return render(
        request,
        "accountability/proposal_detail.html",
        {
            "p": p,
            "colour": STATE_COLOURS.get(p.state, "grey"),
            "persons": list(p.persons.select_related("organisation")),
            "deadlines": [deadlines.show(d)] if d is not None else [],
            "timeline": _timeline(p),
            "page_steps": steps.page_steps(p, a, bound=bound),
            # ADR 0804: the recognised bad conduct reaches the unit's credit record
            # through the department's own manual score entry (its item, its evidence)
            "credit_url": (
                reverse("credit_score_new")
                if p.state == ProposalState.RECOGNISED and sp.is_department(p, a)
                else ""
            ),
        },
        status=status,
    )


@page_view
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, sp.load_proposal(_readable(request), pk))


@page_view
def proposal_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    a = actor_of(request)
    # the one download path: outside the proposal's scope → 404
    return cast(
        HttpResponse,
        files.download(Proposal.objects, a, pk, field="evidence_file", name="evidence_file_name"),
    )


@page_view
def proposal_new(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    if not sp.may_file(a):
        raise Forbidden("仅监管办和建设单位可以提出不良行为认定建议")
    form = ProposalForm(request.POST or None, request.FILES or None, actor=a)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            try:
                p = sp.file_proposal(
                    a,
                    department_id=d["department"].pk,
                    unit_id=d["unit"].pk,
                    project_id=d["project"].pk if d["project"] else None,
                    person_ids=[x.pk for x in d["persons"]],
                    conduct=d["conduct"],
                    facts=d["facts"],
                    evidence_note=d["evidence_note"],
                    received_on=d["received_on"],
                    evidence=d.get("evidence") or None,
                    idempotency_key=request.POST.get("idempotency_key") or None,
                )
            except DomainError as exc:
                status = refused(form, exc)
            else:
                messages.success(request, f"已提出不良行为认定建议 {p.number}")
                return redirect("accountability_proposal_detail", p.pk)
    return render(request, "accountability/proposal_form.html", {"form": form}, status=status)
