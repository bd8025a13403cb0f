"""Attendance pages (filled in below)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from postaward.core.web import page_view


@page_view
def _placeholder(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return render(
        request,
        "shell/error.html",
        {"error": type("E", (), {"message": "建设中"})(), "status": 404},
        status=404,
    )


checkin_page = my_attendance = leave_detail = patrol_page = owner_home = project_board = (
    _placeholder
)
interview_detail = stats = _placeholder
