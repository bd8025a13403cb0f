"""Attach the actor to each request; send accounts with an initial password to
the password change page before anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .actors import actor_for

_ALWAYS_ALLOWED = ("/static/", "/media/", "/accounts/logout/", "/accounts/password/", "/api/")


class ActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        request.actor = actor_for(user)  # type: ignore[attr-defined]
        if (
            user is not None
            and user.is_authenticated
            and user.must_change_password
            and not request.path.startswith(_ALWAYS_ALLOWED)
        ):
            return HttpResponseRedirect(reverse("password_change"))
        return self.get_response(request)
