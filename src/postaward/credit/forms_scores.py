"""The page forms of score events: manual entry and an objection."""

from __future__ import annotations

from typing import Any

from django import forms

from . import scoring
from .forms import N, S, T


class ManualScoreForm(forms.Form):
    item = forms.ChoiceField(label="评分项", widget=forms.Select(attrs=S))
    subject_org = forms.ChoiceField(label="评分单位", required=False, widget=forms.Select(attrs=S))
    subject_person = forms.ChoiceField(
        label="评分人员（个人评分项）", required=False, widget=forms.Select(attrs=S)
    )
    project = forms.ChoiceField(label="项目", required=False, widget=forms.Select(attrs=S))
    occurred_on = forms.DateField(
        label="发生日期", widget=forms.DateInput(attrs={**N, "type": "date"})
    )
    summary = forms.CharField(
        label="事由", max_length=500, widget=forms.Textarea(attrs=T), help_text="写明发生的事实"
    )
    evidence = forms.FileField(
        label="证据", widget=forms.ClearableFileInput(attrs=N), help_text="PDF、JPG 或 PNG"
    )

    def __init__(
        self,
        *a: Any,
        items: Any = (),
        orgs: Any = (),
        people: Any = (),
        projects: Any = (),
        **kw: Any,
    ) -> None:
        super().__init__(*a, **kw)
        self._choices(
            "item",
            [
                (
                    str(i.pk),
                    f"{i.code} {i.description[:40]}（{i.get_subject_kind_display()}，"
                    f"{'-' if i.points < 0 else '+'}{scoring._n(i.points)}"
                    f"分，{i.rule_set}）",
                )
                for i in items
            ],
            "请选择",
        )
        self._choices("subject_org", [(str(o.pk), o.name) for o in orgs])
        self._choices(
            "subject_person", [(str(p.pk), f"{p.name}（{p.organisation.name}）") for p in people]
        )
        self._choices(
            "project", [(str(p.pk), f"{p.name}（{p.code}）") for p in projects], "不涉及具体项目"
        )

    def _choices(self, name: str, options: list[tuple[str, str]], empty: str = "—") -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", empty), *options]


class ScoreObjectionForm(forms.Form):
    reason = forms.CharField(
        label="异议理由",
        max_length=2000,
        widget=forms.Textarea(attrs=T),
        help_text="说明记分有误的事实和依据",
    )


class ScoreRepairForm(forms.Form):
    reason = forms.CharField(
        label="整改情况",
        max_length=2000,
        widget=forms.Textarea(attrs=T),
        help_text="说明失信行为已纠正的情况（整改完成时间、措施、结果）",
    )
    evidence = forms.FileField(
        label="整改证明",
        required=False,
        widget=forms.ClearableFileInput(attrs=N),
        help_text="PDF、JPG 或 PNG（可不上传）",
    )
