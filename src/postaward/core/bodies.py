"""The edge of every API write: one body parser and one idempotent write.

- ``parse_body(request, schema)``: JSON (files as ``{filename, content_base64}``)
  or multipart/form-data (files as parts), checked by the same strict schema;
  unknown fields are refused either way (ADR 0303). The result carries the
  fingerprint of the request for its ``Idempotency-Key``: the fields and the
  files' SHA-256.
- ``write_once(request, scope, payload, fn)``: run a write once per
  ``Idempotency-Key`` (ADR 0031); a retry gets the stored answer, byte for
  byte, with ``Idempotent-Replayed: true``.

Both were copied in several apps; they live here once (ADR 0060).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

import pydantic
from django.core.files.base import ContentFile
from django.http import HttpRequest, HttpResponse
from ninja import Field
from ninja.errors import ValidationError as NinjaValidationError

from . import idempotency
from .api_base import StrictIn, actor, idempotency_key, inline_json_schema
from .errors import DomainError, ValidationFailed


def write_once(
    request: HttpRequest,
    scope: str,
    payload: Any,
    fn: Callable[[], Any],
    *,
    status: int = 200,
) -> HttpResponse:
    """Run a write once per Idempotency-Key; a retry gets the stored answer.

    ``fn`` returns the JSON body (already serialised by the output schema), so
    the first answer and a replayed one are byte for byte the same. A refusal
    (a ``DomainError``) rolls the key's claim back with the write."""
    a = actor(request)
    code, body, replayed = idempotency.run(
        user_id=a.user_id or 0,
        scope=scope,
        key=idempotency_key(request),
        payload=payload,
        fn=lambda: (status, fn()),
    )
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=code,
        content_type="application/json; charset=utf-8",
    )
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


# A file in a JSON request (multipart requests send the file itself); the
# docstring is the OpenAPI description.
class FileIn(StrictIn):
    """文件（JSON 请求以 Base64 传送；multipart 请求直接上传文件）"""

    filename: str = Field(..., min_length=1, max_length=200, description="含扩展名，如 证明.pdf")
    content_base64: str = Field(
        ..., min_length=1, description="文件内容（Base64）：PDF、JPG 或 PNG，不超过 20 MB"
    )


FILES_NOTE = (
    "JSON（文件为 `{filename, content_base64}`）或 multipart/form-data（字段名相同，文件作为文件部分）。"
    "文件按内容识别类型（PDF、JPEG、PNG），不超过 20 MB。"
)


@dataclass
class Body:
    """A parsed request body."""

    data: Any  # the validated schema (its file fields are not used)
    files: dict[str, Any]  # field → upload, list of uploads, or None
    fingerprint: dict[str, Any]  # for the Idempotency-Key: fields and the files' SHA-256


def _unwrap(annotation: Any) -> list[Any]:
    """The alternatives of an annotation: ``StrictInt | None`` → [int, NoneType]."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return [t for arg in get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def file_fields(schema: type[StrictIn]) -> dict[str, bool]:
    """The fields that hold files: name → whether it holds several."""
    out: dict[str, bool] = {}
    for name, info in schema.model_fields.items():
        for alt in _unwrap(info.annotation):
            if alt is FileIn:
                out[name] = False
            elif get_origin(alt) is list and _unwrap(get_args(alt)[0]) == [FileIn]:
                out[name] = True
    return out


def _form_value(annotation: Any, value: str) -> Any:
    """A multipart field (always text) as the JSON value the schema expects;
    anything that does not read as one is passed on for the schema to refuse."""
    alts = _unwrap(annotation)
    if value == "" and type(None) in alts:
        return None
    if bool in alts:
        low = value.strip().lower()
        if low in ("true", "1", "on", "yes"):
            return True
        if low in ("false", "0", "off", "no"):
            return False
        return value
    if int in alts:
        try:
            return int(value)
        except ValueError:
            return value
    return value


def _validate(schema: type[StrictIn], data: dict[str, Any]) -> Any:
    try:
        return schema.model_validate(data)
    except pydantic.ValidationError as exc:
        raise NinjaValidationError(
            [
                {**err, "loc": ("body", "payload", *err["loc"])}
                for err in exc.errors(include_url=False)
            ]
        ) from exc


def sha256_of(upload: Any) -> str:
    """The SHA-256 of an upload (read in chunks, rewound after)."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _decode(value: FileIn, field: str) -> ContentFile:
    try:
        raw = base64.b64decode(value.content_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationFailed(
            "文件内容不是有效的 Base64", field=f"{field}.content_base64"
        ) from exc
    return ContentFile(raw, name=value.filename)


def parse_body(request: HttpRequest, schema: type[StrictIn]) -> Body:
    """JSON (files as Base64) or multipart/form-data (files as parts), checked by
    the same strict schema: unknown fields are refused either way."""
    files_of = file_fields(schema)
    fields = schema.model_fields
    if request.content_type == "multipart/form-data":
        unknown = [
            k
            for k in request.POST
            if (k not in fields or k in files_of) and k != "csrfmiddlewaretoken"
        ] + [k for k in request.FILES if k not in files_of]
        if unknown:
            raise NinjaValidationError(
                [{"type": "extra_forbidden", "loc": ("form", k), "msg": "extra"} for k in unknown]
            )
        raw: dict[str, Any] = {}
        for name, info in fields.items():
            if name in files_of or name not in request.POST:
                continue
            lists = [alt for alt in _unwrap(info.annotation) if get_origin(alt) is list]
            if lists:
                item = get_args(lists[0])[0]
                raw[name] = [_form_value(item, v) for v in request.POST.getlist(name)]
            else:
                raw[name] = _form_value(info.annotation, request.POST[name])
        data = _validate(schema, raw)
        files: dict[str, Any] = {
            name: request.FILES.getlist(name) if many else request.FILES.get(name)
            for name, many in files_of.items()
        }
    else:
        try:
            loaded = json.loads(request.body or b"{}")
        except ValueError as exc:
            raise DomainError(
                "请求格式不正确（应为 JSON 或 multipart/form-data）", code="bad_request"
            ) from exc
        if not isinstance(loaded, dict):
            raise DomainError("请求格式不正确（应为 JSON 对象）", code="bad_request")
        data = _validate(schema, loaded)
        files = {}
        for name, many in files_of.items():
            value = getattr(data, name)
            if many:
                files[name] = [_decode(v, f"{name}.{i}") for i, v in enumerate(value or [])]
            else:
                files[name] = _decode(value, name) if value is not None else None
    fingerprint = data.model_dump(mode="json", exclude=set(files_of))
    for name, many in files_of.items():
        value = files[name]
        fingerprint[name] = (
            [sha256_of(u) for u in value] if many else (sha256_of(value) if value else None)
        )
    return Body(data=data, files=files, fingerprint=fingerprint)


def body_schema(schema: type[StrictIn]) -> dict[str, Any]:
    """The ``requestBody`` of a route that takes ``schema``: both formats."""
    js = inline_json_schema(schema)
    files_of = file_fields(schema)
    binary = {"type": "string", "format": "binary"}
    form = {
        name: ({"type": "array", "items": binary} if files_of[name] else binary)
        if name in files_of
        else prop
        for name, prop in js.get("properties", {}).items()
    }
    required = js.get("required", [])
    return {
        "required": True,
        "content": {
            "application/json": {"schema": js},
            "multipart/form-data": {
                "schema": {"type": "object", "properties": form, "required": required}
            },
        },
    }


def body_doc(schema: type[StrictIn]) -> dict[str, Any]:
    """``openapi_extra`` of a route that takes files: both request formats."""
    return {"requestBody": body_schema(schema)}
