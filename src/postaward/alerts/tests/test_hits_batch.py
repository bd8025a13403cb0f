"""A flood of missed deadlines handled set-wise gives what one by one gives
(ADR 0517; R-ALR-01, R-ALR-02, R-ORG-02, R-PRJ-07).

The same missed deadlines are handed to the alerts capability twice, in one
test database: once through the batch path (``on_deadlines_missed`` →
``record_hits``: bulk inserts, one routing query, notifications batched) and,
after rolling that back, once through the one-by-one path
(``on_deadline_missed`` → ``record_hit`` per event). Both leave the same
alerts (level, routing, recipients, disposal deadlines, steps, priorities),
the same hits (merged, suppressed, duplicate), to-dos, notifications and
audit records; ids are compared through the order the alerts were created in.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from postaward.alerts import services, subscribers
from postaward.alerts.choices import DISPOSAL_KIND
from postaward.alerts.models import Alert, AlertHit, Notification
from postaward.core import audit, clock, deadlines, events
from postaward.core.actor import SYSTEM
from postaward.core.models import AuditRecord, Deadline, Todo
from postaward.projects import services as project_services

from .conftest import at, deliver

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 20)


def _kinds() -> dict[str, str]:
    """One registered kind of deadline per handling level."""
    out: dict[str, str] = {}
    for k in sorted(deadlines.kinds().values(), key=lambda k: k.kind):
        if k.kind != DISPOSAL_KIND:
            out.setdefault(k.handling_level, k.kind)
    assert {"owner", "superior_unit", "industry_authority"} <= set(out), out
    return out


def _project(d, code: str, **changes: Any) -> Any:
    base = d.projects["p_hospital"]
    p = project_services.register_project(
        actor=SYSTEM,
        code=code,
        name=f"测试工程{code}",
        owner=base.owner,
        industry=base.industry,
        contract_amount=Decimal("120000.00"),
        industry_authority=base.industry_authority,
        planned_start=base.planned_start,
        status=base.status,
        actual_start=base.actual_start,
    )
    for k, v in changes.items():
        setattr(p, k, v)
    if changes:
        p.save(update_fields=list(changes))
    return p


def _missed(
    kind: str, subject_id: str, project: Any, org_id: int | None, n: int, state: str = "missed"
) -> Deadline:
    due = clock.end_of_day(DAY - dt.timedelta(days=n % 5 + 1))
    return Deadline.objects.create(
        kind=kind,
        subject_type="orgs.organisation",
        subject_id=subject_id,
        project_id=project.pk if project is not None else None,
        organisation_id=org_id,
        started_at=due - dt.timedelta(days=20),
        length=20,
        unit="calendar_days",
        basis="测试依据第一条",
        due_at=due,
        state=state,
    )


def _evt(d: Deadline) -> deadlines.DeadlineMissed:
    return deadlines.DeadlineMissed(**deadlines._payload(d))


def _flood(d) -> list[deadlines.DeadlineMissed]:
    """Missed deadlines covering every outcome: each handling level, a level
    the project lacks, no project (with and without a responsible unit), a
    suspended project, an alert already open, an alert closed long ago, two
    deadlines of one subject in the batch, a duplicate delivery, an overdue
    disposal deadline (escalation)."""
    k = _kinds()
    school, hospital = d.projects["p_school"], d.projects["p_hospital"]
    bare = _project(d, "T-0901")  # no superior unit, no line
    stopped = _project(d, "T-0902")
    contractor = d.orgs["contractor_a"].pk
    rows: list[Deadline] = []
    n = 0
    for kind in k.values():
        for project in (school, hospital, bare, None):
            n += 1
            rows.append(_missed(kind, str(100 + n), project, contractor if n % 2 else None, n))
    first = rows[0]
    # an alert already open on the same subject: the next deadline joins it
    with at(DAY - dt.timedelta(days=3)):
        subscribers.on_deadline_missed(_evt(first))
    again = _missed(first.kind, first.subject_id, school, None, 1)
    # an alert of the same subject closed long ago: a new one
    old = rows[1]
    with at(DAY - dt.timedelta(days=90)):
        subscribers.on_deadline_missed(_evt(old))
    Alert.objects.filter(dedup_key__endswith=f":{old.subject_id}").update(state="closed")
    late = _missed(old.kind, old.subject_id, hospital, None, 2)
    # two deadlines of one subject in the same batch
    twin_a = _missed(k["owner"], "777", hospital, contractor, 3)
    twin_b = _missed(k["owner"], "777", hospital, contractor, 4)
    suspended = _missed(k["owner"], "778", stopped, None, 5)
    stopped.status = "suspended"
    stopped.save(update_fields=["status"])
    # an alert whose disposal deadline ran out: escalated
    with at(DAY - dt.timedelta(days=30)):
        subscribers.on_deadline_missed(_evt(_missed(k["owner"], "779", school, None, 6)))
    overdue = Alert.objects.get(dedup_key__endswith=":779")
    disposal = overdue.disposal_deadline
    Deadline.objects.filter(pk=disposal.pk).update(
        due_at=clock.end_of_day(DAY - dt.timedelta(days=1)), state="missed"
    )
    disposal.refresh_from_db()
    batch = [*rows[2:], again, late, twin_a, twin_b, suspended, disposal, rows[4]]  # rows[4] twice
    return [_evt(x) for x in batch]


def _ids(text: Any, names: dict[int, str]) -> Any:
    """Replace alert ids in keys, urls and snapshots by the alert's place."""
    if isinstance(text, str):
        text = re.sub(
            r"(alert:|alerts\.dispose:|/alerts/)(\d+)",
            lambda m: m[1] + names.get(int(m[2]), m[2]),
            text,
        )
        return text
    return text


