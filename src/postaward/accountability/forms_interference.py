"""The page forms of the interference register and the units' rules (R-ACT-06)."""

from __future__ import annotations

from typing import Any

from captcha.fields import CaptchaField
from django import forms

from postaward.core import files
from postaward.core.actor import Actor
from postaward.projects.models import Project

from .choices_interference import InterferenceKind, IntervenerKind, RuleKind, Stage

T = {"class": "form-control form-control-sm", "rows": 3}
S = {"class": "form-select form-select-sm"}
N = {"class": "form-control form-control-sm"}
D = {"class": "form-control form-control-sm", "type": "date"}
F = {"class": "form-control form-control-sm", "accept": files.ACCEPT_ATTR}


class ReportForm(forms.Form):
    """The content of a record (the same for staff and the public)."""

    intervener_kind = forms.ChoiceField(
        label="干预主体", choices=IntervenerKind.choices, widget=forms.Select(attrs=S)
    )
    intervener_name = forms.CharField(
        label="干预人姓名或部门名称", max_length=100, widget=forms.TextInput(attrs=N)
    )
    intervener_post = forms.CharField(
        label="职务", required=False, max_length=100, widget=forms.TextInput(attrs=N)
    )
    intervener_unit = forms.CharField(
        label="所在单位", required=False, max_length=200, widget=forms.TextInput(attrs=N)
    )
    concerns_officials = forms.BooleanField(
        label="干预人是党员或公职人员",
        required=False,
        help_text="勾选后登记即移送纪检监察机关",
    )
    occurred_on = forms.DateField(label="干预日期", widget=forms.DateInput(attrs=D))
    kind = forms.ChoiceField(
        label="干预方式", choices=InterferenceKind.choices, widget=forms.Select(attrs=S)
    )
    kind_other = forms.CharField(
        label="其他方式说明",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs=N),
        help_text="干预方式选择“其他”时填写",
    )
    stage = forms.ChoiceField(label="干预环节", choices=Stage.choices, widget=forms.Select(attrs=S))
    project_text = forms.CharField(
        label="涉及项目", required=False, max_length=200, widget=forms.TextInput(attrs=N)
    )
    request_text = forms.CharField(
        label="干预内容（提出的要求）", max_length=2000, widget=forms.Textarea(attrs=T)
    )
    evidence_note = forms.CharField(
        label="证据说明", required=False, max_length=2000, widget=forms.Textarea(attrs=T)
    )
    evidence = forms.FileField(
        label="证据材料",
        required=False,
        widget=forms.ClearableFileInput(attrs=F),
        help_text=files.HELP_TEXT,
    )


def chinese_required(form: forms.Form) -> None:
    """A missing field reads "请填写…" / "请选择…" with its label."""
    for name, field in form.fields.items():
        if name == "captcha":
            continue
        verb = "请选择" if isinstance(field, forms.ChoiceField) else "请填写"
        field.error_messages["required"] = f"{verb}{field.label}"
        if isinstance(field, forms.DateField):
            field.error_messages["invalid"] = f"{field.label}格式不正确（应为 年-月-日）"


class StaffReportForm(ReportForm):
    project = forms.ModelChoiceField(
        label="涉及项目（平台登记的项目）",
        queryset=Project.objects.none(),
        required=False,
        widget=forms.Select(attrs=S),
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chinese_required(self)
        self.fields["project"].queryset = Project.objects.visible_to(actor).order_by("name")  # type: ignore[attr-defined]
        self.fields["project_text"].label = "涉及项目（未在平台登记的填写名称）"
        order = list(self.fields)
        order.remove("project")
        order.insert(order.index("project_text"), "project")
        self.order_fields(order)


class PublicReportForm(ReportForm):
    contact = forms.CharField(
        label="联系方式（选填）",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=N),
        help_text="可不填；填写的加密保存，仅监管办承办人员可见",
    )
    captcha = CaptchaField(
        label="验证码（请计算图中算式的结果）",
        error_messages={"invalid": "验证码不正确，请重新计算", "required": "请填写验证码"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chinese_required(self)
        self.fields["concerns_officials"].help_text = "如知道干预人是党员或公职人员，请勾选"


class AdditionForm(forms.Form):
    text = forms.CharField(label="补充说明", max_length=2000, widget=forms.Textarea(attrs=T))
    evidence = forms.FileField(
        label="补充材料",
        required=False,
        widget=forms.ClearableFileInput(attrs=F),
        help_text=files.HELP_TEXT,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chinese_required(self)


class TrackForm(forms.Form):
    number = forms.CharField(label="登记编号", max_length=20, widget=forms.TextInput(attrs=N))
    code = forms.CharField(label="查询码", max_length=20, widget=forms.TextInput(attrs=N))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chinese_required(self)


class PublicAdditionForm(AdditionForm):
    number = forms.CharField(max_length=20, widget=forms.HiddenInput)
    code = forms.CharField(max_length=20, widget=forms.HiddenInput)


class RevealForm(forms.Form):
    reason = forms.CharField(label="查看理由", max_length=200, widget=forms.TextInput(attrs=N))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chinese_required(self)


class RuleForm(forms.Form):
    kind = forms.ChoiceField(
        label="制度类别", choices=RuleKind.choices, widget=forms.Select(attrs=S)
    )
    title = forms.CharField(label="制度名称", max_length=200, widget=forms.TextInput(attrs=N))
    effective_on = forms.DateField(label="施行日期", widget=forms.DateInput(attrs=D))
    file = forms.FileField(
        label="制度文件", widget=forms.ClearableFileInput(attrs=F), help_text=files.HELP_TEXT
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chinese_required(self)
