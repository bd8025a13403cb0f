"""Credit records (信用记录) and what happens to them (R-CAS-04).

A ``CreditRecord`` is one penalty or handling decision with its quantified
credit points (信用量化记分), created once per case from the cases capability's
``cases.penalty_decided`` event. A ``CreditRequest`` is an objection to the
points (异议) or a credit repair request (信用修复) of the party, handled with
the competent department and decided by the supervision office. A
``CreditPush`` is one change of a record queued for the credit platforms
(outbox: attempts, last error, sent at), sent by the worker (``push.py``).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from postaward.core import business_calendar
from postaward.core.actor import Actor
from postaward.core.files import private_storage
from postaward.core.scoping import NOTHING, ScopedManager
from postaward.orgs.choices import OrgKind, Role

from ..choices import PushAction, PushState, RecordState, RequestKind, RequestState


def _evidence_path(instance: Any, filename: str) -> str:
    return f"credit/repairs/{filename}"


OFFICE_ROLES = frozenset({Role.ADMIN, Role.UNIT_LEADER, Role.OFFICE_STAFF})
DEPARTMENT_ROLES = frozenset({Role.ADMIN, Role.UNIT_LEADER, Role.AUTHORITY_STAFF})


def record_scope(actor: Actor, prefix: str = "") -> Q:
    """Who reads a credit record: the supervision office (and the bodies above
    it) and the industry authorities of its district see every record; the
    party sees only its own (its organisation's accounts, or the person);
    nobody else anything."""
    if not actor.org_path or actor.user_id is None:
        if actor.user_id is not None and actor.person_id is not None:
            return Q(**{f"{prefix}subject_person_id": actor.person_id})
        return NOTHING
    out = NOTHING
    if actor.org_kind == OrgKind.SUPERVISION_OFFICE and actor.roles & OFFICE_ROLES:
        out = Q(**{f"{prefix}office__path__startswith": actor.org_path})
    if actor.org_kind == OrgKind.INDUSTRY_AUTHORITY and actor.roles & DEPARTMENT_ROLES:
        out |= Q(**{f"{prefix}office__path__startswith": actor.district_path})
    if actor.organisation_id is not None:
        out |= Q(**{f"{prefix}subject_org_id": actor.organisation_id})
    if actor.person_id is not None:
        out |= Q(**{f"{prefix}subject_person_id": actor.person_id})
    return out


class CreditRecord(models.Model):
    """信用记录: a penalty or handling decision and its credit points."""

    case_id = models.PositiveIntegerField("案件", unique=True)
    case_number = models.CharField("案件编号", max_length=40)
    office = models.ForeignKey(
        "orgs.Organisation", verbose_name="监管办", on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="作出决定的主管部门",
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="当事单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_records",
    )
    subject_person = models.ForeignKey(
        "orgs.Person",
        verbose_name="当事人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_records",
    )
    subject_name = models.CharField("当事人（单位）", max_length=200)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    measure = models.CharField("处罚（处理）措施", max_length=500)
    fine_yuan = models.DecimalField("罚款（元）", max_digits=14, decimal_places=2, default=0)
    points = models.PositiveSmallIntegerField("信用量化记分")
    original_points = models.PositiveSmallIntegerField("决定记分")
    basis = models.CharField("依据", max_length=1000)
    decision_number = models.CharField("决定书文号", max_length=100)
    decided_on = models.DateField("决定日期")
    entered_on = models.DateField("录入日期")
    valid_until = models.DateField("记分有效期至")
    state = models.CharField(
        "状态", max_length=12, choices=RecordState.choices, default=RecordState.EFFECTIVE
    )
    outcome = models.CharField("变更情况", max_length=1000, blank=True)
    created_at = models.DateTimeField("创建时间")
    changed_at = models.DateTimeField("变更时间", null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "信用记录"
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.subject_name}（{self.decision_number}）"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return record_scope(actor)

    @property
    def entry_due(self) -> Any:
        """The last day the entry was due: one working day after the decision
        (HC 附件 三(五))."""
        return business_calendar.add_working_days(self.decided_on, 1)

    @property
    def entered_in_time(self) -> bool:
        return self.entered_on <= self.entry_due


def snapshot(r: CreditRecord) -> dict[str, Any]:
    return {
        "case_number": r.case_number,
        "subject_name": r.subject_name,
        "points": r.points,
        "state": r.state,
        "valid_until": r.valid_until.isoformat() if r.valid_until else None,
        "outcome": r.outcome,
    }


class CreditRequest(models.Model):
    """异议 or 信用修复 of the party, registered, handled with the competent
    department, decided by the office; the party is told the outcome."""

    # The request is about a credit record, or (an objection) about a score
    # event of the scoring engine (issue 16, ADR 0643): exactly one of the two.
    record = models.ForeignKey(
        CreditRecord,
        verbose_name="信用记录",
        on_delete=models.PROTECT,
        related_name="requests",
        null=True,
        blank=True,
    )
    score_event = models.ForeignKey(
        "credit.ScoreEvent",
        verbose_name="记分事件",
        on_delete=models.PROTECT,
        related_name="requests",
        null=True,
        blank=True,
    )
    # ... or (a repair, ADR 0693) about a blacklist entry of the sanctions register.
    sanction = models.ForeignKey(
        "credit.Sanction",
        verbose_name="黑名单",
        on_delete=models.PROTECT,
        related_name="requests",
        null=True,
        blank=True,
    )
    kind = models.CharField("类别", max_length=12, choices=RequestKind.choices)
    state = models.CharField(
        "状态", max_length=16, choices=RequestState.choices, default=RequestState.REGISTERED
    )
    reason = models.TextField("理由")
    on_behalf = models.BooleanField("监管办代为登记", default=False)
    filed_by = models.ForeignKey(
        "orgs.User", verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    filed_by_name = models.CharField("登记人姓名", max_length=100)
    filed_at = models.DateTimeField("登记时间")
    opinion = models.TextField("主管部门核查意见", blank=True)
    recommendation = models.CharField("核查建议", max_length=10, blank=True)
    opinion_by_name = models.CharField("核查人", max_length=100, blank=True)
    opinion_at = models.DateTimeField("核查时间", null=True, blank=True)
    decision = models.TextField("处理结果", blank=True)
    new_points = models.PositiveSmallIntegerField("变更后记分", null=True, blank=True)
    withdraw = models.BooleanField("撤销记录", default=False)
    decided_by_name = models.CharField("决定人", max_length=100, blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    # A repair request of a score event: the proof of rectification (core.files;
    # optional beside the written account, ADR 0690).
    evidence = models.FileField(
        "整改证明", upload_to=_evidence_path, max_length=255, storage=private_storage, blank=True
    )
    evidence_name = models.CharField("整改证明文件名", max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "信用异议与修复"
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(record__isnull=False, score_event__isnull=True, sanction__isnull=True)
                | Q(record__isnull=True, score_event__isnull=False, sanction__isnull=True)
                | Q(record__isnull=True, score_event__isnull=True, sanction__isnull=False),
                name="credit_request_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.target_name}）"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        from .sanctions import sanction_scope
        from .scoring import score_scope

        return (
            record_scope(actor, "record__")
            | score_scope(actor, "score_event__")
            | sanction_scope(actor, "sanction__")
        )

    @property
    def target(self) -> Any:
        """The credit record, the score event or the blacklist entry the request is about."""
        if self.record_id:
            return self.record
        return self.score_event if self.score_event_id else self.sanction

    @property
    def target_name(self) -> str:
        return str(self.target.subject_name)

    @property
    def target_ref(self) -> str:
        """What people call the objected thing: the decision number, or the score's summary."""
        t = self.target
        if self.sanction_id:
            return str(t.number)
        return str(t.decision_number if self.record_id else t.summary[:40])

    @property
    def department_id(self) -> int:
        """The deciding department: the penalty's, the scoring authority, or
        the issuer of the blacklist entry."""
        t = self.target
        if self.sanction_id:
            return int(t.issuer_id)
        return int(t.department_id if self.record_id else t.authority_id)

    @property
    def office_id(self) -> int:
        t = self.target
        if self.sanction_id:
            return int(t.office_id)
        return int(t.office_id if self.record_id else t.district_id)

    @property
    def project_id(self) -> int | None:
        return self.target.project_id  # type: ignore[no-any-return]

    @property
    def is_open(self) -> bool:
        return self.state in (RequestState.REGISTERED, RequestState.OPINION_GIVEN)


def snapshot_request(q: CreditRequest) -> dict[str, Any]:
    return {
        "record": q.target.case_number if q.record_id else "",
        "score_event": q.score_event_id,
        "sanction": q.target.number if q.sanction_id else "",
        "kind": q.kind,
        "state": q.state,
        "opinion": q.opinion,
        "recommendation": q.recommendation,
        "decision": q.decision,
        "new_points": q.new_points,
        "withdraw": q.withdraw,
    }


class CreditPush(models.Model):
    """One change of a record for the credit platforms (outbox row)."""

    record = models.ForeignKey(
        CreditRecord, verbose_name="信用记录", on_delete=models.PROTECT, related_name="pushes"
    )
    action = models.CharField("推送内容", max_length=10, choices=PushAction.choices)
    payload = models.JSONField("报文")
    state = models.CharField(
        "推送状态", max_length=10, choices=PushState.choices, default=PushState.PENDING
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近一次错误", max_length=500, blank=True)
    created_at = models.DateTimeField("排队时间")
    next_try_at = models.DateTimeField("下次尝试", db_index=True)
    sent_at = models.DateTimeField("推送时间", null=True, blank=True)

    class Meta:
        verbose_name = "信用平台推送"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}（{self.get_state_display()}）"


__all__ = [
    "CreditPush",
    "CreditRecord",
    "CreditRequest",
    "PushAction",
    "PushState",
    "RecordState",
    "RequestKind",
    "RequestState",
    "record_scope",
    "snapshot",
    "snapshot_request",
]
