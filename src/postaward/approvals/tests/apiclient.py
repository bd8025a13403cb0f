"""Calling ``/api/v1/approvals`` in the API tests: JSON or multipart, with an
optional Idempotency-Key, the answer checked against the expected status; a
refusal is checked to say why in Chinese and to have changed nothing."""

from __future__ import annotations

import base64
import json
from typing import Any

from django.test import Client

from postaward.testing import db_fingerprint

BASE = "/api/v1/approvals"


def b64(upload: Any) -> dict[str, str]:
    """A file as a JSON request carries it."""
    data = upload.read()
    upload.seek(0)
    return {"filename": upload.name, "content_base64": base64.b64encode(data).decode()}


def send(
    client: Client,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    *,
    form: dict[str, Any] | None = None,
    key: str | None = None,
) -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    fn = getattr(client, method)
    if form is not None:
        return fn(BASE + path, data=form, headers=headers)
    if body is not None:
        return fn(
            BASE + path,
            data=json.dumps(body, ensure_ascii=False),
            content_type="application/json",
            headers=headers,
        )
    return fn(BASE + path, headers=headers)


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content.decode()[:800]
    return response.json()


def get(client: Client, path: str, status: int = 200) -> Any:
    return ok(send(client, "get", path), status)


def post(
    client: Client,
    path: str,
    body: dict[str, Any] | None = None,
    *,
    form: dict[str, Any] | None = None,
    key: str | None = None,
    status: int = 200,
) -> Any:
    return ok(
        send(client, "post", path, body if form is None else None, form=form, key=key), status
    )


def refused(
    client: Client,
    path: str,
    body: dict[str, Any] | None = None,
    *,
    form: dict[str, Any] | None = None,
    status: int,
    message: str,
    method: str = "post",
) -> dict[str, Any]:
    """The call is refused with ``status``, its message contains ``message`` (the
    rule in Chinese), and nothing was written (the audit chain did not move)."""
    before = db_fingerprint()
    r = send(client, method, path, body if form is None else None, form=form)
    assert r.status_code == status, r.content.decode()[:800]
    data = r.json()
    assert message in data["message"], data
    assert db_fingerprint() == before
    return data