def _state(since_seq: int, since_alert: int) -> dict[str, Any]:
    """Everything the alert work leaves, with ids replaced by names."""
    alerts = list(Alert.objects.order_by("id"))
    # an alert is named by its dedup key and its rank among the alerts of that
    # key: the batch creates a kind's alerts together, one by one interleaves them
    rank: dict[str, int] = {}
    names = {}
    for a in alerts:
        rank[a.dedup_key] = rank.get(a.dedup_key, 0) + 1
        names[a.pk] = f"{'A' if a.pk > since_alert else 'old'}|{a.dedup_key}|{rank[a.dedup_key]}"
    out: dict[str, Any] = {"alerts": [], "hits": [], "todos": [], "notes": [], "audit": []}
    for a in sorted(alerts, key=lambda a: names[a.pk]):
        dl = a.disposal_deadline
        out["alerts"].append(
            {
                "name": names[a.pk],
                "indicator": a.indicator.code,
                **{
                    f: getattr(a, f)
                    for f in (
                        "dedup_key",
                        "title",
                        "explanation",
                        "facts",
                        "evidence",
                        "basis",
                        "severity",
                        "project_id",
                        "subject_org_id",
                        "person_id",
                        "origin_level",
                        "level",
                        "handling_org_id",
                        "review_org_id",
                        "state",
                        "hit_count",
                        "priority",
                        "overdue",
                        "escalations",
                        "first_hit_at",
                        "last_hit_at",
                    )
                },
                "handled_by": sorted(a.handled_by.values_list("pk", flat=True)),
                "deadline": dl
                and (
                    dl.kind,
                    dl.due_at,
                    dl.reminder_at,
                    dl.organisation_id,
                    dl.project_id,
                    dl.basis,
                    dl.length,
                    dl.unit,
                    dl.paused_at,
                    dl.state,
                    dl.nominal_end,
                ),
                "steps": [
                    (
                        s.kind,
                        s.level,
                        s.organisation_id,
                        s.organisation_name,
                        s.actor_name,
                        s.note,
                        s.deadline_text,
                        s.at,
                    )
                    for s in a.steps.order_by("at", "id")
                ],
            }
        )
    for h in AlertHit.objects.order_by("hit_key"):
        out["hits"].append(
            (
                h.indicator.code,
                h.hit_key,
                h.dedup_key,
                names.get(h.alert_id),
                h.facts,
                h.suppressed,
                h.note,
            )
        )
    for t in Todo.objects.filter(kind__startswith="alerts."):
        out["todos"].append(
            (
                _ids(t.key, names),
                t.title,
                t.organisation_id,
                t.project_id,
                _ids(t.url, names),
                t.due_at,
                t.basis,
                t.state,
                names.get(int(t.subject_id)),
            )
        )
    for n in Notification.objects.order_by("key", "recipient_id"):
        out["notes"].append(
            (
                n.recipient_id,
                _ids(n.key, names),
                n.kind,
                n.title,
                n.body,
                _ids(n.url, names),
                names.get(n.alert_id),
            )
        )
    out["notes"].sort()
    out["todos"].sort()
    for r in AuditRecord.objects.filter(seq__gt=since_seq).order_by("seq"):
        after = dict(r.after or {})
        for f in ("id", "disposal_deadline_id"):
            after.pop(f, None)
        out["audit"].append(
            (
                r.action,
                r.object_type,
                names.get(int(r.object_id), r.object_id),
                re.sub(r"^YJ\d{8}-\d+ ", "", r.object_repr),  # the number follows the id
                r.project_id,
                r.actor_name,
                sorted(after.items()),
            )
        )
    out["audit"].sort()
    return out


