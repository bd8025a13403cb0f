"""Organisations, people, accounts, roles, API tokens and the login log."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q

from postaward.core import clock
from postaward.core.actor import Actor
from postaward.core.models import TimeStampedModel
from postaward.core.scoping import NOTHING, ScopedManager, ScopedQuerySet

from .choices import DISTRICT_WIDE_KINDS, Industry, LoginResult, OrgKind, QualificationType, Role
from .passwords import normalise_password

# Other apps widen what an organisation or person may see (e.g. the projects app
# lets a contractor see the owner of a project it works on). Each hook returns a Q.
ORG_VISIBILITY_HOOKS: list[Callable[[Actor], Q]] = []
PERSON_VISIBILITY_HOOKS: list[Callable[[Actor], Q]] = []


def ancestor_paths(path: str) -> list[str]:
    """'00000001/00000004/00000009/' -> the paths of its ancestors and itself."""
    parts = [p for p in path.split("/") if p]
    return ["".join(p + "/" for p in parts[: i + 1]) for i in range(len(parts))]


class Organisation(TimeStampedModel):
    """A node of the district tree: government bodies, owners and enterprises.

    ``path`` is the materialised path of zero-padded ids (``00000001/00000004/``):
    the subtree of X is ``path__startswith=X.path``, one indexed range scan.
    """

    name = models.CharField("单位名称", max_length=200)
    short_name = models.CharField("简称", max_length=60, blank=True)
    kind = models.CharField("单位类型", max_length=30, choices=OrgKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField("层级路径", max_length=255, db_index=True, blank=True)
    depth = models.PositiveSmallIntegerField("层级", default=0)
    uscc = models.CharField("统一社会信用代码", max_length=18, null=True, blank=True, unique=True)
    region_code = models.CharField("行政区划代码", max_length=12, blank=True)
    industry = models.CharField(
        "行业",
        max_length=20,
        choices=Industry.choices,
        blank=True,
        help_text="行业主管部门所管行业",
    )
    address = models.CharField("地址", max_length=200, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    is_active = models.BooleanField("启用", default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def district_path(self) -> str:
        return self.path.split("/", 1)[0] + "/" if self.path else ""

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        if not actor.org_path:
            # An account outside the tree (e.g. a bare superuser) reaches nothing:
            # an empty path would otherwise be the prefix of every path.
            return NOTHING
        if actor.org_kind in DISTRICT_WIDE_KINDS:
            q = Q(path__startswith=actor.district_path)
        else:
            q = Q(path__startswith=actor.org_path) | Q(path__in=ancestor_paths(actor.org_path))
        for hook in ORG_VISIBILITY_HOOKS:
            q |= hook(actor)
        return q


class Person(TimeStampedModel):
    """A natural person: officials, owners' staff, key personnel of enterprises."""

    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("身份证号码", max_length=18, unique=True, null=True, blank=True)
    id_number_warning = models.CharField("证件号提示", max_length=200, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    mobile = models.CharField("手机号码", max_length=20, blank=True, db_index=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name="所在单位", on_delete=models.PROTECT, related_name="people"
    )
    title = models.CharField("职务", max_length=60, blank=True)
    is_party_member = models.BooleanField("中共党员", default=False)
    is_public_official = models.BooleanField("公职人员", default=False)
    is_active = models.BooleanField("在职", default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ["organisation_id", "name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        if not actor.org_path:
            return Q(pk=actor.person_id) if actor.person_id else NOTHING
        if actor.org_kind in DISTRICT_WIDE_KINDS:
            q = Q(organisation__path__startswith=actor.district_path)
        else:
            q = Q(organisation__path__startswith=actor.org_path)
        if actor.person_id:
            q |= Q(pk=actor.person_id)
        for hook in PERSON_VISIBILITY_HOOKS:
            q |= hook(actor)
        return q


class Qualification(TimeStampedModel):
    """A professional certificate (执业资格/岗位证书) of a person."""

    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.CASCADE, related_name="qualifications"
    )
    kind = models.CharField("证书类型", max_length=40, choices=QualificationType.choices)
    number = models.CharField("证书编号", max_length=60)
    specialty = models.CharField("专业", max_length=60, blank=True)
    issuer = models.CharField("发证机关", max_length=100, blank=True)
    issued_on = models.DateField("发证日期", null=True, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)

    class Meta:
        verbose_name = "执业资格"
        verbose_name_plural = "执业资格"
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="qualification_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def is_valid_on(self, day) -> bool:
        return self.valid_until is None or self.valid_until >= day


class ScopedUserManager(UserManager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """An account: logs in, acts for one organisation with roles."""

    person = models.OneToOneField(
        Person,
        verbose_name="人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    must_change_password = models.BooleanField("须修改初始密码", default=True)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    # Raised whenever the account's sessions must end (password reset or change,
    # lock, disable): part of the session hash, so every older session fails
    # Django's per-request session check at no extra query (ADR 0021).
    auth_epoch = models.PositiveIntegerField("登录凭据版本", default=0)

    objects = ScopedUserManager()  # type: ignore[misc]  # AbstractUser declares a ClassVar

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.person_id and self.person:
            return self.person.name
        return self.first_name or self.username

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        if not actor.org_path:
            return Q(pk=actor.user_id)
        if actor.org_kind in DISTRICT_WIDE_KINDS:
            return Q(organisation__path__startswith=actor.district_path)
        return Q(organisation__path__startswith=actor.org_path) | Q(pk=actor.user_id)

    def is_locked(self) -> bool:
        return bool(self.locked_until and self.locked_until > clock.now())

    # --- passwords: checked and stored in NFKC form (ADR 0022) ---------------------------------

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(normalise_password(raw_password))

    def check_password(self, raw_password: str | None) -> bool:
        return super().check_password(normalise_password(raw_password))

    async def acheck_password(self, raw_password: str | None) -> bool:
        return await super().acheck_password(normalise_password(raw_password))

    # --- sessions: end with the password and with every revocation (ADR 0021) --------------

    def _session_hash(self, secret: str | None = None) -> str:
        from django.utils.crypto import salted_hmac

        return salted_hmac(
            "postaward.orgs.User.session",
            f"{self.password}\x00{self.auth_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_session_auth_hash(self) -> str:
        return self._session_hash()

    def get_session_auth_fallback_hash(self):  # type: ignore[no-untyped-def]
        for fallback_secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=fallback_secret)

    @property
    def is_integration(self) -> bool:
        """A system account (an integrator, e.g. the bidding system): holds the
        integrator role and nothing else. Reads the prefetched grants if any."""
        roles = {g.role for g in self.role_grants.all()}
        return roles == {Role.INTEGRATOR}


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField("角色", max_length=40, choices=Role.choices)
    granted_at = models.DateTimeField("授予时间", default=clock.now)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "角色授权"
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="user_role_unique")]


class ApiToken(models.Model):
    """A bearer token for phones and integrators: stored hashed, revocable, expiring."""

    user = models.ForeignKey(
        User, verbose_name="账号", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("用途", max_length=100)
    prefix = models.CharField("前缀", max_length=16, unique=True)
    digest = models.CharField("摘要", max_length=64)
    created_at = models.DateTimeField("创建时间", default=clock.now)
    # Who issued it: the account itself, or the administrator of an integration
    # account (null: the platform, e.g. the demo loader).
    created_by = models.ForeignKey(
        User,
        verbose_name="签发人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_at = models.DateTimeField("到期时间")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "接口令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        q = Q(user_id=actor.user_id)
        if Role.ADMIN in actor.roles and actor.org_path:
            q |= Q(user__organisation__path__startswith=actor.org_path)
        return q

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > clock.now()


class LoginLog(models.Model):
    at = models.DateTimeField("时间", default=clock.now, db_index=True)
    username = models.CharField("账号", max_length=150, db_index=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip = models.CharField("IP", max_length=64, blank=True)
    user_agent = models.CharField("客户端", max_length=300, blank=True)
    result = models.CharField("结果", max_length=20, choices=LoginResult.choices)
    detail = models.CharField("说明", max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "登录日志"
        ordering = ["-at"]
        # The per-IP login limit counts an address's recent failures (ADR 0020).
        indexes = [models.Index(fields=["ip", "at"], name="loginlog_ip_at")]

    @classmethod
    def scope_q(cls, actor: Actor) -> Q:
        if not actor.org_path:
            return Q(user_id=actor.user_id) if actor.user_id else NOTHING
        if actor.org_kind == OrgKind.SUPERVISION_OFFICE:
            # Failed attempts on unknown accounts belong to no organisation.
            return Q(organisation__path__startswith=actor.district_path) | Q(
                organisation__isnull=True
            )
        if Role.ADMIN in actor.roles:
            return Q(organisation__path__startswith=actor.org_path)
        if actor.user_id:
            return Q(user_id=actor.user_id)
        return NOTHING


class AuthRevision(models.Model):
    """One row: raised by every change that can alter what a bearer token stands
    for (a token revoked or created, an account's roles, organisation, person,
    password or status; ADR 0507). Each process keeps a cache of token → actor
    and empties it when it reads a new value (at most a second after the change)."""

    value = models.BigIntegerField("版本", default=0)

    class Meta:
        verbose_name = "令牌认证版本"

    def __str__(self) -> str:
        return str(self.value)
