"""The steps of an inspection and of a rectification order, declared once
(ADR 0060, ADR 0710; R-INS-05, R-INS-06, R-INS-08, R-CAS-05). The pages, the
API (``GET/POST /api/v1/inspections/visits/{inspection_id}/steps[/{name}]``,
``…/rectifications/{order_id}/steps…``) and the generated authorization
tests read these lists."""

from __future__ import annotations

from typing import Any, Literal

from django.urls import reverse
from pydantic import Field

from postaward.core import steps
from postaward.core.actor import Actor
from postaward.core.api_base import StrictIn
from postaward.core.bodies import FileIn
from postaward.core.scoping import get_visible_or_404
from postaward.core.types import Id
from postaward.orgs.choices import OrgKind

from . import deadline_kinds_visits as dk
from . import forms_visits as forms
from . import services_visits as svc
from .models.visits import (
    Disposition,
    Inspection,
    InspectionState,
    ItemResult,
    OrderState,
    RectificationOrder,
    RectificationReply,
    order_snapshot,
    snapshot,
)

WF = "inspections.inspection"
ORDER_WF = "inspections.rectification"
S = InspectionState


# --- guards ------------------------------------------------------------------------------------------


def _notified_if_announced(i: Inspection, a: Actor) -> bool:
    return not (i.announced and i.state == S.SCHEDULED)


def _announced(i: Inspection, a: Actor) -> bool:
    return i.announced


def _not_signed_by_me(i: Inspection, a: Actor) -> bool:
    if a.is_system or a.person_id is None:
        return True
    return i.inspectors.filter(person_id=a.person_id, signed_at__isnull=True).exists()


def _has_open_finding(i: Inspection, a: Actor) -> bool:
    return i.findings.filter(disposition="").exists()


# --- inputs (API) -------------------------------------------------------------------------------------


class VisitNoticeIn(StrictIn):
    notice: str = Field("", max_length=2000, description="检查通知（可选）")


class VisitRecordIn(StrictIn):
    item_id: Id = Field(description="检查事项")
    result: Literal[tuple(ItemResult.values)] = Field(  # type: ignore[valid-type]
        description="compliant 符合，finding 发现问题"
    )
    description: str = Field("", max_length=2000, description="检查情况 / 问题描述")
    subject_org_id: Id | None = Field(None, description="责任主体（发现问题时）")
    photo: FileIn | None = Field(None, description="现场照片（JPG、PNG；或 PDF）")
    document: FileIn | None = Field(None, description="其他资料（PDF、JPG 或 PNG）")
    lat: float | None = Field(None, ge=-90, le=90, description="拍摄位置纬度")
    lon: float | None = Field(None, ge=-180, le=180, description="拍摄位置经度")
    accuracy: float | None = Field(None, ge=0, description="定位精度（米）")
    taken_at: str = Field("", max_length=40, description="拍摄时间（ISO 8601）")


class VisitDisposeIn(StrictIn):
    finding_id: Id = Field(description="发现的问题")
    disposition: Literal[tuple(Disposition.values)] = Field(  # type: ignore[valid-type]
        description="talk 谈话提醒，criticism 批评教育，rectify 责令整改，case 立案查处，"
        "discipline 移送纪检监察机关，police 移送公安机关"
    )
    first_minor: bool = Field(False, description="首次轻微违法")
    social_harm: bool = Field(False, description="已造成社会危害")
    note: str = Field(max_length=2000, description="处理意见 / 整改要求")
    days: int | None = Field(None, ge=1, le=60, description="整改期限（工作日）")
    transfer_org_id: Id | None = Field(None, description="接收机关（移送时）")
    transfer_document: str = Field("", max_length=60, description="移送函文号（移送时）")


class VisitReportIn(StrictIn):
    report: str = Field(max_length=5000, description="检查情况报告")


class VisitSignOffIn(StrictIn):
    note: str = Field("", max_length=2000, description="审签意见")


class VisitPublishIn(StrictIn):
    summary: str = Field(
        "", max_length=10000, description="公开的检查结果（空：平台生成的脱敏文本）"
    )


class RectificationReplyIn(StrictIn):
    text: str = Field(max_length=5000, description="整改情况")
    file: FileIn | None = Field(None, description="整改材料（PDF、JPG 或 PNG）")


class RectificationVerifyIn(StrictIn):
    verdict: Literal[tuple(RectificationReply.Verdict.values)] = Field(  # type: ignore[valid-type]
        description="passed 整改到位，failed 未整改到位"
    )
    note: str = Field(max_length=2000, description="核查意见")
    days: int | None = Field(None, ge=1, le=60, description="重新整改期限（工作日）")


# --- services and forms ---------------------------------------------------------------------------------


def _decoded(data: dict[str, Any], *names: str) -> dict[str, Any]:
    from postaward.core.bodies import _decode

    for n in names:
        if isinstance(data.get(n), dict):
            data[n] = _decode(FileIn(**data[n]), n)
    return data


