"""API of the tender agents and evaluation experts part under ``/api/v1/credit`` (issue 16)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["信用管理"])
