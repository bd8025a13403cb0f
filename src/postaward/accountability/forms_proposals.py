"""The page form of the proposals part (不良行为认定建议书, R-ACT-07)."""

from __future__ import annotations

from typing import Any

from django import forms

from postaward.core.actor import Actor
from postaward.orgs.models import Organisation, Person
from postaward.projects.models import Project

T = {"class": "form-control form-control-sm", "rows": 3}
S = {"class": "form-select form-select-sm"}
N = {"class": "form-control form-control-sm"}
D = {"class": "form-control form-control-sm", "type": "date"}


class ProposalForm(forms.Form):
    department = forms.ModelChoiceField(
        label="认定部门",
        queryset=Organisation.objects.none(),
        widget=forms.Select(attrs=S),
        help_text="对被建议单位有不良行为认定职责的行业主管部门",
    )
    unit = forms.ModelChoiceField(
        label="被建议单位", queryset=Organisation.objects.none(), widget=forms.Select(attrs=S)
    )
    project = forms.ModelChoiceField(
        label="项目", required=False, queryset=Project.objects.none(), widget=forms.Select(attrs=S)
    )
    persons = forms.ModelMultipleChoiceField(
        label="涉及人员",
        required=False,
        queryset=Person.objects.none(),
        widget=forms.SelectMultiple(attrs=S),
        help_text="须为被建议单位的人员",
    )
    conduct = forms.CharField(
        label="建议认定的不良行为",
        max_length=400,
        widget=forms.TextInput(attrs=N),
        help_text="如：项目负责人无故缺岗、转包违法分包、监理人员不到岗履职",
    )
    facts = forms.CharField(label="违法违规事实", max_length=4000, widget=forms.Textarea(attrs=T))
    evidence_note = forms.CharField(
        label="证据说明", required=False, max_length=2000, widget=forms.Textarea(attrs=T)
    )
    evidence = forms.FileField(
        label="证据材料",
        required=False,
        widget=forms.ClearableFileInput(attrs=N),
        help_text="PDF、JPG 或 PNG",
    )
    received_on = forms.DateField(
        label="认定部门收到日期",
        required=False,
        widget=forms.DateInput(attrs=D),
        help_text="不填为今天（平台送达之日）；认定期限自收到之日起算",
    )

    def __init__(self, *args: Any, actor: Actor, **kw: Any) -> None:
        from . import services_proposals as sp

        super().__init__(*args, **kw)
        self.fields["department"].queryset = sp.departments(actor)  # type: ignore[attr-defined]
        self.fields["unit"].queryset = sp.units(actor)  # type: ignore[attr-defined]
        self.fields["project"].queryset = (  # type: ignore[attr-defined]
            Project.objects.visible_to(actor).order_by("name")
        )
        self.fields["persons"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            organisation__in=sp.units(actor)
        ).order_by("organisation__name", "name")
