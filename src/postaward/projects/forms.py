"""Forms of the project pages (they parse input; the services decide)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django import forms

from postaward.core import clock
from postaward.core.files import ACCEPT_ATTR, HELP_TEXT
from postaward.core.forms import BootstrapMixin as CoreBootstrapMixin
from postaward.core.forms import DateField
from postaward.orgs.choices import Industry

from .choices import (
    LIFECYCLE_ORDER,
    STAGED_POSITIONS,
    AbnormalAwardKind,
    BanReason,
    InterviewTopic,
    ParticipantRole,
    Position,
    ProcurementMethod,
    ProjectClass,
    ProjectStatus,
    SettlementRoute,
    SiteKind,
)
from .selectors import STAGE_GROUPS


class BootstrapMixin(CoreBootstrapMixin):
    """The core's widget classes, with radio buttons and check boxes as such."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            if isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                field.widget.attrs["class"] = "form-check-input"


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _file_field(
    label: str, *, required: bool = True, help_text: str = HELP_TEXT
) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR}),
    )


class MoneyField(forms.DecimalField):
    def __init__(self, **kw: Any) -> None:
        kw.setdefault("max_digits", 16)
        kw.setdefault("decimal_places", 2)
        kw.setdefault("min_value", Decimal("0.01"))
        # Text, not a number box: amounts are pasted with thousands separators.
        kw.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "单位：元"})
        )
        super().__init__(**kw)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.replace(",", "").replace("，", "").strip()
        return super().to_python(value)


class ProjectFilterForm(BootstrapMixin, forms.Form):
    compact = True
    q = forms.CharField(label="名称/编号", required=False)
    project_class = forms.ChoiceField(
        label="类别", required=False, choices=[("", "全部"), *ProjectClass.choices]
    )
    industry = forms.ChoiceField(
        label="行业", required=False, choices=[("", "全部"), *Industry.choices]
    )
    stage = forms.ChoiceField(
        label="阶段",
        required=False,
        choices=[
            ("", "全部"),
            *[(k, v[0]) for k, v in STAGE_GROUPS.items()],
            *[(s, ProjectStatus(s).label) for s in LIFECYCLE_ORDER],
        ],
    )
    region_name = forms.ChoiceField(label="区域", required=False, choices=[("", "全部")])
    owner = forms.CharField(label="建设单位", required=False)
    contractor = forms.CharField(label="施工单位", required=False)

    def __init__(self, *args: Any, regions: list[tuple[str, str]] | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["region_name"].choices = [("", "全部"), *(regions or [])]  # type: ignore[attr-defined]


class DirectProjectForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="项目名称", min_length=4, max_length=200)
    procurement_method = forms.ChoiceField(
        label="发包方式",
        choices=[
            (ProcurementMethod.DIRECT_AWARD, ProcurementMethod.DIRECT_AWARD.label),
            (ProcurementMethod.EMERGENCY, ProcurementMethod.EMERGENCY.label),
        ],
        help_text="招标项目由招投标系统推送生成，此处只录入直接发包和应急工程（R-PRJ-02）",
    )
    industry = forms.ChoiceField(label="行业", choices=Industry.choices)
    contract_amount = MoneyField(label="合同金额（元）")
    is_small_works = forms.BooleanField(
        label="限额以下小额工程",
        required=False,
        help_text="施工合同 400 万元以下；考勤只对施工、监理各 1 名执业人员（R-PRJ-09）",
    )
    super_large = forms.BooleanField(label="专业门类多、技术复杂的超大型工程", required=False)
    award_date = DateField(label="发包日期", required=False, widget=_date_widget())
    planned_start = DateField(label="计划开工", required=False, widget=_date_widget())
    planned_completion = DateField(label="计划完工", required=False, widget=_date_widget())
    site_address = forms.CharField(label="项目地址", required=False, max_length=200)
    owner_leader = forms.ChoiceField(label="项目负责人", required=False, choices=[])

    def __init__(self, *args: Any, leaders: list[tuple[int, str]] | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        if leaders is None:
            del self.fields["owner_leader"]
        else:
            self.fields["owner_leader"].choices = [("", "（稍后指定）"), *leaders]  # type: ignore[attr-defined]


class ProjectEditForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="项目名称", min_length=4, max_length=200)
    industry = forms.ChoiceField(label="行业", choices=Industry.choices)
    contract_amount = MoneyField(label="合同金额（元）")
    is_small_works = forms.BooleanField(label="限额以下小额工程", required=False)
    planned_start = DateField(label="计划开工", required=False, widget=_date_widget())
    planned_completion = DateField(label="计划完工", required=False, widget=_date_widget())
    site_address = forms.CharField(label="项目地址", required=False, max_length=200)
    region_name = forms.CharField(label="所在区域", required=False, max_length=60)


