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

__all__ = [
    "Filed",
    "Filing",
    "accept_complaint",
    "approve_part",
    "approve_reply",
    "clocks_of",
    "close_complaint",
    "code_matches",
    "file_complaint",
    "may_register",
    "may_reply",
    "may_reply_part",
    "open_parts",
    "parts_clocks",
    "reject_complaint",
    "reply_complaint",
    "reply_part",
    "report_retaliation",
    "send_back_part",
    "send_back_reply",
    "split_complaint",
    "transfer_complaint",
    "transfer_targets",
]
