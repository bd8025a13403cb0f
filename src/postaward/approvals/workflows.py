"""The approval processes as declared state machines (django-fsm-2).

Each transition carries its label and legal basis (``custom``); who may take
it, the rules beyond role and state and the service are its step's, declared
once in the step registry (``steps.py``, ``steps_changes.py``,
``steps_works.py``; ADR 0060, 0067, 0075, 0078). The ``Who`` objects here are
the steps' ``who``. ``services`` take steps only through ``core.steps.write``;
nothing else changes a ``state``. The README draws each machine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django_fsm import RETURN_VALUE, transition

from postaward.core.actor import Actor
from postaward.orgs.choices import SUPERVISOR_KEY_ROLES, OrgKind, Role
from postaward.projects import workflows as pw
from postaward.projects.choices import ParticipantRole

from .choices import (
    AcceptanceKind,
    AcceptanceState,
    ChangeState,
    ExtensionState,
    HiddenWorkState,
    NoticeState,
    PersonnelRoute,
    PersonnelState,
)

Predicate = Callable[[Any, Actor], bool]
LEADERS = frozenset({Role.ADMIN, Role.UNIT_LEADER})


def project_of(obj: Any) -> Any:
    return getattr(obj, "project", obj)


def _assigned(project: Any, actor: Actor, roles: frozenset[str]) -> bool:
    from postaward.projects.models import KeyPersonAssignment

    return (
        bool(actor.roles & roles)
        and actor.person_id is not None
        and KeyPersonAssignment.objects.filter(
            project_id=project.pk, person_id=actor.person_id, ended_on__isnull=True
        ).exists()
    )


def contractor(obj: Any, a: Actor) -> bool:
    """The contractor of the record's contract: its administrator or leader, or
    its project manager / technical lead on this project (SY 22)."""
    participant = getattr(obj, "participant", None)
    if participant is None or a.organisation_id != participant.organisation_id:
        return False
    if participant.role != ParticipantRole.CONTRACTOR:
        return False
    return bool(a.roles & LEADERS) or _assigned(
        project_of(obj), a, frozenset({Role.PROJECT_MANAGER, Role.TECHNICAL_LEAD})
    )


def supervisor(obj: Any, a: Actor) -> bool:
    """The supervising firm of the project: its administrator or leader, or its
    engineers on this project (SY 23)."""
    p = project_of(obj)
    if a.org_kind != OrgKind.SUPERVISING_FIRM:
        return False
    if not p.participants.filter(
        organisation_id=a.organisation_id, role=ParticipantRole.SUPERVISING_FIRM
    ).exists():
        return False
    return bool(a.roles & LEADERS) or _assigned(p, a, frozenset(SUPERVISOR_KEY_ROLES))


def owner(obj: Any, a: Actor) -> bool:
    """The owner's project leader of this project or the owner's administrator."""
    return pw.OWNER_MANAGERS(project_of(obj), a)


def owner_staff(obj: Any, a: Actor) -> bool:
    """Anyone of the owner who manages the project, its unit leader included."""
    p = project_of(obj)
    return pw.OWNER_MANAGERS(p, a) or pw.owner_unit_leader(p, a)


def superior(obj: Any, a: Actor) -> bool:
    return pw.superior_of(project_of(obj), a)


def authority(obj: Any, a: Actor) -> bool:
    return pw.authority_of(project_of(obj), a)


def office(obj: Any, a: Actor) -> bool:
    return pw.supervision_office(project_of(obj), a)


def drc(obj: Any, a: Actor) -> bool:
    """The development and reform commission of the project's district
    (R-CHG-05, QZ 2(四)); another district's is out of scope."""
    if a.org_kind != OrgKind.DRC or not a.roles & {Role.DRC_OFFICER, Role.ADMIN}:
        return False
    p = project_of(obj)
    unit = p.owner if p.owner_id is not None else p.industry_authority
    return bool(a.district_path) and unit is not None and unit.path.startswith(a.district_path)


def raiser(obj: Any, a: Actor) -> bool:
    """The unit that raised the record withdraws it: the owner when the owner
    raised it, else the contractor (a party cannot take back the other's
    request; ADR 0304)."""
    if getattr(obj, "raised_by_owner", False):
        return owner(obj, a)
    return contractor(obj, a)


