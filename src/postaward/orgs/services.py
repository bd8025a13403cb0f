"""Writes of the orgs app. Every function: ``verb_noun(*, actor, ...)``, one
transaction, one audit record; refusals raise before anything changes."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, get_hasher, make_password
from django.contrib.auth.password_validation import validate_password as _validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from postaward.core import audit, clock, todos, writes
from postaward.core.actor import SYSTEM, Actor
from postaward.core.crypto import sm3_hex
from postaward.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from postaward.core.idcheck import check_mobile, check_resident_id, check_uscc

from . import tokencache
from .choices import (
    CHILD_KINDS,
    ENTERPRISE_KINDS,
    ROLES_BY_KIND,
    Industry,
    LoginResult,
    OrgKind,
    QualificationType,
    Role,
)
from .models import ApiToken, LoginLog, Organisation, Person, Qualification, User, UserRole
from .passwords import generate_initial_password, normalise_password

# Django's zh_Hans catalogue lags behind some of its validators' messages (5.2's
# "too short" is untranslated), so the platform words them itself, by code.
_PASSWORD_MESSAGES = {
    "password_too_short": "密码长度太短，至少 {min_length} 个字符",
    "password_too_common": "密码过于常见，请换一个",
    "password_too_similar": "密码与{verbose_name}过于相似",
    "password_entirely_numeric": "密码不能全为数字",
}


def validate_password(password: str, user: User | None = None) -> None:
    """Django's validators (settings.AUTH_PASSWORD_VALIDATORS) on the NFKC form
    that will be stored, answering in Chinese in a request or outside one (the
    CLI, the demo loader, tests)."""
    password = normalise_password(password) or ""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            _validate_password(password, user)
        except ValidationError as exc:
            messages = []
            for err in exc.error_list:
                template = _PASSWORD_MESSAGES.get(err.code or "")
                params = {k: str(v) for k, v in (err.params or {}).items()}
                messages.append(template.format(**params) if template else " ".join(err.messages))
            raise ValidationError(messages) from exc


# --- scope of administration (R-ORG-03) -----------------------------------------------------


def can_administer(actor: Actor, org: Organisation) -> bool:
    """An administrator (总管) manages their own organisation and its subtree only."""
    if actor.is_system:
        return True
    return (
        Role.ADMIN in actor.roles and bool(actor.org_path) and org.path.startswith(actor.org_path)
    )


def require_admin_of(actor: Actor, org: Organisation) -> None:
    if Role.ADMIN not in actor.roles and not actor.is_system:
        raise Forbidden("仅单位总管可以维护单位、人员和账号")
    if not can_administer(actor, org):
        # Out of the administrator's subtree: looks like it does not exist.
        raise NotFound()


# --- organisations ----------------------------------------------------------------------------------


def _refuse_nulls(changes: dict[str, Any], nullable: tuple[str, ...] = ()) -> None:
    """A PATCH may clear a nullable column; ``null`` for any other field is an
    input error, not a database error."""
    for key, value in changes.items():
        if value is None and key not in nullable:
            raise ValidationFailed("不能为空", field=key)


def _clean_industry(kind: str, industry: str) -> str:
    if industry and industry not in Industry.values:
        raise ValidationFailed("行业不正确", field="industry")
    if kind == OrgKind.INDUSTRY_AUTHORITY and not industry:
        raise ValidationFailed("行业主管部门须选择所管行业", field="industry")
    return industry


def may_set_industry(actor: Actor, org: Organisation) -> bool:
    """The industry of a government unit is set by a unit above it, never by
    the unit itself (R-ORG-03): it decides which imported projects an industry
    authority receives. Enterprises describe their own trade."""
    if actor.is_system or org.kind in ENTERPRISE_KINDS:
        return True
    return (
        bool(actor.org_path) and org.path != actor.org_path and org.path.startswith(actor.org_path)
    )


def _refuse_self_set_industry(actor: Actor, org: Organisation) -> None:
    if not may_set_industry(actor, org):
        raise Forbidden("单位的所属行业由上级单位设定，不能修改本单位的行业", field="industry")


def _refuse_second_authority(
    *, kind: str, industry: str, active: bool, district_path: str, exclude_pk: int | None = None
) -> None:
    """One active industry authority per (district, industry) (R-ORG-03): a
    second one would make the routing of imported projects a guess. The
    district's root row is locked so that two concurrent writes cannot both
    pass the check."""
    if kind != OrgKind.INDUSTRY_AUTHORITY or not active or not industry or not district_path:
        return
    list(Organisation.objects.select_for_update().filter(path=district_path))
    other = (
        Organisation.objects.filter(
            kind=OrgKind.INDUSTRY_AUTHORITY,
            industry=industry,
            is_active=True,
            path__startswith=district_path,
        )
        .exclude(pk=exclude_pk)
        .first()
    )
    if other is not None:
        raise Conflict(
            f"本区县已有“{Industry(industry).label}”行业主管部门：{other.name}，"
            "同一行业只能有一个行业主管部门",
            field="industry",
        )


def _clean_uscc(kind: str, uscc: str | None) -> str | None:
    uscc = (uscc or "").strip().upper() or None
    if uscc is None:
        if kind in ENTERPRISE_KINDS:
            raise ValidationFailed("企业须填写统一社会信用代码", field="uscc")
        return None
    checked = check_uscc(uscc)
    if not checked.ok:
        raise ValidationFailed(checked.error, field="uscc")
    return checked.value


def create_organisation(
    *,
    actor: Actor,
    parent: Organisation | None,
    name: str,
    kind: str,
    uscc: str | None = None,
    short_name: str = "",
    region_code: str = "",
    industry: str = "",
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> Organisation:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("请填写单位名称", field="name")
    if kind not in OrgKind.values:
        raise ValidationFailed("单位类型不正确", field="kind")
    if parent is None:
        if not actor.is_system:
            raise Forbidden("只有平台可以创建区县根单位")
        if kind != OrgKind.SUPERVISION_OFFICE:
            raise ValidationFailed("根单位须为监管办", field="kind")
    else:
        require_admin_of(actor, parent)
        if kind not in CHILD_KINDS.get(parent.kind, frozenset()):
            raise ValidationFailed(
                f"“{parent.get_kind_display()}”下不能设立“{OrgKind(kind).label}”", field="kind"
            )
    clean_uscc = _clean_uscc(kind, uscc)
    industry = _clean_industry(kind, industry)
    with transaction.atomic():
        if clean_uscc and Organisation.objects.filter(uscc=clean_uscc).exists():
            raise Conflict("该统一社会信用代码已登记", field="uscc")
        if parent is not None:
            _refuse_second_authority(
                kind=kind, industry=industry, active=True, district_path=parent.district_path
            )
        org = Organisation.objects.create(
            parent=parent,
            name=name,
            kind=kind,
            uscc=clean_uscc,
            short_name=short_name,
            region_code=region_code or (parent.region_code if parent else ""),
            industry=industry,
            address=address,
            contact_name=contact_name,
            contact_phone=contact_phone,
            depth=(parent.depth + 1) if parent else 0,
        )
        org.path = f"{parent.path if parent else ''}{org.pk:08d}/"
        org.save(update_fields=["path"])
        writes.created(org, actor=actor, action="orgs.create_organisation")
    return org


ORG_EDITABLE = (
    "name",
    "short_name",
    "uscc",
    "region_code",
    "industry",
    "address",
    "contact_name",
    "contact_phone",
    "is_active",
)


def update_organisation(*, actor: Actor, org: Organisation, **changes: Any) -> Organisation:
    require_admin_of(actor, org)
    unknown = set(changes) - set(ORG_EDITABLE)
    if unknown:
        raise ValidationFailed(f"不能修改字段：{', '.join(sorted(unknown))}")
    _refuse_nulls(changes, nullable=("uscc",))
    if "uscc" in changes:
        changes["uscc"] = _clean_uscc(org.kind, changes["uscc"])
    if "industry" in changes:
        changes["industry"] = _clean_industry(org.kind, changes["industry"])
        if changes["industry"] != org.industry:
            _refuse_self_set_industry(actor, org)
    if "name" in changes and not (changes["name"] or "").strip():
        raise ValidationFailed("请填写单位名称", field="name")
    if org.pk == actor.organisation_id and changes.get("is_active") is False:
        raise ValidationFailed("不能停用本单位", field="is_active")
    with writes.audited(
        Organisation, pk=org.pk, actor=actor, action="orgs.update_organisation"
    ) as w:
        org = w.obj
        industry = changes.get("industry", org.industry)
        active = changes.get("is_active", org.is_active)
        if industry != org.industry or (active and not org.is_active):
            _refuse_second_authority(
                kind=org.kind,
                industry=industry,
                active=active,
                district_path=org.district_path,
                exclude_pk=org.pk,
            )
        for key, value in changes.items():
            setattr(org, key, value)
        org.updated_at = clock.now()
        _save_unique(w, "该统一社会信用代码已登记", field="uscc")
    return org


# --- people ---------------------------------------------------------------------------------------------


def _person_snapshot(person: Person) -> dict[str, Any]:
    """A person in the audit trail: never the identity number."""
    return audit.snapshot(person, exclude=("id_number",))


def _save_unique(w: writes.Write, taken: str, *, field: str) -> None:
    """Save the row of ``w`` now (``w.save`` off): a unique number already
    registered is a 409 on ``field``, not a database error."""
    w.save = False
    try:
        with transaction.atomic():
            w.obj.save()
    except IntegrityError as exc:
        raise Conflict(taken, field=field) from exc


def _clean_person_fields(id_number: str | None, mobile: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if id_number is not None:
        if id_number.strip():
            checked = check_resident_id(id_number)
            if not checked.ok:
                raise ValidationFailed(checked.error, field="id_number")
            out.update(
                id_number=checked.value,
                id_number_warning=checked.warning,
                birth_date=checked.birth_date,
            )
        else:
            out.update(id_number=None, id_number_warning="", birth_date=None)
    if mobile is not None:
        if mobile.strip():
            checked = check_mobile(mobile)
            if not checked.ok:
                raise ValidationFailed(checked.error, field="mobile")
            out["mobile"] = checked.value
        else:
            out["mobile"] = ""
    return out


def create_person(
    *,
    actor: Actor,
    organisation: Organisation,
    name: str,
    id_number: str = "",
    mobile: str = "",
    title: str = "",
    is_party_member: bool = False,
    is_public_official: bool = False,
) -> Person:
    require_admin_of(actor, organisation)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("请填写姓名", field="name")
    fields = _clean_person_fields(id_number, mobile)
    with transaction.atomic():
        if (
            fields.get("id_number")
            and Person.objects.filter(id_number=fields["id_number"]).exists()
        ):
            raise Conflict("该身份证号码已登记", field="id_number")
        person = Person.objects.create(
            organisation=organisation,
            name=name,
            title=title,
            is_party_member=is_party_member,
            is_public_official=is_public_official,
            **fields,
        )
        writes.created(person, actor=actor, action="orgs.create_person", snapshot=_person_snapshot)
    return person


PERSON_EDITABLE = (
    "name",
    "id_number",
    "mobile",
    "title",
    "is_party_member",
    "is_public_official",
    "is_active",
)


def update_person(*, actor: Actor, person: Person, **changes: Any) -> Person:
    require_admin_of(actor, person.organisation)
    unknown = set(changes) - set(PERSON_EDITABLE)
    if unknown:
        raise ValidationFailed(f"不能修改字段：{', '.join(sorted(unknown))}")
    _refuse_nulls(changes, nullable=("id_number",))
    if "id_number" in changes:
        # null or "" clears the number; anything else must pass GB 11643.
        changes["id_number"] = changes["id_number"] or ""
    cleaned = _clean_person_fields(changes.pop("id_number", None), changes.pop("mobile", None))
    changes.update(cleaned)
    if "name" in changes and not (changes["name"] or "").strip():
        raise ValidationFailed("请填写姓名", field="name")
    with writes.audited(
        Person, pk=person.pk, actor=actor, action="orgs.update_person", snapshot=_person_snapshot
    ) as w:
        person = w.obj
        for key, value in changes.items():
            setattr(person, key, value)
        person.updated_at = clock.now()
        _save_unique(w, "该身份证号码已登记", field="id_number")
    return person


def add_qualification(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    number: str,
    specialty: str = "",
    issuer: str = "",
    issued_on: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> Qualification:
    require_admin_of(actor, person.organisation)
    if kind not in QualificationType.values:
        raise ValidationFailed("证书类型不正确", field="kind")
    number = (number or "").strip()
    if not number:
        raise ValidationFailed("请填写证书编号", field="number")
    if issued_on and valid_until and valid_until < issued_on:
        raise ValidationFailed("有效期不能早于发证日期", field="valid_until")
    with transaction.atomic():
        if Qualification.objects.filter(kind=kind, number=number).exists():
            raise Conflict("该证书编号已登记", field="number")
        qual = Qualification.objects.create(
            person=person,
            kind=kind,
            number=number,
            specialty=specialty,
            issuer=issuer,
            issued_on=issued_on,
            valid_until=valid_until,
        )
        writes.created(qual, actor=actor, action="orgs.add_qualification")
    return qual


def remove_qualification(*, actor: Actor, qualification: Qualification) -> None:
    require_admin_of(actor, qualification.person.organisation)
    with transaction.atomic():
        writes.deleted(qualification, actor=actor, action="orgs.remove_qualification")


# --- accounts and roles -----------------------------------------------------------------------------------


def _check_grantable(actor: Actor, org: Organisation, roles: Iterable[str]) -> list[str]:
    """Refuse any role the target organisation's kind cannot hold (no escalation)."""
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise ValidationFailed(f"未知角色：{', '.join(unknown)}", field="roles")
    allowed = ROLES_BY_KIND.get(org.kind, frozenset())
    refused = [r for r in roles if r not in allowed]
    if refused:
        labels = "、".join(Role(r).label for r in refused)
        raise Forbidden(f"“{org.get_kind_display()}”的账号不能被授予：{labels}")
    return roles


