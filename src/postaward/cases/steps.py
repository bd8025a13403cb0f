"""The steps of a case, declared once (ADR 0060, ADR 0600; R-CAS-01..05,
R-ALR-06). Opening a case is not a step (``services.open_case``). The case
page, the API (``GET/POST /api/v1/cases/{case_id}/steps[/{name}]``) and the
generated authorization tests read this list."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.urls import reverse
from pydantic import Field

from postaward.core import steps
from postaward.core.actor import Actor
from postaward.core.api_base import StrictIn
from postaward.core.bodies import FileIn
from postaward.core.scoping import get_visible_or_404
from postaward.core.types import Id
from postaward.orgs.choices import Role

from . import deadline_kinds as dk
from . import forms
from .choices import (
    BEFORE_FILING,
    REFERABLE,
    DeliveryMethod,
    LightMeasure,
    ReferralTarget,
    State,
)
from .models import Case, snapshot

WF = "cases.case"
OFFICE_ACTING = frozenset({Role.OFFICE_STAFF, Role.UNIT_LEADER})
DEPT_ACTING = frozenset({Role.AUTHORITY_STAFF, Role.UNIT_LEADER})


def office_head(c: Case, a: Actor) -> bool:
    """The head of the supervision office (its unit leader)."""
    return a.is_system or (a.organisation_id == c.office_id and Role.UNIT_LEADER in a.roles)


def office_staff(c: Case, a: Actor) -> bool:
    return a.is_system or (a.organisation_id == c.office_id and bool(a.roles & OFFICE_ACTING))


def team(c: Case, a: Actor) -> bool:
    """The investigation team's members, or the office's staff."""
    if office_staff(c, a):
        return True
    return a.person_id is not None and c.members.filter(person_id=a.person_id).exists()


def dept_staff(c: Case, a: Actor) -> bool:
    return a.is_system or (a.organisation_id == c.department_id and bool(a.roles & DEPT_ACTING))


def dept_head(c: Case, a: Actor) -> bool:
    return a.is_system or (a.organisation_id == c.department_id and Role.UNIT_LEADER in a.roles)


def has_pending_extension(c: Case, a: Actor) -> bool:
    from .services import pending_extension

    return pending_extension(c) is not None


def no_pending_extension(c: Case, a: Actor) -> bool:
    return not has_pending_extension(c, a)


# --- inputs (API) --------------------------------------------------------------------------------


class CaseTeamIn(StrictIn):
    leader_id: Id = Field(description="组长（执法人员库中的执法证）")
    member_ids: list[Id] = Field([], max_length=10, description="组员（执法证）")
    specialist_ids: list[Id] = Field([], max_length=10, description="专业人员（执法证）")


class CaseExtensionIn(StrictIn):
    days: int = Field(ge=1, le=30, description="延长的工作日数")
    reason: str = Field(max_length=2000, description="延期理由")


class CaseNoteIn(StrictIn):
    note: str = Field("", max_length=2000, description="意见")


class CaseRequiredNoteIn(StrictIn):
    note: str = Field(max_length=2000, description="意见")


class CaseReportIn(StrictIn):
    report: str = Field(max_length=5000, description="调查情况")
    proposal: str = Field(max_length=2000, description="拟处理意见")


class CaseOpinionIn(StrictIn):
    opinion: str = Field(max_length=2000, description="审议意见")


class CaseMeetingIn(StrictIn):
    held_on: dt.date = Field(description="会审日期")
    on_behalf: bool = Field(False, description="副主任受主任委托召集")
    agenda: str = Field(max_length=2000, description="议程")
    attendees: str = Field(max_length=1000, description="参会人员")
    absences: str = Field("", max_length=1000, description="缺席人员")
    absence_approved_by: str = Field("", max_length=100, description="缺席批准人（监管办主任）")
    minutes: str = Field(max_length=5000, description="会议纪要")


class CaseFinalReportIn(StrictIn):
    evidence_review: str = Field(max_length=2000, description="证据复核意见")
    measure: str = Field(max_length=300, description="处罚（处理）措施")
    fine_yuan: str = Field("0", max_length=20, description="罚款（元）")
    points: int = Field(0, ge=0, le=100, description="信用量化记分")
    basis: str = Field(max_length=500, description="法律依据")


class CaseDecideIn(StrictIn):
    waived: bool = Field(False, description="当事人已书面放弃陈述、申辩和听证")
    defence: str = Field("", max_length=2000, description="陈述申辩及采纳情况")


class CaseDeliverIn(StrictIn):
    method: Literal[tuple(DeliveryMethod.values)] = Field(description="送达方式")  # type: ignore[valid-type]
    delivered_on: dt.date = Field(description="送达日期")
    recipient: str = Field("", max_length=200, description="受送达人（默认当事人）")
    proof: FileIn = Field(description="送达回证（PDF、JPG 或 PNG）")


class CaseFeedbackIn(StrictIn):
    recipients: str = Field(max_length=300, description="反馈对象")
    text: str = Field(max_length=2000, description="反馈内容")


class CaseLightIn(StrictIn):
    measure: Literal[tuple(LightMeasure.values)] = Field(description="处理方式")  # type: ignore[valid-type]
    note: str = Field(max_length=2000, description="处理情况")
    points: int = Field(0, ge=0, le=100, description="信用量化记分")


class CaseReferIn(StrictIn):
    target: Literal[tuple(ReferralTarget.values)] = Field(  # type: ignore[valid-type]
        description="移送方向：discipline 纪检监察机关，public_security 公安机关"
    )
    recipient_org_id: Id = Field(description="接收机关")
    document_number: str = Field(max_length=60, description="移送函文号")
    note: str = Field(max_length=2000, description="移送理由")


# --- services ------------------------------------------------------------------------------------


def _svc(name: str) -> Any:
    def call(*, actor: Actor, obj: Case, **data: Any) -> Any:
        from . import services

        if "proof" in data and isinstance(data["proof"], dict):
            from postaward.core.bodies import _decode

            data["proof"] = _decode(FileIn(**data["proof"]), "proof")
        return getattr(services, name)(actor=actor, obj=obj, **data)

    call.__name__ = name
    return call


def _team_form(c: Case, a: Actor, data: Any, files: Any) -> Any:
    from .models import EnforcementCertificate

    certs = EnforcementCertificate.objects.visible_to(a).select_related("person", "department")
    return forms.TeamForm(data, people=[(x.pk, str(x)) for x in certs], auto_id="id_assign_team-%s")


def _refer_form(c: Case, a: Actor, data: Any, files: Any) -> Any:
    from postaward.orgs.choices import OrgKind
    from postaward.orgs.models import Organisation

    orgs = Organisation.objects.filter(
        kind__in=(OrgKind.DISCIPLINE, OrgKind.PUBLIC_SECURITY),
        path__startswith=c.office.path,
    )
    return forms.ReferForm(data, orgs=[(o.pk, o.name) for o in orgs], auto_id="id_refer-%s")


def _deliver_form(c: Case, a: Actor, data: Any, files: Any) -> Any:
    return (
        forms.DeliverForm(data, files, auto_id="id_deliver-%s")
        if data is not None
        else forms.DeliverForm(auto_id="id_deliver-%s")
    )


def load_case(actor: Actor, pk: int) -> Case:
    """The case through the actor's scope (404 out of scope)."""
    return get_visible_or_404(  # type: ignore[no-any-return]
        Case.objects.select_related("office", "department", "project"), actor, pk=pk
    )


def _render(request: Any, c: Case, *, bound: Any = None, status: int = 200) -> Any:
    from .views import render_detail

    return render_detail(request, c, bound=bound, status=status)


def _answer(request: Any, c: Case) -> Any:
    from .api import detail_out

    return detail_out(c, request)


CASE = steps.Workflow(
    key=WF,
    model=Case,
    label="案件",
    load=load_case,
    queryset=lambda: Case.objects.select_related("office", "department", "project"),
    snapshot=snapshot,
    detail_url=lambda c: reverse("cases_detail", args=[c.pk]),
    render_page=_render,
    answer=_answer,
    page_url_name="cases_step",
)

OFFICE_HEAD = "监管办负责人"
OFFICE = "监管办工作人员"
TEAM = "调查组成员"
DEPT = "主管部门执法人员"
DEPT_HEAD = "主管部门负责人"


def _s(
    name: str,
    label: str,
    who: Any,
    who_label: str,
    sources: tuple[str, ...],
    target: str,
    **kw: Any,
) -> steps.Step:
    return steps.Step(
        WF,
        name,
        label,
        who=who,
        who_label=who_label,
        sources=sources,
        target=target,
        service=_svc(kw.pop("svc", name)),
        action=f"cases.{name}",
        **kw,
    )


ASSIGN_TEAM = _s(
    "assign_team",
    "组建调查组",
    office_head,
    OFFICE_HEAD,
    (State.REGISTERED,),
    State.INVESTIGATING,
    schema=CaseTeamIn,
    form_factory=_team_form,
    basis="R-CAS-02",
    opens=dk.INVESTIGATION.kind,
    success="调查组已组建，调查期限15个工作日",
    help="组长负责制：从执法人员库（持执法证人员）中指定组长和组员",
)
REQUEST_EXTENSION = _s(
    "request_extension",
    "申请延期",
    team,
    TEAM,
    (State.INVESTIGATING,),
    "",
    guards=(steps.Guard(no_pending_extension, "已有待批准的延期申请", code="extension_pending"),),
    schema=CaseExtensionIn,
    form=forms.ExtensionForm,
    basis="R-CAS-02",
    success="延期申请已提交，待监管办负责人批准",
    style="outline-primary",
)
APPROVE_EXTENSION = _s(
    "approve_extension",
    "批准延期",
    office_head,
    OFFICE_HEAD,
    (State.INVESTIGATING,),
    "",
    guards=(steps.Guard(has_pending_extension, "没有待批准的延期申请", code="no_extension"),),
    schema=CaseNoteIn,
    form=forms.NoteForm,
    basis="R-CAS-02",
    success="延期已批准，已生成延长调查时限通知书",
    style="outline-primary",
)
SUBMIT_REPORT = _s(
    "submit_report",
    "提交调查报告",
    team,
    TEAM,
    (State.INVESTIGATING,),
    State.REPORTED,
    schema=CaseReportIn,
    form=forms.ReportForm,
    basis="R-CAS-03",
    closes=dk.INVESTIGATION.kind,
)
DELIBERATE = _s(
    "deliberate",
    "审议调查结论",
    office_head,
    OFFICE_HEAD,
    (State.REPORTED,),
    State.DELIBERATED,
    schema=CaseOpinionIn,
    form=forms.OpinionForm,
    basis="R-CAS-03",
    help="监管办负责人召集审议",
)
HOLD_MEETING = _s(
    "hold_meeting",
    "案件会审",
    office_head,
    OFFICE_HEAD,
    (State.DELIBERATED,),
    State.REVIEWED,
    schema=CaseMeetingIn,
    form=forms.MeetingForm,
    basis="R-CAS-03",
    success="会审已记录，会议纪要已生成",
    help="监管办主任召集（或副主任受委托召集）；缺席须经主任批准",
)
FILE_CASE = _s(
    "file_case",
    "立案",
    dept_head,
    DEPT_HEAD,
    (State.REVIEWED,),
    State.FILED,
    schema=CaseRequiredNoteIn,
    form=forms.RequiredNoteForm,
    basis="R-CAS-01",
    success="已立案，立案受理表已生成",
)
FINAL_REPORT = _s(
    "final_report",
    "证据复核及终结报告",
    team,
    TEAM,
    (State.FILED,),
    State.FINAL_REPORTED,
    schema=CaseFinalReportIn,
    form=forms.FinalReportForm,
    basis="R-CAS-03",
)
APPROVE_PENALTY = _s(
    "approve_penalty",
    "处罚审批",
    dept_head,
    DEPT_HEAD,
    (State.FINAL_REPORTED,),
    State.PENALTY_APPROVED,
    schema=CaseRequiredNoteIn,
    form=forms.RequiredNoteForm,
    basis="R-CAS-01",
    success="行政处罚审批表已生成",
)
NOTIFY = _s(
    "notify",
    "行政处罚告知",
    dept_staff,
    DEPT,
    (State.PENALTY_APPROVED,),
    State.NOTIFIED,
    basis="R-CAS-03",
    success="行政处罚告知书已生成",
    help="告知陈述申辩（3个工作日）和听证（5日）的权利",
)
DECIDE = _s(
    "decide",
    "作出处罚决定",
    dept_head,
    DEPT_HEAD,
    (State.NOTIFIED,),
    State.DECIDED,
    schema=CaseDecideIn,
    form=forms.DecideForm,
    basis="R-CAS-01",
    opens=dk.CREDIT_ENTRY.kind,
    success="行政处罚决定书已生成，请于1个工作日内录入信用记录",
)
DELIVER = _s(
    "deliver",
    "送达",
    dept_staff,
    DEPT,
    (State.DECIDED,),
    State.DELIVERED,
    schema=CaseDeliverIn,
    form_factory=_deliver_form,
    basis="R-CAS-03",
    success="送达已记录",
)
CREDIT_ENTRY = _s(
    "credit_entry",
    "录入信用记录",
    office_staff,
    OFFICE,
    (State.DELIVERED,),
    State.CREDIT_ENTERED,
    basis="R-CAS-04",
    closes=dk.CREDIT_ENTRY.kind,
    event="cases.penalty_decided",
    success="信用记录已录入",
    help="处罚决定及信用量化记分于决定后1个工作日内录入",
)
SIGN_OFF = _s(
    "sign_off_publication",
    "签发公示",
    office_head,
    OFFICE_HEAD,
    (State.CREDIT_ENTERED,),
    State.SIGNED_OFF,
    basis="R-CAS-05",
    event="cases.publication_signed_off",
    success="已签发，门户网站须于10个工作日内公示",
)
FEEDBACK = _s(
    "feedback",
    "结果反馈",
    office_staff,
    OFFICE,
    (State.SIGNED_OFF,),
    State.FED_BACK,
    schema=CaseFeedbackIn,
    form=forms.FeedbackForm,
    basis="R-CAS-03",
    success="结果反馈函已生成",
)
CLOSE = _s(
    "close",
    "结案归档",
    office_head,
    OFFICE_HEAD,
    (State.FED_BACK,),
    State.CLOSED,
    svc="close_case",
    schema=CaseNoteIn,
    form=forms.NoteForm,
    basis="R-CAS-03",
)
END_NO_VIOLATION = _s(
    "end_no_violation",
    "未发现违法违规结案",
    office_head,
    OFFICE_HEAD,
    BEFORE_FILING,
    State.CLOSED,
    schema=CaseRequiredNoteIn,
    form=forms.RequiredNoteForm,
    basis="R-CAS-03",
    style="outline-secondary",
)
END_LIGHT = _s(
    "end_light",
    "从轻处理结案",
    office_head,
    OFFICE_HEAD,
    BEFORE_FILING,
    State.CLOSED,
    schema=CaseLightIn,
    form=forms.LightForm,
    basis="R-CAS-03",
    style="outline-secondary",
    help="首次轻微违规：约谈、批评教育或责令整改",
)
REFER = _s(
    "refer",
    "移送",
    office_head,
    OFFICE_HEAD,
    REFERABLE,
    State.CLOSED,
    schema=CaseReferIn,
    form_factory=_refer_form,
    basis="R-ALR-06",
    event="cases.referred",
    style="outline-danger",
    help="违规违纪移送纪检监察机关，涉嫌犯罪移送公安机关（附案卷）",
)

ALL_STEPS = (
    ASSIGN_TEAM,
    REQUEST_EXTENSION,
    APPROVE_EXTENSION,
    SUBMIT_REPORT,
    DELIBERATE,
    HOLD_MEETING,
    FILE_CASE,
    FINAL_REPORT,
    APPROVE_PENALTY,
    NOTIFY,
    DECIDE,
    DELIVER,
    CREDIT_ENTRY,
    SIGN_OFF,
    FEEDBACK,
    CLOSE,
    END_NO_VIOLATION,
    END_LIGHT,
    REFER,
)
steps.register(CASE, *ALL_STEPS)
