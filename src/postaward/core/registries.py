"""What the kernel asks of the apps above it (ADR 0055).

The core is the lowest layer: it imports no domain app (``lint-imports`` checks
it). Where a kernel service needs an answer only a domain app has (which
projects an actor sees, whether a project is suspended, whose bearer token this
is, which organisation kinds use the enterprise portal), the app hands the
kernel a function in its ``AppConfig.ready()``, and the kernel calls it through
this module. An answer asked for before any app provided it is a programming
error (an app not installed or ``ready()`` not run), and says which one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from .actor import Actor


@dataclass(frozen=True)
class ProjectDirectory:
    """The kernel's questions about projects (given by the projects app).

    - ``visible_ids(actor)``: a query of the pks of the projects the actor sees
      (R-ORG-04): rows hanging off a project are visible exactly when it is.
    - ``names(ids)``: pk → name for the given projects (the audit trail's column).
    - ``matching(actor, text)``: visible projects whose ID or code is ``text`` or
      whose name contains it (the audit page's project filter).
    - ``name_of(field)``: an expression giving the name of the project whose pk is
      in ``field`` of the outer query (to-do lists show it without a join).
    - ``is_paused(project_id)``: the project is suspended now (R-PRJ-07): its
      clocks start paused.
    """

    visible_ids: Callable[[Actor], QuerySet[Any]]
    names: Callable[[set[int]], dict[int, str]]
    matching: Callable[[Actor, str], list[int]]
    name_of: Callable[[str], Any]  # an expression for .annotate() (a Subquery)
    is_paused: Callable[[int], bool]


@dataclass(frozen=True)
class OrgDirectory:
    """The kernel's questions about organisations (given by the orgs app).

    - ``units_under(path)``: a query of the pks of the units at or under ``path``.
    - ``is_enterprise(actor)``: the actor works for an enterprise (a contractor,
      a supervising firm, an intermediary) and uses the enterprise portal.
    """

    units_under: Callable[[str], QuerySet[Any]]
    is_enterprise: Callable[[Actor], bool]


@dataclass(frozen=True)
class TokenBackend:
    """Bearer tokens for phones and integrators (given by the orgs app).

    - ``authenticate(token)``: the account and its actor, or None.
    - ``token_only(actor)``: an integration account, which never uses its
      password (its initial password does not block its tokens; ADR 0023).
    """

    authenticate: Callable[[str], tuple[Any, Actor] | None]
    token_only: Callable[[Actor], bool]


_given: dict[str, Any] = {}


def provide_projects(directory: ProjectDirectory) -> None:
    _given["projects"] = directory


def provide_orgs(directory: OrgDirectory) -> None:
    _given["orgs"] = directory


def provide_token_backend(backend: TokenBackend) -> None:
    _given["tokens"] = backend


def _get(key: str, app: str) -> Any:
    try:
        return _given[key]
    except KeyError:  # pragma: no cover - a programming error
        raise RuntimeError(
            f"the {app} app has not registered with the core (is it installed and ready?)"
        ) from None


def projects() -> ProjectDirectory:
    return _get("projects", "projects")  # type: ignore[no-any-return]


def orgs() -> OrgDirectory:
    return _get("orgs", "orgs")  # type: ignore[no-any-return]


def token_backend() -> TokenBackend:
    return _get("tokens", "orgs")  # type: ignore[no-any-return]