class SiteForm(BootstrapMixin, forms.Form):
    site_kind = forms.ChoiceField(
        label="场地类型", choices=SiteKind.choices, widget=forms.RadioSelect
    )
    lon = forms.FloatField(
        label="中心经度", required=False, widget=forms.NumberInput(attrs={"step": "0.000001"})
    )
    lat = forms.FloatField(
        label="中心纬度", required=False, widget=forms.NumberInput(attrs={"step": "0.000001"})
    )
    radius_m = forms.FloatField(
        label="半径（米）",
        required=False,
        min_value=20,
        max_value=5000,
        widget=forms.NumberInput(attrs={"step": "10"}),
    )
    polygon = forms.CharField(required=False, widget=forms.HiddenInput)
    address = forms.CharField(label="项目地址", required=False, max_length=200)
    crs = forms.CharField(widget=forms.HiddenInput, initial="wgs84")

    def clean_polygon(self) -> list[list[float]] | None:
        raw = self.cleaned_data.get("polygon") or ""
        if not raw:
            return None
        try:
            ring = json.loads(raw)
            return [[float(x), float(y)] for x, y in ring]
        except (ValueError, TypeError) as exc:
            raise forms.ValidationError("多边形顶点格式不正确") from exc


class TargetForm(BootstrapMixin, forms.Form):
    target = forms.ChoiceField(label="分配给", choices=[])

    def __init__(self, *args: Any, label: str, choices: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["target"].label = label
        self.fields["target"].choices = [("", "请选择"), *choices]  # type: ignore[attr-defined]


class ParticipantForm(BootstrapMixin, forms.Form):
    role = forms.ChoiceField(label="参建角色", choices=ParticipantRole.choices)
    organisation = forms.ChoiceField(label="单位", choices=[])
    contract_number = forms.CharField(label="合同编号", required=False, max_length=60)
    contract_amount = MoneyField(label="合同金额（元）", required=False)
    contract_signed_on = DateField(label="签订日期", required=False, widget=_date_widget())
    allows_subcontract = forms.BooleanField(label="合同允许分包（施工合同）", required=False)
    contract_file = _file_field(
        "合同文件", required=False, help_text=f"{HELP_TEXT}；开工前须上传（R-PRJ-03）"
    )

    def __init__(
        self, *args: Any, organisations: list[tuple[str, list[tuple[int, str]]]], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["organisation"].choices = [("", "请选择"), *organisations]  # type: ignore[attr-defined]


class ContractForm(BootstrapMixin, forms.Form):
    contract_number = forms.CharField(label="合同编号", max_length=60)
    contract_amount = MoneyField(label="合同金额（元）", required=False)
    contract_signed_on = DateField(label="签订日期", widget=_date_widget())
    allows_subcontract = forms.BooleanField(label="合同允许分包（施工合同）", required=False)
    contract_file = _file_field("合同文件")


class KeyPersonForm(BootstrapMixin, forms.Form):
    position = forms.ChoiceField(label="岗位", choices=Position.choices)
    person = forms.ChoiceField(label="人员", choices=[])
    certificate = forms.ChoiceField(label="岗位证书", required=False, choices=[])
    started_on = DateField(label="到岗日期", widget=_date_widget())
    must_check_in = forms.ChoiceField(
        label="是否考勤",
        choices=[("", "按规则默认"), ("1", "须考勤"), ("0", "不考勤")],
        required=False,
        help_text="限额以下小额工程施工、监理各只对 1 人考勤（R-PRJ-09）",
    )

    def __init__(
        self,
        *args: Any,
        people: list[tuple[str, list[tuple[int, str]]]],
        certificates: list[tuple[str, list[tuple[int, str]]]],
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["person"].choices = [("", "请选择"), *people]  # type: ignore[attr-defined]
        self.fields["certificate"].choices = [("", "（无）"), *certificates]  # type: ignore[attr-defined]
        self.fields["started_on"].initial = clock.today()


class StageForm(BootstrapMixin, forms.Form):
    position = forms.ChoiceField(
        label="岗位", choices=[(p, Position(p).label) for p in sorted(STAGED_POSITIONS)]
    )
    name = forms.CharField(
        label="施工阶段", max_length=60, help_text="如：基础施工、主体结构、安装工程"
    )
    starts_on = DateField(label="开始日期", widget=_date_widget())
    ends_on = DateField(label="结束日期", widget=_date_widget())


class EndAssignmentForm(BootstrapMixin, forms.Form):
    ended_on = DateField(label="离岗日期", widget=_date_widget())
    reason = forms.CharField(label="离岗原因", max_length=200)


class OnForm(BootstrapMixin, forms.Form):
    on = DateField(label="日期", widget=_date_widget())

    def __init__(self, *args: Any, label: str = "日期", **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["on"].label = label
        self.fields["on"].initial = clock.today()


class AcceptForm(OnForm):
    conclusion = forms.CharField(
        label="验收结论", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = _file_field("验收结论文件")


class SettlementForm(OnForm):
    amount = MoneyField(label="金额（元）")
    note = forms.CharField(label="说明", required=False, max_length=500)
    file = _file_field("结算资料", required=False)


ENTRUSTMENT_CHOICES = [("", "—"), ("yes", "是，已经同意"), ("no", "否，未经同意")]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class SettlementRouteFields(BootstrapMixin, forms.Form):
    """Who reviews the settlement (R-SET-02, ADR 0807); checked by the
    service, which names the field in its error."""

    route = forms.ChoiceField(
        label="结算审核方式",
        choices=[("", "请选择"), *SettlementRoute.choices],
        required=False,
    )
    intermediary = forms.CharField(
        label="审核中介机构",
        required=False,
        max_length=200,
        help_text="委托中介机构审核时填写",
    )
    entrustment_approved = forms.TypedChoiceField(
        label="委托经财政评审中心或审计部门同意",
        choices=ENTRUSTMENT_CHOICES,
        coerce=_yes_no,
        empty_value=None,
        required=False,
    )
    entrustment_ref = forms.CharField(
        label="同意委托文号", required=False, max_length=100, help_text="经同意委托时填写"
    )


class SettlementSubmitForm(SettlementRouteFields, SettlementForm):
    pass


class TerminateForm(OnForm):
    reason = forms.CharField(
        label="终止原因", widget=forms.Textarea(attrs={"rows": 4}), min_length=4
    )
    report = _file_field(
        "终止原因书面报告", help_text=f"建设单位盖章的书面报告（R-PRJ-06）；{HELP_TEXT}"
    )


class NoteForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label="说明", required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class RequiredNoteForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label="理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class SuspensionForm(BootstrapMixin, forms.Form):
    start_time = forms.TimeField(
        label="停工时间（今天）",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="停工须在停工当天申报，不能补报（R-PRJ-07，实施细则第三十五条）",
    )
    reason = forms.CharField(
        label="停工原因", min_length=4, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["start_time"].initial = clock.localtime().strftime("%H:%M")

    def started_at(self) -> dt.datetime:
        return dt.datetime.combine(
            clock.today(), self.cleaned_data["start_time"], tzinfo=clock.LOCAL_TZ
        )


class InterviewForm(BootstrapMixin, forms.Form):
    held_on = DateField(label="约谈日期", widget=_date_widget())
    location = forms.CharField(label="地点", required=False, max_length=200)
    topics = forms.MultipleChoiceField(
        label="提醒事项",
        choices=InterviewTopic.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=InterviewTopic.values,
        help_text="须涵盖全部事项（R-PRJ-11）",
    )
    notes = forms.CharField(
        label="约谈内容摘要", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    record = _file_field("签字记录")

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.attendee_fields = []
        for org_id, label in organisations:
            name = f"attendees_{org_id}"
            self.fields[name] = forms.CharField(
                label=f"{label}参加人员",
                required=False,
                help_text="姓名（职务），多人用顿号或逗号分隔",
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
            self.attendee_fields.append((org_id, name))
        self.fields["held_on"].initial = clock.today()

    def attendees(self) -> list[dict[str, Any]]:
        import re

        out = []
        for org_id, name in self.attendee_fields:
            for chunk in re.split(r"[、,，;；]", self.cleaned_data.get(name) or ""):
                chunk = chunk.strip()
                if not chunk:
                    continue
                m = re.fullmatch(r"(.+?)[（(](.+)[)）]", chunk)
                person, title = (m[1].strip(), m[2].strip()) if m else (chunk, "")
                out.append({"organisation_id": org_id, "name": person, "title": title})
        return out


class AbnormalForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="事件类型", choices=AbnormalAwardKind.choices)
    occurred_on = DateField(label="发生日期", widget=_date_widget())
    party_name = forms.CharField(
        label="相关单位", required=False, max_length=200, help_text="如弃标的中标人"
    )
    reason = forms.CharField(
        label="原因说明", min_length=4, widget=forms.Textarea(attrs={"rows": 3})
    )
    filing = _file_field("报备材料", required=False)


class ReviewForm(BootstrapMixin, forms.Form):
    valid_reason = forms.ChoiceField(
        label="审查结论",
        choices=[("1", "理由正当，予以备案"), ("0", "无正当理由，移交查处")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="审查意见", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SubcontractForm(BootstrapMixin, forms.Form):
    participant = forms.ChoiceField(label="施工单位", choices=[])
    subcontractor_name = forms.CharField(label="分包单位", max_length=200)
    subcontractor_uscc = forms.CharField(
        label="分包单位统一社会信用代码", max_length=18, min_length=18
    )
    scope = forms.CharField(
        label="分包内容", min_length=4, widget=forms.Textarea(attrs={"rows": 3})
    )
    amount = MoneyField(label="分包金额（元）", required=False)
    signed_on = DateField(label="签订日期", widget=_date_widget())
    file = _file_field("分包合同")

    def __init__(self, *args: Any, participants: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["participant"].choices = participants  # type: ignore[attr-defined]


class AgreementForm(BootstrapMixin, forms.Form):
    """补充协议 (R-INS-07): what it changes against the contract."""

    participant = forms.ChoiceField(label="所补充的施工合同", choices=[])
    number = forms.CharField(label="协议编号", max_length=60)
    signed_on = DateField(label="签订日期", widget=_date_widget())
    amount_change = forms.DecimalField(
        label="合同金额变化（元，减少填负数）",
        required=False,
        max_digits=16,
        decimal_places=2,
        initial=0,
    )
    duration_change_days = forms.IntegerField(
        label="工期变化（日历天，缩短填负数）",
        required=False,
        initial=0,
        min_value=-3650,
        max_value=3650,
    )
    scope_change = forms.CharField(
        label="工程范围（内容）变化",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    personnel_change = forms.CharField(
        label="关键岗位人员变化",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    file = _file_field("补充协议文件")

    def __init__(self, *args: Any, participants: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["participant"].choices = participants  # type: ignore[attr-defined]


class CompletionForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label="未纳入平台监管的原因", min_length=4, widget=forms.Textarea(attrs={"rows": 3})
    )
    application = _file_field("项目资料补全申请书")


class DecideForm(BootstrapMixin, forms.Form):
    approve = forms.ChoiceField(
        label="审批意见", choices=[("1", "同意补全"), ("0", "不同意")], widget=forms.RadioSelect
    )
    note = forms.CharField(label="说明", required=False, max_length=300)


class BackfillDatesForm(BootstrapMixin, forms.Form):
    actual_start = DateField(label="实际开工日期", widget=_date_widget())
    actual_completion = DateField(label="实际完工日期", required=False, widget=_date_widget())


class DocumentForm(BootstrapMixin, forms.Form):
    category = forms.ChoiceField(
        label="资料类别",
        choices=[
            ("management_rules", "管理制度"),
            ("start_report", "开工报告"),
            ("other", "其他资料"),
        ],
    )
    title = forms.CharField(label="资料名称", max_length=200)
    file = _file_field("文件")


class BanForm(BootstrapMixin, forms.Form):
    person = forms.ChoiceField(label="人员", choices=[])
    reason = forms.ChoiceField(label="原因", choices=BanReason.choices)
    position = forms.ChoiceField(
        label="岗位", required=False, choices=[("", "（因病变更：所有岗位）"), *Position.choices]
    )
    until = DateField(
        label="治疗恢复期至", required=False, widget=_date_widget(), help_text="因病变更必填"
    )
    note = forms.CharField(label="说明", required=False, max_length=300)

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["person"].choices = [("", "请选择"), *people]  # type: ignore[attr-defined]


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label="导入文件",
        help_text="OCDS 发布包（.json）或 CSV 模板（.csv，UTF-8 或 Excel 另存的 GBK）",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.csv,application/json,text/csv"}),
    )