def initiator_unit(obj: Any, a: Actor) -> bool:
    """The unit that changes its person (SY 27(二)): its administrator or leader."""
    participant = obj.participant
    return a.organisation_id == participant.organisation_id and bool(a.roles & LEADERS)


def change_rejector(obj: Any, a: Actor) -> bool:
    """Whoever decides the current step may refuse it; once decided, any of the
    reviewing units is told the state (409), not that it may not (403)."""
    current = {
        ChangeState.SUBMITTED: supervisor,
        ChangeState.SUPERVISOR_APPROVED: owner,
        ChangeState.OWNER_APPROVED: drc,
    }.get(obj.state)
    if current is not None:
        return current(obj, a)
    return supervisor(obj, a) or owner(obj, a) or drc(obj, a)


def personnel_rejector(obj: Any, a: Actor) -> bool:
    """Whoever decides the current step may refuse it (as ``change_rejector``)."""
    decider = authority if obj.route == PersonnelRoute.REVIEW else superior
    if obj.state == PersonnelState.SUPERVISOR_PENDING:
        return supervisor(obj, a)
    if obj.state == PersonnelState.SUBMITTED:
        return owner(obj, a)
    if obj.state == PersonnelState.OWNER_AGREED:
        return decider(obj, a)
    return supervisor(obj, a) or owner(obj, a) or decider(obj, a)


def acceptance_initiator(obj: Any, a: Actor) -> bool:
    if obj.kind == AcceptanceKind.TOWNSHIP:
        return owner(obj, a)  # the village initiates the township re-acceptance
    return contractor(obj, a)


def acceptance_organiser(obj: Any, a: Actor) -> bool:
    """The owner organises the acceptance; the township (the village's superior)
    organises the re-acceptance (SY 31(四))."""
    if obj.kind == AcceptanceKind.TOWNSHIP:
        return superior(obj, a)
    return owner(obj, a)


def extension_decider(obj: Any, a: Actor) -> bool:
    return {
        ExtensionState.PENDING_SUPERIOR: superior,
        ExtensionState.PENDING_AUTHORITY: authority,
        ExtensionState.PENDING_OFFICE: office,
    }.get(obj.state, _never)(obj, a)


def _never(obj: Any, a: Actor) -> bool:
    return False


@dataclass(frozen=True)
class Who:
    """A permission: any of the predicates (the platform itself always may)."""

    label: str
    predicates: tuple[Predicate, ...]

    def __call__(self, obj: Any, actor: Actor) -> bool:
        return actor.is_system or any(pred(obj, actor) for pred in self.predicates)


CONTRACTOR = Who("施工单位", (contractor,))
SUPERVISOR = Who("监理单位", (supervisor,))
OWNER = Who("建设单位项目负责人或总管", (owner,))
OWNER_STAFF = Who("建设单位人员", (owner_staff,))
SUPERIOR = Who("主管单位（条线）", (superior,))
AUTHORITY = Who("行业主管部门", (authority,))
OFFICE = Who("双查双保领导小组（监管办）", (office,))
DRC = Who("发展和改革部门", (drc,))
RAISER = Who("变更发起单位", (raiser,))
INITIATOR_UNIT = Who("人员变更单位总管或负责人", (initiator_unit,))
CHANGE_REJECTOR = Who("当前环节的审核单位", (change_rejector,))
PERSONNEL_REJECTOR = Who("当前环节的审核单位", (personnel_rejector,))
SUPERVISOR_OR_OWNER = Who("监理单位或建设单位", (supervisor, owner))
ACCEPTANCE_INITIATOR = Who("验收发起单位", (acceptance_initiator,))
ACCEPTANCE_ORGANISER = Who("验收组织单位", (acceptance_organiser,))
EXTENSION_DECIDER = Who("当前环节的审核单位", (extension_decider,))


def _step(source: Any, target: Any, label: str, basis: str) -> Any:
    """A transition of a process on the step registry: who may take it is its
    step's ``who`` (``steps_changes.py``), not a ``permission`` here."""
    return transition(
        field="state", source=source, target=target, custom={"label": label, "basis": basis}
    )


