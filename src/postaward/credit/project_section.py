"""The project archive's 综合评价 section (R-PRJ-04, R-SCO-02, R-SCO-03; ADR 0630).

The archive the owner, the office and the audit of the settlement read shows,
for each unit on the project, its score on this project this year (the base of
the rules in force plus what counts), its deductions here, its current
five-colour code, and whether a measure bars it from bidding: the flag the
settlement audit and the next tender read (SY 37(三))."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from postaward.core import clock
from postaward.core.actor import Actor
from postaward.projects.models import Project
from postaward.projects.selectors import register_archive_section

from . import annual, services_sanctions
from .choices import COUNTING_SCORE_STATES, Colour
from .models import AnnualScore, ScoreEvent


@register_archive_section("evaluation", "综合评价", 70)
def evaluation(project: Project, actor: Actor) -> dict[str, Any]:
    year = clock.today().year
    parts = list(project.participants.select_related("organisation").order_by("pk"))
    keys = {p.organisation_id: f"org:{p.organisation_id}" for p in parts}
    if project.owner_id and project.owner_id not in keys:
        keys[project.owner_id] = f"org:{project.owner_id}"
    here = (
        ScoreEvent.objects.filter(project=project, state__in=COUNTING_SCORE_STATES)
        .values("subject_key")
        .annotate(n=Count("pk"), total=Sum("points", filter=Q(points__lt=0)))
    )
    by_key = {row["subject_key"]: row for row in here}
    colours = {
        a.subject_key: a
        for a in AnnualScore.objects.filter(subject_key__in=keys.values(), year=year, current=True)
    }
    names = {p.organisation_id: (p.organisation.name, p.get_role_display()) for p in parts}
    if project.owner_id and project.owner_id not in names and project.owner is not None:
        names[project.owner_id] = (project.owner.name, "建设单位")
    rows = []
    scores = annual.project_scores(project, keys.values(), year)
    bans_by_org = services_sanctions.bans_of_each(list(keys), clock.today())
    for org_id, key in keys.items():
        name, role = names.get(org_id, ("—", "—"))
        score = scores[key]
        facts = by_key.get(key, {})
        a = colours.get(key)
        bans = bans_by_org.get(org_id, [])
        rows.append(
            [
                name,
                role,
                f"{score.score}",
                f"{facts.get('n', 0)} 项，{Decimal(facts.get('total') or 0):.2f} 分",
                f"{a.score}（{Colour(a.colour).label}）" if a else "尚未评分",
                "；".join(services_sanctions.ban_reason(s) for s in bans) or "无",
            ]
        )
    return {
        "columns": [
            "单位",
            "角色",
            f"{year}年度本项目得分",
            "本项目记分",
            "年度综合评分（五色码）",
            "投标限制",
        ],
        "rows": rows,
        "empty": "暂无参建单位",
    }
