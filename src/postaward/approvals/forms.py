"""Forms of the approval pages (parse input only; the services decide)."""

from __future__ import annotations

from django import forms

from postaward.core.files import ACCEPT_ATTR, ACCEPT_IMAGES
from postaward.core.forms import DateField
from postaward.projects.forms import SettlementRouteFields

from .choices import ChangeCategory, InspectionAspect, InspectionResult, PersonnelReason

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"})
TEXT = forms.TextInput(attrs={"class": "form-control"})
AREA = forms.Textarea(attrs={"class": "form-control", "rows": 3})
SELECT = forms.Select(attrs={"class": "form-select"})
FILE = forms.ClearableFileInput(attrs={"class": "form-control", "accept": ACCEPT_ATTR})
# The phone opens its rear camera; app.js records the browser's time and
# position into the matching hidden ``<name>_capture`` field (ADR 0011).
PHOTO = forms.ClearableFileInput(
    attrs={
        "class": "form-control",
        "accept": ACCEPT_IMAGES,
        "capture": "environment",
        "data-capture": "1",
    }
)


def _capture_field() -> forms.CharField:
    return forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)


NUMBER = forms.NumberInput(attrs={"class": "form-control"})


class ChangeForm(forms.Form):
    project = forms.TypedChoiceField(label="项目", coerce=int, widget=SELECT)
    participant = forms.TypedChoiceField(label="变更合同（参建单位）", coerce=int, widget=SELECT)
    category = forms.ChoiceField(label="变更类别", choices=ChangeCategory.choices, widget=SELECT)
    title = forms.CharField(label="变更事项", max_length=200, widget=TEXT)
    reason = forms.CharField(label="变更原因", widget=AREA)
    scope = forms.CharField(label="变更内容", widget=AREA)
    cost_delta = forms.DecimalField(
        label="费用增减（元）",
        max_digits=16,
        decimal_places=2,
        widget=NUMBER,
        help_text="增加为正数，减少为负数",
    )
    days_delta = forms.IntegerField(label="工期增减（天）", widget=NUMBER, initial=0)
    work_date = DateField(
        label="变更工程计划实施日期",
        widget=DATE,
        help_text="原则上须在此日期前（含当日）完成审批，否则记为事后变更（R-CHG-01）",
    )
    declared_major = forms.BooleanField(label="涉及建设规模、标准或功能的重大调整", required=False)
    hidden_works = forms.TypedMultipleChoiceField(
        label="涉及的隐蔽工程",
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select"}),
    )
    hidden_exception_reason = forms.CharField(
        label="隐蔽工程变更例外理由（建设单位）", required=False, widget=AREA
    )
    file = forms.FileField(label="变更依据", required=False, widget=FILE)


class HiddenWorkForm(forms.Form):
    project = forms.TypedChoiceField(label="项目", coerce=int, widget=SELECT)
    part_name = forms.CharField(label="隐蔽部位", max_length=200, widget=TEXT)
    description = forms.CharField(label="隐蔽内容", widget=AREA)
    work_date = DateField(
        label="计划隐蔽施工日期",
        widget=DATE,
        help_text="须在施工前2天内申请：施工日前第2天或前1天（R-HID-01）",
    )
    is_important = forms.BooleanField(label="重要部位（建设单位须派员旁站）", required=False)


class OpinionForm(forms.Form):
    opinion = forms.CharField(label="意见", required=False, widget=AREA)


class NoteForm(forms.Form):
    note = forms.CharField(label="理由", widget=AREA)


class StandbyForm(forms.Form):
    opinion = forms.CharField(label="旁站验收意见", widget=AREA)
    photo_before = forms.FileField(label="施工前照片", required=False, widget=PHOTO)
    photo_after = forms.FileField(label="施工后照片", required=False, widget=PHOTO)
    photo_scale = forms.FileField(label="验收带标尺照片", required=False, widget=PHOTO)
    photo_before_capture = _capture_field()
    photo_after_capture = _capture_field()
    photo_scale_capture = _capture_field()


class PhotosForm(forms.Form):
    photo_before = forms.FileField(label="施工前照片", required=False, widget=PHOTO)
    photo_after = forms.FileField(label="施工后照片", required=False, widget=PHOTO)
    photo_scale = forms.FileField(label="验收带标尺照片", required=False, widget=PHOTO)
    photo_before_capture = _capture_field()
    photo_after_capture = _capture_field()
    photo_scale_capture = _capture_field()


class PersonnelForm(forms.Form):
    assignment = forms.TypedChoiceField(label="被变更岗位人员", coerce=int, widget=SELECT)
    replacement = forms.TypedChoiceField(label="替换人员", coerce=int, widget=SELECT)
    reason_kind = forms.ChoiceField(
        label="变更原因类别", choices=PersonnelReason.choices, widget=SELECT
    )
    reason = forms.CharField(label="变更原因", widget=AREA)
    recovery_until = DateField(label="治疗恢复期至（因病）", required=False, widget=DATE)
    hospital_certificate = forms.FileField(
        label="区级医院证明（因病）", required=False, widget=FILE
    )
    qualification_document = forms.FileField(label="替换人员资格资历证明", widget=FILE)
    social_insurance = forms.FileField(label="近3个月社保缴纳证明", widget=FILE)


