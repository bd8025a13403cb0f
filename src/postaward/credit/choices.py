"""States and kinds of the credit capability (R-CAS-04)."""

from __future__ import annotations

from django.db import models


class RecordState(models.TextChoices):
    EFFECTIVE = "effective", "有效"
    OBJECTING = "objecting", "异议中"
    REPAIRED = "repaired", "已修复"
    WITHDRAWN = "withdrawn", "已撤销"


class RequestKind(models.TextChoices):
    OBJECTION = "objection", "记分异议"
    REPAIR = "repair", "信用修复"


class RequestState(models.TextChoices):
    REGISTERED = "registered", "待主管部门核查"
    OPINION_GIVEN = "opinion_given", "待监管办决定"
    UPHELD = "upheld", "已采纳"
    REJECTED = "rejected", "未采纳"


OPEN_REQUEST_STATES = (RequestState.REGISTERED, RequestState.OPINION_GIVEN)


class Recommendation(models.TextChoices):
    UPHOLD = "uphold", "建议采纳"
    REJECT = "reject", "建议不予采纳"


class PushAction(models.TextChoices):
    CREATE = "create", "新增"
    UPDATE = "update", "变更记分"
    WITHDRAW = "withdraw", "撤销"
    REPAIR = "repair", "信用修复"


class PushState(models.TextChoices):
    PENDING = "pending", "待推送"
    SENT = "sent", "已推送"
    FAILED = "failed", "推送失败，待重试"
