"""Project scores and the annual comprehensive score (年度综合评分, SY 7, 37;
R-SCO-02, R-SCO-03; ADR 0650).

- ``project_score(subject_key, project_id, year)``: the base score of the
  rule set that governs the project (its industry authority's rules for its
  industry, in force at the end of the year or today) plus the counting score
  events of the subject on that project in that year, clamped to
  ``[0, base + additions]``; every event is listed.
- ``compute_annual(subject_key, year, *, reason)``: the weighted mean of the
  subject's project scores, each weighted by the unit's contract amount on the
  project × the months the project was active in the year, plus the events
  without a project, clamped; the colour (五色码) from the rule set of the
  industry with the largest weight, with its reasons; a new ``AnnualScore``
  version only when the score, the colour or the computation changed (the old
  version stays, ``current=False``), audited.
- ``COLOUR_OVERRIDES``: the extension point for what overrides the colour
  computed from the score (the blacklist: a blacklisted unit is red).
- ``recompute_year(year)``: every subject with something in the year (the
  worker runs it, ``tasks_annual.py``, with its progress on an
  ``AnnualRecompute`` row).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

from postaward.core import clock, writes
from postaward.core.actor import SYSTEM, Actor
from postaward.orgs.choices import Industry, OrgKind
from postaward.orgs.models import Organisation, Person
from postaward.projects.models import Participant, Project

from .choices import COUNTING_SCORE_STATES, Colour, SubjectKind
from .models import AnnualScore, RuleSet, ScoreEvent
from .rules import effective_rule_set, office_of

CENT = Decimal("0.01")
FINE = Decimal("0.0001")
ZERO = Decimal("0")
COLOUR_ORDER = [str(c) for c in Colour.values]  # best first
COLOUR_MINIMUMS = (
    (Colour.GREEN, "green_min"),
    (Colour.BLUE, "blue_min"),
    (Colour.YELLOW, "yellow_min"),
    (Colour.ORANGE, "orange_min"),
)

KIND_OF_ORG = {
    OrgKind.INDUSTRY_AUTHORITY: SubjectKind.AUTHORITY,
    OrgKind.OWNER: SubjectKind.OWNER,
    OrgKind.CONTRACTOR: SubjectKind.CONTRACTOR,
    OrgKind.SUPERVISING_FIRM: SubjectKind.SUPERVISING_FIRM,
}


@dataclass(frozen=True)
class ColourOverride:
    """What a later part (the blacklist) says about a subject's colour: the
    colour it imposes (the worse of this and the score's colour wins) and why,
    in Chinese."""

    colour: str
    reason: str


# The extension point of the colour (SY 37(三): 五色码 from the annual score and
# the blacklist). Each callable gets (subject_key, year) and answers an
# override or None. The blacklist part appends one that answers
# ``ColourOverride("red", "列入黑名单（……）")`` for a blacklisted unit.
COLOUR_OVERRIDES: list[Callable[[str, int], ColourOverride | None]] = []

# The extension point of the credit API (``api_enterprises``): each callable
# gets the organisation and answers the fields it fills, e.g. the blacklist
# part ``{"blacklisted": True, "blacklist": [...]}`` and the sanctions part
# ``{"bans": [...]}`` (the shapes: ``api_enterprises.BlacklistEntryOut``,
# ``BiddingBanOut``).
BIDDING_EXTRAS: list[Callable[[Organisation], dict[str, Any]]] = []


def q2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, value))


# --- the rule set that governs a score ------------------------------------------------


def reference_day(year: int) -> dt.date:
    """The day whose rules govern a year's score: the year's last day, or
    today while the year runs."""
    return min(dt.date(year, 12, 31), clock.today())


def governing_rule_set(
    authority_id: int | None, industry: str, year: int, events: Iterable[ScoreEvent] = ()
) -> RuleSet | None:
    """The authority's rules for the industry in force on the reference day;
    else the version that scored the latest of ``events``; else None (the
    model's defaults: base 100, colours 90/80/70/60)."""
    if authority_id is not None:
        found = effective_rule_set(authority_id, industry, reference_day(year))
        if found is not None:
            return found
    return _rules_of_latest(events)


def _rules_of_latest(events: Iterable[ScoreEvent]) -> RuleSet | None:
    """The version that scored the latest of ``events`` (None without events)."""
    latest = max(events, key=lambda e: (e.occurred_on, e.pk), default=None)
    return latest.item.rule_set if latest is not None else None


DEFAULT_RULES = RuleSet()  # unsaved: the model's defaults (base 100; 90/80/70/60)


def _rules(rs: RuleSet | None) -> RuleSet:
    return rs if rs is not None else DEFAULT_RULES


# --- the project score -----------------------------------------------------------------


def counting_events(subject_key: str, year: int) -> list[ScoreEvent]:
    return list(
        ScoreEvent.objects.filter(
            subject_key=subject_key, year=year, state__in=COUNTING_SCORE_STATES
        )
        .select_related("item__rule_set", "project")
        .order_by("occurred_on", "pk")
    )


def _event_row(e: ScoreEvent) -> dict[str, Any]:
    return {
        "id": e.pk,
        "date": e.occurred_on.isoformat(),
        "item": e.item.code,
        "summary": e.summary,
        "points": str(e.points),
        "state": e.state,
    }


@dataclass
class ProjectScore:
    project_id: int
    base: Decimal
    deductions: Decimal
    additions: Decimal
    score: Decimal
    rule_set: RuleSet | None
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def high(self) -> Decimal:
        return self.base + self.additions


def _project_score(
    project: Project, year: int, events: list[ScoreEvent], rs: RuleSet | None
) -> ProjectScore:
    """``rs``: the governing rule set (``governing_rule_set``; None: the model's defaults)."""
    base = Decimal(_rules(rs).base_score)
    minus = sum((e.points for e in events if e.points < 0), ZERO)
    plus = sum((e.points for e in events if e.points > 0), ZERO)
    score = clamp(base + minus + plus, ZERO, base + plus)
    return ProjectScore(
        project_id=project.pk,
        base=base,
        deductions=minus,
        additions=plus,
        score=q2(score),
        rule_set=rs,
        events=[_event_row(e) for e in events],
    )


def project_score(subject_key: str, project_id: int, year: int) -> ProjectScore:
    """The subject's score on one project in one year (R-SCO-02): the
    governing base score plus the counting events, clamped to
    ``[0, base + additions]``; ``events`` lists each one."""
    project = Project.objects.get(pk=project_id)
    return project_scores(project, [subject_key], year)[subject_key]


def project_scores(
    project: Project, subject_keys: Iterable[str], year: int
) -> dict[str, ProjectScore]:
    """``project_score`` of several subjects on one project: their counting
    events in one query, the authority's rules in force read once (a subject
    without them falls back to the version of its own latest event, as
    ``governing_rule_set`` does)."""
    keys = list(dict.fromkeys(subject_keys))
    by_key: dict[str, list[ScoreEvent]] = {k: [] for k in keys}
    for e in (
        ScoreEvent.objects.filter(
            subject_key__in=keys, year=year, project=project, state__in=COUNTING_SCORE_STATES
        )
        .select_related("item__rule_set")
        .order_by("occurred_on", "pk")
    ):
        by_key[e.subject_key].append(e)
    in_force = governing_rule_set(project.industry_authority_id, project.industry, year)
    return {
        k: _project_score(project, year, events, in_force or _rules_of_latest(events))
        for k, events in by_key.items()
    }


# --- the weight of a project ------------------------------------------------------------


def _period(project: Project) -> tuple[dt.date | None, dt.date | None]:
    """The works period: from the actual (else planned) start to the actual
    completion (else termination; an unfinished project runs on)."""
    start = project.actual_start or project.planned_start
    end = project.actual_completion or project.terminated_on
    return start, end


def months_active(project: Project, year: int) -> int:
    """The calendar months of ``year`` the works period touches up to the
    reference day (a month counts when at least one day of it is inside the
    period; the year still running counts up to today)."""
    start, end = _period(project)
    if start is None:
        return 0
    first = max(start, dt.date(year, 1, 1))
    last = min(end or dt.date(year, 12, 31), reference_day(year))
    if last < first:
        return 0
    return last.month - first.month + 1


def _amounts(org_id: int | None, projects: list[Project]) -> dict[int, Decimal]:
    """The unit's contract amount on each project (its participation's,
    else the project's)."""
    own: dict[int, Decimal] = {}
    if org_id is not None:
        for pid, amount in Participant.objects.filter(
            organisation_id=org_id, project__in=projects
        ).values_list("project_id", "contract_amount"):
            if amount:
                own[pid] = own.get(pid, ZERO) + amount
    return {p.pk: own.get(p.pk) or p.contract_amount or ZERO for p in projects}


# --- the subject ------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    key: str
    kind: str
    name: str
    org: Organisation | None
    person: Person | None

    @property
    def home(self) -> Organisation | None:
        """The organisation whose district the score belongs to."""
        if self.org is not None:
            return self.org
        return self.person.organisation if self.person is not None else None


def subject_of(subject_key: str) -> Subject:
    kind, _, raw = subject_key.partition(":")
    if kind == "org":
        org = Organisation.objects.get(pk=int(raw))
        sk = KIND_OF_ORG.get(org.kind, SubjectKind.INTERMEDIARY)  # type: ignore[call-overload]
        return Subject(subject_key, str(sk), org.name, org, None)
    if kind == "person":
        person = Person.objects.select_related("organisation").get(pk=int(raw))
        return Subject(subject_key, str(SubjectKind.PERSON), person.name, None, person)
    raise ValueError(f"not a subject key: {subject_key!r}")


def _projects_of(subject: Subject, year: int, events: list[ScoreEvent]) -> list[Project]:
    """The projects the subject worked on in the year: those it takes part in
    or owns and that were active in the year, and those it was scored on."""
    ids = {e.project_id for e in events if e.project_id is not None}
    if subject.org is not None:
        mine = Q(participants__organisation=subject.org) | Q(owner=subject.org)
        for p in Project.objects.filter(mine).distinct():
            if months_active(p, year) > 0:
                ids.add(p.pk)
    return list(Project.objects.filter(pk__in=ids).order_by("pk"))


# --- the annual computation --------------------------------------------------------------


@dataclass
class Annual:
    subject: Subject
    year: int
    score: Decimal
    colour: str
    colour_reasons: list[str]
    computation: dict[str, Any]
    rule_set: RuleSet | None
    district_id: int | None = None


def _weights(
    subject: Subject, year: int, projects: list[Project], scored: set[int]
) -> dict[int, tuple[Decimal, int]]:
    """Per project: (amount, months). A project the subject was scored on
    counts at least one month of the year (the event shows it was active)."""
    amounts = _amounts(subject.org.pk if subject.org else None, projects)
    out: dict[int, tuple[Decimal, int]] = {}
    for p in projects:
        months = months_active(p, year)
        if months == 0 and p.pk in scored:
            months = 1
        out[p.pk] = (amounts[p.pk], months)
    return out


def raw_weights(weights: dict[int, tuple[Decimal, int]]) -> tuple[dict[int, Decimal], str]:
    """Weight = amount × months; when every amount is zero, months alone;
    when every month count is zero too, equal weights."""
    raw = {pid: a * m for pid, (a, m) in weights.items()}
    if any(raw.values()):
        return raw, "amount_months"
    raw = {pid: Decimal(m) for pid, (_a, m) in weights.items()}
    if any(raw.values()):
        return raw, "months"
    return {pid: Decimal(1) for pid in weights}, "equal"


def _weighted(
    projects: list[Project],
    weights: dict[int, tuple[Decimal, int]],
    raw: dict[int, Decimal],
    scores: dict[int, ProjectScore],
) -> tuple[list[dict[str, Any]], Decimal, Decimal]:
    """The rows of the table and the weighted mean (and its upper bound)."""
    total = sum(raw.values(), ZERO)
    rows: list[dict[str, Any]] = []
    mean = high = ZERO
    for p in projects:
        s = scores[p.pk]
        share = raw[p.pk] / total if total else ZERO
        mean += share * s.score
        high += share * s.high
        rows.append(
            {
                "project_id": p.pk,
                "project": p.name,
                "code": p.code,
                "industry": p.industry,
                "amount": str(weights[p.pk][0]),
                "months": weights[p.pk][1],
                "weight": str(raw[p.pk]),
                "share": str(share.quantize(FINE, rounding=ROUND_HALF_UP)),
                "base": str(s.base),
                "deductions": str(s.deductions),
                "additions": str(s.additions),
                "score": str(s.score),
                "contribution": str((share * s.score).quantize(FINE, rounding=ROUND_HALF_UP)),
                "rule_set_id": s.rule_set.pk if s.rule_set else None,
                "events": s.events,
            }
        )
    return rows, mean, high


def _colour_rules(
    projects: list[Project],
    raw: dict[int, Decimal],
    scores: dict[int, ProjectScore],
    direct_rules: RuleSet | None,
) -> RuleSet | None:
    """The rule set of the industry (authority and industry) with the largest
    weight; ties: the first project's; no project: the direct events' rules."""
    by_industry: dict[tuple[int | None, str], Decimal] = {}
    first: dict[tuple[int | None, str], int] = {}
    for p in projects:
        key = (p.industry_authority_id, p.industry)
        by_industry[key] = by_industry.get(key, ZERO) + raw[p.pk]
        first.setdefault(key, p.pk)
    if not by_industry:
        return direct_rules
    best = max(by_industry, key=lambda k: (by_industry[k], -first[k]))
    return scores[first[best]].rule_set


def colour_and_reasons(
    score: Decimal, rs: RuleSet | None, subject_key: str, year: int
) -> tuple[str, list[str]]:
    """The colour of the score under the rule set's thresholds, the reasons in
    Chinese, then the overrides (the worse colour wins)."""
    rules = _rules(rs)
    colour = rules.colour_for(score)
    source = f"《{rules.title}》（第{rules.version}版）" if rs is not None else "平台默认阈值"
    label = Colour(colour).label
    if colour == Colour.RED:
        reasons = [
            f"年度综合评分 {score} 分，低于橙码最低分 {rules.orange_min} 分，为{label}（{source}）"
        ]
    else:
        attr = dict(COLOUR_MINIMUMS)[Colour(colour)]
        minimum = getattr(rules, attr)
        text = f"年度综合评分 {score} 分，不低于{label}最低分 {minimum} 分"
        idx = COLOUR_ORDER.index(colour)
        if idx > 0:
            better = COLOUR_MINIMUMS[idx - 1]
            text += f"、低于{better[0].label}最低分 {getattr(rules, better[1])} 分"
        reasons = [f"{text}，为{label}（{source}）"]
    for override in COLOUR_OVERRIDES:
        found = override(subject_key, year)
        if found is None:
            continue
        reasons.append(found.reason)
        if COLOUR_ORDER.index(found.colour) > COLOUR_ORDER.index(colour):
            colour = found.colour
    return colour, reasons


def annual_of(subject_key: str, year: int) -> Annual:
    """The annual comprehensive score of the subject (R-SCO-02), computed and
    not stored (``compute_annual`` stores it)."""
    subject = subject_of(subject_key)
    events = counting_events(subject_key, year)
    direct = [e for e in events if e.project_id is None]
    scored = {e.project_id for e in events if e.project_id is not None}
    projects = _projects_of(subject, year, events)
    scores = {}
    for p in projects:
        here = [e for e in events if e.project_id == p.pk]
        rs = governing_rule_set(p.industry_authority_id, p.industry, year, here)
        scores[p.pk] = _project_score(p, year, here, rs)
    weights = _weights(subject, year, projects, scored)
    raw, basis = raw_weights(weights)
    rows, mean, high = _weighted(projects, weights, raw, scores)
    direct_rules = (
        governing_rule_set(direct[-1].authority_id, direct[-1].industry, year, direct)
        if direct
        else None
    )
    if not projects:
        # (an unsaved rule set holds the field's default, an int)
        mean = high = Decimal(_rules(direct_rules).base_score)
    d_minus = sum((e.points for e in direct if e.points < 0), ZERO)
    d_plus = sum((e.points for e in direct if e.points > 0), ZERO)
    score = q2(clamp(mean + d_minus + d_plus, ZERO, high + d_plus))
    rs = _colour_rules(projects, raw, scores, direct_rules)
    colour, reasons = colour_and_reasons(score, rs, subject_key, year)
    computation = {
        "weighting": basis,
        "projects": rows,
        "weighted_mean": str(mean.quantize(FINE, rounding=ROUND_HALF_UP)),
        "direct_events": [_event_row(e) for e in direct],
        "direct_points": str(d_minus + d_plus),
        "upper_bound": str(q2(high + d_plus)),
        "score": str(score),
        "colour_rule_set_id": rs.pk if rs is not None else None,
    }
    home = subject.home
    if home is not None:
        district_id: int | None = office_of(home).pk
    else:  # a person without an organisation: the district that scored them
        district_id = events[-1].district_id if events else None
    return Annual(subject, year, score, colour, reasons, computation, rs, district_id)


# --- storing a version --------------------------------------------------------------------


def _same(row: AnnualScore | None, a: Annual) -> bool:
    return (
        row is not None
        and row.score == a.score
        and row.colour == a.colour
        and row.computation == a.computation
    )


def compute_annual(
    subject_key: str, year: int, *, reason: str, actor: Actor = SYSTEM
) -> AnnualScore:
    """Compute the subject's annual score and store it as a new version when
    the score, the colour or the computation differs from the current one
    (never rewriting a row: the old version is kept as ``current=False``);
    audited (``credit.annual_computed``). Returns the current version."""
    a = annual_of(subject_key, year)
    if a.district_id is None:
        raise ValueError(f"{subject_key}: no district (no organisation, no score event)")
    with transaction.atomic():
        current = (
            AnnualScore.objects.select_for_update()
            .filter(subject_key=subject_key, year=year, current=True)
            .first()
        )
        if _same(current, a):
            assert current is not None
            return current
        version = 1
        if current is not None:
            version = current.version + 1
            AnnualScore.objects.filter(pk=current.pk).update(current=False)
        row = AnnualScore.objects.create(
            authority_id=a.rule_set.authority_id if a.rule_set is not None else None,
            district_id=a.district_id,
            subject_kind=a.subject.kind,
            subject_key=subject_key,
            subject_org=a.subject.org,
            subject_person=a.subject.person,
            subject_name=a.subject.name[:200],
            year=year,
            version=version,
            current=True,
            score=a.score,
            colour=a.colour,
            colour_reasons=a.colour_reasons,
            computation=a.computation,
            rule_set=a.rule_set,
            computed_at=clock.now(),
            reason=reason[:200],
        )
        writes.created(
            row,
            actor=actor,
            action="credit.annual_computed",
            after={"previous_version": current.version if current else None},
        )
    return row


def subjects_of_year(year: int) -> list[str]:
    """Every subject with something to score in the year: scored subjects,
    and the units taking part in (or owning) a project active in the year."""
    keys = set(ScoreEvent.objects.filter(year=year).values_list("subject_key", flat=True))
    keys |= set(
        AnnualScore.objects.filter(year=year, current=True).values_list("subject_key", flat=True)
    )
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    began = Q(actual_start__lte=end) | Q(actual_start__isnull=True, planned_start__lte=end)
    not_ended = Q(actual_completion__isnull=True, terminated_on__isnull=True) | Q(
        actual_completion__gte=start
    )
    not_ended |= Q(actual_completion__isnull=True, terminated_on__gte=start)
    active = Project.objects.filter(began & not_ended)
    for org_id in Participant.objects.filter(project__in=active).values_list(
        "organisation_id", flat=True
    ):
        keys.add(f"org:{org_id}")
    # (a project the feed could not match to an owner waits for its assignment)
    for org_id in active.filter(owner__isnull=False).values_list("owner_id", flat=True):
        keys.add(f"org:{org_id}")
    return sorted(keys)


def recompute_year(
    year: int,
    *,
    reason: str,
    progress: Callable[[int, int], None] | None = None,
    actor: Actor = SYSTEM,
) -> int:
    """Recompute every subject of the year (one transaction per subject);
    ``progress(done, total)`` after each. Returns how many new versions."""
    keys = subjects_of_year(year)
    changed = 0
    for n, key in enumerate(keys, start=1):
        before = (
            AnnualScore.objects.filter(subject_key=key, year=year, current=True)
            .values_list("pk", flat=True)
            .first()
        )
        row = compute_annual(key, year, reason=reason, actor=actor)
        changed += int(row.pk != before)
        if progress is not None:
            progress(n, len(keys))
    return changed


INDUSTRY_LABELS = dict(Industry.choices)

__all__ = [
    "BIDDING_EXTRAS",
    "COLOUR_OVERRIDES",
    "ColourOverride",
    "annual_of",
    "colour_and_reasons",
    "compute_annual",
    "months_active",
    "project_score",
    "project_scores",
    "recompute_year",
    "subjects_of_year",
]
