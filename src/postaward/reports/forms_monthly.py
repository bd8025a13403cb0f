"""Forms of the monthly reports (R-REP-02)."""

from __future__ import annotations

from django import forms

from .choices import MONTHLY_SECTIONS


class SectionsForm(forms.Form):
    """The five sections of YJ 四(三), editable while the report is a draft."""

    def __init__(self, *args: object, **kw: object) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        for name, label in MONTHLY_SECTIONS:
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 5}),
            )


class ReturnForm(forms.Form):
    note = forms.CharField(label="退回意见", widget=forms.Textarea(attrs={"rows": 3}))
