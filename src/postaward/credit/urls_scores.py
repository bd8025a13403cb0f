"""Pages of the scoring part 'scores' (issue 16)."""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []
