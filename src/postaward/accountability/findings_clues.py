"""Clues the platform raises itself (R-ACT-02, R-ACT-07; ADR 0801): each
finding names the act of QZ 附件2 arts. 5-6 it points to, the unit, the
project, the evidence links, and an ``auto_key`` so it is raised once however
often the fact is seen (an event delivered twice, the detector run again).

Two ways in:

- **events by name** (``subscribers_clues``): ``approvals.change_after_the_fact``
  (5(四)), ``approvals.used_before_acceptance`` (5(五));
- **the daily detector** (:func:`detect`, ``tasks_clues`` and the simulator):
  the day's missed deadlines of the kinds in :data:`MISSED` only (late
  acceptance, unreviewed changes, alert disposal, complaint decisions;
  :func:`missed_deadlines`), and what is an absence rather than an event, read
  from the lower apps: no
  post-award interview (5(一)), no owner inspection in the period (5(二)), no
  work list or approved plan of double-random inspections on time (6(一)),
  attendance failures left without the interview they require (6(三)).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from postaward.core import audit_labels, clock
from postaward.core.actor import SYSTEM
from postaward.orgs.models import Organisation

from .choices import ClueSource
from .models import Clue

log = logging.getLogger(__name__)

# A post-award interview is due within this many days of the award (ADR 0801).
INTERVIEW_DAYS = 30
# The owner inspects the works at least once in this many days (ADR 0801).
INSPECTION_DAYS = 30
# The authority's work list and approved plan of the year exist by this day.
PLAN_DUE = (3, 31)
# An attendance interview still due this many days after it arose: not acted on.
ATTENDANCE_DAYS = 30


@dataclass(frozen=True)
class Missed:
    """What a missed deadline of ``kind`` means: the act ("5-12"), and whose:
    ``owner`` (the project's owner), ``authority`` (the project's industry
    authority) or ``org`` (the unit the deadline was held by)."""

    act: str
    who: str
    what: str


# the only kinds a missed deadline raises a clue for (checked first, at no cost)
MISSED: dict[str, Missed] = {
    "approvals.acceptance_below": Missed("5-12", "owner", "未在规定期限内组织竣工验收"),
    "approvals.acceptance_above": Missed("5-12", "owner", "未在规定期限内组织竣工验收"),
    "approvals.acceptance_super_large": Missed("5-12", "owner", "未在规定期限内组织竣工验收"),
    "approvals.acceptance_village_self": Missed("5-12", "owner", "未在规定期限内组织村级自验"),
    "approvals.acceptance_township": Missed("6-8", "org", "未在规定期限内组织复验"),
    "approvals.change_before_work": Missed("6-2", "authority", "变更未在规定期限内完成审核"),
    "alert.disposal": Missed("6-8", "org", "预警逾期未处置（本级处置超期，引发升级）"),
    "complaints.complaint_decision": Missed("6-9", "org", "移送的投诉未按期作出受理决定"),
    "complaints.complaint_close": Missed("6-9", "org", "移送的投诉逾期未办结"),
    "complaints.report_decision": Missed("6-9", "org", "移送的举报未按期作出受理决定"),
    "complaints.report_close": Missed("6-9", "org", "移送的举报逾期未办结"),
    "complaints.unit_handling": Missed("6-9", "org", "转办的投诉举报未按期作出处理"),
    # R-ACT-07: the addressed department (the deadline's organisation) left a
    # bad-conduct proposal without a decision (ADR 0803)
    "accountability.proposal_decision": Missed(
        "6-9", "org", "（不良行为认定建议书）未按期作出认定"
    ),
}


def _raise(
    *,
    unit: Organisation | None,
    code: str,
    key: str,
    facts: str,
    links: list[dict[str, str]],
    project_id: int | None = None,
    occurred_on: dt.date | None = None,
) -> Clue | None:
    """Raise one finding on ``unit`` with act ``code`` (owner acts on an owner,
    department acts on a department: a mismatch falls back to 5(十二) /
    6(十一), "other"). Returns None when the unit answers to no act."""
    from . import services_catalogue as cat
    from .services_clues import register

    if unit is None:
        return None
    party = cat.party_of_kind(unit.kind)
    if not party:
        return None
    office = cat.office_of(unit)
    if office is None:
        return None
    if not code.startswith("5-" if party == "owner" else "6-"):
        code = "5-12" if party == "owner" else "6-11"
    cat.ensure_catalogue(office)
    act = cat.act_by_code(office, code)
    return register(
        SYSTEM,
        office=office,
        source=ClueSource.PLATFORM,
        party=party,
        unit=unit,
        act=act,
        project=_project(project_id),
        facts=facts,
        occurred_on=occurred_on,
        evidence_links=links,
        auto_key=key[:120],
        evidence_note="平台监测发现，证据见下列链接",
    )


def _project(pk: int | None) -> Any:
    from postaward.projects.models import Project

    return Project.objects.filter(pk=pk).first() if pk else None


def _project_link(p: Any) -> dict[str, str]:
    return {"label": f"项目 {p.code} {p.name}", "url": reverse("project_detail", args=[p.pk])}


def _org(pk: Any) -> Organisation | None:
    return Organisation.objects.filter(pk=pk).first() if pk else None


# --- from events ----------------------------------------------------------------------------------


def on_change_after_the_fact(evt: Any) -> Clue | None:
    """5(四): a change done before it was approved (先施工后变更)."""
    p = _project(evt.project_id)
    link = audit_labels.object_url("approvals.change", str(evt.change_id))
    links = (
        [{"label": f"变更 {evt.change_id}：实施日 {evt.work_date}", "url": link}] if link else []
    )
    if p is not None:
        links.append(_project_link(p))
    return _raise(
        unit=_org(evt.owner_id),
        code="5-4",
        key=f"change_after:{evt.change_id}",
        facts=(
            f"项目“{evt.project_name}”的变更在批准前已实施（实施日 {evt.work_date}，"
            f"晚批 {evt.days_late} 天），变更未按规定程序报批。"
        ),
        links=links,
        project_id=evt.project_id,
        occurred_on=_day(evt.work_date),
    )


def on_used_before_acceptance(evt: Any) -> Clue | None:
    """5(五): works used before passing acceptance (行业特殊要求的除外)."""
    if getattr(evt, "industry_exception", False):
        return None
    p = _project(evt.project_id)
    links = [_project_link(p)] if p is not None else []
    return _raise(
        unit=_org(evt.owner_id),
        code="5-5",
        key=f"used_before:{evt.usage_id}",
        facts=f"项目“{evt.project_name}”自 {evt.used_since} 起未经竣工验收即交付使用。",
        links=links,
        project_id=evt.project_id,
        occurred_on=_day(evt.used_since),
    )


def on_deadline_missed(evt: Any) -> Clue | None:
    """A missed deadline of one of the :data:`MISSED` kinds; any other kind
    returns before anything is read."""
    m = MISSED.get(evt.kind)
    if m is None:
        return None
    p = _project(evt.project_id)
    if m.who == "owner":
        unit = _org(p.owner_id) if p is not None else None
    elif m.who == "authority":
        unit = _org(p.industry_authority_id) if p is not None else None
    else:
        unit = _org(evt.organisation_id)
    from postaward.core import deadlines

    info = deadlines.kind_of(evt.kind)
    label = info.label if info else m.what
    links = []
    url = audit_labels.object_url(evt.subject_type, evt.subject_id)
    if url:
        links.append({"label": f"逾期事项：{label}", "url": url})
    if p is not None:
        links.append(_project_link(p))
    due = _day(evt.due_at)
    where = f"项目“{p.name}”" if p is not None else "转办事项"
    return _raise(
        unit=unit,
        code=m.act,
        key=f"deadline:{evt.deadline_id}",
        facts=f"{where}{m.what}：{label}于 {due or evt.due_at} 到期未办结。",
        links=links,
        project_id=evt.project_id,
        occurred_on=due,
    )


def _day(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        try:
            return dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return None
    if parsed.tzinfo is not None:
        return clock.localtime(parsed).date()
    return parsed.date()


# --- the daily detector ---------------------------------------------------------------------------


def detect(today: dt.date | None = None) -> int:
    """Raise every absence-finding seen on ``today``; returns how many clues
    were new. Safe to run again (each finding has its ``auto_key``)."""
    today = today or clock.today()
    before = Clue.objects.filter(source=ClueSource.PLATFORM).count()
    finders = (
        missed_deadlines,
        no_interview,
        no_owner_inspection,
        no_work_plan,
        inspections_below_minimum,
    )
    for finder in (*finders, attendance_not_acted):
        try:
            finder(today)
        except Exception:  # one finder failing must not stop the others
            log.exception("accountability detector %s failed", finder.__name__)
    return Clue.objects.filter(source=ClueSource.PLATFORM).count() - before


MISSED_LOOKBACK_DAYS = 35


def missed_deadlines(today: dt.date) -> None:
    """The missed deadlines of the :data:`MISSED` kinds due in the last
    :data:`MISSED_LOOKBACK_DAYS` days and not raised yet: each through
    :func:`on_deadline_missed`, as its ``deadline.missed`` fact reads. Read
    here, once a day, rather than per event, so a flood of missed deadlines
    costs the sweep nothing here (ADR 0801)."""
    from postaward.core.deadlines import DeadlineMissed
    from postaward.core.models import Deadline

    since = clock.start_of_day(today - dt.timedelta(days=MISSED_LOOKBACK_DAYS))
    raised = Clue.objects.filter(auto_key__startswith="deadline:").values_list(
        "auto_key", flat=True
    )
    done = {int(k.split(":", 1)[1]) for k in raised if k.split(":", 1)[1].isdigit()}
    rows = Deadline.objects.filter(
        kind__in=list(MISSED), state=Deadline.State.MISSED, due_at__gte=since
    ).order_by("due_at", "pk")
    for d in rows[:2000]:
        if d.pk in done:
            continue
        on_deadline_missed(
            DeadlineMissed(
                deadline_id=d.pk,
                kind=d.kind,
                subject_type=d.subject_type,
                subject_id=d.subject_id,
                project_id=d.project_id,
                organisation_id=d.organisation_id,
                due_at=d.due_at.isoformat(),
                basis=d.basis,
            )
        )


def no_interview(today: dt.date) -> None:
    """5(一): awarded more than 30 days ago and no post-award interview."""
    from postaward.projects import selectors
    from postaward.projects.choices import ProjectStatus

    due = today - dt.timedelta(days=INTERVIEW_DAYS)
    qs = (
        selectors.projects(SYSTEM)
        .filter(award_date__isnull=False, award_date__lte=due, interviews__isnull=True)
        .exclude(status=ProjectStatus.TERMINATED)
    )
    for p in qs[:500]:
        award = p.award_date or due
        _raise(
            unit=_org(p.owner_id),
            code="5-1",
            key=f"no_interview:{p.pk}",
            facts=(
                f"项目“{p.name}”于 {award:%Y-%m-%d} 中标，"
                f"超过 {INTERVIEW_DAYS} 日未对中标单位进行约谈。"
            ),
            links=[_project_link(p)],
            project_id=p.pk,
            occurred_on=award + dt.timedelta(days=INTERVIEW_DAYS),
        )


def no_owner_inspection(today: dt.date) -> None:
    """5(二): under construction for the whole of the last 30 days and no
    inspection of the owner in them (once per project and period)."""
    from postaward.approvals import selectors as approvals
    from postaward.projects import selectors
    from postaward.projects.choices import ProjectStatus

    since = today - dt.timedelta(days=INSPECTION_DAYS)
    inspected = approvals.inspections(SYSTEM).filter(inspected_on__gt=since).values("project_id")
    qs = (
        selectors.projects(SYSTEM)
        .filter(
            status=ProjectStatus.UNDER_CONSTRUCTION,
            actual_start__isnull=False,
            actual_start__lte=since,
        )
        .exclude(pk__in=inspected)
    )
    period = (today - dt.date(2000, 1, 3)).days // INSPECTION_DAYS  # stable 30-day periods
    for p in qs[:500]:
        _raise(
            unit=_org(p.owner_id),
            code="5-2",
            key=f"no_inspection:{p.pk}:{period}",
            facts=(
                f"项目“{p.name}”在建，{since:%Y-%m-%d} 至 {today:%Y-%m-%d} "
                f"未开展施工现场、合同履约情况检查。"
            ),
            links=[
                {
                    "label": "建设单位检查记录",
                    "url": reverse("project_detail", args=[p.pk]),
                }
            ],
            project_id=p.pk,
            occurred_on=today,
        )


def no_work_plan(today: dt.date) -> None:
    """6(一): after 31 March, an industry authority with projects of the year
    and no work list (检查事项清单) or no approved plan of double-random
    inspections for the year."""
    from postaward.inspections.models.plans import InspectionPlan, WorkItem
    from postaward.orgs.choices import OrgKind

    if (today.month, today.day) <= PLAN_DUE:
        return
    year = today.year
    listed = set(WorkItem.objects.filter(year=year).values_list("organisation_id", flat=True))
    planned = set(
        InspectionPlan.objects.filter(year=year, approved_at__isnull=False).values_list(
            "organisation_id", flat=True
        )
    )
    for org in Organisation.objects.filter(kind=OrgKind.INDUSTRY_AUTHORITY, is_active=True):
        missing = [
            what
            for what, have in (("标后监管工作清单", listed), ("年度双随机抽查计划", planned))
            if org.pk not in have
        ]
        if not missing:
            continue
        _raise(
            unit=org,
            code="6-1",
            key=f"no_plan:{org.pk}:{year}",
            facts=f"{org.name}截至 {year} 年 3 月 31 日未制定{'、'.join(missing)}。",
            links=[{"label": "双随机检查计划", "url": reverse("inspections_plans")}],
            occurred_on=dt.date(year, *PLAN_DUE),
        )


def attendance_not_acted(today: dt.date) -> None:
    """6(三): an attendance failure whose interview is still due 30 days after
    it arose: the project's industry authority did not stop or correct it."""
    from postaward.attendance import selectors as attendance
    from postaward.attendance.choices import InterviewState

    since = clock.start_of_day(today - dt.timedelta(days=ATTENDANCE_DAYS))
    qs = attendance.interviews(SYSTEM, {"state": InterviewState.DUE}).filter(created_at__lt=since)
    for iv in qs[:500]:
        p = iv.project
        _raise(
            unit=_org(p.industry_authority_id),
            code="6-3",
            key=f"attendance:{iv.pk}",
            facts=(
                f"项目“{p.name}”{iv.person.name}的考勤问题（{iv.summary}）"
                f"自 {clock.localtime(iv.created_at):%Y-%m-%d} 起超过 {ATTENDANCE_DAYS} 日未予约谈纠正。"
            ),
            links=[
                {
                    "label": f"考勤约谈：{iv.summary[:40]}",
                    "url": reverse("attendance_interview", args=[iv.pk]),
                },
                _project_link(p),
            ],
            project_id=p.pk,
            occurred_on=clock.localtime(iv.created_at).date(),
        )


