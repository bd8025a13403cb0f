"""Demo data of the visits part (``postaward demo``): inspections of demo
projects in different states, one joint inspection merged from the housing
and transport departments' selections, findings with a rectification order
replied and verified and one overdue, one published result. The demo logins
act (office_staff, housing_staff, transport_staff, office_head,
contractor_admin); every team has two eligible inspectors (R-INS-09)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from postaward.cases.models import EnforcementCertificate
from postaward.core import clock
from postaward.core.actor import SYSTEM, Actor
from postaward.core.errors import DomainError
from postaward.core.simulation import platform_time
from postaward.orgs.actors import actor_for_username
from postaward.orgs.choices import OrgKind
from postaward.orgs.models import Organisation, User
from postaward.projects.choices import ProjectStatus
from postaward.projects.models import Project

from . import conflicts
from . import joint_visits as joint
from . import services_visits as svc
from .models.visits import Disposition, Inspection, ItemResult, RectificationOrder

log = logging.getLogger(__name__)
ITEMS = list(svc.COMMON_ITEMS[:3])


def _cert(username: str) -> EnforcementCertificate | None:
    u = User.objects.filter(username=username).select_related("person").first()
    if u is None or u.person is None:
        return None
    return (
        EnforcementCertificate.objects.select_related("person", "department")
        .filter(person=u.person)
        .first()
    )


def _actor(username: str) -> Actor | None:
    try:
        return actor_for_username(username)
    except Exception:  # a demo without that login
        return None


def _fresh(i: Inspection) -> Inspection:
    return Inspection.objects.get(pk=i.pk)


def _schedule(
    project: Project, dept_key: str, team: list[str], *, start: dt.date, announced: bool = True
) -> Inspection | None:
    certs = [c for c in (_cert(u) for u in team) if c is not None]
    dept = certs[0].department if certs else None
    if dept is None or dept.kind != OrgKind.INDUSTRY_AUTHORITY:
        return None
    if conflicts.team_problem(certs, project, start):
        return None
    actor = _actor("office_staff")
    assert actor is not None
    return svc.schedule_inspection(
        actor,
        project=project,
        department=dept,
        inspectors=certs,
        items=ITEMS,
        period_start=start,
        period_end=start + dt.timedelta(days=14),
        announced=announced,
        kind="random",
        source="manual",
        source_ref=f"{dept_key}双随机抽查",
    )


def _visit(i: Inspection, inspector: Actor, subject_id: int | None, finding: str) -> Inspection:
    if i.announced:
        svc.notify(actor=inspector, obj=_fresh(i))
    svc.start_visit(actor=inspector, obj=_fresh(i))
    first, *rest = list(i.items.all())
    if subject_id:
        svc.record_result(
            actor=inspector,
            obj=_fresh(i),
            item_id=first.pk,
            result=ItemResult.FINDING,
            description=finding,
            subject_org_id=subject_id,
        )
    else:
        rest = [first, *rest]
    for it in rest:
        svc.record_result(
            actor=inspector, obj=_fresh(i), item_id=it.pk, result=ItemResult.COMPLIANT
        )
    return _fresh(i)


def _to_signed_off(i: Inspection, team: list[str], days: int) -> Inspection:
    inspector = _actor(team[0])
    assert inspector is not None
    for f in i.findings.filter(disposition=""):
        svc.dispose(
            actor=inspector,
            obj=_fresh(i),
            finding_id=f.pk,
            disposition=Disposition.RECTIFY,
            note="首次轻微违规，责令限期整改",
            first_minor=True,
            days=days,
        )
    for u in team:
        a = _actor(u)
        if a is not None:
            svc.sign_record(actor=a, obj=_fresh(i))
    svc.report(actor=inspector, obj=_fresh(i), report="检查已完成，发现的问题已责令整改")
    head = _actor("office_head")
    assert head is not None
    svc.sign_off(actor=head, obj=_fresh(i), note="同意，按期公开")
    return _fresh(i)


def _projects(contractor: Organisation | None) -> list[Project]:
    """Projects under construction, the demo contractor's first (its account
    replies to the orders)."""
    qs = Project.objects.filter(
        industry_authority__isnull=False, status=ProjectStatus.UNDER_CONSTRUCTION
    ).order_by("code")
    mine: list[Project] = []
    if contractor is not None:
        mine = list(qs.filter(participants__organisation=contractor).distinct()[:2])
    rest = [p for p in qs[:8] if p not in mine]
    return [*mine, *rest][:6]


def _subject(project: Project, contractor: Organisation | None) -> int | None:
    """The demo contractor when it takes part, else the project's first enterprise."""
    units = conflicts.project_units(project)
    if contractor is not None and contractor.pk in units:
        return contractor.pk
    from postaward.orgs.choices import ENTERPRISE_KINDS

    first = (
        project.participants.filter(organisation__kind__in=ENTERPRISE_KINDS)
        .order_by("pk")
        .values_list("organisation_id", flat=True)
        .first()
    )
    return int(first) if first else None


