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


# --- Scoring (issue 16, ADR 0630) ---------------------------------------------


class RuleSetState(models.TextChoices):
    DRAFT = "draft", "草稿"
    PENDING = "pending", "待复核"
    EFFECTIVE = "effective", "生效"
    REJECTED = "rejected", "复核未通过"
    SUPERSEDED = "superseded", "已被新版本替代"


class SubjectKind(models.TextChoices):
    """Who a rule item scores (SY 7, 37: authorities, owners, enterprises,
    intermediaries; and persons)."""

    AUTHORITY = "authority", "行业主管部门"
    OWNER = "owner", "建设单位"
    CONTRACTOR = "contractor", "施工单位"
    SUPERVISING_FIRM = "supervising_firm", "监理单位"
    INTERMEDIARY = "intermediary", "中介机构（含招标代理）"
    PERSON = "person", "从业人员"


class ScoreState(models.TextChoices):
    PROVISIONAL = "provisional", "公示期（可提出异议）"
    OBJECTING = "objecting", "异议处理中（冻结）"
    FINAL = "final", "已生效"
    WITHDRAWN = "withdrawn", "已撤销"
    # A final deduction whose repair request was upheld (信用修复, ADR 0690):
    # its points are what is left after the restoration (0 when fully restored).
    REPAIRED = "repaired", "已信用修复"


# A score event counts in a score unless withdrawn (a repaired one counts with
# the points left after its restoration).
COUNTING_SCORE_STATES = (
    ScoreState.PROVISIONAL,
    ScoreState.OBJECTING,
    ScoreState.FINAL,
    ScoreState.REPAIRED,
)


class Colour(models.TextChoices):
    """The five-colour code (五色码, SY 37(三)), best first."""

    GREEN = "green", "绿码"
    BLUE = "blue", "蓝码"
    YELLOW = "yellow", "黄码"
    ORANGE = "orange", "橙码"
    RED = "red", "红码"


# --- Sanctions (SY 40-48; R-SCO-07, R-SCO-08; ADR 0660) --------------------------


class SanctionKind(models.TextChoices):
    """The measures of SY 40-48, in the order the articles name them."""

    INTERVIEW = "interview", "约谈"
    CRITICISM = "criticism", "通报批评"
    RECTIFICATION = "rectification", "责令整改"
    FINE = "fine", "罚款"
    CONTRACT_TERMINATED = "contract_terminated", "解除合同"
    DEPOSIT_FORFEITED = "deposit_forfeited", "没收保证金"
    PENALTY_RECOVERED = "penalty_recovered", "追缴违约金"
    DAMAGES = "damages", "责令赔偿损失"
    BUSINESS_SUSPENDED = "business_suspended", "责令停业整顿"
    ADMINISTRATIVE_PENALTY = "administrative_penalty", "行政处罚"
    # Not a measure of SY 40-48 but the decision of QZ 10 and LC 三 (R-SCO-04):
    # the dishonest enterprise is listed for joint punishment for a period.
    BLACKLISTED = "blacklisted", "列入黑名单（失信联合惩戒）"


class IssuerKind(models.TextChoices):
    OWNER = "owner", "建设单位（合同措施）"
    AUTHORITY = "authority", "行业主管部门（行政措施）"


# Who takes which measure (SY 41, 42, 45-48: the owner by the contract; SY 40,
# 43-45, 48: the industry authority by law). The supervision office, as the
# leading group's office, may record the authorities' measures too (ADR 0660).
MEASURES_OF: dict[str, tuple[str, ...]] = {
    IssuerKind.OWNER: (
        SanctionKind.INTERVIEW,
        SanctionKind.CRITICISM,
        SanctionKind.RECTIFICATION,
        SanctionKind.CONTRACT_TERMINATED,
        SanctionKind.DEPOSIT_FORFEITED,
        SanctionKind.PENALTY_RECOVERED,
        SanctionKind.DAMAGES,
    ),
    IssuerKind.AUTHORITY: (
        SanctionKind.INTERVIEW,
        SanctionKind.CRITICISM,
        SanctionKind.RECTIFICATION,
        SanctionKind.FINE,
        SanctionKind.BUSINESS_SUSPENDED,
        SanctionKind.ADMINISTRATIVE_PENALTY,
        SanctionKind.BLACKLISTED,
    ),
}

# Measures that bar the enterprise from bidding in the district for their
# period (SY 44: 停业整顿; a blacklisted enterprise is barred by the joint
# punishment, QZ 10).
BARS_BIDDING = (SanctionKind.BUSINESS_SUSPENDED, SanctionKind.BLACKLISTED)
# Measures that need their period.
WITH_PERIOD = BARS_BIDDING

# Measures that carry an amount of money.
WITH_AMOUNT = (
    SanctionKind.FINE,
    SanctionKind.DEPOSIT_FORFEITED,
    SanctionKind.PENALTY_RECOVERED,
    SanctionKind.DAMAGES,
    SanctionKind.ADMINISTRATIVE_PENALTY,
)


class SanctionState(models.TextChoices):
    EFFECTIVE = "effective", "有效"
    REVOKED = "revoked", "已撤销"
