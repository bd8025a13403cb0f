"""The interference register (插手干预登记, R-ACT-06; QZ 12; YJ 二(五)) and the
units' register and integrity-risk rules (廉政风险防控制度).

An ``InterferenceRecord`` says that a leader or a department intervened in a
tender or in post-award supervision (打招呼、拉关系、递条子 …): who, when, how,
about which project, what was asked, the evidence. "全程过问留痕": once
submitted its content never changes (``save`` refuses it, ``delete`` too);
corrections are ``InterferenceAddition`` rows, each immutable as well. The
record and its additions form a chain: each ``digest`` is the SM3 of the
previous digest and the row's content (the record starts from the genesis), and
each row's creation is also a record of the platform's audit chain.

The reporter's identity is protected like a complainant's (R-CMP-04): the
account (``reporter_user``) and the name, unit and contact given are never in a
list, an export, the API, an event or a notice; the sealed fields are opened
only by the office's handling staff, each reveal audited
(``identity_interference``). The handling (read, referral, clue) is kept
beside the content and is the only part that changes.

Read by the supervision office and discipline inspection of the district
(``accountability_scope``) and by the account that recorded it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from postaward.core.actor import Actor
from postaward.core.errors import Conflict
from postaward.core.files import PrivateStorage
from postaward.core.scoping import NOTHING, ScopedManager
from postaward.orgs.choices import OrgKind

from ..choices_interference import (
    AdditionBy,
    Channel,
    InterferenceKind,
    IntervenerKind,
    RecordState,
    RuleKind,
    Stage,
)
from .clues import OFFICE_ROLES, accountability_scope

GENESIS = "0" * 64


class Immutable(Conflict):
    code = "immutable"


def interference_scope(actor: Actor, prefix: str = "") -> Q:
    """Office and discipline inspection of the district; the recording account its own."""
    if actor.user_id is None:
        return NOTHING
    return accountability_scope(actor, prefix) | Q(**{f"{prefix}reporter_user_id": actor.user_id})


class InterferenceRecord(models.Model):
    objects = ScopedManager()

    # the content: fixed once submitted (CONTENT)
    number = models.CharField("登记编号", max_length=30, unique=True)
    office = models.ForeignKey(
        "orgs.Organisation", verbose_name="监管办", on_delete=models.PROTECT, related_name="+"
    )
    intervener_kind = models.CharField("干预主体", max_length=12, choices=IntervenerKind.choices)
    intervener_name = models.CharField("干预人姓名或部门名称", max_length=100)
    intervener_post = models.CharField("职务", max_length=100, blank=True)
    intervener_unit = models.CharField("所在单位", max_length=200, blank=True)
    concerns_officials = models.BooleanField("涉及党员或公职人员", default=False)
    occurred_on = models.DateField("干预日期")
    kind = models.CharField("干预方式", max_length=12, choices=InterferenceKind.choices)
    kind_other = models.CharField("其他方式说明", max_length=100, blank=True)
    stage = models.CharField("干预环节", max_length=12, choices=Stage.choices)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interference_records",
    )
    project_text = models.CharField("项目（填写）", max_length=200, blank=True)
    request_text = models.TextField("干预内容（提出的要求）")
    evidence_note = models.TextField("证据说明", blank=True)
    evidence_file = models.FileField(
        "证据材料", storage=PrivateStorage(), upload_to="accountability/interference", blank=True
    )
    evidence_file_name = models.CharField("证据材料文件名", max_length=200, blank=True)
    channel = models.CharField("登记方式", max_length=8, choices=Channel.choices)
    # the reporter (R-CMP-04): never shown but to the office's handling staff
    reporter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reporter_name_enc = models.TextField(blank=True, editable=False)
    reporter_unit_enc = models.TextField(blank=True, editable=False)
    reporter_contact_enc = models.TextField(blank=True, editable=False)
    query_code_hash = models.CharField(max_length=64, blank=True, editable=False)
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    idempotency_digest = models.CharField(max_length=64, blank=True, editable=False)
    submitted_at = models.DateTimeField("登记时间")
    digest = models.CharField("留痕摘要", max_length=64)
    # the handling: the only part that changes
    state = models.CharField(
        "状态", max_length=12, choices=RecordState.choices, default=RecordState.SUBMITTED
    )
    filed_at = models.DateTimeField("阅处时间", null=True, blank=True)
    filed_by_name = models.CharField("阅处人", max_length=100, blank=True)
    filed_note = models.CharField("阅处意见", max_length=500, blank=True)
    discipline_read_at = models.DateTimeField("纪检监察阅知时间", null=True, blank=True)
    discipline_read_by_name = models.CharField("纪检监察阅知人", max_length=100, blank=True)
    referred_at = models.DateTimeField("移送时间", null=True, blank=True)
    referred_by_name = models.CharField("移送人", max_length=100, blank=True)
    referral_reason = models.CharField("移送理由", max_length=500, blank=True)
    referred_automatically = models.BooleanField("登记即移送", default=False)
    clue = models.ForeignKey(
        "accountability.Clue",
        verbose_name="问责线索",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    CONTENT: ClassVar[tuple[str, ...]] = (
        "number",
        "office_id",
        "intervener_kind",
        "intervener_name",
        "intervener_post",
        "intervener_unit",
        "concerns_officials",
        "occurred_on",
        "kind",
        "kind_other",
        "stage",
        "project_id",
        "project_text",
        "request_text",
        "evidence_note",
        "evidence_file",
        "evidence_file_name",
        "channel",
        "reporter_user_id",
        "reporter_name_enc",
        "reporter_unit_enc",
        "reporter_contact_enc",
        "submitted_at",
        "digest",
    )

    class Meta:
        verbose_name = "插手干预登记"
        verbose_name_plural = "插手干预登记"
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["office", "state", "submitted_at"])]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return interference_scope(actor)

    def __str__(self) -> str:
        return f"{self.number} {self.intervener_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """全程过问留痕: a submitted record's content is never changed."""
        if not self._state.adding and self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values(*self.CONTENT).first()
            if stored is not None:
                for name in self.CONTENT:
                    value = getattr(self, name)
                    value = getattr(value, "name", value) if name == "evidence_file" else value
                    if stored[name] != value and not (stored[name] in (None, "") and not value):
                        raise Immutable("插手干预登记提交后不能修改；如需更正，请补充说明")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise Immutable("插手干预登记不能删除")

    @property
    def kind_text(self) -> str:
        if self.kind == InterferenceKind.OTHER and self.kind_other:
            return f"其他（{self.kind_other}）"
        return str(self.get_kind_display())

    @property
    def intervener_text(self) -> str:
        parts = [p for p in (self.intervener_unit, self.intervener_post) if p]
        return self.intervener_name + (f"（{'，'.join(parts)}）" if parts else "")

    @property
    def project_label(self) -> str:
        if self.project_id:
            return f"{self.project.name}（{self.project.code}）"  # type: ignore[union-attr]
        return self.project_text or "—"


