"""Bearer tokens from an in-process cache, with revocation within a second (ADR 0507).

Authenticating a token from the database costs two queries (the token with its
account, organisation and person; then the roles) and the building of the
actor, on every request of a phone. This cache keeps, per process, token digest
→ (account, actor, expiry) and answers from memory while nothing that can
change the answer has happened:

- Every such change (a token revoked or created, an account's roles,
  organisation, person, password or status, an organisation or a person
  edited) raises the one row of ``AuthRevision`` in the same transaction
  (``bump``: signals on the models, and explicit calls where tokens are revoked
  by a set-wise update) and empties this process's cache at once.
- Other processes read the row (one primary-key query) at most once per
  ``REVISION_MAX_AGE`` and empty their cache when it changed. An entry is only
  used under the revision read before it was loaded, so a change committed
  after the read is seen within ``REVISION_MAX_AGE`` (1 s): a revoked or reset
  token stops within a second everywhere, and at once in the process that
  revoked it.
- The expiry is checked on every use (it needs no database); the last use is
  still recorded at most every five minutes.

A refused token is never cached: it costs the database lookup as before.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db import transaction
from django.db.models import F

from postaward.core import clock
from postaward.core.actor import Actor

if TYPE_CHECKING:
    from .models import ApiToken, User

MAX_ENTRIES = 100_000


@dataclass
class _Entry:
    revision: int
    token: ApiToken
    actor: Actor
    expires_at: dt.datetime


_lock = threading.Lock()
_entries: dict[str, _Entry] = {}
_state: dict[str, Any] = {"revision": None, "read_at": float("-inf")}


def _max_age() -> float:
    return float(cast("float", settings.POSTAWARD.get("AUTH_REVISION_MAX_AGE", 1.0)))


def read_revision() -> int:
    from .models import AuthRevision

    value = AuthRevision.objects.filter(pk=1).values_list("value", flat=True).first()
    return int(value or 0)


def current_revision() -> int:
    """The revision this process works under, read again after ``REVISION_MAX_AGE``."""
    moment = time.monotonic()
    with _lock:
        known, read_at = _state["revision"], _state["read_at"]
    if known is not None and moment - read_at < _max_age():
        return int(known)
    value = read_revision()
    with _lock:
        if value != _state["revision"]:
            _entries.clear()
        _state["revision"], _state["read_at"] = value, moment
    return value


def clear() -> None:
    """Forget every entry and the revision (the next use reads it again)."""
    with _lock:
        _entries.clear()
        _state["revision"], _state["read_at"] = None, float("-inf")


def bump() -> None:
    """Raise the revision (in the caller's transaction) and empty this process's cache."""
    from .models import AuthRevision

    if not AuthRevision.objects.filter(pk=1).update(value=F("value") + 1):
        AuthRevision.objects.get_or_create(pk=1, defaults={"value": 1})
    clear()
    # Again once it is committed: another thread may have read the old revision meanwhile.
    transaction.on_commit(clear)


def authenticate(plain: str) -> tuple[User, Actor] | None:
    """The account and actor behind a bearer token, if the token is valid now."""
    from . import services
    from .actors import actor_for

    digest = services.token_digest(plain)
    if digest is None:
        return None
    revision = current_revision()
    entry = _entries.get(digest)
    if entry is None or entry.revision != revision or entry.expires_at <= clock.now():
        token = services.usable_token(plain)
        if token is None:
            return None
        entry = _Entry(revision, token, actor_for(token.user), token.expires_at)
        with _lock:
            if _state["revision"] == revision:
                if len(_entries) >= MAX_ENTRIES:
                    _entries.clear()
                _entries[digest] = entry
    else:
        services.note_token_use(entry.token)
    # Each request gets its own account object (a request may annotate it).
    user = copy.copy(entry.token.user)
    return user, dataclasses.replace(entry.actor, user=user)


# --- what raises the revision -------------------------------------------------------------------------

_QUIET_FIELDS = {
    "User": frozenset({"last_login"}),
    "ApiToken": frozenset({"last_used_at"}),
}


def _changed(sender: Any, update_fields: Any = None, **_: Any) -> None:
    quiet = _QUIET_FIELDS.get(sender.__name__)
    if quiet and update_fields and set(update_fields) <= quiet:
        return
    bump()


def connect() -> None:
    """Raise the revision on every save or delete of what a token's actor is made of."""
    from django.db.models.signals import post_delete, post_save

    from .models import ApiToken, Organisation, Person, User, UserRole

    for model in (User, UserRole, ApiToken, Organisation, Person):
        post_save.connect(_changed, sender=model, dispatch_uid=f"tokencache-save-{model.__name__}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"tokencache-delete-{model.__name__}"
        )