def create_account(
    *,
    actor: Actor,
    organisation: Organisation,
    username: str,
    roles: Iterable[str],
    person: Person | None = None,
    display_name: str = "",
    password: str | None = None,
    must_change_password: bool = True,
) -> tuple[User, str]:
    """Create an account; returns it with its initial password (shown once)."""
    require_admin_of(actor, organisation)
    username = (username or "").strip()
    if not username or len(username) > 150:
        raise ValidationFailed("请填写账号（不超过150个字符）", field="username")
    if person is not None and person.organisation_id != organisation.pk:
        raise ValidationFailed("人员不属于该单位", field="person")
    clean_roles = _check_grantable(actor, organisation, roles)
    if not clean_roles:
        raise ValidationFailed("请至少选择一个角色", field="roles")
    initial = password or generate_initial_password()
    try:
        validate_password(initial)
    except ValidationError as exc:
        raise ValidationFailed("；".join(exc.messages), field="password") from exc
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise Conflict("该账号已存在", field="username")
        if person is not None and User.objects.filter(person=person).exists():
            raise Conflict("该人员已有账号", field="person")
        user = User(
            username=username,
            organisation=organisation,
            person=person,
            first_name=display_name[:150],
            must_change_password=must_change_password,
        )
        user.set_password(initial)
        user.save()
        UserRole.objects.bulk_create(
            [UserRole(user=user, role=r, granted_by_id=actor.user_id) for r in clean_roles]
        )
        audit.record(
            actor=actor,
            action="orgs.create_account",
            obj=user,
            after={
                "username": username,
                "organisation_id": organisation.pk,
                "person_id": person.pk if person else None,
                "roles": clean_roles,
            },
        )
        if person is not None:
            # to-dos the administrator held for this person are now theirs
            todos.hand_over_to_account(
                user_id=user.pk, person_id=person.pk, organisation_id=organisation.pk
            )
    return user, initial