def seed_demo(b: Any) -> None:
    """A handful of inspections (best effort: a demo without the logins or
    projects gets fewer)."""
    if _actor("office_staff") is None or _cert("office_staff") is None:
        return
    contractor_user = User.objects.filter(username="contractor_admin").first()
    contractor = contractor_user.organisation if contractor_user else None
    projects = _projects(contractor)
    if len(projects) < 4:
        return
    today = clock.today()
    housing = ["housing_staff", "office_staff"]
    transport = ["transport_staff", "office_staff"]
    now = clock.now()
    try:
        _seed(projects, contractor, today, now, housing, transport)
    except DomainError as exc:  # the demo never stops on one inspection
        log.warning("visits demo stopped: %s", exc.message)


def _seed(
    projects: list[Project],
    contractor: Organisation | None,
    today: dt.date,
    now: dt.datetime,
    housing: list[str],
    transport: list[str],
) -> None:
    p_pub, p_over, p_joint, p_sched, *_ = projects
    inspector = _actor("housing_staff")
    if inspector is None:
        return
    # 1. published: a finding ordered, replied and verified, results public
    with platform_time(now - dt.timedelta(days=30)):
        i = _schedule(p_pub, "住建局", housing, start=today - dt.timedelta(days=30))
        if i is not None:
            i = _visit(i, inspector, _subject(p_pub, contractor), "项目经理未在岗")
            i = _to_signed_off(i, housing, 5)
    if i is not None:
        with platform_time(now - dt.timedelta(days=26)):
            _reply_and_verify(i)
        with platform_time(now - dt.timedelta(days=25)):
            svc.publish_results(actor=_actor("office_staff"), obj=_fresh(i))  # type: ignore[arg-type]
    # 2. an order left overdue (unannounced inspection, 不打招呼)
    with platform_time(now - dt.timedelta(days=20)):
        o = _schedule(
            p_over, "住建局", housing, start=today - dt.timedelta(days=20), announced=False
        )
        if o is not None and _subject(p_over, contractor):
            o = _visit(o, inspector, _subject(p_over, contractor), "施工现场安全防护不到位")
            svc.dispose(
                actor=inspector,
                obj=_fresh(o),
                finding_id=o.findings.get().pk,
                disposition=Disposition.RECTIFY,
                note="限期整改安全防护设施",
                first_minor=True,
                days=5,
            )
    # 3. a joint inspection: the housing and transport departments on one project
    a = _schedule(p_joint, "住建局", housing, start=today + dt.timedelta(days=3))
    c = _schedule(p_joint, "交通运输局", transport, start=today + dt.timedelta(days=5))
    office = _actor("office_staff")
    if a is not None and c is not None and office is not None:
        lead = joint.merge(office, lead_id=a.pk, other_ids=[c.pk])
        svc.notify(actor=office, obj=_fresh(lead))
    # 4. scheduled, and one on site with a finding not yet handled
    _schedule(p_sched, "住建局", housing, start=today + dt.timedelta(days=10))
    if len(projects) > 4:
        s = _schedule(projects[4], "住建局", housing, start=today)
        if s is not None:
            _visit(s, inspector, _subject(projects[4], contractor), "监理日志缺失")


def _reply_and_verify(i: Inspection) -> None:
    account = _actor("contractor_admin")
    inspector = _actor("housing_staff")
    for o in RectificationOrder.objects.filter(inspection=i):
        if inspector is None:
            continue
        # the demo contractor's account, or the platform for another enterprise
        subject = account if account and o.subject_org_id == account.organisation_id else SYSTEM
        svc.reply(actor=subject, obj=o, text="项目经理已返岗，附考勤记录")
        svc.verify(
            actor=inspector,
            obj=RectificationOrder.objects.get(pk=o.pk),
            verdict="passed",
            note="经核查已整改到位，销号",
        )
