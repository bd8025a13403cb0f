"""Tender agents and evaluation experts: the office's yearly appraisal of an
agent, the owner's choice of its agent (justified in writing and filed with the
discipline inspection group when the agent is not best-rated), the expert pool
(no officials), evaluation events and the grade of each expert by the owner and
by the office (a C or D grade is reported for suspension or removal).
R-SCO-05, R-SCO-06, R-SCO-09; ADR 0680."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse

from postaward.core import clock, documents, idempotency, notices, steps, writes
from postaward.core.actor import Actor
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.core.masking import mask_name
from postaward.core.scoping import get_visible_or_404
from postaward.orgs.choices import GOVERNMENT_KINDS, OWNER_KINDS, OrgKind, Role
from postaward.orgs.models import Organisation, Person, User
from postaward.projects.models import Project

from . import rules
from .models import (
    BEST_RATED_GRADES,
    OFFICE_ROLES,
    REPORTED_GRADES,
    AgentAppraisal,
    AgentChoice,
    AgentDisclosure,
    AppraisalGrade,
    AppraisalState,
    DisclosureState,
    EvaluationEvent,
    EvaluatorSide,
    ExpertEvaluation,
    ExpertGrade,
    ExpertPoolMember,
    ExpertReport,
    PoolState,
    ReportState,
    snapshot_appraisal,
    snapshot_disclosure,
    snapshot_report,
)

OWNER_ROLES = frozenset({Role.ADMIN, Role.UNIT_LEADER, Role.OWNER_PROJECT_LEADER})


def is_office(actor: Actor) -> bool:
    return actor.org_kind == OrgKind.SUPERVISION_OFFICE and bool(actor.roles & OFFICE_ROLES)


def is_owner(actor: Actor) -> bool:
    return actor.org_kind in OWNER_KINDS and bool(actor.roles & OWNER_ROLES)


def _name(actor: Actor) -> str:
    return actor.display_name or actor.username


def _office_accounts(office_id: int) -> list[int]:
    return list(
        User.objects.filter(
            organisation_id=office_id, is_active=True, role_grants__role__in=OFFICE_ROLES
        )
        .distinct()
        .values_list("pk", flat=True)
    )


def _once(actor: Actor, scope: str, key: str | None, payload: Any, fn: Any) -> int:
    with transaction.atomic():
        _, pk, _ = idempotency.run(
            user_id=actor.user_id, scope=scope, key=key, payload=payload, fn=fn
        )
    return int(pk)


def _create_once(model: Any, message: str, **fields: Any) -> Any:
    """Create a row whose uniqueness a concurrent request may have taken
    first: the constraint's refusal reads as a conflict with ``message``."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError:
        raise Conflict(message) from None


# --- the yearly appraisal of an agent (R-SCO-05) ------------------------------------------


def _agent(agent_id: int | None) -> Organisation:
    agent = Organisation.objects.filter(pk=agent_id, kind=OrgKind.TENDER_AGENT).first()
    if agent is None:
        raise ValidationFailed("请选择招标代理机构", field="agent_id")
    return agent


