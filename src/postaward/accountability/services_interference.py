"""The interference register (R-ACT-06; QZ 11, 12; YJ 二(五)): recording an
intervention (staff of owners, agents, authorities; the public anonymously),
additions instead of edits, the routing to the office and discipline
inspection, the referral to discipline inspection (``accountability.referred``,
ADR 0820) and the accountability clue raised from a record.

The reporter's identity is sealed (``identity_interference``) and appears in no
list, export, API answer, event, notice or audit snapshot (R-CMP-04)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse

from postaward.core import (
    audit,
    clock,
    crypto,
    documents,
    files,
    idempotency,
    notices,
    todos,
    writes,
)
from postaward.core.actor import Actor
from postaward.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from postaward.core.scoping import get_visible_or_404
from postaward.orgs.choices import ENTERPRISE_KINDS, OrgKind, Role
from postaward.orgs.models import Organisation, User
from postaward.projects.models import Project

from . import identity_interference as identity
from .choices_interference import (
    AdditionBy,
    Channel,
    InterferenceKind,
    IntervenerKind,
    RecordState,
    Stage,
)
from .events import AccountabilityReferred
from .models import (
    InterferenceAddition,
    InterferenceRecord,
    snapshot_addition,
    snapshot_record,
)
from .models.clues import DISCIPLINE_ROLES, OFFICE_ROLES
from .models.interference import GENESIS

NUMBER_PREFIX = "GYDJ"
QUERY_CODE_LENGTH = 8
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PUBLIC_PER_HOUR = 5
PUBLIC_PER_DAY = 20
ADDITIONS_PER_HOUR = 10
TODO_KIND = "accountability.interference"
AUTO_BY = "平台（登记即移送）"
BASIS = "R-ACT-06"


@dataclass
class Report:
    """What the reporter gives (the content, fixed once submitted)."""

    intervener_kind: str
    intervener_name: str
    occurred_on: Any
    kind: str
    stage: str
    request_text: str
    intervener_post: str = ""
    intervener_unit: str = ""
    concerns_officials: bool = False
    kind_other: str = ""
    project_id: int | None = None
    project_text: str = ""
    evidence_note: str = ""


@dataclass
class Filed:
    record: InterferenceRecord
    query_code: str = ""  # the public's: shown once, only its digest kept
    replayed: bool = False


def may_record(actor: Actor) -> bool:
    """Staff of owners, agents and government units (any logged-in account of one)."""
    if actor.user_id is None or actor.organisation_id is None or not actor.roles:
        return False
    if Role.PUBLIC_USER in actor.roles and len(actor.roles) == 1:
        return False
    return actor.org_kind not in ENTERPRISE_KINDS or actor.org_kind == OrgKind.TENDER_AGENT


def may_handle(actor: Actor, r: InterferenceRecord) -> bool:
    """The supervision office of the record (its staff, leaders, administrator)."""
    return (
        actor.org_kind == OrgKind.SUPERVISION_OFFICE
        and actor.organisation_id == r.office_id
        and bool(actor.roles & OFFICE_ROLES)
    )


def is_discipline(actor: Actor, r: InterferenceRecord) -> bool:
    return (
        actor.org_kind == OrgKind.DISCIPLINE
        and bool(actor.roles & DISCIPLINE_ROLES)
        and r.office.path.startswith(actor.district_path)
        and bool(actor.district_path)
    )


def may_add(actor: Actor, r: InterferenceRecord) -> bool:
    """The account that recorded it, or the office handling it."""
    return actor.user_id is not None and (
        r.reporter_user_id == actor.user_id or may_handle(actor, r)
    )


# --- checks -----------------------------------------------------------------------------------


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or ""))
    except ValueError:
        raise ValidationFailed("请填写干预日期（格式：年-月-日）", field="occurred_on") from None


def check_report(actor: Actor, rep: Report) -> tuple[Report, Project | None]:
    """Every field checked at once: one 422 with an error per field; the
    cleaned report and the project."""
    errors: list[dict[str, str]] = []

    def run(fn: Any) -> Any:
        try:
            return fn()
        except ValidationFailed as exc:
            errors.extend(exc.errors)
            return None

    def choice(value: str, choices: Any, field: str, label: str) -> str:
        if value not in choices.values:
            raise ValidationFailed(f"请选择{label}", field=field)
        return value

    run(lambda: choice(rep.intervener_kind, IntervenerKind, "intervener_kind", "干预主体"))
    run(lambda: choice(rep.kind, InterferenceKind, "kind", "干预方式"))
    run(lambda: choice(rep.stage, Stage, "stage", "干预环节"))
    name = run(
        lambda: writes.text(
            rep.intervener_name, field="intervener_name", label="干预人姓名或部门名称", max_len=100
        )
    )
    request_text = run(
        lambda: writes.text(
            rep.request_text, field="request_text", label="干预内容", min_len=5, max_len=2000
        )
    )
    day = run(lambda: _date(rep.occurred_on))
    if day is not None and day > clock.today():
        errors.append({"field": "occurred_on", "message": "干预日期不能晚于今天"})
    if rep.kind == InterferenceKind.OTHER and not (rep.kind_other or "").strip():
        errors.append({"field": "kind_other", "message": "干预方式为“其他”的，请说明具体方式"})
    for field, label, limit in (
        ("intervener_post", "职务", 100),
        ("intervener_unit", "所在单位", 200),
        ("kind_other", "其他方式说明", 100),
        ("project_text", "项目", 200),
        ("evidence_note", "证据说明", 2000),
    ):
        if len((getattr(rep, field) or "").strip()) > limit:
            errors.append({"field": field, "message": f"{label}过长（最多 {limit} 个字）"})
    project = None
    if rep.project_id is not None:
        project = Project.objects.filter(pk=rep.project_id).first()
        if project is None:
            errors.append({"field": "project_id", "message": "所选项目不存在"})
    if errors:
        raise ValidationFailed(errors[0]["message"], field=errors[0]["field"], errors=errors)
    clean = Report(
        intervener_kind=rep.intervener_kind,
        intervener_name=name,
        occurred_on=day,
        kind=rep.kind,
        stage=rep.stage,
        request_text=request_text,
        intervener_post=(rep.intervener_post or "").strip(),
        intervener_unit=(rep.intervener_unit or "").strip(),
        concerns_officials=bool(rep.concerns_officials),
        kind_other=(rep.kind_other or "").strip() if rep.kind == InterferenceKind.OTHER else "",
        project_id=project.pk if project else None,
        project_text="" if project else (rep.project_text or "").strip(),
        evidence_note=(rep.evidence_note or "").strip(),
    )
    return clean, project


def _payload(rep: Report) -> dict[str, Any]:
    return {k: getattr(rep, k) for k in Report.__dataclass_fields__}


def content_digest(prev: str, content: dict[str, Any]) -> str:
    """One link of a record's chain: SM3 of the previous digest and the content."""
    return crypto.sm3_hex(prev + audit.canonical_json(content))


