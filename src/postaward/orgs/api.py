"""API of organisations, people, accounts, roles, tokens and the login log."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictBool, StrictInt

from postaward.core.api_base import LimitOffset, PatchIn, StrictIn, actor, responses
from postaward.core.errors import Forbidden, NotFound
from postaward.core.idcheck import mask_mobile, mask_resident_id
from postaward.core.scoping import get_visible_or_404
from postaward.core.types import Date, Id, StrictId

from . import selectors, services
from .choices import OrgKind, Role
from .models import ApiToken, Organisation, Person, User

router = Router(tags=["组织人员"])


# --- organisations ----------------------------------------------------------------------------------


class OrgOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    kind_label: str
    parent_id: int | None
    uscc: str | None
    region_code: str
    industry: str
    is_active: bool

    @staticmethod
    def resolve_kind_label(obj: Organisation) -> str:
        return obj.get_kind_display()


class OrgQuery(Schema):
    q: str = ""
    kind: OrgKind | None = None


@router.get("/orgs", response=responses(list[OrgOut]), summary="单位列表（按数据权限）")
@paginate(LimitOffset)
def list_orgs(request: HttpRequest, f: Query[OrgQuery]):  # type: ignore[no-untyped-def]
    return selectors.organisations(actor(request), q=f.q, kind=f.kind or "")


@router.get("/orgs/{org_id}", response=responses(OrgOut), summary="单位详情")
def get_org(request: HttpRequest, org_id: Id) -> Organisation:
    return get_visible_or_404(Organisation.objects, actor(request), pk=org_id)


class OrgIn(StrictIn):
    parent_id: StrictId
    name: str = Field(..., min_length=1, max_length=200)
    kind: OrgKind
    uscc: str | None = Field(None, max_length=18)
    short_name: str = Field("", max_length=60)
    region_code: str = Field("", max_length=12)
    industry: str = Field("", max_length=20)
    address: str = Field("", max_length=200)
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=30)


def _admin_target(request: HttpRequest, org_id: int) -> Organisation:
    a = actor(request)
    if Role.ADMIN not in a.roles:
        raise Forbidden("仅单位总管可以维护单位、人员和账号")
    org = get_visible_or_404(Organisation.objects, a, pk=org_id)
    if not services.can_administer(a, org):
        raise NotFound()
    return org


@router.post("/orgs", response=responses(OrgOut, 201), summary="新增下级单位（总管）")
def create_org(request: HttpRequest, payload: OrgIn):  # type: ignore[no-untyped-def]
    parent = _admin_target(request, payload.parent_id)
    data = payload.dict(exclude={"parent_id"})
    org = services.create_organisation(actor=actor(request), parent=parent, **data)
    return Status(201, org)


class OrgPatch(PatchIn):
    name: str | None = Field(None, min_length=1, max_length=200)
    short_name: str | None = Field(None, max_length=60)
    uscc: str | None = Field(None, max_length=18)
    region_code: str | None = Field(None, max_length=12)
    industry: str | None = Field(None, max_length=20)
    address: str | None = Field(None, max_length=200)
    contact_name: str | None = Field(None, max_length=50)
    contact_phone: str | None = Field(None, max_length=30)
    is_active: StrictBool | None = None


@router.patch("/orgs/{org_id}", response=responses(OrgOut), summary="修改单位（总管）")
def update_org(request: HttpRequest, org_id: Id, payload: OrgPatch) -> Organisation:
    org = _admin_target(request, org_id)
    return services.update_organisation(
        actor=actor(request), org=org, **payload.dict(exclude_unset=True)
    )


# --- people --------------------------------------------------------------------------------------------


class QualificationOut(Schema):
    id: int
    kind: str
    number: str
    specialty: str
    issuer: str
    issued_on: dt.date | None
    valid_until: dt.date | None


class PersonOut(Schema):
    id: int
    name: str
    organisation_id: int
    title: str
    id_number_masked: str
    id_number_warning: str
    mobile_masked: str
    is_party_member: bool
    is_public_official: bool
    is_active: bool
    qualifications: list[QualificationOut]

    @staticmethod
    def resolve_id_number_masked(obj: Person) -> str:
        return mask_resident_id(obj.id_number) if obj.id_number else ""

    @staticmethod
    def resolve_mobile_masked(obj: Person) -> str:
        return mask_mobile(obj.mobile) if obj.mobile else ""

    @staticmethod
    def resolve_qualifications(obj: Person) -> list:
        return list(obj.qualifications.all())


class PersonQuery(Schema):
    q: str = ""
    organisation_id: Id | None = None


@router.get("/people", response=responses(list[PersonOut]), summary="人员列表（按数据权限）")
@paginate(LimitOffset)
def list_people(request: HttpRequest, f: Query[PersonQuery]):  # type: ignore[no-untyped-def]
    return selectors.people(
        actor(request), q=f.q, organisation_id=f.organisation_id
    ).prefetch_related("qualifications")


@router.get("/people/{person_id}", response=responses(PersonOut), summary="人员详情")
def get_person(request: HttpRequest, person_id: Id) -> Person:
    return get_visible_or_404(Person.objects, actor(request), pk=person_id)


class PersonIn(StrictIn):
    organisation_id: StrictId
    name: str = Field(..., min_length=1, max_length=50)
    id_number: str = Field("", max_length=18)
    mobile: str = Field("", max_length=20)
    title: str = Field("", max_length=60)
    is_party_member: StrictBool = False
    is_public_official: StrictBool = False


class PersonCreated(PersonOut):
    warnings: list[str] = []


@router.post("/people", response=responses(PersonCreated, 201), summary="新增人员（总管）")
def create_person(request: HttpRequest, payload: PersonIn):  # type: ignore[no-untyped-def]
    org = _admin_target(request, payload.organisation_id)
    person = services.create_person(
        actor=actor(request), organisation=org, **payload.dict(exclude={"organisation_id"})
    )
    person.warnings = [person.id_number_warning] if person.id_number_warning else []  # type: ignore[attr-defined]
    return Status(201, person)


class PersonPatch(PatchIn):
    name: str | None = Field(None, min_length=1, max_length=50)
    id_number: str | None = Field(None, max_length=18)
    mobile: str | None = Field(None, max_length=20)
    title: str | None = Field(None, max_length=60)
    is_party_member: StrictBool | None = None
    is_public_official: StrictBool | None = None
    is_active: StrictBool | None = None


def _admin_person(request: HttpRequest, person_id: int) -> Person:
    a = actor(request)
    if Role.ADMIN not in a.roles:
        raise Forbidden("仅单位总管可以维护单位、人员和账号")
    person = get_visible_or_404(Person.objects.select_related("organisation"), a, pk=person_id)
    if not services.can_administer(a, person.organisation):
        raise NotFound()
    return person


@router.patch("/people/{person_id}", response=responses(PersonOut), summary="修改人员（总管）")
def update_person(request: HttpRequest, person_id: Id, payload: PersonPatch) -> Person:
    person = _admin_person(request, person_id)
    return services.update_person(
        actor=actor(request), person=person, **payload.dict(exclude_unset=True)
    )


class QualificationIn(StrictIn):
    kind: str = Field(..., max_length=40)
    number: str = Field(..., min_length=1, max_length=60)
    specialty: str = Field("", max_length=60)
    issuer: str = Field("", max_length=100)
    issued_on: Date | None = None
    valid_until: Date | None = None


@router.post(
    "/people/{person_id}/qualifications",
    response=responses(QualificationOut, 201),
    summary="添加执业资格（总管）",
)
def add_qualification(request: HttpRequest, person_id: Id, payload: QualificationIn):  # type: ignore[no-untyped-def]
    person = _admin_person(request, person_id)
    return Status(
        201, services.add_qualification(actor=actor(request), person=person, **payload.dict())
    )


# --- accounts ---------------------------------------------------------------------------------------------


class AccountOut(Schema):
    id: int
    username: str
    display_name: str
    organisation_id: int | None
    person_id: int | None
    roles: list[str]
    is_active: bool
    locked: bool
    must_change_password: bool

    @staticmethod
    def resolve_roles(obj: User) -> list[str]:
        return sorted(g.role for g in obj.role_grants.all())

    @staticmethod
    def resolve_locked(obj: User) -> bool:
        return obj.is_locked()


def _admin_account(request: HttpRequest, user_id: int) -> User:
    a = actor(request)
    if Role.ADMIN not in a.roles:
        raise Forbidden("仅单位总管可以维护单位、人员和账号")
    user = get_visible_or_404(User.objects.select_related("organisation"), a, pk=user_id)
    if user.organisation is None or not services.can_administer(a, user.organisation):
        raise NotFound()
    return user


@router.get(
    "/accounts", response=responses(list[AccountOut]), summary="账号列表（总管，本单位及下级）"
)
@paginate(LimitOffset)
def list_accounts(request: HttpRequest, organisation_id: Id | None = None):  # type: ignore[no-untyped-def]
    a = actor(request)
    if Role.ADMIN not in a.roles:
        raise Forbidden("仅单位总管可以管理账号")
    return selectors.accounts(a, organisation_id=organisation_id).filter(
        organisation__path__startswith=a.org_path
    )


class AccountIn(StrictIn):
    organisation_id: StrictId
    username: str = Field(..., min_length=1, max_length=150)
    roles: list[Role] = Field(..., min_length=1)
    person_id: StrictId | None = None


class AccountCreated(AccountOut):
    initial_password: str


@router.post("/accounts", response=responses(AccountCreated, 201), summary="新增账号（总管）")
def create_account(request: HttpRequest, payload: AccountIn):  # type: ignore[no-untyped-def]
    org = _admin_target(request, payload.organisation_id)
    person = None
    if payload.person_id is not None:
        person = get_visible_or_404(Person.objects, actor(request), pk=payload.person_id)
    user, initial = services.create_account(
        actor=actor(request),
        organisation=org,
        username=payload.username,
        roles=[str(r) for r in payload.roles],
        person=person,
    )
    user.initial_password = initial  # type: ignore[attr-defined]
    return Status(201, user)


class RolesIn(StrictIn):
    roles: list[Role]


@router.put(
    "/accounts/{user_id}/roles",
    response=responses(AccountOut),
    summary="设置角色（总管，不得越权）",
)
def set_roles(request: HttpRequest, user_id: Id, payload: RolesIn) -> User:
    user = _admin_account(request, user_id)
    services.set_roles(actor=actor(request), user=user, roles=[str(r) for r in payload.roles])
    return User.objects.prefetch_related("role_grants").get(pk=user.pk)


class PasswordOut(Schema):
    initial_password: str


@router.post(
    "/accounts/{user_id}/reset-password",
    response=responses(PasswordOut),
    summary="重置密码（总管）",
)
def reset_password(request: HttpRequest, user_id: Id) -> dict:
    user = _admin_account(request, user_id)
    return {"initial_password": services.reset_password(actor=actor(request), user=user)}


@router.post(
    "/accounts/{user_id}/unlock", response=responses(AccountOut), summary="解除锁定（总管）"
)
def unlock(request: HttpRequest, user_id: Id) -> User:
    user = _admin_account(request, user_id)
    services.unlock_account(actor=actor(request), user=user)
    user.refresh_from_db()
    return user


# --- tokens -----------------------------------------------------------------------------------------------


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    user_id: int
    created_by_id: int | None = Field(None, description="签发人（本人，或系统对接账号的总管）")
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


class TokenIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=100)
    days: StrictInt = Field(90, ge=1, le=366)
    user_id: StrictId | None = Field(None, description="为下级账号（如对接系统）签发；缺省为本人")


class TokenCreated(TokenOut):
    token: str


@router.get("/tokens", response=responses(list[TokenOut]), summary="接口令牌")
def list_tokens(request: HttpRequest) -> list[ApiToken]:
    return list(selectors.tokens(actor(request)))


@router.post("/tokens", response=responses(TokenCreated, 201), summary="签发令牌（明文只返回一次）")
def create_token(request: HttpRequest, payload: TokenIn):  # type: ignore[no-untyped-def]
    a = actor(request)
    if payload.user_id is None or payload.user_id == a.user_id:
        user = a.user
    else:
        user = _admin_account(request, payload.user_id)
    token, plain = services.create_api_token(
        actor=a, user=user, name=payload.name, days=payload.days
    )
    token.token = plain  # type: ignore[attr-defined]
    return Status(201, token)


@router.delete("/tokens/{token_id}", response=responses(TokenOut), summary="吊销令牌")
def revoke_token(request: HttpRequest, token_id: Id) -> ApiToken:
    token = get_visible_or_404(
        ApiToken.objects.select_related("user__organisation"), actor(request), pk=token_id
    )
    return services.revoke_api_token(actor=actor(request), token=token)


# --- login log -------------------------------------------------------------------------------------------


class LoginLogOut(Schema):
    at: dt.datetime
    username: str
    result: str
    ip: str
    user_agent: str
    detail: str


@router.get(
    "/login-logs", response=responses(list[LoginLogOut]), summary="登录日志（监管办、总管）"
)
@paginate(LimitOffset)
def login_logs(request: HttpRequest, username: str = "", result: str = ""):  # type: ignore[no-untyped-def]
    a = actor(request)
    if a.org_kind != OrgKind.SUPERVISION_OFFICE and Role.ADMIN not in a.roles:
        raise Forbidden("仅监管办和单位总管可以查看登录日志")
    return selectors.login_logs(a, filters={"username": username, "result": result})
