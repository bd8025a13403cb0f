"""How the project registry widens what organisations and people are visible,
and the home page counts it contributes."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import NoReverseMatch, reverse

from postaward.core import clock, homepage, registries, todos
from postaward.core.actor import Actor
from postaward.orgs import models as org_models
from postaward.orgs.choices import ENTERPRISE_KINDS

from .choices import ACTIVE_STATES, ProjectStatus
from .models import KeyPersonAssignment, Participant, Project, project_scope_q


def _visible_project_ids(actor: Actor):  # type: ignore[no-untyped-def]
    return Project.objects.filter(project_scope_q(actor)).values("pk")


def orgs_of_visible_projects(actor: Actor) -> Q:
    """A unit that works on a project you can see is visible to you (by name)."""
    ids = _visible_project_ids(actor)
    return Q(pk__in=Participant.objects.filter(project_id__in=ids).values("organisation_id")) | Q(
        pk__in=Project.objects.filter(pk__in=ids).values("owner_id")
    )


def people_of_visible_projects(actor: Actor) -> Q:
    ids = _visible_project_ids(actor)
    return Q(pk__in=KeyPersonAssignment.objects.filter(project_id__in=ids).values("person_id")) | Q(
        pk__in=Project.objects.filter(pk__in=ids).values("owner_leader_id")
    )


org_models.ORG_VISIBILITY_HOOKS.append(orgs_of_visible_projects)
org_models.PERSON_VISIBILITY_HOOKS.append(people_of_visible_projects)


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


@homepage.register(order=10)
def project_counts(actor: Actor) -> list[dict]:
    qs = Project.objects.visible_to(actor)
    by_status = dict(qs.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    total = sum(by_status.values())
    url = _url("project_list")
    out = [
        {
            "key": "projects_total",
            "label": "可见项目",
            "value": total,
            "icon": "bi-building",
            "url": url,
        },
        {
            "key": "projects_active",
            "label": "在建项目",
            "icon": "bi-cone-striped",
            "url": f"{url}?stage={ProjectStatus.UNDER_CONSTRUCTION}",
            "value": by_status.get(ProjectStatus.UNDER_CONSTRUCTION, 0),
        },
        {
            "key": "projects_suspended",
            "label": "停工项目",
            "icon": "bi-pause-circle",
            "url": f"{url}?stage={ProjectStatus.SUSPENDED}",
            "value": by_status.get(ProjectStatus.SUSPENDED, 0),
        },
        {
            "key": "projects_preparing",
            "label": "开工前项目",
            "icon": "bi-hourglass-split",
            "url": f"{url}?stage=before_start",
            "hint": "已登记、开工准备",
            "value": by_status.get(ProjectStatus.PREPARING, 0)
            + by_status.get(ProjectStatus.REGISTERED, 0),
        },
    ]
    # R-ORG-03: projects still waiting for their owner or project leader, for the
    # levels that assign them (shown only when there are some).
    if actor.org_kind not in ENTERPRISE_KINDS:
        waiting = (
            qs.filter(status__in=ACTIVE_STATES)
            .filter(Q(owner__isnull=True) | Q(owner_leader__isnull=True))
            .count()
        )
        if waiting:
            out.append(
                {
                    "key": "projects_unassigned",
                    "label": "待分配项目",
                    "icon": "bi-diagram-3",
                    "url": f"{url}?unassigned=1" if url else "",
                    "value": waiting,
                }
            )
    return out


@todos.register_requests
def my_suspension_declarations(actor: Actor) -> list[dict[str, Any]]:
    """ "我发起的": the suspensions the actor declared and their state."""
    from .models import Suspension

    return [
        {
            "kind": "停工申报",
            "title": f"{clock.localtime(s.started_at):%Y-%m-%d} 起停工：{s.reason}",
            "project": s.project.name,
            "state": s.get_state_display(),
            "url": f"/projects/{s.project_id}/#suspensions",
            "at": s.declared_at,
        }
        for s in Suspension.objects.filter(declared_by_id=actor.user_id)
        .select_related("project")
        .order_by("-declared_at")[:100]
    ]


def _project_action_label(action: str) -> str | None:
    """``projects.<transition>`` → its label in the lifecycle (开工, 停工 …)."""
    from . import workflows

    try:
        return workflows.label(action.split(".", 1)[1])
    except (ValueError, IndexError):
        return None


def _register_audit() -> None:
    from postaward.core import audit_labels

    audit_labels.resolver("projects.", _project_action_label)
    audit_labels.link("projects.project", lambda pk: reverse("project_detail", args=[int(pk)]))


_register_audit()


# --- what the kernel asks of the projects app (ADR 0055) -----------------------------------------


def _visible_ids_for_kernel(actor: Actor):  # type: ignore[no-untyped-def]
    return Project.objects.visible_to(actor).values("pk")


def _names(ids: set[int]) -> dict[int, str]:
    return dict(Project.objects.filter(pk__in=ids).values_list("pk", "name"))


def _matching(actor: Actor, text: str) -> list[int]:
    match = Q(code__iexact=text) | Q(name__icontains=text)
    if text.isdigit():
        match |= Q(pk=int(text))
    return list(Project.objects.visible_to(actor).filter(match).values_list("pk", flat=True)[:500])


def _name_of(field: str) -> Subquery:
    return Subquery(Project.objects.filter(pk=OuterRef(field)).values("name")[:1])


def _is_paused(project_id: int) -> bool:
    return Project.objects.filter(pk=project_id, status=ProjectStatus.SUSPENDED).exists()


KERNEL_DIRECTORY = registries.ProjectDirectory(
    visible_ids=_visible_ids_for_kernel,
    names=_names,
    matching=_matching,
    name_of=_name_of,
    is_paused=_is_paused,
)
