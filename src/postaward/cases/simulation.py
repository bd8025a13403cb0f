"""The cases in the demo and the simulator (issue 14).

``seed_demo``: the enforcement staff pool (certificates for the office's and the
departments' staff) and a few cases in different stages. ``cases_day``: on
working days the office opens cases from accepted complaints and verified
suspected issues (through their own steps, taken by name from the step
registry: the siblings are never imported), and drives open cases one step a
day, some of them to a penalty. Choices are drawn from the case number or the
receipt number, never from a database id (ids differ between SQLite and PG).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from typing import Any

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from postaward.core import business_calendar, clock, steps
from postaward.core import simulation as simulate
from postaward.core.actor import SYSTEM
from postaward.core.errors import DomainError
from postaward.core.files import minimal_pdf
from postaward.orgs.choices import OrgKind, Role
from postaward.orgs.models import Organisation, User

from . import services
from .choices import Source, State
from .models import Case, EnforcementCertificate

log = logging.getLogger(__name__)
POOL_ROLES = (Role.OFFICE_STAFF, Role.AUTHORITY_STAFF, Role.UNIT_LEADER)


def ensure_pool() -> int:
    """An enforcement certificate for every active staff member of the office
    and the industry authorities (numbered from the username: deterministic)."""
    made = 0
    users = (
        User.objects.filter(
            is_active=True,
            person__isnull=False,
            organisation__kind__in=(OrgKind.SUPERVISION_OFFICE, OrgKind.INDUSTRY_AUTHORITY),
            role_grants__role__in=POOL_ROLES,
        )
        .select_related("person", "organisation")
        .distinct()
        .order_by("username")
    )
    for u in users:
        if EnforcementCertificate.objects.filter(person=u.person).exists():
            continue
        EnforcementCertificate.objects.create(
            person=u.person,
            number=f"浙执33-{EnforcementCertificate.objects.count() + 1:04d}",
            department=u.organisation,
            valid_until=dt.date(clock.today().year + 3, 12, 31),
        )
        made += 1
    return made


def _pool(dept_id: int, office_id: int) -> tuple[int | None, list[int]]:
    """The leader (from the competent department) and a member of the office."""
    leader = EnforcementCertificate.objects.filter(department_id=dept_id).order_by("number").first()
    member = (
        EnforcementCertificate.objects.filter(department_id=office_id).order_by("number").first()
    )
    if leader is None:
        leader, member = member, None
    return (leader.pk if leader else None), ([member.pk] if member else [])


def _data(c: Case, name: str) -> Any:
    today = clock.today()
    return {
        "assign_team": lambda: dict(
            zip(("leader_id", "member_ids"), _pool(c.department_id, c.office_id), strict=True)
        ),
        "submit_report": lambda: {
            "report": "经现场核查、调阅考勤和询问有关人员，反映问题基本属实。",
            "proposal": "建议立案查处",
        },
        "deliberate": lambda: {"opinion": "同意调查组意见，提请案件会审"},
        "hold_meeting": lambda: {
            "held_on": today,
            "agenda": f"审议{c.party_name}案",
            "attendees": "监管办负责人、主管部门负责人、调查组",
            "minutes": "会审认为事实清楚、证据充分，同意移交主管部门立案。",
        },
        "file_case": lambda: {"note": "同意立案"},
        "final_report": lambda: {
            "evidence_review": "证据确实充分，程序合法",
            "measure": "罚款2万元；责令改正",
            "fine_yuan": "20000",
            "points": 4,
            "basis": "《建设工程质量管理条例》第六十条",
        },
        "approve_penalty": lambda: {"note": "同意"},
        "notify": dict,
        "decide": lambda: {"waived": True},
        "deliver": lambda: {
            "method": "in_person",
            "delivered_on": today,
            "proof": SimpleUploadedFile("送达回证.pdf", minimal_pdf(["delivery receipt"])),
        },
        "credit_entry": dict,
        "sign_off_publication": dict,
        "feedback": lambda: {
            "recipients": f"{c.party_name}、{c.department.name}",
            "text": "处理结果已书面反馈",
        },
        "close": dict,
    }[name]()


NEXT: dict[str, str] = {
    State.REGISTERED: "assign_team",
    State.INVESTIGATING: "submit_report",
    State.REPORTED: "deliberate",
    State.DELIBERATED: "hold_meeting",
    State.REVIEWED: "file_case",
    State.FILED: "final_report",
    State.FINAL_REPORTED: "approve_penalty",
    State.PENALTY_APPROVED: "notify",
    State.NOTIFIED: "decide",
    State.DECIDED: "deliver",
    State.DELIVERED: "credit_entry",
    State.CREDIT_ENTERED: "sign_off_publication",
    State.SIGNED_OFF: "feedback",
    State.FED_BACK: "close",
}


def advance(c: Case) -> bool:
    """Take the case's next step as the platform (the simulator)."""
    name = NEXT.get(c.state)
    if name is None:
        return False
    step = steps.get("cases.case", name)
    try:
        steps.take(step, c, SYSTEM, _data(c, name))
    except DomainError as exc:
        log.info("case %s: %s refused: %s", c.number, name, exc.message)
        return False
    return True


