"""Reads of the orgs app, all through the data-scope layer."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from postaward.core import clock, registries
from postaward.core.actor import Actor

from .choices import ENTERPRISE_KINDS, Role
from .models import ApiToken, LoginLog, Organisation, Person, User


def organisations(actor: Actor, *, q: str = "", kind: str = "") -> QuerySet[Organisation]:
    qs = Organisation.objects.visible_to(actor)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(uscc__iexact=q))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(people_count=Count("people", distinct=True)).order_by("path")


def manageable_organisations(actor: Actor) -> QuerySet[Organisation]:
    """The subtree an administrator maintains (R-ORG-03)."""
    if Role.ADMIN not in actor.roles or not actor.org_path:
        return Organisation.objects.none()
    return Organisation.objects.filter(path__startswith=actor.org_path).order_by("path")


def org_tree(actor: Actor) -> list[dict[str, Any]]:
    """The visible organisations as nested dicts (for the tree view)."""
    nodes: dict[int, dict[str, Any]] = {
        o.pk: {"org": o, "children": []} for o in organisations(actor)
    }
    roots: list[dict[str, Any]] = []
    for node in nodes.values():
        parent_id = node["org"].parent_id
        if parent_id in nodes:
            nodes[parent_id]["children"].append(node)
        else:
            roots.append(node)
    return roots


def people(actor: Actor, *, q: str = "", organisation_id: int | None = None) -> QuerySet[Person]:
    qs = Person.objects.visible_to(actor).select_related("organisation")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(mobile__startswith=q))
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    return qs.order_by("organisation__path", "name")


def accounts(actor: Actor, *, organisation_id: int | None = None) -> QuerySet[User]:
    qs = (
        User.objects.visible_to(actor)
        .select_related("organisation", "person")
        .prefetch_related("role_grants")
    )
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    return qs.order_by("organisation__path", "username")


def tokens(actor: Actor) -> QuerySet[ApiToken]:
    return ApiToken.objects.visible_to(actor).select_related("user").order_by("-created_at")


def login_logs(actor: Actor, *, filters: dict[str, Any]) -> QuerySet[LoginLog]:
    qs = LoginLog.objects.visible_to(actor)
    if v := filters.get("username"):
        qs = qs.filter(username__icontains=v)
    if v := filters.get("result"):
        qs = qs.filter(result=v)
    if v := filters.get("date_from"):
        qs = qs.filter(at__gte=clock.start_of_day(v))
    if v := filters.get("date_to"):
        qs = qs.filter(at__lt=clock.end_of_day(v))
    return qs.order_by("-at")


def account_id_of(person_id: int | None, organisation_id: int | None) -> int | None:
    """The active account of a person acting for the organisation, if any."""
    if person_id is None or organisation_id is None:
        return None
    return (
        User.objects.filter(person_id=person_id, organisation_id=organisation_id, is_active=True)
        .values_list("pk", flat=True)
        .first()
    )


def owner_leader_account_id(project: Any) -> int | None:
    """The account of the project's owner leader (建设单位项目负责人), if any."""
    return account_id_of(project.owner_leader_id, project.owner_id)


# --- what the kernel asks of the orgs app (ADR 0055) ----------------------------------------------


def _units_under(path: str) -> QuerySet[Organisation]:
    return Organisation.objects.filter(path__startswith=path).values("pk")


def _is_enterprise(actor: Actor) -> bool:
    return actor.org_kind in ENTERPRISE_KINDS


def _authenticate_token(token: str) -> tuple[User, Actor] | None:
    from . import tokencache

    return tokencache.authenticate(token)


def _token_only(actor: Actor) -> bool:
    """An integration account (the integrator role alone, ADR 0023)."""
    return actor.roles == {Role.INTEGRATOR}


KERNEL_DIRECTORY = registries.OrgDirectory(units_under=_units_under, is_enterprise=_is_enterprise)
TOKEN_BACKEND = registries.TokenBackend(authenticate=_authenticate_token, token_only=_token_only)


# --- sections other capabilities add to a person's page ---------------------------------------------

# ``fn(person, actor) -> {"title", "icon", "rows": [(label, text, tag colour)], "note",
# "testid"}`` or None (nothing to show this actor). Apps above orgs register
# theirs in ``ready()`` (accountability: the award eligibility, QZ 附件2 art. 12).
PersonSection = Any
_person_sections: list[Any] = []


def register_person_section(fn: Any) -> Any:
    if fn not in _person_sections:
        _person_sections.append(fn)
    return fn


def person_sections(person: Person, actor: Actor) -> list[dict[str, Any]]:
    out = []
    for fn in _person_sections:
        sec = fn(person, actor)
        if sec:
            out.append(sec)
    return out
