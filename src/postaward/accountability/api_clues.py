"""API of the clues part under ``/api/v1/accountability`` (R-ACT-01,
R-ACT-02): the catalogue (list; a new version of an act's wording; a new act),
the clues (list and detail, read by the district's office and discipline
inspection only, every read audited; registration with Idempotency-Key; the
evidence file), and the clue's steps (confirm, dismiss)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import File, Query, Router, Schema, UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from postaward.core import clock, files, steps, writes
from postaward.core.api_base import LimitOffset, StrictIn, actor, idempotency_key, responses
from postaward.core.errors import Conflict, Forbidden
from postaward.core.types import Date, Id, StrictId

from . import services_catalogue as cat
from . import services_clues
from .choices import ClueSource, ClueState, Party
from .models import AccountableAct, Clue, snapshot_clue
from .steps_clues import WF, load_clue

router = Router()


class AccountableActOut(Schema):
    id: int
    code: str
    party: str
    party_label: str
    basis: str = Field(description="依据文件和条款")
    title: str
    text: str
    version: int
    is_current: bool
    active: bool
    note: str


def act_out(a: AccountableAct) -> dict[str, Any]:
    return {
        "id": a.pk,
        "code": a.code,
        "party": a.party,
        "party_label": a.get_party_display(),
        "basis": f"{a.document}{a.article}",
        "title": a.title,
        "text": a.text,
        "version": a.version,
        "is_current": a.is_current,
        "active": a.active,
        "note": a.note,
    }


class AccountableActFilter(Schema):
    party: Party | None = None
    active: bool | None = None
    history: bool = Field(False, description="包括已修订的旧版本")


def _reader(request: HttpRequest) -> Any:
    a = actor(request)
    if not services_clues.may_read(a):
        raise Forbidden("仅监管办和纪检监察机关可以查看问责线索和问责情形清单")
    return a


@router.get(
    "/acts",
    response=responses(list[AccountableActOut]),
    summary="问责情形清单（监管办、纪检监察机关）",
)
@paginate(LimitOffset)
def list_acts(request: HttpRequest, q: Query[AccountableActFilter]) -> Any:
    a = _reader(request)
    qs = cat.acts_of(a).order_by("party", "code", "-version")
    if not q.history:
        qs = qs.filter(is_current=True)
    if q.party is not None:
        qs = qs.filter(party=q.party)
    if q.active is not None:
        qs = qs.filter(active=q.active)
    return [act_out(x) for x in qs[:500]]


class AccountableActReviseIn(StrictIn):
    title: str = Field(max_length=200, description="问责情形")
    text: str = Field(max_length=2000, description="条文")
    note: str = Field(max_length=500, description="修订说明")
    active: bool = Field(True, description="启用")


@router.post(
    "/acts/{act_id}/versions",
    response=responses(AccountableActOut, 201),
    summary="修订问责情形（形成新版本，原版本保留；监管办）",
)
def revise_act(request: HttpRequest, act_id: Id, body: AccountableActReviseIn) -> Any:
    a = _reader(request)
    new = cat.revise_act(actor=a, act=cat.load_act(a, act_id), **body.dict())
    return 201, act_out(new)


class AccountableActNewIn(StrictIn):
    party: Party = Field(description="适用对象")
    article: str = Field(max_length=100, description="条款")
    title: str = Field(max_length=200, description="问责情形")
    text: str = Field(max_length=2000, description="条文")
    note: str = Field("", max_length=500, description="说明")


@router.post(
    "/acts",
    response=responses(AccountableActOut, 201),
    summary="新增问责情形（监管办）",
)
def add_act(request: HttpRequest, body: AccountableActNewIn) -> Any:
    return 201, act_out(cat.add_act(actor=actor(request), **body.dict()))


class ClueOut(Schema):
    id: int
    number: str
    source: str
    source_label: str
    source_detail: str
    party: str
    unit_id: int
    unit: str
    persons: list[str]
    persons_text: str
    act_id: int | None
    act: str
    basis: str = Field(description="问责情形的依据文件和条款")
    project_id: int | None
    facts: str
    occurred_on: dt.date | None
    evidence_note: str
    evidence_links: list[dict[str, str]]
    has_evidence_file: bool
    received_on: dt.date
    ageing_days: int = Field(description="自收集之日起的天数")
    state: str
    state_label: str
    decision_reason: str
    decided_at: str | None


def clue_out(c: Clue) -> dict[str, Any]:
    return {
        "id": c.pk,
        "number": c.number,
        "source": c.source,
        "source_label": c.get_source_display(),
        "source_detail": c.source_detail,
        "party": c.party,
        "unit_id": c.unit_id,
        "unit": c.unit.name,
        "persons": [p.name for p in c.persons.all()],
        "persons_text": c.persons_text,
        "act_id": c.act_id,
        "act": c.act.title if c.act is not None else "",
        "basis": f"{c.act.document}{c.act.article}" if c.act is not None else "",
        "project_id": c.project_id,
        "facts": c.facts,
        "occurred_on": c.occurred_on,
        "evidence_note": c.evidence_note,
        "evidence_links": list(c.evidence_links or []),
        "has_evidence_file": bool(c.evidence_file),
        "received_on": c.received_on,
        "ageing_days": (clock.today() - c.received_on).days,
        "state": c.state,
        "state_label": c.get_state_display(),
        "decision_reason": c.decision_reason,
        "decided_at": (
            clock.localtime(c.decided_at).strftime("%Y-%m-%d %H:%M") if c.decided_at else None
        ),
    }


class ClueFilter(Schema):
    state: ClueState | None = None
    source: ClueSource | None = None
    party: Party | None = None
    unit_id: Id | None = None
    received_from: Date | None = None
    received_to: Date | None = None


@router.get(
    "/clues",
    response=responses(list[ClueOut]),
    summary="问责线索（仅本区监管办和纪检监察机关；每次查阅留痕）",
)
@paginate(LimitOffset)
def list_clues(request: HttpRequest, q: Query[ClueFilter]) -> Any:
    a = _reader(request)
    qs = services_clues.clues_of(a).prefetch_related("persons").order_by("-received_on", "-pk")
    for field in ("state", "source", "party", "unit_id"):
        value = getattr(q, field)
        if value is not None:
            qs = qs.filter(**{field: value})
    if q.received_from is not None:
        qs = qs.filter(received_on__gte=q.received_from)
    if q.received_to is not None:
        qs = qs.filter(received_on__lte=q.received_to)
    cat.audit_read(a, "accountability.clues_listed", query=request.GET.urlencode()[:200])
    return [clue_out(c) for c in qs[:1000]]


@router.get(
    "/clues/{clue_id}",
    response=responses(ClueOut),
    summary="问责线索详情（查阅留痕）",
)
def get_clue(request: HttpRequest, clue_id: Id) -> Any:
    return clue_out(services_clues.read_clue(actor(request), clue_id))


class ClueIn(StrictIn):
    source: ClueSource = Field(description="线索来源（问责办法第七条）")
    source_detail: str = Field("", max_length=300, description="来源说明")
    unit_id: StrictId = Field(description="涉及单位")
    act_id: StrictId = Field(description="问责情形（问责情形清单中的现行版本）")
    person_ids: list[StrictId] = Field(default_factory=list, description="涉及人员（该单位的人员）")
    persons_text: str = Field("", max_length=300, description="涉及人员（其他）")
    project_id: StrictId | None = Field(None, description="项目")
    facts: str = Field(max_length=4000, description="问题事实")
    occurred_on: Date | None = Field(None, description="行为发生日期")
    evidence_note: str = Field("", max_length=2000, description="证据说明")


@router.post(
    "/clues",
    response=responses(ClueOut, 201),
    summary="登记问责线索（监管办；可带 Idempotency-Key）",
)
def create_clue(request: HttpRequest, body: ClueIn) -> Any:
    c = services_clues.file_clue(
        actor(request), idempotency_key=idempotency_key(request), **body.dict()
    )
    return 201, clue_out(c)


@router.post(
    "/clues/{clue_id}/evidence",
    response=responses(ClueOut, 201),
    summary="上传问责线索的证据材料（监管办；待核实的线索；PDF、JPG、PNG）",
)
def upload_evidence(
    request: HttpRequest,
    clue_id: Id,
    evidence: UploadedFile = File(...),  # noqa: B008
) -> Any:
    a = actor(request)
    c = load_clue(a, clue_id)
    if not cat.is_office_staff(a, c.office_id):
        raise Forbidden("仅监管办可以上传证据材料")
    if c.state != ClueState.REGISTERED:
        raise Conflict("线索已核实，不能再补充证据材料")
    checked = files.check_upload(evidence, field="evidence")
    with writes.audited(
        Clue.objects.all(),
        pk=c.pk,
        actor=a,
        action="accountability.clue_evidence_added",
        snapshot=snapshot_clue,
    ) as w:
        files.save(w.obj.evidence_file, checked)
        w.obj.evidence_file_name = checked.name[:200]
        w.after["evidence_file_name"] = w.obj.evidence_file_name
    return 201, clue_out(w.obj)


steps.mount_api(router, WF, "clue_id", prefix="/clues")
