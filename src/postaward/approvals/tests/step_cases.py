"""Situations of the approval steps for the generated authorization tests
(``core/tests/test_steps_authz.py``; R-ACC-01, R-ACC-03, R-ACC-04, R-CHG-01..05,
R-ORG-04)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from postaward.core import clock
from postaward.core.tests.step_cases import StepCase
from postaward.orgs.choices import OrgKind, Role
from postaward.projects import services as project_services
from postaward.projects.choices import Position
from postaward.projects.models import KeyPersonAssignment
from postaward.testing import account, org, person

from . import authz_rows as rows
from . import factories as f
from .apiclient import b64

API = {
    "approvals.acceptance": "/api/v1/approvals/acceptance/{id}",
    "approvals.change": "/api/v1/approvals/changes/{id}",
    "approvals.personnel": "/api/v1/approvals/personnel/{id}",
}


def _req(setup: Any) -> Any:
    def build(d: Any) -> Any:
        d.ctx = {}
        f.extras(d)
        setup(d)
        return type(d.ctx["req"]).objects.get(pk=d.ctx["req"].pk)

    return build


class _Pdf:
    """A PDF the test client can post again and again (a case's form data is
    built once and posted by several tests)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.file = f.pdf(name)

    def read(self, *args: Any) -> bytes:
        self.file.seek(0)
        return self.file.read()


SUBMITTED = _req(rows._acceptance)
RECEIVED = _req(rows._received)
SUPER_LARGE = _req(rows._super_large)


def _conclusion(document: Any) -> dict[str, Any]:
    return {
        "passed": True,
        "accepted_on": clock.today().isoformat(),
        "attendees": "建设、监理、勘察、设计单位",
        "rectification_opinions": "外墙涂料局部修补",
        "conclusion": "工程质量合格，同意验收",
        "document": document,
    }


CASES = {
    "approvals.acceptance.review": StepCase(
        setup=SUBMITTED,
        user="chief_a",
        data={"opinion": "具备验收条件"},
        wrong_role="school_leader",
        out_of_scope="supervisor_b_admin",
        wrong_state=RECEIVED,
    ),
    "approvals.acceptance.reject": StepCase(
        setup=SUBMITTED,
        user="chief_a",
        data={"opinion": "资料不全"},
        form={"note": "资料不全"},
        wrong_role="school_leader",
        out_of_scope="supervisor_b_admin",
        wrong_state=RECEIVED,
    ),
    "approvals.acceptance.return": StepCase(
        setup=RECEIVED,
        user="school_leader",
        data={"reason": "消防验收未完成，不满足竣工验收条件"},
        wrong_role="chief_a",
        out_of_scope="hospital_admin",
        wrong_state=SUBMITTED,
    ),
    "approvals.acceptance.conclude": StepCase(
        setup=RECEIVED,
        user="school_leader",
        data=_conclusion(b64(f.pdf("验收结论.pdf"))),
        form={**_conclusion(_Pdf("验收结论.pdf")), "passed": "1"},
        wrong_role="chief_a",
        out_of_scope="hospital_admin",
        wrong_state=SUBMITTED,
    ),
    "approvals.acceptance.extensions": StepCase(
        setup=SUPER_LARGE,
        user="school_leader",
        data={"days": 30, "reason": "机电、幕墙、智能化专业多，联合调试周期长"},
        wrong_role="chief_a",
        out_of_scope="hospital_admin",
        wrong_state=RECEIVED,  # not a super-large work: the guard refuses
    ),
    "approvals.acceptance.withdraw": StepCase(
        setup=SUBMITTED,
        user="pm_a",
        data={},
        wrong_role="chief_a",
        out_of_scope="contractor_b_admin",
        wrong_state=RECEIVED,
    ),
}


# --- engineering changes (R-CHG-01, R-CHG-02, R-CHG-05) -------------------------------------------


def _changed(build: Any) -> Any:
    def setup(d: Any) -> Any:
        f.extras(d)
        c = build(d)
        return type(c).objects.get(pk=c.pk)

    return setup


def _reviewed(d: Any) -> Any:
    from .. import services

    c = f.change(d)
    services.review_change(actor=d.actor("chief_a"), change=c)
    return c


