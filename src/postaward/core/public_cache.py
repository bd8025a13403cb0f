"""Caching of the public pages (R-REP-04, ADR 0930, ADR 0921).

One copy for every app with public pages (``portal``, ``inspections``,
``credit``; ADR 0921): it sits in ``core`` so an app below ``portal`` can use
it.

A public page is the same for everyone (no login, no personal data, no form
token), so its rendered bytes are kept in the configured cache
(``settings.CACHES["default"]``) for ``TTL`` seconds, keyed by the path and
the query and by a *stamp* of the data it shows: the number and the latest
change of the published rows. The stamp is one indexed aggregate query, so a
project published or changed shows on the next request; the TTL bounds what a
change the stamp does not see (a participant renamed) can lag behind."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from . import clock

TTL = 60  # seconds
PREFIX = "public-page:"

View = Callable[..., HttpResponse]


def audit_seq() -> int:
    """The audit chain's last sequence number: it moves on every audited
    write (every state change of the platform is audited), so a stamp that
    includes it sees a change a table aggregate cannot (a summary edited, a
    sanction revoked). One row, one query (ADR 0921)."""
    from .models import AuditChainHead

    return AuditChainHead.objects.values_list("last_seq", flat=True).first() or 0


def stamp(*parts: Any) -> tuple[Any, ...]:
    """A page's stamp: the given table aggregates, the audit chain's sequence
    and today (what is 'in force' or 'this month' turns at midnight)."""
    return (*parts, audit_seq(), clock.today())


def cached(stamp: Callable[[], Any]) -> Callable[[View], View]:
    """Cache a public GET page's 200 answer under (path, query, stamp())."""

    def wrap(view: View) -> View:
        @functools.wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            raw = f"{request.path}?{request.GET.urlencode()}|{stamp()!r}"
            key = PREFIX + hashlib.sha256(raw.encode()).hexdigest()
            hit = cache.get(key)
            if hit is not None:
                content, content_type = hit
                response = HttpResponse(content, content_type=content_type)
                response["X-Public-Cache"] = "hit"
            else:
                response = view(request, *args, **kwargs)
                if response.status_code == 200 and not response.streaming:
                    cache.set(key, (response.content, response["Content-Type"]), TTL)
                response["X-Public-Cache"] = "miss"
            response["Cache-Control"] = f"public, max-age={TTL}"
            return response

        return inner

    return wrap
