"""Choices of complaints and reports (投诉举报), with their Chinese labels."""

from __future__ import annotations

from django.db import models


class Kind(models.TextChoices):
    COMPLAINT = "complaint", "投诉"
    REPORT = "report", "举报"


# The receipt number's prefix per kind: TS20261206-0007 (投诉), JB20261206-0003 (举报).
RECEIPT_PREFIX: dict[str, str] = {Kind.COMPLAINT: "TS", Kind.REPORT: "JB"}


class Channel(models.TextChoices):
    ONLINE = "online", "网上投诉举报"
    HOTLINE = "hotline", "12345热线"
    LETTER = "letter", "来信"
    VISIT = "visit", "来访"
    ASSIGNED = "assigned", "上级交办"
    OTHER_UNIT = "other_unit", "其他单位转来"


class FilerStanding(models.TextChoices):
    """Who files a complaint (投诉): a party or an interested party; a report
    (举报) may come from anyone."""

    PARTY = "party", "当事人"
    INTERESTED = "interested", "利害关系人"
    PUBLIC = "public", "社会公众"


class State(models.TextChoices):
    RECEIVED = "received", "待受理"
    REJECTED = "rejected", "不予受理"
    ACCEPTED = "accepted", "已受理（办理中）"
    TRANSFERRED = "transferred", "已转办"
    REPLIED = "replied", "已回复待审核"
    REVIEWED = "reviewed", "回复已审核"
    CLOSED = "closed", "已办结"
    SPLIT = "split", "已分办"


OPEN_STATES = (
    State.RECEIVED,
    State.ACCEPTED,
    State.TRANSFERRED,
    State.REPLIED,
    State.REVIEWED,
    State.SPLIT,
)


class Outcome(models.TextChoices):
    SUBSTANTIATED = "substantiated", "属实"
    PARTLY = "partly", "部分属实"
    NOT_SUBSTANTIATED = "not_substantiated", "不属实"


class RejectReason(models.TextChoices):
    """Reasons for not accepting (不予受理), chosen from a list and explained."""

    NOT_A_PARTY = "not_a_party", "投诉人不是所投诉事项的当事人或利害关系人"
    NO_FACTS = "no_facts", "没有具体的请求和必要的事实依据"
    OUT_OF_SCOPE = "out_of_scope", "不属于本部门（政府投资项目标后监管）受理范围"
    ALREADY_HANDLED = "already_handled", "已经作出处理决定，且没有新的事实和证据"
    IN_LITIGATION = "in_litigation", "已进入行政复议或者行政诉讼程序"
    FALSE_IDENTITY = "false_identity", "以虚假身份或他人名义投诉"
    OTHER = "other", "其他（见说明）"


class FileRole(models.TextChoices):
    EVIDENCE = "evidence", "投诉举报证据"
    REPLY = "reply", "办理回复材料"


class PartState(models.TextChoices):
    """One unit's part of a complaint split between units (分办, ADR 0510)."""

    ASSIGNED = "assigned", "待回复"
    REPLIED = "replied", "已回复待审核"
    SENT_BACK = "sent_back", "已退回重办"
    APPROVED = "approved", "审核通过"


class DocumentKind(models.TextChoices):
    """The offline documents of a complaint (ADR 0503, 0504)."""

    ACCEPTANCE = "acceptance", "受理告知书"
    NON_ACCEPTANCE = "non_acceptance", "不予受理通知书"
    SUSPENSION = "suspension", "暂停招标投标活动通知书"


# The documents addressed to the complainant (they may name them, R-CMP-04);
# the others go to a unit and never carry the identity.
TO_COMPLAINANT = frozenset({DocumentKind.ACCEPTANCE, DocumentKind.NON_ACCEPTANCE})


class ReferralTarget(models.TextChoices):
    """Where the office refers a complaint it cannot settle itself (R-ALR-06,
    QZ 11, HC 三(六); ADR 0515): the values are the clue transfer's
    directions in alerts (the ``complaints.referred`` event names one)."""

    DISCIPLINE = "discipline", "纪检监察机关（涉及党员干部、公职人员）"
    PUBLIC_SECURITY = "public_security", "公安机关（涉嫌犯罪）"


class ReferralState(models.TextChoices):
    SENT = "sent", "已移送待签收"
    RECEIVED = "received", "已签收办理中"
    CONCLUDED = "concluded", "已反馈结果"
