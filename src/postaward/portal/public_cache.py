"""Caching of the public pages (R-REP-04, ADR 0930).

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

TTL = 60  # seconds
PREFIX = "public-page:"

View = Callable[..., HttpResponse]


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
