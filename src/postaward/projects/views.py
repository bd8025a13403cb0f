"""Pages of the project registry (list and overview; the registry issue adds the rest)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from postaward.core.forms import BootstrapMixin
from postaward.core.scoping import get_visible_or_404
from postaward.core.web import actor_of, page_view, paginate, xlsx_response
from postaward.orgs.choices import Industry

from . import selectors
from .choices import STATUS_COLOURS, ProjectClass, ProjectStatus
from .models import Project


class ProjectFilterForm(BootstrapMixin, forms.Form):
    compact = True
    q = forms.CharField(label="名称/编号", required=False)
    project_class = forms.ChoiceField(
        label="类别", required=False, choices=[("", "全部"), *ProjectClass.choices]
    )
    industry = forms.ChoiceField(
        label="行业", required=False, choices=[("", "全部"), *Industry.choices]
    )
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *ProjectStatus.choices]
    )


@page_view
def project_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = ProjectFilterForm(request.GET or None)
    qs = selectors.projects(actor, filters=form.cleaned_data if form.is_valid() else {})
    if request.GET.get("export") == "xlsx":
        rows = (
            (
                p.code,
                p.name,
                p.get_project_class_display(),
                p.get_industry_display(),
                p.owner.name,
                float(p.contract_amount),
                p.get_status_display(),
            )
            for p in qs
        )
        return xlsx_response(
            "项目.xlsx",
            ["项目编号", "项目名称", "类别", "行业", "建设单位", "合同金额（元）", "状态"],
            rows,
        )
    ctx = paginate(request, qs, per_page=20)
    ctx.update(
        filter_form=form,
        export_allowed=True,
        filter_target="#project-table",
        colours=STATUS_COLOURS,
    )
    return render(request, "projects/project_list.html", ctx)


@page_view
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    project = get_visible_or_404(
        Project.objects.select_related(
            "owner", "superior_unit", "line", "industry_authority", "owner_leader"
        ),
        actor,
        pk=pk,
    )
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "participants": project.participants.select_related("organisation"),
            "assignments": project.assignments.select_related(
                "person", "participant__organisation"
            ).filter(ended_on__isnull=True),
            "colours": STATUS_COLOURS,
        },
    )
