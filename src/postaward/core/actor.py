"""Who is acting: the user, the organisation they act for, their roles.

Every service takes ``actor`` as its first keyword argument; every scoped read is
``Model.objects.visible_to(actor)``. The actor is built once per request by
``orgs.middleware.ActorMiddleware`` (and for API tokens by the API auth).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    display_name: str
    organisation_id: int | None
    org_path: str
    org_kind: str
    org_name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    person_id: int | None = None
    is_system: bool = False
    is_superuser: bool = False
    user: Any = field(default=None, compare=False, repr=False)

    def has_role(self, *roles: str) -> bool:
        return self.is_system or bool(self.roles.intersection(roles))

    def has_any(self, roles: Iterable[str]) -> bool:
        return self.has_role(*roles)

    @property
    def district_path(self) -> str:
        """Path of the district root (the first segment of the org path)."""
        if not self.org_path:
            return ""
        return self.org_path.split("/", 1)[0] + "/"

    @property
    def is_authenticated(self) -> bool:
        return self.is_system or self.user_id is not None


SYSTEM = Actor(
    user_id=None,
    username="system",
    display_name="系统",
    organisation_id=None,
    org_path="",
    org_kind="system",
    org_name="平台",
    is_system=True,
)
"""The platform itself: scheduled sweeps, imports, the simulator."""

ANONYMOUS = Actor(
    user_id=None,
    username="anonymous",
    display_name="访客",
    organisation_id=None,
    org_path="",
    org_kind="public",
    org_name="社会公众",
)
