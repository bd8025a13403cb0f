"""The project lifecycle: its states (django-fsm-2), who is who on a project, and
what each step requires.

registered → preparing → under construction ⇄ suspended → completed (完工) →
accepted (竣工验收) → settlement submitted → settled → funds paid → quality
deposit returned; terminated from any state before completion.

The steps themselves (label, who, guards, input, service, basis) are declared
once in ``projects/steps.py`` (ADR 0060, ADR 0065); this module gives the
predicates and ``Who`` objects the steps use, the requirement lists behind
their guards (each missing thing in Chinese, so that a page can say exactly
what to do), and ``table``/``describe``/``check``/``available`` as views of the
registry for the archive page, the README and older callers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django_fsm import transition

from postaward.core import clock
from postaward.core.actor import Actor
from postaward.core.errors import ValidationFailed
from postaward.orgs.choices import OrgKind, Role

from .choices import (
    REQUIRED_PARTICIPANT_ROLES,
    REQUIRED_POSITIONS,
    SMALL_WORKS_REQUIRED_POSITIONS,
    TERMINABLE_STATES,
    DataCompletionState,
    ParticipantRole,
    Position,
    ProcurementMethod,
    ProjectStatus,
    SuspensionState,
)

if TYPE_CHECKING:  # pragma: no cover
    from .models import Project

S = ProjectStatus
Predicate = Callable[[Any, Actor], bool]


# --- who may fire a transition ------------------------------------------------------------


def _in_owner(p: Project, a: Actor) -> bool:
    return bool(p.owner_id) and a.organisation_id == p.owner_id


def owner_admin(p: Project, a: Actor) -> bool:
    """The owner's administrator (总管)."""
    return _in_owner(p, a) and Role.ADMIN in a.roles


def owner_unit_leader(p: Project, a: Actor) -> bool:
    return _in_owner(p, a) and Role.UNIT_LEADER in a.roles


def owner_leader(p: Project, a: Actor) -> bool:
    """The owner's project leader assigned to this project (SY 21)."""
    return (
        _in_owner(p, a)
        and Role.OWNER_PROJECT_LEADER in a.roles
        and a.person_id is not None
        and a.person_id == p.owner_leader_id
    )


def superior_of(p: Project, a: Actor) -> bool:
    """The project's superior unit or its line (administrator or line supervisor)."""
    units = {p.superior_unit_id, p.line_id} - {None}
    return a.organisation_id in units and bool(a.roles & {Role.ADMIN, Role.LINE_SUPERVISOR})


def supervision_office(p: Project, a: Actor) -> bool:
    return a.org_kind == OrgKind.SUPERVISION_OFFICE and bool(
        a.roles & {Role.ADMIN, Role.OFFICE_STAFF}
    )


def authority_of(p: Project, a: Actor) -> bool:
    """The project's industry authority (administrator or supervising staff)."""
    return (
        p.industry_authority_id is not None
        and a.organisation_id == p.industry_authority_id
        and bool(a.roles & {Role.ADMIN, Role.AUTHORITY_STAFF})
    )


def audit_bureau(p: Project, a: Actor) -> bool:
    return a.org_kind == OrgKind.AUDIT_BUREAU and bool(a.roles & {Role.AUDITOR, Role.ADMIN})


def finance_bureau(p: Project, a: Actor) -> bool:
    return a.org_kind == OrgKind.FINANCE_BUREAU and bool(
        a.roles & {Role.FINANCE_OFFICER, Role.ADMIN}
    )


@dataclass(frozen=True)
class Who:
    """A permission: any of the predicates (the platform itself always may)."""

    label: str
    predicates: tuple[Predicate, ...]

    def __call__(self, project: Project, actor: Actor) -> bool:
        return actor.is_system or any(pred(project, actor) for pred in self.predicates)


OWNER_MANAGERS = Who("建设单位项目负责人或总管", (owner_leader, owner_admin))
OWNER_LEADER = Who("建设单位项目负责人", (owner_leader,))
OWNER_UNIT = Who("建设单位总管或单位领导", (owner_admin, owner_unit_leader))
CONFIRMERS = Who("主管单位（条线）或监管办", (superior_of, supervision_office))
AUDITORS = Who("审计局", (audit_bureau,))
PAYERS = Who("财政局或建设单位总管", (finance_bureau, owner_admin))


# --- what a transition requires ------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    """One unmet requirement: a stable key (for tests and the API) and what to do."""

    key: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.key, "message": self.message}


def preparation_missing(p: Project) -> list[Missing]:
    out = []
    if not p.owner_id:
        out.append(Missing("owner", "未确定建设单位"))
    if not p.owner_leader_id:
        out.append(Missing("owner_leader", "未指定建设单位项目负责人"))
    return out


def required_positions(p: Project) -> tuple[str, ...]:
    """R-ORG-05 / SY 26; R-PRJ-09: small works need one person each side."""
    return SMALL_WORKS_REQUIRED_POSITIONS if p.is_small_works else REQUIRED_POSITIONS


