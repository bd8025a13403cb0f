"""Page forms of the agents and experts part (R-SCO-05, R-SCO-06, R-SCO-09)."""

from __future__ import annotations

from typing import Any

from django import forms

from postaward.core.actor import Actor
from postaward.orgs.choices import OrgKind
from postaward.orgs.models import Organisation, Person
from postaward.projects.models import Project

from .models import AppraisalGrade, ExpertGrade, PoolState

T = {"class": "form-control form-control-sm", "rows": 3}
S = {"class": "form-select form-select-sm"}
N = {"class": "form-control form-control-sm"}
D = {"class": "form-control form-control-sm", "type": "date"}


def _agents(actor: Actor) -> Any:
    return Organisation.objects.filter(
        kind=OrgKind.TENDER_AGENT, path__startswith=actor.district_path
    ).order_by("name")


class DisclosureForm(forms.Form):
    staff_count = forms.IntegerField(
        label="专职从业人员（人）", min_value=0, widget=forms.NumberInput(attrs=N)
    )
    registered_count = forms.IntegerField(
        label="其中注册执业人员（人）", min_value=0, widget=forms.NumberInput(attrs=N)
    )
    qualifications = forms.CharField(
        label="资质情况", max_length=2000, widget=forms.Textarea(attrs=T)
    )
    internal_controls = forms.CharField(
        label="内控制度",
        max_length=5000,
        widget=forms.Textarea(attrs=T),
        help_text="如项目负责人制度、保密制度、档案管理制度等",
    )
    performance = forms.CharField(
        label="执业业绩", required=False, max_length=5000, widget=forms.Textarea(attrs=T)
    )


class AppraisalForm(forms.Form):
    agent = forms.ModelChoiceField(
        label="招标代理机构", queryset=Organisation.objects.none(), widget=forms.Select(attrs=S)
    )
    year = forms.IntegerField(label="考评年度", min_value=2000, widget=forms.NumberInput(attrs=N))
    grade = forms.ChoiceField(
        label="考评等次", choices=AppraisalGrade.choices, widget=forms.Select(attrs=S)
    )
    reasons = forms.CharField(
        label="考评理由",
        max_length=2000,
        widget=forms.Textarea(attrs=T),
        help_text="人员、执业、内控制度、检查处理处罚和信用记录等情况",
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = _agents(actor)  # type: ignore[attr-defined]


class ChoiceForm(forms.Form):
    project = forms.ModelChoiceField(
        label="项目", queryset=Project.objects.none(), widget=forms.Select(attrs=S)
    )
    tender = forms.CharField(
        label="标段（招标事项）", required=False, max_length=200, widget=forms.TextInput(attrs=N)
    )
    agent = forms.ModelChoiceField(
        label="选定的招标代理机构",
        queryset=Organisation.objects.none(),
        widget=forms.Select(attrs=S),
    )
    method = forms.CharField(
        label="选取方式",
        max_length=200,
        widget=forms.TextInput(attrs=N),
        help_text="如比选、竞争性谈判、随机抽取",
    )
    justification = forms.CharField(
        label="书面说明",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=T),
        help_text="选定的机构不在择优范围（最近一次年度考评优秀或良好）时必填，"
        "提交后报纪检监察机关备案",
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = (  # type: ignore[attr-defined]
            Project.objects.visible_to(actor)
            .filter(owner_id=actor.organisation_id)
            .order_by("name")
        )
        self.fields["agent"].queryset = _agents(actor)  # type: ignore[attr-defined]


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.organisation.name}）"


class PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.organisation.name}）"


class PoolForm(forms.Form):
    person = PersonChoice(
        label="人员",
        queryset=Person.objects.none(),
        widget=forms.Select(attrs=S),
        help_text="从人员库选择；行政机关、事业单位等公职人员不得入库",
    )
    specialty = forms.CharField(label="评标专业", max_length=100, widget=forms.TextInput(attrs=N))

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (  # type: ignore[attr-defined]
            Person.objects.filter(
                organisation__path__startswith=actor.district_path, is_active=True
            )
            .exclude(expert_pool__isnull=False)
            .select_related("organisation")
            .order_by("name")
        )


class EventForm(forms.Form):
    project = forms.ModelChoiceField(
        label="项目", queryset=Project.objects.none(), widget=forms.Select(attrs=S)
    )
    title = forms.CharField(label="招标事项", max_length=200, widget=forms.TextInput(attrs=N))
    held_on = forms.DateField(label="评标日期", widget=forms.DateInput(attrs=D))

    def __init__(self, *args: Any, actor: Actor, owner_only: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["experts"] = PeopleChoice(
            label="评标专家",
            queryset=Person.objects.filter(expert_pool__state=PoolState.ACTIVE).select_related(
                "organisation"
            ),
            widget=forms.SelectMultiple(attrs={**S, "size": 6}),
            help_text="评标专家库中在库的专家",
        )
        projects = Project.objects.visible_to(actor).order_by("name")
        if owner_only:
            projects = projects.filter(owner_id=actor.organisation_id)
        self.fields["project"].queryset = projects  # type: ignore[attr-defined]


class EvaluationForm(forms.Form):
    expert = forms.ModelChoiceField(
        label="评标专家", queryset=Person.objects.none(), widget=forms.Select(attrs=S)
    )
    grade = forms.ChoiceField(
        label="评价等级", choices=ExpertGrade.choices, widget=forms.Select(attrs=S)
    )
    reasons = forms.CharField(
        label="评价理由",
        max_length=2000,
        widget=forms.Textarea(attrs=T),
        help_text="评标是否公正、是否遵守保密规定等；评为C或D的报监管办暂停或取消评标资格",
    )

    def __init__(self, *args: Any, experts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = experts  # type: ignore[attr-defined]


__all__ = [
    "AppraisalForm",
    "ChoiceForm",
    "DisclosureForm",
    "EvaluationForm",
    "EventForm",
    "PoolForm",
]
