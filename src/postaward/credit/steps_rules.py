"""Steps of the scoring part 'rules' on the step registry (issue 16)."""

from __future__ import annotations
