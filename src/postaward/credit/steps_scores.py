"""Steps of the scoring part 'scores' on the step registry (issue 16)."""

from __future__ import annotations