def _record_content(r: InterferenceRecord) -> dict[str, Any]:
    return {
        "number": r.number,
        "intervener": [r.intervener_kind, r.intervener_name, r.intervener_post, r.intervener_unit],
        "concerns_officials": r.concerns_officials,
        "occurred_on": r.occurred_on,
        "how": [r.kind, r.kind_other, r.stage],
        "project": [r.project_id, r.project_text],
        "request_text": r.request_text,
        "evidence": [r.evidence_note, r.evidence_file_name],
        "submitted_at": r.submitted_at,
    }


def _addition_content(a: InterferenceAddition) -> dict[str, Any]:
    return {
        "record": a.record.number,
        "seq": a.seq,
        "by": a.by,
        "text": a.text,
        "evidence": a.evidence_file_name,
        "added_at": a.added_at,
    }


def verify_chain(r: InterferenceRecord) -> bool:
    """The record and its additions are as they were chained."""
    if content_digest(GENESIS, _record_content(r)) != r.digest:
        return False
    prev = r.digest
    for a in r.additions.order_by("seq"):
        if a.prev_digest != prev or content_digest(prev, _addition_content(a)) != a.digest:
            return False
        prev = a.digest
    return True


# --- where it goes ----------------------------------------------------------------------------


def office_for(unit: Organisation | None, project: Project | None) -> Organisation:
    """The district's supervision office: of the reporter's unit, else of the
    project's owner, else the installation's first."""
    offices = Organisation.objects.filter(kind=OrgKind.SUPERVISION_OFFICE, parent__isnull=True)
    for org in (unit, project.owner if project else None):
        if org is not None:
            found = offices.filter(path=org.path.split("/", 1)[0] + "/").first()
            if found is not None:
                return found
    office = offices.order_by("pk").first()
    if office is None:
        raise Conflict("平台尚未设置监管办，暂不能登记", code="no_office")
    return office


