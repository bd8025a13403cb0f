"""Cases in each state, built through the services (fixed values, no choice
drawn from a database id)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from postaward.core import clock
from postaward.core.files import minimal_pdf
from postaward.orgs.choices import Role
from postaward.testing import District, account

from .. import services
from ..choices import Source, State
from ..models import Case, EnforcementCertificate


def staff(d: District) -> District:
    """The office head, the departments' heads and the enforcement pool."""
    if "office_head" in d.users:
        return d
    for username, org_key in (
        ("office_head", "office"),
        ("housing_head", "housing"),
        ("transport_head", "transport"),
    ):
        d.users[username] = account(d.orgs[org_key], username, [Role.UNIT_LEADER])
    for i, username in enumerate(("office_staff", "housing_staff", "transport_staff")):
        u = d.users[username]
        EnforcementCertificate.objects.create(
            person=u.person,
            number=f"33-0604-{i + 1:04d}",
            department=u.organisation,
            valid_until=dt.date(2030, 12, 31),
        )
    return d


def cert(d: District, username: str) -> int:
    return EnforcementCertificate.objects.get(person=d.users[username].person).pk


def registered(d: District, **kw: Any) -> Case:
    staff(d)
    data: dict[str, Any] = {
        "source": Source.ASSIGNED,
        "source_ref": "上级交办〔2026〕3号",
        "department_id": d.orgs["housing"].pk,
        "project_id": d.projects["p_school"].pk,
        "title": "项目经理长期不在岗",
        "party_name": "甲建设有限公司",
        "party_org_id": d.orgs["contractor_a"].pk,
        "facts": "第一中学教学楼工程项目经理长期不在岗，现场由他人代管。",
    }
    data.update(kw)
    return services.register_by_hand(actor=d.actor("office_staff"), **data)


class _Rereadable(SimpleUploadedFile):
    """A test upload posted several times (the test client reads it each time)."""

    def read(self, *args: Any) -> bytes:
        if not args:
            self.seek(0)
        return super().read(*args)  # type: ignore[no-any-return]


def proof() -> SimpleUploadedFile:
    return _Rereadable("送达回证.pdf", minimal_pdf(["songda huizheng"]), "application/pdf")


def _take(d: District, c: Case, user: str, name: str, **data: Any) -> Case:
    getattr(services, name)(actor=d.actor(user), obj=Case.objects.get(pk=c.pk), **data)
    return Case.objects.get(pk=c.pk)


STEPS: list[tuple[str, str, str, Any]] = [
    # (state it leads to, user, service, data built from the district)
    (
        State.INVESTIGATING,
        "office_head",
        "assign_team",
        lambda d: {"leader_id": cert(d, "housing_staff"), "member_ids": [cert(d, "office_staff")]},
    ),
    (
        State.REPORTED,
        "housing_staff",
        "submit_report",
        lambda d: {
            "report": "经现场核查和询问，项目经理连续12个工作日未到岗。",
            "proposal": "建议立案查处",
        },
    ),
    (
        State.DELIBERATED,
        "office_head",
        "deliberate",
        lambda d: {"opinion": "同意调查组意见，提交会审"},
    ),
    (
        State.REVIEWED,
        "office_head",
        "hold_meeting",
        lambda d: {
            "held_on": clock.today(),
            "agenda": "审议案件",
            "attendees": "监管办、住建局",
            "minutes": "会审同意立案",
        },
    ),
    (State.FILED, "housing_head", "file_case", lambda d: {"note": "同意立案"}),
    (
        State.FINAL_REPORTED,
        "housing_staff",
        "final_report",
        lambda d: {
            "evidence_review": "证据确实充分",
            "measure": "罚款5万元；责令改正",
            "fine_yuan": "50000",
            "points": 6,
            "basis": "《建设工程质量管理条例》第六十条",
        },
    ),
    (State.PENALTY_APPROVED, "housing_head", "approve_penalty", lambda d: {"note": "同意"}),
    (State.NOTIFIED, "housing_staff", "notify", lambda d: {}),
    (State.DECIDED, "housing_head", "decide", lambda d: {"waived": True}),
    (
        State.DELIVERED,
        "housing_staff",
        "deliver",
        lambda d: {"method": "in_person", "delivered_on": clock.today(), "proof": proof()},
    ),
    (State.CREDIT_ENTERED, "office_staff", "credit_entry", lambda d: {}),
    (State.SIGNED_OFF, "office_head", "sign_off_publication", lambda d: {}),
    (
        State.FED_BACK,
        "office_staff",
        "feedback",
        lambda d: {"recipients": "甲建设有限公司、测试区住建局", "text": "处理结果已反馈"},
    ),
    (State.CLOSED, "office_head", "close_case", lambda d: {}),
]


def at(d: District, state: str, **kw: Any) -> Case:
    """A case driven through the chain to ``state``."""
    c = registered(d, **kw)
    for _target, user, name, data in STEPS:
        if c.state == state:
            break
        c = _take(d, c, user, name, **data(d))
    assert c.state == state, (c.state, state)
    return c


def in_state(state: str) -> Any:
    return lambda d: at(d, state)


def with_extension_request(d: District) -> Case:
    c = at(d, State.INVESTIGATING)
    return _take(d, c, "housing_staff", "request_extension", days=5, reason="需调取监控资料")
