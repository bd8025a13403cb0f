"""API of the matters part under ``/api/v1/accountability`` (R-ACT-03..05):
the matters (scoped, every read audited), one matter, the transfer of a
confirmed clue (``POST /matters``, Idempotency-Key), the steps of a matter
(``refer``) and of a decision per person (``decide``, ``obstruct``), and the
award eligibility of a person in a year (``GET /award-eligibility``: by
person id, or by resident id number for integrators)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from postaward.core import clock, idcheck, steps
from postaward.core.api_base import LimitOffset, StrictIn, actor, idempotency_key, responses
from postaward.core.errors import Forbidden, NotFound, ValidationFailed
from postaward.core.scoping import get_visible_or_404
from postaward.core.types import Id, StrictId
from postaward.orgs.models import Person

from . import services_matters as sm
from .choices_matters import MatterState
from .models import Matter, MatterPerson
from .steps_matters import WF_DECISION, WF_MATTER, load_matter
from .views_matters import matters

router = Router()


class MatterDecisionOut(Schema):
    id: int
    person_id: int
    name: str
    post: str
    state: str
    state_label: str
    measures: list[str]
    measures_label: str
    circumstances: list[str]
    circumstance_notes: dict[str, str]
    severity: str
    severity_label: str
    decided_on: dt.date | None
    decision_document: str
    award_year: int | None = Field(description="取消评优评先资格的年度")
    actions: list[str] = Field(default_factory=list, description="当前账号可办理的环节")


class MatterOut(Schema):
    id: int
    number: str
    clue_id: int
    clue_number: str
    unit_id: int
    unit: str
    party: str
    act: str
    project_id: int | None
    facts: str
    act_on: dt.date
    body_id: int
    body: str
    body_kind: str
    transfer_note: str
    state: str
    state_label: str
    transferred_at: dt.datetime
    decided_on: dt.date | None
    referred: bool
    persons: list[MatterDecisionOut]


def decision_out(p: MatterPerson, actor_: Any = None) -> dict[str, Any]:
    return {
        "id": p.pk,
        "person_id": p.person_id,
        "name": p.name,
        "post": p.post,
        "state": p.state,
        "state_label": p.get_state_display(),
        "measures": list(p.measures),
        "measures_label": sm.measures_text(p.measures),
        "circumstances": list(p.circumstances),
        "circumstance_notes": dict(p.circumstance_notes),
        "severity": p.severity,
        "severity_label": p.get_severity_display() if p.severity else "",
        "decided_on": p.decided_on,
        "decision_document": p.decision_document,
        "award_year": p.award_year,
        "actions": steps.allowed_names(p, actor_) if actor_ is not None else [],
    }


def matter_out(m: Matter, actor_: Any = None) -> dict[str, Any]:
    return {
        "id": m.pk,
        "number": m.number,
        "clue_id": m.clue_id,
        "clue_number": m.clue.number,
        "unit_id": m.unit_id,
        "unit": m.unit.name,
        "party": m.party,
        "act": m.act_text,
        "project_id": m.project_id,
        "facts": m.facts,
        "act_on": m.act_on,
        "body_id": m.body_id,
        "body": m.body.name,
        "body_kind": m.body_kind,
        "transfer_note": m.transfer_note,
        "state": m.state,
        "state_label": m.get_state_display(),
        "transferred_at": m.transferred_at,
        "decided_on": m.decided_on,
        "referred": m.referred_at is not None,
        "persons": [decision_out(p, actor_) for p in m.persons.order_by("pk")],
    }


class MatterFilter(Schema):
    state: MatterState | None = None
    unit_id: Id | None = None


@router.get(
    "/matters",
    response=responses(list[MatterOut]),
    summary="问责事项（监管办、纪检监察机关看到本区全部；有权机关看到移送本机关的）",
)
@paginate(LimitOffset)
def list_matters(request: HttpRequest, q: Query[MatterFilter]) -> Any:
    a = actor(request)
    if not sm.may_see_matters(a):
        raise Forbidden("仅监管办、有权机关和纪检监察机关可以查看问责事项")
    qs = matters(a).order_by("-transferred_at", "-pk")
    if q.state is not None:
        qs = qs.filter(state=q.state)
    if q.unit_id is not None:
        qs = qs.filter(unit_id=q.unit_id)
    out = []
    for m in qs[:500]:
        sm.audit_read(a, m, "api_list")
        out.append(matter_out(m))
    return out


@router.get("/matters/{matter_id}", response=responses(MatterOut), summary="问责事项详情")
def get_matter(request: HttpRequest, matter_id: Id) -> Any:
    a = actor(request)
    m = load_matter(a, matter_id)
    sm.audit_read(a, m, "api")
    return matter_out(m, a)


class MatterIn(StrictIn):
    clue_id: StrictId = Field(description="已确认的问责线索")
    body_id: StrictId = Field(description="有权机关（上级主管单位或纪检监察机关）")
    transfer_note: str = Field(max_length=2000, description="移送意见")
    person_ids: list[StrictId] = Field(
        default_factory=list, description="被问责人员（默认为线索所列人员）"
    )


@router.post(
    "/matters",
    response=responses(MatterOut, 201),
    summary="移送有权机关：已确认的线索转为问责事项（监管办；可带 Idempotency-Key）",
)
def create_matter(request: HttpRequest, body: MatterIn) -> Any:
    a = actor(request)
    m = sm.transfer(
        actor=a,
        clue_id=body.clue_id,
        body_id=body.body_id,
        transfer_note=body.transfer_note,
        person_ids=body.person_ids or None,
        idempotency_key=idempotency_key(request),
    )
    return 201, matter_out(m, a)


class AwardEligibilityQuery(Schema):
    person: Id | None = Field(None, description="人员")
    id_number: str | None = Field(None, max_length=18, description="身份证号码（对接系统）")
    year: int | None = Field(None, ge=2000, le=2100, description="年度（默认今年）")


class AwardIneligibleMatterOut(Schema):
    number: str
    measures: str
    decided_on: dt.date
    decision_document: str
    body: str


class AwardEligibilityOut(Schema):
    person_id: int
    name: str
    year: int
    eligible: bool = Field(description="当年可以参加评优评先")
    basis: str
    matters: list[AwardIneligibleMatterOut]


@router.get(
    "/award-eligibility",
    response=responses(AwardEligibilityOut),
    summary="人员当年评优评先资格（受到通报及以上问责处理的取消当年资格）",
)
def award_eligibility(request: HttpRequest, q: Query[AwardEligibilityQuery]) -> Any:
    a = actor(request)
    if not sm.may_check_eligibility(a):
        raise Forbidden("仅监管办、纪检监察机关、政府部门负责人和对接系统可以查询")
    year = q.year or clock.today().year
    if (q.person is None) == (q.id_number is None):
        raise ValidationFailed("请提供人员或身份证号码（二者选一）", field="person")
    if q.person is not None:
        person = get_visible_or_404(Person.objects, a, pk=q.person)
    else:
        checked = idcheck.check_resident_id(q.id_number or "")
        if checked.error:
            raise ValidationFailed(checked.error, field="id_number")
        found = Person.objects.filter(id_number=checked.value).first()
        if found is None:
            raise NotFound("平台上没有该身份证号码的人员")
        person = found
    return sm.eligibility(person, year)


steps.mount_api(router, WF_MATTER, "matter_id", prefix="/matters")
steps.mount_api(router, WF_DECISION, "decision_id", prefix="/decisions")
