"""Benchmark of the double-random draw (R-INS-02, ADR 0702): how long the
draw and a citizen's re-computation take on a large district, against the
cost of hashing the same published inputs.

One command: ``.venv/bin/python bench/draw/run.py``. ``BENCH_PROJECTS``
(default 10,000) and ``BENCH_ROUNDS`` (default 5) make a smaller run. The
algorithm is pure (no database), so nothing else is needed.

Inputs, built once: a project pool of ``BENCH_PROJECTS`` projects (40 %
housing, 20 % municipal-as-housing, 25 % transport, 15 % water) with risk
weights 1–5, and an inspector pool of 300 certificates over the four
departments, 5 % of the projects with excluded inspectors.

Measured in the same run, round by round (the figures are the medians):
- baseline: canonical JSON + SHA-256 of both pools (what publishing the
  commitment costs anyway);
- draw: ``draw.run`` (minimum samples, the weighted and uniform keys from
  HMAC-SM3 for every project, the inspectors of every selection);
- verify: ``draw.verify`` (the hashes, the seed against its hash, the draw
  again, the comparison) — what the public verification page does.
The last lines are the ratios draw / baseline and verify / baseline.
"""

from __future__ import annotations

import os
import random
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from postaward.inspections import draw  # noqa: E402  (pure: no Django needed)

PROJECTS = int(os.environ.get("BENCH_PROJECTS", "10000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
DEPARTMENTS = {"housing": 11, "transport": 12, "water": 13}


def pools() -> tuple[dict, dict]:  # type: ignore[type-arg]
    rng = random.Random(2026)
    shares = [("housing", 0.6), ("transport", 0.25), ("water", 0.15)]
    projects = []
    n = 0
    for industry, share in shares:
        for _ in range(int(PROJECTS * share)):
            n += 1
            projects.append(
                {
                    "id": n,
                    "code": f"P-{n:06d}",
                    "name": f"工程{n}",
                    "industry": industry,
                    "department_id": DEPARTMENTS[industry],
                    "department": industry,
                    "weight": float(rng.choice([1, 1, 1, 1.5, 2, 3, 5])),
                    "why": [],
                }
            )
    inspectors = [
        {
            "id": i,
            "person_id": i,
            "name": f"执法人员{i}",
            "number": f"33-{i:06d}",
            "department_id": list(DEPARTMENTS.values())[i % 3],
            "department": "",
            "valid_until": "2030-12-31",
        }
        for i in range(1, 301)
    ]
    exclusions = {
        str(p["id"]): {str(rng.randint(1, 300)): ["本单位参与的项目（回避）"]}
        for p in projects
        if rng.random() < 0.05
    }
    project_pool = {"on": "2026-12-06", "weights": {}, "projects": projects}
    inspector_pool = {"on": "2026-12-06", "inspectors": inspectors, "exclusions": exclusions}
    return project_pool, inspector_pool


def median_ms(fn, rounds: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    project_pool, inspector_pool = pools()
    params = {
        "algorithm": draw.ALGORITHM,
        "sampling": "random",
        "sample_size": None,
        "uniform_share": "0.30",
        "team_size": 2,
        "lead_org_id": 1,
    }
    seed = secrets.token_hex(32)
    result = draw.run(project_pool, inspector_pool, params, seed)
    hashes = (draw.pool_hash(project_pool), draw.pool_hash(inspector_pool))

    def baseline() -> None:
        draw.pool_hash(project_pool)
        draw.pool_hash(inspector_pool)

    def verify() -> None:
        v = draw.verify(
            project_pool=project_pool,
            project_pool_hash=hashes[0],
            inspector_pool=inspector_pool,
            inspector_pool_hash=hashes[1],
            params=params,
            seed=seed,
            committed_seed_hash=draw.seed_hash(seed),
            published=result,
        )
        assert v.ok, v.checks

    b = median_ms(baseline, ROUNDS)
    d = median_ms(lambda: draw.run(project_pool, inspector_pool, params, seed), ROUNDS)
    v = median_ms(verify, ROUNDS)
    n = len(project_pool["projects"])
    print(f"pool: {n} projects, 300 inspectors; drawn {len(result['selections'])} projects")
    print(f"baseline (hash both pools): {b:.1f} ms")
    print(f"draw:                       {d:.1f} ms")
    print(f"verify (public page):       {v:.1f} ms")
    print(f"ratio draw / baseline:      {d / b:.2f}")
    print(f"ratio verify / baseline:    {v / b:.2f}")


if __name__ == "__main__":
    main()