def _major_owner_approved(d: Any) -> Any:
    from .. import services

    c = f.change(d, category="design", cost_delta=Decimal("1200000"))
    services.review_change(actor=d.actor("chief_a"), change=c)
    services.approve_change(actor=d.actor("school_leader"), change=c)
    # another district's DRC: the right role out of scope
    if "drc2" not in d.users:
        office2 = org(None, "邻区监管办", OrgKind.SUPERVISION_OFFICE)
        d.users["drc2"] = account(
            org(office2, "邻区发展和改革局", OrgKind.DRC), "drc2", [Role.DRC_OFFICER]
        )
    return c


CHANGE = _changed(f.change)
REVIEWED = _changed(_reviewed)
MAJOR_OWNER_APPROVED = _changed(_major_owner_approved)
APPROVED_CHANGE = _changed(f.approved_change)

CASES.update(
    {
        "approvals.change.review": StepCase(
            setup=CHANGE,
            user="chief_a",
            data={"opinion": "变更理由充分，同意"},
            form={"review-opinion": "变更理由充分，同意"},
            wrong_role="school_leader",
            out_of_scope="supervisor_b_admin",
            wrong_state=REVIEWED,
        ),
        "approvals.change.approve": StepCase(
            setup=REVIEWED,
            user="school_leader",
            data={"opinion": "同意变更"},
            form={"approve-opinion": "同意变更"},
            wrong_role="chief_a",
            out_of_scope="hospital_admin",
            wrong_state=CHANGE,
        ),
        "approvals.change.approve_drc": StepCase(
            setup=MAJOR_OWNER_APPROVED,
            user="drc",
            data={"opinion": "同意该重大设计变更"},
            form={"approve_drc-opinion": "同意该重大设计变更"},
            wrong_role="school_leader",
            out_of_scope="drc2",
            wrong_state=APPROVED_CHANGE,
        ),
        "approvals.change.reject": StepCase(
            setup=CHANGE,
            user="chief_a",
            data={"opinion": "变更依据不足"},
            form={"reject-note": "变更依据不足"},
            wrong_role="school_leader",
            out_of_scope="supervisor_b_admin",
            wrong_state=APPROVED_CHANGE,
        ),
        "approvals.change.withdraw": StepCase(
            setup=CHANGE,
            user="pm_a",
            data={},
            wrong_role="chief_a",
            out_of_scope="contractor_b_admin",
            wrong_state=REVIEWED,
        ),
    }
)


# --- personnel changes (R-CHG-03, R-CHG-04) ------------------------------------------------------


def _agreed(d: Any) -> None:
    from .. import services

    rows._reviewed_personnel(d)
    services.agree_personnel_change(actor=d.actor("school_leader"), change=d.ctx["pc"])


def _filing(d: Any) -> None:
    """A supervisor (监理员) is replaced: the owner, then the superior unit agrees."""
    from .. import services

    firm = d.orgs["supervisor_a"]
    old = person(firm, name="原监理员")
    project_services.assign_key_person(
        actor=d.actor("school_leader"),
        participant=f.participant(d.projects["p_school"], "supervising_firm"),
        person=old,
        position=Position.SUPERVISOR,
        started_on=clock.today() - dt.timedelta(days=60),
    )
    d.ctx["req"] = services.initiate_personnel_change(
        actor=d.actor("supervisor_a_admin"),
        assignment=KeyPersonAssignment.objects.get(person=old),
        replacement=person(firm, name="新监理员"),
        reason_kind="transfer",
        reason="工作调动至其他项目",
        qualification_document=f.pdf(),
        social_insurance=f.pdf(),
    )
    # another superior unit of the district: the right role out of scope
    if "health_admin" not in d.users:
        health = org(d.orgs["office"], "测试区卫生健康局", OrgKind.SUPERIOR_UNIT)
        d.users["health_admin"] = account(health, "health_admin", [Role.ADMIN])


def _filing_agreed(d: Any) -> None:
    from .. import services

    _filing(d)
    services.agree_personnel_change(actor=d.actor("school_admin"), change=d.ctx["req"])


def _pc(build: Any) -> Any:
    def setup(d: Any) -> Any:
        d.ctx = {}
        f.extras(d)
        build(d)
        obj = d.ctx.get("pc") or d.ctx["req"]
        return type(obj).objects.get(pk=obj.pk)

    return setup


