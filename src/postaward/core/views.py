"""Pages of the shell: home, inbox, calendar maintenance, audit trail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from . import business_calendar, clock, homepage, legal_basis, selectors, services
from .errors import DomainError
from .forms import CalendarDayForm, CalendarImportForm, CalendarYearForm
from .lists import Column, Filter, ListSpec, render_list
from .models import CalendarYear
from .web import actor_of, form_error, page_view, paginate, require


@page_view
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    elsewhere = homepage.landing_for(actor)
    if elsewhere:
        return redirect(elsewhere)
    return render(
        request,
        "core/home.html",
        {
            "stats": homepage.stats_for(actor),
            "todos": selectors.open_todos(actor)[:8],
        },
    )


TODO_KINDS = [
    ("approvals.", "流程审批"),
    ("alerts.", "预警处置"),
    ("attendance.", "现场考勤"),
    ("projects.", "项目管理"),
]


def _todo_spec() -> ListSpec:
    from .templatetags.pa import due

    def overdue(t: Any) -> bool:
        return bool(t.due_at and t.due_at < clock.now())

    return ListSpec(
        key="todo",
        title="我的待办",
        columns=[
            Column(
                "title",
                "事项",
                lambda t: t.title,
                sort="title",
                link=lambda t: t.url or "",
                note=lambda t: (t.detail or "")[:80],
            ),
            Column("project", "项目", lambda t: t.project_name or "", sort="project_name"),
            Column(
                "due",
                "办理期限",
                lambda t: due(t.due_at) if t.due_at else "",
                sort="due_at",
                tag=lambda t: "red" if overdue(t) else "",
                note=lambda t: "已超期" if overdue(t) else "",
                export=lambda t: t.due_at,
            ),
            Column("basis", "依据", lambda t: legal_basis.cite(t.basis) if t.basis else ""),
            Column.when("created", "收到时间", "created_at"),
        ],
        filters=[
            Filter(
                "kind",
                "类别",
                "kind",
                choices=TODO_KINDS,
                apply=lambda qs, v: qs.filter(kind__startswith=v),
            ),
            Filter("from", "收到日期起", "created_at__date", kind="date_from"),
            Filter("to", "收到日期止", "created_at__date", kind="date_to"),
        ],
        search=("title", "detail", "project_name"),
        search_label="事项/项目",
        row_url=lambda t: t.url or "",
        row_action="办理",
        empty="暂无待办事项",
        export_name="我的待办",
        testid="todo-table",
        row_testid="todo-row",
    )


@page_view
def inbox(request: HttpRequest) -> HttpResponse:
    """我的待办 (what waits for me, the list component) and 我发起的 (my own
    requests gathered from every capability, with their state)."""
    from . import todos

    actor = actor_of(request)
    tab = "mine" if request.GET.get("tab") == "mine" else "todo"
    if tab == "mine":
        ctx = paginate(request, todos.my_requests(actor))
        ctx.update(tab=tab, open_count=todos.open_count(actor), title="我的待办")
        return render(request, "core/inbox.html", ctx)
    return render_list(
        request,
        _todo_spec(),
        selectors.open_todos(actor),
        template="core/inbox.html",
        context={"tab": tab, "open_count": todos.open_count(actor)},
    )


def _is_calendar_admin(actor) -> bool:  # type: ignore[no-untyped-def]
    return not actor.is_system and services.may_edit_calendar(actor)


@page_view
def calendar_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    today = selectors.today()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2004), 2100)
    can_edit = _is_calendar_admin(actor)
    day_form = CalendarDayForm(prefix="day")
    year_form = CalendarYearForm(prefix="year", initial={"year": year})
    import_form = CalendarImportForm(prefix="imp", initial={"year": year})
    if request.method == "POST":
        require(actor, can_edit, "仅监管办总管可以维护工作日历")
        which = request.POST.get("form")
        try:
            if which == "day":
                day_form = CalendarDayForm(request.POST, prefix="day")
                if day_form.is_valid():
                    d = day_form.cleaned_data
                    n = services.set_calendar_days(
                        actor=actor,
                        start=d["date"],
                        end=d.get("date_to"),
                        kind=d["kind"] or None,
                        name=d["name"],
                    )
                    messages.success(
                        request,
                        f"{d['date']:%Y-%m-%d} 已更新"
                        if n == 1
                        else f"{d['date']:%Y-%m-%d} 起 {n} 天已更新",
                    )
                    return redirect(f"{request.path}?year={d['date'].year}")
            elif which == "import":
                import_form = CalendarImportForm(request.POST, prefix="imp")
                if import_form.is_valid():
                    d = import_form.cleaned_data
                    n = services.import_calendar_notice(
                        actor=actor, year=d["year"], text=d["lines"], notice=d["notice"]
                    )
                    messages.success(request, f"已导入 {n} 个日期，{d['year']} 年节假日安排已确认")
                    return redirect(f"{request.path}?year={d['year']}")
            elif which == "year":
                year_form = CalendarYearForm(request.POST, prefix="year")
                if year_form.is_valid():
                    d = year_form.cleaned_data
                    services.confirm_calendar_year(actor=actor, year=d["year"], notice=d["notice"])
                    messages.success(request, f"{d['year']} 年节假日安排已确认")
                    return redirect(f"{request.path}?year={d['year']}")
        except DomainError as exc:
            form_error({"day": day_form, "import": import_form}.get(which or "", year_form), exc)
    months = [(m, selectors.calendar_month(year, m)) for m in range(1, 13)]
    return render(
        request,
        "core/calendar.html",
        {
            "year": year,
            "months": months,
            "can_edit": can_edit,
            "covered": business_calendar.is_covered(year),
            "year_row": CalendarYear.objects.filter(year=year).first(),
            "exceptions": selectors.calendar_exceptions(year),
            "day_form": day_form,
            "year_form": year_form,
            "import_form": import_form,
            "weekday_names": "一二三四五六日",
        },
    )


@page_view
def audit_log(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)

    def by(field: str) -> Callable[[Any, str], Any]:
        def apply(qs: Any, value: str) -> Any:
            return qs & selectors.audit_records(actor, filters={field: value})

        return apply

    spec = ListSpec(
        key="audit",
        title="操作日志",
        columns=[
            Column("seq", "序号", lambda r: r.seq, sort="seq"),
            Column.when("at", "时间", "at", seconds=True),
            Column("actor", "操作人", lambda r: r.actor_name, sort="actor_name"),
            Column(
                "org", "单位", lambda r: r.organisation_name or "平台", sort="organisation_name"
            ),
            Column("action", "操作", lambda r: r.action_label, sort="action"),
            Column(
                "object",
                "对象",
                lambda r: r.object_name,
                link=lambda r: r.object_url,
                note=lambda r: r.object_type_label,
            ),
            Column(
                "project",
                "项目",
                lambda r: r.project_name,
                link=lambda r: (
                    reverse("project_detail", args=[r.project_id]) if r.project_name else ""
                ),
            ),
            Column("ip", "IP", lambda r: r.ip),
        ],
        filters=[
            Filter("actor", "操作人", "actor_name", kind="text"),
            Filter("action", "操作（如：处置预警）", "", kind="text", apply=by("action")),
            Filter("project", "项目（编号、名称）", "", kind="text", apply=by("project")),
            Filter("date_from", "起始日期", "at__date", kind="date_from"),
            Filter("date_to", "截止日期", "at__date", kind="date_to"),
        ],
        default_sort="-seq",
        row_url=lambda r: reverse("audit_detail", args=[r.seq]),
        row_action="详情",
        empty="没有符合条件的记录",
        export_name="操作日志",
        prepare=selectors.describe_records,
        row_testid="audit-row",
    )
    return render_list(
        request,
        spec,
        selectors.audit_records(actor, filters={}),
        template="core/audit_log.html",
        context={"section": "系统管理", "icon": "bi-journal-text"},
    )


@page_view
def audit_detail(request: HttpRequest, seq: int) -> HttpResponse:
    from . import audit_labels
    from .models import AuditRecord
    from .scoping import get_visible_or_404

    rec = get_visible_or_404(AuditRecord.objects, actor_of(request), seq=seq)
    [rec] = selectors.describe_records([rec])
    return render(
        request,
        "core/audit_detail.html",
        {"rec": rec, "changes": audit_labels.changes(rec.object_type, rec.before, rec.after)},
    )