def _head() -> tuple[int, int]:
    seq = AuditRecord.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    return seq, Alert.objects.order_by("-id").values_list("id", flat=True).first() or 0


class _Undo(Exception):
    pass


def test_batch_path_leaves_what_one_by_one_leaves(d):  # R-ALR-01, R-ALR-02, R-ORG-02, R-PRJ-07
    """R-ALR-01/02, R-ORG-02, R-PRJ-07: a batch of missed deadlines through the
    set-wise path and through the one-by-one path gives the same alerts,
    routing, recipients, deadlines, steps, hits (merged, suppressed,
    duplicate), to-dos, notifications and audit records."""
    evts = _flood(d)
    since = _head()
    with at(DAY, 2):
        try:
            with transaction.atomic():
                subscribers.on_deadlines_missed(evts)
                batch = _state(*since)
                assert audit.verify(external_anchors=False).ok
                raise _Undo
        except _Undo:
            pass
        assert _head() == since
        with transaction.atomic():
            for evt in evts:
                subscribers.on_deadline_missed(evt)
        single = _state(*since)
    assert batch == single
    new = [a for a in single["alerts"] if a["name"].startswith("A")]
    # every outcome is in the comparison
    assert len(new) >= 14
    assert {a["level"] for a in new} >= {
        "owner",
        "superior_unit",
        "industry_authority",
        "leading_group",
    }
    assert any("上移至" in a["steps"][1][5] for a in new)
    assert any(h[5] for h in single["hits"])  # suppressed on the suspended project
    assert any(a["hit_count"] == 2 for a in single["alerts"] if a["name"].startswith("old"))
    assert any(a["hit_count"] == 2 for a in new)  # the twins
    assert any(a["escalations"] == 1 for a in single["alerts"])
    assert len(single["notes"]) > len(new) and len(single["todos"]) >= len(new)
    assert audit.verify(external_anchors=False).ok


def test_a_sweep_hands_its_batch_to_the_set_wise_form(d):  # R-ALR-01
    """R-ALR-01: the sweep's batches go through ``on_deadlines_missed``; its
    queries do not grow with the number of missed deadlines."""
    k = _kinds()["owner"]
    school = d.projects["p_school"]
    counts = []
    for size, offset in ((2, 200), (5, 0), (15, 100)):  # the first creates the indicator
        for i in range(size):
            _missed(k, str(5000 + offset + i), school, None, 0, "open")
        with at(DAY, 2), CaptureQueriesContext(connection) as ctx:
            deadlines.sweep()
            deliver()
        counts.append(len(ctx.captured_queries))
        assert Alert.objects.filter(dedup_key__contains=f":{5000 + offset}").count() == 1
    assert Alert.objects.filter(indicator__code=f"deadline.{k}").count() == 22
    assert counts[2] == counts[1], counts


def test_a_failing_batch_falls_back_to_one_by_one(d, monkeypatch):  # R-ALR-01
    """R-ALR-01: if the set-wise form fails, the batch is delivered one by one
    (each deadline isolated, the outbox retries only the failing one)."""
    k = _kinds()["owner"]
    for i in range(3):
        _missed(k, str(6000 + i), d.projects["p_school"], None, 0, "open")

    def broken(indicator, hits, **kw):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "record_hits", broken)
    with at(DAY, 2):
        deadlines.sweep()
        deliver()
    assert Alert.objects.filter(indicator__code=f"deadline.{k}").count() == 3
    assert events.subscribers_of("deadline.missed")
