"""Complaints and reports in the simulated district (``postaward simulate``).

Every simulated day a few filings arrive through every channel: online (the
public window, no account), the 12345 hotline, letters and visits registered by
the office's staff, handed down from above and passed on by other units;
complaints (投诉) by a party or an interested party, reports (举报) by anyone,
named or anonymous, most about a project of the registry, some naming a
project the registry does not know. On working days the office decides: most
filings within the legal clock, now and then one waits past it (the clock is
missed and the alert follows through the deadline → alert routing); about one
in five is not accepted, with reasons from the list. Most accepted ones are
transferred down the project's chain to a unit with an account (the owner
first), which replies within its handling deadline or, sometimes, after it;
the office sends a reply back once now and then, approves the others and
closes with the outcome and the answer (a substantiated one publishes
``ComplaintVerified``); the rest the office handles itself and closes.

Every step is taken through the step registry (``core.steps.take``) as the
account that takes it on the page: the office's staff, the unit's account. The
day's draws come from the simulator's generator; each filing's from a
generator seeded by the day's draw and its receipt number (never a database
id: ids differ between SQLite and PostgreSQL), in receipt-number order, so
what happens to one filing does not depend on which others exist. The
deadline sweep is the approvals capability's (``approvals_sweep``).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from typing import Any

from postaward.core import business_calendar, clock, deadlines, steps
from postaward.core import simulation as simulate
from postaward.core.actor import ANONYMOUS, Actor
from postaward.core.errors import DomainError
from postaward.core.idcheck import make_resident_id
from postaward.orgs.actors import actor_for
from postaward.orgs.choices import OrgKind
from postaward.orgs.models import Organisation, User
from postaward.projects.choices import ParticipantRole
from postaward.projects.models import Participant, Project

from . import limits, services
from . import steps as cs
from .choices import Channel, FilerStanding, Kind, Outcome, RejectReason, State
from .deadline_kinds import CLOCKS
from .models import UNIT_ROLES, Complaint
from .services.handling import MAX_HANDLING_DAYS, close_deadline_day

log = logging.getLogger(__name__)

# channel, weight (online filings come on any day; the others on working days)
CHANNELS = [
    (Channel.ONLINE, 4),
    (Channel.HOTLINE, 2),
    (Channel.LETTER, 1),
    (Channel.VISIT, 1),
    (Channel.ASSIGNED, 1),
    (Channel.OTHER_UNIT, 1),
]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高"
GIVEN = ["建国", "秀英", "志强", "桂芳", "德明", "丽华", "海涛", "永福", "晓燕", "国平"]
MATTERS = [
    ("项目经理长期不在岗，现场由他人代管，与投标承诺不符", "请依法查处并责令项目经理到岗履职"),
    ("中标后将主体工程转包给无资质的个人施工", "请核查转包情况并依法处理"),
    ("施工现场使用的钢筋规格与设计不符，存在质量隐患", "请责令整改并对已完工部分进行检测"),
    ("拖欠农民工工资三个月，多次讨要无果", "请督促施工单位足额支付工资"),
    ("评标结果公示后更换了主要技术负责人，未经建设单位同意", "请核实人员变更是否合规"),
    ("夜间违规施工，噪声扰民，扬尘未采取防护措施", "请责令规范施工"),
    ("监理人员不在现场，隐蔽工程未经旁站即浇筑混凝土", "请查处监理单位失职行为"),
]
OUTSIDE = ["城东农贸市场改造工程", "滨江路沿线绿化提升工程", "某小区加装电梯项目"]
REJECTIONS = [
    ([RejectReason.NO_FACTS], "所反映内容缺少具体事实和证据，可补充材料后重新提出"),
    ([RejectReason.NOT_A_PARTY], "投诉人与所投诉事项无直接利害关系，可按举报途径反映"),
    ([RejectReason.OUT_OF_SCOPE], "所反映事项不属于政府投资项目标后监管范围，已告知向有关部门反映"),
    ([RejectReason.ALREADY_HANDLED], "同一事项已于此前作出处理决定，本次未提供新的事实和证据"),
]
TRANSFER_NOTES = [
    "请组织核查所反映问题，形成书面办理情况并附佐证材料",
    "请实地核实并督促责任单位整改，按期反馈办理结果",
]
REPLIES = [
    "经现场核查，所反映情况基本属实，已责令施工单位限期整改，整改情况已复查",
    "经调阅考勤记录和约谈项目经理，反映问题部分属实，已责令按投标承诺到岗",
    "经核查监理日志和现场影像资料，未发现所反映问题，已向相关单位核实",
]
SEND_BACKS = ["办理情况未附佐证材料，请补充现场照片和整改记录", "回复未说明对责任人的处理，请补充"]
ANSWERS = {
    Outcome.SUBSTANTIATED: "经核查，您反映的问题属实。已责令相关单位整改，并按规定纳入信用评价。",
    Outcome.PARTLY: "经核查，您反映的问题部分属实，已责令相关单位限期整改并跟踪落实。",
    Outcome.NOT_SUBSTANTIATED: "经核查，未发现您反映的问题，核查情况已存档。感谢您的监督。",
}


def _try(step: steps.Step, c: Complaint, actor: Actor, data: dict[str, Any]) -> Any:
    """Take a step as the user would on its page; a refusal is logged, not raised."""
    try:
        return steps.take(step, c, actor, data).result
    except DomainError as exc:
        log.debug("simulated %s refused on %s: %s", step.name, c.receipt_number, exc.message)
        return None


def _first_user(org_id: int, roles: frozenset[str]) -> User | None:
    return (
        User.objects.filter(
            organisation_id=org_id, is_active=True, role_grants__role__in=list(roles)
        )
        .select_related("organisation", "person")
        .order_by("username")
        .first()
    )


class _Actors:
    """The accounts that act, found once a day (by username, never by id)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int], Actor | None] = {}

    def _get(self, key: str, org_id: int, roles: frozenset[str]) -> Actor | None:
        if (key, org_id) not in self._cache:
            user = _first_user(org_id, roles)
            self._cache[(key, org_id)] = actor_for(user) if user else None
        return self._cache[(key, org_id)]

    def office(self, org_id: int) -> Actor | None:
        return self._get("office", org_id, cs.OFFICE_ACTING)

    def unit(self, org_id: int) -> Actor | None:
        return self._get("unit", org_id, UNIT_ROLES)