def inspections_below_minimum(today: dt.date) -> None:
    """6(一) 不按计划开展标后监管: from 1 January, each industry authority whose
    projects inspected last year fall below the minimum the inspections app
    computes for the projects awarded to it that year (R-INS-03; ADR 0806).
    Once per authority and year."""
    from postaward.inspections import minimums
    from postaward.orgs.choices import OrgKind

    year = today.year - 1
    for org in Organisation.objects.filter(kind=OrgKind.INDUSTRY_AUTHORITY, is_active=True):
        m = minimums.year_minimum(org.pk, year)
        if m.inspected >= m.minimum:
            continue
        _raise(
            unit=org,
            code="6-1",
            key=f"ins_minimum:{org.pk}:{year}",
            facts=(
                f"{org.name} {year} 年度监管的中标项目 {m.pool} 个，"
                f"按双随机抽查最低比例应至少检查 {m.minimum} 个项目，"
                f"实际完成检查 {m.inspected} 个，少 {m.short} 个，未按计划开展标后监管。"
                f"最低数量的计算：{'；'.join(m.lines)}。"
            ),
            links=[
                {"label": "双随机检查计划", "url": reverse("inspections_plans")},
                {"label": "抽取覆盖情况", "url": reverse("inspections_coverage")},
                {
                    "label": f"{org.name}的检查",
                    "url": reverse("inspections_visits")
                    + "?"
                    + urlencode({"department": org.name}),
                },
            ],
            occurred_on=dt.date(year, 12, 31),
        )


def on_settlement_self_entrusted(evt: Any) -> Clue | None:
    """5(六): the owner entrusted an intermediary with the settlement review
    without the review centre's or audit department's consent (R-SET-02;
    ADR 0807). Once per project."""
    p = _project(evt.project_id)
    links = []
    if p is not None:
        links = [
            {
                "label": f"结算送审：{p.code} {p.name}",
                "url": reverse("approval_settlement") + "?" + urlencode({"q": p.code}),
            },
            _project_link(p),
        ]
    return _raise(
        unit=_org(evt.owner_id),
        code="5-6",
        key=f"self_entrusted:{evt.project_id}",
        facts=(
            f"项目“{evt.project_name}”于 {evt.submitted_on} 结算送审，未按规定报送财政投资评审"
            f"或审计部门，未经同意擅自委托中介机构“{evt.intermediary}”审核工程结算。"
        ),
        links=links,
        project_id=evt.project_id,
        occurred_on=_day(evt.submitted_on),
    )
