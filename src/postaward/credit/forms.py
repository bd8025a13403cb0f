"""The page forms of the credit capability."""

from __future__ import annotations

from django import forms

from .choices import Recommendation, RequestKind

T = {"class": "form-control form-control-sm", "rows": 3}
S = {"class": "form-select form-select-sm"}
N = {"class": "form-control form-control-sm"}


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label="类别", choices=RequestKind.choices, widget=forms.Select(attrs=S)
    )
    reason = forms.CharField(
        label="理由",
        max_length=2000,
        widget=forms.Textarea(attrs=T),
        help_text="异议：说明记分有误的事实和依据；信用修复：说明已整改到位、已履行处罚的情况",
    )


class OpinionForm(forms.Form):
    recommendation = forms.ChoiceField(
        label="核查建议", choices=Recommendation.choices, widget=forms.Select(attrs=S)
    )
    opinion = forms.CharField(label="核查意见", max_length=2000, widget=forms.Textarea(attrs=T))


class UpholdForm(forms.Form):
    decision = forms.CharField(label="处理结果", max_length=2000, widget=forms.Textarea(attrs=T))
    new_points = forms.IntegerField(
        label="变更后记分（异议）",
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs=N),
        help_text="记分事件的信用修复：填写保留的扣分，不填为全部恢复",
    )
    withdraw = forms.BooleanField(label="撤销该信用记录（异议）", required=False)


class RejectForm(forms.Form):
    decision = forms.CharField(
        label="不予采纳的理由", max_length=2000, widget=forms.Textarea(attrs=T)
    )
