"""Receiving a filing: online (the public window, the public API) or registered
by the office's staff (letters, visits, the hotline …) (R-CMP-01, R-CMP-03).

One service for both: the checks (Chinese errors per field, nothing stored when
refused), the receipt number of the day, the query code shown once, the
identity sealed (R-CMP-04), the legal clocks opened (R-CMP-02), the evidence
through the upload service, one audit record and the ``ComplaintReceived`` fact.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from postaward.core import audit, clock, crypto, deadlines, events, files, idcheck
from postaward.core.actor import Actor
from postaward.core.errors import Conflict, DomainError, Forbidden, ValidationFailed
from postaward.core.writes import text
from postaward.orgs.choices import OrgKind, Role
from postaward.orgs.models import Organisation
from postaward.projects.models import Project

from .. import identity, limits
from ..choices import RECEIPT_PREFIX, Channel, FileRole, FilerStanding, Kind
from ..deadline_kinds import CLOCKS
from ..events import ComplaintReceived
from ..models import Complaint, ComplaintFile
from . import messages, verify
from .todos import sync_todo

MAX_EVIDENCE = 5
# A second identical filing within this window is the same filing (a retry).
SAME_CONTENT_SECONDS = 60
QUERY_CODE_LENGTH = 8
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L


@dataclass
class Filing:
    """What a complainant (or staff for them) gives."""

    kind: str
    subject_text: str
    facts: str
    requests: str = ""
    project: str = ""  # the project's code or name, as given
    standing: str = FilerStanding.PUBLIC
    concerns_officials: bool = False
    anonymous: bool = False
    name: str = ""
    id_number: str = ""
    mobile: str = ""
    contact: str = ""
    evidence: list[Any] = field(default_factory=list)


@dataclass
class Filed:
    complaint: Complaint
    query_code: str  # shown once; only its digest is kept
    replayed: bool = False


def may_register(actor: Actor) -> bool:
    """Staff intake (offline letters, visits, the hotline): the supervision
    office's staff and leaders."""
    return actor.is_system or (
        actor.org_kind == OrgKind.SUPERVISION_OFFICE
        and bool(actor.roles & {Role.OFFICE_STAFF, Role.UNIT_LEADER})
    )


def code_digest(receipt_number: str, code: str) -> str:
    """The query code's keyed digest (HMAC-SM3 under the field key)."""
    return crypto.hmac_sm3_hex(crypto.field_key(), f"query:{receipt_number}:{code.upper()}")


def code_matches(c: Complaint, code: str) -> bool:
    """Constant-time comparison of a given code with the stored digest."""
    return hmac.compare_digest(code_digest(c.receipt_number, code or ""), c.query_code_hash)


def _new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


# --- checks ---------------------------------------------------------------------------------------


def _choice(value: str, choices: Any, *, field: str, label: str) -> str:
    if value not in choices.values:
        raise ValidationFailed(f"请选择{label}", field=field)
    return value


def _check_identity(f: Filing, errors: list[dict[str, str]]) -> None:
    needs_identity = f.kind == Kind.COMPLAINT or not f.anonymous
    if f.kind == Kind.COMPLAINT and f.anonymous:
        errors.append({"field": "anonymous", "message": "投诉须实名提出；匿名反映请选择“举报”"})
    if needs_identity and not f.name.strip():
        errors.append({"field": "name", "message": "请填写姓名（单位投诉填写单位名称）"})
    if len(f.name.strip()) > 60:
        errors.append({"field": "name", "message": "姓名过长（最多 60 个字）"})
    if needs_identity and not f.mobile.strip():
        errors.append({"field": "mobile", "message": "请填写手机号码，用于接收查询码和答复"})
    if f.mobile.strip():
        m = idcheck.check_mobile(f.mobile)
        if not m.ok:
            errors.append({"field": "mobile", "message": m.error})
        else:
            f.mobile = m.value
    if f.kind == Kind.COMPLAINT and not f.id_number.strip():
        errors.append({"field": "id_number", "message": "请填写身份证号码"})
    if f.id_number.strip():
        r = idcheck.check_resident_id(f.id_number)
        if not r.ok:
            errors.append({"field": "id_number", "message": r.error})
        else:
            f.id_number = r.value
    if len(f.contact) > 200:
        errors.append({"field": "contact", "message": "其他联系方式过长（最多 200 个字）"})


