"""The lean ingest path of ``POST /api/v1/attendance/checkins`` for bearer tokens (ADR 0506).

Thousands of key persons check in within the same morning minutes. Django's
middleware stack, django-ninja and pydantic cost more CPU per check-in than the
check-in itself, so a plain WSGI callable in front of Django (``front``,
mounted in ``postaward.wsgi``) answers the common case itself:

- ``POST`` to exactly this path, no query string, a JSON body of at most 8 KiB,
  ``Authorization: Bearer …`` that the token backend accepts (its in-process
  cache, ADR 0507), an ``Idempotency-Key``;
- the body decoded strictly (msgspec) into exactly the fields of ``CheckInIn``
  with the same bounds; ``client_at`` through the same bounded ``DateTime``.

Everything else passes, untouched, to Django: the web page's session (with
its CSRF check), a token that is refused, any body that is not the plain case
(an unknown field, a string for a number, a NUL, an integer beyond 64 bits …).
Django then answers exactly as before, so there is one set of rules for every
refusal of the input, and this path only ever takes a subset of what the
ninja route takes. From the service on the two paths are one: the same
``services.check_in`` (duty, fence, signals, row hash, the insert, the replay
of a retried key), the same answer body (``answer``) and the same error format
(a ``DomainError``'s ``as_dict`` with its status; a server error names the
request). Tests send bearer requests through here (``testing.TokenClient``)
and run the check-in API tests over both paths.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import math
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import msgspec
from django.conf import settings
from django.db import close_old_connections
from pydantic import TypeAdapter, ValidationError

from postaward.core import clock, context, registries
from postaward.core.api_base import ERROR_TEXT, require_password_changed, require_some_role
from postaward.core.errors import DomainError, Forbidden, ValidationFailed
from postaward.core.middleware import client_ip_of, page_policy
from postaward.core.types import INT64_MAX, DateTime

from . import services
from .choices import ACCURACY_CREDIT_MAX_M, FENCE_MARGIN_M, Refusal
from .models import CheckIn
from .permissions import has_checkin_duty

logger = logging.getLogger("postaward.api")

PATH = "/api/v1/attendance/checkins"
MAX_BODY = 8192

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class CheckInBody(msgspec.Struct, forbid_unknown_fields=True):
    """The fields of ``api.CheckInIn``; the bounds are checked in ``_decode``."""

    project_id: int
    lon: float
    lat: float
    accuracy_m: float
    client_at: str | None = None
    device_id: str = ""
    mock_location: bool = False
    queued: bool = False


_decoder = msgspec.json.Decoder(CheckInBody)
_encoder = msgspec.json.Encoder()
_moment = TypeAdapter(DateTime)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


# --- the answer body (shared with the ninja route) ------------------------------------------------


def _tolerance(accuracy_m: float) -> float:
    return FENCE_MARGIN_M + min(max(accuracy_m, 0.0), ACCURACY_CREDIT_MAX_M)


def answer(c: CheckIn, replayed: bool) -> dict[str, Any]:
    """The answer to a check-in: accepted, or refused with the reason (never dropped)."""
    label = Refusal(c.refusal).label if c.refusal else ""
    return {
        "id": c.pk,
        "replayed": replayed,
        "accepted": c.accepted,
        "message": "打卡成功" if c.accepted else f"打卡失败：{label}",
        "refusal": str(c.refusal),
        "refusal_label": str(label),
        "refusal_detail": c.refusal_detail,
        "at": c.at,
        "local_date": c.local_date,
        "project_id": c.project_id,
        "lon": float(c.lon),
        "lat": float(c.lat),
        "accuracy_m": float(c.accuracy_m),
        "distance_m": None if c.distance_m is None else round(c.distance_m, 1),
        "tolerance_m": _tolerance(c.accuracy_m),
        "suspicion_score": c.suspicion_score,
        "signals": [
            {"code": s["code"], "score": s["score"], "explanation": s["explanation"]}
            for s in c.signals
        ],
        "review": str(c.review),
    }


def _json_moment(value: dt.datetime) -> str:
    """A moment as Django's JSON encoder (and so the ninja route) writes it."""
    r = value.isoformat()
    if value.microsecond:
        r = r[:23] + r[26:]
    if r.endswith("+00:00"):
        r = r.removesuffix("+00:00") + "Z"
    return r


def _encode(data: dict[str, Any]) -> bytes:
    for k in ("at", "local_date"):
        v = data.get(k)
        if isinstance(v, dt.datetime):
            data[k] = _json_moment(v)
        elif isinstance(v, dt.date):
            data[k] = v.isoformat()
    return _encoder.encode(data)


# --- the request -------------------------------------------------------------------------------------


def _claims(environ: dict[str, Any]) -> bool:
    """The cheap tests: the method, the path, a bearer token, a small JSON body."""
    if environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "POST":
        return False
    if environ.get("QUERY_STRING") or not environ.get("HTTP_AUTHORIZATION", "").startswith(
        "Bearer "
    ):
        return False
    ctype = environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
    if ctype != "application/json":
        return False
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return 0 < length <= MAX_BODY and _plain_http(environ)


def _plain_http(environ: dict[str, Any]) -> bool:
    """Under HTTPS settings, only a request Django sees as secure (no redirect to give)."""
    if not settings.SECURE_SSL_REDIRECT:
        return True
    return _is_secure(environ)


