"""Pages of the matters part (built by the matters part)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def matter_new(request: HttpRequest) -> HttpResponse:
    """移送有权机关 from a confirmed clue (``?clue=<id>``): built by the matters part."""
    raise Http404("问责事项尚未建设")