def _projects() -> list[tuple[str, str, str]]:
    """(code, name, contractor) of the registry's projects, by code."""
    contractors: dict[str, str] = {}
    for code, name in (
        Participant.objects.filter(role=ParticipantRole.CONTRACTOR)
        .order_by("project__code", "organisation__name")
        .values_list("project__code", "organisation__name")
    ):
        contractors.setdefault(code, name)
    return [
        (code, name, contractors.get(code, "施工单位"))
        for code, name in Project.objects.order_by("code").values_list("code", "name")[:300]
    ]


def _person(rng: random.Random, day: dt.date) -> dict[str, str]:
    birth = dt.date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28))
    return {
        "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
        "id_number": make_resident_id("330100", birth, rng.randint(0, 999)),
        "mobile": f"13{rng.randint(5, 9)}{rng.randint(0, 99_999_999):08d}",
    }


def _filing(rng: random.Random, day: dt.date, projects: list[tuple[str, str, str]], n: int) -> Any:
    kind = Kind.COMPLAINT if rng.random() < 0.45 else Kind.REPORT
    facts, requests = rng.choice(MATTERS)
    if projects and rng.random() < 0.85:
        code, name, subject = rng.choice(projects)
        project = code if rng.random() < 0.6 else name
    else:
        project, subject = rng.choice(OUTSIDE), "施工单位"
    anonymous = kind == Kind.REPORT and rng.random() < 0.4
    who = _person(rng, day)
    return services.Filing(
        kind=kind,
        standing=rng.choice([FilerStanding.PARTY, FilerStanding.INTERESTED])
        if kind == Kind.COMPLAINT
        else FilerStanding.PUBLIC,
        project=project if kind == Kind.COMPLAINT or rng.random() < 0.9 else "",
        subject_text=subject,
        facts=f"{facts}（{day:%m月%d日}反映，第{n}件）",
        requests=requests,
        concerns_officials=rng.random() < 0.05,
        anonymous=anonymous,
        name="" if anonymous else who["name"],
        id_number=who["id_number"] if kind == Kind.COMPLAINT else "",
        mobile="" if anonymous and rng.random() < 0.5 else who["mobile"],
    )