def start_missing(p: Project, on: dt.date | None = None) -> list[Missing]:
    """Everything the owner must have on the platform before works start (R-PRJ-03,
    R-ORG-05, R-PRJ-11), each as one line saying what is missing."""
    day = on or clock.today()
    out = preparation_missing(p)
    if not p.industry_authority_id:
        out.append(Missing("industry_authority", "未确定行业主管部门"))
    if not p.contract_amount or p.contract_amount <= Decimal(0):
        out.append(Missing("contract_amount", "未填写合同金额"))
    if not p.planned_start or not p.planned_completion:
        out.append(Missing("planned_dates", "未填写计划开工、计划完工日期"))
    elif p.planned_completion < p.planned_start:
        out.append(Missing("planned_dates", "计划完工日期早于计划开工日期"))
    if p.site is None:
        out.append(Missing("site", "未设置项目场地（考勤电子围栏）"))
    out += _participants_missing(p)
    out += _personnel_missing(p, day)
    if p.procurement_method == ProcurementMethod.TENDER and not p.interviews.exists():
        out.append(Missing("interview", "未登记标后约谈（履约提醒）记录"))
    return out


def _participants_missing(p: Project) -> list[Missing]:
    """The required participants, and the contract of each participant."""
    out: list[Missing] = []
    parts = list(p.participants.select_related("organisation").order_by("role", "id"))
    for role in REQUIRED_PARTICIPANT_ROLES:
        if not any(pt.role == role for pt in parts):
            out.append(Missing(f"participant:{role}", f"未登记{ParticipantRole(role).label}"))
    for pt in parts:
        gaps = pt.contract_missing()
        if gaps:
            out.append(
                Missing(
                    f"contract:{pt.pk}",
                    f"{pt.get_role_display()}“{pt.organisation.name}”的合同缺少：{'、'.join(gaps)}",
                )
            )
    return out


def _personnel_missing(p: Project, day: dt.date) -> list[Missing]:
    """The required key positions, and a valid certificate of each person on ``day``."""
    out: list[Missing] = []
    active = [
        a
        for a in p.assignments.select_related("person", "certificate").order_by("id")
        if a.ended_on is None
    ]
    for pos in required_positions(p):
        if not any(a.position == pos for a in active):
            out.append(Missing(f"position:{pos}", f"未配备{Position(pos).label}"))
    for a in active:
        label = f"{a.get_position_display()}{a.person.name}"
        if a.certificate is None:
            out.append(Missing(f"certificate:{a.pk}", f"{label}未登记岗位证书"))
        elif not a.certificate.is_valid_on(day):
            out.append(
                Missing(
                    f"certificate:{a.pk}",
                    f"{label}的证书（{a.certificate.number}）已于 {a.certificate.valid_until:%Y-%m-%d} 过期",
                )
            )
    return out


def suspend_missing(p: Project) -> list[Missing]:
    if not p.suspensions.filter(state=SuspensionState.DECLARED).exists():
        return [Missing("suspension", "没有待确认的停工申报")]
    return []


def resume_missing(p: Project) -> list[Missing]:
    if not p.suspensions.filter(state=SuspensionState.CONFIRMED).exists():
        return [Missing("suspension", "没有进行中的停工")]
    return []


def backfill_missing(p: Project) -> list[Missing]:
    """What an uncovered project must back-fill before settlement (R-PRJ-05)."""
    out = preparation_missing(p)
    if not p.actual_start:
        out.append(Missing("actual_start", "未补录实际开工日期"))
    if not p.actual_completion:
        out.append(Missing("actual_completion", "未补录实际完工日期"))
    parts = list(p.participants.select_related("organisation"))
    for role in REQUIRED_PARTICIPANT_ROLES:
        if not any(pt.role == role for pt in parts):
            out.append(Missing(f"participant:{role}", f"未补录{ParticipantRole(role).label}"))
    for pt in parts:
        gaps = pt.contract_missing()
        if gaps:
            out.append(
                Missing(
                    f"contract:{pt.pk}",
                    f"{pt.get_role_display()}“{pt.organisation.name}”的合同缺少：{'、'.join(gaps)}",
                )
            )
    held = set(p.assignments.values_list("position", flat=True))
    for pos in SMALL_WORKS_REQUIRED_POSITIONS:
        if pos not in held:
            out.append(Missing(f"position:{pos}", f"未补录{Position(pos).label}"))
    return out


def settlement_missing(p: Project) -> list[Missing]:
    """R-PRJ-05 (SY 33): a project not supervised on the platform enters
    settlement only after an approved data-completion application and back-fill."""
    if p.is_platform_covered:
        return []
    app = p.data_completions.order_by("-submitted_at", "-id").first()
    basis = "（R-PRJ-05，实施细则第三十三条）"
    if app is None:
        return [
            Missing(
                "data_completion",
                f"项目未纳入平台监管，须先提交《项目资料补全申请书》并经主管单位同意{basis}",
            )
        ]
    if app.state == DataCompletionState.SUBMITTED:
        return [Missing("data_completion", f"资料补全申请尚待主管单位审批{basis}")]
    if app.state == DataCompletionState.REJECTED:
        return [Missing("data_completion", f"资料补全申请未获主管单位同意，须重新申请{basis}")]
    if app.state == DataCompletionState.APPROVED:
        return [Missing("data_completion", f"主管单位已同意补全，须补齐项目资料后方可送审{basis}")]
    return []


