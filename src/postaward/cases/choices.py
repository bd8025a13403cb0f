"""Choices of a case (案件查处, R-CAS-01..06)."""

from __future__ import annotations

from django.db import models


class Source(models.TextChoices):
    COMPLAINT = "complaint", "投诉举报"
    INSPECTION = "inspection", "监督检查"
    ISSUE = "issue", "疑似问题（预警）"
    ASSIGNED = "assigned", "上级交办"
    MANUAL = "manual", "直接登记"


class State(models.TextChoices):
    REGISTERED = "registered", "待组建调查组"
    INVESTIGATING = "investigating", "调查中"
    REPORTED = "reported", "待审议"
    DELIBERATED = "deliberated", "待会审"
    REVIEWED = "reviewed", "待立案"
    FILED = "filed", "已立案"
    FINAL_REPORTED = "final_reported", "待处罚审批"
    PENALTY_APPROVED = "penalty_approved", "待告知"
    NOTIFIED = "notified", "已告知"
    DECIDED = "decided", "待送达"
    DELIVERED = "delivered", "待信用记录"
    CREDIT_ENTERED = "credit_entered", "待签发公示"
    SIGNED_OFF = "signed_off", "待结果反馈"
    FED_BACK = "fed_back", "待结案"
    CLOSED = "closed", "已结案"


OPEN_STATES = tuple(s for s in State.values if s != State.CLOSED)
# States before the case is filed: it may still end without a penalty.
BEFORE_FILING = (State.INVESTIGATING, State.REPORTED, State.DELIBERATED, State.REVIEWED)
# States in which it may be transferred (移送) to discipline inspection or the police.
REFERABLE = (*BEFORE_FILING, State.FILED, State.FINAL_REPORTED)


class Outcome(models.TextChoices):
    PENALTY = "penalty", "行政处罚"
    NO_VIOLATION = "no_violation", "未发现违法违规"
    LIGHT = "light", "约谈、批评教育或责令整改"
    DISCIPLINE = "discipline", "移送纪检监察机关"
    PUBLIC_SECURITY = "public_security", "移送公安机关"


class LightMeasure(models.TextChoices):
    TALK = "talk", "约谈"
    CRITICISM = "criticism", "批评教育"
    RECTIFY = "rectify", "责令整改"


class ReferralTarget(models.TextChoices):
    DISCIPLINE = "discipline", "纪检监察机关（违规违纪）"
    PUBLIC_SECURITY = "public_security", "公安机关（涉嫌犯罪）"


class MemberRole(models.TextChoices):
    LEADER = "leader", "组长"
    MEMBER = "member", "组员"
    SPECIALIST = "specialist", "专业人员"


class DeliveryMethod(models.TextChoices):
    IN_PERSON = "in_person", "直接送达"
    POST = "post", "邮寄送达"
    ELECTRONIC = "electronic", "电子送达"
    ANNOUNCEMENT = "announcement", "公告送达"


class DocumentKind(models.TextChoices):
    EXTENSION = "extension", "延长调查时限通知书"
    REPORT = "report", "调查报告"
    MINUTES = "minutes", "案件会审会议纪要"
    FILING = "filing", "立案受理表"
    FINAL_REPORT = "final_report", "案件终结报告"
    PENALTY_APPROVAL = "penalty_approval", "行政处罚审批表"
    NOTICE = "notice", "行政处罚告知书"
    DECISION = "decision", "行政处罚决定书"
    DELIVERY = "delivery", "送达回证"
    FEEDBACK = "feedback", "结果反馈函"


# Documents delivered to the party (the enterprise portal shows only these to it).
TO_PARTY = frozenset({DocumentKind.NOTICE, DocumentKind.DECISION})
