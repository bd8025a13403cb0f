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


# A score event counts in a score unless withdrawn.
COUNTING_SCORE_STATES = (ScoreState.PROVISIONAL, ScoreState.OBJECTING, ScoreState.FINAL)


class Colour(models.TextChoices):
    """The five-colour code (五色码, SY 37(三)), best first."""

    GREEN = "green", "绿码"
    BLUE = "blue", "蓝码"
    YELLOW = "yellow", "黄码"
    ORANGE = "orange", "橙码"
    RED = "red", "红码"
