"""Coverage of the draws against the minimums (R-INS-03): per industry, this
year's drawn projects against the pools they were drawn from."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from . import draw as algo
from .models import Draw


def _counts(d: Draw) -> dict[str, int]:
    out: dict[str, int] = {}
    for p in d.project_pool.get("projects", []):
        out[p["industry"]] = out.get(p["industry"], 0) + 1
    return out


def draw_row(d: Draw) -> dict[str, str]:
    pool = len(d.project_pool.get("projects", []))
    selected = len((d.result or {}).get("selections", []))
    try:
        minimum = algo.minimum_samples(_counts(d), d.params.get("sampling", "random")).total
    except algo.DrawRefused:
        minimum = 0
    return {
        "pool": str(pool),
        "selected": str(selected),
        "minimum": str(minimum),
        "rate": f"{selected * 100 / pool:.1f}%" if pool else "—",
    }


def coverage(draws: QuerySet) -> list[dict[str, Any]]:
    """Per industry: the projects in this year's pools (largest pool of each
    round), the projects drawn, the minimum rate and whether it is met."""
    pools: dict[str, int] = {}
    drawn: dict[str, set[int]] = {}
    by_round: dict[int, dict[str, int]] = {}
    for d in draws.order_by("id")[:500]:
        counts = _counts(d)
        mine = by_round.setdefault(d.round_id, {})
        for k, n in counts.items():
            mine[k] = max(mine.get(k, 0), n)
        for s in (d.result or {}).get("selections", []):
            drawn.setdefault(s["industry"], set()).add(s["project_id"])
    for counts in by_round.values():
        for k, n in counts.items():
            pools[k] = max(pools.get(k, 0), n)
    rows = []
    for k in sorted(set(pools) | set(drawn)):
        pool = pools.get(k, 0)
        rate = algo.RATES.get(k, algo.DEFAULT_RATE)
        got = len(drawn.get(k, set()))
        pct = got * 100 / pool if pool else 0.0
        rows.append(
            {
                "industry": algo.INDUSTRY_NAMES.get(k, k),
                "pool": pool,
                "drawn": got,
                "rate": f"{pct:.1f}%",
                "minimum": f"{(rate * 100).normalize():f}%",
                "met": pct >= float(rate * 100),
            }
        )
    return rows
