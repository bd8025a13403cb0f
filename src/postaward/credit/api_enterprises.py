"""API of the scoring part 'enterprises' under ``/api/v1/credit`` (issue 16)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["信用管理"])
