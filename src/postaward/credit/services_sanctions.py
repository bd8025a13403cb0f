"""The sanctions register: recording a measure, revoking it, and the bidding
ban of an enterprise ordered to stop business (SY 40-48, 44; R-SCO-07,
R-SCO-08; ADR 0660)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.urls import reverse

from postaward.core import clock, documents, idempotency, notices, writes
from postaward.core.actor import Actor
from postaward.core.errors import Forbidden, ValidationFailed
from postaward.core.scoping import get_visible_or_404
from postaward.orgs.choices import OrgKind, Role
from postaward.orgs.models import Organisation, Person, User
from postaward.projects.models import Project

from . import rules
from .choices import (
    BARS_BIDDING,
    MEASURES_OF,
    WITH_AMOUNT,
    WITH_PERIOD,
    IssuerKind,
    SanctionKind,
    SanctionState,
)
from .events import SanctionRecorded, SanctionRevoked
from .models import DEPARTMENT_ROLES, OFFICE_ROLES, Sanction, snapshot_sanction

OWNER_ROLES = frozenset({Role.ADMIN, Role.UNIT_LEADER, Role.OWNER_PROJECT_LEADER})


def issuer_kind_of(actor: Actor) -> str:
    """Which measures the actor's unit takes: an owner's by the contract, an
    industry authority's (or the supervision office's) by law; "" for none."""
    if actor.user_id is None:
        return ""
    if actor.org_kind == OrgKind.OWNER and actor.roles & OWNER_ROLES:
        return str(IssuerKind.OWNER)
    if actor.org_kind == OrgKind.INDUSTRY_AUTHORITY and actor.roles & DEPARTMENT_ROLES:
        return str(IssuerKind.AUTHORITY)
    if actor.org_kind == OrgKind.SUPERVISION_OFFICE and actor.roles & OFFICE_ROLES:
        return str(IssuerKind.AUTHORITY)
    return ""


def may_record(actor: Actor) -> bool:
    return bool(issuer_kind_of(actor))


def measures_for(actor: Actor) -> list[tuple[str, str]]:
    """The measures the actor's unit may record, as form choices."""
    kinds = MEASURES_OF.get(issuer_kind_of(actor), ())
    return [(k, SanctionKind(k).label) for k in kinds]


