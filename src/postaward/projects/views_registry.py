"""Pages of the registry of a project: participants and their contracts, key
personnel and their check-in duty and stages (R-ORG-05, R-PRJ-03, R-ATT-01)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from postaward.core import clock
from postaward.core.actor import Actor
from postaward.core.errors import DomainError, Forbidden, NotFound
from postaward.core.web import actor_of, flash_error, page_view
from postaward.orgs.choices import (
    ENTERPRISE_KINDS,
)
from postaward.orgs.models import Organisation, Person, Qualification

from . import forms, services
from .choices import (
    ACCEPTED_CERTIFICATES,
    CONTRACTOR_POSITIONS,
    ParticipantRole,
)
from .models import (
    CheckinStage,
    KeyPersonAssignment,
    Participant,
    Project,
)
from .views import _back, _can, _form_page, _project, _require
from .workflows import OWNER_MANAGERS

# --- participants, contracts, key personnel ---------------------------------------------------------


def _district_orgs(actor: Actor, project: Project) -> list[tuple[str, list[tuple[int, str]]]]:
    district = project.owner.district_path if project.owner else actor.district_path
    groups = []
    for role, label in ParticipantRole.choices:
        orgs = Organisation.objects.filter(kind=role, path__startswith=district, is_active=True)
        groups.append((label, [(o.pk, o.name) for o in orgs]))
    return groups


@page_view
def participant_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    _require(OWNER_MANAGERS(project, actor), "建设单位项目负责人方可完善参建单位信息")
    form = forms.ParticipantForm(
        request.POST or None,
        request.FILES or None,
        organisations=_district_orgs(actor, project),
        initial={"role": request.GET.get("role", ParticipantRole.CONTRACTOR)},
    )

    def save(f: forms.ParticipantForm) -> None:
        d = f.cleaned_data
        org = Organisation.objects.get(pk=int(d["organisation"]))
        fields = {
            k: d[k]
            for k in (
                "contract_number",
                "contract_amount",
                "contract_signed_on",
                "allows_subcontract",
            )
            if d.get(k) not in (None, "")
        }
        services.add_participant(
            actor=actor,
            project=project,
            organisation=org,
            role=d["role"],
            contract_upload=d.get("contract_file"),
            **fields,
        )

    return _form_page(
        request,
        project=project,
        form=form,
        title="登记参建单位",
        intro="施工、监理、设计、勘察、预算、检测、招标代理等参建单位及其合同（R-PRJ-03）。",
        on_valid=save,
        success="参建单位已登记",
        back=_back(project, "organisation"),
        multipart=True,
    )


@page_view
def participant_contract(request: HttpRequest, pk: int, participant_id: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    part = (
        Participant.objects.filter(project=project, pk=participant_id)
        .select_related("organisation")
        .first()
    )
    if part is None:
        raise NotFound()
    _require(OWNER_MANAGERS(project, actor), "建设单位项目负责人方可上传合同")
    form = forms.ContractForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "contract_number": part.contract_number,
            "contract_amount": part.contract_amount,
            "contract_signed_on": part.contract_signed_on,
            "allows_subcontract": part.allows_subcontract,
        },
    )

    def save(f: forms.ContractForm) -> None:
        d = f.cleaned_data
        services.upload_contract(
            actor=actor,
            participant=part,
            upload=d["contract_file"],
            contract_number=d["contract_number"],
            contract_signed_on=d["contract_signed_on"],
            contract_amount=d.get("contract_amount"),
            allows_subcontract=d.get("allows_subcontract", False),
        )

    return _form_page(
        request,
        project=project,
        form=form,
        title=f"上传合同：{part.get_role_display()} {part.organisation.name}",
        on_valid=save,
        success="合同已上传",
        back=_back(project, "organisation"),
        multipart=True,
    )


@page_view
@require_POST
def participant_delete(request: HttpRequest, pk: int, participant_id: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    part = Participant.objects.filter(project=project, pk=participant_id).first()
    if part is None:
        raise NotFound()
    try:
        services.remove_participant(actor=actor, participant=part)
        messages.success(request, "参建单位已删除")
    except (Forbidden, NotFound):
        raise
    except DomainError as exc:
        flash_error(request, exc)
    return redirect(_back(project, "organisation"))


@page_view
def person_assign(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    can = _can(project, actor)
    _require(can["personnel"], "建设单位项目负责人或参建单位总管方可配备关键岗位人员")
    parts = list(
        project.participants.filter(
            role__in=(ParticipantRole.CONTRACTOR, ParticipantRole.SUPERVISING_FIRM)
        ).select_related("organisation")
    )
    if actor.org_kind in ENTERPRISE_KINDS:
        parts = [pt for pt in parts if pt.organisation_id == actor.organisation_id]
    people_groups = []
    cert_groups = []
    for pt in parts:
        persons = list(
            Person.objects.filter(organisation_id=pt.organisation_id, is_active=True).order_by(
                "name"
            )
        )
        people_groups.append(
            (
                f"{pt.get_role_display()}：{pt.organisation.name}",
                [(p.pk, f"{p.name}（{p.title}）" if p.title else p.name) for p in persons],
            )
        )
        for q in Qualification.objects.filter(person__in=persons).select_related("person"):
            label = f"{q.get_kind_display()} {q.number}（有效期至 {q.valid_until or '长期'}）"
            cert_groups.append((f"{q.person.name}（#{q.person_id}）", [(q.pk, label)]))
    merged: dict[str, list[tuple[int, str]]] = {}
    for label, items in cert_groups:
        merged.setdefault(label, []).extend(items)
    form = forms.KeyPersonForm(
        request.POST or None,
        people=people_groups,
        certificates=list(merged.items()),
        initial={"position": request.GET.get("position", "")},
    )

    def save(f: forms.KeyPersonForm) -> None:
        d = f.cleaned_data
        person = Person.objects.get(pk=int(d["person"]))
        part = next((pt for pt in parts if pt.organisation_id == person.organisation_id), None)
        if part is None:
            raise NotFound()
        expected = (
            ParticipantRole.CONTRACTOR
            if d["position"] in CONTRACTOR_POSITIONS
            else ParticipantRole.SUPERVISING_FIRM
        )
        if part.role != expected:
            part = next(
                (
                    pt
                    for pt in parts
                    if pt.organisation_id == person.organisation_id and pt.role == expected
                ),
                part,
            )
        if d.get("certificate"):
            cert = Qualification.objects.filter(pk=int(d["certificate"]), person=person).first()
        else:
            # The person's valid certificate for the position, when one is on file.
            cert = next(
                (
                    q
                    for q in person.qualifications.order_by("-valid_until")
                    if q.kind in ACCEPTED_CERTIFICATES[d["position"]]
                    and q.is_valid_on(d["started_on"])
                ),
                None,
            )
        services.assign_key_person(
            actor=actor,
            participant=part,
            person=person,
            position=d["position"],
            started_on=d["started_on"],
            certificate=cert,
            must_check_in={"": None, "1": True, "0": False}[d.get("must_check_in") or ""],
        )

    return _form_page(
        request,
        project=project,
        form=form,
        title="配备关键岗位人员",
        intro="施工单位项目负责人、技术负责人、安全员；监理单位总监理工程师、专业监理工程师、监理员（R-ORG-05）。"
        "受人员变更限制（R-CHG-04）的人员、已在其他在建项目担任项目经理或总监的人员不能配备。",
        on_valid=save,
        success="已配备关键岗位人员",
        back=_back(project, "organisation"),
        template="projects/person_form.html",
    )


@page_view
@require_POST
def person_duty(request: HttpRequest, pk: int, assignment_id: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    a = KeyPersonAssignment.objects.filter(project=project, pk=assignment_id).first()
    if a is None:
        raise NotFound()
    try:
        services.set_checkin_duty(
            actor=actor, assignment=a, must_check_in=request.POST.get("must_check_in") == "1"
        )
        messages.success(request, "考勤设置已保存")
    except (Forbidden, NotFound):
        raise
    except DomainError as exc:
        flash_error(request, exc)
    return redirect(_back(project, "organisation"))


@page_view
def person_end(request: HttpRequest, pk: int, assignment_id: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    a = (
        KeyPersonAssignment.objects.filter(project=project, pk=assignment_id)
        .select_related("person")
        .first()
    )
    if a is None:
        raise NotFound()
    services.END_ASSIGNMENT.check_who(project, actor)
    form = forms.EndAssignmentForm(request.POST or None, initial={"ended_on": clock.today()})
    return _form_page(
        request,
        project=project,
        form=form,
        title=f"离岗：{a.get_position_display()} {a.person.name}",
        intro="开工后更换项目经理、总监等关键岗位人员须按人员变更流程审批（R-CHG-03）。",
        on_valid=lambda f: services.end_assignment(actor=actor, assignment=a, **f.cleaned_data),
        success="已办理离岗",
        back=_back(project, "organisation"),
    )


@page_view
def stage_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    services.SET_CHECKIN_STAGE.check_who(project, actor)
    form = forms.StageForm(request.POST or None)
    return _form_page(
        request,
        project=project,
        form=form,
        title="设置考勤阶段",
        intro="技术负责人和专业监理工程师根据工程建设需要，由建设单位确定考勤阶段（R-ATT-01，实施细则第二十六条）。",
        on_valid=lambda f: services.set_checkin_stage(
            actor=actor, project=project, **f.cleaned_data
        ),
        success="考勤阶段已设置",
        back=_back(project, "organisation"),
    )


@page_view
@require_POST
def stage_delete(request: HttpRequest, pk: int, stage_id: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    stage = CheckinStage.objects.filter(project=project, pk=stage_id).first()
    if stage is None:
        raise NotFound()
    try:
        services.remove_checkin_stage(actor=actor, stage=stage)
        messages.success(request, "考勤阶段已删除")
    except (Forbidden, NotFound):
        raise
    except DomainError as exc:
        flash_error(request, exc)
    return redirect(_back(project, "organisation"))
