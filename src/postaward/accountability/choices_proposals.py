"""Choices of the proposals part (不良行为认定建议书, QZ 附件2 art. 6(九); R-ACT-07)."""

from __future__ import annotations

from django.db import models


class ProposalState(models.TextChoices):
    RECEIVED = "received", "待认定"
    RECOGNISED = "recognised", "已认定"
    NOT_RECOGNISED = "not_recognised", "不予认定"


class SenderKind(models.TextChoices):
    """Who sent the proposal: the supervision office (its inspections and
    checks included) or an owner about its own project's units."""

    OFFICE = "office", "监管办"
    OWNER = "owner", "建设单位"
