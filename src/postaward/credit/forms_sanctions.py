"""The page form of the sanctions register (R-SCO-08)."""

from __future__ import annotations

from typing import Any

from django import forms

from postaward.core.actor import Actor
from postaward.orgs.choices import ENTERPRISE_KINDS
from postaward.orgs.models import Organisation
from postaward.projects.models import Project

from . import services_sanctions

T = {"class": "form-control form-control-sm", "rows": 3}
S = {"class": "form-select form-select-sm"}
N = {"class": "form-control form-control-sm"}
D = {"class": "form-control form-control-sm", "type": "date"}


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(label="处理措施", widget=forms.Select(attrs=S))
    project = forms.ModelChoiceField(
        label="项目",
        queryset=Project.objects.none(),
        required=False,
        widget=forms.Select(attrs=S),
        help_text="建设单位的合同措施须选择本单位建设的项目",
    )
    subject_org = forms.ModelChoiceField(
        label="被处理单位",
        queryset=Organisation.objects.none(),
        widget=forms.Select(attrs=S),
    )
    reason = forms.CharField(label="事实和理由", max_length=2000, widget=forms.Textarea(attrs=T))
    basis_document = forms.CharField(
        label="依据文件",
        max_length=200,
        widget=forms.TextInput(attrs=N),
        help_text="如《上虞区政府投资（国有建设）项目监督管理实施细则（试行）》、施工合同",
    )
    basis_article = forms.CharField(
        label="条款", max_length=100, widget=forms.TextInput(attrs=N), help_text="如第四十七条"
    )
    decided_on = forms.DateField(label="作出日期", widget=forms.DateInput(attrs=D))
    period_from = forms.DateField(label="期限自", required=False, widget=forms.DateInput(attrs=D))
    period_to = forms.DateField(
        label="期限至",
        required=False,
        widget=forms.DateInput(attrs=D),
        help_text="责令停业整顿必填：期间该企业禁止参与区内招投标",
    )
    amount_yuan = forms.DecimalField(
        label="金额（元）",
        required=False,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs=N),
        help_text="罚款、没收保证金、追缴违约金、赔偿损失的金额",
    )
    document_number = forms.CharField(
        label="文书编号", required=False, max_length=100, widget=forms.TextInput(attrs=N)
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = services_sanctions.measures_for(actor)  # type: ignore[attr-defined]
        projects = Project.objects.visible_to(actor).order_by("name")
        if services_sanctions.issuer_kind_of(actor) == "owner":
            projects = projects.filter(owner_id=actor.organisation_id)
        self.fields["project"].queryset = projects  # type: ignore[attr-defined]
        self.fields["subject_org"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind__in=ENTERPRISE_KINDS, path__startswith=actor.district_path
        ).order_by("name")
