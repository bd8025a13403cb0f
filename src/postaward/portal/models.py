"""The contact channels the supervision office publishes on the public window
(R-CMP-05: 公布投诉举报电话、通信地址、接待时间), edited by the office itself."""

from __future__ import annotations

from typing import Any

from django.db import models


class PublicContact(models.Model):
    """One published channel of an office (a reception point), in order."""

    office = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="监管办",
        on_delete=models.CASCADE,
        related_name="public_contacts",
    )
    position = models.PositiveSmallIntegerField("顺序", default=0)
    name = models.CharField("受理机构（接待点）", max_length=60)
    complaint_phone = models.CharField("投诉电话", max_length=40, blank=True)
    report_phone = models.CharField("举报电话", max_length=40, blank=True)
    mailing_address = models.CharField("来信地址", max_length=200, blank=True)
    reception_address = models.CharField("来访接待地址", max_length=200, blank=True)
    office_hours = models.CharField("接待时间", max_length=100, blank=True)
    email = models.CharField("电子邮箱", max_length=100, blank=True)
    website = models.CharField("网站", max_length=200, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "公众门户联系方式"
        ordering = ["office_id", "position", "pk"]

    def __str__(self) -> str:
        return self.name


FIELDS = (
    "name",
    "complaint_phone",
    "report_phone",
    "mailing_address",
    "reception_address",
    "office_hours",
    "email",
    "website",
    "note",
)


def as_dict(c: PublicContact) -> dict[str, Any]:
    return {f: getattr(c, f) for f in FIELDS}