def record_appraisal(
    *,
    actor: Actor,
    agent_id: int,
    year: int,
    grade: str,
    reasons: str,
    idempotency_key: str | None = None,
) -> AgentAppraisal:
    """The office's yearly appraisal (年度考评) of a tender agent; it counts once
    another office account approves it (four eyes)."""
    if not is_office(actor):
        raise Forbidden("仅监管办可以考评招标代理机构")
    agent = _agent(agent_id)
    if grade not in AppraisalGrade.values:
        raise ValidationFailed("请选择考评等次", field="grade")
    this_year = clock.today().year
    if not (2000 <= int(year) <= this_year):
        raise ValidationFailed(f"考评年度须在2000年至{this_year}年之间", field="year")
    text = writes.text(reasons, field="reasons", label="考评理由", min_len=5, max_len=2000)
    if AgentAppraisal.objects.filter(agent=agent, year=year).exists() and not idempotency_key:
        raise Conflict(f"“{agent.name}”{year}年度已有考评")

    def run() -> tuple[int, Any]:
        if AgentAppraisal.objects.filter(agent=agent, year=year).exists():
            raise Conflict(f"“{agent.name}”{year}年度已有考评")
        seq = documents.next_number("credit.appraisal", this_year)
        a = _create_once(
            AgentAppraisal,
            f"“{agent.name}”{year}年度已有考评",
            number=f"DLKP{this_year}{seq:04d}",
            agent=agent,
            office=rules.office_of(agent),
            year=year,
            grade=grade,
            reasons=text,
            recorded_by_id=actor.user_id,
            recorded_by_name=_name(actor),
            created_at=clock.now(),
        )
        writes.created(
            a, actor=actor, action="credit.appraisal_recorded", snapshot=snapshot_appraisal
        )
        return 201, a.pk

    payload = {"agent_id": agent_id, "year": year, "grade": grade, "reasons": text}
    pk = _once(actor, "credit.appraisal", idempotency_key, payload, run)
    return AgentAppraisal.objects.get(pk=pk)


def approve_appraisal(*, actor: Actor, obj: AgentAppraisal) -> AgentAppraisal:
    from .steps_agents import APPROVE

    with steps.write(APPROVE, obj, actor) as w:
        w.obj.state = AppraisalState.APPROVED
        w.obj.approved_by_name = _name(actor)
        w.obj.approved_at = clock.now()
    return w.obj  # type: ignore[no-any-return]


def return_appraisal(*, actor: Actor, obj: AgentAppraisal, reason: str) -> AgentAppraisal:
    from .steps_agents import RETURN

    text = writes.text(reason, field="reason", label="退回原因", min_len=4, max_len=500)
    with steps.write(RETURN, obj, actor) as w:
        w.obj.state = AppraisalState.RETURNED
        w.obj.return_reason = text
    return w.obj  # type: ignore[no-any-return]


def latest_appraisal(agent_id: int) -> AgentAppraisal | None:
    return (
        AgentAppraisal.objects.filter(agent_id=agent_id, state=AppraisalState.APPROVED)
        .order_by("-year", "-pk")
        .first()
    )


def best_rated(agent_id: int) -> tuple[bool, str]:
    """ADR 0680: an agent is best-rated (择优范围) when its latest approved
    yearly appraisal is 优秀 or 良好; an agent never appraised is not."""
    a = latest_appraisal(agent_id)
    if a is None:
        return False, "无已审定的年度考评结果"
    note = f"{a.year}年度考评{a.get_grade_display()}（{a.number}）"
    return a.grade in BEST_RATED_GRADES, note


def ranking(district_path: str = "") -> list[dict[str, Any]]:
    """The agents of the district by their latest approved appraisal, best
    first (the register). Two queries however many agents."""
    order = {g: i for i, g in enumerate(AppraisalGrade.values)}
    agents = list(
        Organisation.objects.filter(
            kind=OrgKind.TENDER_AGENT, path__startswith=district_path
        ).order_by("name")
    )
    latest: dict[int, AgentAppraisal] = {}
    for a in AgentAppraisal.objects.filter(
        agent__in=agents, state=AppraisalState.APPROVED
    ).order_by("agent_id", "-year", "-pk"):
        latest.setdefault(a.agent_id, a)
    out = []
    for agent in agents:
        a = latest.get(agent.pk)
        out.append(
            {
                "agent": agent,
                "appraisal": a,
                "best_rated": bool(a and a.grade in BEST_RATED_GRADES),
                "rank_key": (order[a.grade] if a else 99, -(a.year if a else 0), agent.name),
            }
        )
    return sorted(out, key=lambda r: r["rank_key"])


# --- the owner's choice of its agent (R-SCO-09, LC 三) -------------------------------------


def _owner(project: Project) -> Organisation:
    if project.owner is None:
        raise ValidationFailed("该项目未登记建设单位（招标人）", field="project_id")
    return project.owner


