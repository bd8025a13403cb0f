"""Build the ``Actor`` for an account."""

from __future__ import annotations

from postaward.core.actor import ANONYMOUS, Actor

from .models import User


def actor_for(user: User | None) -> Actor:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    org = user.organisation
    roles = frozenset(user.role_grants.values_list("role", flat=True))
    return Actor(
        user_id=user.pk,
        username=user.username,
        display_name=user.display_name,
        organisation_id=org.pk if org else None,
        org_path=org.path if org else "",
        org_kind=org.kind if org else "",
        org_name=org.name if org else "",
        roles=roles,
        person_id=user.person_id,
        is_superuser=user.is_superuser,
        user=user,
    )


def actor_for_username(username: str) -> Actor:
    user = User.objects.select_related("organisation", "person").get(username=username)
    return actor_for(user)
