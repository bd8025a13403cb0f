"""The pages of scoring rule sets (评分规则, R-SCO-01): the list of versions
(on the list component: filters, sort, totals, export, print), one version
(header, five-colour thresholds, objection period, items with their basis,
the steps, the history of its line and what changed from the version it is
based on), and the forms of a draft (new version, header, items)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from postaward.core import clock, steps
from postaward.core.actor import Actor
from postaward.core.errors import DomainError, Forbidden, NotFound
from postaward.core.lists import Column, Filter, ListSpec, render_list
from postaward.core.web import actor_of, form_error, page_view
from postaward.orgs.choices import Industry, OrgKind
from postaward.orgs.models import Organisation

from . import facts, forms_rules, services_rules
from .choices import RuleSetState, SubjectKind
from .models import RuleItem, RuleSet
from .rules import DRAFTER_ROLES, IN_FORCE_STATES, effective_rule_set, readable_rule_sets
from .steps_rules import load_rule_set

COLOURS: dict[str, str] = {
    RuleSetState.DRAFT: "grey",
    RuleSetState.PENDING: "blue",
    RuleSetState.EFFECTIVE: "green",
    RuleSetState.REJECTED: "red",
    RuleSetState.SUPERSEDED: "orange",
}


def _day(value: Any) -> str:
    return f"{value:%Y-%m-%d}" if value else "—"


def rule_sets(actor: Actor) -> Any:
    return (
        readable_rule_sets(actor)
        .select_related("authority")
        .annotate(item_count=Count("items", distinct=True))
    )


def _authorities() -> list[tuple[str, str]]:
    return [
        (str(pk), name)
        for pk, name in Organisation.objects.filter(kind=OrgKind.INDUSTRY_AUTHORITY)
        .order_by("name")
        .values_list("pk", "name")
    ]


SPEC = ListSpec(
    key="credit_rule_sets",
    title="评分规则",
    columns=[
        Column("authority", "行业主管部门", lambda r: r.authority.name, sort="authority__name"),
        Column("industry", "行业", lambda r: r.get_industry_display(), sort="industry"),
        Column(
            "version",
            "版本",
            lambda r: f"第{r.version}版",
            sort="version",
            link=lambda r: reverse("credit_rule_detail", args=[r.pk]),
            export=lambda r: r.version,
        ),
        Column("title", "名称", lambda r: r.title, sort="title"),
        Column.state("state", "状态", COLOURS),
        Column(
            "effective_from",
            "生效日期",
            lambda r: _day(r.effective_from),
            sort="effective_from",
            export=lambda r: r.effective_from,
        ),
        Column(
            "effective_to",
            "失效日期",
            lambda r: _day(r.effective_to),
            sort="effective_to",
            export=lambda r: r.effective_to,
        ),
        Column("items", "评分项数", lambda r: r.item_count, sort="item_count"),
        Column("note", "修订说明", lambda r: r.note, export_only=True),
        Column("opinion", "复核意见", lambda r: r.review_opinion, export_only=True),
    ],
    filters=[
        Filter("industry", "行业", "industry", choices=Industry.choices),
        Filter("state", "状态", "state", choices=RuleSetState.choices),
        Filter("authority", "行业主管部门", "authority_id", choices=_authorities),
        Filter(
            "in_force",
            "施行情况",
            "state",
            choices=[("yes", "生效及曾生效的版本"), ("no", "草稿、待复核、未通过")],
            apply=lambda qs, v: (
                qs.filter(state__in=IN_FORCE_STATES)
                if v == "yes"
                else qs.exclude(state__in=IN_FORCE_STATES)
            ),
        ),
        Filter("from", "生效日期起", "effective_from", kind="date_from"),
        Filter("to", "生效日期止", "effective_from", kind="date_to"),
    ],
    search=("title", "authority__name", "note"),
    search_label="名称、部门或修订说明",
    default_sort="authority",
    row_url=lambda r: reverse("credit_rule_detail", args=[r.pk]),
    export_name="评分规则",
    empty="暂无评分规则",
    testid="credit-rule-list",
)


def can_see_rules(actor: Actor) -> bool:
    """The menu entry: every account of a district with a role reads at least
    the rules in force (the office and the authorities more; ADR 0632)."""
    return bool(actor.user_id and actor.district_path and actor.roles)


def can_draft_somewhere(actor: Actor) -> bool:
    return actor.org_kind == OrgKind.INDUSTRY_AUTHORITY and bool(actor.roles & DRAFTER_ROLES)


def _totals(request: HttpRequest, qs: Any) -> dict[str, int]:
    from postaward.core.lists import _apply_filters

    filtered = _apply_filters(request, SPEC, qs)[0].order_by()
    agg = filtered.aggregate(
        versions=Count("pk", distinct=True),
        effective=Count("pk", filter=Q(state=RuleSetState.EFFECTIVE), distinct=True),
        items=Count("items"),
    )
    return {k: int(v or 0) for k, v in agg.items()}


@page_view
def rule_set_list(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    qs = rule_sets(a)
    return render_list(
        request,
        SPEC,
        qs,
        context={
            "section": "信用管理",
            "icon": "bi-list-check",
            "totals_rules": _totals(request, readable_rule_sets(a)),
            "new_url": reverse("credit_rule_new") if can_draft_somewhere(a) else "",
            "new_label": "起草新版本",
            "intro": "评分规则由各行业主管部门制定，逐项录入平台后台（R-SCO-01）；"
            "新版本经本部门另一位领导复核通过后按生效日期施行。",
        },
        template="credit/rules_list.html",
    )


# --- one version ---------------------------------------------------------------------------------


def _history(rs: RuleSet, actor: Actor) -> Any:
    return (
        readable_rule_sets(actor)
        .filter(authority_id=rs.authority_id, industry=rs.industry)
        .annotate(item_count=Count("items"))
        .order_by("-version")
    )


def _item_rows(rs: RuleSet) -> list[dict[str, Any]]:
    kinds = dict(SubjectKind.choices)
    return [
        {
            "item": i,
            "subject": kinds.get(i.subject_kind, i.subject_kind),
            "trigger": facts.label(i.trigger),
            "basis": f"《{i.basis_document}》{i.basis_article}",
        }
        for i in rs.items.all()
    ]


def render_detail(
    request: HttpRequest,
    rs: RuleSet,
    *,
    bound: dict[str, Any] | None = None,
    header_form: Any = None,
    item_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    a = actor_of(request)
    editable = services_rules.may_edit(rs, a)
    if editable:
        header_form = header_form or forms_rules.HeaderForm(
            initial={f: getattr(rs, f) for f in services_rules.HEADER_FIELDS}, prefix="h"
        )
        item_form = item_form or forms_rules.ItemForm(prefix="i")
    changes = services_rules.changes_from_base(rs) if rs.based_on_id else None
    return render(
        request,
        "credit/rules_detail.html",
        {
            "rs": rs,
            "colour": COLOURS.get(rs.state, "grey"),
            "items": _item_rows(rs),
            "history": _history(rs, a),
            "changes": changes,
            "page_steps": steps.page_steps(rs, a, bound=bound),
            "editable": editable,
            "header_form": header_form if editable else None,
            "item_form": item_form if editable else None,
            "in_force_today": effective_rule_set(rs.authority_id, rs.industry, clock.today()) == rs,
            "may_draft_next": services_rules.may_draft(a, rs.authority)
            and rs.state in IN_FORCE_STATES,
        },
        status=status,
    )


@page_view
def rule_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, load_rule_set(actor_of(request), pk))


# --- drafts --------------------------------------------------------------------------------------


def _draft_form(a: Actor, data: Any = None) -> Any:
    authority = Organisation.objects.get(pk=a.organisation_id)
    industries = (
        [(authority.industry, authority.get_industry_display())] if authority.industry else []
    )
    industries += [(v, label) for v, label in Industry.choices if v != authority.industry]
    versions = (
        readable_rule_sets(a).filter(authority_id=authority.pk).order_by("industry", "-version")
    )
    return authority, forms_rules.DraftForm(data, industries=industries, versions=versions)


@page_view
def rule_set_new(request: HttpRequest) -> HttpResponse:
    """Draft a new version of the actor's authority's rules."""
    a = actor_of(request)
    if not can_draft_somewhere(a):
        raise Forbidden("本行业主管部门工作人员方可起草评分规则")
    authority, form = _draft_form(a, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            based_on = None
            if form.cleaned_data["based_on"]:
                based_on = readable_rule_sets(a).filter(pk=form.cleaned_data["based_on"]).first()
            try:
                rs = services_rules.create_draft(
                    actor=a,
                    authority=authority,
                    industry=form.cleaned_data["industry"],
                    based_on=based_on,
                )
            except (NotFound, Forbidden):
                raise
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, f"已起草第{rs.version}版，请修改后提交复核")
                return redirect("credit_rule_detail", rs.pk)
    return render(
        request, "credit/rules_new.html", {"form": form, "authority": authority}, status=status
    )


def _draft_or_refuse(request: HttpRequest, pk: int) -> tuple[Actor, RuleSet]:
    a = actor_of(request)
    rs = load_rule_set(a, pk)
    if not services_rules.may_draft(a, rs.authority):
        raise Forbidden("本行业主管部门工作人员方可修改评分规则")
    return a, rs


@page_view
def rule_set_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """POST the header of a draft."""
    a, rs = _draft_or_refuse(request, pk)
    if request.method != "POST":
        return redirect("credit_rule_detail", pk)
    form = forms_rules.HeaderForm(request.POST, prefix="h")
    if form.is_valid():
        try:
            services_rules.update_rule_set(actor=a, rule_set=rs, **form.cleaned_data)
        except DomainError as exc:
            if exc.status in (403, 404, 409):  # a wrong state: the reason on top
                raise
            form_error(form, exc)
            return render_detail(request, rs, header_form=form, status=exc.status)
        messages.success(request, "已保存")
        return redirect("credit_rule_detail", pk)
    return render_detail(request, rs, header_form=form, status=422)


@page_view
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    """POST a new item of a draft."""
    a, rs = _draft_or_refuse(request, pk)
    if request.method != "POST":
        return redirect("credit_rule_detail", pk)
    form = forms_rules.ItemForm(request.POST, prefix="i")
    if form.is_valid():
        try:
            item = services_rules.add_item(actor=a, rule_set=rs, **form.data_for_service())
        except DomainError as exc:
            if exc.status in (403, 404, 409):  # a wrong state: the reason on top
                raise
            form_error(form, exc)
            return render_detail(request, rs, item_form=form, status=exc.status)
        messages.success(request, f"已添加评分项 {item.code}")
        return redirect(reverse("credit_rule_detail", args=[pk]) + "#items")
    return render_detail(request, rs, item_form=form, status=422)


def _item(rs: RuleSet, item_id: int) -> RuleItem:
    item = RuleItem.objects.filter(rule_set=rs, pk=item_id).first()
    if item is None:
        raise NotFound("评分项不存在")
    return item


@page_view
def item_edit(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    """The form of one item of a draft (GET), its change (POST)."""
    a, rs = _draft_or_refuse(request, pk)
    item = _item(rs, item_id)
    status = 200
    if request.method == "POST":
        form = forms_rules.ItemForm(request.POST)
        status = 422
        if form.is_valid():
            try:
                services_rules.update_item(
                    actor=a, rule_set=rs, item_id=item.pk, **form.data_for_service()
                )
            except DomainError as exc:
                if exc.status in (403, 404, 409):  # a wrong state: the reason on top
                    raise
                form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, f"已保存评分项 {form.cleaned_data['code']}")
                return redirect(reverse("credit_rule_detail", args=[pk]) + "#items")
    else:
        if not services_rules.may_edit(rs, a):
            messages.error(request, "只有草稿可以修改")
            return redirect("credit_rule_detail", pk)
        form = forms_rules.ItemForm(
            initial={f: getattr(item, f) for f in services_rules.ITEM_FIELDS}
        )
    return render(
        request, "credit/rules_item.html", {"rs": rs, "item": item, "form": form}, status=status
    )


@page_view
def item_delete(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    """POST: remove one item of a draft."""
    a, rs = _draft_or_refuse(request, pk)
    if request.method != "POST":
        return redirect("credit_rule_detail", pk)
    item = _item(rs, item_id)
    services_rules.delete_item(actor=a, rule_set=rs, item_id=item.pk)
    messages.success(request, f"已删除评分项 {item.code}")
    return redirect(reverse("credit_rule_detail", args=[pk]) + "#items")
