"""Attendance in the simulated district (``postaward simulate --days N``).

Every day, for each project under construction and each person who must check
in that day (R-ATT-01): most check in twice at least four hours apart inside
the fence (jittered positions and GPS accuracy, an occasional bad fix or a
first try outside the gate, an occasional network retry with the same key),
some once, some not at all; a few ask for leave the day before and the owner
approves it with the two documents (R-ATT-05); about one in a hundred cheats
(mock location, a colleague's phone) and the owner confirms it the next day
(R-ATT-04). Owner's project leaders patrol every 3 to 8 days, sometimes too
briefly (R-ATT-06); owners set the stages of the technical lead and the
specialist engineer (R-ATT-01) and close the interviews that come due
(R-ATT-07/08). Suspensions and resumptions (R-PRJ-07) come from the projects
app's activities, which run earlier the same day.

The sweep closes the day, refreshes the month to date, closes the month on the
1st, and anchors the day's check-ins into the audit chain. Everything goes
through the services, in one transaction per day. On a fresh district (no
check-in yet) the days of the current month before the first simulated day are
lived first, so that the month's rates are about attendance, not missing data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import random
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q

from postaward.core import simulation as simulate
from postaward.core.actor import SYSTEM, Actor
from postaward.core.errors import DomainError
from postaward.core.files import minimal_pdf
from postaward.orgs.actors import actor_for
from postaward.orgs.choices import Role
from postaward.orgs.models import Person, User
from postaward.projects.choices import ProjectStatus
from postaward.projects.models import KeyPersonAssignment, Project

from . import duty as duty_mod
from . import services
from .choices import VALID_DAY_SPAN, InterviewKind, InterviewState, Review
from .models import AttendanceInterview, CheckIn, Patrol

# Shares of a duty person-day (the rest: a normal day, two check-ins).
ONE_CHECKIN = 0.04
ABSENT = 0.03
LEAVE_REQUEST = 0.012  # asked the day before, for 1-3 days
CHEAT = 0.01
BAD_FIX = 0.02  # a fix worse than 150 m first, then a good one
OUTSIDE_FIRST = 0.02  # a first try still outside the gate
NETWORK_RETRY = 0.01  # the same submission sent twice (same key)

METRES_PER_DEGREE = 111_320.0


@dataclass
class Submission:
    at: dt.datetime
    actor: Actor
    project: Project
    lon: float
    lat: float
    accuracy_m: float
    device_id: str
    key: str
    client_at: dt.datetime
    mock_location: bool = False
    retry: bool = False


_actors: dict[tuple[int, frozenset[str]], Actor] = {}


def _person_actor(person: Person, users: dict[int, User], roles: frozenset[str]) -> Actor:
    """The person's own account if they have one, otherwise the same facts."""
    cached = _actors.get((person.pk, roles))
    if cached is not None:
        return cached
    user = users.get(person.pk)
    if user is not None:
        _actors[(person.pk, roles)] = actor_for(user)
        return _actors[(person.pk, roles)]
    org = person.organisation
    _actors[(person.pk, roles)] = Actor(
        user_id=None,
        username=f"sim-{person.pk}",
        display_name=person.name,
        organisation_id=org.pk,
        org_path=org.path,
        org_kind=org.kind,
        org_name=org.name,
        roles=roles,
        person_id=person.pk,
    )
    return _actors[(person.pk, roles)]


def _point_near(project: Project, rng: random.Random, within: float) -> tuple[float, float]:
    """A point at most ``within`` × the site's radius from its centre (metres → degrees)."""
    site = project.site
    radius = site.radius_m if site and site.kind == "circle" else 25.0
    d = radius * within * math.sqrt(rng.random())
    theta = rng.uniform(0, 2 * math.pi)
    lat0 = site.center_lat if site else 30.0
    lon0 = site.center_lon if site else 120.0
    dlat = d * math.cos(theta) / METRES_PER_DEGREE
    dlon = d * math.sin(theta) / (METRES_PER_DEGREE * math.cos(math.radians(lat0)))
    return round(lon0 + dlon, 7), round(lat0 + dlat, 7)


def _accuracy(rng: random.Random) -> float:
    return round(min(60.0, max(3.0, rng.lognormvariate(math.log(9), 0.45))), 1)


def _files(kind: str, day: dt.date) -> tuple[ContentFile, ContentFile]:
    return (
        ContentFile(
            minimal_pdf([f"{kind} approval form {day:%Y-%m-%d}"]), name=f"{kind}-审批单.pdf"
        ),
        ContentFile(minimal_pdf([f"{kind} evidence {day:%Y-%m-%d}"]), name=f"{kind}-证明.pdf"),
    )