def discipline_of(office: Organisation) -> Organisation | None:
    """The district's discipline inspection (纪委监委)."""
    return (
        Organisation.objects.filter(kind=OrgKind.DISCIPLINE, path__startswith=office.path)
        .order_by("pk")
        .first()
    )


def detail_url(r: InterferenceRecord) -> str:
    return reverse("accountability_interference_detail", args=[r.pk])


def _route(r: InterferenceRecord) -> None:
    """To-dos and notices to the office and discipline inspection: the number,
    the intervener and the project; never the reporter."""
    title = f"插手干预登记 {r.number}：{r.intervener_name}（{r.get_stage_display()}）"
    url = detail_url(r)
    todos.open_for(
        key=f"accountability:interference:{r.pk}:office",
        kind=TODO_KIND,
        title=f"{title}，请阅处",
        organisation_id=r.office_id,
        role=Role.OFFICE_STAFF,
        project_id=r.project_id,
        subject=r,
        url=url,
        basis=BASIS,
    )
    discipline = discipline_of(r.office)
    users = list(
        User.objects.filter(
            is_active=True,
            organisation_id=r.office_id,
            role_grants__role__in=[Role.OFFICE_STAFF, Role.UNIT_LEADER],
        ).values_list("pk", flat=True)
    )
    if discipline is not None:
        todos.open_for(
            key=f"accountability:interference:{r.pk}:discipline",
            kind=TODO_KIND,
            title=f"{title}，请阅知",
            organisation_id=discipline.pk,
            role=Role.DISCIPLINE_INSPECTOR,
            project_id=r.project_id,
            subject=r,
            url=url,
            basis=BASIS,
        )
        users += list(
            User.objects.filter(
                is_active=True,
                organisation_id=discipline.pk,
                role_grants__role__in=[Role.DISCIPLINE_INSPECTOR, Role.UNIT_LEADER],
            ).values_list("pk", flat=True)
        )
    notices.tell(
        users,
        key=f"accountability:interference:{r.pk}",
        kind=TODO_KIND,
        title=title,
        body=f"干预方式：{r.kind_text}；项目：{r.project_label}",
        url=url,
        project=r.project,
    )


# --- recording --------------------------------------------------------------------------------


def _new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def code_digest(number: str, code: str) -> str:
    return crypto.hmac_sm3_hex(crypto.field_key(), f"interference:{number}:{code.upper()}")


def _store(
    actor: Actor,
    rep: Report,
    project: Project | None,
    office: Organisation,
    channel: str,
    evidence: files.CheckedUpload | None,
    reporter: dict[str, str],
    source: str = "",
    key_digest: str = "",
) -> Filed:
    now = clock.now()
    year = clock.local_date(now).year
    number = (
        f"{NUMBER_PREFIX}{year}{documents.next_number('accountability.interference', year):04d}"
    )
    code = _new_code() if channel == Channel.PUBLIC else ""
    r = InterferenceRecord(
        number=number,
        office=office,
        intervener_kind=rep.intervener_kind,
        intervener_name=rep.intervener_name,
        intervener_post=rep.intervener_post,
        intervener_unit=rep.intervener_unit,
        concerns_officials=rep.concerns_officials,
        occurred_on=rep.occurred_on,
        kind=rep.kind,
        kind_other=rep.kind_other,
        stage=rep.stage,
        project=project,
        project_text=rep.project_text,
        request_text=rep.request_text,
        evidence_note=rep.evidence_note,
        channel=channel,
        reporter_user_id=actor.user_id if channel == Channel.STAFF else None,
        reporter_name_enc=identity.seal(number, "name", reporter.get("name", "")),
        reporter_unit_enc=identity.seal(number, "unit", reporter.get("unit", "")),
        reporter_contact_enc=identity.seal(number, "contact", reporter.get("contact", "")),
        query_code_hash=code_digest(number, code) if code else "",
        source_hash=source,
        idempotency_digest=key_digest,
        submitted_at=now,
    )
    if evidence is not None:
        files.save(r.evidence_file, evidence)
        r.evidence_file_name = evidence.name[:200]
    r.digest = content_digest(GENESIS, _record_content(r))
    r.save()
    writes.created(
        r,
        actor=actor,
        action="accountability.interference_recorded",
        snapshot=snapshot_record,
        project_id=r.project_id,
    )
    _route(r)
    if r.concerns_officials:
        _refer_on_submission(r)
    return Filed(r, code)


