"""The monthly reports (月度报告, R-REP-02): the list by month and reporting
unit (state, due date, late; the list component: filters, sorting, totals,
export, print, phone), generating this unit's draft for a month, one report
with its editable sections, its clock, its document and its steps."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from postaward.core import clock, deadlines, steps
from postaward.core.errors import DomainError
from postaward.core.exports import ExportLayout
from postaward.core.lists import Column, Filter, ListSpec, build_list
from postaward.core.web import actor_of, form_error, page_view, require

from . import services_monthly as sm
from .choices import MONTHLY_SECTIONS, MonthlyState
from .forms_monthly import SectionsForm
from .models import MonthlyReport
from .periods import MONTHS, year_choices
from .steps_monthly import DENIED, load_report, may_read

TITLE = "月度报告"
COLOURS: dict[str, str] = {
    MonthlyState.DRAFT: "grey",
    MonthlyState.SUBMITTED: "green",
    MonthlyState.RETURNED: "orange",
}


def reports(actor: Any) -> QuerySet:
    return MonthlyReport.objects.visible_to(actor).select_related("department", "document")


def _overdue(r: MonthlyReport) -> bool:
    return r.state != MonthlyState.SUBMITTED and r.due_on < clock.today()


def summary(qs: QuerySet) -> list[tuple[str, int]]:
    today = clock.today()
    agg = qs.order_by().aggregate(
        n=Count("pk"),
        submitted=Count("pk", filter=Q(state=MonthlyState.SUBMITTED)),
        late=Count("pk", filter=Q(state=MonthlyState.SUBMITTED, late=True)),
        overdue=Count("pk", filter=~Q(state=MonthlyState.SUBMITTED) & Q(due_on__lt=today)),
    )
    return [
        ("应报送", agg["n"]),
        ("已报送", agg["submitted"]),
        ("逾期报送", agg["late"]),
        ("逾期未报送", agg["overdue"]),
    ]


def _state(r: MonthlyReport) -> str:
    if r.state == MonthlyState.SUBMITTED:
        return "逾期报送" if r.late else "按期报送"
    return "逾期未报送" if _overdue(r) else str(r.get_state_display())


def spec(actor: Any) -> ListSpec:
    def ledger(qs: QuerySet) -> tuple[ExportLayout, list[Any]]:
        text = "，".join(f"{label}{n}" for label, n in summary(qs))
        layout = ExportLayout(
            unit=actor.org_name, period="", compiler=actor.display_name or actor.username
        )
        return layout, [text]

    return ListSpec(
        key="reports-monthly",
        title=TITLE,
        columns=[
            Column(
                "month",
                "报告月份",
                lambda r: f"{r.year}年{r.month}月",
                sort="due_on",
                link=lambda r: reverse("reports_monthly_detail", args=[r.pk]),
            ),
            Column("unit", "报送单位", lambda r: r.department.name, sort="department__name"),
            Column("type", "类别", lambda r: "全区汇总" if r.summary else "行业报告"),
            Column(
                "due",
                "报送期限",
                lambda r: f"{r.due_on:%Y-%m-%d}",
                sort="due_on",
                export=lambda r: r.due_on,
                tag=lambda r: "red" if _overdue(r) else "",
            ),
            Column.state("state", "状态", {str(k): v for k, v in COLOURS.items()}),
            Column(
                "timeliness",
                "报送情况",
                _state,
                tag=lambda r: "red" if (r.late or _overdue(r)) else "",
            ),
            Column.when("submitted", "报送时间", "submitted_at"),
            Column(
                "number", "文号", lambda r: r.document.number if r.document is not None else "—"
            ),
        ],
        filters=[
            Filter("year", "年度", "year", choices=year_choices),
            Filter("month", "月份", "month", choices=MONTHS),
            Filter("state", "状态", "state", choices=MonthlyState.choices),
            Filter(
                "summary",
                "类别",
                "summary",
                choices=[("0", "行业报告"), ("1", "全区汇总")],
                apply=lambda qs, v: qs.filter(summary=(v == "1")),
            ),
            Filter(
                "late",
                "报送情况",
                "late",
                choices=[("1", "逾期报送"), ("0", "按期报送")],
                apply=lambda qs, v: qs.filter(state=MonthlyState.SUBMITTED, late=(v == "1")),
            ),
        ],
        search=("department__name",),
        search_label="报送单位",
        default_sort="-month",
        row_url=lambda r: reverse("reports_monthly_detail", args=[r.pk]),
        export_name=TITLE,
        empty="暂无月度报告",
        testid="monthly",
        ledger=ledger,
    )


@page_view
def monthly_list(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    require(a, may_read(a), DENIED)
    s = spec(a)
    qs = reports(a)
    result = build_list(request, s, qs)
    if isinstance(result, HttpResponse):
        return result
    year, month = sm.last_month()
    return render(
        request,
        "reports/monthly_list.html",
        {
            "lst": result,
            "title": TITLE,
            "object_list": result.page_obj.object_list,
            "section": "报表与台账",
            "icon": "bi-journal-text",
            "intro": (
                "各行业主管部门每月20日前报送本行业系统治理工作情况报告（附核查项目情况表和"
                "信访举报办理情况表），牵头单位汇总后于每月25日前报送市发改委和区纪委监委；"
                "期限届满日为休息日的顺延至下一工作日。依据：R-REP-02"
            ),
            "counts": summary(result.matching),
            "may_draft": a.user_id is not None and bool(a.roles & sm.WRITER_ROLES),
            "draft_year": year,
            "draft_month": month,
        },
    )


@page_view
def monthly_new(request: HttpRequest) -> HttpResponse:
    """POST: generate (or regenerate) this unit's draft for a month."""
    a = actor_of(request)
    require(a, may_read(a), DENIED)
    if request.method != "POST":
        return redirect("reports_monthly")
    default_year, default_month = sm.last_month()
    try:
        year = int(request.POST.get("year") or default_year)
        month = int(request.POST.get("month") or default_month)
        r = sm.create(
            actor=a,
            year=year,
            month=month,
            idempotency_key=request.POST.get("idempotency_key") or None,
        )
    except (ValueError, TypeError):
        messages.error(request, "月份不正确")
        return redirect("reports_monthly")
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
        return redirect("reports_monthly")
    messages.success(request, f"已生成{r.title}草稿，请核对修改后报送")
    return redirect("reports_monthly_detail", r.pk)


