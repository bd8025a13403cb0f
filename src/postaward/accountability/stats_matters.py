"""问责统计 (the whole app): clues by source and act, matters by outcome and
severity, and the average days from a clue's receipt to the decision."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count

from .choices import ClueSource, ClueState
from .choices_matters import Measure, Severity
from .models import Clue, Matter, MatterPerson


def statistics(actor: Any) -> dict[str, Any]:
    clues = Clue.objects.visible_to(actor)
    sources = dict(ClueSource.choices)
    states = dict(ClueState.choices)
    by_source = [
        {"label": sources.get(r["source"], r["source"]), "n": r["n"]}
        for r in clues.values("source").annotate(n=Count("pk")).order_by("-n", "source")
    ]
    by_act = [
        {"label": r["act__title"] or "未指明情形", "article": r["act__article"] or "", "n": r["n"]}
        for r in clues.values("act__title", "act__article").annotate(n=Count("pk")).order_by("-n")
    ]
    by_state = [
        {"label": states.get(r["state"], r["state"]), "n": r["n"]}
        for r in clues.values("state").annotate(n=Count("pk")).order_by("state")
    ]
    decisions = MatterPerson.objects.visible_to(actor).filter(state="decided")
    measures: Counter[str] = Counter()
    for codes in decisions.values_list("measures", flat=True):
        measures.update(codes)
    labels = dict(Measure.choices)
    by_measure = [{"label": labels[c], "n": measures[c]} for c in Measure.values if measures[c]]
    sev = dict(Severity.choices)
    by_severity = [
        {"label": sev.get(r["severity"], r["severity"]), "n": r["n"]}
        for r in decisions.values("severity").annotate(n=Count("pk")).order_by("severity")
    ]
    decided = Matter.objects.visible_to(actor).filter(decided_on__isnull=False)
    spans = [(d - r).days for d, r in decided.values_list("decided_on", "clue__received_on")]
    return {
        "clue_total": clues.count(),
        "by_source": by_source,
        "by_act": by_act,
        "by_state": by_state,
        "matter_total": Matter.objects.visible_to(actor).count(),
        "decided_total": len(spans),
        "decision_total": decisions.count(),
        "by_measure": by_measure,
        "by_severity": by_severity,
        "avg_days": round(sum(spans) / len(spans), 1) if spans else None,
    }
