"""Page forms of the draw part."""

from __future__ import annotations

from typing import Any

from django import forms

from postaward.orgs.choices import Industry
from postaward.projects.choices import ProjectStatus

from .models import DEFAULT_WEIGHTS, Method, RoundKind, Sampling, Stage


class WorkItemForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    name = forms.CharField(label="检查事项", max_length=200)
    basis_document = forms.CharField(label="依据文件", max_length=200)
    basis_article = forms.CharField(label="条款", max_length=60)
    ratio_pct = forms.DecimalField(label="年度抽查比例（%）", max_digits=5, decimal_places=2)
    frequency = forms.CharField(label="检查频次", max_length=60)
    method = forms.ChoiceField(label="检查方式", choices=Method.choices)
    stage = forms.ChoiceField(label="环节", choices=Stage.choices)
    unannounced = forms.BooleanField(label="不打招呼（不预先通知）", required=False)


class PlanForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="计划名称", max_length=200)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RoundForm(forms.Form):
    prefix = "round"
    quarter = forms.TypedChoiceField(
        label="季度", coerce=int, choices=[(i, f"第{i}季度") for i in range(1, 5)]
    )
    kind = forms.ChoiceField(label="类型", choices=RoundKind.choices)
    title = forms.CharField(label="轮次名称", max_length=200)
    sampling = forms.ChoiceField(label="抽查比例规则", choices=Sampling.choices)
    item_ids = forms.TypedMultipleChoiceField(label="检查事项", coerce=int)
    industries = forms.MultipleChoiceField(
        label="行业（不选为全部）", choices=Industry.choices, required=False
    )
    statuses = forms.MultipleChoiceField(
        label="项目状态（不选为全部）", choices=ProjectStatus.choices, required=False
    )
    amount_min = forms.DecimalField(label="合同金额下限（元）", required=False, min_value=0)
    amount_max = forms.DecimalField(label="合同金额上限（元）", required=False, min_value=0)
    award_from = forms.DateField(label="中标日期起", required=False)
    award_to = forms.DateField(label="中标日期止", required=False)

    def __init__(self, *args: Any, items: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["item_ids"].choices = items  # type: ignore[attr-defined]


WEIGHT_LABELS = {
    "complaint": "每件投诉举报（最多计3件）",
    "red_alert": "有红色预警",
    "repeated_alerts": "多次预警（3次及以上）",
    "violation": "有违法违规案件",
    "credit_points": "参建单位有信用记分",
    "credit_bad": "参建单位信用记分≥12分",
}


class WeightsForm(forms.Form):
    prefix = "weights"
    uniform_share = forms.DecimalField(
        label="纯随机抽取比例（0～1）", min_value=0, max_value=1, decimal_places=2
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        for k in DEFAULT_WEIGHTS:
            self.fields[k] = forms.FloatField(
                label=f"加权：{WEIGHT_LABELS[k]}", min_value=0, max_value=20
            )


class CommitForm(forms.Form):
    prefix = "commit"
    round_id = forms.TypedChoiceField(label="检查轮次", coerce=int)
    sample_size = forms.IntegerField(
        label="指定抽取数量（可不填，不低于最低比例）", required=False, min_value=1
    )

    def __init__(self, *args: Any, rounds: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["round_id"].choices = rounds  # type: ignore[attr-defined]


class VerifyForm(forms.Form):
    seed = forms.CharField(label="种子（可填入自行核对的种子）", max_length=64, required=False)