def _discipline_of(office: Organisation) -> Organisation | None:
    return (
        Organisation.objects.filter(kind=OrgKind.DISCIPLINE, path__startswith=office.path)
        .order_by("pk")
        .first()
    )


def choose_agent(
    *,
    actor: Actor,
    project_id: int,
    agent_id: int,
    method: str,
    tender: str = "",
    justification: str = "",
    idempotency_key: str | None = None,
) -> AgentChoice:
    """Record the agent an owner chose for its project (or one tender of it).
    An agent that is not best-rated needs a written justification, filed with
    the discipline inspection group (LC 三): without it nothing is saved."""
    if not is_owner(actor):
        raise Forbidden("仅建设单位（招标人）可以登记招标代理机构的选取")
    project: Project = get_visible_or_404(Project.objects, actor, pk=project_id)
    if project.owner_id != actor.organisation_id:
        raise ValidationFailed("只能为本单位建设的项目登记", field="project_id")
    agent = _agent(agent_id)
    how = writes.text(method, field="method", label="选取方式", max_len=200)
    tender = (tender or "").strip()[:200]
    ok, note = best_rated(agent.pk)
    text = (justification or "").strip()
    if not ok and len(text) < 10:
        raise ValidationFailed(
            f"“{agent.name}”不在择优范围内（{note}），须填写不少于10字的书面说明，"
            "报纪检监察机关备案",
            field="justification",
        )
    if ok:
        text = ""
    if AgentChoice.objects.filter(project=project, tender=tender).exists() and not idempotency_key:
        raise Conflict("该项目（标段）已登记招标代理机构")
    payload = {
        "project_id": project_id,
        "agent_id": agent_id,
        "method": how,
        "tender": tender,
        "justification": text,
    }

    def run() -> tuple[int, Any]:
        c = _save_choice(actor, project, agent, tender, how, ok, note, text)
        return 201, c.pk

    pk = _once(actor, "credit.agent_choice", idempotency_key, payload, run)
    return AgentChoice.objects.get(pk=pk)


def _save_choice(
    actor: Actor,
    project: Project,
    agent: Organisation,
    tender: str,
    how: str,
    ok: bool,
    note: str,
    text: str,
) -> AgentChoice:
    office = rules.office_of(_owner(project))
    discipline = None if ok else _discipline_of(office)
    if not ok and discipline is None:
        raise ValidationFailed("本区未设纪检监察机关账号，书面说明无法报备，请联系监管办")
    year = clock.today().year
    seq = documents.next_number("credit.agent_choice", year)
    try:
        with transaction.atomic():
            c = AgentChoice.objects.create(
                number=f"DLXQ{year}{seq:04d}",
                project=project,
                tender=tender,
                owner_id=project.owner_id,
                agent=agent,
                office=office,
                best_rated=ok,
                rating_note=note[:300],
                method=how,
                justification=text,
                discipline=discipline,
                recorded_by_id=actor.user_id,
                recorded_by_name=_name(actor),
                created_at=clock.now(),
            )
    except IntegrityError:
        raise Conflict("该项目（标段）已登记招标代理机构") from None
    writes.created(c, actor=actor, action="credit.agent_chosen", project_id=project.pk)
    if discipline is not None:
        ids = User.objects.filter(organisation=discipline, is_active=True)
        notices.tell(
            ids.values_list("pk", flat=True),
            key=f"credit:agent_choice:{c.pk}",
            kind="credit.agent_choice",
            title=f"不择优选择招标代理机构报备：{project.name}",
            body=f"{_owner(project).name}选定“{agent.name}”（{note}）。书面说明：{text[:300]}",
            url=reverse("credit_agent_choice_detail", args=[c.pk]),
            project=project,
            actor=actor,
        )
    return c


# --- the expert pool (R-SCO-09, LC 四) ----------------------------------------------------


