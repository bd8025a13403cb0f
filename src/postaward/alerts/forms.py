"""Forms of the alert pages (input parsing only; the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms

from postaward.core import clock
from postaward.core.forms import DateField
from postaward.orgs.choices import Industry

from .choices import Area, Finding, Level, Recipient, Severity
from .indicators import Spec

W = {"class": "form-control form-control-sm"}
S = {"class": "form-select form-select-sm"}
D = {"class": "form-control form-control-sm", "type": "date"}


def _blank(choices: Any, label: str = "全部") -> list[tuple[Any, str]]:
    return [("", label), *[(k, str(v)) for k, v in choices]]


class StatsFilterForm(forms.Form):
    start = DateField(label="生成日期自", required=False, widget=forms.DateInput(attrs=D))
    end = DateField(label="至", required=False, widget=forms.DateInput(attrs=D))
    industry = forms.ChoiceField(
        label="行业", required=False, choices=_blank(Industry.choices), widget=forms.Select(attrs=S)
    )
    level = forms.ChoiceField(
        label="处置层级",
        required=False,
        choices=_blank(Level.choices),
        widget=forms.Select(attrs=S),
    )
    area = forms.ChoiceField(
        label="监督领域", required=False, choices=_blank(Area.choices), widget=forms.Select(attrs=S)
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"class": "form-control", "accept": ".pdf,.jpg,.jpeg,.png"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class DisposeForm(forms.Form):
    finding = forms.ChoiceField(
        label="处置结论",
        choices=[
            (Finding.CONFIRMED, Finding.CONFIRMED.label),
            (Finding.DISMISSED, Finding.DISMISSED.label),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="处置情况",
        widget=forms.Textarea(
            attrs={
                **W,
                "rows": 4,
                "placeholder": "核实经过、采取的措施（约谈、整改、处罚……）及结果",
            }
        ),
    )
    evidence = MultipleFileField(
        label="证据材料", required=False, help_text="PDF 或 JPG/PNG，可多选，每个不超过 20 MB"
    )


class CloseForm(forms.Form):
    note = forms.CharField(
        label="审核说明",
        required=False,
        widget=forms.Textarea(attrs={**W, "rows": 2, "placeholder": "可选：审核意见"}),
    )


class SendBackForm(forms.Form):
    note = forms.CharField(
        label="退回理由",
        widget=forms.Textarea(attrs={**W, "rows": 3, "placeholder": "需补充的核实内容或整改要求"}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label="重新打开的理由", widget=forms.Textarea(attrs={**W, "rows": 3}))


def add_param_fields(form: forms.Form, spec: Spec, initial: dict[str, Any]) -> None:
    for p in spec.params:
        name = f"param_{p.name}"
        attrs = {**W}
        if p.minimum is not None:
            attrs["min"] = str(p.minimum)
        if p.maximum is not None:
            attrs["max"] = str(p.maximum)
        if p.kind == "int":
            field: forms.Field = forms.IntegerField(
                label=p.label, widget=forms.NumberInput(attrs=attrs)
            )
        else:
            field = forms.DecimalField(
                label=p.label, widget=forms.NumberInput(attrs={**attrs, "step": "any"})
            )
        field.help_text = f"默认 {p.default}" + (f"；{p.help}" if p.help else "")
        field.initial = initial.get(p.name, p.default)
        form.fields[name] = field


def params_of(form: forms.Form, spec: Spec) -> dict[str, Any]:
    return {p.name: form.cleaned_data.get(f"param_{p.name}") for p in spec.params}


class IndicatorForm(forms.Form):
    name = forms.CharField(label="指标名称", max_length=100, widget=forms.TextInput(attrs=W))
    enabled = forms.BooleanField(
        label="启用",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    severity = forms.TypedChoiceField(
        label="预警等级", coerce=int, choices=Severity.choices, widget=forms.Select(attrs=S)
    )
    level = forms.ChoiceField(
        label="处置层级",
        choices=Level.choices,
        widget=forms.Select(attrs=S),
        help_text="四级联动中负责处置的层级；项目缺少该层级单位时自动上移",
    )
    disposal_days = forms.IntegerField(
        label="处置期限", min_value=1, max_value=365, widget=forms.NumberInput(attrs=W)
    )
    disposal_unit = forms.ChoiceField(
        label="期限单位",
        choices=[("working_days", "工作日"), ("calendar_days", "自然日")],
        widget=forms.Select(attrs=S),
    )
    dedup_window_days = forms.IntegerField(
        label="去重时间窗（天）",
        min_value=0,
        max_value=3650,
        widget=forms.NumberInput(attrs=W),
        help_text="同一去重键在时间窗内（或仍在办理中）的再次命中并入原预警",
    )
    valid_from = DateField(label="生效日期", required=False, widget=forms.DateInput(attrs=D))
    valid_until = DateField(label="失效日期", required=False, widget=forms.DateInput(attrs=D))
    basis_document = forms.CharField(
        label="依据文件", max_length=200, required=False, widget=forms.TextInput(attrs=W)
    )
    basis_article = forms.CharField(
        label="依据条款", max_length=200, required=False, widget=forms.TextInput(attrs=W)
    )
    explanation = forms.CharField(
        label="预警说明模板", widget=forms.Textarea(attrs={**W, "rows": 4})
    )

    def __init__(self, *args: Any, spec: Spec, params: dict[str, Any], **kw: Any) -> None:
        super().__init__(*args, **kw)
        add_param_fields(self, spec, params)
        self.spec = spec


class SandboxForm(forms.Form):
    as_of = DateField(label="数据截至", widget=forms.DateInput(attrs=D))
    since = DateField(
        label="事件起始",
        required=False,
        widget=forms.DateInput(attrs=D),
        help_text="事件类指标回放该日期以来的业务事件；留空为全部",
    )

    def __init__(self, *args: Any, spec: Spec, params: dict[str, Any], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["as_of"].initial = clock.today()
        add_param_fields(self, spec, params)


class IssueForm(forms.Form):
    title = forms.CharField(label="问题名称", max_length=200, widget=forms.TextInput(attrs=W))
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={**W, "rows": 4}))
    persons_concerned = forms.CharField(
        label="涉及人员", max_length=300, required=False, widget=forms.TextInput(attrs=W)
    )
    involves_party_member = forms.BooleanField(
        label="涉及党员干部",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    involves_public_official = forms.BooleanField(
        label="涉及公职人员",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    suspected_crime = forms.BooleanField(
        label="涉嫌犯罪",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class VerifyForm(forms.Form):
    verified = forms.TypedChoiceField(
        label="核实结论",
        coerce=lambda v: v == "1",
        choices=[("1", "属实"), ("0", "不属实")],
        widget=forms.RadioSelect,
    )
    findings = forms.CharField(label="核实情况", widget=forms.Textarea(attrs={**W, "rows": 4}))


class TransferForm(forms.Form):
    recipient = forms.ChoiceField(
        label="移送方向", choices=Recipient.choices, widget=forms.Select(attrs=S)
    )
    recipient_org_id = forms.TypedChoiceField(
        label="接收机关", coerce=int, widget=forms.Select(attrs=S)
    )
    document_number = forms.CharField(
        label="移送函文号",
        max_length=60,
        widget=forms.TextInput(attrs={**W, "placeholder": "例：清监移〔2026〕3号"}),
    )
    reason = forms.CharField(label="移送理由", widget=forms.Textarea(attrs={**W, "rows": 3}))

    def __init__(self, *args: Any, orgs: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["recipient_org_id"].choices = orgs  # type: ignore[attr-defined]


class ReceiptForm(forms.Form):
    receipt_number = forms.CharField(
        label="回执编号", max_length=60, widget=forms.TextInput(attrs=W)
    )


class ResultForm(forms.Form):
    result = forms.CharField(label="办理结果", widget=forms.Textarea(attrs={**W, "rows": 4}))


class OpenCaseForm(forms.Form):
    title = forms.CharField(
        label="案由",
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
        error_messages={"required": "请填写案由"},
    )
