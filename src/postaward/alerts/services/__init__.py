"""Writes of the alerts capability, by sub-domain. Every write is one
transaction that also writes its audit record (``core.writes.audited`` or a
step's ``core.steps.write``); side effects (notifications) are rows in the same
transaction, external deliveries go out after commit.

- ``config``: indicator settings (R-ALR-01);
- ``hits``: a hit becomes an alert, joins one or is a duplicate; routing, the
  disposal deadline, the inbox to-do, history steps, priority;
- ``disposal``: dispose / review / reopen (the steps of ``alerts.steps``), the
  escalation sweep and withdrawal (R-ALR-02, R-ORG-02);
- ``runs``: live runs and sandbox trials share ``evaluate``;
- ``issues``: suspected issues and clue transfers (R-ALR-03, R-ALR-06);
- ``inbox``: reading notifications.

Callers keep importing from ``postaward.alerts.services``: every name is
re-exported here, and so are the app's permission predicates
(``alerts.workflows``) that used to live in this module.
"""

from __future__ import annotations

from ..workflows import (
    ISSUE_LEVELS,
    RECEIVER_ROLES,
    is_receiver,
    may_configure,
    may_create_issue,
    may_transfer_clue,
    may_verify_issue,
)
from .config import (
    EDITABLE,
    _row_from_spec,
    active_reason,
    clean_params,
    configured_param,
    indicator_for,
    sync_indicators,
    update_indicator,
)
from .disposal import (
    dispose_alert,
    escalate_alert,
    on_disposal_reminder,
    reopen_alert,
    review_alert,
    withdraw_alert,
)
from .hits import (
    CREATED,
    DUPLICATE,
    MERGED,
    SUPPRESSED,
    _create_alert,
    _jsonable,
    _merge,
    _open_deadline,
    _snap,
    _step,
    _subject_text,
    describe_deadline,
    levels_label,
    priority_of,
    record_hit,
    refresh_priorities,
    sync_todo,
)
from .hits_batch import record_hits
from .inbox import (
    mark_all_read,
    mark_read,
)
from .issues import (
    RECIPIENT_KINDS,
    _project_of,
    create_issue,
    feed_back_transfer,
    receive_transfer,
    recipient_orgs,
    request_case,
    take_referral,
    transfer_clue,
    transfer_clue_to,
    verify_issue,
)
from .runs import (
    _enqueue_sandbox,
    _replay,
    _replay_deadlines,
    _would,
    evaluate,
    fail_interrupted_runs,
    logger,
    request_sandbox,
    run_data_indicators,
    run_indicator,
    run_sandbox,
)

__all__ = [
    "CREATED",
    "DUPLICATE",
    "EDITABLE",
    "ISSUE_LEVELS",
    "MERGED",
    "RECEIVER_ROLES",
    "RECIPIENT_KINDS",
    "SUPPRESSED",
    "_create_alert",
    "_enqueue_sandbox",
    "_jsonable",
    "_merge",
    "_open_deadline",
    "_project_of",
    "_replay",
    "_replay_deadlines",
    "_row_from_spec",
    "_snap",
    "_step",
    "_subject_text",
    "_would",
    "active_reason",
    "clean_params",
    "configured_param",
    "create_issue",
    "describe_deadline",
    "dispose_alert",
    "escalate_alert",
    "evaluate",
    "fail_interrupted_runs",
    "feed_back_transfer",
    "indicator_for",
    "is_receiver",
    "levels_label",
    "logger",
    "mark_all_read",
    "mark_read",
    "may_configure",
    "may_create_issue",
    "may_transfer_clue",
    "may_verify_issue",
    "on_disposal_reminder",
    "priority_of",
    "receive_transfer",
    "recipient_orgs",
    "record_hit",
    "record_hits",
    "refresh_priorities",
    "reopen_alert",
    "request_case",
    "request_sandbox",
    "review_alert",
    "run_data_indicators",
    "run_indicator",
    "run_sandbox",
    "sync_indicators",
    "sync_todo",
    "take_referral",
    "transfer_clue",
    "transfer_clue_to",
    "update_indicator",
    "verify_issue",
    "withdraw_alert",
]
