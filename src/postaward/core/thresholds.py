"""One rule, one threshold (R-ALR-01, ADR 0036).

An app that publishes facts for an alert indicator (attendance: absence streaks,
monthly rates) and also acts on the same rule itself (opens interviews) must
follow the indicator's configured threshold, not a second constant. The
capability that owns the indicators (alerts) registers a provider here; the app
asks ``value(indicator_code, param, default)``. Without a provider (the alerts
capability not installed) the rule's default from the policy applies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Provider = Callable[[str, str], Any]
_provider: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Install the provider of configured thresholds (one; the last one wins)."""
    _provider[:] = [provider]
    return provider


def value(indicator_code: str, param: str, default: Any) -> Any:
    """The configured value of ``param`` of the indicator ``indicator_code``,
    or ``default`` when no provider knows it."""
    if not _provider:
        return default
    found = _provider[0](indicator_code, param)
    return default if found is None else found
