"""The platform's own short messages to the complainant's mobile (ADR 0521):
the receipt number and query code on filing, the answer on closing.

Through the kernel's SMS interface (``core.sms``). The query code is a secret
of the message (never logged in clear); the mobile is decrypted only here
(``identity.own_mobile``) and each answer sent is audited without the
identity. A failed send is logged and never undoes the filing or the closing
(the complainant can track the case with the number and the code).
"""

from __future__ import annotations

from postaward.core import audit, sms
from postaward.core.actor import SYSTEM

from .. import identity
from ..choices import Kind
from ..models import Complaint

ANSWER_CHARS = 200


def _what(c: Complaint) -> str:
    return "投诉" if c.kind == Kind.COMPLAINT else "举报"


def send_receipt(c: Complaint, *, mobile: str, query_code: str) -> bool:
    """On filing: the receipt number and the query code (sent to the mobile
    the complainant gave; the page shows the code once as well)."""
    if not mobile:
        return False
    return sms.send_quietly(
        mobile,
        f"您的{_what(c)}已收到，收件编号 {c.receipt_number}，查询码 {query_code}。"
        "请妥善保存查询码，凭收件编号和查询码可在公众门户查询办理情况。",
        purpose="receipt",
        secrets=(query_code,),
    )


def send_answer(c: Complaint) -> bool:
    """On closing: the answer to the complainant (the first
    ``ANSWER_CHARS`` characters; the whole answer on the tracking page)."""
    if not c.mobile_enc or not c.answer:
        return False
    mobile = identity.own_mobile(c)
    answer = c.answer if len(c.answer) <= ANSWER_CHARS else c.answer[:ANSWER_CHARS] + "……"
    sent = sms.send_quietly(
        mobile,
        f"您的{_what(c)}（收件编号 {c.receipt_number}）已办结。答复：{answer}"
        " 详情可凭收件编号和查询码在公众门户查询。",
        purpose="answer",
    )
    audit.record(
        actor=SYSTEM,
        action="complaints.answer_sent",
        obj=c,
        after={"receipt_number": c.receipt_number, "channel": "sms", "sent": sent},
    )
    return sent