def check_filing(f: Filing) -> None:
    """Every field checked at once: one 422 with an error per field."""
    errors: list[dict[str, str]] = []

    def run(fn: Any) -> None:
        try:
            fn()
        except ValidationFailed as exc:
            errors.extend(exc.errors)

    run(lambda: _choice(f.kind, Kind, field="kind", label="投诉或举报"))
    run(lambda: _choice(f.standing, FilerStanding, field="standing", label="投诉人身份"))
    if f.kind == Kind.COMPLAINT and f.standing == FilerStanding.PUBLIC:
        errors.append(
            {"field": "standing", "message": "投诉须由当事人或利害关系人提出；其他人员请选择“举报”"}
        )
    if f.kind == Kind.COMPLAINT and not f.project.strip():
        errors.append({"field": "project", "message": "投诉须写明所投诉的项目名称或编号"})
    if len(f.project) > 200:
        errors.append({"field": "project", "message": "项目名称或编号过长（最多 200 个字）"})
    run(
        lambda: text(
            f.subject_text, field="subject_text", label="被投诉（举报）单位或个人", max_len=200
        )
    )
    run(lambda: text(f.facts, field="facts", label="事实和理由", min_len=10, max_len=5000))
    if f.kind == Kind.COMPLAINT:
        run(lambda: text(f.requests, field="requests", label="投诉请求", max_len=2000))
    elif len(f.requests) > 2000:
        errors.append({"field": "requests", "message": "请求过长（最多 2000 个字）"})
    _check_identity(f, errors)
    if len(f.evidence) > MAX_EVIDENCE:
        errors.append({"field": "evidence", "message": f"证据材料最多 {MAX_EVIDENCE} 份"})
    if errors:
        raise ValidationFailed(errors[0]["message"], field=errors[0]["field"], errors=errors)


# --- the filing -----------------------------------------------------------------------------------


def find_project(given: str) -> Project | None:
    """The project named by its code, or by its exact name (else None: the
    text is kept for the office to match)."""
    given = given.strip()
    if not given:
        return None
    return (
        Project.objects.filter(code=given).first()
        or Project.objects.filter(name=given).order_by("pk").first()
    )


def office_for(project: Project | None) -> Organisation:
    """The district's supervision office: the root of the project's district,
    else the first district's (one district per installation today)."""
    offices = Organisation.objects.filter(kind=OrgKind.SUPERVISION_OFFICE, parent__isnull=True)
    if project is not None:
        unit = project.owner or project.industry_authority
        if unit is not None:
            root = unit.path.split("/", 1)[0] + "/"
            found = offices.filter(path=root).first()
            if found is not None:
                return found
    office = offices.order_by("pk").first()
    if office is None:
        raise DomainError("平台尚未设置受理投诉举报的监管办", code="no_office")
    return office


def _receipt(kind: str, day: dt.date) -> tuple[str, int]:
    last = Complaint.objects.filter(kind=kind, receipt_day=day).aggregate(m=Max("receipt_seq"))
    seq = (last["m"] or 0) + 1
    return f"{RECEIPT_PREFIX[kind]}{day:%Y%m%d}-{seq:04d}", seq


def _content_hash(f: Filing, channel: str, source: str) -> str:
    return crypto.sm3_hex(
        audit.canonical_json(
            [f.kind, f.project, f.subject_text, f.facts, f.requests, f.mobile, channel, source]
        )
    )


def _retry_of(content_hash: str, key_digest: str, now: dt.datetime) -> Complaint | None:
    """The earlier filing this one repeats: the same Idempotency-Key from the
    same source (its content must be the same), or the same content within
    ``SAME_CONTENT_SECONDS``."""
    if key_digest:
        earlier = Complaint.objects.filter(idempotency_digest=key_digest).first()
        if earlier is not None:
            if earlier.content_hash != content_hash:
                raise Conflict("该幂等键已用于内容不同的请求", code="idempotency_mismatch")
            return earlier
    return (
        Complaint.objects.filter(
            content_hash=content_hash,
            created_at__gte=now - dt.timedelta(seconds=SAME_CONTENT_SECONDS),
        )
        .order_by("pk")
        .first()
    )


def _replay(actor: Actor, c: Complaint) -> Filed:
    """The same filing again (a retry): the same receipt, a new query code (the
    first was shown only once, to a request whose answer may have been lost)."""
    code = _new_code()
    Complaint.objects.filter(pk=c.pk).update(query_code_hash=code_digest(c.receipt_number, code))
    audit.record(actor=actor, action="complaints.filing_repeated", obj=c, after={})
    return Filed(c, code, replayed=True)


def file_complaint(
    *,
    actor: Actor,
    filing: Filing,
    channel: str = Channel.ONLINE,
    source: str = "",
    idempotency_key: str = "",
    public: bool = False,
    sms_code: str | None = None,
) -> Filed:
    """Receive one filing. ``public``: through the public window or the public
    API (anyone; the limits apply); otherwise staff intake (``may_register``).
    ``source``: a digest of where it came from (the client address, or the
    staff account), for the limits and the retry window. ``sms_code``: the
    mobile verification code a public filing with a mobile must carry (None:
    the caller verified the mobile itself — staff, an integration account;
    ADR 0521). The receipt number and query code are sent to the mobile."""
    if not public and not may_register(actor):
        raise Forbidden("监管办工作人员方可登记线下收到的投诉举报")
    _choice(channel, Channel, field="channel", label="来源渠道")
    check_filing(filing)
    if public:
        # an integration account (no code) files for many callers: only the
        # per-mobile limit holds it (ADR 0521)
        limits.check_filing(
            source=source if sms_code is not None else "",
            mobile_index=identity.mobile_index(filing.mobile),
        )
    code_row = (
        verify.check_code(mobile=filing.mobile, code=sms_code)
        if sms_code is not None and filing.mobile
        else None
    )
    checked = [
        files.check_upload(u, field="evidence", allowed=files.DOCUMENTS) for u in filing.evidence
    ]
    now = clock.now()
    content_hash = _content_hash(filing, channel, source)
    key = (idempotency_key or "").strip()[:100]
    # keys are scoped by the source: two callers never share one (ADR 0501)
    key_digest = crypto.sm3_hex(f"{key}|{source}|{actor.user_id}") if key else ""
    with transaction.atomic():
        if (earlier := _retry_of(content_hash, key_digest, now)) is not None:
            filed = _replay(actor, earlier)
        else:
            if code_row is not None:
                verify.consume(code_row)
            filed = _store(actor, filing, channel, source, content_hash, key_digest, now, checked)
    messages.send_receipt(filed.complaint, mobile=filing.mobile, query_code=filed.query_code)
    return filed