PC_PENDING = _pc(rows._personnel)  # with the supervising firm (R-CHG-06)
PC_SUBMITTED = _pc(rows._reviewed_personnel)
PC_AGREED = _pc(_agreed)
PC_APPROVED = _pc(rows._approved_personnel)
PC_FILING = _pc(_filing)
PC_FILING_AGREED = _pc(_filing_agreed)


def _completion(document: Any) -> dict[str, Any]:
    return {
        "penalty_amount": "20000",
        "penalty_note": "按合同第12条扣减",
        "approval_form": document,
    }


CASES.update(
    {
        "approvals.personnel.review": StepCase(
            setup=PC_PENDING,
            user="chief_a",
            data={"opinion": "资料齐全，同意"},
            form={"review-opinion": "资料齐全，同意"},
            wrong_role="school_leader",
            out_of_scope="supervisor_b_admin",
            wrong_state=PC_SUBMITTED,
        ),
        "approvals.personnel.agree": StepCase(
            setup=PC_SUBMITTED,
            user="school_leader",
            data={"opinion": "同意更换"},
            form={"agree-opinion": "同意更换"},
            wrong_role="housing_staff",
            out_of_scope="hospital_admin",
            wrong_state=PC_PENDING,
        ),
        "approvals.personnel.approve": StepCase(
            setup=PC_AGREED,
            user="housing_staff",
            data={"opinion": "同意"},
            form={"approve-opinion": "同意"},
            wrong_role="line_supervisor",
            out_of_scope="transport_staff",
            wrong_state=PC_SUBMITTED,
        ),
        "approvals.personnel.file": StepCase(
            setup=PC_FILING_AGREED,
            user="line_supervisor",
            data={"opinion": "同意，报行业主管部门备案"},
            form={"file-opinion": "同意，报行业主管部门备案"},
            wrong_role="housing_staff",
            out_of_scope="health_admin",
            wrong_state=PC_FILING,
        ),
        "approvals.personnel.complete": StepCase(
            setup=PC_APPROVED,
            user="school_leader",
            data=_completion(b64(f.pdf("审批表.pdf"))),
            form={f"complete-{k}": v for k, v in _completion(_Pdf("审批表.pdf")).items()},
            wrong_role="housing_staff",
            out_of_scope="hospital_admin",
            wrong_state=PC_AGREED,
        ),
        "approvals.personnel.reject": StepCase(
            setup=PC_SUBMITTED,
            user="school_leader",
            data={"opinion": "替换人员资历不足"},
            form={"reject-note": "替换人员资历不足"},
            wrong_role="contractor_a_admin",
            out_of_scope="hospital_admin",
            wrong_state=PC_APPROVED,
        ),
        "approvals.personnel.withdraw": StepCase(
            setup=PC_SUBMITTED,
            user="contractor_a_admin",
            data={},
            wrong_role="school_leader",
            out_of_scope="contractor_b_admin",
            wrong_state=PC_AGREED,
        ),
    }
)


# --- hidden works, supervision notices, the extension decisions, use before acceptance ---------
# (``approvals/steps_works.py``; R-HID-01..03, R-SUP-01, R-SUP-02, R-ACC-04, R-ACC-06)

API.update(
    {
        "approvals.hidden_work": "/api/v1/approvals/hidden-works/{id}",
        "approvals.notice": "/api/v1/approvals/notices/{id}",
        "approvals.extension": "/api/v1/approvals/extensions/{id}",
    }
)