def official_reason(person: Person) -> str:
    """Why ``person`` may not enter the expert pool ("" when he may)."""
    org = person.organisation
    if org.kind in GOVERNMENT_KINDS:
        return (
            f"“{mask_name(person.name)}”所在单位“{org.name}”为{org.get_kind_display()}，"
            "系公职人员，不得进入评标专家库"
        )
    if person.is_public_official:
        return f"“{mask_name(person.name)}”登记为公职人员，不得进入评标专家库"
    return ""


def admit_expert(
    *, actor: Actor, person_id: int, specialty: str, idempotency_key: str | None = None
) -> ExpertPoolMember:
    """Admit a person of the people registry to the expert pool; officials
    (a person of a government unit, or registered as a public official) are
    refused (LC 四)."""
    if not is_office(actor):
        raise Forbidden("仅监管办可以管理评标专家库")
    person = Person.objects.select_related("organisation").filter(pk=person_id).first()
    if person is None:
        raise ValidationFailed("人员库中没有该人员", field="person_id")
    why = official_reason(person)
    if why:
        raise ValidationFailed(why, field="person_id", basis="R-SCO-09")
    spec = writes.text(specialty, field="specialty", label="评标专业", max_len=100)
    existing = ExpertPoolMember.objects.filter(person=person).first()
    if existing is not None and not idempotency_key:
        raise Conflict(f"“{mask_name(person.name)}”已在评标专家库中")

    def run() -> tuple[int, Any]:
        if ExpertPoolMember.objects.filter(person=person).exists():
            raise Conflict(f"“{mask_name(person.name)}”已在评标专家库中")
        m = _create_once(
            ExpertPoolMember,
            f"“{mask_name(person.name)}”已在评标专家库中",
            person=person,
            office=rules.office_of(Organisation.objects.get(pk=actor.organisation_id)),
            specialty=spec,
            admitted_by_name=_name(actor),
            created_at=clock.now(),
        )
        writes.created(m, actor=actor, action="credit.expert_admitted")
        return 201, m.pk

    pk = _once(actor, "credit.expert_pool", idempotency_key, {"p": person_id, "s": spec}, run)
    return ExpertPoolMember.objects.get(pk=pk)


# --- evaluation events and grades (R-SCO-06, YJ 二(三), LC 四) ----------------------------


