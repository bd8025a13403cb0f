"""The draw itself (R-INS-02, R-INS-03, R-INS-04): a pure, documented,
deterministic algorithm anyone can re-run from the published pools and seed.
Standard library only (``hashlib``, ``hmac``, ``json``, ``math``), no database.

1. **Minimum samples** (``minimum_samples``): per industry, housing & municipal
   (and every industry without its own rate) at least 5 % of the pool's
   projects, transport and water at least 10 %; a random round at least 30 in
   total: the per-industry samples are raised in proportion (each multiplied
   by 30 / their sum, rounded up, never above the industry's pool) until the
   total reaches 30 or the pool is exhausted. A self-check verification round
   (YJ 二(二)): 20 %; a contract-performance round (LC 五): 5 % (at most 10 %).
   Every figure is rounded up. A requested sample size raises the total the
   same way; a size larger than the pool is refused.
2. **Projects**, per industry stratum with quota ``q``: first
   ``round(q × uniform share)`` projects uniformly (key ``u`` =
   HMAC-SM3(seed, "uniform:project:<id>")), then the rest by weight from the
   remaining projects: Efraimidis–Spirakis keys ``u^(1/w)`` with ``u`` =
   HMAC-SM3(seed, "project:<id>"); the largest keys win.
3. **Inspectors**, per selected project: the pool's inspectors of the project's
   department (or of the plan's own unit), minus the exclusions frozen with the
   pool (conflicts.py), ranked by HMAC-SM3(seed, "inspector:<project>:<cert>");
   the first ``team_size`` (at least 2) are drawn.

``u`` is the first 8 bytes of the HMAC as a big-endian integer ``n``:
``u = ((n >> 11) + 0.5) / 2**53`` (in (0, 1)). Hashes: SHA-256 of the
canonical JSON (keys sorted, no spaces, UTF-8).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

ALGORITHM = "ES-HMAC-SM3-v1"
MIN_TOTAL = 30
RATES = {"housing": Decimal("0.05"), "transport": Decimal("0.10"), "water": Decimal("0.10")}
DEFAULT_RATE = Decimal("0.05")
SELF_CHECK_RATE = Decimal("0.20")
CONTRACT_RATE = (Decimal("0.05"), Decimal("0.10"))
INDUSTRY_NAMES = {
    "housing": "房建市政",
    "transport": "交通",
    "water": "水利",
    "urban": "城市管理（园林绿化）",
    "agriculture": "农业农村",
    "other": "其他",
}


class DrawRefused(Exception):
    """A draw that cannot be made (the message is what users read)."""


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pool_hash(pool: Any) -> str:
    return sha256_hex(canonical(pool))


def seed_hash(seed: str) -> str:
    return sha256_hex(seed)


def unit(seed: str, message: str) -> float:
    """A number in (0, 1) from HMAC-SM3(seed, message)."""
    digest = hmac.new(seed.encode("utf-8"), message.encode("utf-8"), "sm3").digest()
    n = int.from_bytes(digest[:8], "big")
    return ((n >> 11) + 0.5) / 2**53


def _ceil(x: Decimal) -> int:
    return int(x.to_integral_value(rounding="ROUND_CEILING"))


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


@dataclass
class Quota:
    """How many projects each industry gets, and how each number was reached."""

    per_industry: dict[str, int]
    lines: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.per_industry.values())


def _raise(
    counts: dict[str, int], base: dict[str, int], target: int, lines: list[str]
) -> dict[str, int]:
    """Raise ``base`` in proportion until it sums to ``target`` (rounded up,
    never above an industry's pool)."""
    out = dict(base)
    capped: set[str] = set()
    while sum(out.values()) < target:
        free = [k for k in out if k not in capped and counts[k] > out[k]]
        if not free:
            break
        fixed = sum(out[k] for k in out if k not in free)
        share = sum(base[k] for k in free) or len(free)
        factor = Decimal(target - fixed) / Decimal(share)
        for k in free:
            wanted = _ceil(Decimal(base[k] or 1) * factor)
            out[k] = min(counts[k], max(out[k], wanted))
            if out[k] == counts[k]:
                capped.add(k)
        lines.append(
            "合计不足 {t} 个，按比例上调（系数 {f}，向上取整，不超过本行业项目数）：{r}".format(
                t=target,
                f=f"{factor.quantize(Decimal('0.001'))}",
                r="，".join(f"{INDUSTRY_NAMES.get(k, k)} {out[k]} 个" for k in sorted(out)),
            )
        )
    return out


def minimum_samples(
    counts: dict[str, int], sampling: str = "random", sample_size: int | None = None
) -> Quota:
    """The minimum sample per industry for a pool with ``counts`` projects per
    industry (R-INS-03: QZ 5, HC 二(四)2, YJ 二(二), LC 五), with the lines
    users read on the draw page. Refuses a pool of 0 and a requested sample
    larger than the pool."""
    counts = {k: n for k, n in sorted(counts.items()) if n > 0}
    pool = sum(counts.values())
    if pool == 0:
        raise DrawRefused("项目库为空：按本轮抽取规则没有符合条件的项目，不能抽取")
    if sample_size is not None and sample_size > pool:
        raise DrawRefused(f"抽取数量（{sample_size} 个）超过项目库项目数（{pool} 个），不能抽取")
    lines: list[str] = []
    base: dict[str, int] = {}
    for k, n in counts.items():
        if sampling == "self_check":
            rate, why = SELF_CHECK_RATE, "建设单位自查项目，主管部门核查不少于20%"
        elif sampling == "contract":
            rate, why = CONTRACT_RATE[0], "每季度合同履约检查5%～10%，取下限"
        else:
            rate = RATES.get(k, DEFAULT_RATE)
            why = f"{INDUSTRY_NAMES.get(k, k)}不少于{_pct(rate)}"
        base[k] = _ceil(Decimal(n) * rate)
        lines.append(
            f"{INDUSTRY_NAMES.get(k, k)}：项目库 {n} 个 × {_pct(rate)} = "
            f"{(Decimal(n) * rate).normalize():f}，向上取整为 {base[k]} 个（{why}）"
        )
        if sampling == "contract":
            top = int(Decimal(n) * CONTRACT_RATE[1])
            lines.append(
                f"{INDUSTRY_NAMES.get(k, k)}：合同履约检查上限 10% 为 {max(top, base[k])} 个"
            )
    target = sum(base.values())
    if sampling == "random":
        target = max(target, min(MIN_TOTAL, pool))
        if sum(base.values()) >= MIN_TOTAL:
            lines.append(f"各行业合计 {sum(base.values())} 个，已达到不少于 {MIN_TOTAL} 个的要求")
        elif pool <= MIN_TOTAL:
            lines.append(f"项目库仅 {pool} 个（不足 {MIN_TOTAL} 个），全部抽取")
    if sample_size is not None and sample_size > target:
        lines.append(f"计划指定抽取 {sample_size} 个，高于最低数量，按比例上调")
        target = sample_size
    out = _raise(counts, base, target, lines)
    lines.append(f"本轮抽取合计 {sum(out.values())} 个项目（项目库共 {pool} 个）")
    return Quota(out, lines)


def risk_weight(facts: dict[str, int], weights: dict[str, float]) -> tuple[float, list[str]]:
    """A project's weight from its risk facts (R-INS-04), and why."""
    w = 1.0
    why: list[str] = []
    complaints = min(int(facts.get("complaints", 0)), 3)
    if complaints:
        w += weights["complaint"] * complaints
        why.append(f"投诉举报 {facts['complaints']} 件")
    if facts.get("red_alerts"):
        w += weights["red_alert"]
        why.append("有红色预警")
    if int(facts.get("alerts", 0)) >= 3:
        w += weights["repeated_alerts"]
        why.append(f"多次预警（{facts['alerts']} 次）")
    if facts.get("cases"):
        w += weights["violation"]
        why.append(f"违法违规案件 {facts['cases']} 件")
    points = int(facts.get("credit_points", 0))
    if points >= 12:
        w += weights["credit_bad"]
        why.append(f"参建单位信用记分 {points} 分（信用较差）")
    elif points > 0:
        w += weights["credit_points"]
        why.append(f"参建单位信用记分 {points} 分")
    return round(w, 2), why


def _half_up(x: Decimal) -> int:
    return int(x.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def select_projects(
    projects: list[dict[str, Any]], quota: dict[str, int], uniform_share: Decimal, seed: str
) -> list[dict[str, Any]]:
    """Per industry: the uniform part, then the weighted part (module doc)."""
    out: list[dict[str, Any]] = []
    for industry in sorted(quota):
        stratum = sorted((p for p in projects if p["industry"] == industry), key=lambda p: p["id"])
        q = quota[industry]
        n_uniform = min(q, _half_up(Decimal(q) * uniform_share))
        keyed = sorted(
            ((unit(seed, f"uniform:project:{p['id']}"), p["id"], p) for p in stratum),
            key=lambda t: (-t[0], t[1]),
        )
        chosen = {p["id"] for _, _, p in keyed[:n_uniform]}
        for k, _, p in keyed[:n_uniform]:
            out.append({"project": p, "part": "uniform", "key": k})
        rest = [p for p in stratum if p["id"] not in chosen]
        es = sorted(
            (
                (unit(seed, f"project:{p['id']}") ** (1.0 / float(p["weight"])), p["id"], p)
                for p in rest
            ),
            key=lambda t: (-t[0], t[1]),
        )
        for k, _, p in es[: q - n_uniform]:
            out.append({"project": p, "part": "weighted", "key": k})
    return out


def select_inspectors(
    project: dict[str, Any], pool: dict[str, Any], lead_org_id: int, team_size: int, seed: str
) -> list[int]:
    excluded = pool.get("exclusions", {}).get(str(project["id"]), {})
    eligible = [
        i
        for i in pool["inspectors"]
        if i["department_id"] in (project["department_id"], lead_org_id)
        and str(i["id"]) not in excluded
    ]
    people = {i["person_id"] for i in eligible}
    if len(people) < max(team_size, 2):
        raise DrawRefused(
            f"项目“{project['name']}”可抽取的执法人员不足 {max(team_size, 2)} 名"
            f"（符合条件 {len(people)} 名），不能抽取"
        )
    ranked = sorted(
        eligible, key=lambda i: (-unit(seed, f"inspector:{project['id']}:{i['id']}"), i["id"])
    )
    team: list[int] = []
    seen: set[int] = set()
    for i in ranked:
        if i["person_id"] in seen:
            continue
        team.append(i["id"])
        seen.add(i["person_id"])
        if len(team) == max(team_size, 2):
            break
    return team


def run(
    project_pool: dict[str, Any], inspector_pool: dict[str, Any], params: dict[str, Any], seed: str
) -> dict[str, Any]:
    """The whole draw from the published inputs: the same inputs always give
    the same result."""
    projects = project_pool["projects"]
    counts: dict[str, int] = {}
    for p in projects:
        counts[p["industry"]] = counts.get(p["industry"], 0) + 1
    quota = minimum_samples(counts, params["sampling"], params.get("sample_size"))
    picked = select_projects(projects, quota.per_industry, Decimal(params["uniform_share"]), seed)
    selections = []
    for rank, s in enumerate(picked, start=1):
        p = s["project"]
        team = select_inspectors(
            p, inspector_pool, params["lead_org_id"], params["team_size"], seed
        )
        selections.append(
            {
                "rank": rank,
                "project_id": p["id"],
                "code": p["code"],
                "name": p["name"],
                "industry": p["industry"],
                "department_id": p["department_id"],
                "part": s["part"],
                "weight": p["weight"],
                "key": f"{s['key']:.15f}",
                "inspectors": team,
            }
        )
    return {
        "algorithm": ALGORITHM,
        "quota": quota.per_industry,
        "explanation": quota.lines,
        "selections": selections,
    }


def result_hash(result: dict[str, Any]) -> str:
    return pool_hash(result)


@dataclass
class Verification:
    ok: bool
    checks: list[tuple[str, bool]]
    result: dict[str, Any] | None = None

    @property
    def label(self) -> str:
        return "一致" if self.ok else "不一致"


def verify(
    *,
    project_pool: Any,
    project_pool_hash: str,
    inspector_pool: Any,
    inspector_pool_hash: str,
    params: dict[str, Any],
    seed: str,
    committed_seed_hash: str,
    published: dict[str, Any] | None,
) -> Verification:
    """Recompute the draw from the published inputs and compare: the pools'
    hashes, the seed against its committed hash, then the selections."""
    checks = [
        ("项目库快照与公布的哈希一致", pool_hash(project_pool) == project_pool_hash),
        ("执法人员库快照与公布的哈希一致", pool_hash(inspector_pool) == inspector_pool_hash),
        ("种子与抽取前公布的种子哈希一致", bool(seed) and seed_hash(seed) == committed_seed_hash),
    ]
    again: dict[str, Any] | None = None
    try:
        again = run(project_pool, inspector_pool, params, seed) if seed else None
    except (DrawRefused, KeyError, TypeError, ValueError):
        again = None
    same = (
        again is not None
        and published is not None
        and [(s["rank"], s["project_id"], s["inspectors"]) for s in again["selections"]]
        == [(s["rank"], s["project_id"], s["inspectors"]) for s in published["selections"]]
    )
    checks.append(("按公布的算法重新计算，抽取结果相同", same))
    return Verification(all(ok for _, ok in checks), checks, again)


def weight_of(value: Any) -> float:
    return float(value) if value and math.isfinite(float(value)) and float(value) > 0 else 1.0
