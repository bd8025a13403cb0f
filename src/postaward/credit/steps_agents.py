"""Steps of the agents and experts part on the step registry (issue 16)."""

from __future__ import annotations