class _Jpeg(_Pdf):
    """A photo taken now on the site, posted again and again."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.file = f.jpeg(name, taken=clock.now())


def _ctx(setup: Any, key: str) -> Any:
    def build(d: Any) -> Any:
        d.ctx = {}
        f.extras(d)
        setup(d)
        return type(d.ctx[key]).objects.get(pk=d.ctx[key].pk)

    return build


def _important_today(d: Any) -> None:
    import datetime as dt

    import time_machine

    with time_machine.travel(clock.now() - dt.timedelta(days=1), tick=False):
        d.ctx["hw"] = f.hidden_work(d, days_ahead=1, is_important=True)


def _accepted(d: Any) -> None:
    from .. import services

    rows._hidden_today(d)
    services.record_standby(
        actor=d.actor("chief_a"), hidden_work=d.ctx["hw"], opinion="验收合格", photos=f.photos()
    )


def _returned_with_new_photos(d: Any) -> None:
    from .. import services

    _accepted(d)
    hw = d.ctx["hw"]
    services.return_photos(actor=d.actor("school_leader"), hidden_work=hw, opinion="标尺照片模糊")
    services.upload_photos(
        actor=d.actor("chief_a"), hidden_work=hw, photos={"scale": f.jpeg("scale2.jpg")}
    )


def _withdrawn(d: Any) -> None:
    from .. import services

    rows._hidden(d)
    services.withdraw_hidden_work(actor=d.actor("pm_a"), hidden_work=d.ctx["hw"])


def _overdue(d: Any) -> None:
    from .. import services

    rows._notice(d)
    services.mark_overdue(d.ctx["notice"].pk)


def _refused(d: Any) -> None:
    from .. import services

    rows._notice(d)
    services.record_refusal(
        actor=d.actor("chief_a"), notice=d.ctx["notice"], note="项目经理明确拒绝整改"
    )


def _extension_of_a_returned_request(d: Any) -> None:
    from .. import services

    rows._extension(d)
    services.return_acceptance(
        actor=d.actor("school_leader"), request=d.ctx["req"], reason="消防验收未完成，不满足条件"
    )


def _withdrawn_request(d: Any) -> None:
    from .. import services

    rows._acceptance(d)
    services.withdraw_acceptance(actor=d.actor("pm_a"), request=d.ctx["req"])


HW_APPLIED = _ctx(rows._hidden, "hw")
HW_TODAY = _ctx(rows._hidden_today, "hw")
HW_IMPORTANT_TODAY = _ctx(_important_today, "hw")
HW_ACCEPTED = _ctx(_accepted, "hw")
HW_RETURNED = _ctx(_returned_with_new_photos, "hw")
HW_WITHDRAWN = _ctx(_withdrawn, "hw")
ISSUED = _ctx(rows._notice, "notice")
REPLIED = _ctx(rows._replied_notice, "notice")
OVERDUE = _ctx(_overdue, "notice")
REFUSED = _ctx(_refused, "notice")
EXTENSION = _ctx(rows._extension, "ext")
EXTENSION_MOOT = _ctx(_extension_of_a_returned_request, "ext")
WITHDRAWN_REQUEST = _req(_withdrawn_request)


def _text(step: str, field: str, value: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(API body, page form) of a step with one text: the API calls it
    ``opinion``, the page's form field is prefixed with the step's name."""
    return {"opinion": value}, {f"{step}-{field}": value}


def _case(step: str, field: str, value: str, **kw: Any) -> StepCase:
    data, form = _text(step, field, value)
    return StepCase(data=data, form=form, **kw)


def _reopen(d: Any) -> dict[str, Any]:
    import datetime as dt

    return {
        "opinion": "部分未整改到位",
        "required_by": (clock.today() + dt.timedelta(days=2)).isoformat(),
    }


def _reopen_form(d: Any) -> dict[str, Any]:
    return {f"reopen-{k}": v for k, v in _reopen(d).items()}


class _Reopen(StepCase):
    def page_data(self, d: Any) -> dict[str, Any]:
        return _reopen_form(d)


def _usage(d: Any) -> dict[str, Any]:
    return {"used_since": clock.today().isoformat(), "description": "教学楼已投入教学使用"}


class _Usage(StepCase):
    def page_data(self, d: Any) -> dict[str, Any]:
        return {f"usage-{k}": v for k, v in _usage(d).items()}