class InterferenceAddition(models.Model):
    """A correction or a new fact added to a submitted record (never an edit)."""

    objects = ScopedManager()

    record = models.ForeignKey(
        InterferenceRecord,
        verbose_name="插手干预登记",
        on_delete=models.PROTECT,
        related_name="additions",
    )
    seq = models.PositiveIntegerField("序号")
    by = models.CharField("补充方", max_length=10, choices=AdditionBy.choices)
    text = models.TextField("补充说明")
    evidence_file = models.FileField(
        "补充材料", storage=PrivateStorage(), upload_to="accountability/interference", blank=True
    )
    evidence_file_name = models.CharField("补充材料文件名", max_length=200, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="补充账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # shown only for the office's additions; the reporter's stay "登记人补充"
    added_by_name = models.CharField("补充人", max_length=100, blank=True)
    added_at = models.DateTimeField("补充时间")
    prev_digest = models.CharField(max_length=64)
    digest = models.CharField("留痕摘要", max_length=64)

    class Meta:
        verbose_name = "插手干预登记补充"
        verbose_name_plural = "插手干预登记补充"
        ordering = ["record", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["record", "seq"], name="accountability_addition_seq"),
        ]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return interference_scope(actor, "record__")

    def __str__(self) -> str:
        return f"{self.record_id}-{self.seq}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise Immutable("补充说明提交后不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise Immutable("补充说明不能删除")


