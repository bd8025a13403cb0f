"""Pages: login, password, organisations, people, accounts, tokens, login log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from postaward.core.errors import DomainError, NotFound
from postaward.core.lists import BatchAction, Column, Filter, ListSpec, render_list
from postaward.core.middleware import client_ip
from postaward.core.scoping import get_visible_or_404
from postaward.core.web import actor_of, form_error, page_view, require

from . import selectors, services
from .choices import LoginResult, OrgKind, Role
from .forms import (
    AccountForm,
    LoginForm,
    OrganisationForm,
    PasswordChangeForm,
    PersonForm,
    QualificationForm,
    RolesForm,
    TokenForm,
)
from .models import ApiToken, Organisation, Person, Qualification, User

# --- login ------------------------------------------------------------------------------------


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return redirect("home")
    ctx: dict = {"next": request.GET.get("next", "")}
    if request.method == "POST":
        form = LoginForm(request.POST)
        ctx["next"] = request.POST.get("next", "")
        if form.is_valid():
            user, message = services.attempt_login(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
            if user is not None:
                auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                target = ctx["next"]
                if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                    target = ""
                return redirect(target or "home")
            ctx["error"] = message
            ctx["username"] = form.cleaned_data["username"]
        else:
            ctx["error"] = "请输入账号和密码"
    return render(request, "registration/login.html", ctx)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.record_logout(
            user=request.user,
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
    auth_logout(request)
    return redirect("login")


@page_view
def password_change(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    user: User = request.user  # type: ignore[assignment]
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_own_password(
                actor=actor,
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            from django.contrib.auth import update_session_auth_hash

            update_session_auth_hash(request, user)
            messages.success(request, "密码已修改")
            return redirect("home")
    return render(
        request,
        "registration/password_change.html",
        {"form": form, "forced": user.must_change_password},
    )


# --- organisations ------------------------------------------------------------------------------


def _is_admin(actor) -> bool:  # type: ignore[no-untyped-def]
    return Role.ADMIN in actor.roles


def _int_or_404(value: str | None) -> int:
    """An id from a query string or a form: anything but a number is "not found"."""
    try:
        return int(value or "")
    except ValueError:
        raise NotFound() from None


@page_view
def organisation_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    spec = ListSpec(
        key="orgs",
        title="单位管理",
        columns=[
            Column(
                "name",
                "单位名称",
                lambda o: o.name,
                sort="name",
                link=lambda o: reverse("organisation_detail", args=[o.pk]),
            ),
            Column(
                "kind", "类型", lambda o: o.get_kind_display(), sort="kind", tag=lambda o: "blue"
            ),
            Column("uscc", "统一社会信用代码", lambda o: o.uscc or "", sort="uscc"),
            Column(
                "parent",
                "上级单位",
                lambda o: o.parent.name if o.parent else "",
                sort="parent__name",
            ),
            Column("contact", "联系人", lambda o: o.contact_name),
            Column("phone", "联系电话", lambda o: o.contact_phone),
            Column("people", "人员数", lambda o: o.people_count, sort="people_count"),
        ],
        filters=[Filter("kind", "单位类型", "kind", choices=OrgKind.choices)],
        search=("name", "short_name", "uscc"),
        search_label="名称/信用代码",
        row_url=lambda o: reverse("organisation_detail", args=[o.pk]),
        row_action="查看",
        empty="没有符合条件的单位",
        export_name="单位",
    )
    qs = selectors.organisations(actor).select_related("parent")
    filtered = bool(request.GET.get("q") or request.GET.get("kind"))
    return render_list(
        request,
        spec,
        qs,
        template="orgs/organisation_list.html",
        context={
            "section": "组织人员",
            "icon": "bi-building",
            "tree": selectors.org_tree(actor) if not filtered and qs.count() <= 400 else None,
            "new_url": reverse("organisation_create") if _is_admin(actor) else "",
            "new_label": "新增下级单位",
        },
    )


@page_view
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    org = get_visible_or_404(Organisation.objects.select_related("parent"), actor, pk=pk)
    can_admin = services.can_administer(actor, org)
    return render(
        request,
        "orgs/organisation_detail.html",
        {
            "org": org,
            "children": selectors.organisations(actor).filter(parent=org),
            "people": selectors.people(actor, organisation_id=org.pk)[:50],
            "accounts": selectors.accounts(actor, organisation_id=org.pk)[:50] if can_admin else [],
            "can_admin": can_admin,
            "can_add_child": can_admin
            and bool(OrganisationForm(parent_kind=org.kind).fields["kind"].choices),  # type: ignore[attr-defined]
        },
    )


@page_view
def organisation_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, _is_admin(actor), "仅单位总管可以新增单位")
    try:
        parent_id = int(request.GET.get("parent") or actor.organisation_id or 0)
    except ValueError:
        raise NotFound() from None
    parent = get_visible_or_404(Organisation.objects, actor, pk=parent_id)
    if not services.can_administer(actor, parent):
        raise NotFound()
    form = OrganisationForm(request.POST or None, parent_kind=parent.kind)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.create_organisation(actor=actor, parent=parent, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"已新增单位：{org.name}")
            return redirect("organisation_detail", pk=org.pk)
    return render(
        request,
        "orgs/organisation_form.html",
        {"form": form, "parent": parent, "title": "新增下级单位"},
    )


@page_view
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    org = get_visible_or_404(Organisation.objects, actor, pk=pk)
    # Not an administrator: 403; an administrator outside their subtree: 404.
    services.require_admin_of(actor, org)
    initial = {
        f: getattr(org, f)
        for f in (
            "name",
            "short_name",
            "uscc",
            "industry",
            "region_code",
            "address",
            "contact_name",
            "contact_phone",
        )
    }
    form = OrganisationForm(
        request.POST or None,
        initial=initial,
        editing=True,
        industry_locked=not services.may_set_industry(actor, org),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(actor=actor, org=org, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "单位信息已保存")
            return redirect("organisation_detail", pk=org.pk)
    return render(
        request, "orgs/organisation_form.html", {"form": form, "org": org, "title": "修改单位信息"}
    )


# --- people ---------------------------------------------------------------------------------------


@page_view
def person_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    spec = ListSpec(
        key="people",
        title="人员管理",
        columns=[
            Column(
                "name",
                "姓名",
                lambda p: p.name,
                sort="name",
                link=lambda p: reverse("person_detail", args=[p.pk]),
            ),
            Column("org", "单位", lambda p: p.organisation.name, sort="organisation__name"),
            Column("title", "职务", lambda p: p.title, sort="title"),
            Column("mobile", "手机", lambda p: p.mobile),
            Column(
                "check",
                "证件提示",
                lambda p: "需核对" if p.id_number_warning else "",
                tag=lambda p: "orange" if p.id_number_warning else "",
            ),
        ],
        filters=[
            Filter(
                "organisation",
                "单位",
                "organisation_id",
                choices=lambda: [
                    (str(pk), name)
                    for pk, name in selectors.organisations(actor).values_list("pk", "name")
                ],
            )
        ],
        search=("name", "mobile"),
        search_label="姓名/手机",
        row_url=lambda p: reverse("person_detail", args=[p.pk]),
        row_action="查看",
        empty="没有符合条件的人员",
        export_name="人员",
    )
    return render_list(
        request,
        spec,
        selectors.people(actor),
        context={
            "section": "组织人员",
            "icon": "bi-people",
            "new_url": reverse("person_create") if _is_admin(actor) else "",
            "new_label": "新增人员",
        },
    )


@page_view
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    person = get_visible_or_404(Person.objects.select_related("organisation"), actor, pk=pk)
    can_admin = services.can_administer(actor, person.organisation)
    qform = QualificationForm(request.POST or None)
    if request.method == "POST":
        services.require_admin_of(actor, person.organisation)
        if request.POST.get("remove"):
            qual = Qualification.objects.filter(
                person=person, pk=_int_or_404(request.POST["remove"])
            ).first()
            if qual is None:
                raise NotFound()
            services.remove_qualification(actor=actor, qualification=qual)
            messages.success(request, "已删除证书")
            return redirect("person_detail", pk=person.pk)
        if qform.is_valid():
            try:
                services.add_qualification(actor=actor, person=person, **qform.cleaned_data)
            except DomainError as exc:
                form_error(qform, exc)
            else:
                messages.success(request, "已添加证书")
                return redirect("person_detail", pk=person.pk)
    return render(
        request,
        "orgs/person_detail.html",
        {
            "person": person,
            "can_admin": can_admin,
            "qform": qform,
            "qualifications": person.qualifications.order_by("kind"),
            "account": User.objects.filter(person=person).first(),
            "show_full_id": can_admin,
            "sections": selectors.person_sections(person, actor),
        },
    )


@page_view
def person_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, _is_admin(actor), "仅单位总管可以新增人员")
    try:
        org_id = int(request.GET.get("org") or actor.organisation_id or 0)
    except ValueError:
        raise NotFound() from None
    org = get_visible_or_404(Organisation.objects, actor, pk=org_id)
    services.require_admin_of(actor, org)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.create_person(actor=actor, organisation=org, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            if person.id_number_warning:
                messages.warning(request, person.id_number_warning)
            messages.success(request, f"已新增人员：{person.name}")
            return redirect("person_detail", pk=person.pk)
    return render(request, "orgs/person_form.html", {"form": form, "org": org, "title": "新增人员"})


@page_view
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    person = get_visible_or_404(Person.objects.select_related("organisation"), actor, pk=pk)
    services.require_admin_of(actor, person.organisation)
    initial = {
        f: getattr(person, f)
        for f in ("name", "id_number", "mobile", "title", "is_party_member", "is_public_official")
    }
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.update_person(actor=actor, person=person, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            if person.id_number_warning:
                messages.warning(request, person.id_number_warning)
            messages.success(request, "人员信息已保存")
            return redirect("person_detail", pk=person.pk)
    return render(
        request,
        "orgs/person_form.html",
        {"form": form, "org": person.organisation, "person": person, "title": "修改人员信息"},
    )


# --- accounts -----------------------------------------------------------------------------------------


def _account_state(a: User) -> tuple[str, str]:
    if not a.is_active:
        return "停用", "grey"
    if a.is_locked():
        return "锁定", "red"
    if a.must_change_password:
        return "待改初始密码", "orange"
    return "正常", "green"


@page_view
def account_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, _is_admin(actor), "仅单位总管可以管理账号")
    spec = ListSpec(
        key="accounts",
        title="账号与角色",
        columns=[
            Column("username", "账号", lambda a: a.username, sort="username"),
            Column("name", "姓名", lambda a: a.display_name, sort="display_name"),
            Column("org", "单位", lambda a: a.organisation.name, sort="organisation__name"),
            Column(
                "roles",
                "角色",
                lambda a: "、".join(g.get_role_display() for g in a.role_grants.all()),
            ),
            Column(
                "state",
                "状态",
                lambda a: _account_state(a)[0],
                tag=lambda a: _account_state(a)[1],
            ),
            Column(
                "last_login",
                "最近登录",
                lambda a: (
                    f"{timezone.localtime(a.last_login):%Y-%m-%d %H:%M}" if a.last_login else ""
                ),
                sort="last_login",
            ),
        ],
        filters=[
            Filter(
                "active",
                "启用",
                "is_active",
                choices=[("1", "启用"), ("0", "停用")],
                apply=lambda qs, v: qs.filter(is_active=v == "1"),
            ),
        ],
        search=("username", "display_name", "organisation__name"),
        search_label="账号/姓名/单位",
        row_url=lambda a: reverse("account_detail", args=[a.pk]),
        row_action="管理",
        empty="暂无账号",
        export_name="账号",
    )
    return render_list(
        request,
        spec,
        selectors.accounts(actor).filter(organisation__path__startswith=actor.org_path),
        context={
            "section": "组织人员",
            "icon": "bi-person-badge",
            "new_url": reverse("account_create"),
            "new_label": "新增账号",
        },
    )


@page_view
def account_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, _is_admin(actor), "仅单位总管可以新增账号")
    try:
        org_id = int(request.GET.get("org") or actor.organisation_id or 0)
    except ValueError:
        raise NotFound() from None
    org = get_visible_or_404(Organisation.objects, actor, pk=org_id)
    if not services.can_administer(actor, org):
        raise NotFound()
    free_people = [
        (p.pk, p.name)
        for p in Person.objects.filter(organisation=org, account__isnull=True).order_by("name")
    ]
    initial = {}
    if request.GET.get("person"):
        initial["person"] = request.GET["person"]
    form = AccountForm(request.POST or None, kind=org.kind, people=free_people, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        person = (
            Person.objects.filter(pk=d["person"], organisation=org).first() if d["person"] else None
        )
        try:
            user, initial_password = services.create_account(
                actor=actor,
                organisation=org,
                username=d["username"],
                roles=d["roles"],
                person=person,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            return render(
                request,
                "orgs/account_created.html",
                {"account": user, "initial_password": initial_password},
            )
    return render(request, "orgs/account_form.html", {"form": form, "org": org})


@page_view
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(actor, _is_admin(actor), "仅单位总管可以管理账号")
    account = get_visible_or_404(
        User.objects.select_related("organisation", "person"), actor, pk=pk
    )
    if account.organisation is None or not services.can_administer(actor, account.organisation):
        raise NotFound()
    current = sorted(account.role_grants.values_list("role", flat=True))
    form = RolesForm(
        request.POST or None, kind=account.organisation.kind, initial={"roles": current}
    )
    new_password = None
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "roles" and form.is_valid():
                services.set_roles(actor=actor, user=account, roles=form.cleaned_data["roles"])
                messages.success(request, "角色已保存")
                return redirect("account_detail", pk=account.pk)
            if op == "reset":
                new_password = services.reset_password(actor=actor, user=account)
            elif op == "unlock":
                services.unlock_account(actor=actor, user=account)
                messages.success(request, "账号已解锁")
                return redirect("account_detail", pk=account.pk)
            elif op in ("disable", "enable"):
                services.set_account_active(actor=actor, user=account, active=op == "enable")
                messages.success(request, "账号已" + ("启用" if op == "enable" else "停用"))
                return redirect("account_detail", pk=account.pk)
        except DomainError as exc:
            form_error(form, exc)
    return render(
        request,
        "orgs/account_detail.html",
        {
            "account": account,
            "form": form,
            "new_password": new_password,
            "role_labels": [Role(r).label for r in current],
            "locked_addresses": services.locked_addresses(account),
        },
    )


# --- tokens -----------------------------------------------------------------------------------------------


def _token_state(t: ApiToken) -> tuple[str, str]:
    if t.revoked_at:
        return "已吊销", "grey"
    if t.is_usable:
        return "有效", "green"
    return "已过期", "orange"


@page_view
def token_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    user: User = request.user  # type: ignore[assignment]
    batch = request.method == "POST" and bool(request.POST.get("batch"))
    form = TokenForm(None if batch else request.POST or None, initial={"days": 90})
    plain = None
    if request.method == "POST" and not batch:
        if request.POST.get("revoke"):
            token = get_visible_or_404(
                ApiToken.objects, actor, pk=_int_or_404(request.POST["revoke"])
            )
            services.revoke_api_token(actor=actor, token=token)
            messages.success(request, "令牌已吊销")
            return redirect("tokens")
        if form.is_valid():
            try:
                _, plain = services.create_api_token(actor=actor, user=user, **form.cleaned_data)
            except DomainError as exc:
                form_error(form, exc)
            else:
                form = TokenForm(initial={"days": 90})
    spec = ListSpec(
        key="tokens",
        title="我的接口令牌",
        columns=[
            Column("name", "用途", lambda t: t.name, sort="name"),
            Column("prefix", "前缀", lambda t: f"pa_{t.prefix}_…"),
            Column(
                "created",
                "创建",
                lambda t: f"{timezone.localtime(t.created_at):%Y-%m-%d %H:%M}",
                sort="created_at",
            ),
            Column(
                "expires",
                "到期",
                lambda t: f"{timezone.localtime(t.expires_at):%Y-%m-%d}" if t.expires_at else "",
                sort="expires_at",
            ),
            Column(
                "used",
                "最近使用",
                lambda t: (
                    f"{timezone.localtime(t.last_used_at):%Y-%m-%d %H:%M}" if t.last_used_at else ""
                ),
                sort="last_used_at",
            ),
            Column(
                "state",
                "状态",
                lambda t: _token_state(t)[0],
                tag=lambda t: _token_state(t)[1],
            ),
        ],
        search=("name",),
        search_label="用途",
        default_sort="-created",
        empty="暂无令牌",
        export_name="接口令牌",
        # the service of the single 吊销: own tokens (or an administrator's), audited
        batch=[
            BatchAction(
                "revoke",
                "吊销",
                run=lambda a, t: services.revoke_api_token(actor=a, token=t),
                check=lambda a, t: "已吊销" if t.revoked_at else "",
                name=lambda t: t.name,
                confirm="吊销后，使用所选令牌的系统将不能再调用接口。确定吊销？",
            )
        ],
    )
    return render_list(
        request,
        spec,
        selectors.tokens(actor).filter(user=user),
        template="orgs/tokens.html",
        context={"section": "系统管理", "icon": "bi-key", "form": form, "plain": plain},
    )


# --- login log ---------------------------------------------------------------------------------------------


@page_view
def login_log(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(
        actor,
        actor.org_kind == OrgKind.SUPERVISION_OFFICE or _is_admin(actor),
        "仅监管办和单位总管可以查看登录日志",
    )
    spec = ListSpec(
        key="logins",
        title="登录日志",
        columns=[
            Column(
                "at", "时间", lambda r: f"{timezone.localtime(r.at):%Y-%m-%d %H:%M:%S}", sort="at"
            ),
            Column("username", "账号", lambda r: r.username, sort="username"),
            Column(
                "result",
                "结果",
                lambda r: r.get_result_display(),
                sort="result",
                tag=lambda r: "green" if r.result == LoginResult.SUCCESS else "orange",
            ),
            Column("ip", "IP", lambda r: r.ip),
            Column("agent", "客户端", lambda r: r.user_agent),
            Column("detail", "说明", lambda r: r.detail),
        ],
        filters=[
            Filter("username", "账号", "username", kind="text"),
            Filter("result", "结果", "result", choices=LoginResult.choices),
            Filter("date_from", "起始日期", "at__date", kind="date_from"),
            Filter("date_to", "截止日期", "at__date", kind="date_to"),
        ],
        search=("username", "ip", "detail"),
        search_label="账号/IP/说明",
        default_sort="-at",
        selectable=True,
        export_name="登录日志",
    )
    return render_list(
        request,
        spec,
        selectors.login_logs(actor, filters={}),
        context={"section": "系统管理", "icon": "bi-box-arrow-in-right"},
    )
