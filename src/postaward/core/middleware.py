"""Request id, client address and the simulator's clock offset for each request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import clock, context


def client_ip(request: HttpRequest) -> str:
    # Behind the load balancer the real address is the first X-Forwarded-For hop;
    # the deployment guide says to trust it only from the balancer.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


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


class ClockMiddleware:
    """Load the simulator's clock offset (one primary-key read) per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        clock.refresh_offset()
        return self.get_response(request)
