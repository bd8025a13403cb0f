# mypy: disable-error-code="attr-defined"
"""Pages of hidden works and supervision notices: the ledgers, the forms that
open a process, and each record's page, its steps rendered from the step
registry (``steps_works.py``, ``core/_steps.html``). URLs and their names are
those of ``urls.py``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from postaward.core import clock, steps
from postaward.core.lists import Column, Filter, ListSpec
from postaward.core.web import actor_of, page_view
from postaward.projects.choices import ParticipantRole

from . import forms, selectors, services
from . import steps_works as works
from .choices import HiddenWorkState, NoticeState
from .models import HiddenWork, RectificationNotice
from .views import (
    HIDDEN_STATES,
    NOTICE_STATES,
    _d,
    _detail,
    _form_page,
    _invalid,
    _list,
    _openings,
    _project,
    _project_choices,
    _project_filter,
    _state_tag,
)

# --- hidden works --------------------------------------------------------------------------------


@page_view
def hidden_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    spec = ListSpec(
        key="hidden_works",
        title="隐蔽工程",
        columns=[
            Column("number", "编号", lambda h: h.number, sort="number"),
            Column("project", "项目", lambda h: h.project.name, sort="project__name"),
            Column("part", "部位", lambda h: h.part_name, sort="part_name"),
            Column("work_date", "施工日期", lambda h: _d(h.work_date), sort="work_date"),
            Column("important", "重要部位", lambda h: "是" if h.is_important else "否"),
            Column("state", "状态", lambda h: h.get_state_display(), sort="state", tag=_state_tag),
        ],
        filters=[
            _project_filter(actor),
            Filter("state", "状态", "state", choices=HiddenWorkState.choices),
            Filter("important", "重要部位", "is_important", choices=[("1", "是"), ("0", "否")]),
            Filter("from", "施工日期起", "work_date", kind="date_from"),
            Filter("to", "施工日期止", "work_date", kind="date_to"),
        ],
        search=("number", "part_name", "project__name"),
        search_label="编号/部位/项目",
        row_url=lambda h: reverse("approval_hidden_work_detail", args=[h.pk]),
    )
    return _list(
        request,
        spec,
        selectors.hidden_works(actor),
        new_url=reverse("approval_hidden_work_new")
        if _openings(actor, services.may_apply_hidden_work, HIDDEN_STATES)
        else "",
        new_label="申请隐蔽工程验收",
        intro="R-HID-01：施工单位在施工日前2天内（前第2天或前1天）申请；R-HID-02：施工当天监理旁站验收并上传施工前后及带标尺照片；R-HID-03：建设单位审核影像，重要部位派员旁站。",
    )


@page_view
def hidden_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = forms.HiddenWorkForm(request.POST or None)
    form.fields["project"].choices = _project_choices(actor, HIDDEN_STATES)

    def run(data: dict[str, Any]) -> Any:
        project = _project(actor, data["project"])
        pts = list(project.participants.filter(role=ParticipantRole.CONTRACTOR).order_by("id"))
        if not pts:
            raise _invalid("project", "该项目没有施工单位")
        mine = [pt for pt in pts if services.may_apply_hidden_work(actor, project, pt)]
        return services.apply_hidden_work(  # refuses, with its reason, when none is mine
            actor=actor,
            project=project,
            participant=(mine or pts)[0],
            part_name=data["part_name"],
            description=data["description"],
            work_date=data["work_date"],
            is_important=data["is_important"],
        )

    tomorrow = clock.today() + dt.timedelta(days=1)
    return _form_page(
        request,
        form,
        title="申请隐蔽工程验收",
        basis="R-HID-01（实施细则第二十八条(一)：隐蔽工程实施前2天内由施工单位申请）",
        run=run,
        back=reverse("approval_hidden_works"),
        intro=f"今天（{clock.today():%Y-%m-%d}）可以申请的施工日期：{tomorrow:%Y-%m-%d} 或 {tomorrow + dt.timedelta(days=1):%Y-%m-%d}。",
    )


@page_view
def hidden_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_hidden(request, works.load_hidden_work(actor_of(request), pk))


def render_hidden(
    request: HttpRequest,
    hw: HiddenWork,
    *,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The hidden work's page: its steps come from the step registry
    (``steps_works.py``), posted to ``…/steps/{name}/`` (``core.steps.page_action``)."""
    actor = actor_of(request)
    fields = [
        ("编号", hw.number),
        ("项目", hw.project.name),
        ("施工单位", hw.participant.organisation.name),
        ("隐蔽部位", hw.part_name),
        ("隐蔽内容", hw.description),
        ("计划施工日期", _d(hw.work_date)),
        ("重要部位", "是（建设单位须派员旁站）" if hw.is_important else "否"),
        ("申请", f"{hw.applied_by_name} {_d(hw.applied_at)}"),
        (
            "监理旁站验收",
            f"{hw.standby_by_name} {_d(hw.standby_at)}：{hw.supervisor_opinion}"
            if hw.standby_at
            else "—",
        ),
        (
            "建设单位旁站",
            f"{hw.owner_standby_by_name} {_d(hw.owner_standby_at)}：{hw.owner_standby_opinion}"
            if hw.owner_standby_at
            else "—",
        ),
        (
            "影像审核",
            f"{hw.reviewed_by_name} {_d(hw.reviewed_at)}：{hw.review_opinion}"
            if hw.reviewed_at
            else (hw.review_opinion or "—"),
        ),
        ("状态", hw.get_state_display()),
    ]
    return _detail(
        request,
        hw,
        title=f"隐蔽工程 {hw.number}",
        fields=fields,
        back=reverse("approval_hidden_works"),
        back_label="隐蔽工程",
        extra={
            "photos": services.current_photos(hw),
            "old_photos": list(hw.photos.filter(superseded=True)),
            "page_steps": steps.page_steps(hw, actor, bound=bound),
        },
        status=status,
    )


