"""Shared pieces of the HTTP API: auth, the one error format, strict input."""

from __future__ import annotations

import logging
import math
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, JsonResponse
from ninja import Field, Schema
from ninja.conf import settings as ninja_settings
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination
from ninja.security import HttpBearer, SessionAuth
from pydantic import ConfigDict, ValidationInfo, field_validator

from . import context
from .actor import Actor
from .errors import Forbidden
from .safejson import NUL_MESSAGE, BadJson, parse_json_body
from .types import Count

logger = logging.getLogger("postaward.api")


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


def _drop_null(schema: dict[str, Any], cls: Any) -> None:
    """In the OpenAPI document, a PATCH field that may not be cleared is not nullable."""
    for name, prop in schema.get("properties", {}).items():
        if name in cls.clearable:
            continue
        options = prop.get("anyOf")
        if isinstance(options, list):
            rest = [o for o in options if o != {"type": "null"}]
            if len(rest) == 1:
                prop.pop("anyOf")
                prop.update(rest[0])
            else:
                prop["anyOf"] = rest
        if prop.get("default", 0) is None:
            prop.pop("default")


class PatchIn(StrictIn):
    """PATCH bodies: an omitted field is left as it is; ``null`` is refused with
    422, except for the fields listed in ``clearable`` (where null empties a value
    the model allows to be empty)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_drop_null)
    clearable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.clearable:
            raise ValueError("不能为空")
        return value


ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


class LimitOffset(LimitOffsetPagination):
    """``?limit=&offset=`` for every list, with an offset the database can take."""

    class Input(Schema):
        limit: int = Field(
            ninja_settings.PAGINATION_PER_PAGE,
            ge=1,
            le=ninja_settings.PAGINATION_MAX_LIMIT
            if math.inf != ninja_settings.PAGINATION_MAX_LIMIT
            else 1000,
        )
        offset: Count = 0


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def inline_json_schema(model: type[Schema]) -> dict[str, Any]:
    """A model's JSON schema with its ``$defs`` inlined, for ``openapi_extra``:
    a ``#/$defs/…`` reference placed inside the OpenAPI document would point at
    the document's root, where there is no ``$defs`` (a broken reference)."""
    js = model.model_json_schema()
    return _inline(js, js.get("$defs", {}))


def responses(ok: Any, status: int = 200) -> dict[int, Any]:
    """``response=`` for an operation: its success schema plus the declared errors."""
    return {status: ok, **ERRORS}


class TokenAuth(HttpBearer):
    """``Authorization: Bearer pa_…`` for phones and integrators."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from . import registries

        found = registries.token_backend().authenticate(token)
        if found is None:
            return None
        user, token_actor = found
        request.user = user
        request.actor = token_actor  # type: ignore[attr-defined]
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
    from . import registries

    if not getattr(a.user, "must_change_password", False):
        return
    if by_token and registries.token_backend().token_only(a):
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


# --- the edge of /api/: one error format for every failure -----------------------------------------

ERROR_TEXT: dict[int, tuple[str, str]] = {
    400: ("bad_request", "请求格式不正确（应为 JSON）"),
    401: ("unauthenticated", "请先登录或提供有效的接口令牌"),
    403: ("forbidden", "无权执行此操作"),
    404: ("not_found", "接口或对象不存在"),
    405: ("method_not_allowed", "不支持的请求方法"),
    413: ("payload_too_large", "请求体过大"),
    422: ("validation_error", "请求数据不符合要求"),
    429: ("throttled", "请求过于频繁，请稍后再试"),
    500: ("server_error", "服务器内部错误，请稍后重试；如仍失败，请把请求编号告知管理员"),
}


def error_response(
    request: HttpRequest,
    status: int,
    code: str | None = None,
    message: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    *,
    allow: str | None = None,
) -> JsonResponse:
    """``{"code", "message", "errors"}`` for any status; a server error names the request."""
    default_code, default_message = ERROR_TEXT.get(status, ("error", "请求无法处理"))
    body: dict[str, Any] = {
        "code": code or default_code,
        "message": message or default_message,
        "errors": errors or [],
    }
    if status == 405:
        body["message"] = f"不支持的请求方法 {request.method}（可用：{allow or '无'}）"
    if status >= 500:
        rid = getattr(request, "request_id", "") or context.request_id.get()
        body["request_id"] = rid
        body["message"] = f"{body['message']}（请求编号 {rid}）"
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    if allow:
        response["Allow"] = allow
    return response


def server_error(request: HttpRequest, exc: BaseException) -> JsonResponse:
    """An exception no handler expected: logged with the request id, answered as JSON."""
    logger.error(
        "unhandled %s on %s %s (request %s)",
        type(exc).__name__,
        request.method,
        request.path,
        getattr(request, "request_id", ""),
        exc_info=exc,
    )
    return error_response(request, 500)


def _invalid(request: HttpRequest, field: str | None, message: str) -> JsonResponse:
    return error_response(
        request,
        422,
        "validation_error",
        "请求数据不符合要求",
        [{"field": field, "message": message}],
    )


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


def refuse_bad_input(request: HttpRequest) -> JsonResponse | None:
    """What ``ApiEdgeMiddleware`` refuses before any view runs (``None``: let it in)."""
    if "\x00" in request.path:
        return _invalid(request, None, f"地址{NUL_MESSAGE}")
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in v for v in values):
            return _invalid(request, key.replace("\x00", "") or None, NUL_MESSAGE)
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    content_type = (request.content_type or "").lower()
    try:
        if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            for key, values in request.POST.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    return _invalid(request, key.replace("\x00", "") or None, NUL_MESSAGE)
            request.FILES  # noqa: B018 - parsed now, so that a size refusal is answered here
            return None
        body = request.body
    except (RequestDataTooBig, TooManyFilesSent, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        return error_response(
            request,
            413,
            "payload_too_large",
            f"请求体过大（不超过 {limit // (1024 * 1024)} MB）",
        )
    if not body:
        return None
    if _is_json(content_type):
        try:
            parse_json_body(body)
        except BadJson as exc:
            return _invalid(request, exc.field, exc.message)
        except ValueError:
            return None  # not JSON: the API answers 400 in the common format
    elif content_type.startswith("text/") and b"\x00" in body:
        return _invalid(request, "body", NUL_MESSAGE)
    return None
