"""In-app notifications for every new alert, reminder, escalation, review and
clue transfer; copies through the configured channels (``channels.py``).

Notifications are rows written in the transaction of the change that causes
them, one per account, keyed so that a repeated call adds nothing. External
deliveries are rows too, sent by the worker after commit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse

from postaward.core import clock
from postaward.orgs.choices import Role
from postaward.orgs.models import Organisation, User

from . import channels
from .choices import DeliveryState

if TYPE_CHECKING:  # pragma: no cover
    from .models import Alert, ClueTransfer

NOTIFY_ROLES = frozenset(
    {
        Role.ADMIN,
        Role.UNIT_LEADER,
        Role.OFFICE_STAFF,
        Role.AUTHORITY_STAFF,
        Role.LINE_SUPERVISOR,
        Role.DISCIPLINE_INSPECTOR,
        Role.POLICE_OFFICER,
    }
)


def recipients(org: Organisation, project: Any = None) -> list[User]:
    """The accounts that act for ``org``: its acting roles, and for an owner the
    project leader of the project concerned."""
    users = list(
        User.objects.filter(
            organisation=org, is_active=True, role_grants__role__in=list(NOTIFY_ROLES)
        ).distinct()
    )
    if project is not None and project.owner_leader_id and project.owner_id == org.pk:
        leader = User.objects.filter(
            person_id=project.owner_leader_id,
            organisation=org,
            is_active=True,
            role_grants__role=Role.OWNER_PROJECT_LEADER,
        ).first()
        if leader and leader not in users:
            users.append(leader)
    return users


def notify(
    org: Organisation,
    *,
    key: str,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    alert: Alert | None = None,
    project: Any = None,
) -> int:
    """Messages to the accounts that act for ``org`` (see ``recipients``)."""
    return _store(
        recipients(org, project), key=key, kind=kind, title=title, body=body, url=url, alert=alert
    )


def notify_users(
    user_ids: list[int],
    *,
    key: str,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    project: Any = None,
) -> int:
    """Messages to named accounts (a requester, a project leader): the sender
    that ``core.notices.tell`` uses for every app."""
    users = User.objects.filter(pk__in=user_ids, is_active=True)
    return _store(users, key=key, kind=kind, title=title, body=body, url=url, alert=None)


def _store(
    users: Any, *, key: str, kind: str, title: str, body: str, url: str, alert: Alert | None
) -> int:
    """One message per account (idempotent by ``key``), queued for the configured
    external channels; returns how many were new."""
    from .models import Notification, NotificationDelivery

    created = 0
    external = channels.configured()
    for user in users:
        n, new = Notification.objects.get_or_create(
            recipient=user,
            key=key[:200],
            defaults={
                "kind": kind[:40],
                "title": title[:200],
                "body": body,
                "url": url[:300],
                "alert": alert,
                "created_at": clock.now(),
            },
        )
        if not new:
            continue
        created += 1
        for ch in external:
            if ch.accepts(n):
                NotificationDelivery.objects.get_or_create(notification=n, channel=ch.name)
    if created and external:
        transaction.on_commit(_enqueue_delivery)
    return created


def recipients_many(pairs: list[tuple[Organisation, Any]]) -> list[list[User]]:
    """``recipients(org, project)`` for many pairs in two queries (ADR 0517)."""
    org_ids = {org.pk for org, _ in pairs}
    by_org: dict[int, list[User]] = {}
    for user in User.objects.filter(
        organisation_id__in=org_ids, is_active=True, role_grants__role__in=list(NOTIFY_ROLES)
    ).distinct():
        by_org.setdefault(user.organisation_id, []).append(user)  # type: ignore[arg-type]
    wanted = {
        (project.owner_leader_id, org.pk)
        for org, project in pairs
        if project is not None and project.owner_leader_id and project.owner_id == org.pk
    }
    leaders: dict[tuple[int, int], User] = {}
    if wanted:
        for user in User.objects.filter(
            person_id__in={p for p, _ in wanted},
            organisation_id__in={o for _, o in wanted},
            is_active=True,
            role_grants__role=Role.OWNER_PROJECT_LEADER,
        ).order_by("pk"):
            leaders.setdefault((user.person_id, user.organisation_id), user)  # type: ignore[arg-type]
    out = []
    for org, project in pairs:
        users = list(by_org.get(org.pk, []))
        if project is not None and project.owner_leader_id and project.owner_id == org.pk:
            leader = leaders.get((project.owner_leader_id, org.pk))
            if leader and leader not in users:
                users.append(leader)
        out.append(users)
    return out


def _store_many(messages: list[tuple[list[User], dict[str, Any]]]) -> int:
    """``_store(users, **fields)`` for many messages in one insert of the
    notifications and one of their deliveries (ADR 0517); returns how many
    were new."""
    from .models import Notification, NotificationDelivery

    keys = {fields["key"][:200] for _, fields in messages}
    seen = set(Notification.objects.filter(key__in=list(keys)).values_list("recipient_id", "key"))
    now = clock.now()
    rows = []
    for users, fields in messages:
        key = fields["key"][:200]
        for user in users:
            if (user.pk, key) in seen:
                continue
            seen.add((user.pk, key))
            rows.append(
                Notification(
                    recipient=user,
                    key=key,
                    kind=fields["kind"][:40],
                    title=fields["title"][:200],
                    body=fields["body"],
                    url=fields["url"][:300],
                    alert=fields["alert"],
                    created_at=now,
                )
            )
    Notification.objects.bulk_create(rows, batch_size=2000)
    external = channels.configured()
    if rows and external:
        NotificationDelivery.objects.bulk_create(
            [
                NotificationDelivery(notification=n, channel=ch.name)
                for n in rows
                for ch in external
                if ch.accepts(n)
            ],
            batch_size=2000,
        )
        transaction.on_commit(_enqueue_delivery)
    return len(rows)


def _enqueue_delivery() -> None:
    from .tasks import deliver_notifications

    try:
        deliver_notifications()
    except Exception:  # the periodic task retries
        import logging

        logging.getLogger(__name__).exception("could not enqueue notification delivery")


def deliver_pending(limit: int = 500) -> int:
    """Send pending deliveries; a failure is retried up to ``MAX_ATTEMPTS``."""
    from .models import NotificationDelivery

    sent = 0
    for pk in list(
        NotificationDelivery.objects.filter(state=DeliveryState.PENDING)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    ):
        with transaction.atomic():
            d = (
                NotificationDelivery.objects.select_for_update(skip_locked=True)
                .select_related("notification__recipient")
                .filter(pk=pk, state=DeliveryState.PENDING)
                .first()
            )
            if d is None:
                continue
            ch = channels.by_name(d.channel)
            d.attempts += 1
            if ch is None:
                d.state = DeliveryState.SKIPPED
                d.last_error = "渠道未配置"
            else:
                try:
                    ch.send(d.notification)
                except Exception as exc:
                    d.last_error = f"{type(exc).__name__}: {exc}"[:300]
                    if d.attempts >= channels.MAX_ATTEMPTS:
                        d.state = DeliveryState.FAILED
                else:
                    d.state = DeliveryState.SENT
                    d.sent_at = clock.now()
                    d.last_error = ""
                    sent += 1
            d.save()
    return sent


# --- what is notified ------------------------------------------------------------------------------


def _url(alert: Alert) -> str:
    return reverse("alerts_detail", args=[alert.pk])


def alert_created(alert: Alert) -> None:
    notify(
        alert.handling_org,
        key=f"alert:{alert.pk}:new",
        kind="alert_new",
        title=f"新预警待处置：{alert.title}",
        body=alert.explanation,
        url=_url(alert),
        alert=alert,
        project=alert.project,
    )


def alerts_created(alerts: list[Alert]) -> int:
    """``alert_created`` for many new alerts (a batch, ADR 0517)."""
    users = recipients_many([(a.handling_org, a.project) for a in alerts])
    return _store_many(
        [
            (
                who,
                {
                    "key": f"alert:{a.pk}:new",
                    "kind": "alert_new",
                    "title": f"新预警待处置：{a.title}",
                    "body": a.explanation,
                    "url": _url(a),
                    "alert": a,
                },
            )
            for a, who in zip(alerts, users, strict=True)
        ]
    )


def alert_reminder(alert: Alert, deadline_id: int) -> None:
    due = clock.localtime(alert.disposal_deadline.due_at) if alert.disposal_deadline else None
    notify(
        alert.handling_org,
        key=f"alert:{alert.pk}:remind:{deadline_id}",
        kind="alert_reminder",
        title=f"预警处置临期：{alert.title}",
        body=f"处置期限将于 {due:%Y-%m-%d %H:%M} 届满，逾期将升级至上一级处置。" if due else "",
        url=_url(alert),
        alert=alert,
        project=alert.project,
    )


def alert_escalated(alert: Alert, previous: Organisation) -> None:
    n = alert.escalations
    if previous.pk != alert.handling_org_id:
        notify(
            alert.handling_org,
            key=f"alert:{alert.pk}:escalated:{n}",
            kind="alert_escalated",
            title=f"超期升级预警待处置：{alert.title}",
            body=f"{previous.name}未在期限内处置，已升级由贵单位处置。\n{alert.explanation}",
            url=_url(alert),
            alert=alert,
            project=alert.project,
        )
    notify(
        previous,
        key=f"alert:{alert.pk}:overdue:{n}:{alert.level}",
        kind="alert_overdue",
        title=f"预警处置超期：{alert.title}",
        body="处置期限已届满"
        + (
            f"，已升级至{alert.handling_org.name}。"
            if previous.pk != alert.handling_org_id
            else "。"
        ),
        url=_url(alert),
        alert=alert,
        project=alert.project,
    )


def alert_disposed(alert: Alert) -> None:
    steps = alert.steps.count()
    notify(
        alert.review_org,
        key=f"alert:{alert.pk}:disposed:{steps}",
        kind="alert_disposed",
        title=f"预警处置待审核：{alert.title}",
        body=f"{alert.handling_org.name}已反馈处置情况，请审核办结或退回。",
        url=_url(alert),
        alert=alert,
    )


def alert_reviewed(alert: Alert, decision: str, note: str) -> None:
    steps = alert.steps.count()
    label = "已审核办结" if decision == "close" else "被退回重办"
    notify(
        alert.handling_org,
        key=f"alert:{alert.pk}:{decision}:{steps}",
        kind=f"alert_{decision}",
        title=f"预警{label}：{alert.title}",
        body=note,
        url=_url(alert),
        alert=alert,
        project=alert.project,
    )


def alert_reopened(alert: Alert, reason: str) -> None:
    steps = alert.steps.count()
    notify(
        alert.handling_org,
        key=f"alert:{alert.pk}:reopened:{steps}",
        kind="alert_reopened",
        title=f"预警重新打开：{alert.title}",
        body=reason,
        url=_url(alert),
        alert=alert,
        project=alert.project,
    )


def clue_transferred(t: ClueTransfer) -> None:
    notify(
        t.recipient_org,
        key=f"transfer:{t.pk}:sent",
        kind="clue_transfer",
        title=f"问题线索移送：{t.subject}",
        body=f"移送函 {t.document_number}：{t.reason}",
        url=reverse("alerts_transfer_detail", args=[t.pk]),
    )


def transfer_updated(t: ClueTransfer, what: str) -> None:
    notify(
        t.sent_by_org,
        key=f"transfer:{t.pk}:{t.state}",
        kind="clue_transfer_update",
        title=f"移送线索{what}：{t.subject}",
        body=t.result or t.receipt_number,
        url=reverse("alerts_transfer_detail", args=[t.pk]),
    )


def other_deadline_reminder(evt: Any) -> None:
    """A reminder of any other kind of deadline reaches its responsible
    organisation as a notification (the deadline itself is not an alert yet)."""
    from postaward.core import deadlines

    if not evt.organisation_id:
        return
    org = Organisation.objects.filter(pk=evt.organisation_id).first()
    if org is None:
        return
    dk = deadlines.kind_of(evt.kind)
    label = dk.label if dk else evt.kind
    project = None
    if evt.project_id:
        from postaward.projects.models import Project

        project = Project.objects.filter(pk=evt.project_id).first()
    import datetime as dt

    due = f"{clock.localtime(dt.datetime.fromisoformat(evt.due_at)):%Y-%m-%d %H:%M}"
    notify(
        org,
        key=f"deadline:{evt.deadline_id}:remind",
        kind="deadline_reminder",
        title=f"期限提醒：{label}" + (f"（{project.name}）" if project else ""),
        body=f"{label}将于 {due} 届满，逾期将生成预警。依据：{evt.basis}",
        url=reverse("project_detail", args=[project.pk]) if project else "",
        project=project,
    )
