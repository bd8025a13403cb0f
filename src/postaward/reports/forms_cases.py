"""Forms of the typical cases (R-REP-06)."""

from __future__ import annotations

from typing import Any

from django import forms

from .choices import CaseSource
from .deadline_kinds import DEFAULT_DAYS, MAX_DAYS


class CaseForm(forms.Form):
    project = forms.TypedChoiceField(label="项目", coerce=int)
    source = forms.ChoiceField(label="问题来源", choices=CaseSource.choices)
    source_ref = forms.CharField(
        label="来源编号", max_length=40, required=False, help_text="预警、检查或信访件的编号"
    )
    problem = forms.CharField(label="主要问题", widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label="督办措施", widget=forms.Textarea(attrs={"rows": 3}))
    days = forms.IntegerField(
        label="整改期限（工作日）", min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS
    )
    # the alert, finding or complaint the case is marked from (ADR 0931)
    source_id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(
        self, *args: Any, projects: list[tuple[int, str]], fixed: bool = False, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["project"].choices = [("", "请选择项目"), *projects]  # type: ignore[attr-defined]
        if fixed:
            # marked from a source record: its project, kind and number are the source's
            for name in ("project", "source", "source_ref"):
                self.fields[name].disabled = True


class ProgressForm(forms.Form):
    text = forms.CharField(label="整改进展", widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    note = forms.CharField(label="办结意见", widget=forms.Textarea(attrs={"rows": 3}))
