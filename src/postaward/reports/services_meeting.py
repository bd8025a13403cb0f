"""The monthly data meeting (智慧监管数据会商, HC 四(三); R-REP-03, ADR 0905).

The office generates the month's pack (``generate``: the indicators of
``meeting_data.compute`` for its district, the matters it proposes for
decision, its Word and PDF through the document service); while nothing is
decided it may generate it again (a corrected version of the same
document). At the meeting the office records each decision (the step
``decide``: a named unit of the district, what to do, by when; it becomes
that unit's to-do) and finally closes the pack (the step ``close``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from postaward.core import clock, idempotency, todos, writes
from postaward.core.actor import Actor
from postaward.core.errors import Forbidden, NotFound, ValidationFailed
from postaward.orgs.choices import OrgKind, Role
from postaward.orgs.models import Organisation

from . import documents_meeting, meeting_data
from .choices import MeetingState
from .models import MeetingDecision, MeetingPack, snapshot_meeting

ROLES = frozenset({Role.OFFICE_STAFF, Role.UNIT_LEADER})
READ_ROLES = ROLES | {Role.ADMIN}
DENIED = "数据会商材料仅限监管办查看"
WRITE_DENIED = "仅监管办工作人员和领导可以生成数据会商材料"
TODO_KIND = "reports.meeting_decision"
MAX_PROPOSAL_ROWS = 10


def may_read(actor: Actor) -> bool:
    """The supervision office's accounts: its staff, leaders and its
    administrator (who reads but does not write; ADR 0905)."""
    return (
        actor.user_id is not None
        and actor.org_kind == OrgKind.SUPERVISION_OFFICE
        and bool(actor.org_path)
        and bool(actor.roles & READ_ROLES)
    )


def may_use(actor: Actor) -> bool:
    """Who generates packs and records decisions: the office's staff and leaders."""
    return may_read(actor) and bool(actor.roles & ROLES)


def own_office(actor: Actor, pack: MeetingPack) -> bool:
    return actor.is_system or (may_use(actor) and actor.organisation_id == pack.office_id)


def _month(year: Any, month: Any) -> tuple[int, int]:
    try:
        y, m = int(year), int(month)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed("月份不正确", field="month") from exc
    today = clock.today()
    if not (1 <= m <= 12) or not (y >= 2000) or (y, m) > (today.year, today.month):
        raise ValidationFailed("月份不正确（不能晚于本月）", field="month")
    return y, m


# --- the matters proposed -----------------------------------------------------------------------


