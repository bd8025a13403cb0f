"""Pages of the credit part 'public' (issue 16)."""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []
