"""Pages of the award checks and the records of a project: interviews (约谈),
abnormal award events, subcontracts, coverage and data completion, documents
and personnel bans (R-PRJ-04, R-PRJ-05, R-PRJ-11, R-CHG-04)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from postaward.core import clock, steps
from postaward.core.errors import DomainError, Forbidden, NotFound
from postaward.core.lists import Column, Filter, ListSpec, render_list
from postaward.core.web import actor_of, flash_error, page_view
from postaward.orgs.models import Person

from . import forms, services
from . import steps_checks as project_checks
from .choices import (
    BanReason,
    DataCompletionState,
    ParticipantRole,
    Position,
)
from .models import (
    AbnormalAwardEvent,
    DataCompletionApplication,
    PersonnelBan,
    Project,
)
from .views import _back, _form_page, _project, _require, can_see_bans
from .workflows import OWNER_MANAGERS

# --- interviews, abnormal events, subcontracts, coverage, documents, bans --------------------------


@page_view
def interview_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    services.RECORD_INTERVIEW.check_who(project, actor)
    orgs: list[tuple[int, str]] = []
    if project.owner:
        orgs.append((project.owner.pk, f"建设单位 {project.owner.name}"))
    for pt in project.participants.select_related("organisation").order_by("role"):
        if pt.role in (ParticipantRole.CONTRACTOR, ParticipantRole.SUPERVISING_FIRM):
            orgs.append((pt.organisation_id, f"{pt.get_role_display()} {pt.organisation.name}"))
    if project.industry_authority:
        authority = project.industry_authority
        orgs.append((authority.pk, f"行业主管部门 {authority.name}"))
    form = forms.InterviewForm(request.POST or None, request.FILES or None, organisations=orgs)
    return _form_page(
        request,
        project=project,
        form=form,
        title="登记标后约谈（履约提醒）",
        intro="开工前，建设单位会同行业主管部门约谈中标单位，提醒诚信履约：工程质量、工期、安全文明施工、农民工工资支付，"
        "不转包、不违法分包、不挂靠（R-PRJ-11）。",
        basis="R-PRJ-11（QZ 第三条，HC 二(四)4）",
        on_valid=lambda f: services.record_interview(
            actor=actor,
            project=project,
            held_on=f.cleaned_data["held_on"],
            location=f.cleaned_data["location"],
            topics=f.cleaned_data["topics"],
            attendees=f.attendees(),
            notes=f.cleaned_data["notes"],
            upload=f.cleaned_data["record"],
        ),
        success="约谈记录已登记",
        back=_back(project, "records"),
        multipart=True,
    )


@page_view
def abnormal_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    services.RECORD_ABNORMAL.check_who(project, actor)
    form = forms.AbnormalForm(
        request.POST or None, request.FILES or None, initial={"occurred_on": clock.today()}
    )
    return _form_page(
        request,
        project=project,
        form=form,
        title="登记标后异常事件",
        intro="中标人弃标、招标人取消采购或拖延签订合同，应说明理由并报行业主管部门备案；无正当理由的依法查处（R-PRJ-12）。",
        basis="R-PRJ-12（LC 五）",
        on_valid=lambda f: services.record_abnormal_event(
            actor=actor,
            project=project,
            kind=f.cleaned_data["kind"],
            occurred_on=f.cleaned_data["occurred_on"],
            party_name=f.cleaned_data["party_name"],
            reason=f.cleaned_data["reason"],
            upload=f.cleaned_data.get("filing"),
        ),
        success="异常事件已登记，待行业主管部门审查",
        back=_back(project, "records"),
        multipart=True,
    )


def _may_decide(request: HttpRequest, obj: Any, steps_: tuple[steps.Step, ...]) -> str:
    """The decision page of ``obj`` (its registry steps ``steps_``): 403 when
    the actor may take none of them (the steps' own ``who``); the step asked
    for by ``?d=`` preselected."""
    actor = actor_of(request)
    errs = [steps.refusal(s, obj, actor) for s in steps_]
    if all(isinstance(e, Forbidden) for e in errs):
        raise errs[0]  # type: ignore[misc]
    return request.GET.get("d", "")


@page_view
def abnormal_review(request: HttpRequest, pk: int, event_id: int) -> HttpResponse:
    """The ``file`` or ``flag`` step of an abnormal event (``steps_checks.py``)."""
    actor = actor_of(request)
    project = _project(request, pk)
    evt = AbnormalAwardEvent.objects.filter(project=project, pk=event_id).first()
    if evt is None:
        raise NotFound()
    d = _may_decide(request, evt, (project_checks.FILE, project_checks.FLAG))
    form = forms.ReviewForm(
        request.POST or None, initial={"valid_reason": {"file": "1", "flag": "0"}.get(d)}
    )
    return _form_page(
        request,
        project=project,
        form=form,
        title=f"审查：{evt.get_kind_display()}",
        intro=f"发生日期 {evt.occurred_on:%Y-%m-%d}；相关单位：{evt.party_name or '—'}；理由：{evt.reason}",
        on_valid=lambda f: services.review_abnormal_event(
            actor=actor,
            event=evt,
            valid_reason=f.cleaned_data["valid_reason"] == "1",
            note=f.cleaned_data["note"],
        ),
        success="审查结论已登记",
        back=_back(project, "records"),
    )


@page_view
def subcontract_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    parts = [
        pt
        for pt in project.participants.filter(role=ParticipantRole.CONTRACTOR).select_related(
            "organisation"
        )
        if services.common._contractor_side(project, pt, actor)
    ]
    _require(bool(parts), "施工单位（总管或本项目项目经理）方可登记分包")
    form = forms.SubcontractForm(
        request.POST or None,
        request.FILES or None,
        participants=[
            (pt.pk, pt.organisation.name + ("" if pt.allows_subcontract else "（合同不允许分包）"))
            for pt in parts
        ],
    )

    def save(f: forms.SubcontractForm) -> None:
        d = dict(f.cleaned_data)
        part = next(pt for pt in parts if pt.pk == int(d.pop("participant")))
        services.register_subcontract(actor=actor, participant=part, upload=d.pop("file"), **d)

    return _form_page(
        request,
        project=project,
        form=form,
        title="登记分包",
        intro="施工合同约定允许分包的，施工单位上传分包合同，填报分包内容和承包单位（R-PRJ-08）。",
        on_valid=save,
        success="分包已登记",
        back=_back(project, "organisation"),
        multipart=True,
    )


@page_view
def agreement_create(request: HttpRequest, pk: int) -> HttpResponse:
    """登记补充协议 (R-INS-07): the owner or the contractor of the contract."""
    actor = actor_of(request)
    project = _project(request, pk)
    parts = services.agreement_contracts(project, actor)
    _require(bool(parts), f"{services.AGREEMENT_WHO}方可登记补充协议")
    form = forms.AgreementForm(
        request.POST or None,
        request.FILES or None,
        participants=[(pt.pk, pt.organisation.name) for pt in parts],
    )

    def save(f: forms.AgreementForm) -> None:
        d = dict(f.cleaned_data)
        part = next(pt for pt in parts if pt.pk == int(d.pop("participant")))
        services.register_agreement(actor=actor, participant=part, upload=d.pop("file"), **d)

    return _form_page(
        request,
        project=project,
        form=form,
        title="登记补充协议",
        intro="建设单位与中标单位签订的补充协议须在平台登记，行业主管部门抽查合同及补充协议"
        "与中标结果是否一致（衢州市政府投资工程建设项目标后监管实施细则第二条第（二）项）。",
        on_valid=save,
        success="补充协议已登记",
        back=_back(project, "organisation"),
        multipart=True,
    )


@page_view
def coverage_mark(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    services.MARK_UNCOVERED.check_who(project, actor)
    form = forms.RequiredNoteForm(request.POST or None)
    return _form_page(
        request,
        project=project,
        form=form,
        title="认定项目未纳入平台监管",
        intro="未纳入平台监管的项目原则上不得结算审计；建设单位须提交项目资料补全申请书，经主管单位同意后补齐资料（R-PRJ-05）。",
        on_valid=lambda f: services.mark_uncovered(
            actor=actor, project=project, note=f.cleaned_data["note"]
        ),
        success="已认定为未纳入平台监管",
        back=_back(project, "coverage"),
    )


@page_view
def completion_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    services.APPLY_COMPLETION.check_who(project, actor)
    form = forms.CompletionForm(request.POST or None, request.FILES or None)
    return _form_page(
        request,
        project=project,
        form=form,
        title="提交项目资料补全申请书",
        basis="R-PRJ-05（实施细则第三十三条）",
        on_valid=lambda f: services.apply_data_completion(
            actor=actor,
            project=project,
            reason=f.cleaned_data["reason"],
            upload=f.cleaned_data["application"],
        ),
        success="补全申请已提交，待主管单位审批",
        back=_back(project, "coverage"),
        multipart=True,
    )


@page_view
def completion_decide(request: HttpRequest, pk: int, app_id: int) -> HttpResponse:
    """The ``approve`` or ``reject`` step of an application (``steps_checks.py``)."""
    actor = actor_of(request)
    project = _project(request, pk)
    app = DataCompletionApplication.objects.filter(project=project, pk=app_id).first()
    if app is None:
        raise NotFound()
    d = _may_decide(request, app, (project_checks.APPROVE, project_checks.REFUSE))
    form = forms.DecideForm(
        request.POST or None, initial={"approve": {"approve": "1", "reject": "0"}.get(d)}
    )
    return _form_page(
        request,
        project=project,
        form=form,
        title="审批资料补全申请",
        intro=f"申请人：{app.submitted_by_name}；原因：{app.reason}",
        on_valid=lambda f: services.decide_data_completion(
            actor=actor,
            application=app,
            approve=f.cleaned_data["approve"] == "1",
            note=f.cleaned_data["note"],
        ),
        success="审批意见已登记",
        back=_back(project, "coverage"),
    )


@page_view
def backfill(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    services.BACKFILL_DATES.check_who(project, actor)
    app = project.data_completions.filter(state=DataCompletionState.APPROVED).first()
    if request.method == "POST" and request.POST.get("confirm") == "1":
        if app is None:
            messages.error(request, "补全申请尚未获主管单位同意")
        else:
            try:
                services.confirm_backfill(actor=actor, application=app)
                messages.success(request, "项目资料已补全，可以结算送审")
            except (Forbidden, NotFound):
                raise
            except DomainError as exc:
                flash_error(request, exc)
        return redirect(_back(project, "coverage"))
    form = forms.BackfillDatesForm(
        request.POST or None,
        initial={
            "actual_start": project.actual_start,
            "actual_completion": project.actual_completion,
        },
    )
    return _form_page(
        request,
        project=project,
        form=form,
        title="补录开工、完工日期",
        intro="补全申请获主管单位同意后，补录参建单位、合同、关键岗位人员和开工、完工日期，然后确认资料已补全（R-PRJ-05）。",
        on_valid=lambda f: services.backfill_dates(actor=actor, project=project, **f.cleaned_data),
        success="日期已补录",
        back=_back(project, "coverage"),
    )


@page_view
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    _require(OWNER_MANAGERS(project, actor), "建设单位项目负责人或总管方可上传资料")
    form = forms.DocumentForm(request.POST or None, request.FILES or None)
    return _form_page(
        request,
        project=project,
        form=form,
        title="上传项目资料",
        intro="管理制度、开工报告等标后管理档案资料（R-PRJ-04）。",
        on_valid=lambda f: services.upload_document(
            actor=actor,
            project=project,
            category=f.cleaned_data["category"],
            title=f.cleaned_data["title"],
            upload=f.cleaned_data["file"],
        ),
        success="资料已上传",
        back=_back(project, "documents"),
        multipart=True,
    )


@page_view
def ban_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    services.RECORD_BAN.check_who(project, actor)
    people = [
        (
            a.person_id,
            f"{a.person.name}（{a.get_position_display()}，{a.participant.organisation.name}）",
        )
        for a in project.assignments.select_related("person", "participant__organisation")
    ]
    form = forms.BanForm(request.POST or None, people=list(dict(people).items()))
    return _form_page(
        request,
        project=project,
        form=form,
        title="登记人员任职限制",
        intro="变更撤换的人员在本工程完工前不得在区内其他项目担任相同岗位；因病变更的人员在治疗恢复期内不得担任任何项目岗位（R-CHG-04）。",
        basis="R-CHG-04（实施细则第二十七条）",
        on_valid=lambda f: services.record_personnel_ban(
            actor=actor,
            person=Person.objects.get(pk=int(f.cleaned_data["person"])),
            reason=f.cleaned_data["reason"],
            source_project=project,
            position=f.cleaned_data["position"],
            until=f.cleaned_data["until"],
            note=f.cleaned_data["note"],
        ),
        success="任职限制已登记",
        back=_back(project, "organisation"),
    )


@page_view
def ban_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _require(can_see_bans(actor), "当前单位不能查看人员任职限制")
    visible = Project.objects.visible_to(actor).values("pk")
    qs = PersonnelBan.objects.filter(source_project_id__in=visible).select_related(
        "person", "person__organisation", "source_project"
    )
    today = clock.today()

    def active(bans: list[Any]) -> list[Any]:
        # whether the ban still holds (the page's rows only, not every ban)
        for ban in bans:
            allowed, _ = services.may_be_named(ban.person, ban.position or "project_manager", today)
            ban.still_active = not allowed
        return bans

    spec = ListSpec(
        key="bans",
        title="人员任职限制",
        columns=[
            Column("person", "人员", lambda b: b.person.name, sort="person__name"),
            Column(
                "org",
                "单位",
                lambda b: b.person.organisation.name,
                sort="person__organisation__name",
            ),
            Column("reason", "原因", lambda b: b.get_reason_display(), sort="reason"),
            Column(
                "position",
                "岗位",
                lambda b: b.get_position_display() or "所有岗位",
                sort="position",
            ),
            Column(
                "project",
                "原项目",
                lambda b: b.source_project.name if b.source_project else "",
                link=lambda b: (
                    reverse("project_detail", args=[b.source_project.pk])
                    if b.source_project
                    else ""
                ),
                note=lambda b: b.source_project.get_status_display() if b.source_project else "",
            ),
            Column(
                "until",
                "限制至",
                lambda b: f"{b.until:%Y-%m-%d}" if b.until else "原项目完工",
                sort="until",
            ),
            Column(
                "active",
                "状态",
                lambda b: "限制中" if b.still_active else "已解除",
                tag=lambda b: "red" if b.still_active else "grey",
            ),
            Column(
                "created",
                "登记",
                lambda b: f"{clock.localtime(b.created_at):%Y-%m-%d}",
                sort="created_at",
                note=lambda b: f"{b.organisation_name} {b.created_by_name}",
            ),
        ],
        filters=[
            Filter("reason", "原因", "reason", choices=BanReason.choices),
            Filter("position", "岗位", "position", choices=Position.choices),
        ],
        search=("person__name", "person__organisation__name", "source_project__name"),
        search_label="人员/单位/项目",
        default_sort="-created",
        empty="暂无",
        export_name="人员任职限制",
        testid="bans",
        prepare=active,
    )
    return render_list(
        request,
        spec,
        qs,
        template="projects/ban_list.html",
        context={"section": "项目监管", "icon": "bi-person-x"},
    )