def _checked(evidence: Any) -> files.CheckedUpload | None:
    if not evidence:
        return None
    return files.check_upload(evidence, field="evidence", allowed=files.DOCUMENTS)


def record(
    *,
    actor: Actor,
    report: Report,
    evidence: Any = None,
    idempotency_key: str | None = None,
) -> InterferenceRecord:
    """Record an intervention (staff of owners, agents, authorities): numbered,
    chained, audited, routed to the office and discipline inspection; referred
    at once when it concerns party members or public officials (ADR 0820)."""
    if not may_record(actor):
        raise Forbidden("仅建设单位、招标代理机构和政府部门的工作人员可以登记插手干预情况")
    rep, project = check_report(actor, report)
    checked = _checked(evidence)
    unit = Organisation.objects.filter(pk=actor.organisation_id).first()
    office = office_for(unit, project)
    payload = {**_payload(rep), "evidence": checked.sha256 if checked else ""}
    reporter = {"name": actor.display_name or actor.username, "unit": actor.org_name}

    def run() -> tuple[int, Any]:
        filed = _store(actor, rep, project, office, Channel.STAFF, checked, reporter)
        return 201, filed.record.pk

    with transaction.atomic():
        _, pk, _ = idempotency.run(
            user_id=actor.user_id,
            scope="accountability.interference",
            key=idempotency_key,
            payload=payload,
            fn=run,
        )
    return InterferenceRecord.objects.get(pk=pk)


def _check_public_limits(source: str) -> None:
    from postaward.complaints.limits import TooMany

    if not source:
        return
    now = clock.now()
    mine = InterferenceRecord.objects.filter(
        source_hash=source, submitted_at__gte=now - dt.timedelta(days=1)
    )
    if (
        mine.filter(submitted_at__gte=now - dt.timedelta(hours=1)).count() >= PUBLIC_PER_HOUR
        or mine.count() >= PUBLIC_PER_DAY
    ):
        raise TooMany("提交过于频繁，请稍后再试；如情况紧急请拨打监管办电话")


def record_public(
    *,
    actor: Actor,
    report: Report,
    evidence: Any = None,
    contact: str = "",
    source: str = "",
    idempotency_key: str = "",
) -> Filed:
    """A member of the public records an intervention from the public site,
    anonymously (a contact is optional and sealed): the number and a query
    code, shown once, let them follow it up and add to it without an account.
    The same idempotency key from the same address is the same filing (a new
    query code: the first answer may have been lost)."""
    rep, project = check_report(actor, report)
    if len((contact or "").strip()) > 200:
        raise ValidationFailed("联系方式过长（最多 200 个字）", field="contact")
    checked = _checked(evidence)
    key = (idempotency_key or "").strip()[:100]
    key_digest = crypto.sm3_hex(f"interference|{key}|{source}") if key else ""
    with transaction.atomic():
        if key_digest:
            earlier = InterferenceRecord.objects.filter(idempotency_digest=key_digest).first()
            if earlier is not None:
                code = _new_code()
                InterferenceRecord.objects.filter(pk=earlier.pk).update(
                    query_code_hash=code_digest(earlier.number, code)
                )
                audit.record(
                    actor=actor, action="accountability.interference_repeated", obj=earlier
                )
                return Filed(earlier, code, replayed=True)
        _check_public_limits(source)
        office = office_for(None, project)
        return _store(
            actor,
            rep,
            project,
            office,
            Channel.PUBLIC,
            checked,
            {"contact": (contact or "").strip()},
            source=source,
            key_digest=key_digest,
        )


def track(*, number: str, code: str, source: str) -> InterferenceRecord:
    """The public follow-up: number + query code (constant-time compare; the
    failed tries per address limited with the complaints' window)."""
    import hmac

    from postaward.complaints import limits

    limits.check_tracking(source)
    r = InterferenceRecord.objects.filter(
        number=(number or "").strip().upper(), channel=Channel.PUBLIC
    ).first()
    given = code_digest(r.number if r else "-", (code or "").strip())
    ok = r is not None and hmac.compare_digest(given, r.query_code_hash)
    limits.record_tracking(source, ok)
    if not ok:
        raise NotFound("登记编号或查询码不正确")
    assert r is not None
    return r


# --- additions --------------------------------------------------------------------------------


