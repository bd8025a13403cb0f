"""Page forms of contract checks (the API takes the same fields)."""

from __future__ import annotations

from typing import Any

from django import forms

T = {"rows": 2, "class": "form-control"}
S = {"class": "form-select"}


class OpenCheckForm(forms.Form):
    """开展合同履约检查: the project, the leader and the team, the reason."""

    def __init__(self, *args: Any, projects: Any = (), people: Any = (), **kw: Any) -> None:
        super().__init__(*args, **kw)
        people = list(people)
        self.fields["project_id"] = forms.TypedChoiceField(
            label="检查项目",
            choices=[("", "请选择"), *projects],
            coerce=int,
            widget=forms.Select(attrs=S),
            error_messages={"required": "请选择检查项目"},
        )
        self.fields["leader_id"] = forms.TypedChoiceField(
            label="检查组长（执法人员）",
            choices=[("", "请选择"), *people],
            coerce=int,
            widget=forms.Select(attrs=S),
            error_messages={"required": "请选择检查组长"},
        )
        self.fields["member_ids"] = forms.TypedMultipleChoiceField(
            label="检查组员（至少1名，合计不少于2名执法人员）",
            choices=people,
            coerce=int,
            required=False,
            widget=forms.SelectMultiple(attrs=S),
        )
        self.fields["reason"] = forms.CharField(
            label="检查事由",
            max_length=200,
            initial="季度合同履约抽查",
            widget=forms.TextInput(attrs={"class": "form-control"}),
            error_messages={"required": "请填写检查事由"},
        )


class ConcludeForm(forms.Form):
    """作出结论: one decision per flag, and the check's conclusion."""

    def __init__(self, *args: Any, flags: Any = (), **kw: Any) -> None:
        super().__init__(*args, **kw)
        for f in flags:
            self.fields[f"flag_{f.pk}"] = forms.ChoiceField(
                label=f"{f.get_kind_display()}：{f.fact}",
                choices=[("1", "认定疑似违法违规"), ("0", "排除")],
                widget=forms.RadioSelect,
                error_messages={"required": "请对该疑点作出结论"},
            )
            self.fields[f"note_{f.pk}"] = forms.CharField(
                label="说明",
                max_length=500,
                required=False,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
        self.fields["summary"] = forms.CharField(
            label="检查结论",
            max_length=2000,
            widget=forms.Textarea(attrs=T),
            error_messages={"required": "请填写检查结论"},
        )