def render_detail(
    request: HttpRequest,
    r: MonthlyReport,
    *,
    bound: Any = None,
    status: int = 200,
    form: Any = None,
) -> HttpResponse:
    a = actor_of(request)
    editable = r.state in sm.EDITABLE and sm.may_write(a, r)
    if form is None and editable:
        form = SectionsForm(initial={n: getattr(r, n) for n, _ in MONTHLY_SECTIONS})
    return render(
        request,
        "reports/monthly_detail.html",
        {
            "r": r,
            "colour": COLOURS.get(r.state, "grey"),
            "timeliness": _state(r),
            "sections": [(label, getattr(r, name)) for name, label in MONTHLY_SECTIONS],
            "form": form if editable else None,
            "clocks": [deadlines.show(d) for d in deadlines.deadlines_of(r)],
            "page_steps": steps.page_steps(r, a, bound=bound),
            "parts": list(sm.department_reports(r)) if r.summary else [],
            "tables": _tables(r),
        },
        status=status,
    )


def _tables(r: MonthlyReport) -> list[dict[str, Any]]:
    if r.summary:
        return []
    from .documents_monthly import ATTACHED, table

    return [table(r.department, r.year, r.month, k) for k in ATTACHED]


@page_view
def monthly_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = actor_of(request)
    r = load_report(a, pk)
    if request.method == "POST":
        require(a, sm.may_write(a, r), "仅报送单位可以修改本单位的月度报告")
        form = SectionsForm(request.POST)
        if form.is_valid():
            try:
                if request.POST.get("action") == "redraft":
                    sm.draft(actor=a, report=r)
                    messages.success(request, "已按本月数据重新生成草稿")
                else:
                    sm.edit(actor=a, report=r, **form.cleaned_data)
                    messages.success(request, "已保存")
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                form_error(form, exc)
                return render_detail(request, r, form=form, status=exc.status)
            return redirect("reports_monthly_detail", r.pk)
        return render_detail(request, r, form=form, status=422)
    return render_detail(request, r)