def proposals(office: Organisation, year: int, month: int) -> list[dict[str, Any]]:
    """What the pack proposes for decision, as the data stand now: red alerts
    past their disposal clock, complaints past their handling clock, monthly
    reports of the month missed or late, accountability clues not yet
    verified; one item per responsible unit."""
    from django.db.models import Count, F, Q

    from postaward.accountability.choices import ClueState
    from postaward.accountability.models import Clue
    from postaward.alerts.choices import OPEN_STATES as ALERT_OPEN
    from postaward.alerts.choices import Severity
    from postaward.alerts.models import Alert
    from postaward.complaints.choices import OPEN_STATES as COMPLAINT_OPEN
    from postaward.complaints.models import Complaint

    from .models import MonthlyReport
    from .services_monthly import reader_for

    reader = reader_for(office)
    now = clock.now()
    today = clock.today()
    out: list[dict[str, Any]] = []

    def add(key: str, rows: Any, what: str, action: str) -> None:
        for r in list(rows)[:MAX_PROPOSAL_ROWS]:
            unit = r.get("uid") or office.pk
            name = r.get("uname") or office.name
            out.append(
                {
                    "key": f"{key}:{unit}",
                    "kind": key,
                    "unit_id": unit,
                    "unit": name,
                    "count": r["n"],
                    "title": f"{name}：{what}{r['n']}件，{action}",
                }
            )

    red = (
        Alert.objects.visible_to(reader)
        .filter(severity=Severity.RED, state__in=ALERT_OPEN)
        .filter(Q(disposal_deadline__due_at__lt=now) | Q(disposal_deadline__state="missed"))
        .values(uid=F("handling_org_id"))
        .annotate(n=Count("pk"), uname=F("handling_org__name"))
        .order_by("-n", "uid")
    )
    add("red_alerts", red, "红色预警超期未处置", "请限期处置并报告")
    late = (
        Complaint.objects.visible_to(reader)
        .filter(state__in=COMPLAINT_OPEN, handling_due__lt=today)
        .values(uid=F("handling_org_id"))
        .annotate(n=Count("pk"), uname=F("handling_org__name"))
        .order_by("-n", "uid")
    )
    add("late_complaints", late, "信访举报超过办理时限", "请限期办结并答复")
    missed = (
        MonthlyReport.objects.filter(office=office, year=year, month=month, summary=False)
        .filter(Q(state="submitted", late=True) | (~Q(state="submitted") & Q(due_on__lt=today)))
        .values(uid=F("department_id"))
        .annotate(n=Count("pk"), uname=F("department__name"))
        .order_by("-n", "uid")
    )
    add("monthly_reports", missed, "月度报告逾期或未报送", "请说明原因并按期报送")
    clues = (
        Clue.objects.visible_to(reader)
        .filter(state=ClueState.REGISTERED)
        .values(uid=F("unit_id"))
        .annotate(n=Count("pk"), uname=F("unit__name"))
        .order_by("-n", "uid")
    )
    add("open_clues", clues, "问责线索待核实", "请加快核实")
    return out


# --- generating ---------------------------------------------------------------------------------


def data_of(office: Organisation, year: int, month: int) -> meeting_data.MeetingData:
    from .services_monthly import reader_for

    return meeting_data.compute(reader_for(office), year, month)


def as_json(data: meeting_data.MeetingData) -> dict[str, Any]:
    """The numbers as stored on the pack (and answered by the API)."""

    def c(x: meeting_data.Compared) -> dict[str, Any]:
        return {
            "value": x.value,
            "prev": x.prev,
            "last_year": x.last_year,
            "mom": x.mom,
            "yoy": x.yoy,
        }

    return {
        "under_way": data.projects_under_way,
        "indicators": [
            {
                "key": i.key,
                "label": i.label,
                "unit": i.unit,
                "group": i.group,
                "total": c(i.total),
                "by_industry": [[n, c(x)] for n, x in i.by_industry],
                "by_unit": [[n, c(x)] for n, x in i.by_unit],
            }
            for i in data.indicators
        ],
        "alert_ages": [[n, c(x)] for n, x in data.alert_ages],
    }


def generate(
    *, actor: Actor, year: Any, month: Any, idempotency_key: str | None = None
) -> MeetingPack:
    """Generate (or, while nothing is decided, regenerate) the office's pack
    for a month: numbers, proposals, Word and PDF (synchronously)."""
    if not may_use(actor):
        raise Forbidden(WRITE_DENIED)
    y, m = _month(year, month)
    office = Organisation.objects.filter(pk=actor.organisation_id).first()
    if office is None:
        raise NotFound()
    payload = {"year": y, "month": m}

    def run() -> tuple[int, Any]:
        pack = MeetingPack.objects.filter(office=office, year=y, month=m).first()
        if pack is not None and pack.state != MeetingState.GENERATED:
            raise ValidationFailed("本月已会商，材料不能重新生成", field="month")
        data = data_of(office, y, m)
        if pack is None:
            pack = MeetingPack(office=office, year=y, month=m)
            _fill(pack, office, data, actor)
            pack.save()
            pack.document = documents_meeting.issue(pack, data, actor=actor)
            pack.save(update_fields=["document"])
            writes.created(
                pack, actor=actor, action="reports.meeting_generated", snapshot=snapshot_meeting
            )
            return 201, pack.pk
        with writes.audited(
            MeetingPack.objects.select_related("office", "document"),
            pk=pack.pk,
            actor=actor,
            action="reports.meeting_regenerated",
            snapshot=snapshot_meeting,
        ) as w:
            _fill(w.obj, office, data, actor)
            w.obj.document = documents_meeting.issue(w.obj, data, actor=actor)
        return 200, pack.pk

    with transaction.atomic():
        _, pk, _ = idempotency.run(
            user_id=actor.user_id,
            scope="reports.meeting_pack",
            key=idempotency_key,
            payload=payload,
            fn=run,
        )
    return MeetingPack.objects.select_related("office", "document").get(pk=pk)


