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
from .public import report_retaliation
from .verify import send_code

__all__ = [
    "Filed",
    "Filing",
    "accept_complaint",
    "approve_reply",
    "clocks_of",
    "close_complaint",
    "code_matches",
    "file_complaint",
    "may_register",
    "may_reply",
    "reject_complaint",
    "reply_complaint",
    "report_retaliation",
    "send_back_reply",
    "send_code",
    "transfer_complaint",
    "transfer_targets",
]
