"""Helpers for the thin page views: actor, pagination, errors (exports: ``core.exports``)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .actor import Actor
from .errors import DomainError, Forbidden, NotFound


def actor_of(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def page_view(fn: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required; NotFound / Forbidden raised by a service become 404 / 403 pages."""

    @functools.wraps(fn)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        url_name = getattr(request.resolver_match, "url_name", None)
        if not actor_of(request).roles and url_name != "password_change":
            # Fail closed: without a resolved page name the inert account is refused.
            return render(
                request,
                "shell/error.html",
                {"error": Forbidden("账号未分配角色，请联系本单位总管"), "status": 403},
                status=403,
            )
        try:
            return fn(request, *args, **kwargs)
        except NotFound as exc:
            return render(request, "shell/error.html", {"error": exc, "status": 404}, status=404)
        except Forbidden as exc:
            return render(request, "shell/error.html", {"error": exc, "status": 403}, status=403)
        except DomainError as exc:
            # A refusal the view did not place beside a form field (a wrong state,
            # a rule): never a server error. After a POST, back to the page with
            # the reason; on a GET, the reason with its status.
            if request.method == "POST":
                messages.error(request, exc.message)
                return redirect(request.get_full_path())
            return render(
                request, "shell/error.html", {"error": exc, "status": exc.status}, status=exc.status
            )

    return wrapper


def require(actor: Actor, allowed: bool, message: str = "当前角色无权访问此页面") -> None:
    if not allowed:
        raise Forbidden(message)


def paginate(request: HttpRequest, queryset: Any, per_page: int = 20) -> dict[str, Any]:
    paginator = Paginator(queryset, per_page)
    page_obj = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    qs = params.urlencode()
    return {
        "page_obj": page_obj,
        "object_list": page_obj.object_list,
        "querystring_without_page": f"{qs}&" if qs else "",
    }


def form_error(form: Form, exc: DomainError) -> None:
    """Put a service's refusal beside the field it concerns, or on top."""
    placed = False
    for err in exc.errors or []:
        field = err.get("field")
        if field and field in form.fields:
            form.add_error(field, err.get("message") or exc.message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def refused(form: Form, exc: DomainError) -> int:
    """A service refused what a form sent: a refusal of the actor (403) is
    raised again (the page answers it as a refusal), any other is put beside
    its field (``form_error``). Returns the status to answer the form with."""
    if exc.status == 403:
        raise exc
    form_error(form, exc)
    return exc.status


def flash_error(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.message)
