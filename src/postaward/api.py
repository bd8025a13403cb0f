"""The HTTP API under /api/v1/ (django-ninja): OpenAPI at /api/v1/openapi.json,
docs at /api/v1/docs. Session auth for the web, bearer tokens for clients."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from postaward.accountability.api import router as accountability_router
from postaward.alerts.api import router as alerts_router
from postaward.approvals.api import router as approvals_router
from postaward.attendance.api import router as attendance_router
from postaward.cases.api import router as cases_router
from postaward.complaints.api import public_router as public_complaints_router
from postaward.complaints.api import router as complaints_router
from postaward.core.api import router as core_router
from postaward.core.api_base import ERROR_TEXT, TokenAuth, WebSessionAuth, server_error
from postaward.core.errors import DomainError
from postaward.credit.api import router as credit_router
from postaward.inspections.api import router as inspections_router
from postaward.integrations.api import router as open_router
from postaward.orgs.api import router as orgs_router
from postaward.portal.api import router as portal_router
from postaward.projects.api import router as projects_router
from postaward.reports.api import router as reports_router

api = NinjaAPI(
    title="标后监管平台 API",
    version="1",
    description=(
        "政府投资项目标后监管平台接口。网页端使用会话认证（写操作需 CSRF）；"
        "手机端和对接系统使用 `Authorization: Bearer <令牌>`。"
        "错误统一返回 `{code, message, errors}`（服务器错误另含 `request_id`）。"
        "项目、流程审批和考勤打卡的写操作可带 `Idempotency-Key` 请求头：重试只生效一次并返回原结果，"
        "同一幂等键用于内容不同的请求返回 409。"
    ),
    auth=[TokenAuth(), WebSessionAuth(csrf=True)],
    urls_namespace="api",
)

api.add_router("/", core_router)
api.add_router("/", orgs_router)
api.add_router("/projects", projects_router)
api.add_router("/attendance", attendance_router)
api.add_router("/approvals", approvals_router)
api.add_router("/alerts", alerts_router)
api.add_router("/complaints", complaints_router)
api.add_router("/cases", cases_router)
api.add_router("/public/complaints", public_complaints_router)
api.add_router("/credit", credit_router)
api.add_router("/inspections", inspections_router)
api.add_router("/accountability", accountability_router)
api.add_router("/portal", portal_router)
api.add_router("/reports", reports_router)
api.add_router("/open", open_router)

# Keep this router last: an unknown address under /api/v1/ answers in the
# common error format rather than with Django's HTML page.
_fallback = Router(auth=None)


@_fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", include_in_schema=False
)
def unknown_route(request: HttpRequest, rest: str) -> HttpResponse:
    return _error(request, 404, "not_found", "接口不存在")


api.add_router("/", _fallback)


def _error(request: HttpRequest, status: int, code: str, message: str, errors=None) -> HttpResponse:  # type: ignore[no-untyped-def]
    return api.create_response(
        request, {"code": code, "message": message, "errors": errors or []}, status=status
    )


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [{"field": _field_name(err.get("loc", ())), "message": _zh(err)} for err in exc.errors]
    return _error(request, 422, "validation_error", "请求数据不符合要求", errors)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", "请先登录或提供有效的接口令牌")


@api.exception_handler(AuthorizationError)
def on_authz_error(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return _error(request, 403, "forbidden", "无权执行此操作")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """django-ninja's own refusals (an unparsable body …) in the common format."""
    code, message = ERROR_TEXT.get(exc.status_code, ("error", "请求无法处理"))
    return _error(request, exc.status_code, code, message)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    code, message = ERROR_TEXT[413]
    return _error(request, 413, code, message)


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Anything else is a bug: logged with the request id, answered 500 in the common format."""
    return server_error(request, exc)


@api.exception_handler(Http404)
def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", "对象不存在或无权访问")


_LOCATIONS = ("query", "path", "header", "cookie", "form", "file")


def _field_name(loc: tuple | list) -> str | None:
    """ninja's error location → the field as the client named it.

    ``("body", "payload", "roles", 0)`` → ``roles.0``; ``("query", "kind")`` →
    ``kind``. Only the leading location (and, for a body, the name of the
    parameter that holds it) is dropped: a field that happens to be called
    ``path`` or ``data`` keeps its name.
    """
    parts = [str(p) for p in loc]
    if parts[:1] == ["body"]:
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    elif parts[:1] and parts[0] in _LOCATIONS:
        parts = parts[1:]
    return ".".join(parts) or None


_PYDANTIC_ZH = {
    "missing": "必填",
    "extra_forbidden": "不允许的字段",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "string_type": "应为字符串",
    "bool_type": "应为布尔值",
    "bool_parsing": "应为布尔值",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_type": "应为日期（YYYY-MM-DD）",
    "datetime_parsing": "应为时间（ISO 8601）",
    "decimal_parsing": "应为数字",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "string_too_long": "过长",
    "string_too_short": "过短",
    "greater_than_equal": "过小",
    "less_than_equal": "过大",
    "greater_than": "过小",
    "less_than": "过大",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "list_type": "应为列表",
    "json_invalid": "不是有效的 JSON",
    "model_attributes_type": "应为对象",
    "dict_type": "应为对象",
    "too_short": "项数过少",
    "too_long": "项数过多",
    "decimal_max_places": "小数位数过多",
    "decimal_max_digits": "位数过多",
    "decimal_whole_digits": "整数位数过多",
    "decimal_type": "应为数字",
    "int_from_float": "应为整数",
    "date_from_datetime_inexact": "应为日期（YYYY-MM-DD）",
    "datetime_type": "应为时间（ISO 8601）",
    "datetime_from_date_parsing": "应为时间（ISO 8601）",
    "time_parsing": "应为时刻（HH:MM）",
    "time_type": "应为时刻（HH:MM）",
    "string_pattern_mismatch": "格式不正确",
    "uuid_parsing": "应为 UUID",
    "uuid_type": "应为 UUID",
    "url_parsing": "应为网址",
    "bytes_type": "应为字节串",
    "union_tag_invalid": "类型不在允许范围内",
    "union_tag_not_found": "缺少类型字段",
    "is_instance_of": "类型不正确",
    "finite_number": "应为有限数字",
    "multiple_of": "不是允许的步长",
    "date_past": "应为过去的日期",
    "date_future": "应为将来的日期",
    "none_required": "应为空",
}

# decimal ctx key → how the limit reads after the base message
_PYDANTIC_CTX_ZH = {
    "decimal_places": "最多 {} 位小数",
    "max_digits": "最多 {} 位数字",
    "whole_digits": "整数部分最多 {} 位",
}


def _zh(err: dict) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind in ("value_error", "assertion_error"):
        # our own validators raise with a Chinese message; pydantic prefixes it
        reason = str(ctx.get("error") or "")
        return reason if reason and not reason.isascii() else "取值无效"
    base = _PYDANTIC_ZH.get(kind)
    if base is None:
        # a pydantic error we have not translated: never show English to the user
        return "取值无效"
    if kind in ("string_too_long", "string_too_short"):
        n = ctx.get("max_length", ctx.get("min_length"))
        bound = "最多" if "max_length" in ctx else "至少"
        return f"{base}（{bound} {n} 个字符）" if n is not None else base
    if kind in ("too_long", "too_short") and ctx:
        n = ctx.get("max_length", ctx.get("min_length"))
        bound = "最多" if kind == "too_long" else "至少"
        return f"{base}（{bound} {n} 项）"
    for key, fmt in _PYDANTIC_CTX_ZH.items():
        if kind.startswith("decimal_") and key in ctx:
            return f"{base}（{fmt.format(ctx[key])}）"
    if kind in ("greater_than_equal", "greater_than") and ctx:
        return f"{base}（不小于 {next(iter(ctx.values()))}）"
    if kind in ("less_than_equal", "less_than") and ctx:
        return f"{base}（不大于 {next(iter(ctx.values()))}）"
    return base