def snapshot_record(r: InterferenceRecord) -> dict[str, Any]:
    """The audit's view of a record: never the reporter (R-CMP-04)."""
    return {
        "number": r.number,
        "intervener_kind": r.intervener_kind,
        "intervener": r.intervener_text,
        "concerns_officials": r.concerns_officials,
        "occurred_on": r.occurred_on,
        "kind": r.kind,
        "kind_other": r.kind_other,
        "stage": r.stage,
        "project": r.project_id,
        "project_text": r.project_text,
        "request_text": r.request_text,
        "evidence_note": r.evidence_note,
        "evidence_file": bool(r.evidence_file),
        "channel": r.channel,
        "digest": r.digest,
        "state": r.state,
        "referral_reason": r.referral_reason,
        "clue": r.clue_id,
    }


def snapshot_addition(a: InterferenceAddition) -> dict[str, Any]:
    return {
        "record": a.record_id,
        "seq": a.seq,
        "by": a.by,
        "text": a.text,
        "evidence_file": bool(a.evidence_file),
        "prev_digest": a.prev_digest,
        "digest": a.digest,
    }


# --- the units' rules ------------------------------------------------------------------------

FILING_KINDS = frozenset(
    {OrgKind.OWNER, OrgKind.VILLAGE, OrgKind.INDUSTRY_AUTHORITY, OrgKind.TENDER_AGENT}
)


def integrity_rule_scope(actor: Actor, prefix: str = "") -> Q:
    """The unit reads its own; the supervision office reads the district's."""
    if actor.user_id is None:
        return NOTHING
    out = NOTHING
    if actor.org_kind == OrgKind.SUPERVISION_OFFICE and actor.roles & OFFICE_ROLES:
        out = Q(**{f"{prefix}office__path__startswith": actor.district_path})
    if actor.organisation_id is not None and actor.org_kind in FILING_KINDS:
        out |= Q(**{f"{prefix}unit_id": actor.organisation_id})
    return out


class IntegrityRule(models.Model):
    """A unit's register rules or integrity-risk rules, as a dated document."""

    objects = ScopedManager()

    unit = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="单位",
        on_delete=models.PROTECT,
        related_name="integrity_rules",
    )
    office = models.ForeignKey(
        "orgs.Organisation", verbose_name="监管办", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("制度类别", max_length=12, choices=RuleKind.choices)
    title = models.CharField("制度名称", max_length=200)
    effective_on = models.DateField("施行日期")
    file = models.FileField("制度文件", storage=PrivateStorage(), upload_to="accountability/rules")
    file_name = models.CharField("文件名", max_length=200)
    filed_by_name = models.CharField("报备人", max_length=100)
    filed_at = models.DateTimeField("报备时间")

    class Meta:
        verbose_name = "廉政风险防控制度"
        verbose_name_plural = "廉政风险防控制度"
        ordering = ["unit", "-effective_on", "-pk"]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        return integrity_rule_scope(actor)

    def __str__(self) -> str:
        return self.title


def snapshot_rule(r: IntegrityRule) -> dict[str, Any]:
    return {
        "unit": r.unit_id,
        "kind": r.kind,
        "title": r.title,
        "effective_on": r.effective_on,
        "file_name": r.file_name,
    }
