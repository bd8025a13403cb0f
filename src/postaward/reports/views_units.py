"""The monthly reports' directory page (月度报告报送单位, ADR 0933): the
list (list component: filters, sort, search, export, print, phone) for the
office; adding and editing a unit for the office's administrator."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from postaward.core import clock
from postaward.core.errors import DomainError
from postaward.core.lists import Column, Filter, ListSpec, build_list
from postaward.core.web import actor_of, page_view, refused, require

from . import services_units as su
from .choices import UnitRole
from .forms_units import UnitForm
from .models import ReportingUnit

TITLE = "月度报告报送单位"


def units(actor: Any) -> QuerySet:
    return ReportingUnit.objects.visible_to(actor).select_related("organisation", "office")


def spec(actor: Any) -> ListSpec:
    return ListSpec(
        key="reports-units",
        title=TITLE,
        columns=[
            Column(
                "organisation",
                "单位",
                lambda u: u.organisation.name,
                sort="organisation__path",
                link=lambda u: reverse("reports_unit_detail", args=[u.pk]),
            ),
            Column("kind", "单位类别", lambda u: u.organisation.get_kind_display()),
            Column(
                "role",
                "角色",
                lambda u: u.get_role_display(),
                sort="role",
                tag=lambda u: "blue" if u.role == UnitRole.COORDINATOR else "",
            ),
            Column(
                "due",
                "报送期限",
                lambda u: (
                    "每月25日前报送全区汇总报告"
                    if u.role == UnitRole.COORDINATOR
                    else "每月20日前报送本行业报告"
                ),
            ),
            Column(
                "active",
                "状态",
                lambda u: "启用" if u.active else "停用",
                sort="active",
                tag=lambda u: "green" if u.active else "grey",
            ),
            Column("note", "备注", lambda u: u.note or "—"),
            Column(
                "updated",
                "更新",
                lambda u: f"{clock.localtime(u.updated_at):%Y-%m-%d} {u.updated_by_name}",
                sort="updated_at",
            ),
        ],
        filters=[
            Filter("role", "角色", "role", choices=UnitRole.choices),
            Filter(
                "active",
                "状态",
                "active",
                choices=[("1", "启用"), ("0", "停用")],
                apply=lambda qs, v: qs.filter(active=(v == "1")),
            ),
        ],
        search=("organisation__name",),
        search_label="单位名称",
        default_sort="role",
        row_url=lambda u: reverse("reports_unit_detail", args=[u.pk]),
        export_name=TITLE,
        empty="暂无报送单位",
        testid="units",
    )


INTRO = (
    "每月20日前报送本行业系统治理工作情况报告的部门，以及每月25日前汇总报送全区报告的牵头单位。"
    "启用的单位在每月1日自动生成当月报送任务；停用后不再生成。依据：R-REP-02"
)


@page_view
def unit_list(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    require(a, su.may_read(a), su.READ_DENIED)
    su.ensure(su.office_of_actor(a))
    s = spec(a)
    result = build_list(request, s, units(a))
    if isinstance(result, HttpResponse):
        return result
    return render(
        request,
        "core/list_page.html",
        {
            "lst": result,
            "title": TITLE,
            "object_list": result.page_obj.object_list,
            "section": "报表与台账",
            "icon": "bi-building",
            "intro": INTRO,
            "new_url": reverse("reports_unit_new") if su.may_edit(a) else "",
            "new_label": "添加报送单位",
        },
    )


def _organisations(a: Any) -> list[tuple[int, str]]:
    office = su.office_of_actor(a)
    return [(o.pk, f"{o.name}（{o.get_kind_display()}）") for o in su.eligible(office)[:500]]


def _form_page(
    request: HttpRequest, form: UnitForm, unit: ReportingUnit | None, status: int
) -> HttpResponse:
    return render(
        request,
        "reports/unit_form.html",
        {"form": form, "unit": unit, "may_edit": su.may_edit(actor_of(request))},
        status=status,
    )


@page_view
def unit_new(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    require(a, su.may_edit(a), su.DENIED)
    form = UnitForm(request.POST or None, organisations=_organisations(a))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            try:
                u = su.add(
                    actor=a,
                    organisation_id=d["organisation"],
                    role=d["role"],
                    active=d["active"],
                    note=d["note"],
                    idempotency_key=request.POST.get("idempotency_key") or None,
                )
            except DomainError as exc:
                status = refused(form, exc)
            else:
                messages.success(request, f"已添加报送单位：{u.organisation.name}")
                return redirect("reports_units")
    return _form_page(request, form, None, status)


@page_view
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = actor_of(request)
    u = su.load(a, pk)
    initial = {
        "organisation": u.organisation_id,
        "role": u.role,
        "active": u.active,
        "note": u.note,
    }
    orgs = [(u.organisation_id, u.organisation.name)]
    form = UnitForm(request.POST or None, organisations=orgs, fixed=True, initial=initial)
    status = 200
    if request.method == "POST":
        require(a, su.may_edit(a), su.DENIED)
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            try:
                su.change(actor=a, unit=u, role=d["role"], active=d["active"], note=d["note"])
            except DomainError as exc:
                status = refused(form, exc)
            else:
                messages.success(request, f"已保存：{u.organisation.name}")
                return redirect("reports_units")
    return _form_page(request, form, u, status)