def create_public_account(
    *, actor: Actor, username: str, display_name: str, password: str | None = None
) -> tuple[User, str]:
    """An account of a member of the public (社会公众): no organisation, the
    ``public_user`` role only; it files and follows its own complaints on the
    public window. Created by the platform (the demo, an import from a
    government login); returns it with its initial password."""
    if not actor.is_system:
        raise Forbidden("社会公众账号由平台创建")
    username = (username or "").strip()
    if not username or len(username) > 150:
        raise ValidationFailed("请填写账号（不超过150个字符）", field="username")
    initial = password or generate_initial_password()
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise Conflict("该账号已存在", field="username")
        user = User(username=username, first_name=display_name[:150], must_change_password=False)
        user.set_password(initial)
        user.save()
        UserRole.objects.create(user=user, role=Role.PUBLIC_USER)
        audit.record(
            actor=actor,
            action="orgs.create_account",
            obj=user,
            after={"username": username, "organisation_id": None, "roles": [Role.PUBLIC_USER]},
        )
    return user, initial


def set_roles(*, actor: Actor, user: User, roles: Iterable[str]) -> list[str]:
    """Replace an account's roles. The granter's scope must cover the account and
    the roles must be ones the account's organisation kind may hold."""
    if user.organisation is None:
        raise NotFound()
    require_admin_of(actor, user.organisation)
    clean_roles = _check_grantable(actor, user.organisation, roles)
    if user.pk == actor.user_id and Role.ADMIN not in clean_roles:
        raise ValidationFailed("不能撤销自己的总管角色（请由上级总管办理）", field="roles")
    with transaction.atomic():
        before = sorted(user.role_grants.values_list("role", flat=True))
        UserRole.objects.filter(user=user).exclude(role__in=clean_roles).delete()
        for role in clean_roles:
            UserRole.objects.get_or_create(
                user=user, role=role, defaults={"granted_by_id": actor.user_id}
            )
        revoked = 0
        if set(clean_roles) != {Role.INTEGRATOR}:
            # Tokens an administrator issued for an integration account may not
            # outlive it becoming a person's account (ADR 0023).
            revoked = (
                _live_tokens(user).exclude(created_by_id=user.pk).update(revoked_at=clock.now())
            )
            if revoked:
                tokencache.bump()
        audit.record(
            actor=actor,
            action="orgs.set_roles",
            obj=user,
            before={"roles": before},
            after={"roles": clean_roles, **({"tokens_revoked": revoked} if revoked else {})},
        )
    return clean_roles