@simulate.daily(order=70)
def attendance_day(sim: simulate.SimDay) -> None:
    if sim.day.day > 1 and not CheckIn.objects.filter(local_date__lt=sim.day).exists():
        _backfill(sim)
    _one_day(sim)


def _backfill(sim: simulate.SimDay) -> None:
    """A fresh district has no attendance history: live the days of this month
    before the first simulated day too, so that the month's rates (and the
    closing on the 1st) are about attendance, not about missing data."""
    for past in duty_mod.daterange(sim.day.replace(day=1), sim.day - dt.timedelta(days=1)):
        earlier = simulate.SimDay(day=past, rng=sim.rng)
        with simulate.platform_time(earlier.at(8)):
            _one_day(earlier)
        with simulate.platform_time(earlier.at(23, 30)):
            attendance_sweep(earlier)


def _one_day(sim: simulate.SimDay) -> None:
    projects = list(
        Project.objects.select_related("owner", "owner_leader__organisation").filter(
            status__in=[ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.SUSPENDED]
        )
    )
    _actors.clear()
    users = {
        u.person_id: u
        for u in User.objects.select_related("organisation", "person").filter(
            person_id__isnull=False, is_active=True
        )
    }
    with transaction.atomic():
        _owner_morning(sim, projects, users)
        _stages(sim, projects, users)
        submissions = _checkins_of_the_day(sim, projects, users)
        for s in sorted(submissions, key=lambda s: (s.at, s.key)):
            with simulate.platform_time(s.at), contextlib.suppress(DomainError):
                services.check_in(
                    actor=s.actor,
                    project_id=s.project.pk,
                    lon=s.lon,
                    lat=s.lat,
                    accuracy_m=s.accuracy_m,
                    idempotency_key=s.key,
                    client_at=s.client_at,
                    device_id=s.device_id,
                    mock_location=s.mock_location,
                    user_agent="postaward-simulator",
                )
        _patrols(sim, projects, users)