CASES.update(
    {
        "approvals.hidden_work.standby": _case(
            "standby",
            "opinion",
            "钢筋规格、间距符合设计，同意隐蔽",
            setup=HW_TODAY,
            user="chief_a",
            wrong_role="pm_a",
            out_of_scope="supervisor_b_admin",
            wrong_state=HW_WITHDRAWN,
        ),
        "approvals.hidden_work.photos": StepCase(
            setup=HW_ACCEPTED,
            user="chief_a",
            data={"scale": b64(f.jpeg("scale.jpg"))},
            form={"photos-photo_scale": _Jpeg("scale.jpg")},
            wrong_role="school_leader",
            out_of_scope="supervisor_b_admin",
            wrong_state=HW_APPLIED,
        ),
        "approvals.hidden_work.owner-standby": _case(
            "owner-standby",
            "opinion",
            "建设单位派员旁站，钢筋绑扎合格",
            setup=HW_IMPORTANT_TODAY,
            user="school_admin",
            wrong_role="chief_a",
            out_of_scope="hospital_admin",
            wrong_state=HW_TODAY,  # not an important part: the guard refuses
        ),
        "approvals.hidden_work.important": _case(
            "important",
            "opinion",
            "主体结构受力部位",
            setup=HW_APPLIED,
            user="school_leader",
            wrong_role="chief_a",
            out_of_scope="hospital_admin",
            wrong_state=HW_ACCEPTED,
        ),
        "approvals.hidden_work.approve": _case(
            "approve",
            "opinion",
            "影像清晰，同意",
            setup=HW_ACCEPTED,
            user="school_leader",
            wrong_role="chief_a",
            out_of_scope="hospital_admin",
            wrong_state=HW_APPLIED,
        ),
        "approvals.hidden_work.return": _case(
            "return",
            "opinion",
            "标尺照片模糊，请补传",
            setup=HW_ACCEPTED,
            user="school_leader",
            wrong_role="chief_a",
            out_of_scope="hospital_admin",
            wrong_state=HW_APPLIED,
        ),
        "approvals.hidden_work.resubmit": StepCase(
            setup=HW_RETURNED,
            user="chief_a",
            data={},
            wrong_role="school_leader",
            out_of_scope="supervisor_b_admin",
            wrong_state=HW_ACCEPTED,
        ),
        "approvals.hidden_work.withdraw": StepCase(
            setup=HW_APPLIED,
            user="pm_a",
            data={},
            wrong_role="chief_a",
            out_of_scope="contractor_b_admin",
            wrong_state=HW_ACCEPTED,
        ),
        "approvals.notice.reply": StepCase(
            setup=ISSUED,
            user="pm_a",
            data={"reply": "已补设连墙件", "evidence": [b64(f.pdf("整改照片.pdf"))]},
            form={"reply-reply": "已补设连墙件", "reply-evidence": _Pdf("整改照片.pdf")},
            wrong_role="chief_a",
            out_of_scope="contractor_b_admin",
            wrong_state=REPLIED,
        ),
        "approvals.notice.close": _case(
            "close",
            "opinion",
            "复查合格",
            setup=REPLIED,
            user="chief_a",
            wrong_role="pm_a",
            out_of_scope="supervisor_b_admin",
            wrong_state=ISSUED,
        ),
        "approvals.notice.reopen": _Reopen(
            setup=REPLIED,
            user="chief_a",
            data=_reopen,
            wrong_role="pm_a",
            out_of_scope="supervisor_b_admin",
            wrong_state=ISSUED,
        ),
        "approvals.notice.interview": _case(
            "interview",
            "note",
            "已约谈项目经理，限期三日内整改",
            setup=OVERDUE,
            user="school_leader",
            wrong_role="chief_a",
            out_of_scope="hospital_admin",
            wrong_state=ISSUED,  # not overdue: the guard refuses
        ),
        "approvals.notice.refuse": _case(
            "refuse",
            "note",
            "项目经理明确拒绝整改",
            setup=ISSUED,
            user="chief_a",
            wrong_role="pm_a",
            out_of_scope="supervisor_b_admin",
            wrong_state=REPLIED,
        ),
        "approvals.notice.handle": _case(
            "handle",
            "note",
            "已立案调查，责令限期整改",
            setup=REFUSED,
            user="housing_staff",
            wrong_role="chief_a",
            out_of_scope="transport_staff",
            wrong_state=ISSUED,
        ),
        "approvals.extension.approve": _case(
            "approve",
            "opinion",
            "同意延长",
            setup=EXTENSION,
            user="line_supervisor",
            wrong_role="school_leader",
            out_of_scope="town_admin",
            wrong_state=EXTENSION_MOOT,  # the request was returned: the guard refuses
        ),
        "approvals.extension.reject": _case(
            "reject",
            "opinion",
            "理由不充分",
            setup=EXTENSION,
            user="line_supervisor",
            wrong_role="school_leader",
            out_of_scope="town_admin",
            wrong_state=EXTENSION_MOOT,
        ),
        "approvals.acceptance.usage": _Usage(
            setup=RECEIVED,
            user="school_leader",
            data=_usage,
            wrong_role="chief_a",
            out_of_scope="hospital_admin",
            wrong_state=WITHDRAWN_REQUEST,
        ),
    }
)