def _none(p: Project) -> list[Missing]:
    return []


REQUIREMENTS: dict[str, Callable[[Project], list[Missing]]] = {
    "begin_preparation": preparation_missing,
    "start_works": start_missing,
    "suspend": suspend_missing,
    "resume": resume_missing,
    "complete": _none,
    "accept": _none,
    "submit_settlement": settlement_missing,
    "approve_settlement": _none,
    "pay_funds": _none,
    "return_deposit": _none,
    "terminate": _none,
}


# --- the machine ---------------------------------------------------------------------------------


class ProjectLifecycle:
    """The states of ``Project.status`` and the edges between them; mixed into
    the model. The transitions change the state only: who may take them, what
    they require and what they set are the steps' (``projects/steps.py``,
    ADR 0065); call them only through ``core.steps.write``."""

    @transition(field="status", source=S.REGISTERED, target=S.PREPARING)
    def begin_preparation(self) -> None:
        pass

    @transition(field="status", source=S.PREPARING, target=S.UNDER_CONSTRUCTION)
    def start_works(self) -> None:
        pass

    @transition(field="status", source=S.UNDER_CONSTRUCTION, target=S.SUSPENDED)
    def suspend(self) -> None:
        pass

    @transition(field="status", source=S.SUSPENDED, target=S.UNDER_CONSTRUCTION)
    def resume(self) -> None:
        pass

    @transition(field="status", source=S.UNDER_CONSTRUCTION, target=S.COMPLETED)
    def complete(self) -> None:
        pass

    @transition(field="status", source=S.COMPLETED, target=S.ACCEPTED)
    def accept(self) -> None:
        pass

    @transition(field="status", source=S.ACCEPTED, target=S.SETTLEMENT_SUBMITTED)
    def submit_settlement(self) -> None:
        pass

    @transition(field="status", source=S.SETTLEMENT_SUBMITTED, target=S.SETTLED)
    def approve_settlement(self) -> None:
        pass

    @transition(field="status", source=S.SETTLED, target=S.FUNDS_PAID)
    def pay_funds(self) -> None:
        pass

    @transition(field="status", source=S.FUNDS_PAID, target=S.DEPOSIT_RETURNED)
    def return_deposit(self) -> None:
        pass

    @transition(field="status", source=sorted(TERMINABLE_STATES), target=S.TERMINATED)
    def terminate(self) -> None:
        pass


# The state-changing steps of ``projects.project``, in the order of the table.
TRANSITION_NAMES = tuple(REQUIREMENTS)


# --- views of the step registry (ADR 0065) -------------------------------------------------------


@dataclass(frozen=True)
class TransitionInfo:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    who: str
    requires: str
    basis: str


def _step(name: str) -> Any:
    from postaward.core import steps

    from .steps import PROJECT_WF

    if name not in REQUIREMENTS:
        raise ValueError(f"unknown transition {name}")
    return steps.get(PROJECT_WF, name)


def describe(name: str) -> TransitionInfo:
    """One transition as the registry declares it (for the archive page, the
    README and the transition pages)."""
    from postaward.core import steps

    s = _step(name)
    return TransitionInfo(
        name=name,
        label=s.label,
        sources=steps.source_states(s),
        target=steps.target_state(s),
        who=s.who_label,
        requires=s.help,
        basis=s.basis,
    )


def table() -> list[TransitionInfo]:
    """Every transition: from, to, who, what it requires (for the README and pages)."""
    return [describe(n) for n in TRANSITION_NAMES]


def label(name: str) -> str:
    return describe(name).label


def check(project: Project, name: str, actor: Actor) -> None:
    """The registry's check of the step ``name`` (``core.steps.check``):
    Forbidden (403) for the role, Conflict (409) for the state,
    ValidationFailed (422) listing every missing requirement."""
    from postaward.core import steps

    steps.check(_step(name), project, actor)


def available(project: Project, actor: Actor) -> list[dict[str, Any]]:
    """Transitions the actor's role may take from the current state, each with
    what is still missing (empty when it can be taken now)."""
    from postaward.core import steps

    out = []
    for name in TRANSITION_NAMES:
        s = _step(name)
        if not steps.in_source_state(s, project) or not s.who(project, actor):
            continue
        out.append(
            {
                "name": name,
                "label": s.label,
                "target": steps.target_state(s),
                "missing": [m.as_dict() for m in REQUIREMENTS[name](project)],
            }
        )
    return out


def requirements_refusal(name: str, label: str) -> Callable[[Any, Actor], ValidationFailed]:
    """The refusal of a step whose requirements are missing: 422
    ``requirements_not_met`` with one ``errors`` item per missing thing (ADR 0065)."""

    def refuse(project: Any, actor: Actor) -> ValidationFailed:
        missing = REQUIREMENTS[name](project)
        return ValidationFailed(
            f"不能{label}，尚缺：" + "；".join(m.message for m in missing),
            errors=[m.as_dict() for m in missing],
            code="requirements_not_met",
        )

    return refuse
