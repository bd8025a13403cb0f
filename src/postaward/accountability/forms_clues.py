"""The page forms of the clues part (R-ACT-01, R-ACT-02)."""

from __future__ import annotations

from typing import Any

from django import forms

from postaward.core.actor import Actor
from postaward.orgs.models import Organisation, Person
from postaward.projects.models import Project

from .choices import Party
from .models import AccountableAct
from .services_clues import PEOPLE_SOURCES

T = {"class": "form-control form-control-sm", "rows": 3}
S = {"class": "form-select form-select-sm"}
N = {"class": "form-control form-control-sm"}
D = {"class": "form-control form-control-sm", "type": "date"}


class ClueForm(forms.Form):
    source = forms.ChoiceField(
        label="线索来源",
        choices=[(s.value, s.label) for s in PEOPLE_SOURCES],
        widget=forms.Select(attrs=S),
    )
    source_detail = forms.CharField(
        label="来源说明",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs=N),
        help_text="如举报件编号、检查通报名称、批示文号、媒体名称",
    )
    unit = forms.ModelChoiceField(
        label="涉及单位", queryset=Organisation.objects.none(), widget=forms.Select(attrs=S)
    )
    act = forms.ModelChoiceField(
        label="问责情形",
        queryset=AccountableAct.objects.none(),
        widget=forms.Select(attrs=S),
        help_text="建设单位适用问责办法第五条，监管部门适用第六条",
    )
    persons = forms.ModelMultipleChoiceField(
        label="涉及人员",
        required=False,
        queryset=Person.objects.none(),
        widget=forms.SelectMultiple(attrs=S),
        help_text="须为涉及单位的人员；不在平台上的人员填在下一栏",
    )
    persons_text = forms.CharField(
        label="涉及人员（其他）", required=False, max_length=300, widget=forms.TextInput(attrs=N)
    )
    project = forms.ModelChoiceField(
        label="项目", required=False, queryset=Project.objects.none(), widget=forms.Select(attrs=S)
    )
    facts = forms.CharField(label="问题事实", max_length=4000, widget=forms.Textarea(attrs=T))
    occurred_on = forms.DateField(
        label="行为发生日期", required=False, widget=forms.DateInput(attrs=D)
    )
    evidence_note = forms.CharField(
        label="证据说明", required=False, max_length=2000, widget=forms.Textarea(attrs=T)
    )
    evidence = forms.FileField(
        label="证据材料",
        required=False,
        widget=forms.ClearableFileInput(attrs=N),
        help_text="PDF、JPG 或 PNG",
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        from .services_catalogue import DEPARTMENT_KINDS, current_acts

        super().__init__(*args, **kwargs)
        from postaward.orgs.choices import OWNER_KINDS

        units = Organisation.objects.filter(
            path__startswith=actor.district_path,
            kind__in=[*OWNER_KINDS, *DEPARTMENT_KINDS],
        ).order_by("path")
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        acts = current_acts(actor.organisation_id).order_by("party", "pk")
        self.fields["act"].queryset = acts  # type: ignore[attr-defined]
        self.fields["act"].label_from_instance = lambda a: (  # type: ignore[attr-defined]
            f"{a.get_party_display()} {a.article} {a.title}"
        )
        self.fields["persons"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            organisation__in=units
        ).order_by("organisation__path", "name")
        self.fields["project"].queryset = (  # type: ignore[attr-defined]
            Project.objects.visible_to(actor).order_by("name")
        )


class ActForm(forms.Form):
    title = forms.CharField(label="问责情形", max_length=200, widget=forms.TextInput(attrs=N))
    text = forms.CharField(label="条文", max_length=2000, widget=forms.Textarea(attrs=T))
    active = forms.BooleanField(label="启用", required=False, initial=True)
    note = forms.CharField(
        label="修订说明",
        max_length=500,
        widget=forms.TextInput(attrs=N),
        help_text="如依据的文件修订",
    )


class NewActForm(forms.Form):
    party = forms.ChoiceField(label="适用对象", choices=Party.choices, widget=forms.Select(attrs=S))
    article = forms.CharField(
        label="条款",
        max_length=100,
        widget=forms.TextInput(attrs=N),
        help_text="如第五条第（十二）项",
    )
    title = forms.CharField(label="问责情形", max_length=200, widget=forms.TextInput(attrs=N))
    text = forms.CharField(label="条文", max_length=2000, widget=forms.Textarea(attrs=T))
    note = forms.CharField(
        label="说明", required=False, max_length=500, widget=forms.TextInput(attrs=N)
    )
