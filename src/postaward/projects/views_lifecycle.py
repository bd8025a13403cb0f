"""Pages of the lifecycle steps (R-PRJ-01, R-PRJ-03, R-PRJ-06, R-PRJ-07): each
step of ``projects.project`` keeps its own page (date, amount, document, and
what is still missing), and the suspension's decision pages.

The steps are the registry's (``projects/steps.py``): a page checks with
``core.steps.refusal`` (the wrong role answers 403) and takes the step with
``core.steps.take``; the same refusal shows beside the form (ADR 0065)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from postaward.core import clock, steps
from postaward.core.errors import DomainError, Forbidden, NotFound
from postaward.core.web import actor_of, flash_error, page_view

from . import forms, workflows
from . import steps as project_steps
from .models import Project, Suspension
from .views import _back, _form_page, _project

TRANSITION_FORMS: dict[str, tuple[str, Callable[..., Any], bool]] = {
    # name: (date label, form factory, multipart)
    "start_works": ("开工日期", forms.OnForm, False),
    "complete": ("完工日期", forms.OnForm, False),
    "accept": ("验收日期", forms.AcceptForm, True),
    "submit_settlement": ("送审日期", forms.SettlementSubmitForm, True),
    "approve_settlement": ("审定日期", forms.SettlementForm, False),
    "pay_funds": ("拨付日期", forms.OnForm, False),
    "return_deposit": ("退还日期", forms.OnForm, False),
    "terminate": ("终止日期", forms.TerminateForm, True),
    "resume": ("", forms.NoteForm, False),
}


def _refused_role(step: steps.Step, obj: Any, actor: Any) -> None:
    """A page of a step the actor's role may not take answers 403."""
    err = steps.refusal(step, obj, actor)
    if isinstance(err, Forbidden):
        raise err


@page_view
def project_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    if name not in TRANSITION_FORMS:
        raise NotFound()
    step = steps.get(project_steps.PROJECT_WF, name)
    _refused_role(step, project, actor)
    date_label, factory, multipart = TRANSITION_FORMS[name]
    kw: dict[str, Any] = {"label": date_label} if date_label else {}
    form = factory(request.POST or None, request.FILES or None, **kw)
    if name == "approve_settlement":
        del form.fields["file"]
        if project.settlement_submitted_amount:
            form.fields["amount"].initial = project.settlement_submitted_amount
    if name == "submit_settlement":
        del form.fields["note"]
        form.order_fields(["on", "amount", *forms.SettlementRouteFields.base_fields, "file"])

    def save(f: Any) -> None:
        data = dict(f.cleaned_data)
        if "file" in data:  # the uploaded document of the step
            data["document"] = data.pop("file")
        steps.take(step, project, actor, data)

    missing = workflows.REQUIREMENTS[name](project) if steps.in_source_state(step, project) else []
    return _form_page(
        request,
        project=project,
        form=form,
        title=f"{step.label}：{project.name}",
        intro=f"办理人：{step.who_label}。条件：{step.help}。",
        basis=step.basis,
        on_valid=save,
        success=step.success or f"已{step.label}",
        multipart=multipart,
        submit=f"确认{step.label}",
        extra={"precheck": missing, "transition": step},
    )


@page_view
def suspension_declare(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = _project(request, pk)
    step = project_steps.DECLARE_SUSPENSION
    _refused_role(step, project, actor)
    form = forms.SuspensionForm(request.POST or None)
    return _form_page(
        request,
        project=project,
        form=form,
        title=f"申报停工（{clock.today():%Y-%m-%d}）",
        intro="停工当天在线申报停工时间和原因；经主管单位（条线）或监管办确认后，停工期间自动暂停相关人员考勤和预警计时，"
        "停工日不计入考勤率；复工由建设单位项目负责人开通（R-PRJ-07）。",
        basis="R-PRJ-07（实施细则第三十五条）",
        on_valid=lambda f: steps.take(
            step,
            project,
            actor,
            {"started_at": f.started_at(), "reason": f.cleaned_data["reason"]},
        ),
        success=step.success,
        back=_back(project, "suspensions"),
        submit="申报停工",
    )


def _suspension(request: HttpRequest, pk: int, sid: int) -> tuple[Project, Suspension]:
    project = _project(request, pk)
    s = Suspension.objects.filter(project=project, pk=sid).first()
    if s is None:
        raise NotFound()
    return project, s


@page_view
def suspension_decide(request: HttpRequest, pk: int, sid: int, decision: str) -> HttpResponse:
    actor = actor_of(request)
    project, s = _suspension(request, pk, sid)
    step = steps.get(project_steps.SUSPENSION_WF, decision)
    _refused_role(step, s, actor)
    if step is project_steps.WITHDRAW:
        if request.method != "POST":
            return redirect(_back(project, "suspensions"))
        try:
            steps.take(step, s, actor)
            messages.success(request, step.success)
        except (Forbidden, NotFound):
            raise
        except DomainError as exc:
            flash_error(request, exc)
        return redirect(_back(project, "suspensions"))
    confirm = step is project_steps.CONFIRM
    form = (
        forms.NoteForm(request.POST or None)
        if confirm
        else forms.RequiredNoteForm(request.POST or None)
    )
    return _form_page(
        request,
        project=project,
        form=form,
        title=f"{step.label}：{project.name}",
        intro=f"申报人：{s.declared_by_name}；停工时间：{clock.localtime(s.started_at):%Y-%m-%d %H:%M}；原因：{s.reason}",
        on_valid=lambda f: steps.take(step, s, actor, {"note": f.cleaned_data["note"]}),
        success=step.success,
        back=_back(project, "suspensions"),
        submit="确认停工" if confirm else "不予确认",
    )
