"""How the project registry widens what organisations and people are visible,
and the home page counts it contributes."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse

from postaward.core import homepage
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
            "url": url,
            "value": by_status.get(ProjectStatus.UNDER_CONSTRUCTION, 0),
        },
        {
            "key": "projects_suspended",
            "label": "停工项目",
            "icon": "bi-pause-circle",
            "url": url,
            "value": by_status.get(ProjectStatus.SUSPENDED, 0),
        },
        {
            "key": "projects_preparing",
            "label": "开工准备",
            "icon": "bi-hourglass-split",
            "url": url,
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
