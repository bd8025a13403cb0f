"""A small effective rule set of the test district's housing authority and
score events built through the real events (fixed values; R-SCO-01)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from postaward.core import clock, events
from postaward.testing import District

from ..choices import RuleSetState, SubjectKind
from ..models import RuleItem, RuleSet, ScoreEvent

DOC = "《上虞区政府投资项目监督管理实施细则》"

# code, subject kind, points, cap per project, cap per year, trigger, article
ITEMS: list[tuple[str, str, str, str | None, str | None, str, str]] = [
    ("C01", SubjectKind.CONTRACTOR, "-5", "12", "20", "attendance.cheat_confirmed", "第四十七条"),
    ("P01", SubjectKind.PERSON, "-2", None, "4", "attendance.cheat_confirmed", "第四十七条"),
    ("C02", SubjectKind.CONTRACTOR, "-1", None, None, "attendance.absence_streak", "第四十二条"),
    ("C03", SubjectKind.CONTRACTOR, "-2", None, None, "attendance.monthly_rate_low", "第四十二条"),
    ("O01", SubjectKind.OWNER, "-3", None, None, "approvals.acceptance_late", "第三十一条"),
    ("C04", SubjectKind.CONTRACTOR, "-4", None, None, "complaints.verified", "第四十九条"),
    ("S01", SubjectKind.SUPERVISING_FIRM, "-2", None, None, "complaints.verified", "第四十九条"),
    ("C05", SubjectKind.CONTRACTOR, "-6", None, None, "cases.penalty_decided", "第四十条"),
    ("M01", SubjectKind.CONTRACTOR, "-3", None, "5", "manual", "第四十三条"),
    ("M02", SubjectKind.CONTRACTOR, "2", None, None, "manual", "第七条"),
]


def rule_set(
    d: District, *, authority: str = "housing", industry: str = "housing", **kw: Any
) -> RuleSet:
    rs = RuleSet.objects.create(
        authority=d.orgs[authority],
        industry=industry,
        version=kw.pop("version", 1),
        title="测试区住建局评分规则",
        state=RuleSetState.EFFECTIVE,
        effective_from=kw.pop("effective_from", dt.date(2026, 1, 1)),
        objection_days=kw.pop("objection_days", 10),
        drafted_at=clock.now(),
        approved_at=clock.now(),
        **kw,
    )
    for i, (code, kind, points, cap_p, cap_y, trigger, article) in enumerate(ITEMS):
        RuleItem.objects.create(
            rule_set=rs,
            code=code,
            description=f"测试评分项{code}",
            subject_kind=kind,
            points=Decimal(points),
            cap_per_project=Decimal(cap_p) if cap_p else None,
            cap_per_year=Decimal(cap_y) if cap_y else None,
            trigger=trigger,
            basis_document=DOC,
            basis_article=article,
            order=i,
        )
    return rs


def publish(name: str, **payload: Any) -> None:
    """Publish an event by name with its payload as its capability does, then
    deliver it as the worker does."""
    with transaction.atomic():
        events.publish(events._registry[name](**payload))
    events.dispatch_pending(limit=10_000)


def cheat(d: District, checkin_id: int = 501, at: str = "2026-03-10T01:30:00+00:00") -> dict:
    return {
        "checkin_id": checkin_id,
        "project_id": d.projects["p_school"].pk,
        "person_id": d.users["pm_a"].person_id,
        "organisation_id": d.orgs["contractor_a"].pk,
        "position": "project_manager",
        "at": at,
        "signals": ["mock_location"],
        "confirmed_by": "测试区第一中学 管理员",
        "note": "定位异常",
    }


def cheat_event(d: District, checkin_id: int = 501, **kw: Any) -> ScoreEvent:
    publish("attendance.cheat_confirmed", **cheat(d, checkin_id, **kw))
    return ScoreEvent.objects.get(fact_key=f"checkin:{checkin_id}", item__code="C01")


def scored(d: District) -> ScoreEvent:
    """A provisional score event of 甲建设有限公司 (a confirmed cheat)."""
    rule_set(d)
    return cheat_event(d)
