"""检查统计 (R-INS-05, R-INS-08, R-REP-01): findings by item, the
rectification on-time rate (each order's deadlines: met on time / met, missed
or running late), and the visits saved by joint inspections."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.http import HttpResponse

from postaward.core import clock, exports
from postaward.core.actor import Actor
from postaward.core.models import Deadline

from . import deadline_kinds_visits as dk
from .joint_visits import visits_saved
from .models.visits import Finding, Inspection, InspectionState, RectificationOrder


@dataclass
class VisitStats:
    inspections: int = 0
    joint: int = 0
    saved: int = 0
    by_state: list[dict[str, Any]] = field(default_factory=list)
    by_item: list[dict[str, Any]] = field(default_factory=list)
    orders: int = 0
    on_time: int = 0
    late: int = 0
    open_orders: int = 0

    @property
    def on_time_rate(self) -> str:
        judged = self.on_time + self.late
        return f"{self.on_time * 100 / judged:.1f}%" if judged else "—"


def visit_stats(actor: Actor) -> VisitStats:
    qs = Inspection.objects.visible_to(actor)
    s = VisitStats()
    s.inspections = qs.exclude(state=InspectionState.MERGED).count()
    s.joint = qs.filter(is_joint=True).count()
    s.saved = visits_saved(qs)
    labels = dict(InspectionState.choices)
    s.by_state = [
        {"label": labels.get(r["state"], r["state"]), "count": r["n"]}
        for r in qs.values("state").annotate(n=Count("pk")).order_by("state")
    ]
    findings = Finding.objects.visible_to(actor)
    s.by_item = [
        {"label": r["item__name"], "count": r["n"]}
        for r in findings.values("item__name").annotate(n=Count("pk")).order_by("-n", "item__name")
    ]
    orders = RectificationOrder.objects.visible_to(actor)
    ids = [str(pk) for pk in orders.values_list("pk", flat=True)[:20000]]
    s.orders = len(ids)
    s.open_orders = orders.exclude(state="closed").count()
    clocks = Deadline.objects.filter(
        kind=dk.RECTIFICATION.kind,
        subject_type="inspections.rectificationorder",
        subject_id__in=ids,
    )
    now = clock.now()
    s.on_time = clocks.filter(state=Deadline.State.MET).count()
    s.late = (
        clocks.filter(state=Deadline.State.MISSED).count()
        + clocks.filter(state=Deadline.State.OPEN, due_at__lt=now).count()
    )
    return s


def export(s: VisitStats) -> HttpResponse:
    rows: list[list[Any]] = [
        ["检查（不含并入的）", s.inspections],
        ["联合检查", s.joint],
        ["联合检查节省的检查次数", s.saved],
        ["整改通知", s.orders],
        ["整改中", s.open_orders],
        ["按期整改", s.on_time],
        ["超期整改", s.late],
        ["按期整改率", s.on_time_rate],
    ]
    rows += [[f"发现问题：{r['label']}", r["count"]] for r in s.by_item]
    return exports.export_xlsx(
        filename="检查统计", title="检查统计", columns=["指标", "数值"], rows=rows
    )