def move_account(*, actor: Actor, user: User, organisation: Organisation) -> User:
    """Move an account to another organisation within the administrator's scope;
    roles the new organisation's kind cannot hold are dropped."""
    if user.organisation is None:
        raise NotFound()
    require_admin_of(actor, user.organisation)
    require_admin_of(actor, organisation)
    if organisation.pk == user.organisation_id:
        raise ValidationFailed("账号已在该单位", field="organisation")
    with transaction.atomic():
        before = {
            "organisation_id": user.organisation_id,
            "roles": sorted(user.role_grants.values_list("role", flat=True)),
        }
        user.organisation = organisation
        user.save(update_fields=["organisation"])
        allowed = ROLES_BY_KIND.get(organisation.kind, frozenset())
        UserRole.objects.filter(user=user).exclude(role__in=allowed).delete()
        after = {
            "organisation_id": organisation.pk,
            "roles": sorted(user.role_grants.values_list("role", flat=True)),
        }
        audit.record(actor=actor, action="orgs.move_account", obj=user, before=before, after=after)
    return user


def set_account_active(*, actor: Actor, user: User, active: bool) -> User:
    if user.organisation is None:
        raise NotFound()
    require_admin_of(actor, user.organisation)
    if user.pk == actor.user_id:
        raise ValidationFailed("不能停用自己的账号")
    with transaction.atomic():
        user.is_active = active
        after: dict[str, Any] = {"is_active": active}
        if not active:
            after["tokens_revoked"] = _end_sessions_and_tokens(user)
        user.save(update_fields=["is_active", "auth_epoch"])
        audit.record(actor=actor, action="orgs.set_account_active", obj=user, after=after)
    return user


