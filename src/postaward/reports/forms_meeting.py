"""Forms of the data meeting (R-REP-03)."""

from __future__ import annotations

from typing import Any

from django import forms


class DecisionForm(forms.Form):
    """One decision of the meeting: the unit, what it is to do, by when."""

    proposal = forms.ChoiceField(label="对应建议事项", required=False)
    unit_id = forms.TypedChoiceField(label="责任单位", coerce=int)
    text = forms.CharField(
        label="议定事项", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = forms.DateField(label="完成期限", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, pack: Any = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        from .services_meeting import district_units

        proposal = self.fields["proposal"]
        assert isinstance(proposal, forms.ChoiceField)
        proposal.choices = [("", "（会上新提出）")] + [
            (p["key"], p["title"]) for p in (pack.proposals if pack else [])
        ]
        units = district_units(pack) if pack is not None else []
        unit = self.fields["unit_id"]
        assert isinstance(unit, forms.ChoiceField)
        unit.choices = [(u.pk, u.name) for u in units]


def decision_form(obj: Any, actor: Any, data: Any, files: Any) -> DecisionForm:
    return DecisionForm(data, pack=obj, prefix="decide")
