"""One archive per project (一项目一档案, R-PRJ-04): overview, management
organisation, management rules, daily records, changes, inspections, evaluation
and the timeline from tender to the return of the quality deposit; as a page
and as a PDF (``core.documents``: WeasyPrint with a CJK font from Debian). Files are served only
through core.files.download, which checks the scope."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

from postaward.core import audit, clock, documents
from postaward.core.actor import Actor

from . import selectors, workflows
from .choices import STATUS_COLOURS, DocumentCategory, SuspensionState
from .models import Project


def context(project: Project, actor: Actor) -> dict[str, Any]:
    """Everything the archive shows, read through the project (already in scope)."""
    p = project
    participants = list(
        p.participants.select_related("organisation", "contract_document").order_by("role", "id")
    )
    assignments = list(
        p.assignments.select_related("person", "participant__organisation", "certificate").order_by(
            "ended_on", "position", "id"
        )
    )
    suspensions = list(p.suspensions.all())
    for s in suspensions:
        s.days = (  # type: ignore[attr-defined]
            len(selectors.suspension_days(s))
            if s.state in (SuspensionState.CONFIRMED, SuspensionState.ENDED) and s.confirmed_at
            else 0
        )
    docs = list(p.documents.all())
    extra = selectors.extra_sections(p, actor)
    numerals = "五六七八九十"
    for i, sec in enumerate(extra):
        sec["number"] = numerals[i] if i < len(numerals) else str(i + 5)
    timeline_number = numerals[len(extra)] if len(extra) < len(numerals) else str(len(extra) + 5)
    return {
        "project": p,
        "colours": STATUS_COLOURS,
        "participants": participants,
        "assignments": assignments,
        "active_assignments": [a for a in assignments if a.ended_on is None],
        "stages": list(p.checkin_stages.all()),
        "subcontracts": list(p.subcontracts.select_related("document")),
        "agreements": list(p.agreements.select_related("document", "participant__organisation")),
        "rules": [d for d in docs if d.category == DocumentCategory.MANAGEMENT_RULES],
        "documents": docs,
        "suspensions": suspensions,
        "interviews": list(p.interviews.select_related("record_document")),
        "abnormal_events": list(p.abnormal_events.select_related("filing_document")),
        "data_completions": list(p.data_completions.select_related("application_document")),
        "extra_sections": extra,
        "timeline_number": timeline_number,
        "timeline": list(selectors.timeline(p)),
        "transitions": workflows.table(),
        "generated_at": clock.now(),
        "generated_by": actor.display_name,
        "generated_org": actor.org_name,
        "district_name": settings.POSTAWARD.get("DISTRICT_NAME", ""),
        "pdf_fonts": documents.PDF_FONTS,
    }


def render_pdf(project: Project, actor: Actor) -> bytes:
    html = render_to_string("projects/archive_pdf.html", context(project, actor))
    return documents.html_to_pdf(html)


def pdf_response(project: Project, actor: Actor) -> HttpResponse:
    pdf = render_pdf(project, actor)
    audit.record(
        actor=actor,
        action="projects.export_archive",
        obj=project,
        after={"format": "pdf", "bytes": len(pdf)},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{project.code}-项目档案.pdf"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "private, no-store"
    return response