def reset_password(*, actor: Actor, user: User) -> str:
    """An administrator issues a new initial password; it must be changed at login."""
    if user.organisation is None:
        raise NotFound()
    require_admin_of(actor, user.organisation)
    initial = generate_initial_password()
    with transaction.atomic():
        user.set_password(initial)
        user.must_change_password = True
        user.locked_until = None
        revoked = _end_sessions_and_tokens(user)
        user.save(update_fields=["password", "must_change_password", "locked_until", "auth_epoch"])
        _log(user.username, user, "", "", LoginResult.UNLOCKED, f"{actor.display_name}重置密码")
        audit.record(
            actor=actor, action="orgs.reset_password", obj=user, after={"tokens_revoked": revoked}
        )
    return initial


def unlock_account(*, actor: Actor, user: User) -> None:
    if user.organisation is None:
        raise NotFound()
    require_admin_of(actor, user.organisation)
    with transaction.atomic():
        user.locked_until = None
        user.save(update_fields=["locked_until"])
        # Lifts the per-address locks too: failures are counted after this row.
        _log(user.username, user, "", "", LoginResult.UNLOCKED, f"{actor.display_name}解除锁定")
        audit.record(actor=actor, action="orgs.unlock_account", obj=user)


def change_own_password(*, actor: Actor, user: User, old_password: str, new_password: str) -> None:
    if user.pk != actor.user_id:
        raise Forbidden()
    if not user.check_password(old_password):
        raise ValidationFailed("原密码不正确", field="old_password")
    if normalise_password(old_password) == normalise_password(new_password):
        raise ValidationFailed("新密码不能与原密码相同", field="new_password")
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationFailed("；".join(exc.messages), field="new_password") from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.password_changed_at = clock.now()
        # Every session and token ends; the web view keeps the session that
        # made the change (update_session_auth_hash).
        revoked = _end_sessions_and_tokens(user)
        user.save(
            update_fields=[
                "password",
                "must_change_password",
                "password_changed_at",
                "auth_epoch",
            ]
        )
        audit.record(
            actor=actor, action="orgs.change_password", obj=user, after={"tokens_revoked": revoked}
        )