def _svc(name: str, *file_fields: str) -> Any:
    def call(*, actor: Actor, obj: Any, **data: Any) -> Any:
        return getattr(svc, name)(actor=actor, obj=obj, **_decoded(data, *file_fields))

    call.__name__ = name
    return call


def _record_form(i: Inspection, a: Actor, data: Any, files: Any) -> Any:
    from postaward.orgs.models import Organisation

    items = [(it.pk, f"{it.position}. {it.name}") for it in i.items.all()]
    from .conflicts import project_units

    subjects = [
        (o.pk, o.name)
        for o in Organisation.objects.filter(pk__in=project_units(i.project)).order_by("name")
    ]
    kw: dict[str, Any] = {"items": items, "subjects": subjects, "auto_id": "id_record-%s"}
    return forms.RecordForm(data, files, **kw) if data is not None else forms.RecordForm(**kw)


def _dispose_form(i: Inspection, a: Actor, data: Any, files: Any) -> Any:
    from postaward.orgs.models import Organisation

    findings = [
        (f.pk, f"{f.item.name}：{f.subject_text}：{f.description[:30]}")
        for f in i.findings.filter(disposition="").select_related("item")
    ]
    orgs = [
        (o.pk, o.name)
        for o in Organisation.objects.filter(
            kind__in=(OrgKind.DISCIPLINE, OrgKind.PUBLIC_SECURITY),
            path__startswith=i.office.path,
        )
    ]
    kw: dict[str, Any] = {"findings": findings, "orgs": orgs, "auto_id": "id_dispose-%s"}
    return forms.DisposeForm(data, **kw) if data is not None else forms.DisposeForm(**kw)


def _publish_form(i: Inspection, a: Actor, data: Any, files: Any) -> Any:
    if data is not None:
        return forms.PublishForm(data, auto_id="id_publish-%s")
    return forms.PublishForm(initial={"summary": i.public_summary}, auto_id="id_publish-%s")


def _reply_form(o: RectificationOrder, a: Actor, data: Any, files: Any) -> Any:
    if data is not None:
        return forms.ReplyForm(data, files, auto_id="id_reply-%s")
    return forms.ReplyForm(auto_id="id_reply-%s")


def load_inspection(actor: Actor, pk: int) -> Inspection:
    return get_visible_or_404(  # type: ignore[no-any-return]
        Inspection.objects.select_related("office", "department", "project"), actor, pk=pk
    )


def load_order(actor: Actor, pk: int) -> RectificationOrder:
    return get_visible_or_404(  # type: ignore[no-any-return]
        RectificationOrder.objects.select_related("inspection", "finding", "subject_org"),
        actor,
        pk=pk,
    )


def _render(request: Any, i: Inspection, *, bound: Any = None, status: int = 200) -> Any:
    from .views_visits import render_detail

    return render_detail(request, i, bound=bound, status=status)


def _render_order(
    request: Any, o: RectificationOrder, *, bound: Any = None, status: int = 200
) -> Any:
    from .views_visits import render_order

    return render_order(request, o, bound=bound, status=status)


def _answer(request: Any, i: Inspection) -> Any:
    from .api_visits import detail_out

    return detail_out(i, request)


def _answer_order(request: Any, o: RectificationOrder) -> Any:
    from .api_visits import order_out

    return order_out(o)


INSPECTION = steps.Workflow(
    key=WF,
    model=Inspection,
    label="检查",
    load=load_inspection,
    queryset=lambda: Inspection.objects.select_related("office", "department", "project"),
    snapshot=snapshot,
    detail_url=lambda i: reverse("inspections_visit", args=[i.pk]),
    render_page=_render,
    answer=_answer,
    page_url_name="inspections_visit_step",
)
ORDER = steps.Workflow(
    key=ORDER_WF,
    model=RectificationOrder,
    label="整改通知",
    load=load_order,
    queryset=lambda: RectificationOrder.objects.select_related("inspection", "finding"),
    snapshot=order_snapshot,
    detail_url=lambda o: reverse("inspections_order", args=[o.pk]),
    render_page=_render_order,
    answer=_answer_order,
    page_url_name="inspections_order_step",
)

ORGANISER = "监管办或检查部门工作人员"
INSPECTOR = "检查组成员"
OFFICE_HEAD = "监管办负责人"
OFFICE = "监管办工作人员"
_BASIS_DONE = "R-INS-05"


def _s(
    name: str, label: str, who: Any, who_label: str, sources: Any, target: str, **kw: Any
) -> Any:
    return steps.Step(
        WF,
        name,
        label,
        who=who,
        who_label=who_label,
        sources=tuple(sources),
        target=target,
        service=_svc(kw.pop("svc", name), *kw.pop("file_fields", ())),
        action=f"inspections.{name}",
        **kw,
    )