def _receive(sim: simulate.SimDay, rng: random.Random, actors: _Actors) -> None:
    """The day's filings: online on any day, the staff's intake on working days."""
    working = business_calendar.is_working_day(sim.day)
    count = rng.choices([0, 1, 2, 3], weights=[2, 4, 3, 1] if working else [6, 3, 1, 0])[0]
    projects = _projects() if count else []
    office = (
        Organisation.objects.filter(kind=OrgKind.SUPERVISION_OFFICE, parent__isnull=True)
        .order_by("path")
        .first()
    )
    staff = actors.office(office.pk) if office is not None else None
    # the moments of the day's filings, in order (online after the office's morning round)
    hours = sorted(rng.randint(11, 20) for _ in range(count))
    for n in range(1, count + 1):
        channels = [(ch, w) for ch, w in CHANNELS if working or ch == Channel.ONLINE]
        channel = rng.choices([c for c, _ in channels], weights=[w for _, w in channels])[0]
        filing = _filing(rng, sim.day, projects, n)
        online = channel == Channel.ONLINE
        address = f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        if not online and staff is None:
            continue
        hour = hours[n - 1] if online else 14
        with simulate.platform_time(sim.at(hour, 10 * n)):
            try:
                services.file_complaint(
                    actor=ANONYMOUS if online else staff,  # type: ignore[arg-type]
                    filing=filing,
                    channel=channel,
                    source=limits.address_digest(address) if online else "staff",
                    public=online,
                )
            except DomainError as exc:
                log.debug("simulated filing refused: %s", exc.message)


def _late(c: Complaint, share: float) -> bool:
    """Whether this filing is one of those left to run late (a stable draw from
    its receipt number, the same on every day and on every database)."""
    return random.Random(f"late-{c.receipt_number}").random() < share


def _decision_day(c: Complaint) -> dt.date | None:
    kind = CLOCKS[c.kind][0].kind
    d = next((d for d in deadlines.deadlines_of(c) if d.kind == kind), None)
    return deadlines.last_day(d) if d is not None else None


def _decide(c: Complaint, rng: random.Random, staff: Actor, actors: _Actors) -> None:
    """Decided on most working days within the clock; about one in eight is
    left until after its decision clock (missed: the alert follows)."""
    today = clock.today()
    if c.receipt_day >= today or rng.random() > 0.7:
        return
    if _late(c, 0.12) and (last := _decision_day(c)) is not None and today <= last:
        return
    if rng.random() < 0.15:
        reasons, note = rng.choice(REJECTIONS)
        _try(cs.REJECT, c, staff, {"reasons": [str(r) for r in reasons], "note": note})
    elif _try(cs.ACCEPT, c, staff, {"note": "经登记、报告和会商，决定受理"}) is not None:
        _transfer(Complaint.objects.get(pk=c.pk), rng, staff, actors)  # often the same day


