"""The catalogue of accountable acts (问责情形, QZ 附件2 arts. 5-6; R-ACT-01).

Data, not code: 12 acts of owners (art. 5 (一)-(十二)) and 11 of supervising
departments (art. 6 (一)-(十一)) are installed for each supervision office;
the office edits the wording or adds acts. An edit is a new version of the same
``code``: the old row stays (``is_current=False``) so a clue or matter keeps
the wording it was judged by.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from ..choices import Party


class AccountableAct(models.Model):
    office = models.ForeignKey(
        "orgs.Organisation", verbose_name="监管办", on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField("编号", max_length=20)  # stable across versions, e.g. "5-4"
    party = models.CharField("适用对象", max_length=12, choices=Party.choices)
    document = models.CharField("依据文件", max_length=200)
    article = models.CharField("条款", max_length=100)  # 第五条第（四）项
    title = models.CharField("问责情形", max_length=200)
    text = models.TextField("条文")
    version = models.PositiveIntegerField("版本", default=1)
    is_current = models.BooleanField("现行版本", default=True)
    active = models.BooleanField("启用", default=True)
    note = models.CharField("修订说明", max_length=500, blank=True)
    created_by_name = models.CharField("修订人", max_length=100, blank=True)
    created_at = models.DateTimeField("修订时间")

    class Meta:
        verbose_name = "问责情形"
        verbose_name_plural = "问责情形"
        ordering = ["office", "party", "code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "code", "version"], name="accountability_act_version_unique"
            ),
            models.UniqueConstraint(
                fields=["office", "code"],
                condition=Q(is_current=True),
                name="accountability_act_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article} {self.title}"


def snapshot_act(a: AccountableAct) -> dict[str, Any]:
    return {
        "code": a.code,
        "party": a.party,
        "basis": f"{a.document} {a.article}",
        "title": a.title,
        "text": a.text,
        "version": a.version,
        "is_current": a.is_current,
        "active": a.active,
        "note": a.note,
    }
