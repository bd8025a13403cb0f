"""Pages of the scoring part 'rules' (issue 16)."""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []
