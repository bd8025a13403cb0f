"""The office's back-office page of its published contacts (R-CMP-05,
ADR 0520): the staff and leaders of the district's supervision office edit
the ordered list the public window shows."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from postaward.core.errors import DomainError
from postaward.core.web import actor_of, page_view, require

from . import services
from .forms import ContactFormSet
from .models import as_dict


@page_view
def contacts(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    require(a, services.may_edit_contacts(a), "监管办工作人员或领导方可修改公布的联系方式")
    current = [as_dict(c) for c in services.of_office(a.organisation_id or 0)]
    # bound: no initial (a row left as it was is still a row to keep)
    formset = (
        ContactFormSet(request.POST, prefix="c")
        if request.method == "POST"
        else ContactFormSet(initial=current, prefix="c")
    )
    error = ""
    status = 200
    if request.method == "POST":
        status = 422
        if formset.is_valid():
            rows: list[dict[str, Any]] = [
                {k: v for k, v in f.cleaned_data.items() if k != "delete"}
                for f in formset.forms
                if f.cleaned_data
                and not f.cleaned_data.get("delete")
                and any(v for k, v in f.cleaned_data.items() if k != "delete")
            ]
            try:
                services.save_contacts(actor=a, contacts=rows)
            except DomainError as exc:
                error = exc.message
                status = exc.status
            else:
                messages.success(request, "联系方式已保存，公众门户即时显示")
                return redirect("portal_contacts")
        else:
            error = "请检查填写的内容"
    return render(
        request,
        "portal/contacts.html",
        {"formset": formset, "error": error, "count": len(current)},
        status=status,
    )
