"""Statistics of cases (案件统计): by source, stage and outcome, and the
average days a case spends in each stage (from the audited steps)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count

from postaward.core.actor import Actor
from postaward.core.models import AuditRecord

from . import selectors
from .choices import Outcome, Source, State


def _rows(counts: dict[str, int], choices: Any) -> list[dict[str, Any]]:
    return [{"key": k, "label": str(label), "count": counts.get(k, 0)} for k, label in choices]


def case_stats(actor: Actor) -> dict[str, Any]:
    qs = selectors.cases(actor)
    by = {
        field: dict(qs.order_by().values_list(field).annotate(n=Count("pk")))
        for field in ("source", "state", "outcome")
    }
    ids = [str(pk) for pk in qs.values_list("pk", flat=True)[:5000]]
    spent: dict[str, list[float]] = defaultdict(list)
    last: dict[str, Any] = {}
    for r in (
        AuditRecord.objects.filter(object_type="cases.case", object_id__in=ids)
        .order_by("object_id", "at", "seq")
        .only("object_id", "at", "before", "after")
    ):
        prev = last.get(r.object_id)
        left = (r.before or {}).get("state")
        now = (r.after or {}).get("state")
        if prev is not None and left and now and left != now:
            spent[left].append((r.at - prev).total_seconds() / 86400)
        if now and (left != now or prev is None):
            last[r.object_id] = r.at
    stages = [
        {
            "key": s,
            "label": str(label),
            "cases": len(spent.get(s, [])),
            "average_days": round(sum(spent[s]) / len(spent[s]), 1) if spent.get(s) else None,
        }
        for s, label in State.choices
        if s != State.CLOSED
    ]
    return {
        "total": qs.count(),
        "by_source": _rows(by["source"], Source.choices),
        "by_state": _rows(by["state"], State.choices),
        "by_outcome": _rows(by["outcome"], Outcome.choices),
        "stages": stages,
    }