# --- supervision notices ---------------------------------------------------------------------


@page_view
def notice_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    spec = ListSpec(
        key="notices",
        title="监理通知单",
        columns=[
            Column("number", "编号", lambda n: n.number, sort="number"),
            Column("project", "项目", lambda n: n.project.name, sort="project__name"),
            Column("title", "事由", lambda n: n.title),
            Column(
                "contractor",
                "施工单位",
                lambda n: n.participant.organisation.name,
                sort="participant__organisation__name",
            ),
            Column("issued", "签发时间", lambda n: _d(n.issued_at), sort="issued_at"),
            Column("required_by", "整改期限", lambda n: _d(n.required_by), sort="required_by"),
            Column("state", "状态", lambda n: n.get_state_display(), sort="state", tag=_state_tag),
            Column("overdue", "逾期", lambda n: "是" if n.overdue else "—", sort="overdue"),
        ],
        filters=[
            _project_filter(actor),
            Filter("state", "状态", "state", choices=NoticeState.choices),
            Filter("overdue", "曾逾期", "overdue", choices=[("1", "是"), ("0", "否")]),
            Filter("from", "整改期限起", "required_by", kind="date_from"),
            Filter("to", "整改期限止", "required_by", kind="date_to"),
        ],
        search=("number", "title", "project__name", "participant__organisation__name"),
        search_label="编号/事由/项目/施工单位",
        row_url=lambda n: reverse("approval_notice_detail", args=[n.pk]),
    )
    return _list(
        request,
        spec,
        selectors.notices(actor),
        new_url=reverse("approval_notice_new")
        if _openings(actor, services.may_issue_notice, NOTICE_STATES)
        else "",
        new_label="签发监理通知单",
        intro="R-SUP-02：逾期未整改的由建设单位约谈责任人；拒不整改的报行业主管部门调查处理。",
    )


@page_view
def notice_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = forms.NoticeForm(request.POST or None)
    form.fields["project"].choices = _project_choices(actor, NOTICE_STATES)

    def run(data: dict[str, Any]) -> Any:
        project = _project(actor, data["project"])
        pt = project.participants.filter(role=ParticipantRole.CONTRACTOR).first()
        if pt is None:
            raise _invalid("project", "该项目没有施工单位")
        return services.issue_notice(
            actor=actor,
            project=project,
            participant=pt,
            title=data["title"],
            content=data["content"],
            required_by=data["required_by"],
        )

    return _form_page(
        request,
        form,
        title="签发监理通知单",
        basis="R-SUP-01（实施细则第二十三条）",
        run=run,
        back=reverse("approval_notices"),
    )


@page_view
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_notice(request, works.load_notice(actor_of(request), pk))


def render_notice(
    request: HttpRequest,
    n: RectificationNotice,
    *,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The notice's page: its steps come from the step registry (``steps_works.py``)."""
    actor = actor_of(request)
    fields = [
        ("编号", n.number),
        ("项目", n.project.name),
        ("施工单位", n.participant.organisation.name),
        ("事由", n.title),
        ("问题及整改要求", n.content),
        ("整改期限", _d(n.required_by)),
        ("签发", f"{n.issued_by_org} {n.issued_by_name} {_d(n.issued_at)}"),
        ("整改回复", n.reply or "—"),
        ("复查意见", n.review_opinion or "—"),
        ("逾期", "是" if n.overdue else "否"),
        (
            "约谈",
            f"{n.interview_by_name} {_d(n.interview_at)}：{n.interview_note}"
            if n.interview_at
            else "—",
        ),
        ("拒不整改", n.refusal_note or "—"),
        ("调查处理", n.handling_note or "—"),
        ("状态", n.get_state_display()),
    ]
    return _detail(
        request,
        n,
        title=f"监理通知单 {n.number}",
        fields=fields,
        back=reverse("approval_notices"),
        back_label="监理通知单",
        extra={"page_steps": steps.page_steps(n, actor, bound=bound)},
        status=status,
    )
