"""The credit archive (信用档案, R-SCO-04; ADR 0691) of a unit or a person:
every score event, sanction (a revoked one marked as such), blacklist entry,
penalty record (``CreditRecord``) and repair request, in time order (newest
first), each read through its own model's scope, and its export through the
one export helper (``core.exports``).

A person's archive is opened by the supervision office of the person's
district, by an industry authority whose rules scored the person, and by the
person themself; anyone else is told it does not exist (404)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.urls import reverse

from postaward.core import clock
from postaward.core.actor import Actor
from postaward.core.exports import Column as ExportColumn
from postaward.core.exports import export_xlsx
from postaward.orgs.choices import OrgKind
from postaward.orgs.models import Person

from .choices import (
    COUNTING_SCORE_STATES,
    RecordState,
    RequestKind,
    RequestState,
    SanctionKind,
    SanctionState,
)
from .models import (
    DEPARTMENT_ROLES,
    OFFICE_ROLES,
    CreditRecord,
    CreditRequest,
    Sanction,
    ScoreEvent,
)

KIND_SCORE = "记分"
KIND_PENALTY = "处罚（处理）"
KIND_SANCTION = "处理措施"
KIND_BLACKLIST = "黑名单"
KIND_REPAIR = "信用修复"


def _subject(org_id: int | None, person_id: int | None) -> dict[str, int]:
    return {"subject_org_id": org_id} if org_id is not None else {"subject_person_id": person_id}  # type: ignore[dict-item]


def _score_rows(actor: Actor, where: dict[str, int]) -> list[dict[str, Any]]:
    return [
        {
            "on": e.occurred_on,
            "kind": KIND_SCORE,
            "summary": f"{e.item.code} {e.summary}",
            "points": e.points,
            "by": e.authority.name,
            "project": e.project.name if e.project_id else "—",
            "state": e.get_state_display(),
            "counts": e.state in COUNTING_SCORE_STATES,
            "basis": f"《{e.item.basis_document.strip('《》')}》{e.item.basis_article}",
            "url": reverse("credit_score_detail", args=[e.pk]),
        }
        for e in ScoreEvent.objects.visible_to(actor)
        .filter(**where)
        .select_related("item", "project", "authority")
    ]


def _record_rows(actor: Actor, where: dict[str, int]) -> list[dict[str, Any]]:
    return [
        {
            "on": r.decided_on,
            "kind": KIND_PENALTY,
            "summary": f"{r.decision_number} {r.measure}",
            "points": -Decimal(r.points),
            "by": r.department.name,
            "project": r.project.name if r.project_id else "—",
            "state": r.get_state_display(),
            "counts": r.state in (RecordState.EFFECTIVE, RecordState.OBJECTING),
            "basis": r.basis,
            "url": reverse("credit_detail", args=[r.pk]),
        }
        for r in CreditRecord.objects.visible_to(actor)
        .filter(**where)
        .select_related("department", "project")
    ]


def _period(s: Sanction) -> str:
    if s.period_from is None:
        return ""
    end = f"{s.period_to:%Y-%m-%d}" if s.period_to else "长期"
    return f"（期限 {s.period_from:%Y-%m-%d} 至 {end}）"


def _sanction_rows(actor: Actor, where: dict[str, int]) -> list[dict[str, Any]]:
    rows = []
    for s in Sanction.objects.visible_to(actor).filter(**where).select_related("issuer", "project"):
        revoked = s.state == SanctionState.REVOKED
        state = s.get_state_display() + (f"：{s.revoked_reason}" if revoked else "")
        rows.append(
            {
                "on": s.decided_on,
                "kind": KIND_BLACKLIST if s.kind == SanctionKind.BLACKLISTED else KIND_SANCTION,
                "summary": f"{s.get_kind_display()}{_period(s)} {s.reason[:80]}",
                "points": None,
                "by": s.issuer.name,
                "project": s.project.name if s.project_id else "—",
                "state": state,
                "counts": not revoked,
                "basis": f"《{s.basis_document.strip('《》')}》{s.basis_article}",
                "url": reverse("credit_sanction_detail", args=[s.pk]),
            }
        )
    return rows


def _repair_outcome(q: CreditRequest) -> str:
    if q.state != RequestState.UPHELD:
        return q.get_state_display()
    if q.record_id:
        return "已采纳，记录已修复"
    return f"已采纳，{'保留扣分' + str(q.new_points) + '分' if q.new_points else '扣分全部恢复'}"


def _repair_rows(actor: Actor, org_id: int | None, person_id: int | None) -> list[dict[str, Any]]:
    qs = CreditRequest.objects.visible_to(actor).filter(kind=RequestKind.REPAIR)
    if org_id is not None:
        qs = qs.filter(record__subject_org_id=org_id) | qs.filter(
            score_event__subject_org_id=org_id
        )
    else:
        qs = qs.filter(record__subject_person_id=person_id) | qs.filter(
            score_event__subject_person_id=person_id
        )
    rows = []
    for q in qs.select_related("record", "score_event", "score_event__authority"):
        when = q.decided_at or q.filed_at
        t = q.target
        rows.append(
            {
                "on": clock.localtime(when).date(),
                "kind": KIND_REPAIR,
                "summary": f"{q.target_ref}：{q.reason[:80]}",
                "points": None,
                "by": q.decided_by_name or q.filed_by_name,
                "project": "—",
                "state": _repair_outcome(q),
                "counts": True,
                "basis": "",
                "url": reverse("credit_detail", args=[t.pk])
                if q.record_id
                else reverse("credit_score_detail", args=[t.pk]),
            }
        )
    return rows


def archive(
    actor: Actor, *, org_id: int | None = None, person_id: int | None = None
) -> list[dict[str, Any]]:
    """The archive of the unit ``org_id`` or the person ``person_id`` as the
    actor may see it, newest first (five queries, whatever its length)."""
    where = _subject(org_id, person_id)
    rows = (
        _score_rows(actor, where)
        + _record_rows(actor, where)
        + _sanction_rows(actor, where)
        + _repair_rows(actor, org_id, person_id)
    )
    rows.sort(key=lambda x: x["on"] or dt.date.min, reverse=True)
    return rows


def export(name: str, rows: list[dict[str, Any]]) -> HttpResponse:
    return export_xlsx(
        filename=f"信用档案-{name}-{clock.today():%Y%m%d}.xlsx",
        title=f"{name} 信用档案",
        columns=[
            ExportColumn("日期", kind="date"),
            "类别",
            "事由",
            ExportColumn("分值", kind="number"),
            "作出部门",
            "项目",
            "状态",
            "依据",
        ],
        rows=(
            [
                r["on"],
                r["kind"],
                r["summary"],
                r["points"],
                r["by"],
                r["project"],
                r["state"],
                r["basis"],
            ]
            for r in rows
        ),
    )


def person_in_scope(actor: Actor, person_id: int) -> Person | None:
    """The person whose archive the actor may open: the office of the
    person's district, an authority whose rules scored the person, the
    person themself; else None (404)."""
    if actor.user_id is None:
        return None
    p = Person.objects.select_related("organisation").filter(pk=person_id).first()
    if p is None:
        return None
    if actor.person_id == p.pk:
        return p
    if (
        actor.org_kind == OrgKind.SUPERVISION_OFFICE
        and actor.roles & OFFICE_ROLES
        and actor.district_path
        and p.organisation.path.startswith(actor.district_path)
    ):
        return p
    if (
        actor.org_kind == OrgKind.INDUSTRY_AUTHORITY
        and actor.roles & DEPARTMENT_ROLES
        and ScoreEvent.objects.filter(
            subject_person_id=p.pk, authority_id=actor.organisation_id
        ).exists()
    ):
        return p
    return None
