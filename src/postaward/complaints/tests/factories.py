"""Complaints in each state, built through the services (fixed values)."""

from __future__ import annotations

import itertools
from typing import Any

from postaward.testing import District, resident_id

from .. import services
from ..choices import Channel, FilerStanding, Kind
from ..models import Complaint

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
