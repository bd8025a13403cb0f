"""The pages of the interference register (R-ACT-06): the list (filters,
sorting, totals, export, print; the office and discipline inspection of the
district), the form to record one, one record with its additions and handling
steps, the reporter's identity for the office's handling staff (audited), the
evidence through the one download view, and the monthly report."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from postaward.core import clock, files, steps
from postaward.core.errors import DomainError, Forbidden
from postaward.core.exports import export_xlsx
from postaward.core.lists import Column, Filter, ListSpec, render_list
from postaward.core.scoping import NOTHING
from postaward.core.web import actor_of, form_error, page_view, refused

from . import identity_interference as identity
from . import services_interference as svc
from .choices_interference import Channel, InterferenceKind, IntervenerKind, RecordState, Stage
from .forms_interference import AdditionForm, RevealForm, StaffReportForm
from .models import InterferenceAddition, InterferenceRecord, accountability_scope

STATE_COLOURS: dict[str, str] = {
    RecordState.SUBMITTED: "orange",
    RecordState.FILED: "blue",
    RecordState.REFERRED: "red",
}
INTRO = (
    "领导干部、监管部门及其工作人员不得以任何方式插手干预工程建设项目招投标和标后监管"
    "（R-ACT-06）。登记提交后不能修改，更正以补充说明记录，全程过问留痕；"
    "涉及党员或公职人员的，移送纪检监察机关。登记人身份仅监管办承办人员可见。"
)


def _when(r: InterferenceRecord) -> str:
    return f"{clock.localtime(r.submitted_at):%Y-%m-%d %H:%M}"


COLUMNS = [
    Column(
        "number",
        "登记编号",
        lambda r: r.number,
        sort="number",
        link=lambda r: reverse("accountability_interference_detail", args=[r.pk]),
    ),
    Column("intervener", "干预人（部门）", lambda r: r.intervener_text, sort="intervener_name"),
    Column("who", "干预主体", lambda r: r.get_intervener_kind_display(), sort="intervener_kind"),
    Column("kind", "干预方式", lambda r: r.kind_text, sort="kind"),
    Column("stage", "环节", lambda r: r.get_stage_display(), sort="stage"),
    Column("project", "项目", lambda r: r.project_label),
    Column(
        "occurred_on",
        "干预日期",
        lambda r: f"{r.occurred_on:%Y-%m-%d}",
        sort="occurred_on",
        export=lambda r: r.occurred_on,
    ),
    Column("officials", "涉及党员或公职人员", lambda r: "是" if r.concerns_officials else ""),
    Column("channel", "登记方式", lambda r: r.get_channel_display(), sort="channel"),
    Column(
        "submitted_at",
        "登记时间",
        _when,
        sort="submitted_at",
        export=lambda r: clock.localtime(r.submitted_at).replace(tzinfo=None),
    ),
    Column.state("state", "状态", STATE_COLOURS),
    Column("request", "干预内容", lambda r: r.request_text, export_only=True),
    Column("additions", "补充说明（条）", lambda r: r.n_additions, export_only=True),
]

FILTERS = [
    Filter("kind", "干预方式", "kind", choices=InterferenceKind.choices),
    Filter("stage", "环节", "stage", choices=Stage.choices),
    Filter("who", "干预主体", "intervener_kind", choices=IntervenerKind.choices),
    Filter("channel", "登记方式", "channel", choices=Channel.choices),
    Filter("state", "状态", "state", choices=RecordState.choices),
    Filter("from", "干预日期起", "occurred_on", kind="date_from"),
    Filter("to", "干预日期止", "occurred_on", kind="date_to"),
]

SPEC = ListSpec(
    key="accountability_interference",
    title="插手干预登记",
    columns=COLUMNS,
    filters=FILTERS,
    search=("number", "intervener_name", "intervener_unit", "project__name", "project_text"),
    search_label="编号、干预人、单位或项目",
    default_sort="-submitted_at",
    row_url=lambda r: reverse("accountability_interference_detail", args=[r.pk]),
    export_name="插手干预登记",
    empty="暂无插手干预登记",
    testid="interference-list",
)


def records(actor: Any) -> Any:
    return (
        InterferenceRecord.objects.visible_to(actor)
        .select_related("project", "office", "clue")
        .annotate(n_additions=Count("additions"))
    )


def can_see_register(actor: Any) -> bool:
    """The menu: the office and discipline inspection of the district."""
    return actor.user_id is not None and accountability_scope(actor) != NOTHING


@page_view
def interference_list(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    if not (can_see_register(a) or svc.may_record(a)):
        raise Forbidden("仅监管办、纪检监察机关和登记人可以查看插手干预登记")
    return render_list(
        request,
        SPEC,
        records(a),
        context={
            "section": "问责管理",
            "icon": "bi-sign-stop",
            "intro": INTRO,
            "new_url": reverse("accountability_interference_new") if svc.may_record(a) else "",
            "new_label": "登记插手干预",
        },
    )


@page_view
def interference_new(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    if not svc.may_record(a):
        raise Forbidden("仅建设单位、招标代理机构和政府部门的工作人员可以登记插手干预情况")
    form = StaffReportForm(request.POST or None, request.FILES or None, actor=a)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = dict(form.cleaned_data)
            evidence = data.pop("evidence")
            project = data.pop("project")
            try:
                r = svc.record(
                    actor=a,
                    report=svc.Report(**data, project_id=project.pk if project else None),
                    evidence=evidence,
                    idempotency_key=request.POST.get("idempotency_key") or None,
                )
            except DomainError as exc:
                status = refused(form, exc)
            else:
                messages.success(
                    request, f"已登记插手干预情况 {r.number}，已报监管办和纪检监察机关"
                )
                return redirect("accountability_interference_detail", r.pk)
    return render(request, "accountability/interference_form.html", {"form": form}, status=status)


def render_detail(
    request: HttpRequest,
    r: InterferenceRecord,
    *,
    bound: Any = None,
    add_form: Any = None,
    reporter: Any = None,
    reveal_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    a = actor_of(request)
    if request.method == "GET":
        # the read of a confidential record is audited (a refused POST shown again
        # is not a new read and changes nothing)
        svc.audit_read(a, r)
    return render(
        request,
        "accountability/interference_detail.html",
        {
            "r": r,
            "colour": STATE_COLOURS.get(r.state, "grey"),
            "additions": list(r.additions.order_by("seq")),
            "chain_ok": svc.verify_chain(r),
            "page_steps": steps.page_steps(r, a, bound=bound),
            "add_form": add_form or (AdditionForm() if svc.may_add(a, r) else None),
            "may_reveal": identity.may_reveal(r, a),
            "reveal_form": reveal_form or RevealForm(),
            "reporter": reporter,
            "is_reporter": r.reporter_user_id == a.user_id,
        },
        status=status,
    )


@page_view
def interference_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, svc.load(actor_of(request), pk))


@page_view
def interference_add(request: HttpRequest, pk: int) -> HttpResponse:
    a = actor_of(request)
    r = svc.load(a, pk)
    if request.method != "POST":
        return redirect("accountability_interference_detail", pk)
    if not svc.may_add(a, r):
        raise Forbidden("仅登记人或监管办可以补充说明")
    form = AdditionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            svc.add(
                actor=a,
                record=r,
                text=form.cleaned_data["text"],
                evidence=form.cleaned_data.get("evidence"),
                idempotency_key=request.POST.get("idempotency_key") or None,
            )
        except DomainError as exc:
            return render_detail(request, r, add_form=form, status=refused(form, exc))
        messages.success(request, "已补充说明")
        return redirect("accountability_interference_detail", pk)
    return render_detail(request, r, add_form=form, status=422)


@page_view
def interference_reporter(request: HttpRequest, pk: int) -> HttpResponse:
    """The reporter's identity: the office's handling staff, with a reason (audited)."""
    a = actor_of(request)
    r = svc.load(a, pk)
    if not identity.may_reveal(r, a):
        raise Forbidden("仅监管办承办人员可以查看登记人身份")
    if request.method != "POST":
        return redirect("accountability_interference_detail", pk)
    form = RevealForm(request.POST)
    if not form.is_valid():
        return render_detail(request, r, reveal_form=form, status=422)
    try:
        who = identity.reveal(actor=a, record=r, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        form_error(form, exc)
        return render_detail(request, r, reveal_form=form, status=exc.status)
    return render_detail(request, r, reporter=who)


@page_view
def interference_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    return cast(
        HttpResponse,
        files.download(
            InterferenceRecord.objects,
            actor_of(request),
            pk,
            field="evidence_file",
            name="evidence_file_name",
        ),
    )


@page_view
def interference_addition_evidence(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    return cast(
        HttpResponse,
        files.download(
            InterferenceAddition.objects,
            actor_of(request),
            aid,
            field="evidence_file",
            name="evidence_file_name",
            record_id=pk,
        ),
    )


# --- the monthly report --------------------------------------------------------------------------


def _month(text: str) -> dt.date:
    try:
        y, m = (int(x) for x in (text or "").split("-", 1))
        return dt.date(y, m, 1)
    except ValueError:
        today = clock.today()
        return dt.date(today.year, today.month, 1)


def month_bounds(first: dt.date) -> tuple[dt.datetime, dt.datetime]:
    nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    start = dt.datetime.combine(first, dt.time(), tzinfo=clock.LOCAL_TZ)
    end = dt.datetime.combine(nxt, dt.time(), tzinfo=clock.LOCAL_TZ)
    return start, end


def monthly_summary(qs: Any) -> dict[str, Any]:
    """Counts of one month's records by kind and stage (rows: kinds; columns: stages)."""
    counts = {
        (x["kind"], x["stage"]): x["n"] for x in qs.values("kind", "stage").annotate(n=Count("pk"))
    }
    rows = []
    for k, label in InterferenceKind.choices:
        cells = [counts.get((k, s), 0) for s in Stage.values]
        rows.append({"label": label, "cells": cells, "total": sum(cells)})
    totals = [sum(r["cells"][i] for r in rows) for i in range(len(Stage.values))]
    return {
        "stages": [str(label) for _, label in Stage.choices],
        "rows": rows,
        "totals": totals,
        "total": sum(totals),
        "officials": qs.filter(concerns_officials=True).count(),
        "referred": qs.filter(state=RecordState.REFERRED).count(),
        "public": qs.filter(channel=Channel.PUBLIC).count(),
    }