def _checkins_of_the_day(  # noqa: C901, PLR0915 — the simulated day told top to bottom; simulation only
    sim: simulate.SimDay, projects: list[Project], users: dict[int, User]
) -> list[Submission]:
    rng, day = sim.rng, sim.day
    active = [p for p in projects if p.status == ProjectStatus.UNDER_CONSTRUCTION and p.site]
    assignments = list(
        KeyPersonAssignment.objects.select_related("person__organisation")
        .filter(project__in=active, must_check_in=True, started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        .order_by("project_id", "id")
    )
    duties = duty_mod.load_many(active, day, day, [a.pk for a in assignments])
    by_pk = {p.pk: p for p in active}
    out: list[Submission] = []
    done_today: dict[int, list[Submission]] = {}
    serial = 0

    def submit(a: KeyPersonAssignment, actor: Actor, at: dt.datetime, **kw) -> Submission:  # type: ignore[no-untyped-def]
        nonlocal serial
        serial += 1
        project = by_pk[a.project_id]
        lon, lat = kw.pop("point", None) or _point_near(project, rng, 0.85)
        skew = dt.timedelta(seconds=rng.randint(-20, 20))
        if rng.random() < 0.01:
            skew = dt.timedelta(minutes=rng.choice([-17, 14, 25]))  # a phone with a wrong clock
        s = Submission(
            at=at,
            actor=actor,
            project=project,
            lon=lon,
            lat=lat,
            accuracy_m=kw.pop("accuracy_m", None) or _accuracy(rng),
            device_id=kw.pop("device_id", None) or f"sim-dev-{a.person_id}",
            key=f"sim-{day:%Y%m%d}-{a.person_id}-{serial}",
            client_at=at + skew,
            **kw,
        )
        out.append(s)
        done_today.setdefault(a.project_id, []).append(s)
        if rng.random() < NETWORK_RETRY:  # the phone did not see the answer and resent it
            out.append(
                Submission(**{**s.__dict__, "at": at + dt.timedelta(seconds=3), "retry": True})
            )
        return s

    # One plan per person: most hold one position; a person on two projects
    # splits the day (morning at one site, afternoon at the other).
    per_person: dict[int, list[KeyPersonAssignment]] = {}
    for a in assignments:
        status, _ = duties[a.project_id].status(a, day)
        if status is None:  # not suspended, non-construction, outside the stage, on leave
            per_person.setdefault(a.person_id, []).append(a)
    for group in per_person.values():
        roll = rng.random()
        start = sim.at(7, rng.randint(20, 59), rng.randint(0, 59)) + dt.timedelta(
            minutes=rng.choice([0, 0, 0, 30, 60, 90])
        )
        split = len(group) > 1
        for slot, a in enumerate(group[:2]):
            project = by_pk[a.project_id]
            actor = _person_actor(a.person, users, frozenset({a.position}))
            if slot == 0 and roll < LEAVE_REQUEST:
                _ask_leave(sim, a, actor, project, users)
            if roll < ABSENT:
                continue
            if split:
                first = min(start, sim.at(8, 10)) if slot == 0 else sim.at(13, rng.randint(0, 30))
                span = dt.timedelta(hours=rng.uniform(4.1, 4.4))
            else:
                first = start
                span = dt.timedelta(hours=rng.uniform(4.3, 9.5))
            if roll < ABSENT + CHEAT:
                _cheat(sim, a, actor, first, submit, done_today)
                continue
            if rng.random() < BAD_FIX:
                submit(a, actor, first - dt.timedelta(minutes=2), accuracy_m=rng.uniform(160, 400))
            if rng.random() < OUTSIDE_FIRST:
                submit(
                    a, actor, first - dt.timedelta(minutes=5), point=_point_near(project, rng, 3.0)
                )
            submit(a, actor, first)
            if roll < ABSENT + CHEAT + ONE_CHECKIN:
                continue
            second = min(first + span, sim.at(21, 30))
            if second - first >= VALID_DAY_SPAN:
                submit(a, actor, second)
    return out


def _cheat(sim, a, actor, first, submit, done_today) -> None:  # type: ignore[no-untyped-def]
    """Mock location from home, or a colleague checks in on the person's behalf."""
    rng = sim.rng
    colleagues = [s for s in done_today.get(a.project_id, []) if s.actor.person_id != a.person_id]
    if colleagues and rng.random() < 0.5:
        other = rng.choice(colleagues)
        submit(a, actor, other.at + dt.timedelta(minutes=2), device_id=other.device_id)
        submit(a, actor, other.at + dt.timedelta(hours=5, minutes=3), device_id=other.device_id)
    else:
        submit(a, actor, first, mock_location=True, accuracy_m=1.0)
        submit(a, actor, first + dt.timedelta(hours=8), mock_location=True, accuracy_m=1.0)


def _ask_leave(sim, a, actor, project, users) -> None:  # type: ignore[no-untyped-def]
    """Asked today for tomorrow (R-ATT-05); the owner approves with both files, or not."""
    rng = sim.rng
    starts = sim.day + dt.timedelta(days=1)
    ends = starts + dt.timedelta(days=rng.choice([0, 0, 1, 2]))
    with simulate.platform_time(sim.at(12, rng.randint(0, 59))):
        try:
            leave = services.request_leave(
                actor=actor,
                assignment=a,
                starts_on=starts,
                ends_on=ends,
                reason=rng.choice(
                    ["就医复查", "家中有事", "参加安全生产培训", "子女升学", "处理家事"]
                ),
            )
        except DomainError:
            return
    owner = _owner_actor(project, users)
    if owner is None:
        return
    with simulate.platform_time(sim.at(17, rng.randint(0, 59))):
        try:
            if rng.random() < 0.9:
                form, evidence = _files("leave", sim.day)
                services.decide_leave(
                    actor=owner, leave=leave, approve=True, approval_form=form, evidence=evidence
                )
            else:
                services.decide_leave(
                    actor=owner, leave=leave, approve=False, note="工程关键节点，请另行安排"
                )
        except DomainError:
            pass


def _owner_actor(project: Project, users: dict[int, User]) -> Actor | None:
    person = project.owner_leader
    if person is None:
        return None
    return _person_actor(person, users, frozenset({Role.OWNER_PROJECT_LEADER}))


def _owner_morning(sim: simulate.SimDay, projects: list[Project], users: dict[int, User]) -> None:
    """The owner reviews yesterday's suspicious check-ins and closes due interviews."""
    rng = sim.rng
    by_pk = {p.pk: p for p in projects}
    pending = CheckIn.objects.filter(review=Review.PENDING, local_date__lt=sim.day).order_by("at")
    for c in pending:
        project = by_pk.get(c.project_id)
        owner = _owner_actor(project, users) if project else None
        if owner is None:
            continue
        codes = {s["code"] for s in c.signals}
        cheat = bool(codes & {"mock_location", "shared_device", "replay"})
        with (
            simulate.platform_time(sim.at(9, rng.randint(0, 59))),
            contextlib.suppress(DomainError),
        ):
            services.review_checkin(
                actor=owner,
                checkin=c,
                confirm=cheat,
                note="经现场核实，当日本人未到岗，系代打卡/虚拟定位"
                if cheat
                else "已电话核实，本人在岗",
            )
    due = AttendanceInterview.objects.filter(
        state=InterviewState.DUE, created_at__lt=sim.at(0) - dt.timedelta(days=2)
    ).order_by("created_at")
    for it in due:
        project = by_pk.get(it.project_id)
        owner = _owner_actor(project, users) if project else None
        if owner is None or rng.random() < 0.6:
            continue
        record, _ = _files("interview", sim.day)
        low = it.kind == InterviewKind.LOW_MONTHLY_RATE
        with (
            simulate.platform_time(sim.at(15, rng.randint(0, 59))),
            contextlib.suppress(DomainError),
        ):
            services.close_interview(
                actor=owner,
                interview=it,
                held_on=sim.day,
                record=record,
                penalty_note="按施工合同第17条扣减履约保证金5000元" if low else "",
                criticism_note=f"建设单位通报〔{sim.day.year}〕{rng.randint(3, 60)}号"
                if low
                else "",
            )


STAGE_NAMES = ["基础施工", "主体结构施工", "机电安装", "装饰装修", "管网铺设"]


def _stages(sim: simulate.SimDay, projects: list[Project], users: dict[int, User]) -> None:
    """Most owners set the stages in which the technical lead and the specialist
    engineer check in (R-ATT-01); a third leave them unset (no duty)."""
    from postaward.projects import services as project_services
    from postaward.projects.choices import STAGED_POSITIONS
    from postaward.projects.models import CheckinStage

    rng = sim.rng
    active = [p for p in projects if p.status == ProjectStatus.UNDER_CONSTRUCTION and p.pk % 3]
    staged = set(
        KeyPersonAssignment.objects.filter(
            project__in=active, position__in=STAGED_POSITIONS, must_check_in=True
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=sim.day))
        .values_list("project_id", "position")
    )
    covered = set(
        CheckinStage.objects.filter(project__in=active, ends_on__gte=sim.day).values_list(
            "project_id", "position"
        )
    )
    by_pk = {p.pk: p for p in active}
    for pid, position in sorted(staged - covered):
        owner = _owner_actor(by_pk[pid], users) or SYSTEM
        with simulate.platform_time(sim.at(8, 5)), contextlib.suppress(DomainError):
            project_services.set_checkin_stage(
                actor=owner,
                project=by_pk[pid],
                position=position,
                name=rng.choice(STAGE_NAMES),
                starts_on=sim.day,
                ends_on=sim.day + dt.timedelta(days=rng.randint(45, 150)),
            )


