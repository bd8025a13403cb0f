"""The public site's interference register (R-ACT-06; no account): anyone
records an intervention anonymously (captcha, the filing limits per address),
gets a number and a query code shown once, and with them follows the record up
and adds to it. Nothing about the handling staff or the reporter is shown."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from postaward.complaints import limits
from postaward.core.errors import DomainError
from postaward.core.middleware import client_ip
from postaward.core.web import form_error

from . import services_interference as svc
from .forms_interference import PublicAdditionForm, PublicReportForm, TrackForm


def _source(request: HttpRequest) -> str:
    return limits.address_digest(client_ip(request))


@never_cache
def public_new(request: HttpRequest) -> HttpResponse:
    form = PublicReportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = dict(form.cleaned_data)
            evidence = data.pop("evidence")
            contact = data.pop("contact")
            data.pop("captcha")
            try:
                filed = svc.record_public(
                    actor=request.actor,  # type: ignore[attr-defined]
                    report=svc.Report(**data),
                    evidence=evidence,
                    contact=contact,
                    source=_source(request),
                    idempotency_key=request.POST.get("idempotency_key", ""),
                )
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                return render(
                    request,
                    "accountability/interference_public_filed.html",
                    {"r": filed.record, "code": filed.query_code},
                    status=201,
                )
    return render(
        request, "accountability/interference_public_form.html", {"form": form}, status=status
    )


def _public_view(r: svc.InterferenceRecord) -> dict[str, object]:
    """What the public reporter reads: the record as given, its additions and
    whether it was handled; never who handled it or the reporter."""
    return {
        "number": r.number,
        "state": r.get_state_display(),
        "intervener": r.intervener_text,
        "kind": r.kind_text,
        "stage": r.get_stage_display(),
        "request_text": r.request_text,
        "additions": [
            {"seq": a.seq, "by": a.get_by_display(), "text": a.text}
            for a in r.additions.order_by("seq")
        ],
    }


@never_cache
def public_track(request: HttpRequest) -> HttpResponse:
    """Follow up with the number and the query code (POST only: never in a URL),
    and add to the record."""
    form = TrackForm(request.POST or None)
    found, add_form, status = None, None, 200
    if request.method == "POST" and "text" in request.POST:
        add_form = PublicAdditionForm(request.POST, request.FILES)
        form = TrackForm({"number": request.POST.get("number"), "code": request.POST.get("code")})
        status = 422
        if add_form.is_valid():
            d = add_form.cleaned_data
            try:
                svc.add_public(
                    actor=request.actor,  # type: ignore[attr-defined]
                    number=d["number"],
                    code=d["code"],
                    text=d["text"],
                    evidence=d.get("evidence"),
                    source=_source(request),
                )
            except DomainError as exc:
                form_error(add_form, exc)
                status = exc.status
            else:
                status = 200
                add_form = None
    if request.method == "POST" and form.is_valid():
        try:
            r = svc.track(
                number=form.cleaned_data["number"],
                code=form.cleaned_data["code"],
                source=_source(request),
            )
        except DomainError as exc:
            form_error(form, exc)
            status = exc.status
        else:
            found = _public_view(r)
            add_form = add_form or PublicAdditionForm(initial=form.cleaned_data)
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "accountability/interference_public_track.html",
        {
            "form": form,
            "found": found,
            "add_form": add_form,
            "added": status == 200 and found and "text" in request.POST,
        },
        status=status,
    )