def _add(
    actor: Actor, r: InterferenceRecord, by: str, text_: str, checked: Any, name: str
) -> InterferenceAddition:
    with transaction.atomic():
        locked = writes.lock(InterferenceRecord, r.pk)
        last = locked.additions.order_by("-seq").first()
        a = InterferenceAddition(
            record=locked,
            seq=(last.seq if last else 0) + 1,
            by=by,
            text=text_,
            added_by_id=actor.user_id,
            added_by_name=name,
            added_at=clock.now(),
            prev_digest=last.digest if last else locked.digest,
        )
        if checked is not None:
            files.save(a.evidence_file, checked)
            a.evidence_file_name = checked.name[:200]
        a.digest = content_digest(a.prev_digest, _addition_content(a))
        a.save()
        writes.created(
            a,
            actor=actor,
            action="accountability.interference_added",
            snapshot=snapshot_addition,
            project_id=locked.project_id,
        )
    return a


def add(
    *,
    actor: Actor,
    record: InterferenceRecord,
    text: str,
    evidence: Any = None,
    idempotency_key: str | None = None,
) -> InterferenceAddition:
    """A correction or a new fact (never an edit): the recording account or the office."""
    if not may_add(actor, record):
        raise Forbidden("仅登记人或监管办可以补充说明")
    body = writes.text(text, field="text", label="补充说明", min_len=2, max_len=2000)
    checked = _checked(evidence)
    office = may_handle(actor, record)
    by = AdditionBy.OFFICE if office else AdditionBy.REPORTER
    name = (actor.display_name or actor.username) if office else ""

    def run() -> tuple[int, Any]:
        return 201, _add(actor, record, by, body, checked, name).pk

    _, pk, _ = idempotency.run(
        user_id=actor.user_id,
        scope=f"accountability.interference.{record.pk}.add",
        key=idempotency_key,
        payload={"text": body, "evidence": checked.sha256 if checked else ""},
        fn=run,
    )
    return InterferenceAddition.objects.get(pk=pk)


def add_public(
    *, actor: Actor, number: str, code: str, text: str, evidence: Any = None, source: str = ""
) -> InterferenceAddition:
    """The public reporter adds to their record with its number and query code."""
    from postaward.complaints.limits import TooMany

    r = track(number=number, code=code, source=source)
    body = writes.text(text, field="text", label="补充说明", min_len=2, max_len=2000)
    checked = _checked(evidence)
    since = clock.now() - dt.timedelta(hours=1)
    if r.additions.filter(added_at__gte=since).count() >= ADDITIONS_PER_HOUR:
        raise TooMany("补充过于频繁，请稍后再试")
    return _add(actor, r, AdditionBy.REPORTER, body, checked, "")


# --- handling ---------------------------------------------------------------------------------


def _referred_event(r: InterferenceRecord, recipient: Organisation, reason: str, by: str) -> Any:
    facts = (
        f"{r.get_intervener_kind_display()}{r.intervener_text}于{r.occurred_on:%Y年%m月%d日}"
        f"在{r.get_stage_display()}中以{r.kind_text}方式插手干预：{r.request_text}"
    )
    return AccountabilityReferred(
        source="interference",
        source_id=r.pk,
        source_ref=r.number,
        recipient_org_id=recipient.pk,
        document_number=r.number,
        reason=reason,
        facts=facts[:2000],
        project_id=r.project_id,
        office_id=r.office_id,
        referred_by_name=by,
        url=detail_url(r),
    )


def _mark_referred(
    row: InterferenceRecord, recipient: Organisation, reason: str, by: str, automatic: bool
) -> Any:
    """The referral's fields on the locked row, and its event."""
    row.state = RecordState.REFERRED
    row.referred_at = clock.now()
    row.referred_by_name = by[:100]
    row.referral_reason = reason[:500]
    row.referred_automatically = automatic
    return _referred_event(row, recipient, reason, by)


def _refer_on_submission(r: InterferenceRecord) -> None:
    """QZ 11 "及时移送": a record about a party member or public official goes
    to discipline inspection at once, taken by the platform (ADR 0820)."""
    from postaward.core import steps
    from postaward.core.actor import SYSTEM

    from . import steps_interference as s

    recipient = discipline_of(r.office)
    if recipient is None:  # no discipline inspection set up: the office refers it later
        return
    with steps.write(s.REFER_ON_SUBMISSION, r, SYSTEM) as w:
        w.publish(
            _mark_referred(w.obj, recipient, "登记涉及党员或公职人员，登记即移送", AUTO_BY, True)
        )
    r.refresh_from_db()


