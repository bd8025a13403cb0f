"""Where a typical case comes from (ADR 0931): an alert, an inspection's
finding or a complaint, found again through the owning app's own scope.

The source's page offers 列入典型案例 through the kernel's record-action
registry (``core/record_actions.py``; the source apps never import reports):
the button opens ``/reports/typical-cases/new/?source=<kind>&id=<pk>``, which
prefills the project, the source's number and the problem. The case keeps the
source's kind and pk, and its page links back to the source when the reader
may see it.

A complaint's facts are never copied: the complainant may be identifiable
from them and a typical case is read by the project's owner (R-CMP-04).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from postaward.core import record_actions
from postaward.core.actor import Actor

from .choices import CaseSource

# the record kind of the kernel's registry -> the case's source
KIND_SOURCE = {
    record_actions.ALERT: CaseSource.ALERT,
    record_actions.FINDING: CaseSource.INSPECTION,
    record_actions.COMPLAINT: CaseSource.COMPLAINT,
}


@dataclass(frozen=True)
class Source:
    source: str  # CaseSource
    pk: int
    project_id: int | None
    ref: str  # the source's number, as offices cite it
    problem: str  # a first wording of the problem (edited on the form)
    url: str  # the source's page

    @property
    def label(self) -> str:
        return str(CaseSource(self.source).label)


def _alert(actor: Actor, pk: int) -> Source | None:
    from postaward.alerts import selectors

    a = selectors.alerts_for(actor).filter(pk=pk).first()
    if a is None:
        return None
    return Source(
        CaseSource.ALERT,
        a.pk,
        a.project_id,
        a.number,
        f"{a.title}。{a.explanation}"[:2000],
        reverse("alerts_detail", args=[a.pk]),
    )


def _finding(actor: Actor, pk: int) -> Source | None:
    from postaward.inspections.models import Finding

    f = Finding.objects.visible_to(actor).select_related("inspection", "item").filter(pk=pk).first()
    if f is None:
        return None
    i = f.inspection
    return Source(
        CaseSource.INSPECTION,
        f.pk,
        i.project_id,
        i.number,
        f"{f.item.name}：{f.description}（责任主体：{f.subject_text}）"[:2000],
        reverse("inspections_visit", args=[i.pk]) + f"#finding-{f.pk}",
    )


def _complaint(actor: Actor, pk: int) -> Source | None:
    from postaward.complaints import selectors

    c = selectors.complaints(actor).filter(pk=pk).first()
    if c is None:
        return None
    return Source(
        CaseSource.COMPLAINT,
        c.pk,
        c.project_id,
        c.receipt_number,
        f"{c.get_kind_display()}反映{c.subject_text}的问题（收件编号 {c.receipt_number}）",
        reverse("complaints_detail", args=[c.pk]),
    )


_FIND = {
    CaseSource.ALERT: _alert,
    CaseSource.INSPECTION: _finding,
    CaseSource.COMPLAINT: _complaint,
}


def find(actor: Actor, source: str, pk: Any) -> Source | None:
    """The source record ``pk`` of kind ``source`` if the actor sees it."""
    fn = _FIND.get(source)  # type: ignore[call-overload]
    try:
        key = int(pk)
    except (TypeError, ValueError):
        return None
    if fn is None or key <= 0:
        return None
    return fn(actor, key)  # type: ignore[no-any-return]


def provider(kind: str, obj: Any, actor: Actor) -> record_actions.RecordAction | None:
    """列入典型案例 on an alert, a finding or a complaint with a project, for the
    office's staff and leaders (no query: the form checks everything again)."""
    from . import services_cases as sc

    source = KIND_SOURCE.get(kind)
    if source is None or not sc.is_office(actor):
        return None
    if kind == record_actions.FINDING:
        has_project = True  # an inspection always has its project
    else:
        has_project = getattr(obj, "project_id", None) is not None
    if not has_project:
        return None
    url = reverse("reports_case_new") + f"?source={source}&id={obj.pk}"
    return record_actions.RecordAction(
        label="列入典型案例", url=url, icon="bi-flag", testid=f"mark-typical-{kind}"
    )