NOTIFY = _s(
    "notify",
    "通知被检查单位",
    svc.is_organiser,
    ORGANISER,
    (S.SCHEDULED,),
    S.NOTIFIED,
    guards=(steps.Guard(_announced, "不打招呼的检查不事先通知，直接进场", code="unannounced"),),
    schema=VisitNoticeIn,
    form=forms.NoticeForm,
    basis="R-INS-05 R-INS-06",
    success="已通知，检查依据、人员、事项、方式和程序已在门户网站公开",
)
START_VISIT = _s(
    "start_visit",
    "进场检查",
    svc.is_inspector,
    INSPECTOR,
    (S.SCHEDULED, S.NOTIFIED),
    S.ON_SITE,
    guards=(
        steps.Guard(
            _notified_if_announced, "事先通知的检查须先通知被检查单位", code="not_notified"
        ),
    ),
    basis="R-INS-05",
    help="不打招呼的检查直接进场",
)
RECORD = _s(
    "record",
    "记录检查结果",
    svc.is_inspector,
    INSPECTOR,
    (S.ON_SITE,),
    "",
    svc="record_result",
    file_fields=("photo", "document"),
    schema=VisitRecordIn,
    form_factory=_record_form,
    basis="R-INS-05",
    success="检查结果已记录",
    help="逐项记录：符合 / 发现问题；可在手机上直接拍照（记录位置和时间）",
)
DISPOSE = _s(
    "dispose",
    "处理发现的问题",
    svc.is_inspector,
    INSPECTOR,
    (S.ON_SITE, S.RECORD_SIGNED),
    "",
    guards=(steps.Guard(_has_open_finding, "没有待处理的问题", code="no_open_finding"),),
    schema=VisitDisposeIn,
    form_factory=_dispose_form,
    basis="R-INS-08",
    event="inspections.case_requested",
    opens=dk.RECTIFICATION.kind,
    success="处理意见已记录",
    style="outline-primary",
    help="首次轻微违法且未造成社会危害的：谈话提醒、批评教育、责令整改；其他：立案查处或移送",
)
SIGN_RECORD = _s(
    "sign_record",
    "签认检查记录",
    svc.is_inspector,
    INSPECTOR,
    (S.ON_SITE,),
    "",
    guards=(
        steps.Guard(svc.all_items_done, "尚有检查事项未记录结果", code="items_open"),
        steps.Guard(_not_signed_by_me, "您已签认检查记录", code="already_signed"),
    ),
    basis="R-INS-05",
    success="已签认；全体检查人员签认后检查记录生效",
)
REPORT = _s(
    "report",
    "报告监管办负责人",
    svc.is_inspector,
    INSPECTOR,
    (S.RECORD_SIGNED,),
    S.REPORTED,
    guards=(steps.Guard(svc.all_disposed, "尚有发现的问题未作处理", code="findings_open"),),
    schema=VisitReportIn,
    form=forms.ReportForm,
    basis="R-INS-05",
)
SIGN_OFF = _s(
    "sign_off",
    "审签检查结果",
    svc.is_office_head,
    OFFICE_HEAD,
    (S.REPORTED,),
    S.SIGNED_OFF,
    schema=VisitSignOffIn,
    form=forms.NoteForm,
    basis="R-CAS-05 R-INS-06",
    opens=dk.RESULTS.kind,
    event="inspections.finding_recorded",
    success="已审签，检查结果须于10个工作日内公开",
)
PUBLISH = _s(
    "publish",
    "公开检查结果",
    svc.is_office_staff,
    OFFICE,
    (S.SIGNED_OFF,),
    S.PUBLISHED,
    svc="publish_results",
    schema=VisitPublishIn,
    form_factory=_publish_form,
    basis="R-INS-06 R-CAS-05",
    closes=dk.RESULTS.kind,
    success="检查结果已在门户网站公开",
)

REPLY = steps.Step(
    ORDER_WF,
    "reply",
    "回复整改情况",
    who=svc.is_order_subject,
    who_label="整改主体",
    sources=(OrderState.OPEN,),
    target=OrderState.REPLIED,
    service=_svc("reply", "file"),
    action="inspections.reply",
    schema=RectificationReplyIn,
    form_factory=_reply_form,
    basis="R-INS-08",
    closes=dk.RECTIFICATION.kind,
    success="整改情况已回复，待检查人员核查",
)
VERIFY = steps.Step(
    ORDER_WF,
    "verify",
    "核查整改",
    who=svc.is_order_verifier,
    who_label="检查组成员或监管办工作人员",
    sources=(OrderState.REPLIED,),
    target="",
    service=_svc("verify"),
    action="inspections.verify",
    schema=RectificationVerifyIn,
    form=forms.VerifyForm,
    basis="R-INS-08",
    opens=dk.RECTIFICATION.kind,
    success="核查结论已记录",
    help="整改到位：销号；未整改到位：重新整改并给出新的期限",
)

ALL_STEPS = (NOTIFY, START_VISIT, RECORD, DISPOSE, SIGN_RECORD, REPORT, SIGN_OFF, PUBLISH)


def register() -> None:
    steps.register(INSPECTION, *ALL_STEPS)
    steps.register(ORDER, REPLY, VERIFY)
