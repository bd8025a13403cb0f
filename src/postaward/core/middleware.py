"""Request id, client address and the simulator's clock offset for each request."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from . import clock, context

DEFAULT_TRUSTED_PROXIES = ("127.0.0.1", "::1")


def client_ip(request: HttpRequest) -> str:
    """The address the audit trail records for a request.

    ``X-Forwarded-For`` is believed only when the request comes from a trusted
    proxy (``POSTAWARD["TRUSTED_PROXIES"]``, by default a proxy on the same
    host): anyone else could write any address into the audit trail with it.
    Each proxy appends the address it saw, so the client is the right-most hop
    that is not itself a trusted proxy.
    """
    return client_ip_of(request.META)


def client_ip_of(meta: Mapping[str, str]) -> str:
    """``client_ip`` from a WSGI environ (the check-in ingest path has no request)."""
    remote = meta.get("REMOTE_ADDR", "")
    configured = settings.POSTAWARD.get("TRUSTED_PROXIES") or DEFAULT_TRUSTED_PROXIES
    trusted = {str(p) for p in cast("Iterable[str]", configured)}
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if not forwarded or remote not in trusted:
        return remote
    for hop in reversed([h.strip() for h in forwarded.split(",")]):
        if hop and hop not in trusted:
            return hop
    return remote


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        rid = incoming[:64] if incoming and incoming.isprintable() else context.new_request_id()
        t1 = context.request_id.set(rid)
        t2 = context.client_ip.set(client_ip(request))
        request.request_id = rid  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
        finally:
            context.request_id.reset(t1)
            context.client_ip.reset(t2)
        response["X-Request-ID"] = rid
        return response


class ApiEdgeMiddleware:
    """The edge of ``/api/``: refuse what cannot be stored, answer every error as JSON.

    Before the view: a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is refused with
    413; a NUL character anywhere in the path, the query or a text body (no
    database text column can hold one, and PostgreSQL refuses it), a JSON body
    nested deeper than ``MAX_JSON_DEPTH``, an integer beyond 64 bits or a
    non-finite number in a JSON body are refused with 422 — nothing reaches a
    view, a service or the database.

    After it: whatever answered with an HTML (or empty) error page — Django's
    404 for an address no router serves, a bare 405, the 500 of an exception
    raised outside the API's own handlers — is re-written in the common format
    ``{"code", "message", "errors"}``; a server error carries the request id so
    that the log line can be found.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        from .api_base import error_response, refuse_bad_input

        refused = refuse_bad_input(request)
        if refused is not None:
            return refused
        response = self.get_response(request)
        if response.status_code < 400 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        return error_response(
            request, response.status_code, allow=response.get("Allow", "") or None
        )


class ClockMiddleware:
    """Load the simulator's clock offset (one primary-key read) per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        clock.refresh_offset(max_age=0.0 if settings.TESTING else 1.0)
        return self.get_response(request)


def _tile_hosts() -> list[str]:
    """Where map tiles may come from: POSTAWARD_CSP_TILE_HOSTS (space separated)
    and the origin of POSTAWARD_MAP_TILE_URL ({s} subdomains as a wildcard)."""
    import os
    from urllib.parse import urlsplit

    hosts = [str(h) for h in cast("Iterable[str]", settings.POSTAWARD.get("CSP_TILE_HOSTS") or [])]
    url = os.environ.get("POSTAWARD_MAP_TILE_URL", "")
    if url.startswith(("http://", "https://")):
        parts = urlsplit(url.replace("{s}", "*"))
        hosts.append(f"{parts.scheme}://{parts.netloc}")
    return hosts


def page_policy(nonce: str) -> str:
    """The site-wide Content-Security-Policy of pages (ADR 0012): everything from
    the platform itself (htmx, ECharts, Leaflet and Bootstrap are vendored),
    scripts only from files or with this response's nonce, no plugins, no
    framing, forms only to the platform. Inline style attributes stay allowed
    (layout only; they cannot run code)."""
    img = " ".join(["'self'", "data:", "blob:", *_tile_hosts()])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            f"img-src {img}",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class ContentSecurityPolicyMiddleware:
    """Sets ``request.csp_nonce`` for inline scripts and the page policy on every
    response that has none yet (downloads set their own sandbox policy)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        import secrets

        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = page_policy(nonce)
        return response
