"""The page forms of scoring rule sets (R-SCO-01): a new draft, a draft's
header, an item. They parse; the services check the rules (and answer 422
with the field, shown beside it)."""

from __future__ import annotations

from typing import Any

from django import forms

from . import facts
from .choices import SubjectKind
from .models import MANUAL

T = {"class": "form-control form-control-sm", "rows": 2}
S = {"class": "form-select form-select-sm"}
N = {"class": "form-control form-control-sm"}
D = {"class": "form-control form-control-sm", "type": "date"}


def trigger_choices() -> list[tuple[str, str]]:
    return [(MANUAL, facts.label(MANUAL))] + [(code, k.label) for code, k in facts.FACTS.items()]


class DraftForm(forms.Form):
    """A new version: which line (industry) and which version it starts from."""

    industry = forms.ChoiceField(label="行业", widget=forms.Select(attrs=S))
    based_on = forms.ChoiceField(
        label="基于版本",
        required=False,
        widget=forms.Select(attrs=S),
        help_text="默认复制现行有效版本的全部评分项；无现行版本时从空白开始",
    )

    def __init__(self, *args: Any, industries: Any = (), versions: Any = (), **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["industry"].choices = list(industries)  # type: ignore[attr-defined]
        versions_choices = [("", "现行有效版本")] + [
            (str(v.pk), f"{v.get_industry_display()} 第{v.version}版（{v.get_state_display()}）")
            for v in versions
        ]
        self.fields["based_on"].choices = versions_choices  # type: ignore[attr-defined]


class HeaderForm(forms.Form):
    title = forms.CharField(label="名称", max_length=200, widget=forms.TextInput(attrs=N))
    effective_from = forms.DateField(
        label="生效日期",
        required=False,
        widget=forms.DateInput(attrs=D),
        help_text="不早于今天；不填的，自复核通过之日起施行",
    )
    base_score = forms.DecimalField(
        label="基础分", max_digits=6, decimal_places=2, widget=forms.NumberInput(attrs=N)
    )
    objection_days = forms.IntegerField(
        label="异议期（工作日）",
        min_value=1,
        max_value=30,
        widget=forms.NumberInput(attrs=N),
        help_text="记分告知后可提出异议的工作日数（1至30）",
    )
    green_min = forms.DecimalField(
        label="绿码最低分", max_digits=6, decimal_places=2, widget=forms.NumberInput(attrs=N)
    )
    blue_min = forms.DecimalField(
        label="蓝码最低分", max_digits=6, decimal_places=2, widget=forms.NumberInput(attrs=N)
    )
    yellow_min = forms.DecimalField(
        label="黄码最低分", max_digits=6, decimal_places=2, widget=forms.NumberInput(attrs=N)
    )
    orange_min = forms.DecimalField(
        label="橙码最低分",
        max_digits=6,
        decimal_places=2,
        widget=forms.NumberInput(attrs=N),
        help_text="低于橙码最低分为红码；须绿码 ≥ 蓝码 ≥ 黄码 ≥ 橙码",
    )
    note = forms.CharField(
        label="修订说明", required=False, max_length=2000, widget=forms.Textarea(attrs=T)
    )


class ItemForm(forms.Form):
    code = forms.CharField(label="编号", max_length=20, widget=forms.TextInput(attrs=N))
    description = forms.CharField(label="评分内容", max_length=2000, widget=forms.Textarea(attrs=T))
    subject_kind = forms.ChoiceField(
        label="评分对象", choices=SubjectKind.choices, widget=forms.Select(attrs=S)
    )
    points = forms.DecimalField(
        label="分值",
        max_digits=6,
        decimal_places=2,
        widget=forms.NumberInput(attrs=N),
        help_text="负数为扣分，正数为加分，不能为0",
    )
    cap_per_project = forms.DecimalField(
        label="单项目累计上限",
        required=False,
        max_digits=6,
        decimal_places=2,
        widget=forms.NumberInput(attrs=N),
        help_text="填正数，不小于单次分值的绝对值；不填为不封顶",
    )
    cap_per_year = forms.DecimalField(
        label="年度累计上限",
        required=False,
        max_digits=6,
        decimal_places=2,
        widget=forms.NumberInput(attrs=N),
    )
    trigger = forms.ChoiceField(label="触发事实", widget=forms.Select(attrs=S))
    basis_document = forms.CharField(
        label="依据文件",
        max_length=200,
        widget=forms.TextInput(attrs=N),
        help_text="文件全称，如：上虞区政府投资（国有建设）项目监督管理实施细则（试行）",
    )
    basis_article = forms.CharField(
        label="条款", max_length=100, widget=forms.TextInput(attrs=N), help_text="如：第四十二条"
    )
    order = forms.IntegerField(
        label="排序", required=False, min_value=0, max_value=999, widget=forms.NumberInput(attrs=N)
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["trigger"].choices = trigger_choices()  # type: ignore[attr-defined]

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("order") is None:
            data.pop("order", None)
        return data
