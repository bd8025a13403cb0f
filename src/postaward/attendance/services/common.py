"""Who may act for the owner of a project (leave, reviews, interviews)."""

from __future__ import annotations

from typing import Any

from postaward.core.actor import Actor
from postaward.core.errors import Forbidden
from postaward.core.files import CheckedUpload
from postaward.orgs.choices import Role
from postaward.projects.models import Project

# --- who may act for the owner ----------------------------------------------------------------


def is_owner_side(actor: Actor, project: Project) -> bool:
    """The owner's project leader of this project, or an administrator / leader
    of the owner organisation (R-ATT-05: leave is approved by the owner)."""
    if actor.is_system:
        return True
    owner = project.owner
    if owner is None or not actor.org_path or not owner.path.startswith(actor.org_path):
        return False
    if actor.person_id and project.owner_leader_id == actor.person_id:
        return True
    return bool(actor.roles & {Role.ADMIN, Role.UNIT_LEADER}) and actor.organisation_id == owner.pk


def require_owner_side(actor: Actor, project: Project) -> None:
    if not is_owner_side(actor, project):
        raise Forbidden("仅建设单位（项目负责人或单位总管）可以办理")


def _file_facts(name: str, checked: CheckedUpload | None) -> dict[str, Any] | None:
    """What the audit keeps of a stored file: its original name, type and hash."""
    if checked is None:
        return None
    return {"name": name, "type": checked.content_type, "sha256": checked.sha256}
