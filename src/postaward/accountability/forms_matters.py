"""Forms of the matters part: the transfer of a clue to the competent body,
the decision per person (measures and circumstances as checkboxes, with
evidence notes), the obstruction record and the referral."""

from __future__ import annotations

from typing import Any

from django import forms

from postaward.core.actor import Actor

from .choices_matters import Circumstance, Measure, article_of

SM = {"class": "form-control form-control-sm"}


class TransferForm(forms.Form):
    body = forms.TypedChoiceField(label="有权机关", coerce=int, help_text="按照干部管理权限移送")
    persons = forms.TypedMultipleChoiceField(
        label="被问责人员", coerce=int, widget=forms.CheckboxSelectMultiple
    )
    transfer_note = forms.CharField(
        label="移送意见",
        max_length=2000,
        widget=forms.Textarea(attrs={**SM, "rows": 3}),
        help_text="问题事实、问责情形及建议",
    )

    def __init__(
        self, *a: Any, bodies: list[tuple[int, str]], persons: list[tuple[int, str]], **kw: Any
    ) -> None:
        super().__init__(*a, **kw)
        body: Any = self.fields["body"]
        body.choices = bodies
        body.widget.attrs.update({"class": "form-select form-select-sm"})
        chosen: Any = self.fields["persons"]
        chosen.choices = persons
        if not self.is_bound:
            self.initial.setdefault("body", bodies[0][0] if bodies else None)
            self.initial.setdefault("persons", [p for p, _ in persons])


class DecideForm(forms.Form):
    """问责决定: measures (art. 8, combinable), the circumstances of arts.
    9-11 with their evidence notes, the date and the document number."""

    measures = forms.MultipleChoiceField(
        label="问责方式",
        choices=Measure.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="可单独使用，也可同时使用（至少选择一种）",
    )
    circumstances = forms.MultipleChoiceField(
        label="情节",
        required=False,
        choices=[(c.value, f"{article_of(c.value)} {c.label}") for c in Circumstance],
        widget=forms.CheckboxSelectMultiple,
        help_text="平台已根据记录预先勾选的情节，请核对证据后确认",
    )
    decided_on = forms.DateField(
        label="决定日期", widget=forms.DateInput(attrs={**SM, "type": "date"})
    )
    decision_document = forms.CharField(
        label="决定文号", max_length=100, widget=forms.TextInput(attrs=SM)
    )
    decision_note = forms.CharField(
        label="决定说明",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={**SM, "rows": 2}),
    )

    def __init__(self, *a: Any, **kw: Any) -> None:
        super().__init__(*a, **kw)
        for c in Circumstance:
            self.fields[_note(c.value)] = forms.CharField(
                label=f"{article_of(c.value)}证据说明",
                required=False,
                max_length=500,
                widget=forms.TextInput(attrs=SM),
            )

    def note_fields(self) -> list[Any]:
        return [self[_note(c.value)] for c in Circumstance]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        notes = {c.value: data.pop(_note(c.value), "") for c in Circumstance}
        data["circumstance_notes"] = {k: v for k, v in notes.items() if v}
        return data


def _note(code: str) -> str:
    return "note_" + code.replace("-", "_")


def decide_form(obj: Any, actor: Actor, data: Any = None, files: Any = None) -> DecideForm:
    """The decision form of ``obj`` with what the platform derived pre-ticked
    (twice within a year, obstruction, retaliation)."""
    from .services_matters import derived_circumstances

    # one form per person on the matter's page: their ids differ, names do not
    kw: dict[str, Any] = {"auto_id": f"id_mp{obj.pk}_%s"}
    if data is not None:
        return DecideForm(data, **kw)
    codes, notes, _ = derived_circumstances(obj)
    initial: dict[str, Any] = {"circumstances": codes}
    for code, text in notes.items():
        initial[_note(code)] = text
    return DecideForm(initial=initial, **kw)


class ObstructForm(forms.Form):
    note = forms.CharField(
        label="干扰、阻碍调查情况",
        max_length=1000,
        widget=forms.Textarea(attrs={**SM, "rows": 2}),
        help_text="第十一条第（六）项：记录后问责决定预先勾选“情节严重”",
    )


class ReferForm(forms.Form):
    reason = forms.CharField(
        label="移送理由",
        max_length=2000,
        widget=forms.Textarea(attrs={**SM, "rows": 2}),
        help_text="其行为构成违纪违法的，移送纪检监察机关依纪依法处理",
    )
    document_number = forms.CharField(
        label="移送文号", required=False, max_length=100, widget=forms.TextInput(attrs=SM)
    )
