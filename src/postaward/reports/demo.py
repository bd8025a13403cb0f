"""The demo district's reports data: a typical case under supervision on the
demo owner's project (``owner_admin`` / ``owner_leader``'s unit), marked from
one of its alerts when it has one, with one progress entry from the owner, and
one closed on another project; the monthly reports; last month's data-meeting
pack."""

from __future__ import annotations

from typing import Any


def seed_demo(b: Any) -> None:
    """Called by ``postaward.demo`` once the other capabilities' demo data exist."""
    from postaward.orgs.actors import actor_for
    from postaward.orgs.models import User
    from postaward.projects.models import Project

    from . import services_cases
    from .choices import CaseSource
    from .models import TypicalCase

    seed_monthly(b)
    seed_meeting(b)
    if TypicalCase.objects.exists():
        return
    users = {
        u.username: u
        for u in User.objects.filter(username__in=("office_staff", "owner_leader")).select_related(
            "organisation", "person"
        )
    }
    if len(users) < 2:
        return
    office = actor_for(users["office_staff"])
    owner = users["owner_leader"].organisation
    projects = list(Project.objects.filter(owner=owner).order_by("pk")[:1])
    if not projects:
        return
    projects += list(
        Project.objects.visible_to(office).exclude(pk=projects[0].pk).order_by("pk")[:1]
    )
    # marked from one of the project's alerts (the 列入典型案例 button, ADR 0931)
    from postaward.alerts import selectors as alert_selectors

    alert = alert_selectors.alerts_for(office).filter(project=projects[0]).order_by("pk").first()
    case = services_cases.mark(
        actor=office,
        project_id=projects[0].pk,
        problem="项目经理多次缺勤，关键岗位人员到岗率连续低于规定，群众反映集中",
        measures="约谈建设单位和施工单位负责人；责令施工单位落实项目经理到岗，每周报送到岗情况",
        days=20,
        source=CaseSource.ALERT,
        source_id=alert.pk if alert is not None else None,
    )
    services_cases.record_progress(
        actor=actor_for(users["owner_leader"]),
        obj=case,
        text="已约谈施工单位，项目经理本周起每日到岗打卡，下周提交到岗情况说明",
    )
    if len(projects) > 1:
        other = services_cases.mark(
            actor=office,
            project_id=projects[1].pk,
            problem="隐蔽工程未经监理验收即覆盖，信访反映集中",
            measures="责令建设单位组织剥离复验，监理单位书面说明",
            days=10,
            source=CaseSource.COMPLAINT,
        )
        services_cases.close(
            actor=office, obj=other, note="已剥离复验合格，监理单位已作出书面说明，整改到位"
        )


def seed_monthly(b: Any) -> None:
    """The monthly reports of the latest month whose 20th has passed (R-REP-02):
    every reporting department drafted from its data and submitted on the due
    day, except the transport bureau's, submitted two days late (its deadline
    closed as missed, raised as an alert); the DRC's summary assembled and
    submitted if its 25th has passed too, else left as a draft."""
    import datetime as dt

    from postaward.core import clock
    from postaward.orgs.actors import actor_for
    from postaward.orgs.choices import Industry, OrgKind
    from postaward.orgs.models import Organisation, User

    from . import monthly_dates as md
    from . import services_monthly as sm
    from .models import MonthlyReport

    office = Organisation.objects.filter(kind=OrgKind.SUPERVISION_OFFICE).order_by("path").first()
    if office is None or MonthlyReport.objects.exists():
        return
    today = clock.today()
    year, month = sm.last_month(today)
    if md.due_on(year, month, summary=False) >= today:
        year, month = sm.last_month(dt.date(year, month, 1))

    def at(day: dt.date, hour: int) -> Any:
        from postaward.core.simulation import platform_time

        moment = dt.datetime.combine(day, dt.time(hour), tzinfo=clock.LOCAL_TZ)
        return platform_time(min(moment, clock.now()))

    def writer(unit: Organisation) -> Any:
        user = (
            User.objects.filter(
                organisation=unit, is_active=True, role_grants__role__in=sm.WRITER_ROLES
            )
            .select_related("organisation", "person")
            .order_by("pk")
            .first()
        )
        return actor_for(user) if user else None

    with at(md.first_of_next(year, month), 8):
        reports = sm.open_month(office, year, month)
    due = md.due_on(year, month, summary=False)
    for r in reports:
        if r.summary:
            continue
        actor = writer(r.department)
        if actor is None:
            continue
        late = r.department.industry == Industry.TRANSPORT
        with at(due - dt.timedelta(days=2), 9):
            r = sm.draft(actor=actor, report=r)
        day = due + dt.timedelta(days=2) if late else due
        with at(day, 10):
            sm.submit(actor=actor, obj=r)
    summary = next((r for r in reports if r.summary), None)
    coordinator = writer(summary.department) if summary else None
    if summary is None or coordinator is None:
        return
    summary_due = md.due_on(year, month, summary=True)
    with at(min(summary_due, today), 9):
        summary = sm.draft(actor=coordinator, report=summary)
    if summary_due < today:
        with at(summary_due, 15):
            sm.submit(actor=coordinator, obj=summary)


def seed_meeting(b: Any) -> None:
    """Last month's data-meeting pack of the demo office (R-REP-03), generated
    by its staff: the indicators, the charts, Word and PDF, the proposals; no
    decision recorded yet (the office records them at the meeting)."""
    from postaward.orgs.actors import actor_for
    from postaward.orgs.models import User

    from . import services_meeting, services_monthly
    from .models import MeetingPack

    user = (
        User.objects.filter(username="office_staff")
        .select_related("organisation", "person")
        .first()
    )
    if user is None or MeetingPack.objects.exists():
        return
    year, month = services_monthly.last_month()
    services_meeting.generate(actor=actor_for(user), year=year, month=month)