# --- login and lockout (ADR 0020) ------------------------------------------------------------------------------

# Counted against an address: every failed password and every unknown account.
_IP_COUNTED = (LoginResult.BAD_PASSWORD, LoginResult.UNKNOWN_USER)
# Read back, newest first, to count an account's failures since its last success.
_ACCOUNT_EVENTS = (LoginResult.BAD_PASSWORD, LoginResult.SUCCESS, LoginResult.UNLOCKED)
_DUMMY_HASHES: dict[str, str] = {}


def login_failed_message() -> str:
    """The one answer to a wrong password, an unknown account and any lock."""
    return f"账号或密码错误；连续失败多次后将暂停登录 {settings.LOGIN_LOCKOUT_MINUTES} 分钟"


def _check_dummy_password(password: str) -> None:
    """Run the hasher as the check of a real account would, so that the answer
    time tells nothing about which accounts exist."""
    algorithm = str(get_hasher().algorithm)
    encoded = _DUMMY_HASHES.get(algorithm)
    if encoded is None:
        encoded = _DUMMY_HASHES[algorithm] = make_password(secrets.token_urlsafe(16))
    check_password(normalise_password(password), encoded)


def _recent_failures(username: str, ip: str, since: dt.datetime) -> tuple[int, int]:
    """Failed passwords on ``username`` since ``since``: (from ``ip``, from
    anywhere). A success ends the count of its own address and the account's;
    an administrator's unlock (or password reset) ends both."""
    rows = (
        LoginLog.objects.filter(username=username, at__gt=since, result__in=_ACCOUNT_EVENTS)
        .order_by("-at", "-pk")
        .values_list("result", "ip")[:500]
    )
    from_ip = anywhere = 0
    account_open = True
    for result, row_ip in rows:
        if result == LoginResult.UNLOCKED:
            break
        if result == LoginResult.SUCCESS:
            if row_ip == ip:
                break
            account_open = False
            continue
        anywhere += account_open
        from_ip += row_ip == ip
    return from_ip, anywhere


def locked_addresses(user: User) -> list[str]:
    """The addresses currently refused for this account (shown to its administrator)."""
    since = clock.now() - dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    addresses = (
        LoginLog.objects.filter(
            username=user.username, at__gt=since, result=LoginResult.BAD_PASSWORD
        )
        .order_by()
        .values_list("ip", flat=True)
        .distinct()
    )
    return sorted(
        ip
        for ip in addresses
        if _recent_failures(user.username, ip, since)[0] >= settings.LOGIN_LOCKOUT_THRESHOLD
    )


