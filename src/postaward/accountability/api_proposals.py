"""API of the proposals part under ``/api/v1/accountability`` (R-ACT-07):
bad-conduct proposals (不良行为认定建议书) — the list and one (the district's
office, the addressed department, the sender), the filing with
Idempotency-Key (the office, an owner), the evidence file, and the steps
(认定, 不予认定: the addressed department)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import File, Query, Router, Schema, UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from postaward.core import clock, deadlines, files, steps, writes
from postaward.core.api_base import LimitOffset, StrictIn, actor, idempotency_key, responses
from postaward.core.errors import Conflict, Forbidden
from postaward.core.types import Date, Id, StrictId

from . import services_proposals as sp
from .choices_proposals import ProposalState, SenderKind
from .models import Proposal, snapshot_proposal
from .steps_proposals import WF

router = Router()


class ProposalOut(Schema):
    id: int
    number: str
    sender_id: int
    sender: str
    sender_kind: str
    department_id: int
    department: str
    unit_id: int
    unit: str
    project_id: int | None
    persons: list[str]
    conduct: str
    facts: str
    evidence_note: str
    has_evidence_file: bool
    received_on: dt.date
    decision_due: str | None = Field(description="认定期限届满（当地时间）")
    overdue: bool
    state: str
    state_label: str
    decision_text: str
    decision_document: str
    decided_on: dt.date | None


def _due(p: Proposal) -> tuple[str | None, bool]:
    """The end of the decision period in local time and whether it ran out
    undecided: from the list's annotation, else the deadline row."""
    if hasattr(p, "decision_due"):
        due = p.decision_due
        if due is None:
            return None, False
        late = p.state == ProposalState.RECEIVED and due <= clock.now()
        return deadlines.end_text(due), late
    d = sp.decision_deadline(p)
    if d is None:
        return None, False
    shown = deadlines.show(d)
    return shown.end_text, shown.overdue and p.state == ProposalState.RECEIVED


def proposal_out(p: Proposal) -> dict[str, Any]:
    due, late = _due(p)
    return {
        "id": p.pk,
        "number": p.number,
        "sender_id": p.sender_id,
        "sender": p.sender.name,
        "sender_kind": p.sender_kind,
        "department_id": p.department_id,
        "department": p.department.name,
        "unit_id": p.unit_id,
        "unit": p.unit.name,
        "project_id": p.project_id,
        "persons": [x.name for x in p.persons.all()],
        "conduct": p.conduct,
        "facts": p.facts,
        "evidence_note": p.evidence_note,
        "has_evidence_file": bool(p.evidence_file),
        "received_on": p.received_on,
        "decision_due": due,
        "overdue": late,
        "state": p.state,
        "state_label": p.get_state_display(),
        "decision_text": p.decision_text,
        "decision_document": p.decision_document,
        "decided_on": p.decided_on,
    }


class ProposalFilter(Schema):
    state: ProposalState | None = None
    sender_kind: SenderKind | None = None
    department_id: Id | None = None
    unit_id: Id | None = None
    received_from: Date | None = None
    received_to: Date | None = None


def _reader(request: HttpRequest) -> Any:
    a = actor(request)
    if not sp.may_see(a):
        raise Forbidden("仅监管办、建设单位和行业主管部门可以查看不良行为认定建议书")
    return a


@router.get(
    "/proposals",
    response=responses(list[ProposalOut]),
    summary="不良行为认定建议书（本区监管办、认定部门、建议单位）",
)
@paginate(LimitOffset)
def list_proposals(request: HttpRequest, q: Query[ProposalFilter]) -> Any:
    a = _reader(request)
    qs = sp.with_due(sp.proposals_of(a)).prefetch_related("persons")
    qs = qs.order_by("-received_on", "-pk")
    for field in ("state", "sender_kind", "department_id", "unit_id"):
        value = getattr(q, field)
        if value is not None:
            qs = qs.filter(**{field: value})
    if q.received_from is not None:
        qs = qs.filter(received_on__gte=q.received_from)
    if q.received_to is not None:
        qs = qs.filter(received_on__lte=q.received_to)
    return [proposal_out(p) for p in qs[:1000]]


@router.get(
    "/proposals/{proposal_id}",
    response=responses(ProposalOut),
    summary="不良行为认定建议书详情",
)
def get_proposal(request: HttpRequest, proposal_id: Id) -> Any:
    return proposal_out(sp.load_proposal(_reader(request), proposal_id))


class ProposalIn(StrictIn):
    department_id: StrictId = Field(description="认定部门（行业主管部门）")
    unit_id: StrictId = Field(description="被建议单位（施工、监理、代理等）")
    project_id: StrictId | None = Field(None, description="项目（建设单位提出时必填）")
    person_ids: list[StrictId] = Field(default_factory=list, description="涉及人员")
    conduct: str = Field(max_length=400, description="建议认定的不良行为")
    facts: str = Field(max_length=4000, description="违法违规事实")
    evidence_note: str = Field("", max_length=2000, description="证据说明")
    received_on: Date | None = Field(None, description="认定部门收到日期（默认今天）")


@router.post(
    "/proposals",
    response=responses(ProposalOut, 201),
    summary="提出不良行为认定建议（监管办、建设单位；可带 Idempotency-Key）",
)
def create_proposal(request: HttpRequest, body: ProposalIn) -> Any:
    p = sp.file_proposal(actor(request), idempotency_key=idempotency_key(request), **body.dict())
    return 201, proposal_out(p)


@router.post(
    "/proposals/{proposal_id}/evidence",
    response=responses(ProposalOut, 201),
    summary="上传建议书的证据材料（建议单位；待认定的建议书；PDF、JPG、PNG）",
)
def upload_proposal_evidence(
    request: HttpRequest,
    proposal_id: Id,
    evidence: UploadedFile = File(...),  # noqa: B008
) -> Any:
    a = _reader(request)
    p = sp.load_proposal(a, proposal_id)
    if not sp.may_file(a) or a.organisation_id != p.sender_id:
        raise Forbidden("仅建议单位可以上传证据材料")
    if p.state != ProposalState.RECEIVED:
        raise Conflict("建议书已作出认定，不能再补充证据材料")
    checked = files.check_upload(evidence, field="evidence")
    with writes.audited(
        Proposal.objects.all(),
        pk=p.pk,
        actor=a,
        action="accountability.proposal_evidence_added",
        snapshot=snapshot_proposal,
    ) as w:
        files.save(w.obj.evidence_file, checked)
        w.obj.evidence_file_name = checked.name[:200]
    return 201, proposal_out(w.obj)


steps.mount_api(router, WF, "proposal_id", prefix="/proposals")
