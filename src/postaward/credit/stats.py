"""Credit statistics (信用统计, R-SCO-02, R-SCO-03; ADR 0692): the
distribution of the current annual scores per industry and colour, the
movements (units whose colour changed between two versions of a year or
between last year and this year) and the rule items with the largest total
deductions, with their basis (document and article).

Every figure is read through the reader's scope: the supervision office
counts its whole district, an industry authority the scores governed by its
rules and the events its rules scored. Each function is one or two queries,
whatever the number of units."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from postaward.core.actor import Actor
from postaward.orgs.choices import Industry, OrgKind

from .choices import COUNTING_SCORE_STATES, Colour
from .models import DEPARTMENT_ROLES, OFFICE_ROLES, AnnualScore, ScoreEvent

INDUSTRIES = dict(Industry.choices)
NO_INDUSTRY = "—"
COLOUR_ORDER = [str(c) for c in Colour.values]  # best first
TOP = 10
MAX_MOVEMENTS = 500


def may_see(actor: Actor) -> bool:
    """The office's staff and the industry authorities' staff."""
    if actor.user_id is None:
        return False
    if actor.org_kind == OrgKind.SUPERVISION_OFFICE and actor.roles & OFFICE_ROLES:
        return True
    return bool(actor.org_kind == OrgKind.INDUSTRY_AUTHORITY and actor.roles & DEPARTMENT_ROLES)


def _annual(actor: Actor, industry: str) -> Any:
    qs = AnnualScore.objects.visible_to(actor)
    return qs.filter(rule_set__industry=industry) if industry else qs


def distribution(actor: Actor, year: int, industry: str = "") -> dict[str, Any]:
    """Current annual scores of ``year`` counted per industry (of the rule set
    that gives the colour) and colour, with the totals per colour (one query)."""
    got = (
        _annual(actor, industry)
        .filter(current=True, year=year)
        .order_by()
        .values_list("rule_set__industry", "colour")
        .annotate(n=Count("pk"))
    )
    table: dict[str, dict[str, int]] = {}
    for ind, colour, n in got:
        table.setdefault(ind or "", {})[colour] = n
    rows: list[dict[str, Any]] = []
    for ind in sorted(table, key=lambda k: (k == "", k)):
        counts = [table[ind].get(c, 0) for c in COLOUR_ORDER]
        rows.append(
            {
                "industry": ind,
                "label": INDUSTRIES.get(ind, NO_INDUSTRY),
                "counts": counts,
                "total": sum(counts),
            }
        )
    totals = [sum(r["counts"][i] for r in rows) for i in range(len(COLOUR_ORDER))]
    return {"rows": rows, "totals": totals, "total": sum(totals)}


@dataclass(frozen=True)
class Movement:
    subject_name: str
    subject_kind: str
    subject_org_id: int | None
    subject_person_id: int | None
    between: str  # 2026年第1版→第2版, or 2025年→2026年
    colour_from: str
    colour_to: str
    score_from: Decimal
    score_to: Decimal
    reason: str

    @property
    def label_from(self) -> str:
        return str(Colour(self.colour_from).label)

    @property
    def label_to(self) -> str:
        return str(Colour(self.colour_to).label)

    @property
    def worse(self) -> bool:
        return COLOUR_ORDER.index(self.colour_to) > COLOUR_ORDER.index(self.colour_from)


def _moved(a: AnnualScore, b: AnnualScore, between: str) -> Movement:
    return Movement(
        subject_name=b.subject_name,
        subject_kind=b.get_subject_kind_display(),
        subject_org_id=b.subject_org_id,
        subject_person_id=b.subject_person_id,
        between=between,
        colour_from=a.colour,
        colour_to=b.colour,
        score_from=a.score,
        score_to=b.score,
        reason=b.reason,
    )


def movements(actor: Actor, year: int, industry: str = "") -> list[Movement]:
    """The colour changes of ``year`` (between consecutive versions) and from
    the current score of the year before to the current one of ``year``
    (two queries)."""
    out: list[Movement] = []
    versions = list(_annual(actor, industry).filter(year=year).order_by("subject_key", "version"))
    prev: AnnualScore | None = None
    for v in versions:
        if prev is not None and prev.subject_key == v.subject_key and prev.colour != v.colour:
            out.append(_moved(prev, v, f"{year}年第{prev.version}版→第{v.version}版"))
        prev = v
    this = {v.subject_key: v for v in versions if v.current}
    for last in _annual(actor, industry).filter(year=year - 1, current=True):
        now = this.get(last.subject_key)
        if now is not None and now.colour != last.colour:
            out.append(_moved(last, now, f"{year - 1}年→{year}年"))
    out.sort(key=lambda m: (not m.worse, m.subject_name, m.between))
    return out[:MAX_MOVEMENTS]


def top_deductions(
    actor: Actor, year: int, industry: str = "", limit: int = TOP
) -> list[dict[str, Any]]:
    """The rule items with the largest total deductions of ``year`` over the
    events that count (one query), largest first."""
    qs = ScoreEvent.objects.visible_to(actor).filter(
        year=year, points__lt=0, state__in=COUNTING_SCORE_STATES
    )
    if industry:
        qs = qs.filter(industry=industry)
    got = (
        qs.order_by()
        .values(
            "item_id",
            "item__code",
            "item__description",
            "item__basis_document",
            "item__basis_article",
            "item__rule_set__version",
            "item__rule_set__industry",
            "authority__name",
        )
        .annotate(total=Sum("points"), n=Count("pk"), subjects=Count("subject_key", distinct=True))
        .order_by("total", "item__code", "item_id")[:limit]
    )
    return [
        {
            "code": g["item__code"],
            "description": g["item__description"],
            "version": g["item__rule_set__version"],
            "industry": INDUSTRIES.get(g["item__rule_set__industry"], NO_INDUSTRY),
            "authority": g["authority__name"],
            "basis": f"《{g['item__basis_document'].strip('《》')}》{g['item__basis_article']}",
            "total": g["total"],
            "n": g["n"],
            "subjects": g["subjects"],
        }
        for g in got
    ]