def _by_hand(project: Any, office: Organisation, i: int) -> Case | None:
    if project.industry_authority_id is None:
        return None
    party = project.participants.select_related("organisation").order_by("role").first()
    name = party.organisation.name if party else project.name
    return services.open_case(
        actor=SYSTEM,
        office=office,
        source=[Source.ASSIGNED, Source.INSPECTION, Source.MANUAL][i % 3],
        title=["项目经理长期不在岗", "未按规定组织隐蔽工程验收", "擅自变更施工方案"][i % 3],
        facts=f"{project.name}：{['项目经理长期不在岗，现场由他人代管', '隐蔽工程未经验收即覆盖', '未经批准擅自变更施工方案'][i % 3]}（演示数据）",
        party_name=name,
        party_org_id=party.organisation_id if party else None,
        project=project,
        source_ref=["市监管办交办〔2026〕2号", "检查记录 JC-2026-01", ""][i % 3],
        source_key=f"demo:{project.code}",
    )


def seed_demo(b: Any = None) -> None:
    """The pool and four cases: registered, investigating, filed, and one
    taken to the credit entry."""
    from postaward.projects.models import Project

    ensure_pool()
    office = Organisation.objects.filter(kind=OrgKind.SUPERVISION_OFFICE).order_by("path").first()
    if office is None:
        return
    projects = Project.objects.filter(industry_authority__isnull=False).order_by("code")[:4]
    targets = [State.REGISTERED, State.INVESTIGATING, State.FILED, State.CREDIT_ENTERED]
    for i, (p, target) in enumerate(zip(projects, targets, strict=False)):
        c = _by_hand(p, office, i)
        while c is not None and c.state != target and advance(c):
            c = Case.objects.get(pk=c.pk)


def _open_from(
    model_label: str, wf: str, states: tuple[str, ...], order: str, day_seed: float
) -> None:
    """The office opens a case on one waiting source a day (30 %)."""
    try:
        app_label, model_name = model_label.split(".")
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return
    step = steps.get(wf, "open_case")
    for obj in model.objects.filter(
        state__in=states, case_requested_at__isnull=True, project__isnull=False
    ).order_by(order)[:20]:
        rng = random.Random(f"{day_seed}-{getattr(obj, order.lstrip('-'))}")
        if rng.random() < 0.3:
            try:
                steps.take(
                    step,
                    obj,
                    SYSTEM,
                    {
                        "title": str(obj.title if hasattr(obj, "title") else "投诉举报反映的问题")[
                            :200
                        ]
                    },
                )
            except DomainError:
                continue
            return


@simulate.daily(order=75)
def cases_day(sim: simulate.SimDay) -> None:
    if not business_calendar.is_working_day(sim.day):
        return
    day_seed = sim.rng.random()
    with simulate.platform_time(sim.at(11)):
        ensure_pool()
        _open_from(
            "complaints.Complaint",
            "complaints.complaint",
            ("accepted", "closed"),
            "receipt_number",
            day_seed,
        )
        _open_from("alerts.SuspectedIssue", "alerts.issue", ("verified",), "created_at", day_seed)
        for c in (
            Case.objects.exclude(state=State.CLOSED).select_related("department").order_by("number")
        ):
            rng = random.Random(f"{day_seed}-{c.number}")
            if rng.random() < 0.5:
                advance(c)


__all__ = ["advance", "cases_day", "ensure_pool", "seed_demo"]