class ChangeFlow:
    """Engineering change (R-CHG-01, 02, 05, 06; steps: ``steps_changes.py``)."""

    @_step(ChangeState.SUBMITTED, ChangeState.SUPERVISOR_APPROVED, "监理审核通过", "R-CHG-02")
    def review_by_supervisor(self) -> None:
        pass

    @_step(
        ChangeState.SUPERVISOR_APPROVED,
        RETURN_VALUE(ChangeState.OWNER_APPROVED, ChangeState.APPROVED),
        "建设单位审批同意",
        "R-CHG-02",
    )
    def approve_by_owner(self) -> str:
        return ChangeState.OWNER_APPROVED if self.is_major else ChangeState.APPROVED  # type: ignore[attr-defined]

    @_step(
        ChangeState.OWNER_APPROVED,
        ChangeState.APPROVED,
        "发改部门批准重大设计变更",
        "R-CHG-05",
    )
    def approve_by_drc(self) -> None:
        pass

    @_step(
        [ChangeState.SUBMITTED, ChangeState.SUPERVISOR_APPROVED, ChangeState.OWNER_APPROVED],
        ChangeState.REJECTED,
        "审核不通过",
        "R-CHG-02",
    )
    def reject(self) -> None:
        pass

    @_step(ChangeState.SUBMITTED, ChangeState.WITHDRAWN, "撤回", "R-CHG-01")
    def withdraw(self) -> None:
        pass


class PersonnelFlow:
    """Personnel change (R-CHG-03, 04, 06; steps: ``steps_changes.py``)."""

    @_step(
        PersonnelState.SUPERVISOR_PENDING,
        PersonnelState.SUBMITTED,
        "监理单位审核通过",
        "R-CHG-06",
    )
    def review_by_supervisor(self) -> None:
        pass

    @_step(PersonnelState.SUBMITTED, PersonnelState.OWNER_AGREED, "建设单位同意", "R-CHG-03")
    def agree_by_owner(self) -> None:
        pass

    @_step(
        PersonnelState.OWNER_AGREED,
        PersonnelState.APPROVED,
        "行业主管部门审核同意",
        "R-CHG-03",
    )
    def approve_by_authority(self) -> None:
        pass

    @_step(
        PersonnelState.OWNER_AGREED,
        PersonnelState.APPROVED,
        "主管单位同意并报行业主管部门备案",
        "R-CHG-03",
    )
    def agree_by_superior(self) -> None:
        pass

    @_step(PersonnelState.APPROVED, PersonnelState.COMPLETED, "上传审批表并换岗", "R-CHG-03")
    def complete(self) -> None:
        pass

    @_step(
        [PersonnelState.SUPERVISOR_PENDING, PersonnelState.SUBMITTED, PersonnelState.OWNER_AGREED],
        PersonnelState.REJECTED,
        "审核不通过",
        "R-CHG-03",
    )
    def reject(self) -> None:
        pass

    @_step(
        [PersonnelState.SUPERVISOR_PENDING, PersonnelState.SUBMITTED],
        PersonnelState.WITHDRAWN,
        "撤回",
        "R-CHG-03",
    )
    def withdraw(self) -> None:
        pass


def _s(source: Any, target: Any, label: str, basis: str) -> Any:
    """A transition of a process on the step registry (``steps_works.py``): who
    may take it is the step's ``who``, not the machine's ``permission``."""
    return transition(
        field="state", source=source, target=target, custom={"label": label, "basis": basis}
    )


class HiddenWorkFlow:
    """Hidden works (R-HID-01..03)."""

    @_s(HiddenWorkState.APPLIED, HiddenWorkState.ACCEPTED, "旁站并验收", "R-HID-02")
    def record_standby(self) -> None:
        pass

    @_s(HiddenWorkState.ACCEPTED, HiddenWorkState.REVIEWED, "影像审核通过", "R-HID-03")
    def approve_review(self) -> None:
        pass

    @_s(HiddenWorkState.ACCEPTED, HiddenWorkState.RETURNED, "影像退回补传", "R-HID-03")
    def return_photos(self) -> None:
        pass

    @_s(
        HiddenWorkState.RETURNED,
        HiddenWorkState.ACCEPTED,
        "补传影像后重新提交",
        "R-HID-02",
    )
    def resubmit(self) -> None:
        pass

    @_s(HiddenWorkState.APPLIED, HiddenWorkState.WITHDRAWN, "撤回申请", "R-HID-01")
    def withdraw(self) -> None:
        pass


