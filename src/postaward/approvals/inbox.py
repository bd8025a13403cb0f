"""The approval processes in the inbox: the requester is told every decision
on their request, with the project's owner leader; "我发起的" lists the
requests an account raised, with their state."""

from __future__ import annotations

from typing import Any

from postaward.core import notices, todos
from postaward.core.actor import Actor
from postaward.orgs.selectors import owner_leader_account_id

from .models import (
    AcceptanceExtension,
    AcceptanceRequest,
    EngineeringChange,
    HiddenWork,
    PersonnelChange,
    ProcessStep,
    RectificationNotice,
)

# label_lower → (what the request is called, its page)
KINDS: dict[str, tuple[Any, str, str]] = {
    "approvals.engineeringchange": (EngineeringChange, "工程变更", "/approvals/changes/{pk}/"),
    "approvals.personnelchange": (PersonnelChange, "人员变更", "/approvals/personnel/{pk}/"),
    "approvals.hiddenwork": (HiddenWork, "隐蔽工程验收", "/approvals/hidden-works/{pk}/"),
    "approvals.rectificationnotice": (
        RectificationNotice,
        "监理通知单",
        "/approvals/notices/{pk}/",
    ),
    "approvals.acceptancerequest": (AcceptanceRequest, "竣工验收", "/approvals/acceptance/{pk}/"),
    "approvals.acceptanceextension": (
        AcceptanceExtension,
        "验收延期",
        "/approvals/acceptance/{request_id}/",
    ),
}
# steps taken by the requester themselves, not decisions on the request
NOT_DECISIONS = frozenset({"withdraw", "resubmit"})


def _url(obj: Any) -> str:
    kind = KINDS.get(obj._meta.label_lower)
    if kind is None:
        return ""
    return kind[2].format(pk=obj.pk, request_id=getattr(obj, "request_id", ""))


def requester_id(obj: Any) -> int | None:
    """The account that raised the request (its first step)."""
    first = (
        ProcessStep.objects.filter(subject_type=obj._meta.label_lower, subject_id=str(obj.pk))
        .order_by("at", "id")
        .values_list("actor_user_id", flat=True)
        .first()
    )
    return first


def tell_decision(obj: Any, actor: Actor, name: str, label: str, opinion: str = "") -> int:
    """A decision on a request: the requester and the project's owner leader
    are told (not the one who decided)."""
    if name in NOT_DECISIONS or obj._meta.label_lower not in KINDS:
        return 0
    project = obj.project
    who = [requester_id(obj), owner_leader_account_id(project)]
    who = [u for u in who if u and u != actor.user_id]
    state = obj.get_state_display() if hasattr(obj, "get_state_display") else ""
    what = KINDS[obj._meta.label_lower][1]
    return notices.tell(
        who,
        key=f"approvals.decision:{obj._meta.label_lower}:{obj.pk}:{name}:{state}",
        kind="decision",
        title=f"{what}{label}：{obj}（{project.name}）",
        body=(
            f"{actor.org_name} {actor.display_name}：{label}，当前状态：{state}。" if state else ""
        )
        + (f"\n意见：{opinion}" if opinion else ""),
        url=_url(obj),
        project=project,
        actor=actor,
    )


def my_requests(actor: Actor) -> list[dict[str, Any]]:
    """Requests whose first step the actor took."""
    mine = (
        ProcessStep.objects.filter(actor_user_id=actor.user_id, subject_type__in=list(KINDS))
        .values_list("subject_type", "subject_id")
        .distinct()[:300]
    )
    by_type: dict[str, list[str]] = {}
    for subject_type, subject_id in mine:
        by_type.setdefault(subject_type, []).append(subject_id)
    rows: list[dict[str, Any]] = []
    for subject_type, ids in by_type.items():
        model, what, _ = KINDS[subject_type]
        first_steps: dict[str, ProcessStep] = {}
        for s in ProcessStep.objects.filter(subject_type=subject_type, subject_id__in=ids).order_by(
            "at", "id"
        ):
            first_steps.setdefault(s.subject_id, s)
        for obj in model.objects.filter(pk__in=ids).select_related("project"):
            step = first_steps.get(str(obj.pk))
            if step is None or step.actor_user_id != actor.user_id:
                continue
            rows.append(
                {
                    "kind": what,
                    "title": str(obj),
                    "project": obj.project.name,
                    "state": obj.get_state_display(),
                    "url": _url(obj),
                    "at": step.at,
                }
            )
    return rows


todos.register_requests(my_requests)


def _action_label(action: str) -> str | None:
    """``approvals.<model>.<transition>`` → "工程变更：监理审核通过"."""
    from django.apps import apps

    from . import workflows

    parts = action.split(".")
    if len(parts) != 3:
        return None
    try:
        model = apps.get_model("approvals", parts[1])
        return f"{model._meta.verbose_name}：{workflows.label(model(), parts[2])}"
    except (LookupError, ValueError):
        return None


def _register_audit() -> None:
    from postaward.core import audit_labels

    audit_labels.resolver("approvals.", _action_label)
    for label_lower in KINDS:
        audit_labels.link(label_lower, _linker(label_lower))


def _linker(label_lower: str) -> Any:
    def page(pk: str) -> str:
        return _url(KINDS[label_lower][0].objects.get(pk=pk))

    return page


_register_audit()
