"""Choices of the reports app."""

from django.db import models


class LedgerKind(models.TextChoices):
    """The four ledgers of YJ 二(二) (R-REP-01); the URL and API name them."""

    IN_PROCESS = "in-process", "事中监管及整改台账"
    POST_AWARD = "post-award", "事后检查及整改台账"
    COMPLAINTS = "complaints", "信访举报办理情况表"
    VERIFIED = "verified", "核查项目情况表"


class CaseState(models.TextChoices):
    SUPERVISING = "supervising", "督办中"
    CLOSED = "closed", "已办结销号"


class CaseSource(models.TextChoices):
    """Where the typical problem was found (the number of that record is kept)."""

    ALERT = "alert", "预警"
    INSPECTION = "inspection", "检查发现问题"
    COMPLAINT = "complaint", "信访举报"
    OTHER = "other", "其他"


CASE_COLOURS: dict[str, str] = {CaseState.SUPERVISING: "orange", CaseState.CLOSED: "green"}
