"""The handling steps of an interference record (R-ACT-06; QZ 11; ADR 0820).

Recording and adding are not steps (``services_interference.record`` /
``record_public`` / ``add``): the content never changes. The page and the API
(``GET/POST /api/v1/accountability/interference/{interference_id}/steps[/{name}]``)
and the generated authorization tests read this list."""

from __future__ import annotations

from typing import Any

from django import forms as dj_forms
from django.urls import reverse
from pydantic import Field

from postaward.core import steps
from postaward.core.actor import Actor
from postaward.core.api_base import StrictIn
from postaward.core.types import StrictId

from . import services_interference as svc
from .choices import Party
from .choices_interference import RecordState
from .models import InterferenceRecord, snapshot_record

WF = "accountability.interference"
T = {"class": "form-control form-control-sm", "rows": 2}
S = {"class": "form-select form-select-sm"}


def _office(r: InterferenceRecord, actor: Actor) -> bool:
    return actor.is_system or svc.may_handle(actor, r)


def _discipline(r: InterferenceRecord, actor: Actor) -> bool:
    return svc.is_discipline(actor, r)


class InterferenceFileIn(StrictIn):
    note: str = Field("", max_length=500, description="阅处意见")


class FileForm(dj_forms.Form):
    note = dj_forms.CharField(
        label="阅处意见", required=False, max_length=500, widget=dj_forms.Textarea(attrs=T)
    )


class InterferenceReferIn(StrictIn):
    reason: str = Field(max_length=500, description="移送理由")


class ReferForm(dj_forms.Form):
    reason = dj_forms.CharField(
        label="移送理由",
        max_length=500,
        widget=dj_forms.Textarea(attrs=T),
        help_text="涉嫌违规插手干预的，按程序向纪检监察机关移送问题线索",
    )


class InterferenceClueIn(StrictIn):
    party: Party = Field(description="问责对象类别（建设单位或监管部门）")
    unit_id: StrictId = Field(description="涉及单位")
    facts: str = Field(max_length=2000, description="问题事实")


def _clue_form(obj: Any, actor: Actor, data: Any, files: Any) -> Any:
    class ClueForm(dj_forms.Form):
        party = dj_forms.ChoiceField(
            label="问责对象类别", choices=Party.choices, widget=dj_forms.Select(attrs=S)
        )
        unit_id = dj_forms.ModelChoiceField(
            label="涉及单位",
            queryset=svc.clue_units(obj.office),
            widget=dj_forms.Select(attrs=S),
        )
        facts = dj_forms.CharField(
            label="问题事实",
            max_length=2000,
            widget=dj_forms.Textarea(attrs={**T, "rows": 3}),
            initial=obj.request_text,
        )

        def clean_unit_id(self) -> int:
            return int(self.cleaned_data["unit_id"].pk)

    auto_id = "id_raise_clue-%s"
    return ClueForm(data, auto_id=auto_id) if data is not None else ClueForm(auto_id=auto_id)


def _no_clue(r: InterferenceRecord, actor: Actor) -> bool:
    return r is None or r.clue_id is None


def _not_read(r: InterferenceRecord, actor: Actor) -> bool:
    return r is None or r.discipline_read_at is None


def _file(*, actor: Actor, obj: InterferenceRecord, **data: Any) -> Any:
    return svc.file_record(actor=actor, obj=obj, **data)


def _refer(*, actor: Actor, obj: InterferenceRecord, **data: Any) -> Any:
    return svc.refer(actor=actor, obj=obj, **data)


def _ack(*, actor: Actor, obj: InterferenceRecord, **data: Any) -> Any:
    return svc.acknowledge(actor=actor, obj=obj)


def _clue(*, actor: Actor, obj: InterferenceRecord, **data: Any) -> Any:
    return svc.raise_clue(actor=actor, obj=obj, **data)


def _render(request: Any, r: InterferenceRecord, *, bound: Any = None, status: int = 200) -> Any:
    from .views_interference import render_detail

    return render_detail(request, r, bound=bound, status=status)


def _answer(request: Any, r: InterferenceRecord) -> Any:
    from .api_interference import record_out

    return record_out(r)


RECORD = steps.Workflow(
    key=WF,
    model=InterferenceRecord,
    label="插手干预登记",
    load=svc.load,
    queryset=lambda: InterferenceRecord.objects.select_related("office", "project"),
    snapshot=snapshot_record,
    detail_url=lambda r: reverse("accountability_interference_detail", args=[r.pk]),
    render_page=_render,
    answer=_answer,
    page_url_name="accountability_interference_step",
)

FILE = steps.Step(
    WF,
    "file",
    "阅处存档",
    who=_office,
    who_label="监管办",
    sources=(RecordState.SUBMITTED,),
    target=RecordState.FILED,
    service=_file,
    schema=InterferenceFileIn,
    form=FileForm,
    basis="R-ACT-06",
    action="accountability.interference_filed",
    success="已阅处存档",
    style="outline-primary",
)

REFER = steps.Step(
    WF,
    "refer",
    "移送纪检监察机关",
    who=_office,
    who_label="监管办",
    sources=(RecordState.SUBMITTED, RecordState.FILED),
    target=RecordState.REFERRED,
    service=_refer,
    schema=InterferenceReferIn,
    form=ReferForm,
    basis="R-ACT-06",
    event="accountability.referred",
    action="accountability.interference_referred",
    success="已移送纪检监察机关",
    style="outline-danger",
)

RAISE_CLUE = steps.Step(
    WF,
    "raise_clue",
    "转为问责线索",
    who=_office,
    who_label="监管办",
    sources=(RecordState.SUBMITTED, RecordState.FILED, RecordState.REFERRED),
    guards=(steps.Guard(_no_clue, "已据此登记问责线索", code="clue_exists"),),
    service=_clue,
    schema=InterferenceClueIn,
    form_factory=_clue_form,
    basis="R-ACT-02",
    action="accountability.interference_clue_raised",
    success="已登记问责线索",
    style="outline-secondary",
)

REFER_ON_SUBMISSION = steps.Step(
    WF,
    "refer_on_submission",
    "登记即移送纪检监察机关",
    who=lambda r, a: a.is_system,
    who_label="平台",
    sources=(RecordState.SUBMITTED,),
    target=RecordState.REFERRED,
    guards=(
        steps.Guard(lambda r, a: r is None or r.concerns_officials, "登记未注明涉及党员或公职人员"),
    ),
    system=True,
    basis="R-ACT-06",
    event="accountability.referred",
    action="accountability.interference_referred",
)

ACKNOWLEDGE = steps.Step(
    WF,
    "acknowledge",
    "阅知",
    who=_discipline,
    who_label="纪检监察机关",
    sources=(RecordState.SUBMITTED, RecordState.FILED, RecordState.REFERRED),
    guards=(steps.Guard(_not_read, "纪检监察机关已阅知", code="already_read"),),
    service=_ack,
    basis="R-ACT-06",
    action="accountability.interference_acknowledged",
    success="已阅知",
)


def register() -> None:
    steps.register(RECORD, FILE, REFER, REFER_ON_SUBMISSION, RAISE_CLUE, ACKNOWLEDGE)


register()