def _date(value: Any, *, field: str, label: str, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise ValidationFailed(f"请填写{label}", field=field)
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(f"{label}格式不正确（应为 YYYY-MM-DD）", field=field) from None


def _amount(value: Any, kind: str) -> Decimal | None:
    if value in (None, ""):
        if kind in WITH_AMOUNT and kind != SanctionKind.ADMINISTRATIVE_PENALTY:
            raise ValidationFailed(f"“{SanctionKind(kind).label}”须填写金额", field="amount_yuan")
        return None
    try:
        out = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed("金额格式不正确", field="amount_yuan") from None
    if not out.is_finite() or out <= 0 or out >= Decimal("1e12"):
        raise ValidationFailed("金额须大于0且不超过万亿元", field="amount_yuan")
    if kind not in WITH_AMOUNT:
        raise ValidationFailed(
            f"“{SanctionKind(kind).label}”不涉及金额，请不要填写", field="amount_yuan"
        )
    return out


def _subject(
    actor: Actor, project: Project | None, org_id: int | None, person_id: int | None
) -> tuple[Organisation | None, Person | None, str]:
    if (org_id is None) == (person_id is None):
        raise ValidationFailed("请选择被处理的单位或人员（二者选一）", field="subject_org_id")
    if org_id is not None:
        org = Organisation.objects.filter(pk=org_id).first()
        if org is None:
            raise ValidationFailed("被处理单位不存在", field="subject_org_id")
        if project is not None and not project.participants.filter(organisation=org).exists():
            raise ValidationFailed(
                f"“{org.name}”不是“{project.name}”的参建单位", field="subject_org_id"
            )
        return org, None, org.name
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise ValidationFailed("被处理人员不存在", field="subject_person_id")
    return None, person, person.name


def _project(actor: Actor, project_id: int | None, issuer_kind: str) -> Project | None:
    if project_id is None:
        if issuer_kind == IssuerKind.OWNER:
            raise ValidationFailed("建设单位的合同措施须选择项目", field="project_id")
        return None
    project: Project = get_visible_or_404(Project.objects, actor, pk=project_id)
    if issuer_kind == IssuerKind.OWNER and project.owner_id != actor.organisation_id:
        raise ValidationFailed("只能对本单位建设的项目作出合同措施", field="project_id")
    return project


def record_sanction(
    *,
    actor: Actor,
    kind: str,
    reason: str,
    basis_document: str,
    basis_article: str,
    decided_on: Any,
    subject_org_id: int | None = None,
    subject_person_id: int | None = None,
    project_id: int | None = None,
    period_from: Any = None,
    period_to: Any = None,
    amount_yuan: Any = None,
    document_number: str = "",
    idempotency_key: str | None = None,
) -> Sanction:
    """Record one measure (R-SCO-08): the owner's contract measures on its own
    projects, the authority's measures by law. 责令停业整顿 needs its period:
    the enterprise may not bid in the district during it (R-SCO-07, SY 44)."""
    issuer_kind = issuer_kind_of(actor)
    if not issuer_kind:
        raise Forbidden("仅建设单位、行业主管部门或监管办可以登记处理措施")
    if kind not in SanctionKind.values:
        raise ValidationFailed("请选择处理措施", field="kind")
    if kind not in MEASURES_OF[issuer_kind]:
        who = IssuerKind(issuer_kind).label
        raise ValidationFailed(
            f"“{SanctionKind(kind).label}”不属于{who}可以作出的措施", field="kind"
        )
    clean = {
        "reason": writes.text(reason, field="reason", label="事实和理由", min_len=5),
        "basis_document": writes.text(
            basis_document, field="basis_document", label="依据文件", max_len=200
        ),
        "basis_article": writes.text(
            basis_article, field="basis_article", label="条款", max_len=100
        ),
        "document_number": (document_number or "").strip()[:100],
    }
    decided = _date(decided_on, field="decided_on", label="作出日期")
    assert decided is not None
    if decided > clock.today():
        raise ValidationFailed("作出日期不能晚于今天", field="decided_on")
    start = _date(period_from, field="period_from", label="期限起始日期", required=False)
    end = _date(period_to, field="period_to", label="期限截止日期", required=False)
    if kind in WITH_PERIOD:
        label = SanctionKind(kind).label
        if subject_org_id is None:
            raise ValidationFailed(f"“{label}”的对象须为企业", field="subject_org_id")
        if start is None or end is None:
            raise ValidationFailed(
                f"“{label}”须填写起止日期（期间禁止参与区内招投标）", field="period_from"
            )
    if start is not None and end is not None and end < start:
        raise ValidationFailed("期限截止日期不能早于起始日期", field="period_to")
    if start is not None and start < decided:
        raise ValidationFailed("期限不能早于作出日期", field="period_from")
    amount = _amount(amount_yuan, kind)
    project = _project(actor, project_id, issuer_kind)
    org, person, name = _subject(actor, project, subject_org_id, subject_person_id)
    payload = {
        "kind": kind,
        "subject_org_id": subject_org_id,
        "subject_person_id": subject_person_id,
        "project_id": project_id,
        "decided_on": decided,
        "period_from": start,
        "period_to": end,
        "amount_yuan": amount,
        **clean,
    }

    def run() -> tuple[int, Any]:
        s = _create(actor, issuer_kind, kind, org, person, name, project, decided, start, end)
        for key, value in clean.items():
            setattr(s, key, value)
        s.amount_yuan = amount
        s.save()
        writes.created(
            s,
            actor=actor,
            action="credit.sanction_recorded",
            snapshot=snapshot_sanction,
            project_id=s.project_id,
        )
        _publish_recorded(s)
        _tell_subject(s, f"处理措施：{s.get_kind_display()}（{s.number}）", s.reason[:200])
        return 201, s.pk

    with transaction.atomic():
        _, pk, _ = idempotency.run(
            user_id=actor.user_id,
            scope="credit.sanction",
            key=idempotency_key,
            payload=payload,
            fn=run,
        )
    return Sanction.objects.get(pk=pk)


def _create(
    actor: Actor,
    issuer_kind: str,
    kind: str,
    org: Organisation | None,
    person: Person | None,
    name: str,
    project: Project | None,
    decided: dt.date,
    start: dt.date | None,
    end: dt.date | None,
) -> Sanction:
    issuer = Organisation.objects.get(pk=actor.organisation_id)
    seq = documents.next_number("credit.sanction", decided.year)
    return Sanction(
        number=f"CLCS{decided.year}{seq:04d}",
        kind=kind,
        issuer_kind=issuer_kind,
        issuer=issuer,
        office=rules.office_of(issuer),
        subject_org=org,
        subject_person=person,
        subject_name=name[:200],
        project=project,
        decided_on=decided,
        period_from=start,
        period_to=end,
        recorded_by_id=actor.user_id,
        recorded_by_name=actor.display_name or actor.username,
        created_at=clock.now(),
    )


def _publish_recorded(s: Sanction) -> None:
    from postaward.core import events

    events.publish(
        SanctionRecorded(
            sanction_id=s.pk,
            number=s.number,
            kind=s.kind,
            issuer_id=s.issuer_id,
            issuer_kind=s.issuer_kind,
            subject_org_id=s.subject_org_id,
            subject_person_id=s.subject_person_id,
            project_id=s.project_id,
            decided_on=s.decided_on.isoformat(),
            period_from=s.period_from.isoformat() if s.period_from else None,
            period_to=s.period_to.isoformat() if s.period_to else None,
        )
    )


def subject_user_ids(s: Sanction) -> list[int]:
    qs = User.objects.filter(is_active=True)
    if s.subject_org_id:
        return list(qs.filter(organisation_id=s.subject_org_id).values_list("pk", flat=True))
    return list(qs.filter(person_id=s.subject_person_id).values_list("pk", flat=True))


def _tell_subject(s: Sanction, title: str, body: str, actor: Any = None) -> None:
    notices.tell(
        subject_user_ids(s),
        key=f"credit:sanction:{s.pk}:{s.state}",
        kind="credit.sanction",
        title=title,
        body=body,
        url=reverse("credit_sanction_detail", args=[s.pk]),
        project=s.project,
        actor=actor,
    )


def revoke_sanction(*, actor: Actor, obj: Sanction, reason: str) -> Sanction:
    """Revoke a measure (set aside on review, entered by mistake): the issuing
    unit or the supervision office; its score is withdrawn with it."""
    text = writes.text(reason, field="reason", label="撤销原因", min_len=4, max_len=500)
    s = _revoke(actor, obj, text)
    _tell_subject(s, f"处理措施已撤销：{s.get_kind_display()}（{s.number}）", text, actor=actor)
    return s


def _revoke(actor: Actor, obj: Sanction, text: str) -> Sanction:
    """The one path of a revocation (the ``revoke`` step, and an upheld credit
    repair of a blacklist entry, ADR 0693): revoked, audited, and
    ``credit.sanction_revoked`` published so its score is withdrawn and the
    annual colour follows."""
    from postaward.core import steps

    from . import steps_sanctions

    with steps.write(steps_sanctions.REVOKE, obj, actor) as w:
        s = w.obj
        s.state = SanctionState.REVOKED
        s.revoked_reason = text
        s.revoked_at = clock.now()
        w.publish(SanctionRevoked(sanction_id=s.pk, number=s.number, reason=text))
    return s  # type: ignore[no-any-return]


# --- the bidding ban (R-SCO-07, SY 44) --------------------------------------------------


def bans_of(org_id: int, on: dt.date) -> list[Sanction]:
    """The measures barring the enterprise ``org_id`` from bidding on ``on``:
    责令停业整顿 (SY 44) and the blacklist (QZ 10) in their period."""
    return bans_of_each([org_id], on).get(org_id, [])


def bans_of_each(org_ids: list[int], on: dt.date) -> dict[int, list[Sanction]]:
    """``bans_of`` for several enterprises in one query (those without a ban
    are absent)."""
    qs = Sanction.objects.filter(
        subject_org_id__in=org_ids,
        kind__in=BARS_BIDDING,
        state=SanctionState.EFFECTIVE,
        period_from__lte=on,
        period_to__gte=on,
    ).select_related("issuer")
    out: dict[int, list[Sanction]] = {}
    for s in qs.order_by("period_to", "pk"):
        out.setdefault(s.subject_org_id, []).append(s)
    return out


def ban_reason(s: Sanction) -> str:
    what = "责令停业整顿" if s.kind == SanctionKind.BUSINESS_SUSPENDED else "列入黑名单"
    return (
        f"{s.issuer.name}于{s.decided_on:%Y年%m月%d日}{what}（{s.number}），"
        f"{s.period_from:%Y-%m-%d} 至 {s.period_to:%Y-%m-%d} 期间禁止参与区内招投标"
    )


def blacklisted(org_id: int, on: dt.date) -> list[Sanction]:
    """The blacklist entries of ``org_id`` in force on ``on`` (the colour is red)."""
    return [s for s in bans_of(org_id, on) if s.kind == SanctionKind.BLACKLISTED]


def may_check_bans(actor: Actor) -> bool:
    """The bidding system (an integration account) and the government units."""
    if actor.is_system:
        return True
    if Role.INTEGRATOR in actor.roles:
        return True
    if actor.org_kind == OrgKind.SUPERVISION_OFFICE and actor.roles & OFFICE_ROLES:
        return True
    return actor.org_kind == OrgKind.INDUSTRY_AUTHORITY and bool(actor.roles & DEPARTMENT_ROLES)


# --- what the annual score and the credit API read (ADR 0660) ------------------------------


def colour_override(subject_key: str, year: int) -> Any:
    """A unit on the blacklist at the end of ``year`` (or today, for the year
    running) is red whatever its score; a unit ordered to stop business is at
    best orange while the order is in force (``annual.COLOUR_OVERRIDES``;
    ADR 0660)."""
    from .annual import ColourOverride

    if not subject_key.startswith("org:"):
        return None
    day = min(clock.today(), dt.date(year, 12, 31))
    found = bans_of(int(subject_key.removeprefix("org:")), day)
    if not found:
        return None
    black = [s for s in found if s.kind == SanctionKind.BLACKLISTED]
    s = (black or found)[0]
    period = f"{s.period_from:%Y-%m-%d} 至 {s.period_to:%Y-%m-%d}"
    if black:
        return ColourOverride("red", f"列入黑名单（{s.number}，{period}），为红码")
    return ColourOverride("orange", f"责令停业整顿期间（{s.number}，{period}），至多为橙码")


def bidding_extras(org: Organisation) -> dict[str, Any]:
    """The blacklist and the bans of the credit API's answer
    (``annual.BIDDING_EXTRAS``): what is in force today."""
    entries = bans_of(org.pk, clock.today())

    def basis(s: Sanction) -> str:
        return f"《{s.basis_document.strip('《》')}》{s.basis_article}"

    black = [s for s in entries if s.kind == SanctionKind.BLACKLISTED]
    return {
        "blacklisted": bool(black),
        "blacklist": [
            {
                "reason": s.reason,
                "basis": basis(s),
                "decided_by": s.issuer.name,
                "start": s.period_from,
                "end": s.period_to,
            }
            for s in black
        ],
        "bans": [
            {
                "kind": "suspension",
                "kind_label": s.get_kind_display(),
                "reason": ban_reason(s),
                "basis": basis(s),
                "issuer": s.issuer.name,
                "start": s.period_from,
                "end": s.period_to,
            }
            for s in entries
            if s.kind == SanctionKind.BUSINESS_SUSPENDED
        ],
    }


# --- credit repair of a blacklist entry (信用修复, ADR 0693; R-SCO-04, R-CAS-04) -------------


def is_sanction_subject(s: Sanction, actor: Actor) -> bool:
    """The accounts of the unit (or the person) the measure is about."""
    if actor.user_id is None:
        return False
    if s.subject_org_id and actor.organisation_id == s.subject_org_id:
        return True
    return bool(s.subject_person_id and actor.person_id == s.subject_person_id)


def is_sanction_office(s: Sanction, actor: Actor) -> bool:
    return actor.is_system or (
        actor.organisation_id == s.office_id and bool(actor.roles & OFFICE_ROLES)
    )


def refusal_to_repair(s: Sanction, actor: Actor) -> str:
    """Why ``actor`` may not ask for the repair of ``s`` ("" = may): the
    subject (or the office on its behalf), a blacklist entry in force, no
    request open."""
    from .choices import OPEN_REQUEST_STATES

    if not (is_sanction_subject(s, actor) or is_sanction_office(s, actor)):
        return "仅被列入黑名单的单位或监管办工作人员（代为登记）可以申请信用修复"
    if s.kind != SanctionKind.BLACKLISTED:
        return f"“{s.get_kind_display()}”不适用信用修复，仅黑名单可以申请提前移出"
    if s.state != SanctionState.EFFECTIVE:
        return f"该黑名单当前状态为“{s.get_state_display()}”，不能申请信用修复"
    if s.period_to is not None and clock.today() > s.period_to:
        return f"该黑名单期限已于{s.period_to:%Y年%m月%d日}届满，无需信用修复"
    if s.requests.filter(state__in=OPEN_REQUEST_STATES).exists():
        return "该黑名单已有正在办理的信用修复申请"
    return ""


def may_repair(s: Sanction, actor: Actor) -> bool:
    return not refusal_to_repair(s, actor)


def file_sanction_repair(
    *,
    actor: Actor,
    sanction: Sanction,
    reason: str,
    evidence: Any = None,
    idempotency_key: str = "",
) -> Any:
    """The blacklisted unit (or the office on its behalf) asks for the early
    removal of its blacklist entry with its account of the rectification and,
    optionally, a proof file (``core.files``): the issuer's to-do and the
    15-working-day clock open; the entry stays in force until the office
    decides (ADR 0693)."""
    from .services import file_repair_with_proof

    return file_repair_with_proof(
        actor=actor,
        scope=f"credit.sanction_repair.{sanction.pk}",
        reason=reason,
        evidence=evidence,
        idempotency_key=idempotency_key,
        file=lambda text, checked: _file_repair(actor, sanction, text, checked),
    )


def _file_repair(actor: Actor, sanction: Sanction, reason: str, checked: Any) -> Any:
    from postaward.core import deadlines, files, todos
    from postaward.core.errors import Conflict

    from .choices import RequestKind
    from .deadline_kinds import CLOCKS
    from .models import CreditRequest, snapshot_request

    if actor.user_id is None:
        raise Forbidden("请先登录")
    with writes.audited(
        Sanction.objects.select_related("issuer"),
        pk=sanction.pk,
        actor=actor,
        action="credit.sanction_repair_filed",
        snapshot=snapshot_sanction,
    ) as w:
        s = w.obj
        why = refusal_to_repair(s, actor)
        if why:
            mine = is_sanction_subject(s, actor) or is_sanction_office(s, actor)
            raise Conflict(why) if mine else Forbidden(why)
        q = CreditRequest(
            sanction=s,
            kind=RequestKind.REPAIR,
            reason=reason,
            on_behalf=not is_sanction_subject(s, actor),
            filed_by_id=actor.user_id,
            filed_by_name=actor.display_name or actor.username,
            filed_at=clock.now(),
        )
        if checked is not None:
            files.save(q.evidence, checked)
            q.evidence_name = checked.name[:200]
        q.save()
        w.save = False  # the entry itself does not change until the decision
        w.after["request"] = snapshot_request(q)
        dk, length, unit, reminder = CLOCKS[RequestKind.REPAIR]
        info = deadlines.kind_of(dk)
        d = deadlines.open_deadline(
            kind=dk,
            subject=q,
            length=length,
            unit=unit,
            basis=info.basis if info else "",
            organisation_id=s.office_id,
            project_id=s.project_id,
            reminder_after=reminder,
        )
        todos.open_for(
            key=f"credit:{q.pk}:opinion",
            kind="credit.opinion",
            title=f"待核查黑名单信用修复：{s.subject_name}（{s.number}）",
            organisation_id=s.issuer_id,
            project_id=s.project_id,
            subject=q,
            url=reverse("credit_sanction_detail", args=[s.pk]),
            due_at=d.due_at,
            basis=d.basis,
        )
    return q


def uphold_repair(*, actor: Actor, obj: Any, decision: str) -> Any:
    """The office upholds the repair: the blacklist entry is removed before
    the end of its period through the revocation's own path (revoked,
    ``信用修复：…``, ``credit.sanction_revoked`` published), audited."""
    from postaward.core import steps

    from . import services
    from .choices import RequestState
    from .steps import UPHOLD

    with steps.write(UPHOLD, obj, actor) as w:
        q = w.obj
        q.state = RequestState.UPHELD
        services._decided(q, actor, decision)
        s = _revoke(actor, q.sanction, f"信用修复：{decision}"[:500])
    _repair_closed(q, s, actor, "已采纳，已提前移出黑名单")
    return q


def reject_repair(*, actor: Actor, obj: Any, decision: str) -> Any:
    """The office does not uphold the repair: the entry stays in force."""
    from postaward.core import steps

    from . import services
    from .choices import RequestState
    from .steps import REJECT

    with steps.write(REJECT, obj, actor) as w:
        q = w.obj
        q.state = RequestState.REJECTED
        services._decided(q, actor, decision)
    _repair_closed(q, q.sanction, actor, "未采纳")
    return q


def _repair_closed(q: Any, s: Sanction, actor: Actor, outcome: str) -> None:
    from postaward.core import deadlines, todos

    from .choices import RequestKind
    from .deadline_kinds import CLOCKS

    deadlines.close_deadline(kind=CLOCKS[RequestKind.REPAIR][0], subject=q)
    todos.close_for(subject=q)
    notices.tell(
        subject_user_ids(s),
        key=f"credit:{q.pk}:decided",
        kind="credit.sanction",
        title=f"您的黑名单信用修复申请{outcome}（{s.number}）",
        body=q.decision,
        url=reverse("credit_sanction_detail", args=[s.pk]),
        project=s.project,
        actor=actor,
    )
