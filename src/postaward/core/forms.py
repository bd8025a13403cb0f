from __future__ import annotations

from typing import Any

from django import forms

from .models import CalendarDay
from .types import check_date


class DateField(forms.DateField):
    """Every date typed into a page: inside the platform's window (``core.types``)."""

    def to_python(self, value):  # type: ignore[no-untyped-def]
        day = super().to_python(value)
        if day is not None:
            try:
                check_date(day)
            except ValueError as exc:
                raise forms.ValidationError(str(exc), code="date_window") from exc
        return day


class BootstrapMixin:
    """Give every widget the Bootstrap class it needs."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault(
                    "class",
                    "form-select form-select-sm"
                    if getattr(self, "compact", False)
                    else "form-select",
                )
            else:
                widget.attrs.setdefault(
                    "class",
                    "form-control form-control-sm"
                    if getattr(self, "compact", False)
                    else "form-control",
                )


class CalendarDayForm(BootstrapMixin, forms.Form):
    date = DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = DateField(
        label="至",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="连续多天（如春节假期）填结束日期，最多 31 天",
    )
    kind = forms.ChoiceField(
        label="设置为",
        choices=[("", "恢复默认（周一至周五上班）"), *CalendarDay.Kind.choices],
        required=False,
    )
    name = forms.CharField(
        label="名称",
        max_length=50,
        required=False,
        help_text="如：春节、国庆节；调休上班日可填所属节日",
    )


class CalendarImportForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    notice = forms.CharField(
        label="依据",
        max_length=200,
        help_text="国务院办公厅关于该年部分节假日安排的通知（文号或标题）",
    )
    lines = forms.CharField(
        label="日期清单",
        max_length=20000,
        widget=forms.Textarea(
            attrs={
                "rows": 8,
                "placeholder": "2027-01-01 放假 元旦\n2027-02-06~2027-02-12 放假 春节\n"
                "2027-02-14 上班 春节",
            }
        ),
        help_text="每行一项：日期或“起~止”日期、放假/上班、节日名称；导入后该年度即确认",
    )


class CalendarYearForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    notice = forms.CharField(
        label="依据",
        max_length=200,
        help_text="国务院办公厅关于该年部分节假日安排的通知（文号或标题）",
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (a list, possibly empty when not required);
    the files are checked by ``core.files.check_upload`` in the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={"class": "form-control form-control-sm", "accept": ".pdf,.jpg,.jpeg,.png"}
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []
