"""The services of scoring rule sets (评分规则, R-SCO-01; ADR 0632, 0633).

An industry authority keeps its rules as versions, one line of versions per
authority and industry: a draft (copied from the version it is based on,
by default the one in force), edited item by item, submitted, approved by a
second person (then effective; the previous version is superseded on the
new one's effective date) or rejected and revised. Every write is audited
on the version (``core.writes``); the steps go through ``core.steps.write``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from postaward.core import audit, clock, idempotency, steps, writes
from postaward.core.actor import Actor
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.orgs.choices import Industry, OrgKind
from postaward.orgs.models import Organisation

from . import facts
from .choices import RuleSetState, SubjectKind
from .models import MANUAL, RuleItem, RuleSet
from .rules import DRAFTER_ROLES, effective_rule_set
from .steps_rules import APPROVE, REJECT, REVISE, SUBMIT, current_version, snapshot_rule_set

OPEN_STATES = (RuleSetState.DRAFT, RuleSetState.PENDING)
HEADER_FIELDS = (
    "title",
    "note",
    "effective_from",
    "base_score",
    "objection_days",
    "green_min",
    "blue_min",
    "yellow_min",
    "orange_min",
)
ITEM_FIELDS = (
    "code",
    "description",
    "subject_kind",
    "points",
    "cap_per_project",
    "cap_per_year",
    "trigger",
    "basis_document",
    "basis_article",
    "order",
)
COLOUR_LABELS = (
    ("green_min", "绿码"),
    ("blue_min", "蓝码"),
    ("yellow_min", "黄码"),
    ("orange_min", "橙码"),
)
MAX_POINTS = Decimal("100")


def may_draft(actor: Actor, authority: Organisation) -> bool:
    """The authority's staff, leaders and administrator draft its rules."""
    return authority.kind == OrgKind.INDUSTRY_AUTHORITY and (
        actor.is_system
        or (actor.organisation_id == authority.pk and bool(actor.roles & DRAFTER_ROLES))
    )


def may_edit(rs: RuleSet, actor: Actor) -> bool:
    """Header and items of a draft, by the authority's staff."""
    return rs.state == RuleSetState.DRAFT and may_draft(actor, rs.authority)


def default_title(authority: Organisation, industry: str) -> str:
    return f"{authority.name}{Industry(industry).label}工程综合评分规则"


# --- parsing -------------------------------------------------------------------------------------


def _decimal(value: Any, *, field: str, label: str, required: bool = True) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationFailed(f"请填写{label}", field=field)
        return None
    try:
        out = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationFailed(f"{label}应为数字", field=field) from None
    if not out.is_finite() or abs(out) > Decimal("9999.99"):
        raise ValidationFailed(f"{label}超出范围", field=field)
    if out != out.quantize(Decimal("0.01")):
        raise ValidationFailed(f"{label}最多两位小数", field=field)
    return out.quantize(Decimal("0.01"))


def _date(value: Any, *, field: str, label: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(f"{label}格式不正确（年-月-日）", field=field) from None


def _check_colours(values: dict[str, Decimal], base: Decimal) -> None:
    """Green ≥ blue ≥ yellow ≥ orange, each between 0 and the base score."""
    for name, label in COLOUR_LABELS:
        if values[name] < 0 or values[name] > base:
            raise ValidationFailed(f"{label}最低分应在0至基础分（{base}）之间", field=name)
    for (upper, upper_label), (lower, lower_label) in itertools.pairwise(COLOUR_LABELS):
        if values[upper] < values[lower]:
            raise ValidationFailed(
                f"五色码最低分应依次递减：绿码 ≥ 蓝码 ≥ 黄码 ≥ 橙码（{upper_label}"
                f"{values[upper]}分低于{lower_label}{values[lower]}分）",
                field=lower,
            )


def _clean_header(rs: RuleSet, data: dict[str, Any]) -> dict[str, Any]:
    """The header fields given in ``data``, checked against each other and the
    version's other fields; refused (422) with the field."""
    unknown = set(data) - set(HEADER_FIELDS)
    if unknown:
        raise ValidationFailed(f"不能修改的字段：{'、'.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    if "title" in data:
        out["title"] = writes.text(data["title"], field="title", label="名称", max_len=200)
    if "note" in data:
        out["note"] = (data["note"] or "").strip()[:2000]
    if "effective_from" in data:
        day = _date(data["effective_from"], field="effective_from", label="生效日期")
        if day is not None and day < clock.today():
            raise ValidationFailed("生效日期不能早于今天", field="effective_from")
        out["effective_from"] = day
    if "objection_days" in data:
        try:
            days = int(data["objection_days"])
        except (TypeError, ValueError):
            raise ValidationFailed("异议期应为1至30个工作日", field="objection_days") from None
        if not 1 <= days <= 30:
            raise ValidationFailed("异议期应为1至30个工作日", field="objection_days")
        out["objection_days"] = days
    base = rs.base_score
    if "base_score" in data:
        base = _decimal(data["base_score"], field="base_score", label="基础分") or Decimal(0)
        if not Decimal(0) < base <= Decimal(1000):
            raise ValidationFailed("基础分应大于0且不超过1000", field="base_score")
        out["base_score"] = base
    colours = {name: getattr(rs, name) for name, _ in COLOUR_LABELS}
    for name, label in COLOUR_LABELS:
        if name in data:
            colours[name] = out[name] = _decimal(data[name], field=name, label=f"{label}最低分")
    if "base_score" in data or any(name in data for name, _ in COLOUR_LABELS):
        _check_colours(colours, base)
    return out


def clean_item(
    rs: RuleSet, data: dict[str, Any], *, item: RuleItem | None = None
) -> dict[str, Any]:
    """An item's fields (all of them for a new item, the given ones for an
    edit merged with the item's), checked; refused (422) with the field."""
    unknown = set(data) - set(ITEM_FIELDS)
    if unknown:
        raise ValidationFailed(f"不能修改的字段：{'、'.join(sorted(unknown))}")
    merged = {f: getattr(item, f) for f in ITEM_FIELDS} if item else {}
    merged.update(data)
    out: dict[str, Any] = {}
    code = writes.text(merged.get("code"), field="code", label="编号", max_len=20)
    dup = rs.items.filter(code=code)
    if item is not None:
        dup = dup.exclude(pk=item.pk)
    if dup.exists():
        raise ValidationFailed(f"本版本已有编号为“{code}”的评分项", field="code")
    out["code"] = code
    out["description"] = writes.text(
        merged.get("description"), field="description", label="评分内容"
    )
    kind = merged.get("subject_kind") or ""
    if kind not in SubjectKind.values:
        raise ValidationFailed("请选择评分对象", field="subject_kind")
    out["subject_kind"] = kind
    points = _decimal(merged.get("points"), field="points", label="分值")
    assert points is not None
    if points == 0:
        raise ValidationFailed("分值不能为0（负数为扣分，正数为加分）", field="points")
    if abs(points) > MAX_POINTS:
        raise ValidationFailed("分值应在-100至100之间", field="points")
    out["points"] = points
    for name, label in (("cap_per_project", "单项目累计上限"), ("cap_per_year", "年度累计上限")):
        cap = _decimal(merged.get(name), field=name, label=label, required=False)
        if cap is not None and (cap <= 0 or cap < abs(points)):
            raise ValidationFailed(
                f"{label}应为正数且不小于单次分值的绝对值（{abs(points)}）", field=name
            )
        out[name] = cap
    trigger = (merged.get("trigger") or "").strip()
    if trigger != MANUAL and trigger not in facts.FACTS:
        raise ValidationFailed("请选择触发事实（平台事实或人工录入）", field="trigger")
    out["trigger"] = trigger
    out["basis_document"] = writes.text(
        merged.get("basis_document"), field="basis_document", label="依据文件", max_len=200
    ).strip("《》")
    out["basis_article"] = writes.text(
        merged.get("basis_article"), field="basis_article", label="条款", max_len=100
    )
    try:
        order = int(merged.get("order") or 0)
    except (TypeError, ValueError):
        raise ValidationFailed("排序应为整数", field="order") from None
    out["order"] = max(0, min(order, 32767))
    return out


# --- drafts --------------------------------------------------------------------------------------


def create_draft(
    *,
    actor: Actor,
    authority: Organisation,
    industry: str,
    based_on: RuleSet | None = None,
    idempotency_key: str = "",
) -> RuleSet:
    """A new version (last + 1) of ``authority``'s rules for ``industry``,
    copying the header and items of ``based_on`` (default: the version in
    force today); one open draft or pending version at a time."""
    if not may_draft(actor, authority):
        raise Forbidden("本行业主管部门工作人员方可起草评分规则")
    if industry not in Industry.values:
        raise ValidationFailed("请选择行业", field="industry")
    if based_on is not None and (
        based_on.authority_id != authority.pk or based_on.industry != industry
    ):
        raise ValidationFailed("只能基于本部门同一行业的版本起草", field="based_on")

    def run() -> tuple[int, Any]:
        return 201, _create_draft(actor, authority, industry, based_on).pk

    payload = {
        "authority": authority.pk,
        "industry": industry,
        "based_on": getattr(based_on, "pk", None),
    }
    _, pk, _ = idempotency.run(
        user_id=actor.user_id,
        scope="credit.rule_set.create",
        key=idempotency_key or None,
        payload=payload,
        fn=run,
    )
    return RuleSet.objects.select_related("authority", "based_on").get(pk=pk)


def _create_draft(
    actor: Actor, authority: Organisation, industry: str, based_on: RuleSet | None
) -> RuleSet:
    with transaction.atomic():
        writes.lock(Organisation, authority.pk)  # one new version at a time per authority
        lines = RuleSet.objects.filter(authority=authority, industry=industry)
        if lines.filter(state__in=OPEN_STATES).exists():
            raise Conflict("该行业已有未完成的草稿或待复核版本，请先办理完毕", code="open_draft")
        if based_on is None:  # the line's head: the approved version, even if not yet in force
            based_on = lines.filter(state=RuleSetState.EFFECTIVE).order_by("-version").first()
        if based_on is None:
            based_on = effective_rule_set(authority.pk, industry, clock.today())
        last = lines.order_by("-version").values_list("version", flat=True).first() or 0
        rs = RuleSet(
            authority=authority,
            industry=industry,
            version=last + 1,
            title=based_on.title.replace("（平台默认）", "")
            if based_on
            else default_title(authority, industry),
            state=RuleSetState.DRAFT,
            based_on=based_on,
            drafted_by_id=actor.user_id,
            drafted_at=clock.now(),
        )
        if based_on is not None:
            for name in ("base_score", "objection_days", *(n for n, _ in COLOUR_LABELS)):
                setattr(rs, name, getattr(based_on, name))
        rs.save()
        if based_on is not None:
            RuleItem.objects.bulk_create(
                RuleItem(rule_set=rs, **{f: getattr(i, f) for f in ITEM_FIELDS})
                for i in based_on.items.all()
            )
        writes.created(
            rs,
            actor=actor,
            action="credit.rule_set_drafted",
            snapshot=snapshot_rule_set,
            after={"based_on_version": based_on.version if based_on else None},
        )
    return rs


def _editing(rs: RuleSet, actor: Actor, action: str) -> Any:
    """The audited write on a draft version: locked, then checked."""

    def check(row: RuleSet) -> None:
        if not may_draft(actor, row.authority):
            raise Forbidden("本行业主管部门工作人员方可修改评分规则")
        if row.state != RuleSetState.DRAFT:
            raise Conflict(
                f"评分规则版本当前状态为“{row.get_state_display()}”，只有草稿可以修改",
                code="invalid_state",
            )

    return writes.audited(
        RuleSet.objects.select_related("authority"),
        pk=rs.pk,
        actor=actor,
        action=action,
        check=check,
        snapshot=snapshot_rule_set,
    )


def update_rule_set(*, actor: Actor, rule_set: RuleSet, **data: Any) -> RuleSet:
    """Change header fields of a draft (title, note, effective date, base
    score, objection period, the colour minimums)."""
    with _editing(rule_set, actor, "credit.rule_set_updated") as w:
        changes = _clean_header(w.obj, data)
        if all(getattr(w.obj, k) == v for k, v in changes.items()):
            w.nothing_changed()
            return w.obj  # type: ignore[no-any-return]
        for k, v in changes.items():
            setattr(w.obj, k, v)
    return w.obj  # type: ignore[no-any-return]


def add_item(*, actor: Actor, rule_set: RuleSet, **data: Any) -> RuleItem:
    """Add an item to a draft."""
    with _editing(rule_set, actor, "credit.rule_item_added") as w:
        w.save = False
        fields = clean_item(w.obj, data)
        if "order" not in data:
            fields["order"] = w.obj.items.count() + 1
        item = RuleItem.objects.create(rule_set=w.obj, **fields)
        w.after["item"] = audit.snapshot(item)
    return item


def _item_of(rs: RuleSet, item_id: int) -> RuleItem:
    from postaward.core.errors import NotFound

    item = RuleItem.objects.filter(rule_set_id=rs.pk, pk=item_id).first()
    if item is None:
        raise NotFound("评分项不存在")
    return item


def update_item(*, actor: Actor, rule_set: RuleSet, item_id: int, **data: Any) -> RuleItem:
    """Change an item of a draft."""
    with _editing(rule_set, actor, "credit.rule_item_changed") as w:
        w.save = False
        item = _item_of(w.obj, item_id)
        before = audit.snapshot(item)
        fields = clean_item(w.obj, data, item=item)
        if all(getattr(item, k) == v for k, v in fields.items()):
            w.nothing_changed()
            return item
        for k, v in fields.items():
            setattr(item, k, v)
        item.save()
        w.after["item_before"] = before
        w.after["item"] = audit.snapshot(item)
    return item


def delete_item(*, actor: Actor, rule_set: RuleSet, item_id: int) -> None:
    """Remove an item from a draft."""
    with _editing(rule_set, actor, "credit.rule_item_deleted") as w:
        w.save = False
        item = _item_of(w.obj, item_id)
        w.after["item_deleted"] = audit.snapshot(item)
        item.delete()


# --- the steps' services ---------------------------------------------------------------------------


def submit_rule_set(*, actor: Actor, obj: RuleSet) -> RuleSet:
    """Draft → pending review (at least one item)."""
    with steps.write(SUBMIT, obj, actor) as w:
        w.obj.state = RuleSetState.PENDING
        w.obj.submitted_at = clock.now()
        w.obj.approved_by = None
        w.obj.approved_at = None
    return w.obj  # type: ignore[no-any-return]


def approve_rule_set(*, actor: Actor, obj: RuleSet, opinion: str = "") -> RuleSet:
    """Pending → effective, by a second person; the version in force of the
    same authority and industry ends the day the new one starts."""
    opinion = (opinion or "").strip()[:2000]
    with steps.write(APPROVE, obj, actor) as w:
        rs = w.obj
        rs.effective_from = rs.effective_from or clock.today()
        rs.state = RuleSetState.EFFECTIVE
        rs.approved_by_id = actor.user_id
        rs.approved_at = clock.now()
        rs.review_opinion = opinion
        previous = current_version(rs)
        if previous is not None:
            _supersede(previous, rs, actor)
            w.after["superseded_version"] = previous.version
    return w.obj  # type: ignore[no-any-return]


def _supersede(previous: RuleSet, new: RuleSet, actor: Actor) -> None:
    old = writes.lock(RuleSet, previous.pk)
    before = snapshot_rule_set(old)
    old.effective_to = new.effective_from
    old.state = RuleSetState.SUPERSEDED
    old.save()
    audit.record(
        actor=actor,
        action="credit.rule_set_superseded",
        obj=old,
        before=before,
        after={**snapshot_rule_set(old), "superseded_by_version": new.version},
    )


def reject_rule_set(*, actor: Actor, obj: RuleSet, opinion: str) -> RuleSet:
    """Pending → rejected, with the reviewer's opinion."""
    text = writes.text(opinion, field="opinion", label="不予通过的意见", min_len=2)
    with steps.write(REJECT, obj, actor) as w:
        w.obj.state = RuleSetState.REJECTED
        w.obj.review_opinion = text
        w.obj.approved_by_id = actor.user_id
        w.obj.approved_at = clock.now()
    return w.obj  # type: ignore[no-any-return]


def revise_rule_set(*, actor: Actor, obj: RuleSet) -> RuleSet:
    """Rejected → draft again (the opinion stays on the version until the
    next submission)."""
    with steps.write(REVISE, obj, actor) as w:
        w.obj.state = RuleSetState.DRAFT
        w.obj.submitted_at = None
    return w.obj  # type: ignore[no-any-return]


# --- comparing versions ----------------------------------------------------------------------------


def changes_from_base(rs: RuleSet) -> dict[str, list[Any]]:
    """What changed from the version ``rs`` is based on, by item code: added,
    removed, and changed items with the fields that differ."""
    base = rs.based_on
    if base is None:
        return {"added": list(rs.items.all()), "removed": [], "changed": []}
    old = {i.code: i for i in base.items.all()}
    new = {i.code: i for i in rs.items.all()}
    changed = []
    for code in sorted(set(old) & set(new)):
        diffs = [
            (
                str(getattr(RuleItem._meta.get_field(f), "verbose_name", f)),
                getattr(old[code], f),
                getattr(new[code], f),
            )
            for f in ITEM_FIELDS
            if f not in ("code", "order") and getattr(old[code], f) != getattr(new[code], f)
        ]
        if diffs:
            changed.append((new[code], diffs))
    return {
        "added": [new[c] for c in sorted(set(new) - set(old))],
        "removed": [old[c] for c in sorted(set(old) - set(new))],
        "changed": changed,
    }
