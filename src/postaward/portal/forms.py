"""The public forms: the filing form with a captcha (rendered locally by
django-simple-captcha, ADR 0501)."""

from __future__ import annotations

from captcha.fields import CaptchaField
from django import forms

from postaward.complaints.forms import FilingForm


class PublicFilingForm(FilingForm):
    sms_code = forms.CharField(
        label="手机验证码",
        required=False,
        max_length=6,
        help_text="填写手机号码后点击“获取验证码”，验证码10分钟内有效；匿名举报不填手机号码的无需验证码",
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-sm",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
            }
        ),
    )
    captcha = CaptchaField(
        label="验证码（请计算图中算式的结果）",
        error_messages={"invalid": "验证码不正确，请重新计算", "required": "请填写验证码"},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # the verification code right under the mobile
        order = [n for n in self.fields if n != "sms_code"]
        order.insert(order.index("mobile") + 1, "sms_code")
        self.order_fields(order)


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


class ContactForm(forms.Form):
    """One published contact on the office's back-office page (a formset)."""

    name = forms.CharField(label="受理机构（接待点）", max_length=60, required=False)
    complaint_phone = forms.CharField(label="投诉电话", max_length=40, required=False)
    report_phone = forms.CharField(label="举报电话", max_length=40, required=False)
    mailing_address = forms.CharField(label="来信地址", max_length=200, required=False)
    reception_address = forms.CharField(label="来访接待地址", max_length=200, required=False)
    office_hours = forms.CharField(label="接待时间", max_length=100, required=False)
    email = forms.CharField(label="电子邮箱", max_length=100, required=False)
    website = forms.CharField(label="网站", max_length=200, required=False)
    note = forms.CharField(label="说明", max_length=500, required=False)
    delete = forms.BooleanField(label="删除", required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name, field in self.fields.items():
            if name != "delete":
                field.widget.attrs["class"] = "form-control form-control-sm"


ContactFormSet = forms.formset_factory(ContactForm, extra=1, max_num=10, absolute_max=10)