class NoticeFlow:
    """Rectification notice (R-SUP-01, 02)."""

    @_s(NoticeState.ISSUED, NoticeState.REPLIED, "整改回复", "R-SUP-01")
    def answer(self) -> None:
        pass

    @_s(NoticeState.REPLIED, NoticeState.CLOSED, "复查合格", "R-SUP-01")
    def close(self) -> None:
        pass

    @_s(NoticeState.REPLIED, NoticeState.ISSUED, "复查不合格，重新整改", "R-SUP-01")
    def reopen(self) -> None:
        pass

    @_s(NoticeState.ISSUED, NoticeState.REFUSED, "登记拒不整改", "R-SUP-02")
    def refuse(self) -> None:
        pass

    @_s(NoticeState.REFUSED, NoticeState.HANDLED, "行业主管部门调查处理", "R-SUP-02")
    def handle(self) -> None:
        pass


class AcceptanceFlow:
    """Completion acceptance (R-ACC-01..05)."""

    @_step(AcceptanceState.SUBMITTED, AcceptanceState.RECEIVED, "监理审核通过", "R-ACC-01")
    def review_by_supervisor(self) -> None:
        pass

    @_step(AcceptanceState.SUBMITTED, AcceptanceState.REJECTED, "监理审核不通过", "R-ACC-01")
    def reject_by_supervisor(self) -> None:
        pass

    @_step(AcceptanceState.RECEIVED, AcceptanceState.RETURNED, "不满足验收条件，退回", "R-ACC-03")
    def return_not_ready(self) -> None:
        pass

    @_step(AcceptanceState.RECEIVED, AcceptanceState.PASSED, "验收合格", "R-ACC-01")
    def conclude_pass(self) -> None:
        pass

    @_step(AcceptanceState.RECEIVED, AcceptanceState.FAILED, "验收不合格", "R-ACC-01")
    def conclude_fail(self) -> None:
        pass

    @_step(AcceptanceState.SUBMITTED, AcceptanceState.WITHDRAWN, "撤回", "R-ACC-01")
    def withdraw(self) -> None:
        pass


class ExtensionFlow:
    """Extension of the acceptance period of super-large works (R-ACC-04)."""

    @_s(
        ExtensionState.PENDING_SUPERIOR,
        ExtensionState.PENDING_AUTHORITY,
        "主管单位同意",
        "R-ACC-04",
    )
    def agree_by_superior(self) -> None:
        pass

    @_s(
        ExtensionState.PENDING_AUTHORITY,
        ExtensionState.PENDING_OFFICE,
        "行业主管部门同意",
        "R-ACC-04",
    )
    def agree_by_authority(self) -> None:
        pass

    @_s(ExtensionState.PENDING_OFFICE, ExtensionState.APPROVED, "领导小组同意", "R-ACC-04")
    def agree_by_office(self) -> None:
        pass

    @_s(
        [
            ExtensionState.PENDING_SUPERIOR,
            ExtensionState.PENDING_AUTHORITY,
            ExtensionState.PENDING_OFFICE,
        ],
        ExtensionState.REJECTED,
        "不同意延长",
        "R-ACC-04",
    )
    def reject(self) -> None:
        pass


# --- checking and listing transitions ---------------------------------------------------------------


def _meta(obj: Any, name: str) -> Any:
    meta = getattr(getattr(type(obj), name, None), "_django_fsm", None)
    if meta is None:
        raise ValueError(f"{type(obj).__name__} has no transition {name}")
    return meta


def _first(obj: Any, name: str) -> Any:
    return next(iter(_meta(obj, name).transitions.values()))


def label(obj: Any, name: str) -> str:
    return str(_first(obj, name).custom["label"])