def attempt_login(
    *, username: str, password: str, ip: str = "", user_agent: str = ""
) -> tuple[User | None, str]:
    """Check credentials under three limits; log every attempt. Returns (user, message).

    - an address with ``LOGIN_IP_LIMIT`` failures (any accounts, known or not)
      in the window is refused for every account (password spraying);
    - ``LOGIN_LOCKOUT_THRESHOLD`` consecutive failures on one account from one
      address refuse that address for that account (guessing): a stranger
      cannot lock the account for its owner elsewhere;
    - ``LOGIN_ACCOUNT_LOCK_THRESHOLD`` failures on one account from anywhere
      (a distributed attack, which needs several addresses) lock the account,
      revoking its tokens and ending its sessions.

    Failures count within the last ``LOGIN_LOCKOUT_MINUTES``; refused attempts
    do not count, so a lock lifts that long after the failures that caused it.
    The hasher runs once in every case and an unknown account, a wrong
    password and any lock get the same message.
    """
    threshold = settings.LOGIN_LOCKOUT_THRESHOLD
    minutes = settings.LOGIN_LOCKOUT_MINUTES
    now = clock.now()
    since = now - dt.timedelta(minutes=minutes)
    failed = login_failed_message()
    with transaction.atomic():
        # Lock the account row only: the organisation is on the nullable side of
        # an outer join, which PostgreSQL refuses to lock.
        user = (
            User.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .filter(username=username)
            .first()
        )
        if user is None:
            _check_dummy_password(password)
            correct = False
        else:
            correct = user.check_password(password)
        ip_failures = LoginLog.objects.filter(ip=ip, at__gt=since, result__in=_IP_COUNTED).count()
        if ip_failures >= settings.LOGIN_IP_LIMIT:
            _log(username, user, ip, user_agent, LoginResult.LOCKED, "该IP失败次数过多，锁定中")
            return None, failed
        if user is None:
            _log(username, None, ip, user_agent, LoginResult.UNKNOWN_USER)
            return None, failed
        from_ip, anywhere = _recent_failures(username, ip, since)
        if user.is_locked():
            until = clock.localtime(user.locked_until)
            _log(username, user, ip, user_agent, LoginResult.LOCKED, f"账号锁定至 {until:%H:%M}")
            return None, failed
        if from_ip >= threshold:
            _log(username, user, ip, user_agent, LoginResult.LOCKED, "该IP连续失败，锁定中")
            return None, failed
        if not correct:
            detail = f"该IP第 {from_ip + 1} 次失败"
            if from_ip + 1 >= threshold:
                detail += f"，锁定该IP登录 {minutes} 分钟"
            if anywhere + 1 >= settings.LOGIN_ACCOUNT_LOCK_THRESHOLD:
                detail += f"；账号锁定 {minutes} 分钟"
                _lock_account(user, now + dt.timedelta(minutes=minutes))
            _log(username, user, ip, user_agent, LoginResult.BAD_PASSWORD, detail)
            return None, failed
        if not user.is_active:
            # Only someone who knows the password learns this.
            _log(username, user, ip, user_agent, LoginResult.INACTIVE)
            return None, "账号已停用，请联系本单位总管"
        user.locked_until = None
        user.last_login = now
        user.save(update_fields=["locked_until", "last_login"])
        _log(username, user, ip, user_agent, LoginResult.SUCCESS)
    return user, ""


def _lock_account(user: User, until: dt.datetime) -> None:
    user.locked_until = until
    revoked = _end_sessions_and_tokens(user)
    user.save(update_fields=["locked_until", "auth_epoch"])
    audit.record(
        actor=SYSTEM,
        action="orgs.lock_account",
        obj=user,
        after={"locked_until": until, "tokens_revoked": revoked},
    )


def _live_tokens(user: User) -> Any:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=clock.now())


def _end_sessions_and_tokens(user: User) -> int:
    """Revoke the account's tokens and end its sessions (ADR 0021): the caller
    saves ``auth_epoch`` in its transaction. Returns the number of tokens revoked."""
    user.auth_epoch += 1
    tokencache.bump()
    return int(_live_tokens(user).update(revoked_at=clock.now()))


def record_logout(*, user: User, ip: str = "", user_agent: str = "") -> None:
    _log(user.username, user, ip, user_agent, LoginResult.LOGOUT)


