"""Forms of the monthly reports' directory (ADR 0933)."""

from __future__ import annotations

from typing import Any

from django import forms

from .choices import UnitRole


class UnitForm(forms.Form):
    organisation = forms.TypedChoiceField(label="单位", coerce=int)
    role = forms.ChoiceField(label="角色", choices=UnitRole.choices)
    active = forms.BooleanField(label="启用", required=False, initial=True)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(
        self, *args: Any, organisations: list[tuple[int, str]], fixed: bool = False, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["organisation"].choices = [("", "请选择单位"), *organisations]  # type: ignore[attr-defined]
        if fixed:
            # an entry's unit does not change: deactivate it and add another
            self.fields["organisation"].disabled = True