def _store(
    actor: Actor,
    filing: Filing,
    channel: str,
    source: str,
    content_hash: str,
    key_digest: str,
    now: dt.datetime,
    checked: list[Any],
) -> Filed:
    """The new complaint, its evidence, clocks, to-do, audit record and event
    (in the filing's transaction)."""
    project = find_project(filing.project)
    office = office_for(project)
    day = clock.local_date(now)
    for _ in range(5):
        number, seq = _receipt(filing.kind, day)
        try:
            with transaction.atomic():
                c, code = _create(actor, filing, channel, source, content_hash, key_digest)(
                    number, seq, day, now, project, office
                )
            break
        except IntegrityError:  # two filings took the same number: take the next
            continue
    else:  # pragma: no cover - five collisions in a row
        raise DomainError("系统繁忙，请稍后重试", code="busy")
    for u in checked:
        att = ComplaintFile(
            complaint=c,
            role=FileRole.EVIDENCE,
            original_name=u.name,
            content_type=u.content_type,
            size=u.size,
            sha256=u.sha256,
        )
        files.save(att.file, u)
        att.save()
    _open_clocks(c)
    sync_todo(c)
    audit.record(
        actor=actor,
        action="complaints.file_complaint",
        obj=c,
        after={**_public_facts(c), "evidence": len(checked)},
    )
    events.publish(
        ComplaintReceived(
            complaint_id=c.pk,
            receipt_number=c.receipt_number,
            kind=c.kind,
            channel=c.channel,
            project_id=c.project_id,
            office_id=c.office_id,
            concerns_officials=c.concerns_officials,
        )
    )
    return Filed(c, code)


def _create(
    actor: Actor, f: Filing, channel: str, source: str, content_hash: str, key_digest: str
) -> Any:
    def create(
        number: str,
        seq: int,
        day: dt.date,
        now: dt.datetime,
        project: Project | None,
        office: Organisation,
    ) -> tuple[Complaint, str]:
        code = _new_code()
        anonymous = f.anonymous and f.kind == Kind.REPORT
        c = Complaint.objects.create(
            kind=f.kind,
            channel=channel,
            standing=f.standing,
            office=office,
            project=project,
            project_text=f.project.strip(),
            subject_text=f.subject_text.strip(),
            facts=f.facts.strip(),
            requests=f.requests.strip(),
            concerns_officials=f.concerns_officials,
            anonymous=anonymous,
            name_enc="" if anonymous else identity.seal(number, "name", f.name.strip()),
            id_number_enc=""
            if anonymous
            else identity.seal(number, "id_number", f.id_number.strip()),
            mobile_enc=identity.seal(number, "mobile", f.mobile),
            contact_enc="" if anonymous else identity.seal(number, "contact", f.contact.strip()),
            mobile_index=identity.mobile_index(f.mobile),
            receipt_number=number,
            receipt_day=day,
            receipt_seq=seq,
            received_at=now,
            query_code_hash=code_digest(number, code),
            filed_by_id=actor.user_id,
            source_ip_hash=source,
            content_hash=content_hash,
            idempotency_digest=key_digest,
            created_at=now,
        )
        return c, code

    return create


def _open_clocks(c: Complaint) -> None:
    """The decision and the closing clocks, from the day of receipt (R-CMP-02)."""
    for clk in CLOCKS[c.kind]:
        deadlines.open_deadline(
            kind=clk.kind,
            subject=c,
            length=clk.length,
            unit=clk.unit,
            basis=deadlines.kind_of(clk.kind).basis,  # type: ignore[union-attr]
            organisation_id=c.office_id,
            start=c.received_at,
            reminder_after=clk.reminder_after,
        )


def _public_facts(c: Complaint) -> dict[str, Any]:
    """What the audit record of a filing holds: never the identity."""
    return {
        "receipt_number": c.receipt_number,
        "kind": c.kind,
        "channel": c.channel,
        "project_id": c.project_id,
        "subject_text": c.subject_text,
        "anonymous": c.anonymous,
        "concerns_officials": c.concerns_officials,
    }
