"""The pages of the units' register and integrity-risk rules (廉政风险防控制度,
R-ACT-06): the rules filed (per unit: the unit its own, the office the
district's; filters, sorting, totals, export, print), the form to file one,
the file through the one download view, and the office's missing-list."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from postaward.core import files
from postaward.core.errors import DomainError, Forbidden
from postaward.core.lists import Column, Filter, ListSpec, render_list
from postaward.core.web import actor_of, page_view, refused

from . import integrity_interference as integrity
from .choices_interference import RuleKind
from .forms_interference import RuleForm
from .models import IntegrityRule
from .models.interference import FILING_KINDS

FILING_CHOICES = [(k.value, k.label) for k in sorted(FILING_KINDS)]

SPEC = ListSpec(
    key="accountability_integrity_rules",
    title="廉政风险防控制度",
    columns=[
        Column("unit", "单位", lambda r: r.unit.name, sort="unit__name"),
        Column("kind", "制度类别", lambda r: r.get_kind_display(), sort="kind"),
        Column(
            "title",
            "制度名称",
            lambda r: r.title,
            sort="title",
            link=lambda r: reverse("accountability_integrity_rule_file", args=[r.pk]),
        ),
        Column(
            "effective_on",
            "施行日期",
            lambda r: f"{r.effective_on:%Y-%m-%d}",
            sort="effective_on",
            export=lambda r: r.effective_on,
        ),
        Column("filed_by", "报备人", lambda r: r.filed_by_name),
        Column("filed_at", "报备日期", lambda r: f"{r.filed_at:%Y-%m-%d}", sort="filed_at"),
    ],
    filters=[
        Filter("kind", "制度类别", "kind", choices=RuleKind.choices),
        Filter("from", "施行日期起", "effective_on", kind="date_from"),
        Filter("to", "施行日期止", "effective_on", kind="date_to"),
    ],
    search=("title", "unit__name"),
    search_label="制度名称或单位",
    default_sort="unit",
    export_name="廉政风险防控制度",
    empty="暂无报备的制度",
    testid="integrity-rule-list",
)


def can_see_rules(actor: Any) -> bool:
    return integrity.may_file(actor) or integrity.is_office(actor)


@page_view
def rule_list(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    if not can_see_rules(a):
        raise Forbidden("仅建设单位、行业主管部门、招标代理机构和监管办可以查看")
    return render_list(
        request,
        SPEC,
        integrity.rules(a),
        context={
            "section": "问责管理",
            "icon": "bi-shield-check",
            "intro": "各单位制定插手干预招投标登记报告及廉政风险防控制度并报备（R-ACT-06）。",
            "new_url": reverse("accountability_integrity_rule_new")
            if integrity.may_file(a)
            else "",
            "new_label": "报备本单位制度",
        },
    )


@page_view
def rule_new(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    if not integrity.may_file(a):
        raise Forbidden("仅建设单位、行业主管部门和招标代理机构可以报备本单位制度")
    form = RuleForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                integrity.file_rule(actor=a, **form.cleaned_data)
            except DomainError as exc:
                status = refused(form, exc)
            else:
                messages.success(request, "已报备")
                return redirect("accountability_integrity_rules")
    return render(request, "accountability/integrity_rule_form.html", {"form": form}, status=status)


@page_view
def rule_file(request: HttpRequest, pk: int) -> HttpResponse:
    return cast(
        HttpResponse,
        files.download(
            IntegrityRule.objects, actor_of(request), pk, field="file", name="file_name"
        ),
    )


MISSING = ListSpec(
    key="accountability_integrity_missing",
    title="未报备制度的单位",
    columns=[
        Column("unit", "单位", lambda u: u.name, sort="name"),
        Column("kind", "单位类别", lambda u: u.get_kind_display(), sort="kind"),
        Column("missing", "未报备", integrity.missing_text, tag=lambda u: "orange"),
    ],
    filters=[Filter("kind", "单位类别", "kind", choices=FILING_CHOICES)],
    search=("name",),
    search_label="单位名称",
    default_sort="unit",
    export_name="未报备制度的单位",
    empty="各单位均已报备",
    testid="missing-list",
)


@page_view
def rule_missing(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    if not integrity.is_office(a):
        raise Forbidden("仅监管办可以查看未报备制度的单位")
    return render_list(
        request,
        MISSING,
        integrity.missing_units(a),
        context={
            "section": "问责管理",
            "icon": "bi-exclamation-diamond",
            "intro": "建设单位、行业主管部门和招标代理机构应制定插手干预招投标登记报告制度"
            "和廉政风险防控制度并报备（R-ACT-06）。",
        },
    )
