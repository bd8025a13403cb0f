"""The cases API under ``/api/v1/cases`` (session or token, scoped): the list,
one case with its team, clocks, documents and steps, registration by hand
(上级交办 / 直接登记), the documents delivered to a party, and the generated
steps endpoints."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema
from pydantic import Field

from postaward.core import audit, clock, deadlines, steps
from postaward.core.api_base import StrictIn, actor, responses
from postaward.core.bodies import write_once
from postaward.core.types import Id

from . import selectors, services
from . import steps as case_steps
from .choices import Source, State
from .models import CaseDocument

router = Router(tags=["案件查处"])


class CaseOut(Schema):
    id: int
    number: str
    source: str
    source_label: str
    source_ref: str
    state: str
    state_label: str
    outcome: str
    department: str
    party_name: str
    title: str
    registered_at: str
    investigation_due: str
    extension_count: int


class CaseMemberOut(Schema):
    name: str
    role: str
    department: str
    certificate_number: str


class CaseDocumentOut(Schema):
    id: int
    kind: str
    title: str
    number: str
    addressee: str
    delivered_to_party: bool
    url: str


class CaseClockOut(Schema):
    label: str
    period: str
    end: str
    state: str
    overdue: bool


class CaseDetailOut(CaseOut):
    facts: str
    source_text: str
    source_url: str
    measure: str
    fine_yuan: str
    points: int
    basis: str
    decision_number: str
    decided_on: str
    credit_entered_on: str
    members: list[CaseMemberOut]
    documents: list[CaseDocumentOut]
    clocks: list[CaseClockOut]
    actions: list[str]


def _row(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "number": c.number,
        "source": c.source,
        "source_label": c.get_source_display(),
        "source_ref": c.source_ref,
        "state": c.state,
        "state_label": c.get_state_display(),
        "outcome": c.outcome,
        "department": c.department.name,
        "party_name": c.party_name,
        "title": c.title,
        "registered_at": clock.localtime(c.registered_at).strftime("%Y-%m-%d %H:%M"),
        "investigation_due": c.investigation_due.isoformat() if c.investigation_due else "",
        "extension_count": c.extension_count,
    }


def doc_out(d: CaseDocument) -> dict[str, Any]:
    return {
        "id": d.pk,
        "kind": d.kind,
        "title": d.get_kind_display(),
        "number": d.number,
        "addressee": d.addressee,
        "delivered_to_party": d.delivered_to_party,
        "url": reverse("cases_document", args=[d.pk]),
    }


def clocks_of(c: Any) -> list[dict[str, Any]]:
    out = []
    for d in deadlines.deadlines_of(c):
        s = deadlines.show(d)
        out.append(
            {
                "label": s.label,
                "period": s.period,
                "end": s.end_text,
                "state": s.state_label,
                "overdue": s.overdue,
            }
        )
    return out


def detail_out(c: Any, request: HttpRequest) -> dict[str, Any]:
    a = actor(request)
    return {
        **_row(c),
        "facts": c.facts,
        "source_text": c.source_text,
        "source_url": c.source_url,
        "measure": c.measure,
        "fine_yuan": str(c.fine_yuan),
        "points": c.points,
        "basis": c.basis,
        "decision_number": c.decision_number,
        "decided_on": c.decided_on.isoformat() if c.decided_on else "",
        "credit_entered_on": c.credit_entered_on.isoformat() if c.credit_entered_on else "",
        "members": [
            {
                "name": m.name,
                "role": m.get_role_display(),
                "department": m.department_name,
                "certificate_number": m.certificate_number,
            }
            for m in c.members.all()
        ],
        "documents": [doc_out(d) for d in CaseDocument.objects.visible_to(a).filter(case=c)],
        "clocks": clocks_of(c),
        "actions": steps.allowed_names(c, a),
    }


@router.get("", response=responses(list[CaseOut]), summary="案件清单（本单位数据范围）")
def list_cases(
    request: HttpRequest, source: Source | None = None, state: State | None = None
) -> Any:
    qs = selectors.cases(actor(request))
    if source:
        qs = qs.filter(source=source)
    if state:
        qs = qs.filter(state=state)
    return [_row(c) for c in qs[:500]]


@router.get(
    "/delivered-documents",
    response=responses(list[CaseDocumentOut]),
    summary="送达本单位的案件文书（当事人：仅已送达本单位的告知书和决定书）",
)
def delivered_documents(request: HttpRequest) -> Any:
    a = actor(request)
    qs = CaseDocument.objects.visible_to(a).filter(
        delivered_to_party=True, case__party_org_id=a.organisation_id
    )
    return [doc_out(d) for d in qs.select_related("case")[:200]]


class CaseIn(StrictIn):
    source: str = Field(
        description="案件来源：manual 直接登记，assigned 上级交办，inspection 监督检查"
    )
    source_ref: str = Field("", max_length=60, description="来源文号（交办函等）")
    department_id: Id = Field(description="主管部门")
    project_id: Id | None = Field(None, description="项目（可选）")
    title: str = Field(max_length=200, description="案由")
    party_name: str = Field(max_length=200, description="当事人")
    party_org_id: Id | None = Field(None, description="当事单位（可选）")
    facts: str = Field(max_length=5000, description="基本案情")


class CaseCreatedOut(Schema):
    id: int
    number: str


@router.post("", response=responses(CaseCreatedOut, 201), summary="登记案件（直接登记、上级交办）")
def create_case(request: HttpRequest, body: CaseIn) -> Any:
    a = actor(request)

    def run() -> dict[str, Any]:
        c = services.register_by_hand(actor=a, **body.model_dump())
        return audit.normalise({"id": c.pk, "number": c.number})

    return write_once(request, "cases.create", body.model_dump(mode="json"), run, status=201)


@router.get("/{case_id}", response=responses(CaseDetailOut), summary="案件（案卷）详情")
def get_case(request: HttpRequest, case_id: Id) -> Any:
    return detail_out(case_steps.load_case(actor(request), case_id), request)


steps.mount_api(router, case_steps.WF, "case_id")
