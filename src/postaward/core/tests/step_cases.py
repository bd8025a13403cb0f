"""What the generated step tests need from an app (ADR 0060).

Each app with registered steps keeps ``postaward/<app>/tests/step_cases.py``
defining ``API`` (workflow key → the API path of one object, with ``{id}``) and
``CASES`` (step key → ``StepCase``). ``core/tests/test_steps_authz.py`` fails
for a registered step without a case, so a new step cannot ship without its
authorization rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from postaward.testing import District

Setup = Callable[[District], Any]  # builds the situation; returns the object


@dataclass(frozen=True)
class StepCase:
    """One step's situation and callers.

    - ``setup``: the object in a state the step leaves from;
    - ``user``: the right role in scope (the step succeeds with ``data``);
    - ``wrong_role``: sees the object but may not take the step (403);
    - ``out_of_scope``: the same kind of caller for another object (404);
    - ``wrong_state``: the object in a state (or a situation) where ``user``
      is refused with 409 and the reason.
    """

    setup: Setup
    user: str
    data: dict[str, Any] | Callable[[District], dict[str, Any]]  # or built from the district
    wrong_role: str
    out_of_scope: str
    wrong_state: Setup
    # page form data (default: data), or built from the district like ``data``
    form: dict[str, Any] | Callable[[District], dict[str, Any]] = field(default_factory=dict)

    def payload(self, d: District) -> dict[str, Any]:
        """The step's input: ``data``, or ``data(district)`` when it names
        rows of the district (an organisation's id)."""
        return self.data(d) if callable(self.data) else self.data

    def page_data(self, d: District) -> dict[str, Any]:
        form = self.form(d) if callable(self.form) else self.form
        return form or self.payload(d)
