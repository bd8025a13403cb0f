"""The to-do service (待办): the one way apps open, close and move to-dos.

Every item that waits for an actor — an alert to dispose or review, an
approval step, a leave to decide, an interview to hold, a suspension to
confirm — is a ``Todo`` addressed to an organisation and a role, or to one
account, with its deadline; the service that records the action closes it.
Apps call ``open_for`` / ``close_for`` and never write ``Todo`` rows
themselves.

A to-do meant for a person without an account in the organisation is held by
the organisation's administrator (总管) and remembers the person
(``person_id``); ``hand_over_to_account`` moves it to the person when the
account is created or linked (called by ``orgs.services``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction

from . import clock
from .models import Todo


def open_for(
    *,
    key: str,
    kind: str,
    title: str,
    organisation_id: int,
    role: str = "",
    assignee_id: int | None = None,
    person_id: int | None = None,
    project_id: int | None = None,
    subject: Any = None,
    url: str = "",
    due_at: dt.datetime | None = None,
    basis: str = "",
    detail: str = "",
) -> Todo:
    """Open a to-do once per key (idempotent: an open one with the key is returned).

    Event subscribers call this, possibly twice for one event and from two
    workers at once: a concurrent creation of the same key returns the row the
    other one created instead of failing. ``person_id`` names the person the
    to-do is meant for when they have no account yet (the row is then held
    by ``role``, normally the administrator).
    """
    key = key[:200]
    existing = Todo.objects.filter(key=key, state=Todo.State.OPEN).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Todo.objects.create(
                key=key,
                kind=kind,
                title=title[:200],
                detail=detail,
                organisation_id=organisation_id,
                role=role,
                assignee_id=assignee_id,
                person_id=person_id if assignee_id is None else None,
                project_id=project_id,
                subject_type=subject._meta.label_lower if subject is not None else "",
                subject_id=str(subject.pk) if subject is not None else "",
                url=url[:300],
                due_at=due_at,
                basis=basis[:300],
                created_at=clock.now(),
            )
    except IntegrityError:
        existing = Todo.objects.filter(key=key, state=Todo.State.OPEN).first()
        if existing is None:  # not a duplicate key: someone else's error
            raise
        return existing


def open_many(items: list[dict[str, Any]]) -> int:
    """``open_for(**item)`` for each item in one insert (a batch of alerts,
    ADR 0517): a key already open, or given twice, is opened once. Returns how
    many were opened. On a concurrent creation of the same key the batch fails
    as a whole (its caller's batch is then delivered one by one, through
    ``open_for``)."""
    now = clock.now()
    keys = {item["key"][:200] for item in items}
    seen = set(
        Todo.objects.filter(key__in=list(keys), state=Todo.State.OPEN).values_list("key", flat=True)
    )
    rows = []
    for item in items:
        key = item["key"][:200]
        if key in seen:
            continue
        seen.add(key)
        subject = item.get("subject")
        assignee_id = item.get("assignee_id")
        rows.append(
            Todo(
                key=key,
                kind=item["kind"],
                title=item["title"][:200],
                detail=item.get("detail", ""),
                organisation_id=item["organisation_id"],
                role=item.get("role", ""),
                assignee_id=assignee_id,
                person_id=item.get("person_id") if assignee_id is None else None,
                project_id=item.get("project_id"),
                subject_type=subject._meta.label_lower if subject is not None else "",
                subject_id=str(subject.pk) if subject is not None else "",
                url=item.get("url", "")[:300],
                due_at=item.get("due_at"),
                basis=item.get("basis", "")[:300],
                created_at=now,
            )
        )
    Todo.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def close_for(
    *,
    key: str | None = None,
    keys: list[str] | None = None,
    subject: Any = None,
    kind: str | None = None,
    kind_prefix: str | None = None,
    project_id: int | None = None,
    state: str = Todo.State.DONE,
) -> int:
    """Close the open to-dos matching every filter given (at least one of key,
    keys, subject, kind, kind_prefix)."""
    if not (key or keys or subject is not None or kind or kind_prefix):
        # an empty key from a caller's bug must not close every to-do there is
        raise ValueError("close_for needs a key, a subject or a kind")
    qs = Todo.objects.filter(state=Todo.State.OPEN)
    if key:
        qs = qs.filter(key=key[:200])
    if keys:
        qs = qs.filter(key__in=[k[:200] for k in keys])
    if subject is not None:
        qs = qs.filter(subject_type=subject._meta.label_lower, subject_id=str(subject.pk))
    if kind:
        qs = qs.filter(kind=kind)
    if kind_prefix:
        qs = qs.filter(kind__startswith=kind_prefix)
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    return qs.update(state=state, closed_at=clock.now())


def hand_over_to_account(*, user_id: int, person_id: int, organisation_id: int) -> int:
    """The person now has an account in the organisation: the open to-dos the
    administrator held for them become theirs. Returns how many moved."""
    return Todo.objects.filter(
        state=Todo.State.OPEN,
        organisation_id=organisation_id,
        person_id=person_id,
        assignee__isnull=True,
    ).update(assignee_id=user_id, role="", person_id=None)


def open_count(actor: Any) -> int:
    """How many to-dos wait for the actor (the envelope's count and the inbox's)."""
    return Todo.objects.visible_to(actor).filter(state=Todo.State.OPEN).count()


def reschedule(*, keys: list[str], due_at: dt.datetime | None, basis: str | None = None) -> int:
    """A period was extended: the open to-dos under ``keys`` show the new due time."""
    changes: dict[str, Any] = {"due_at": due_at}
    if basis is not None:
        changes["basis"] = basis[:300]
    return Todo.objects.filter(key__in=[k[:200] for k in keys], state=Todo.State.OPEN).update(
        **changes
    )


# --- "我发起的": the actor's own requests, from every app -----------------------------------

RequestRow = dict[str, Any]
_request_sources: list[Any] = []


def register_requests(source: Any) -> Any:
    """Register ``source(actor) -> list[RequestRow]``: the requests ``actor``
    raised in an app (title, state, state_colour, url, at, project). Apps
    register in ``ready``; the inbox's "我发起的" tab lists them all."""
    if source not in _request_sources:
        _request_sources.append(source)
    return source


def my_requests(actor: Any, limit: int = 200) -> list[RequestRow]:
    rows: list[RequestRow] = []
    if not actor.user_id:
        return rows
    for source in _request_sources:
        rows.extend(source(actor))
    rows.sort(key=lambda r: r["at"], reverse=True)
    return rows[:limit]
