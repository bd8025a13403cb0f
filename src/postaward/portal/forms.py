"""The public forms: the filing form with a captcha (rendered locally by
django-simple-captcha, ADR 0501)."""

from __future__ import annotations

from captcha.fields import CaptchaField
from django import forms

from postaward.complaints.forms import FilingForm


class PublicFilingForm(FilingForm):
    captcha = CaptchaField(
        label="验证码（请计算图中算式的结果）",
        error_messages={"invalid": "验证码不正确，请重新计算", "required": "请填写验证码"},
    )


class RetaliationForm(forms.Form):
    number = forms.CharField(max_length=20, widget=forms.HiddenInput)
    code = forms.CharField(max_length=20, widget=forms.HiddenInput)
    note = forms.CharField(
        label="遭受打击报复的情况",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )


class DocumentForm(forms.Form):
    """Download one of the complainant's own notices: the number and the code
    are sent again (never kept in a URL or a session)."""

    number = forms.CharField(max_length=20, widget=forms.HiddenInput)
    code = forms.CharField(max_length=20, widget=forms.HiddenInput)
    document = forms.IntegerField(min_value=1, max_value=2**62, widget=forms.HiddenInput)