class CompletePersonnelForm(forms.Form):
    approval_form = forms.FileField(label="人员变更审批表", widget=FILE)
    penalty_amount = forms.DecimalField(
        label="违约金（元）", max_digits=16, decimal_places=2, min_value=0, widget=NUMBER
    )
    penalty_note = forms.CharField(label="违约责任追究情况", required=False, widget=AREA)


class LogForm(forms.Form):
    project = forms.TypedChoiceField(label="项目", coerce=int, widget=SELECT)
    log_date = DateField(label="日期", widget=DATE)
    weather = forms.CharField(label="天气", required=False, max_length=40, widget=TEXT)
    progress = forms.CharField(label="施工进展", widget=AREA)
    issues = forms.CharField(label="质量安全问题及处理", required=False, widget=AREA)


class NoticeForm(forms.Form):
    project = forms.TypedChoiceField(label="项目", coerce=int, widget=SELECT)
    title = forms.CharField(label="事由", max_length=200, widget=TEXT)
    content = forms.CharField(label="问题及整改要求", widget=AREA)
    required_by = DateField(label="整改期限", widget=DATE)


class ReplyForm(forms.Form):
    reply = forms.CharField(label="整改回复", widget=AREA)
    evidence = forms.FileField(label="整改佐证", widget=FILE)


class ReopenForm(forms.Form):
    opinion = forms.CharField(label="复查意见", widget=AREA)
    required_by = DateField(label="新整改期限", widget=DATE)


class InspectionForm(forms.Form):
    project = forms.TypedChoiceField(label="项目", coerce=int, widget=SELECT)
    inspected_on = DateField(label="检查日期", widget=DATE)
    inspectors = forms.CharField(label="检查人员", max_length=200, widget=TEXT)
    aspects = forms.MultipleChoiceField(
        label="检查内容", choices=InspectionAspect.choices, widget=forms.CheckboxSelectMultiple
    )
    findings = forms.CharField(label="检查情况", widget=AREA)
    result = forms.ChoiceField(label="检查结论", choices=InspectionResult.choices, widget=SELECT)
    record = forms.FileField(label="检查记录", widget=FILE, required=False, help_text="可选")


def _score(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=0, max_value=100, widget=NUMBER, help_text="0-100 分"
    )


class EvaluationForm(forms.Form):
    """R-SUP-04: the owner's comprehensive evaluation of the contractor."""

    participant = forms.TypedChoiceField(label="施工单位", coerce=int, widget=SELECT)
    construction_score = _score("施工组织")
    management_score = _score("现场管理")
    quality_score = _score("工程质量")
    contract_score = _score("合同履约")
    comment = forms.CharField(label="评价意见", widget=AREA)


class AcceptanceForm(forms.Form):
    project = forms.TypedChoiceField(label="项目", coerce=int, widget=SELECT)
    completed_on = DateField(label="完工日期", widget=DATE, required=False)
    description = forms.CharField(label="完成情况", widget=AREA)


class ConcludeForm(forms.Form):
    passed = forms.TypedChoiceField(
        label="验收结论",
        coerce=lambda v: v == "1",
        choices=[("1", "合格"), ("0", "不合格")],
        widget=SELECT,
    )
    accepted_on = DateField(label="验收日期", widget=DATE)
    attendees = forms.CharField(label="参加验收单位及人员", widget=AREA)
    villager_representatives = forms.CharField(
        label="村民代表（村级自验必填，姓名以“、”分隔）", required=False, widget=TEXT
    )
    supervisor_attendee = forms.CharField(
        label="参加验收的监理人员（村级自验必填）", required=False, max_length=100, widget=TEXT
    )
    rectification_opinions = forms.CharField(label="整改意见", required=False, widget=AREA)
    conclusion = forms.CharField(label="验收结论意见", widget=AREA)
    document = forms.FileField(label="验收资料（结论及整改意见）", widget=FILE)


class ReturnForm(forms.Form):
    reason = forms.CharField(label="延期验收理由", widget=AREA)


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label="延长天数", min_value=1, max_value=365, widget=NUMBER)
    reason = forms.CharField(label="申请理由", widget=AREA)


class UsageForm(forms.Form):
    used_since = DateField(label="投入使用日期", widget=DATE)
    description = forms.CharField(label="使用情况", widget=AREA)
    industry_exception = forms.BooleanField(label="属行业特殊要求（例外）", required=False)
    exception_reason = forms.CharField(label="例外依据", required=False, widget=AREA)


class SettlementForm(SettlementRouteFields):
    on = DateField(label="送审日期", widget=DATE)
    amount = forms.DecimalField(
        label="送审金额（元）", max_digits=16, decimal_places=2, widget=NUMBER
    )


class PolicyForm(forms.Form):
    major_change_amount = forms.DecimalField(
        label="重大设计变更金额标准（元）", max_digits=16, decimal_places=2, widget=NUMBER
    )
    major_change_ratio = forms.DecimalField(
        label="重大设计变更比例标准（占合同金额%）", max_digits=5, decimal_places=2, widget=NUMBER
    )
    hidden_review_days = forms.IntegerField(
        label="隐蔽工程影像审核期限", min_value=1, max_value=30, widget=NUMBER
    )
    hidden_review_unit = forms.ChoiceField(
        label="期限单位",
        choices=[("working_days", "工作日"), ("calendar_days", "自然日")],
        widget=SELECT,
    )