def _log(username: str, user: User | None, ip: str, ua: str, result: str, detail: str = "") -> None:
    LoginLog.objects.create(
        username=username[:150],
        user=user,
        organisation=user.organisation if user else None,
        ip=ip[:64],
        user_agent=ua[:300],
        result=result,
        detail=detail[:200],
        at=clock.now(),
    )


# --- API tokens --------------------------------------------------------------------------------------------------

TOKEN_PREFIX = "pa_"  # noqa: S105 - a marker, not a secret


def _digest(secret: str) -> str:
    return sm3_hex(secret)


def create_api_token(
    *, actor: Actor, user: User, name: str, days: int | None = None
) -> tuple[ApiToken, str]:
    """Issue a token for ``user``: one's own, or, by an administrator of its
    organisation's subtree, an integration account's (ADR 0023). Nobody else's:
    a token acts as its account, so an administrator holding a subordinate's
    token would act, and be audited, as that person. The plain token is
    returned once and never stored; the token and the audit name the issuer."""
    if user.pk != actor.user_id and not actor.is_system:
        if user.organisation is None:
            raise NotFound()
        require_admin_of(actor, user.organisation)
        if not user.is_integration:
            raise Forbidden("令牌只能由本人签发；总管只能为本单位及下级的系统对接账号签发令牌")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("请填写令牌用途", field="name")
    days = days or settings.API_TOKEN_DEFAULT_DAYS
    if not 1 <= days <= 366:
        raise ValidationFailed("有效期应为 1 至 366 天", field="days")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    plain = f"{TOKEN_PREFIX}{prefix}_{secret}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            created_by_id=actor.user_id,
            name=name,
            prefix=prefix,
            digest=_digest(plain),
            expires_at=clock.now() + dt.timedelta(days=days),
        )
        audit.record(
            actor=actor,
            action="orgs.create_api_token",
            obj=token,
            after={
                "user_id": user.pk,
                "created_by_id": actor.user_id,
                "name": name,
                "prefix": prefix,
                "expires_at": token.expires_at,
            },
        )
    return token, plain


def revoke_api_token(*, actor: Actor, token: ApiToken) -> ApiToken:
    if token.user_id != actor.user_id:
        if token.user.organisation is None:
            raise NotFound()
        require_admin_of(actor, token.user.organisation)
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = clock.now()
            token.save(update_fields=["revoked_at"])
            audit.record(
                actor=actor,
                action="orgs.revoke_api_token",
                obj=token,
                after={"revoked_at": token.revoked_at},
            )
    return token


def authenticate_token(plain: str) -> User | None:
    """The account behind a bearer token, if the token is valid now."""
    token = usable_token(plain)
    return None if token is None else token.user


def token_digest(plain: str) -> str | None:
    """The stored digest of a well-formed token (None: not one of ours)."""
    if not plain.startswith(TOKEN_PREFIX) or plain.count("_") < 2:
        return None
    return _digest(plain)


def usable_token(plain: str) -> ApiToken | None:
    """The token with its account (organisation, person), if valid now; its last
    use is recorded at most every five minutes."""
    if not plain.startswith(TOKEN_PREFIX) or plain.count("_") < 2:
        return None
    prefix = plain[len(TOKEN_PREFIX) :].split("_", 1)[0]
    token = (
        # The person too: the actor's display name is the person's name (one query less).
        ApiToken.objects.select_related("user", "user__organisation", "user__person")
        .filter(prefix=prefix)
        .first()
    )
    if token is None or not hmac.compare_digest(token.digest, _digest(plain)):
        return None
    if not token.is_usable or not token.user.is_active:
        return None
    note_token_use(token)
    return token


TOKEN_USE_GRAIN = dt.timedelta(minutes=5)


def note_token_use(token: ApiToken) -> None:
    """Record the token's last use, at most every ``TOKEN_USE_GRAIN``."""
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at > TOKEN_USE_GRAIN:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def system_bootstrap_admin(
    *, organisation: Organisation, username: str, password: str, person: Person | None = None
) -> User:
    """Create the first administrator of a new district (used by setup and demo)."""
    user, _ = create_account(
        actor=SYSTEM,
        organisation=organisation,
        username=username,
        roles=[Role.ADMIN],
        person=person,
        password=password,
    )
    return user
