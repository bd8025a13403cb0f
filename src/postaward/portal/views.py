"""The public site (公众门户): no account, plain and fast, readable on a phone.

Home with the complaint and report channels and the contact channels the
office publishes (R-CMP-05, ``PublicContact``), the filing form (R-CMP-01,
with the mobile verification code, ADR 0521), the tracking page and a
logged-in member of the public's own filings. The filing's receipt number and
query code are shown once, in the answer to the filing (never in a URL, never
again)."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from postaward.complaints import limits, selectors
from postaward.complaints import services as complaint_services
from postaward.complaints.forms import TrackForm
from postaward.core import files, idcheck, public_cache, sms
from postaward.core.errors import DomainError
from postaward.core.middleware import client_ip
from postaward.core.web import form_error

from . import services as portal_services
from .forms import DocumentForm, PublicFilingForm, RetaliationForm
from .models import PublicContact


def _contact() -> list[PublicContact]:
    """The contacts the offices published (R-CMP-05), in their order."""
    return list(portal_services.published()[:20])


def _contacts_stamp() -> tuple[tuple, ...]:
    """The contacts are a handful of rows edited in place: their values are the stamp."""
    return tuple(PublicContact.objects.order_by("pk").values_list())


@public_cache.cached(_contacts_stamp)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"contact": _contact()})


@never_cache
def file_complaint(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if request.method == "POST" and "send_code" in request.POST:
        return _send_code(request)
    form = PublicFilingForm(request.POST or None, request.FILES or None, initial={"kind": kind})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = dict(form.cleaned_data)
            upload = data.pop("evidence")
            data.pop("captcha")
            code = data.pop("sms_code")
            try:
                filed = complaint_services.file_complaint(
                    actor=request.actor,  # type: ignore[attr-defined]
                    filing=complaint_services.Filing(**data, evidence=[upload] if upload else []),
                    source=limits.address_digest(client_ip(request)),
                    idempotency_key=request.POST.get("idempotency_key", ""),
                    public=True,
                    sms_code=code,
                )
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                return render(
                    request,
                    "portal/filed.html",
                    {"c": filed.complaint, "code": filed.query_code, "contact": _contact()},
                    status=201,
                )
    return render(request, "portal/file.html", {"form": form, "contact": _contact()}, status=status)


def _send_code(request: HttpRequest) -> HttpResponse:
    """The "获取验证码" button (a plain submit: works without JavaScript): the
    code is sent to the mobile given and the form comes back with what was
    typed (the evidence file must be chosen again)."""
    typed = {
        k: v
        for k, v in request.POST.items()
        if k not in ("csrfmiddlewaretoken", "send_code", "sms_code") and not k.startswith("captcha")
    }
    form = PublicFilingForm(initial=typed)
    notice, error, status = "", "", 200
    try:
        code = complaint_services.send_code(
            mobile=request.POST.get("mobile", ""),
            source=limits.address_digest(client_ip(request)),
        )
    except DomainError as exc:
        error, status = exc.message, exc.status
    else:
        mobile = idcheck.check_mobile(request.POST.get("mobile", "")).value
        notice = f"验证码已发送至 {idcheck.mask_mobile(mobile)}，10分钟内有效"
        if settings.POSTAWARD_SMS.get("DEMO_ECHO") and sms.is_console():
            notice += f"（演示环境未接短信网关，验证码：{code}）"
    return render(
        request,
        "portal/file.html",
        {
            "form": form,
            "contact": _contact(),
            "code_notice": notice,
            "code_error": error,
            "evidence_again": bool(request.FILES),
        },
        status=status,
    )


@never_cache
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    found = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                c = selectors.track(
                    number=form.cleaned_data["number"],
                    code=form.cleaned_data["code"],
                    source=limits.address_digest(client_ip(request)),
                )
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                found = selectors.public_view(c)
                status = 200
    retaliation = (
        RetaliationForm(initial={"number": found["receipt_number"], **form.cleaned_data})
        if found
        else None
    )
    again = (
        DocumentForm(initial={"number": found["receipt_number"], **form.cleaned_data})
        if found
        else None
    )
    return render(
        request,
        "portal/track.html",
        {"form": form, "found": found, "retaliation": retaliation, "again": again},
        status=status,
    )


@never_cache
def track_document(request: HttpRequest) -> HttpResponse:
    """The complainant downloads their own notice: the number and the query
    code again (the same limits as the tracking page), then the stored PDF
    through the one file response; a notice to a unit is never served here."""
    form = DocumentForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "portal/track.html", {"form": TrackForm()}, status=422)
    try:
        c = selectors.track(
            number=form.cleaned_data["number"],
            code=form.cleaned_data["code"],
            source=limits.address_digest(client_ip(request)),
        )
    except DomainError as exc:
        track_form = TrackForm(
            {"number": form.cleaned_data["number"], "code": form.cleaned_data["code"]}
        )
        track_form.is_valid()
        form_error(track_form, exc)
        return render(request, "portal/track.html", {"form": track_form}, status=exc.status)
    doc = selectors.own_documents(c).filter(pk=form.cleaned_data["document"]).first()
    if doc is None:
        raise Http404()
    name = f"{doc.get_kind_display()}（{doc.number}）.pdf"
    return cast(HttpResponse, files.file_response(doc.pdf, name, download=True))


@never_cache
def report_retaliation(request: HttpRequest) -> HttpResponse:
    """The complainant reports retaliation (number + code, R-CMP-04)."""
    if request.method != "POST":
        return render(request, "portal/track.html", {"form": TrackForm()})
    form = RetaliationForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/track.html", {"form": TrackForm()}, status=422)
    try:
        complaint_services.report_retaliation(
            actor=request.actor,  # type: ignore[attr-defined]
            number=form.cleaned_data["number"],
            code=form.cleaned_data["code"],
            note=form.cleaned_data["note"],
            source=limits.address_digest(client_ip(request)),
        )
    except DomainError as exc:
        form_error(form, exc)
        track_form = TrackForm(
            {"number": form.cleaned_data["number"], "code": form.cleaned_data["code"]}
        )
        track_form.is_valid()
        return render(
            request,
            "portal/track.html",
            {"form": track_form, "retaliation": form, "found": None},
            status=exc.status,
        )
    return render(request, "portal/retaliation_done.html", {}, status=200)


def _own(request: HttpRequest) -> HttpResponse | None:
    """My filings are for a logged-in member of the public only: anonymous →
    the login page; another account (staff) → 403 (their own pages hold the
    complaints they may read)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if _is_public(request):
        return None
    return render(
        request,
        "portal/mine.html",
        {"refused": "此页面仅供登录的社会公众查看本人提交的投诉举报"},
        status=403,
    )


def _is_public(request: HttpRequest) -> bool:
    from postaward.orgs.choices import Role

    return Role.PUBLIC_USER in request.actor.roles  # type: ignore[attr-defined]


@never_cache
def mine(request: HttpRequest) -> HttpResponse:
    """我的投诉举报: the filings a logged-in member of the public made, with
    their state and a link to the tracking view (no code needed: the account
    filed them)."""
    if (refused := _own(request)) is not None:
        return refused
    rows = selectors.filed_by_me(request.actor)[:200]  # type: ignore[attr-defined]
    return render(request, "portal/mine.html", {"rows": rows})


@never_cache
def mine_detail(request: HttpRequest, number: str) -> HttpResponse:
    if (refused := _own(request)) is not None:
        return refused
    c = selectors.filed_by_me(request.actor).filter(receipt_number=number).first()  # type: ignore[attr-defined]
    if c is None:
        raise Http404()
    return render(request, "portal/track.html", {"found": selectors.public_view(c), "own": True})