def _held_on(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValidationFailed(
                "评标日期格式不正确（应为 YYYY-MM-DD）", field="held_on"
            ) from None
    if day > clock.today():
        raise ValidationFailed("评标日期不能晚于今天", field="held_on")
    return day


def record_event(
    *,
    actor: Actor,
    project_id: int,
    title: str,
    held_on: Any,
    expert_ids: list[int],
    idempotency_key: str | None = None,
) -> EvaluationEvent:
    """Record a bid evaluation of a project with its experts (pool members)."""
    if not (is_owner(actor) or is_office(actor)):
        raise Forbidden("仅建设单位（招标人）或监管办可以登记评标活动")
    project: Project = get_visible_or_404(Project.objects, actor, pk=project_id)
    if is_owner(actor) and project.owner_id != actor.organisation_id:
        raise ValidationFailed("只能为本单位建设的项目登记评标活动", field="project_id")
    what = writes.text(title, field="title", label="招标事项", max_len=200)
    day = _held_on(held_on)
    ids = sorted(set(expert_ids or []))
    if not ids:
        raise ValidationFailed("请选择评标专家", field="expert_ids")
    members = set(
        ExpertPoolMember.objects.filter(person_id__in=ids).values_list("person_id", flat=True)
    )
    if set(ids) - members:
        raise ValidationFailed("评标专家须为评标专家库成员", field="expert_ids")
    payload = {"project_id": project_id, "title": what, "held_on": day, "expert_ids": ids}

    def run() -> tuple[int, Any]:
        seq = documents.next_number("credit.evaluation_event", day.year)
        e = EvaluationEvent.objects.create(
            number=f"PBHD{day.year}{seq:04d}",
            project=project,
            owner_id=project.owner_id,
            office=rules.office_of(_owner(project)),
            title=what,
            held_on=day,
            recorded_by_name=_name(actor),
            created_at=clock.now(),
        )
        e.experts.set(ids)
        writes.created(
            e, actor=actor, action="credit.evaluation_event_recorded", project_id=project.pk
        )
        return 201, e.pk

    pk = _once(actor, "credit.evaluation_event", idempotency_key, payload, run)
    return EvaluationEvent.objects.get(pk=pk)


def side_of(actor: Actor, event: EvaluationEvent) -> str:
    """The evaluator side of ``actor`` for ``event`` ("" when none)."""
    if is_office(actor):
        return str(EvaluatorSide.OFFICE)
    if is_owner(actor) and actor.organisation_id == event.owner_id:
        return str(EvaluatorSide.OWNER)
    return ""


def evaluate_expert(
    *,
    actor: Actor,
    event_id: int,
    expert_id: int,
    grade: str,
    reasons: str,
    idempotency_key: str | None = None,
) -> ExpertEvaluation:
    """One grade A–D per expert per event per side (一事一评). A C or D grade is
    reported to the office for suspension or removal (YJ 二(三))."""
    event = get_visible_or_404(EvaluationEvent.objects, actor, pk=event_id)
    side = side_of(actor, event)
    if not side:
        raise Forbidden("仅招标人或监管办可以评价评标专家")
    if not event.experts.filter(pk=expert_id).exists():
        raise ValidationFailed("该专家未参加本次评标", field="expert_id")
    if grade not in ExpertGrade.values:
        raise ValidationFailed("请选择评价等级（A、B、C、D）", field="grade")
    text = writes.text(reasons, field="reasons", label="评价理由", min_len=5, max_len=2000)
    label = EvaluatorSide(side).label
    if ExpertEvaluation.objects.filter(event=event, expert_id=expert_id, side=side).exists() and (
        not idempotency_key
    ):
        raise Conflict(f"{label}已评价该专家在本次评标中的表现（一事一评）")
    payload = {"event": event_id, "expert": expert_id, "grade": grade, "reasons": text}

    def run() -> tuple[int, Any]:
        try:
            with transaction.atomic():
                ev = ExpertEvaluation.objects.create(
                    event=event,
                    expert_id=expert_id,
                    side=side,
                    evaluator_id=actor.organisation_id,
                    grade=grade,
                    reasons=text,
                    recorded_by_name=_name(actor),
                    created_at=clock.now(),
                )
        except IntegrityError:
            raise Conflict(f"{label}已评价该专家在本次评标中的表现（一事一评）") from None
        writes.created(
            ev, actor=actor, action="credit.expert_evaluated", project_id=event.project_id
        )
        if grade in REPORTED_GRADES:
            _report(actor, ev)
        return 201, ev.pk

    pk = _once(actor, "credit.expert_evaluation", idempotency_key, payload, run)
    return ExpertEvaluation.objects.get(pk=pk)


def _report(actor: Actor, ev: ExpertEvaluation) -> ExpertReport:
    event = ev.event
    year = clock.today().year
    seq = documents.next_number("credit.expert_report", year)
    r = ExpertReport.objects.create(
        number=f"ZJBG{year}{seq:04d}",
        evaluation=ev,
        expert_id=ev.expert_id,
        office=event.office,
        owner_id=event.owner_id,
        grade=ev.grade,
        created_at=clock.now(),
    )
    writes.created(
        r,
        actor=actor,
        action="credit.expert_reported",
        snapshot=snapshot_report,
        project_id=event.project_id,
    )
    notices.tell(
        _office_accounts(event.office_id),
        key=f"credit:expert_report:{r.pk}",
        kind="credit.expert_report",
        title=f"评标专家评价为{ev.grade}，请处理（{r.number}）",
        body=f"{event.project.name}·{event.title}：{ev.get_side_display()}评价"
        f"“{mask_name(ev.expert.name)}”为{ev.get_grade_display()}。{ev.reasons[:200]}",
        url=reverse("credit_expert_report_detail", args=[r.pk]),
        project=event.project,
        actor=actor,
    )
    return r


_POOL_AFTER = {ReportState.SUSPENDED: PoolState.SUSPENDED, ReportState.REMOVED: PoolState.REMOVED}


def decide_report(*, actor: Actor, obj: ExpertReport, step: Any, decision: str) -> ExpertReport:
    """The office's decision on a C/D report: suspend or remove the expert's
    qualification in the pool, or take no action; with its reasons."""
    text = writes.text(decision, field="decision", label="处理意见", min_len=4, max_len=500)
    with steps.write(step, obj, actor) as w:
        r = w.obj
        r.state = step.target
        r.decision = text
        r.decided_by_name = _name(actor)
        r.decided_at = clock.now()
        pool = _POOL_AFTER.get(step.target)
        if pool is not None:
            with writes.audited(
                ExpertPoolMember, pk=_member_pk(r), actor=actor, action="credit.expert_pool_state"
            ) as m:
                m.obj.state = pool
    return r  # type: ignore[no-any-return]


def _member_pk(r: ExpertReport) -> int:
    m = ExpertPoolMember.objects.filter(person_id=r.expert_id).first()
    if m is None:
        raise ValidationFailed("该专家不在评标专家库中")
    return m.pk


# --- the public results (masked; the public part shows them) --------------------------------


def public_expert_results() -> list[dict[str, Any]]:
    """Each expert's grades per event for the public site (一事一评，结果公开):
    the expert's name masked, no ID number, no internal id."""
    rows: dict[tuple[int, int], dict[str, Any]] = {}
    qs = ExpertEvaluation.objects.select_related("event", "event__project", "expert").order_by(
        "-event__held_on", "event__number", "expert__name"
    )
    for ev in qs:
        key = (ev.event_id, ev.expert_id)
        row = rows.setdefault(
            key,
            {
                "event": ev.event.number,
                "project": ev.event.project.name,
                "title": ev.event.title,
                "held_on": ev.event.held_on,
                "expert": mask_name(ev.expert.name),
                "owner_grade": "",
                "office_grade": "",
            },
        )
        row[f"{ev.side}_grade"] = ev.grade
    return list(rows.values())


# --- the agent's disclosure and its register card (R-SCO-05, LC 三) ---------------------------


def is_agent_admin(actor: Actor) -> bool:
    return actor.org_kind == OrgKind.TENDER_AGENT and bool(
        actor.roles & {Role.ADMIN, Role.UNIT_LEADER}
    )


def _count(value: Any, *, field: str, label: str) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(f"请填写{label}（整数）", field=field) from None
    if not 0 <= n <= 100000:
        raise ValidationFailed(f"{label}须在0至100000之间", field=field)
    return n


def save_disclosure(
    *,
    actor: Actor,
    staff_count: Any,
    registered_count: Any,
    qualifications: str,
    internal_controls: str,
    performance: str = "",
) -> AgentDisclosure:
    """The agent's administrator files (or updates) its disclosure; each
    filing goes back to the office for its check."""
    if not is_agent_admin(actor):
        raise Forbidden("仅招标代理机构的管理员可以填报本机构的公示信息")
    staff = _count(staff_count, field="staff_count", label="专职从业人员人数")
    registered = _count(registered_count, field="registered_count", label="注册执业人员人数")
    if registered > staff:
        raise ValidationFailed("注册执业人员人数不能多于专职从业人员人数", field="registered_count")
    data = {
        "staff_count": staff,
        "registered_count": registered,
        "qualifications": writes.text(qualifications, field="qualifications", label="资质情况"),
        "internal_controls": writes.text(
            internal_controls, field="internal_controls", label="内控制度", min_len=10
        ),
        "performance": (performance or "").strip()[:5000],
    }
    agent = Organisation.objects.get(pk=actor.organisation_id)
    existing = AgentDisclosure.objects.filter(agent=agent).first()
    if existing is None:
        with transaction.atomic():
            x = AgentDisclosure.objects.create(
                agent=agent,
                office=rules.office_of(agent),
                updated_by_name=_name(actor),
                updated_at=clock.now(),
                **data,
            )
            writes.created(
                x, actor=actor, action="credit.disclosure_filed", snapshot=snapshot_disclosure
            )
        return x
    with writes.audited(
        AgentDisclosure,
        pk=existing.pk,
        actor=actor,
        action="credit.disclosure_filed",
        snapshot=snapshot_disclosure,
    ) as w:
        for key, value in data.items():
            setattr(w.obj, key, value)
        w.obj.state = DisclosureState.SUBMITTED
        w.obj.check_note = ""
        w.obj.updated_by_name = _name(actor)
        w.obj.updated_at = clock.now()
    return w.obj  # type: ignore[no-any-return]


def check_disclosure(*, actor: Actor, obj: AgentDisclosure, step: Any, note: str) -> Any:
    text = writes.text(note, field="note", label="核查意见", min_len=2, max_len=500)
    with steps.write(step, obj, actor) as w:
        w.obj.state = step.target
        w.obj.check_note = text
        w.obj.checked_by_name = _name(actor)
    return w.obj


def agent_card(agent: Organisation) -> dict[str, Any]:
    """The register card of an agent: its disclosure, what the registries say
    (people and certificates, projects handled), its appraisals, its credit
    (the current annual score and colour) and its measures in force."""
    from postaward.orgs.models import Qualification
    from postaward.projects.choices import ParticipantRole
    from postaward.projects.models import Participant

    from .choices import SanctionState
    from .models import AnnualScore, Sanction

    people = Person.objects.filter(organisation=agent, is_active=True)
    return {
        "agent": agent,
        "disclosure": AgentDisclosure.objects.filter(agent=agent).first(),
        "people": people.count(),
        "certified": Qualification.objects.filter(person__in=people)
        .values("person")
        .distinct()
        .count(),
        "projects": Participant.objects.filter(
            organisation=agent, role=ParticipantRole.TENDER_AGENT
        )
        .values("project")
        .distinct()
        .count(),
        "appraisals": list(
            AgentAppraisal.objects.filter(agent=agent, state=AppraisalState.APPROVED).order_by(
                "-year"
            )
        ),
        "best_rated": best_rated(agent.pk),
        "annual": AnnualScore.objects.filter(subject_org=agent, current=True)
        .order_by("-year")
        .first(),
        "sanctions": list(
            Sanction.objects.filter(subject_org=agent, state=SanctionState.EFFECTIVE).order_by(
                "-decided_on"
            )
        ),
    }


def public_agent_register(district_path: str = "") -> list[dict[str, Any]]:
    """The agents' register for the public site (LC 三: 综合情况进行公示): each
    agent with its latest approved appraisal and, once the office has checked
    it, its disclosure; no internal id, no person's name."""
    out = []
    rows = ranking(district_path)
    checked: dict[int, AgentDisclosure] = {}
    for d in AgentDisclosure.objects.filter(
        agent__in=[r["agent"] for r in rows], state=DisclosureState.CHECKED
    ).order_by("agent_id", "pk"):
        checked.setdefault(d.agent_id, d)
    for row in rows:
        agent, a = row["agent"], row["appraisal"]
        x = checked.get(agent.pk)
        out.append(
            {
                "name": agent.name,
                "uscc": agent.uscc or "",
                "appraisal_year": a.year if a else None,
                "appraisal_grade": a.get_grade_display() if a else "未考评",
                "best_rated": row["best_rated"],
                "disclosure": None
                if x is None
                else {
                    "staff_count": x.staff_count,
                    "registered_count": x.registered_count,
                    "qualifications": x.qualifications,
                    "internal_controls": x.internal_controls,
                    "performance": x.performance,
                },
            }
        )
    return out
