"""The page forms of the case steps (the API takes the same fields)."""

from __future__ import annotations

from typing import Any

from django import forms

from postaward.core import clock

from .choices import DeliveryMethod, LightMeasure, ReferralTarget, Source

T = {"rows": 3, "class": "form-control"}
C = {"class": "form-control"}
S = {"class": "form-select"}
D = {"type": "date", "class": "form-control"}


def _text(label: str, max_length: int = 2000, *, rows: bool = True, required: bool = True) -> Any:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.Textarea(attrs=T) if rows else forms.TextInput(attrs=C),
        error_messages={"required": f"请填写{label}"},
    )


class TeamForm(forms.Form):
    def __init__(self, *args: Any, people: Any = (), **kw: Any) -> None:
        super().__init__(*args, **kw)
        choices = list(people)
        self.fields["leader_id"] = forms.TypedChoiceField(
            label="组长（执法人员）",
            choices=[("", "请选择"), *choices],
            coerce=int,
            widget=forms.Select(attrs=S),
            error_messages={"required": "请选择组长"},
        )
        self.fields["member_ids"] = forms.TypedMultipleChoiceField(
            label="组员",
            choices=choices,
            coerce=int,
            required=False,
            widget=forms.SelectMultiple(attrs=S),
        )
        self.fields["specialist_ids"] = forms.TypedMultipleChoiceField(
            label="专业人员（复杂案件）",
            choices=choices,
            coerce=int,
            required=False,
            widget=forms.SelectMultiple(attrs=S),
        )


class ExtensionForm(forms.Form):
    days = forms.IntegerField(
        label="延长工作日",
        min_value=1,
        max_value=30,
        widget=forms.NumberInput(attrs=C),
        error_messages={"required": "请填写延长的工作日数"},
    )
    reason = _text("延期理由")


class NoteForm(forms.Form):
    note = _text("意见", required=False)


class RequiredNoteForm(forms.Form):
    note = _text("意见")


class ReportForm(forms.Form):
    report = _text("调查情况", 5000)
    proposal = _text("拟处理意见")


class OpinionForm(forms.Form):
    opinion = _text("审议意见")


class MeetingForm(forms.Form):
    held_on = forms.DateField(
        label="会审日期", widget=forms.DateInput(attrs=D), initial=clock.today
    )
    on_behalf = forms.BooleanField(label="副主任受主任委托召集", required=False)
    agenda = _text("议程")
    attendees = _text("参会人员", 1000)
    absences = _text("缺席人员", 1000, required=False)
    absence_approved_by = _text("缺席批准人（监管办主任）", 100, rows=False, required=False)
    minutes = _text("会议纪要", 5000)


class FinalReportForm(forms.Form):
    evidence_review = _text("证据复核意见")
    measure = _text("处罚（处理）措施", 300, rows=False)
    fine_yuan = forms.DecimalField(
        label="罚款（元）",
        min_value=0,
        max_digits=14,
        decimal_places=2,
        initial=0,
        widget=forms.NumberInput(attrs=C),
    )
    points = forms.IntegerField(
        label="信用量化记分",
        min_value=0,
        max_value=100,
        initial=0,
        widget=forms.NumberInput(attrs=C),
    )
    basis = _text("法律依据", 500, rows=False)


class DecideForm(forms.Form):
    waived = forms.BooleanField(label="当事人已书面放弃陈述、申辩和听证", required=False)
    defence = _text("陈述申辩及采纳情况", required=False)


class DeliverForm(forms.Form):
    method = forms.ChoiceField(
        label="送达方式", choices=DeliveryMethod.choices, widget=forms.Select(attrs=S)
    )
    delivered_on = forms.DateField(
        label="送达日期", widget=forms.DateInput(attrs=D), initial=clock.today
    )
    recipient = _text("受送达人", 200, rows=False, required=False)
    proof = forms.FileField(
        label="送达回证（PDF、JPG 或 PNG）", error_messages={"required": "请上传送达回证"}
    )


class FeedbackForm(forms.Form):
    recipients = _text("反馈对象（当事人及有关部门）", 300, rows=False)
    text = _text("反馈内容")


class LightForm(forms.Form):
    measure = forms.ChoiceField(
        label="处理方式", choices=LightMeasure.choices, widget=forms.Select(attrs=S)
    )
    note = _text("处理情况")
    points = forms.IntegerField(
        label="信用量化记分",
        min_value=0,
        max_value=100,
        initial=0,
        widget=forms.NumberInput(attrs=C),
    )


class ReferForm(forms.Form):
    def __init__(self, *args: Any, orgs: Any = (), **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["target"] = forms.ChoiceField(
            label="移送方向", choices=ReferralTarget.choices, widget=forms.Select(attrs=S)
        )
        self.fields["recipient_org_id"] = forms.TypedChoiceField(
            label="接收机关",
            choices=[("", "请选择"), *list(orgs)],
            coerce=int,
            widget=forms.Select(attrs=S),
            error_messages={"required": "请选择接收机关"},
        )
        self.fields["document_number"] = _text("移送函文号", 60, rows=False)
        self.fields["note"] = _text("移送理由")


class NewCaseForm(forms.Form):
    """登记案件 by hand or 上级交办."""

    def __init__(self, *args: Any, departments: Any = (), projects: Any = (), **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["source"] = forms.ChoiceField(
            label="案件来源",
            choices=[
                (s, label)
                for s, label in Source.choices
                if s in (Source.MANUAL, Source.ASSIGNED, Source.INSPECTION)
            ],
            widget=forms.Select(attrs=S),
        )
        self.fields["source_ref"] = _text("来源文号（交办函等）", 60, rows=False, required=False)
        self.fields["department_id"] = forms.TypedChoiceField(
            label="主管部门",
            choices=[("", "请选择"), *list(departments)],
            coerce=int,
            widget=forms.Select(attrs=S),
            error_messages={"required": "请选择主管部门"},
        )
        self.fields["project_id"] = forms.TypedChoiceField(
            label="项目（可选）",
            choices=[("", "—"), *list(projects)],
            coerce=int,
            required=False,
            empty_value=None,
            widget=forms.Select(attrs=S),
        )
        self.fields["title"] = _text("案由", 200, rows=False)
        self.fields["party_name"] = _text("当事人", 200, rows=False)
        self.fields["facts"] = _text("基本案情", 5000)
