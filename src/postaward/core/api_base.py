"""Shared pieces of the HTTP API: auth, the one error format, strict input."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth
from pydantic import ConfigDict

from .actor import Actor
from .errors import Forbidden


class ErrorItem(Schema):
    field: str | None = None
    message: str


class ErrorOut(Schema):
    """Every error: a machine code, a Chinese message, and field errors."""

    code: str
    message: str
    errors: list[ErrorItem] = []
    basis: str | None = None


class StrictIn(Schema):
    """Input schemas: unknown fields are refused rather than ignored."""

    model_config = ConfigDict(extra="forbid")


ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def responses(ok: Any, status: int = 200) -> dict[int, Any]:
    """``response=`` for an operation: its success schema plus the declared errors."""
    return {status: ok, **ERRORS}


class TokenAuth(HttpBearer):
    """``Authorization: Bearer pa_…`` for phones and integrators."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from postaward.orgs.actors import actor_for
        from postaward.orgs.services import authenticate_token

        user = authenticate_token(token)
        if user is None:
            return None
        request.user = user
        request.actor = actor_for(user)  # type: ignore[attr-defined]
        require_password_changed(request.actor, by_token=True)  # type: ignore[attr-defined]
        require_some_role(request.actor)  # type: ignore[attr-defined]
        return user


class WebSessionAuth(SessionAuth):
    """The web session (CSRF-checked for writes).

    Without a logged-in session there is nothing to forge: the request is
    simply unauthenticated (401), not a CSRF failure. With one, a write without
    a valid CSRF token is refused (403) in the common error format.
    """

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def _get_key(self, request: HttpRequest) -> str | None:
        try:
            return super()._get_key(request)
        except HttpError as exc:
            raise Forbidden("请求缺少有效的 CSRF 令牌，请刷新页面后重试", code="csrf") from exc

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None:
            require_password_changed(request.actor)  # type: ignore[attr-defined]
            require_some_role(request.actor)  # type: ignore[attr-defined]
        return user


def require_password_changed(a: Actor, *, by_token: bool = False) -> None:
    """An account on its initial password may do nothing but change it, with a
    session or with a token alike. The one exception is a token of an
    integration account (the integrator role alone), which never uses its
    password and whose tokens its administrator issues (ADR 0023)."""
    from postaward.orgs.choices import Role

    if not getattr(a.user, "must_change_password", False):
        return
    if by_token and a.roles == {Role.INTEGRATOR}:
        return
    raise Forbidden("请先在网页端修改初始密码", code="password_change_required")


def require_some_role(a: Actor) -> None:
    """An account without any role is inert: it may log in, and do nothing else."""
    if not a.is_system and not a.roles:
        raise Forbidden("账号未分配角色，请联系本单位总管")


def actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def idempotency_key(request: HttpRequest) -> str | None:
    return request.headers.get("Idempotency-Key") or None
