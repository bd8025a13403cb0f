"""The offline documents of a complaint (ADR 0503, 0504; R-CMP-03, R-CMP-04):
受理告知书 on accepting, 不予受理通知书 (with the reasons) on rejecting, and
暂停招标投标活动通知书 to the tenderer when the complaint is about a project
still in trading. Each is numbered per kind and year and rendered through
``core.documents`` inside the step's transaction; the files live in private
storage and are served through ``core.files.download``.

The notices to the complainant may name them; the suspension notice goes to
the tenderer and carries nothing of the complainant (no name, no contact, no
facts)."""

from __future__ import annotations

from typing import Any

from postaward.core import clock, documents
from postaward.core.documents import DocumentKind as Kind

from . import identity
from .choices import TO_COMPLAINANT, DocumentKind, RejectReason
from .choices import Kind as ComplaintKind
from .models import Complaint, ComplaintDocument

ACCEPTANCE = Kind(
    "complaints.acceptance",
    DocumentKind.ACCEPTANCE.label,
    "complaints/documents/acceptance.html",
    word="受理告字",
)
NON_ACCEPTANCE = Kind(
    "complaints.non_acceptance",
    DocumentKind.NON_ACCEPTANCE.label,
    "complaints/documents/non_acceptance.html",
    word="不予受理字",
)
SUSPENSION = Kind(
    "complaints.suspension",
    DocumentKind.SUSPENSION.label,
    "complaints/documents/suspension.html",
    word="暂停招投标字",
)
documents.register(ACCEPTANCE, NON_ACCEPTANCE, SUSPENSION)
KINDS = {
    DocumentKind.ACCEPTANCE: ACCEPTANCE,
    DocumentKind.NON_ACCEPTANCE: NON_ACCEPTANCE,
    DocumentKind.SUSPENSION: SUSPENSION,
}


def in_trading(c: Complaint) -> bool:
    """The project is still in trading (not yet awarded, ADR 0504): a
    complaint (投诉, not a report) naming a project that is not in the
    registry — the registry receives a project with its award (ADR 0102), so
    a project named but not found there has no winner yet."""
    return c.kind == ComplaintKind.COMPLAINT and c.project_id is None and bool(c.project_text)


def _base(c: Complaint) -> dict[str, Any]:
    received = clock.localtime(c.received_at)
    return {
        "kind": c.get_kind_display(),
        "receipt_number": c.receipt_number,
        "received": f"{received.year}年{received.month}月{received.day}日",
        "project": c.project.name if c.project is not None else c.project_text,
        "subject": c.subject_text,
    }


def _make(c: Complaint, which: DocumentKind, ctx: dict[str, Any], addressee: str) -> Any:
    g = documents.generate(KINDS[which].key, ctx, addressee=addressee, issuer=c.office.name)
    doc = ComplaintDocument(
        complaint=c,
        kind=which,
        year=g.year,
        seq=g.seq,
        number=g.number,
        addressee=addressee if which not in TO_COMPLAINANT else "投诉人（举报人）",
        to_complainant=which in TO_COMPLAINANT,
    )
    documents.store(doc.pdf, g.pdf, "pdf")
    documents.store(doc.docx, g.docx, "docx")
    doc.save()
    return doc


def on_accept(c: Complaint, *, close_due: str) -> list[ComplaintDocument]:
    """受理告知书, and the suspension notice when the project is in trading."""
    who = identity.addressee(c)
    out = [
        _make(
            c,
            DocumentKind.ACCEPTANCE,
            {**_base(c), "addressee": who, "close_due": close_due},
            who,
        )
    ]
    if in_trading(c):
        day = clock.localtime(c.decided_at) if c.decided_at else clock.now()
        ctx = {
            "project": c.project_text,
            "receipt_number": c.receipt_number,
            "decided": f"{day.year}年{day.month}月{day.day}日",
        }
        out.append(_make(c, DocumentKind.SUSPENSION, ctx, f"“{c.project_text}”招标人"))
    return out


def on_reject(c: Complaint) -> ComplaintDocument:
    """不予受理通知书 with the reasons chosen and the explanation."""
    who = identity.addressee(c)
    reasons = [str(RejectReason(r).label) for r in c.reject_reasons if r in RejectReason.values]
    ctx = {**_base(c), "addressee": who, "reasons": reasons, "note": c.decision_note}
    return _make(c, DocumentKind.NON_ACCEPTANCE, ctx, who)  # type: ignore[no-any-return]


REGISTRATION = Kind(
    "complaints.registration",
    "案件基本情况登记表",
    "complaints/documents/registration.html",
)
documents.register(REGISTRATION)


def _day(d: Any) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def registration_form(c: Complaint, *, revealed: identity.Identity | None = None) -> Any:
    """案件基本情况登记表 (R-CMP-01, HC 附件 三(一); ADR 0516), printed again
    whenever asked for, under the receipt number (no number of the year is
    taken). The identity is on it only when ``revealed`` — the caller took it
    through ``identity.reveal`` (entitled staff, audited, R-CMP-04); otherwise
    it reads as sealed."""
    from .models import ComplaintReferral

    if c.anonymous:
        who = "匿名举报"
    elif revealed is None:
        who = "（已加密保存，仅本件承办人员经记录查看理由后打印）"
    else:
        who = revealed.name or "—"
    referrals = [
        f"{_day(clock.localtime(r.referred_at))}移送{r.recipient_org.name}（{r.document_number}）"
        + (f"，回执编号 {r.receipt_number}" if r.receipt_number else "")
        + (f"，办理结果：{r.result}" if r.result else "")
        for r in ComplaintReferral.objects.filter(complaint=c).select_related("recipient_org")
    ]
    decided = clock.localtime(c.decided_at) if c.decided_at else None
    ctx = {
        **_base(c),
        "channel": c.get_channel_display(),
        "complainant": who,
        "id_number": revealed.id_number if revealed else "",
        "mobile": revealed.mobile if revealed else "",
        "contact": revealed.contact if revealed else "",
        "facts": c.facts,
        "requests": c.requests,
        "officials": "是" if c.concerns_officials else "否",
        "reported_to": c.reported_to,
        "reported_on": _day(c.reported_on),
        "instruction": c.head_instruction,
        "consulted_on": _day(c.consulted_on),
        "participants": c.consult_participants,
        "opinion": c.consult_opinion,
        "decision": f"{c.get_state_display()}（{_day(decided)}）" if decided else "",
        "referrals": referrals,
    }
    return documents.generate(
        REGISTRATION.key,
        ctx,
        addressee="案件登记存档",
        issuer=c.office.name,
        number=f"收件编号 {c.receipt_number}",
    )