def _transfer(c: Complaint, rng: random.Random, staff: Actor, actors: _Actors) -> None:
    """Down the project's chain (the owner first; without a project, the
    industry authority) to a unit with an account, within the legal closing
    clock; or the office handles it itself."""
    if rng.random() > 0.8:
        return
    targets = [o for o in services.transfer_targets(c) if actors.unit(o.pk) is not None]
    # a project's owner first; without a project, the industry authority
    first = OrgKind.OWNER if c.project_id else OrgKind.INDUSTRY_AUTHORITY
    targets.sort(key=lambda o: (o.kind != first, o.path))
    legal = close_deadline_day(c)
    left = business_calendar.working_days_between(clock.today(), legal) if legal else 0
    if not targets or left < 2 or rng.random() < 0.15:
        if rng.random() < 0.3:  # handled by the office itself
            _close(c, rng, staff)
        return
    org = targets[0] if rng.random() < 0.7 else rng.choice(targets)
    days = min(rng.randint(2, 5), left - 1, MAX_HANDLING_DAYS)
    _try(
        cs.TRANSFER,
        c,
        staff,
        {"handling_org_id": org.pk, "handling_days": days, "note": rng.choice(TRANSFER_NOTES)},
    )


def _reply(c: Complaint, rng: random.Random, actors: _Actors) -> None:
    """The unit replies within a few working days; about one unit in four
    only after its handling deadline (missed)."""
    unit = actors.unit(c.handling_org_id) if c.handling_org_id else None
    if unit is None or rng.random() > 0.5:
        return
    if _late(c, 0.25) and c.handling_due is not None and clock.today() <= c.handling_due:
        return
    _try(cs.REPLY, c, unit, {"reply": rng.choice(REPLIES)})


def _review(c: Complaint, rng: random.Random, staff: Actor) -> None:
    """Sent back once now and then (``review_note`` is kept from the first
    sending back), approved otherwise."""
    if rng.random() > 0.9:
        return
    if not c.review_note and rng.random() < 0.4:
        _try(cs.SEND_BACK, c, staff, {"note": rng.choice(SEND_BACKS)})
    elif (
        _try(cs.APPROVE_REPLY, c, staff, {"note": "办理情况属实，同意办结"}) and rng.random() < 0.5
    ):
        _close(Complaint.objects.get(pk=c.pk), rng, staff)  # closed the same day


def _close(c: Complaint, rng: random.Random, staff: Actor) -> None:
    outcome = rng.choices(
        [Outcome.SUBSTANTIATED, Outcome.PARTLY, Outcome.NOT_SUBSTANTIATED], weights=[4, 2, 3]
    )[0]
    _try(cs.CLOSE, c, staff, {"outcome": str(outcome), "answer": ANSWERS[outcome]})


@simulate.daily(order=70)
def complaints_day(sim: simulate.SimDay) -> None:
    actors = _Actors()
    day_seed = sim.rng.random()
    if business_calendar.is_working_day(sim.day):  # the office and the units: working days
        _work(sim.at(10), day_seed, actors)
    _receive(sim, random.Random(f"{day_seed}-filings"), actors)


def _work(moment: dt.datetime, day_seed: float, actors: _Actors) -> None:
    open_states = [State.RECEIVED, State.ACCEPTED, State.TRANSFERRED, State.REPLIED, State.REVIEWED]
    with simulate.platform_time(moment):
        for c in (
            Complaint.objects.filter(state__in=open_states)
            .select_related("project", "office", "handling_org")
            .order_by("receipt_number")
        ):
            # the receipt number, not the pk: ids differ by database
            rng = random.Random(f"{day_seed}-{c.receipt_number}")
            staff = actors.office(c.office_id)
            if staff is None:
                continue
            if c.state == State.RECEIVED:
                _decide(c, rng, staff, actors)
            elif c.state == State.ACCEPTED:
                _transfer(c, rng, staff, actors)
            elif c.state == State.TRANSFERRED:
                _reply(c, rng, actors)
            elif c.state == State.REPLIED:
                _review(c, rng, staff)
            elif rng.random() < 0.8:  # reviewed
                _close(c, rng, staff)


__all__ = ["complaints_day"]