def _fill(pack: MeetingPack, office: Organisation, data: Any, actor: Actor) -> None:
    pack.data = as_json(data)
    pack.proposals = proposals(office, pack.year, pack.month)
    pack.generated_at = clock.now()
    pack.generated_by_name = actor.display_name or actor.username


# --- the meeting's decisions --------------------------------------------------------------------


def district_units(pack: MeetingPack) -> Any:
    """The units a decision may name: the district's public bodies."""
    from postaward.orgs.choices import ENTERPRISE_KINDS

    return (
        Organisation.objects.filter(path__startswith=pack.office.district_path, is_active=True)
        .exclude(kind__in=ENTERPRISE_KINDS)
        .order_by("path")
    )


def decide(
    *,
    actor: Actor,
    obj: MeetingPack,
    text: str,
    unit_id: Any,
    due_on: Any,
    proposal: str = "",
) -> MeetingPack:
    """议定事项 (the ``decide`` step): a named unit, what to do and by when;
    opens that unit's to-do."""
    from postaward.core import steps

    from .steps_meeting import DECIDE

    body = writes.text(text, field="text", label="议定事项", min_len=4, max_len=2000)
    try:
        unit = district_units(obj).filter(pk=int(unit_id)).first()
    except (TypeError, ValueError):
        unit = None
    if unit is None:
        raise ValidationFailed("请选择本区的责任单位", field="unit_id")
    if isinstance(due_on, str):
        try:
            due_on = dt.date.fromisoformat(due_on.strip())
        except ValueError as exc:
            raise ValidationFailed("完成期限不是有效日期", field="due_on") from exc
    if not isinstance(due_on, dt.date) or due_on < clock.today():
        raise ValidationFailed("完成期限不能早于今天", field="due_on")
    if due_on > clock.today() + dt.timedelta(days=366):
        raise ValidationFailed("完成期限不能晚于一年以后", field="due_on")
    known = {p["key"] for p in obj.proposals or []}
    proposal = (proposal or "").strip()
    if proposal and proposal not in known:
        raise ValidationFailed("没有该建议事项", field="proposal")
    with steps.write(DECIDE, obj, actor) as w:
        d = MeetingDecision.objects.create(
            pack=w.obj,
            proposal=proposal,
            text=body,
            unit=unit,
            due_on=due_on,
            recorded_by_name=actor.display_name or actor.username,
        )
        d.todo_key = f"{TODO_KIND}:{d.pk}"
        d.save(update_fields=["todo_key"])
        todos.open_for(
            key=d.todo_key,
            kind=TODO_KIND,
            title=f"数据会商议定事项（{w.obj.year}年{w.obj.month}月）：{body[:80]}",
            organisation_id=unit.pk,
            subject=d,
            due_at=clock.end_of_day(due_on),
            basis="R-REP-03",
            detail=body,
        )
        w.obj.state = MeetingState.HELD
        if w.obj.held_on is None:
            w.obj.held_on = clock.today()
    return w.obj  # type: ignore[no-any-return]


def close(*, actor: Actor, obj: MeetingPack) -> MeetingPack:
    """结束会商 (the ``close`` step): no more decisions are recorded."""
    from postaward.core import steps

    from .steps_meeting import CLOSE

    with steps.write(CLOSE, obj, actor) as w:
        w.obj.state = MeetingState.CLOSED
        w.obj.closed_at = clock.now()
    return w.obj  # type: ignore[no-any-return]
