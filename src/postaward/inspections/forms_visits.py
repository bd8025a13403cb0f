"""The page forms of the visits part (the API takes the StrictIn schemas of
``steps_visits``; both reach the same services)."""

from __future__ import annotations

from typing import Any

from django import forms

from .models.visits import Disposition, InspectionKind, ItemResult, RectificationReply


class NoticeForm(forms.Form):
    notice = forms.CharField(
        label="检查通知（可选）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RecordForm(forms.Form):
    """One item's result on a phone: the photo is taken in the page
    (``capture=environment``); the browser fills position and time."""

    item_id = forms.TypedChoiceField(label="检查事项", coerce=int)
    result = forms.ChoiceField(label="检查结果", choices=ItemResult.choices)
    description = forms.CharField(
        label="检查情况 / 问题描述",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    subject_org_id = forms.TypedChoiceField(
        label="责任主体（发现问题时）", coerce=int, required=False, empty_value=None
    )
    photo = forms.FileField(
        label="现场照片或资料",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    document = forms.FileField(
        label="其他资料（PDF 或图片，可选）",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )
    lat = forms.CharField(label="拍摄位置（纬度）", required=False, widget=forms.HiddenInput)
    lon = forms.CharField(label="拍摄位置（经度）", required=False, widget=forms.HiddenInput)
    accuracy = forms.CharField(label="定位精度", required=False, widget=forms.HiddenInput)
    taken_at = forms.CharField(label="拍摄时间", required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, items: list[tuple[int, str]], subjects: list[tuple[int, str]], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["item_id"].choices = items  # type: ignore[attr-defined]
        self.fields["subject_org_id"].choices = [("", "—"), *subjects]  # type: ignore[attr-defined]
        # in-page capture on a phone: the rear camera
        self.fields["photo"].widget.attrs.update({"accept": "image/*", "capture": "environment"})


class DisposeForm(forms.Form):
    finding_id = forms.TypedChoiceField(label="发现的问题", coerce=int)
    disposition = forms.ChoiceField(label="处理方式", choices=Disposition.choices)
    first_minor = forms.BooleanField(label="首次轻微违法", required=False)
    social_harm = forms.BooleanField(label="已造成社会危害", required=False)
    note = forms.CharField(
        label="处理意见 / 整改要求", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    days = forms.IntegerField(
        label="整改期限（工作日，责令整改时）", required=False, min_value=1, max_value=60
    )
    transfer_org_id = forms.TypedChoiceField(
        label="接收机关（移送时）", coerce=int, required=False, empty_value=None
    )
    transfer_document = forms.CharField(label="移送函文号（移送时）", required=False, max_length=60)

    def __init__(
        self, *args: Any, findings: list[tuple[int, str]], orgs: list[tuple[int, str]], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["finding_id"].choices = findings  # type: ignore[attr-defined]
        self.fields["transfer_org_id"].choices = [("", "—"), *orgs]  # type: ignore[attr-defined]


class ReportForm(forms.Form):
    report = forms.CharField(
        label="检查情况报告", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label="审签意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PublishForm(forms.Form):
    summary = forms.CharField(
        label="公开的检查结果（已隐去个人信息；涉及商业秘密的内容请删去）",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="整改情况", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(label="整改材料（PDF、JPG 或 PNG）", required=False)


class VerifyForm(forms.Form):
    verdict = forms.ChoiceField(label="核查结论", choices=RectificationReply.Verdict.choices)
    note = forms.CharField(
        label="核查意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    days = forms.IntegerField(
        label="重新整改期限（工作日，未整改到位时）", required=False, min_value=1, max_value=60
    )


class NewInspectionForm(forms.Form):
    """登记检查 by hand: items typed one per line or picked from common items."""

    project_id = forms.TypedChoiceField(label="检查项目", coerce=int)
    department_id = forms.TypedChoiceField(label="检查部门", coerce=int)
    inspector_ids = forms.TypedMultipleChoiceField(
        label="检查人员（持执法证，至少2名）", coerce=int, widget=forms.CheckboxSelectMultiple
    )
    common_items = forms.MultipleChoiceField(
        label="检查事项（本年度监管工作清单及常用事项）",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    items_text = forms.CharField(
        label="其他检查事项（每行一项：事项｜依据｜方式）",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    period_start = forms.DateField(
        label="检查期间自", widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(label="检查期间至", widget=forms.DateInput(attrs={"type": "date"}))
    announced = forms.TypedChoiceField(
        label="通知方式",
        choices=[("1", "事先通知"), ("0", "不打招呼（不事先通知）")],
        coerce=lambda v: v == "1",
    )
    kind = forms.ChoiceField(label="检查类型", choices=InspectionKind.choices)
    source_ref = forms.CharField(label="检查计划或任务文号（可选）", required=False, max_length=60)

    def __init__(
        self,
        *args: Any,
        projects: list[tuple[int, str]],
        departments: list[tuple[int, str]],
        inspectors: list[tuple[int, str]],
        common: list[tuple[str, str]],
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["project_id"].choices = projects  # type: ignore[attr-defined]
        self.fields["department_id"].choices = departments  # type: ignore[attr-defined]
        self.fields["inspector_ids"].choices = inspectors  # type: ignore[attr-defined]
        self.fields["common_items"].choices = common  # type: ignore[attr-defined]


class MergeForm(forms.Form):
    lead_id = forms.TypedChoiceField(label="牵头检查（牵头部门）", coerce=int)
    other_ids = forms.TypedMultipleChoiceField(
        label="并入的检查", coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["lead_id"].choices = choices  # type: ignore[attr-defined]
        self.fields["other_ids"].choices = choices  # type: ignore[attr-defined]