@page_view
def interference_monthly(request: HttpRequest) -> HttpResponse:
    """The monthly report (按月报告): counts by kind and stage, with the list."""
    a = actor_of(request)
    if not can_see_register(a):
        raise Forbidden("仅监管办和纪检监察机关可以查看插手干预月度报告")
    first = _month(request.GET.get("month", ""))
    start, end = month_bounds(first)
    qs = records(a).filter(submitted_at__gte=start, submitted_at__lt=end)
    summary = monthly_summary(qs)
    title = f"插手干预登记月度报告（{first.year}年{first.month}月）"
    if request.GET.get("export") == "summary":
        return export_xlsx(
            filename=f"{title}.xlsx",
            title=title,
            columns=["干预方式", *summary["stages"], "合计"],
            rows=([r["label"], *r["cells"], r["total"]] for r in summary["rows"]),
            totals=["合计", *summary["totals"], summary["total"]],
        )
    spec = ListSpec(
        key="accountability_interference_monthly",
        title=title,
        columns=COLUMNS,
        filters=FILTERS[:5],
        search=SPEC.search,
        default_sort="submitted_at",
        row_url=SPEC.row_url,
        export_name=title,
        empty="本月暂无插手干预登记",
        testid="interference-monthly-list",
        keep=("month",),
    )
    return render_list(
        request,
        spec,
        qs,
        template="accountability/interference_monthly.html",
        context={
            "section": "问责管理",
            "icon": "bi-calendar3",
            "summary": summary,
            "month": f"{first:%Y-%m}",
            "prev": f"{(first - dt.timedelta(days=1)):%Y-%m}",
            "next": f"{month_bounds(first)[1]:%Y-%m}",
        },
    )
