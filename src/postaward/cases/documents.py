"""The documents of a case (R-CAS-03, R-CAS-06; ADR 0603).

Every step that produces a document calls :func:`issue` — the ONE function of
this app that makes a document: a ``CaseDocument`` row (the case, the kind,
whether it was delivered to the party) about which the platform's document
service issues the document (``core.documents.issue``: an ``IssuedDocument``
numbered per issuer, kind and year without gaps, its PDF and Word file in
private storage, the PDF's hash in the audit chain, ADR 0090). Numbers read
like 区住建局罚〔2026〕7号: the issuing unit's abbreviation (its registered
short name, :func:`abbreviation`), the kind's word, the year, the sequence. Who may read a document is who may read its
``CaseDocument`` (registered in ``apps.py``): the party only what was
delivered to it.
"""

from __future__ import annotations

from typing import Any

from postaward.core import clock, documents
from postaward.core.actor import Actor
from postaward.core.documents import DocumentKind as Kind

from .choices import TO_PARTY, DocumentKind
from .models import Case, CaseDocument

_T = "cases/documents/{}.html"
# The text of a case document a correction may change (ADR 0090: a correction
# is a new version with a reason); the same names serve the Word templates.
CORRECTABLE = (
    ("party", "当事人"),
    ("facts", "基本案情"),
    ("report", "调查报告"),
    ("proposal", "拟处理意见"),
    ("deliberation", "审议意见"),
    ("agenda", "会议议程"),
    ("attendees", "参会人员"),
    ("minutes", "会议纪要"),
    ("evidence_review", "证据复核意见"),
    ("measure", "处罚结果"),
    ("basis", "处罚依据"),
    ("defence", "陈述申辩情况"),
    ("reason", "理由"),
    ("note", "意见"),
    ("recipient", "反馈对象"),
    ("feedback", "反馈内容"),
)
KINDS: dict[str, Kind] = {
    DocumentKind.EXTENSION: Kind(
        "cases.extension",
        "延长调查时限通知书",
        _T.format("extension"),
        word="延",
        fields=CORRECTABLE,
    ),
    DocumentKind.REPORT: Kind(
        "cases.report", "调查报告", _T.format("report"), word="调", fields=CORRECTABLE
    ),
    DocumentKind.MINUTES: Kind(
        "cases.minutes", "案件会审会议纪要", _T.format("minutes"), word="会纪", fields=CORRECTABLE
    ),
    DocumentKind.FILING: Kind(
        "cases.filing", "立案受理表", _T.format("filing"), word="立", fields=CORRECTABLE
    ),
    DocumentKind.FINAL_REPORT: Kind(
        "cases.final_report",
        "案件终结报告",
        _T.format("final_report"),
        word="终",
        fields=CORRECTABLE,
    ),
    DocumentKind.PENALTY_APPROVAL: Kind(
        "cases.penalty_approval",
        "行政处罚审批表",
        _T.format("penalty_approval"),
        word="罚审",
        fields=CORRECTABLE,
    ),
    DocumentKind.NOTICE: Kind(
        "cases.notice", "行政处罚告知书", _T.format("notice"), word="罚告", fields=CORRECTABLE
    ),
    DocumentKind.DECISION: Kind(
        "cases.decision", "行政处罚决定书", _T.format("decision"), word="罚", fields=CORRECTABLE
    ),
    DocumentKind.DELIVERY: Kind(
        "cases.delivery", "送达回证", _T.format("delivery"), word="送", fields=CORRECTABLE
    ),
    DocumentKind.FEEDBACK: Kind(
        "cases.feedback", "结果反馈函", _T.format("feedback"), word="反馈", fields=CORRECTABLE
    ),
}
documents.register(*KINDS.values())


def day_text(d: Any) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def base(c: Case) -> dict[str, Any]:
    """What every document of the case names."""
    return {
        "case_number": c.number,
        "case_title": c.title,
        "party": c.party_name,
        "project": c.project.name if c.project is not None else "",
        "department": c.department.name,
        "office": c.office.name,
        "facts": c.facts,
        "source": c.get_source_display(),
        "source_ref": c.source_ref,
    }


abbreviation = documents.abbreviation


def issue(
    c: Case,
    kind: str,
    context: dict[str, Any],
    *,
    addressee: str,
    actor: Actor,
    issuer: str = "",
) -> CaseDocument:
    """Number, render and store one document of ``kind`` for case ``c`` (call
    inside the step's transaction: the number is taken with the write)."""
    k = KINDS[kind]
    unit = c.department if issuer and issuer == c.department.name else c.office
    doc = CaseDocument.objects.create(
        case=c,
        kind=kind,
        year=0,
        seq=0,
        number="",
        addressee=addressee,
        delivered_to_party=False,
        issued_by_name=actor.display_name[:100],
    )
    issued = documents.issue(
        k.key,
        {**base(c), **context},
        subject=doc,
        addressee=addressee,
        issuer=issuer or c.office.name,
        issuer_abbr=abbreviation(unit),
        on=clock.today(),
        actor=actor,
    )
    doc.issued, doc.number, doc.year, doc.seq = issued, issued.number, issued.year, issued.seq
    doc.save(update_fields=["issued", "number", "year", "seq"])
    return doc


def mark_delivered(c: Case) -> int:
    """The notice and the decision were served on the party: from now on the
    party reads them on the enterprise portal."""
    return CaseDocument.objects.filter(case=c, kind__in=TO_PARTY).update(delivered_to_party=True)
