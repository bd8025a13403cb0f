"""The page of a credit repair request of a score event (信用修复, ADR 0690):
the filing form on the score event's page posts here; the proof file of a
request is downloaded through the reader's scope."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from postaward.core import files
from postaward.core.errors import DomainError
from postaward.core.web import actor_of, page_view, refused

from . import forms_scores, services_scores
from .models import CreditRequest
from .views_scores import load_event, render_detail


@page_view
def score_repair(request: HttpRequest, pk: int) -> HttpResponse:
    """File a repair request of a final deduction (the subject, or the office
    on its behalf), with the account of the rectification and its proof."""
    a = actor_of(request)
    ev = load_event(a, pk)
    if request.method != "POST":
        return redirect("credit_score_detail", pk)
    form = forms_scores.ScoreRepairForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services_scores.file_score_repair(
                actor=a,
                event=ev,
                reason=form.cleaned_data["reason"],
                evidence=form.cleaned_data.get("evidence") or None,
            )
        except DomainError as exc:
            return render_detail(request, ev, repair_form=form, status=refused(form, exc))
        messages.success(request, "已登记信用修复申请，转评分部门核查")
        return redirect("credit_score_detail", pk)
    return render_detail(request, ev, repair_form=form, status=422)


@page_view
def repair_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The proof of rectification of a repair request, within the reader's scope."""
    response = files.download(
        CreditRequest.objects, actor_of(request), pk, field="evidence", name="evidence_name"
    )
    return cast(HttpResponse, response)
