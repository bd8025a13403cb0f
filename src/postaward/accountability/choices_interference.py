"""Choices of the interference register and the units' integrity rules
(R-ACT-06; QZ 12; YJ 二(五))."""

from __future__ import annotations

from django.db import models


class IntervenerKind(models.TextChoices):
    LEADER = "leader", "领导干部"
    DEPARTMENT = "department", "部门"


class InterferenceKind(models.TextChoices):
    """How the intervention was made (YJ 二(五): 打招呼、拉关系 …)."""

    GREETING = "greeting", "打招呼"
    CONNECTIONS = "connections", "拉关系"
    NOTE = "note", "递条子"
    OTHER = "other", "其他"


class Stage(models.TextChoices):
    BIDDING = "bidding", "招投标"
    SUPERVISION = "supervision", "标后监管"


class Channel(models.TextChoices):
    STAFF = "staff", "工作人员登记"
    PUBLIC = "public", "公众匿名登记"


class RecordState(models.TextChoices):
    SUBMITTED = "submitted", "已登记"
    FILED = "filed", "已阅处存档"
    REFERRED = "referred", "已移送纪检监察机关"


class AdditionBy(models.TextChoices):
    REPORTER = "reporter", "登记人补充"
    OFFICE = "office", "监管办补充"


class RuleKind(models.TextChoices):
    """The two rules every unit files (YJ 二(五): 9月底前，各单位制定插手干预招投标
    登记报告及廉政风险防控制度)."""

    REGISTER = "register", "插手干预登记报告制度"
    INTEGRITY = "integrity", "廉政风险防控制度"
