"""The to-dos and notices of a case: one to-do for whoever acts in the
current state, closed by the step that acts (core.todos); the team hears of
its assignment and of the extension (core.notices)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from postaward.core import clock, notices, todos
from postaward.orgs.choices import Role
from postaward.orgs.models import User

from ..choices import State
from ..models import Case

# state → (who: "office"/"department", role, what the to-do says)
WAITING: dict[str, tuple[str, str, str]] = {
    State.REGISTERED: ("office", Role.UNIT_LEADER, "待组建调查组"),
    State.INVESTIGATING: ("office", Role.OFFICE_STAFF, "调查中，待提交调查报告"),
    State.REPORTED: ("office", Role.UNIT_LEADER, "待审议调查结论"),
    State.DELIBERATED: ("office", Role.UNIT_LEADER, "待召开案件会审"),
    State.REVIEWED: ("department", Role.UNIT_LEADER, "待立案审批"),
    State.FILED: ("office", Role.OFFICE_STAFF, "待证据复核和案件终结报告"),
    State.FINAL_REPORTED: ("department", Role.UNIT_LEADER, "待行政处罚审批"),
    State.PENALTY_APPROVED: ("department", Role.AUTHORITY_STAFF, "待送达行政处罚告知书"),
    State.NOTIFIED: ("department", Role.UNIT_LEADER, "待作出行政处罚决定"),
    State.DECIDED: ("department", Role.AUTHORITY_STAFF, "待送达行政处罚决定书"),
    State.DELIVERED: ("office", Role.OFFICE_STAFF, "待录入信用记录（1个工作日内）"),
    State.CREDIT_ENTERED: ("office", Role.UNIT_LEADER, "待签发公示"),
    State.SIGNED_OFF: ("office", Role.OFFICE_STAFF, "待书面反馈处理结果"),
    State.FED_BACK: ("office", Role.UNIT_LEADER, "待结案归档"),
}


def sync_todo(c: Case) -> None:
    """Close the case's open to-do and open the one its state asks for."""
    todos.close_for(subject=c, kind_prefix="cases.")
    waiting = WAITING.get(c.state)
    if waiting is None:
        return
    who, role, what = waiting
    org_id = c.office_id if who == "office" else c.department_id
    _notify(c, org_id, role, what)
    todos.open_for(
        key=f"cases:{c.pk}:{c.state}:{c.extension_count}",
        kind=f"cases.{c.state}",
        title=f"{what}：{c.number}（{c.party_name[:40]}）",
        organisation_id=org_id,
        role=role,
        project_id=c.project_id,
        subject=c,
        url=reverse("cases_detail", args=[c.pk]),
        due_at=clock.end_of_day(c.investigation_due)
        if c.state == State.INVESTIGATING and c.investigation_due
        else None,
    )


def _notify(c: Case, org_id: int, role: str, what: str) -> int:
    """Whoever acts next hears of it (the accounts holding the role there)."""
    users = User.objects.filter(
        organisation_id=org_id, is_active=True, role_grants__role=role
    ).values_list("pk", flat=True)
    return notices.tell(
        list(users.distinct()),
        key=f"cases:{c.pk}:{c.state}:{c.extension_count}",
        kind="cases.step",
        title=f"案件{c.number}：{what}",
        body=f"{c.title}（当事人：{c.party_name}）",
        url=reverse("cases_detail", args=[c.pk]),
    )


def tell_team(c: Case, actor: Any, body: str) -> int:
    """Every member of the team with an account hears of it."""
    person_ids = list(c.members.values_list("person_id", flat=True))
    users = User.objects.filter(person_id__in=person_ids, is_active=True).values_list(
        "pk", flat=True
    )
    return notices.tell(
        list(users),
        key=f"cases:{c.pk}:team:{clock.now().timestamp()}",
        kind="cases.team",
        title=f"案件调查组：{c.number}",
        body=body,
        url=reverse("cases_detail", args=[c.pk]),
        actor=actor,
    )
