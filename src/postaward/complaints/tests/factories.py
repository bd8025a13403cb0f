"""Complaints in each state, built through the services (fixed values)."""

from __future__ import annotations

import itertools
from typing import Any

from postaward.testing import District, resident_id

from .. import services
from ..choices import Channel, FilerStanding, Kind
from ..models import Complaint, ComplaintAssignment

_n = itertools.count(1)
NAME = "王小明"
MOBILE = "13812345678"


def filing(**kw: Any) -> services.Filing:
    n = next(_n)
    data: dict[str, Any] = {
        "kind": Kind.COMPLAINT,
        "standing": FilerStanding.INTERESTED,
        "project": "T-0001",
        "subject_text": "甲建设有限公司",
        "facts": f"项目经理长期不在岗，现场由他人代管（第{n}件）",
        "requests": "请依法查处并责令改正",
        "name": NAME,
        "id_number": resident_id(),
        "mobile": MOBILE,
        "contact": "联系地址：测试区人民路1号",
    }
    data.update(kw)
    return services.Filing(**data)


def received(d: District, **kw: Any) -> Complaint:
    channel = kw.pop("channel", Channel.LETTER)
    filed = services.file_complaint(
        actor=d.actor("office_staff"), filing=filing(**kw), channel=channel, source="test"
    )
    return Complaint.objects.get(pk=filed.complaint.pk)


def accepted(d: District, **kw: Any) -> Complaint:
    c = received(d, **kw)
    services.accept_complaint(actor=d.actor("office_staff"), complaint=c, note="经会商决定受理")
    return Complaint.objects.get(pk=c.pk)


def transferred(d: District, **kw: Any) -> Complaint:
    c = accepted(d, **kw)
    services.transfer_complaint(
        actor=d.actor("office_staff"),
        complaint=c,
        handling_org_id=d.orgs["housing"].pk,
        handling_days=5,
        note="请核实并在期限内回复",
    )
    return Complaint.objects.get(pk=c.pk)


def replied(d: District, **kw: Any) -> Complaint:
    c = transferred(d, **kw)
    services.reply_complaint(
        actor=d.actor("housing_staff"), complaint=c, reply="已到现场核实，责令施工单位整改完毕"
    )
    return Complaint.objects.get(pk=c.pk)


def parts_input(d: District, **kw: Any) -> list[dict[str, Any]]:
    """Two parts on the chain of p_school: the housing authority and the owner."""
    return [
        {
            "handling_org_id": d.orgs["housing"].pk,
            "part": "核查施工单位项目经理到岗情况",
            "handling_days": 5,
            "handler_id": kw.get("housing_handler"),
            "share_identity": kw.get("share", False),
        },
        {
            "handling_org_id": d.orgs["school"].pk,
            "part": "核查建设单位对项目经理的考勤管理",
            "handling_days": 8,
        },
    ]


def split(d: District, **kw: Any) -> Complaint:
    """Accepted, then split between the housing authority and the school."""
    share = kw.pop("share", False)
    c = accepted(d, **kw)
    handler = d.users["housing_staff"].pk if share else None
    services.split_complaint(
        actor=d.actor("office_staff"),
        complaint=c,
        parts=parts_input(d, housing_handler=handler, share=share),
    )
    return Complaint.objects.get(pk=c.pk)


def part(d: District, org: str = "housing", **kw: Any) -> ComplaintAssignment:
    """The housing authority's part of a freshly split complaint."""
    c = split(d, **kw)
    return ComplaintAssignment.objects.get(complaint=c, org=d.orgs[org])


def part_replied(d: District, org: str = "housing", **kw: Any) -> ComplaintAssignment:
    a = part(d, org, **kw)
    user = "housing_staff" if org == "housing" else "school_admin"
    services.reply_part(
        actor=d.actor(user), assignment=a, reply="已到现场核实，项目经理已到岗并补办手续"
    )
    return ComplaintAssignment.objects.get(pk=a.pk)


def part_approved(d: District, **kw: Any) -> ComplaintAssignment:
    a = part_replied(d, **kw)
    services.approve_part(actor=d.actor("office_staff"), assignment=a, note="同意")
    return ComplaintAssignment.objects.get(pk=a.pk)