def _is_secure(environ: dict[str, Any]) -> bool:
    from django.core.handlers.wsgi import WSGIRequest

    return bool(WSGIRequest(environ).is_secure())


def _decode(raw: bytes) -> tuple[CheckInBody, dt.datetime | None] | None:
    """The body if it is the plain case, else None (Django answers)."""
    try:
        body = _decoder.decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    if not 1 <= body.project_id <= INT64_MAX:
        return None
    for value, low, high in (
        (body.lon, -180, 180),
        (body.lat, -90, 90),
        (body.accuracy_m, 0, 100_000),
    ):
        if not (math.isfinite(value) and low <= value <= high):
            return None
    if len(body.device_id) > 100 or "\x00" in body.device_id:
        return None
    client_at = None
    if body.client_at is not None:
        if "\x00" in body.client_at:
            return None
        try:
            client_at = _moment.validate_python(body.client_at)
        except ValidationError:
            return None
    return body, client_at


def _security_headers(environ: dict[str, Any]) -> list[tuple[str, str]]:
    """What Django's middleware adds to every API answer (security, CSP, language)."""
    headers = [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", settings.SECURE_REFERRER_POLICY or "same-origin"),
        ("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY or ""),
        ("X-Frame-Options", settings.X_FRAME_OPTIONS),
        ("Content-Security-Policy", page_policy(secrets.token_urlsafe(16))),
        ("Content-Language", settings.LANGUAGE_CODE),
    ]
    if settings.SECURE_HSTS_SECONDS and _is_secure(environ):
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            hsts += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            hsts += "; preload"
        headers.append(("Strict-Transport-Security", hsts))
    return [(k, v) for k, v in headers if v]


def _respond(environ: dict[str, Any], rid: str, status: int, data: dict[str, Any]) -> Answer:
    body = _encode(data)
    headers = [
        ("Content-Type", "application/json; charset=utf-8"),
        ("Content-Length", str(len(body))),
        *_security_headers(environ),
        ("X-Request-ID", rid),
    ]
    return Answer(status, headers, body)


def respond(environ: dict[str, Any]) -> Answer | None:
    """Answer the check-in, or None: Django answers (``environ``'s body is restored)."""
    if not _claims(environ):
        return None
    raw = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
    environ["wsgi.input"] = io.BytesIO(raw)  # for Django, if it answers after all
    decoded = _decode(raw)
    if decoded is None:
        return None
    incoming = environ.get("HTTP_X_REQUEST_ID", "")
    rid = incoming[:64] if incoming and incoming.isprintable() else context.new_request_id()
    ip = client_ip_of(environ)
    t1, t2 = context.request_id.set(rid), context.client_ip.set(ip)
    try:
        clock.refresh_offset(max_age=0.0 if settings.TESTING else 1.0)
        token = environ["HTTP_AUTHORIZATION"][len("Bearer ") :]
        found = registries.token_backend().authenticate(token)
        if found is None:
            return None  # Django answers 401 in the common format
        try:
            status, data = _check_in(environ, found[1], decoded, ip)
        except DomainError as exc:
            status, data = exc.status, exc.as_dict()
        except Exception as exc:
            status, data = 500, _server_error(environ, rid, exc)
        return _respond(environ, rid, status, data)
    finally:
        context.request_id.reset(t1)
        context.client_ip.reset(t2)


def _check_in(
    environ: dict[str, Any],
    a: Any,
    decoded: tuple[CheckInBody, dt.datetime | None],
    ip: str,
) -> tuple[int, dict[str, Any]]:
    """The ninja route's authentication checks and view, in the same order."""
    require_password_changed(a, by_token=True)
    require_some_role(a)
    if not has_checkin_duty(a):
        raise Forbidden("仅施工、监理单位关键岗位人员可以现场打卡")
    key = environ.get("HTTP_IDEMPOTENCY_KEY") or None
    if not key:
        raise ValidationFailed(
            "缺少 Idempotency-Key 请求头：每次点击打卡生成一个，重试时沿用", field="Idempotency-Key"
        )
    body, client_at = decoded
    r = services.check_in(
        actor=a,
        project_id=body.project_id,
        lon=body.lon,
        lat=body.lat,
        accuracy_m=body.accuracy_m,
        idempotency_key=key,
        client_at=client_at,
        device_id=body.device_id,
        mock_location=body.mock_location,
        user_agent=environ.get("HTTP_USER_AGENT", ""),
        ip=ip,
        delayed=body.queued,
    )
    return (200 if r.replayed else 201), answer(r.checkin, r.replayed)


def _server_error(environ: dict[str, Any], rid: str, exc: BaseException) -> dict[str, Any]:
    """As ``api_base.server_error``: logged with the request id, named in the answer."""
    logger.error(
        "unhandled %s on POST %s (request %s)", type(exc).__name__, PATH, rid, exc_info=exc
    )
    code, message = ERROR_TEXT[500]
    return {
        "code": code,
        "message": f"{message}（请求编号 {rid}）",
        "errors": [],
        "request_id": rid,
    }


def front(app: WsgiApp) -> WsgiApp:
    """``app`` (Django) with the check-in ingest path in front of it."""

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if not _claims(environ):
            return app(environ, start_response)
        close_old_connections()  # as Django does at a request's start and end
        try:
            answered = respond(environ)
        finally:
            close_old_connections()
        if answered is None:
            return app(environ, start_response)
        start_response(f"{answered.status} {HTTPStatus(answered.status).phrase}", answered.headers)
        return [answered.body]

    return application
