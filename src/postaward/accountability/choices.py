"""Choices of the catalogue and the clues (QZ 附件2 arts. 5-7). The matters
part keeps its own in ``choices_matters.py``, the interference register in
``choices_interference.py``."""

from __future__ import annotations

from django.db import models


class Party(models.TextChoices):
    """Whose acts a catalogue item describes (QZ 附件2 art. 5 / art. 6)."""

    OWNER = "owner", "建设单位"
    DEPARTMENT = "department", "监管部门"


class ClueSource(models.TextChoices):
    """Where a clue came from: the six sources of QZ 附件2 art. 7, and the
    platform's own findings (recorded as 其他 in the article's terms, shown
    apart because the office confirms or dismisses them)."""

    COMPLAINT = "complaint", "举报、投诉"
    GOVERNMENT_INSPECTION = "government_inspection", "政府及上级部门工作检查中发现"
    INSTRUCTION = "instruction", "上级机关指示或上级领导批示"
    DEPARTMENTAL_CHECK = "departmental_check", "相关职能部门在工作检查中发现"
    MEDIA = "media", "新闻媒体曝光"
    OTHER = "other", "其他"
    PLATFORM = "platform", "平台监测发现"
    INTERFERENCE = "interference", "插手干预登记"


class ClueState(models.TextChoices):
    REGISTERED = "registered", "待核实"
    CONFIRMED = "confirmed", "已确认"
    DISMISSED = "dismissed", "不予问责"
    TRANSFERRED = "transferred", "已移送有权机关"