def _patrols(sim: simulate.SimDay, projects: list[Project], users: dict[int, User]) -> None:
    """Owner's project leaders walk the site every 3-8 days, one in ten too briefly."""
    rng = sim.rng
    active = [
        p
        for p in projects
        if p.status == ProjectStatus.UNDER_CONSTRUCTION and p.owner_leader_id and p.site
    ]
    last: dict[int, dt.datetime] = {}
    for pid, at in (
        Patrol.objects.filter(project__in=active, valid=True)
        .order_by("project_id", "-started_at")
        .values_list("project_id", "started_at")
    ):
        last.setdefault(pid, at)
    busy: set[int] = set()
    for p in active:
        since = (sim.day - last[p.pk].date()).days if p.pk in last else 99
        if since < rng.randint(3, 8) or p.owner_leader_id in busy:
            continue
        busy.add(p.owner_leader_id)  # type: ignore[arg-type]
        owner = _owner_actor(p, users)
        if owner is None:
            continue
        start = sim.at(rng.choice([9, 10, 14, 15]), rng.randint(0, 50))
        minutes = rng.uniform(4, 8) if rng.random() < 0.1 else rng.uniform(12, 35)
        try:
            with simulate.platform_time(start):
                patrol = services.start_patrol(actor=owner, project=p)
            t = start
            while t <= start + dt.timedelta(minutes=minutes):
                lon, lat = _point_near(p, rng, 0.9)
                with simulate.platform_time(t):
                    services.add_patrol_point(
                        actor=owner, patrol=patrol, lon=lon, lat=lat, accuracy_m=_accuracy(rng)
                    )
                # Sparser than the page (every ~20 s): a point every 2-3 minutes
                # shows the same time on site at a tenth of the rows.
                t += dt.timedelta(seconds=rng.randint(120, 200))
            with simulate.platform_time(t):
                services.end_patrol(
                    actor=owner,
                    patrol=patrol,
                    note=rng.choice(
                        ["现场文明施工良好", "脚手架连墙件缺失，已要求整改", "关键岗位人员在岗"]
                    ),
                )
        except DomainError:
            continue


@simulate.sweep(order=40)
def attendance_sweep(sim: simulate.SimDay) -> None:
    """What the scheduled tasks do: close the day, the month to date, the month
    on the 1st, and anchor the check-ins into the audit chain."""
    services.close_day(sim.day)
    last_month = sim.day - dt.timedelta(days=1)
    if sim.day.day == 1 and CheckIn.objects.filter(local_date__lte=last_month).exists():
        # The month's closing with its consequences (R-ATT-08), once the
        # simulated history covers that month.
        services.close_month(last_month)
    services.close_month(sim.day, detect=False)
    services.anchor_pending(actor=SYSTEM)
