"""The complaints capability's writes (one module per sub-domain)."""

from .handling import (
    accept_complaint,
    approve_reply,
    clocks_of,
    close_complaint,
    may_reply,
    reject_complaint,
    reply_complaint,
    send_back_reply,
    transfer_complaint,
    transfer_targets,
)
from .intake import Filed, Filing, code_matches, file_complaint, may_register
from .parts import (
    approve_part,
    may_reply_part,
    open_parts,
    parts_clocks,
    reply_part,
    send_back_part,
    split_complaint,
)
from .public import report_retaliation
from .referral import (
    consult,
    refer_complaint,
    referral_targets,
    report_to_head,
    request_case,
    suggested_target,
    take_transfer_update,
)
from .verify import send_code

__all__ = [
    "Filed",
    "Filing",
    "accept_complaint",
    "approve_part",
    "approve_reply",
    "clocks_of",
    "close_complaint",
    "code_matches",
    "consult",
    "file_complaint",
    "may_register",
    "may_reply",
    "may_reply_part",
    "open_parts",
    "parts_clocks",
    "refer_complaint",
    "referral_targets",
    "reject_complaint",
    "reply_complaint",
    "reply_part",
    "report_retaliation",
    "report_to_head",
    "request_case",
    "send_back_part",
    "send_back_reply",
    "send_code",
    "split_complaint",
    "suggested_target",
    "take_transfer_update",
    "transfer_complaint",
    "transfer_targets",
]
