"""The supervision office's settings of the approval processes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from postaward.core import clock, writes
from postaward.core.actor import Actor
from postaward.core.errors import Forbidden, ValidationFailed
from postaward.orgs.choices import OrgKind, Role

from ..choices import CALENDAR, WORKING
from ..models import ApprovalPolicy


def may_edit_policy(actor: Actor) -> bool:
    return actor.is_system or (
        actor.org_kind == OrgKind.SUPERVISION_OFFICE and Role.ADMIN in actor.roles
    )


def update_policy(
    *,
    actor: Actor,
    major_change_amount: Any,
    major_change_ratio: Any,
    hidden_review_days: int,
    hidden_review_unit: str,
) -> ApprovalPolicy:
    if not may_edit_policy(actor):
        raise Forbidden("仅监管办总管可以设置流程审批参数")
    try:
        amount = Decimal(str(major_change_amount)).quantize(Decimal("0.01"))
        ratio = Decimal(str(major_change_ratio)).quantize(Decimal("0.01"))
    except Exception as exc:
        raise ValidationFailed("金额和比例应为数字", field="major_change_amount") from exc
    if amount <= 0:
        raise ValidationFailed("重大变更金额标准应大于零", field="major_change_amount")
    if not Decimal("0") < ratio <= Decimal("100"):
        raise ValidationFailed("比例应在 0-100 之间", field="major_change_ratio")
    if not isinstance(hidden_review_days, int) or not 1 <= hidden_review_days <= 30:
        raise ValidationFailed("审核期限应为 1-30 天", field="hidden_review_days")
    if hidden_review_unit not in (WORKING, CALENDAR):
        raise ValidationFailed("期限单位不正确", field="hidden_review_unit")
    with transaction.atomic():
        ApprovalPolicy.objects.get_or_create(pk=1)
        with writes.audited(
            ApprovalPolicy, pk=1, actor=actor, action="approvals.update_policy"
        ) as w:
            policy = w.obj
            policy.major_change_amount = amount
            policy.major_change_ratio = ratio
            policy.hidden_review_days = hidden_review_days
            policy.hidden_review_unit = hidden_review_unit
            policy.updated_at = clock.now()
            policy.updated_by_name = actor.display_name[:100]
    return policy  # type: ignore[no-any-return]