def refer(*, actor: Actor, obj: InterferenceRecord, reason: str) -> InterferenceRecord:
    """The office refers a record to discipline inspection (the ``refer`` step)."""
    from postaward.core import steps

    from . import steps_interference as s

    why = writes.text(reason, field="reason", label="移送理由", min_len=4, max_len=500)
    recipient = discipline_of(obj.office)
    if recipient is None:
        raise Conflict("本区尚未设置纪检监察机关，不能移送", code="no_discipline")
    by = actor.display_name or actor.username
    with steps.write(s.REFER, obj, actor) as w:
        w.publish(_mark_referred(w.obj, recipient, why, by, False))
    todos.close_for(key=f"accountability:interference:{obj.pk}:office")
    return w.obj  # type: ignore[no-any-return]


def file_record(*, actor: Actor, obj: InterferenceRecord, note: str = "") -> InterferenceRecord:
    """The office has read and handled the record (阅处存档): its to-do closes."""
    from postaward.core import steps

    from . import steps_interference as s

    with steps.write(s.FILE, obj, actor) as w:
        w.obj.state = RecordState.FILED
        w.obj.filed_at = clock.now()
        w.obj.filed_by_name = (actor.display_name or actor.username)[:100]
        w.obj.filed_note = (note or "").strip()[:500]
    todos.close_for(key=f"accountability:interference:{obj.pk}:office")
    return w.obj  # type: ignore[no-any-return]


def acknowledge(*, actor: Actor, obj: InterferenceRecord) -> InterferenceRecord:
    """Discipline inspection has read the record (阅知): its to-do closes."""
    from postaward.core import steps

    from . import steps_interference as s

    with steps.write(s.ACKNOWLEDGE, obj, actor) as w:
        w.obj.discipline_read_at = clock.now()
        w.obj.discipline_read_by_name = (actor.display_name or actor.username)[:100]
    todos.close_for(key=f"accountability:interference:{obj.pk}:discipline")
    return w.obj  # type: ignore[no-any-return]


def raise_clue(
    *, actor: Actor, obj: InterferenceRecord, party: str, unit_id: int, facts: str
) -> InterferenceRecord:
    """Where the record calls for accountability, the office raises a clue
    from it (``services_clues.register``, source ``interference``)."""
    from postaward.core import steps

    from . import services_clues
    from . import steps_interference as s

    text_ = writes.text(facts, field="facts", label="问题事实", min_len=5, max_len=2000)
    unit = Organisation.objects.filter(
        pk=unit_id, path__startswith=obj.office.path, kind__in=_CLUE_UNIT_KINDS
    ).first()
    if unit is None:
        raise ValidationFailed("请选择本区的建设单位或监管部门", field="unit_id")
    with steps.write(s.RAISE_CLUE, obj, actor) as w:
        clue = services_clues.register(
            actor,
            office=w.obj.office,
            source="interference",
            party=party,
            unit=unit,
            facts=text_,
            project=w.obj.project,
            persons_text=w.obj.intervener_text[:300],
            occurred_on=w.obj.occurred_on,
            evidence_note=w.obj.evidence_note,
            evidence_links=[{"label": f"插手干预登记 {w.obj.number}", "url": detail_url(w.obj)}],
            source_detail=f"插手干预登记 {w.obj.number}",
        )
        w.obj.clue = clue
    return w.obj  # type: ignore[no-any-return]


_CLUE_UNIT_KINDS = frozenset(
    {
        OrgKind.OWNER,
        OrgKind.VILLAGE,
        OrgKind.INDUSTRY_AUTHORITY,
        OrgKind.SUPERIOR_UNIT,
        OrgKind.LINE,
        OrgKind.TOWNSHIP,
    }
)


def clue_units(office: Organisation) -> Any:
    return Organisation.objects.filter(
        path__startswith=office.path, kind__in=_CLUE_UNIT_KINDS
    ).order_by("kind", "name")


def load(actor: Actor, pk: int) -> InterferenceRecord:
    """One record through the actor's scope (404 otherwise); the read audited."""
    r: InterferenceRecord = get_visible_or_404(
        InterferenceRecord.objects.select_related("office", "project", "clue"), actor, pk=pk
    )
    return r


def audit_read(actor: Actor, r: InterferenceRecord) -> None:
    audit.record(actor=actor, action="accountability.interference_read", obj=r)
