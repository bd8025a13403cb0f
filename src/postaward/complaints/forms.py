"""Forms of the complaint pages (input parsing only; the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms

from postaward.core.forms import MultipleFileField

from .choices import Channel, FilerStanding, Kind, Outcome, RejectReason

W = {"class": "form-control form-control-sm"}
T = {"class": "form-control form-control-sm", "rows": 3}
S = {"class": "form-select form-select-sm"}


class AcceptForm(forms.Form):
    note = forms.CharField(
        label="受理意见（会商情况）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=T),
    )


class RejectForm(forms.Form):
    reasons = forms.MultipleChoiceField(
        label="不予受理理由",
        choices=RejectReason.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请选择不予受理的理由", "invalid_choice": "理由不在可选范围内"},
    )
    note = forms.CharField(
        label="说明",
        max_length=2000,
        widget=forms.Textarea(attrs=T),
        error_messages={"required": "请填写不予受理的说明"},
    )


class TransferForm(forms.Form):
    handling_org_id = forms.TypedChoiceField(
        label="承办单位",
        coerce=int,
        widget=forms.Select(attrs=S),
        error_messages={"required": "请选择承办单位", "invalid_choice": "请选择承办单位"},
    )
    handling_days = forms.IntegerField(
        label="承办期限（工作日）",
        min_value=1,
        max_value=15,
        initial=5,
        widget=forms.NumberInput(attrs=W),
        error_messages={
            "required": "请填写承办期限",
            "min_value": "承办期限至少 1 个工作日",
            "max_value": "承办期限最多 15 个工作日",
            "invalid": "请填写整数",
        },
    )
    handler_id = forms.TypedChoiceField(
        label="经办人（可选）",
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs=S),
    )
    share_identity = forms.BooleanField(
        label="向经办人提供投诉人身份（不得提供给被投诉单位）", required=False
    )
    note = forms.CharField(
        label="转办要求",
        max_length=2000,
        widget=forms.Textarea(attrs=T),
        error_messages={"required": "请填写转办要求"},
    )

    def __init__(self, *args: Any, orgs: Any = (), handlers: Any = (), **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["handling_org_id"].choices = [("", "请选择"), *orgs]  # type: ignore[attr-defined]
        self.fields["handler_id"].choices = [("", "不指定"), *handlers]  # type: ignore[attr-defined]


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label="办理情况",
        max_length=5000,
        widget=forms.Textarea(attrs=T),
        error_messages={"required": "请填写办理情况"},
    )
    evidence = MultipleFileField(
        label="证明材料（PDF、JPG 或 PNG，可多选，最多 5 份；仅监管办和本单位可见）",
        required=False,
    )


SPLIT_ROWS = 6  # at most this many units in one split (services.parts.MAX_PARTS)
ROW_NAMES = "一二三四五六"


class SplitForm(forms.Form):
    """分办: one row per unit (承办单位, 分办事项, 承办期限, 经办人, 身份); the
    first two rows are always shown, the others opened on the page as needed.
    ``cleaned_data`` is ``{"parts": [...]}``, the rows with a unit chosen."""

    def __init__(self, *args: Any, orgs: Any = (), handlers: Any = (), **kw: Any) -> None:
        super().__init__(*args, **kw)
        for i in range(SPLIT_ROWS):
            n = f"（{ROW_NAMES[i]}）"
            self.fields[f"p{i}_handling_org_id"] = forms.TypedChoiceField(
                label=f"承办单位{n}",
                coerce=int,
                required=False,
                empty_value=None,
                choices=[("", "请选择"), *orgs],
                widget=forms.Select(attrs=S),
                error_messages={"invalid_choice": "请选择承办单位"},
            )
            self.fields[f"p{i}_part"] = forms.CharField(
                label=f"分办事项{n}",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={**T, "rows": 2}),
            )
            self.fields[f"p{i}_handling_days"] = forms.IntegerField(
                label=f"承办期限（工作日）{n}",
                required=False,
                min_value=1,
                max_value=15,
                initial=5,
                widget=forms.NumberInput(attrs=W),
                error_messages={
                    "min_value": "承办期限至少 1 个工作日",
                    "max_value": "承办期限最多 15 个工作日",
                    "invalid": "请填写整数",
                },
            )
            self.fields[f"p{i}_handler_id"] = forms.TypedChoiceField(
                label=f"经办人（可选）{n}",
                coerce=int,
                required=False,
                empty_value=None,
                choices=[("", "不指定"), *handlers],
                widget=forms.Select(attrs=S),
            )
            self.fields[f"p{i}_share_identity"] = forms.BooleanField(
                label=f"向经办人提供投诉人身份{n}", required=False
            )

    def rows(self) -> list[list[Any]]:
        """The bound fields per unit, for the page."""
        names = ("handling_org_id", "part", "handling_days", "handler_id", "share_identity")
        return [[self[f"p{i}_{n}"] for n in names] for i in range(SPLIT_ROWS)]

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        parts = []
        for i in range(SPLIT_ROWS):
            org = d.get(f"p{i}_handling_org_id")
            if org is None:
                if (d.get(f"p{i}_part") or "").strip():
                    self.add_error(f"p{i}_handling_org_id", "请选择承办单位")
                continue
            parts.append(
                {
                    "handling_org_id": org,
                    "part": d.get(f"p{i}_part") or "",
                    "handling_days": d.get(f"p{i}_handling_days") or 0,
                    "handler_id": d.get(f"p{i}_handler_id"),
                    "share_identity": bool(d.get(f"p{i}_share_identity")),
                }
            )
        return {"parts": parts}


class NoteForm(forms.Form):
    note = forms.CharField(
        label="审核意见", required=False, max_length=2000, widget=forms.Textarea(attrs=T)
    )


class SendBackForm(forms.Form):
    note = forms.CharField(
        label="退回理由",
        max_length=2000,
        widget=forms.Textarea(attrs=T),
        error_messages={"required": "请填写退回理由"},
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="核查结论",
        choices=[("", "请选择"), *Outcome.choices],
        widget=forms.Select(attrs=S),
        error_messages={"required": "请选择核查结论", "invalid_choice": "请选择核查结论"},
    )
    answer = forms.CharField(
        label="答复投诉人（举报人）",
        max_length=5000,
        widget=forms.Textarea(attrs=T),
        error_messages={"required": "请填写答复内容"},
    )


class RevealForm(forms.Form):
    reason = forms.CharField(
        label="查看理由",
        max_length=200,
        widget=forms.TextInput(attrs=W),
        error_messages={"required": "请填写查看理由"},
    )


_REQUIRED = {"required": "此项为必填项"}


class FilingForm(forms.Form):
    """The filing form (public window and staff intake)."""

    kind = forms.ChoiceField(
        label="类别",
        choices=Kind.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择投诉或举报", "invalid_choice": "请选择投诉或举报"},
    )
    standing = forms.ChoiceField(
        label="您的身份",
        required=False,
        choices=FilerStanding.choices,
        initial=FilerStanding.PUBLIC,
        widget=forms.Select(attrs=S),
        error_messages={"invalid_choice": "请选择您的身份"},
    )
    project = forms.CharField(
        label="项目名称或编号", required=False, max_length=200, widget=forms.TextInput(attrs=W)
    )
    subject_text = forms.CharField(
        label="被投诉（举报）单位或个人",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=W),
    )
    facts = forms.CharField(
        label="事实和理由", required=False, max_length=5000, widget=forms.Textarea(attrs=T)
    )
    requests = forms.CharField(
        label="投诉请求", required=False, max_length=2000, widget=forms.Textarea(attrs=T)
    )
    concerns_officials = forms.BooleanField(label="涉及公职人员或党员", required=False)
    anonymous = forms.BooleanField(label="匿名举报（仅举报可匿名）", required=False)
    name = forms.CharField(
        label="姓名", required=False, max_length=60, widget=forms.TextInput(attrs=W)
    )
    id_number = forms.CharField(
        label="身份证号码", required=False, max_length=30, widget=forms.TextInput(attrs=W)
    )
    mobile = forms.CharField(
        label="手机号码", required=False, max_length=20, widget=forms.TextInput(attrs=W)
    )
    contact = forms.CharField(
        label="其他联系方式", required=False, max_length=200, widget=forms.TextInput(attrs=W)
    )
    evidence = forms.FileField(
        label="证据材料（PDF、JPG 或 PNG）",
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control form-control-sm"}),
    )


class IntakeForm(FilingForm):
    """Staff intake adds the channel (letters, visits, the hotline …)."""

    channel = forms.ChoiceField(
        label="来源渠道",
        choices=Channel.choices,
        widget=forms.Select(attrs=S),
        error_messages={"invalid_choice": "请选择来源渠道"},
    )


class TrackForm(forms.Form):
    number = forms.CharField(
        label="收件编号",
        max_length=20,
        widget=forms.TextInput(attrs=W),
        error_messages=_REQUIRED,
    )
    code = forms.CharField(
        label="查询码", max_length=20, widget=forms.TextInput(attrs=W), error_messages=_REQUIRED
    )


class StatsForm(forms.Form):
    """The filters of the statistics page (year, month range, kind)."""

    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs=W),
        error_messages={
            "min_value": "年度不正确",
            "max_value": "年度不正确",
            "invalid": "年度不正确",
        },
    )
    month_from = forms.TypedChoiceField(
        label="起始月份",
        coerce=int,
        choices=[(m, f"{m}月") for m in range(1, 13)],
        initial=1,
        widget=forms.Select(attrs=S),
        error_messages={"invalid_choice": "起始月份应为 1 至 12"},
    )
    month_to = forms.TypedChoiceField(
        label="截止月份",
        coerce=int,
        choices=[(m, f"{m}月") for m in range(1, 13)],
        initial=12,
        widget=forms.Select(attrs=S),
        error_messages={"invalid_choice": "截止月份应为 1 至 12"},
    )
    kind = forms.ChoiceField(
        label="类别",
        required=False,
        choices=[("", "全部"), *Kind.choices],
        widget=forms.Select(attrs=S),
        error_messages={"invalid_choice": "类别不正确"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lo, hi = data.get("month_from"), data.get("month_to")
        if lo and hi and lo > hi:
            self.add_error("month_to", "起始月份不能晚于截止月份")
        return data


class ReferForm(forms.Form):
    """移送 (ADR 0515): the direction is offered with the bodies of the district;
    discipline inspection is suggested when the filing concerns officials."""

    target = forms.ChoiceField(
        label="移送方向",
        widget=forms.Select(attrs=S),
        error_messages={"required": "请选择移送方向", "invalid_choice": "请选择移送方向"},
    )
    recipient_org_id = forms.TypedChoiceField(
        label="接收机关",
        coerce=int,
        widget=forms.Select(attrs=S),
        error_messages={"required": "请选择接收机关", "invalid_choice": "请选择接收机关"},
    )
    document_number = forms.CharField(
        label="移送函文号",
        max_length=60,
        widget=forms.TextInput(attrs=W),
        error_messages={"required": "请填写移送函文号"},
    )
    note = forms.CharField(
        label="移送理由（事实摘要，不含投诉人身份）",
        max_length=2000,
        widget=forms.Textarea(attrs=T),
        error_messages={"required": "请填写移送理由"},
    )

    def __init__(
        self, *args: Any, targets: Any = (), orgs: Any = (), initial_target: str = "", **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["target"].choices = [("", "请选择"), *targets]  # type: ignore[attr-defined]
        self.fields["target"].initial = initial_target
        self.fields["recipient_org_id"].choices = [("", "请选择"), *orgs]  # type: ignore[attr-defined]


class ReportHeadForm(forms.Form):
    reported_to = forms.CharField(
        label="呈报对象（监管办负责人）",
        max_length=100,
        widget=forms.TextInput(attrs=W),
        error_messages={"required": "请填写呈报对象"},
    )
    reported_on = forms.DateField(
        label="呈报日期",
        widget=forms.DateInput(attrs={**W, "type": "date"}),
        error_messages={"required": "请填写呈报日期", "invalid": "日期格式不正确"},
    )
    instruction = forms.CharField(
        label="领导批示",
        max_length=2000,
        widget=forms.Textarea(attrs=T),
        error_messages={"required": "请填写领导批示"},
    )


class ConsultForm(forms.Form):
    consulted_on = forms.DateField(
        label="会商日期",
        widget=forms.DateInput(attrs={**W, "type": "date"}),
        error_messages={"required": "请填写会商日期", "invalid": "日期格式不正确"},
    )
    participants = forms.CharField(
        label="会商参加人员",
        max_length=300,
        widget=forms.TextInput(attrs=W),
        error_messages={"required": "请填写会商参加人员"},
    )
    opinion = forms.CharField(
        label="会商意见",
        max_length=2000,
        widget=forms.Textarea(attrs=T),
        error_messages={"required": "请填写会商意见"},
    )


class OpenCaseForm(forms.Form):
    title = forms.CharField(
        label="案由",
        max_length=200,
        widget=forms.TextInput(attrs=W),
        error_messages={"required": "请填写案由"},
    )
