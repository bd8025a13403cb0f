"""Writes of the project registry, one module per sub-domain (see ../README.md).

Every function is ``verb_noun(*, actor, ...)``: it checks the role and the rules
before anything changes (refusals raise a DomainError with a Chinese message),
then writes in one transaction together with its audit record, its archive node
(一项目一档案) and its domain event (outbox). Lifecycle and suspension steps are
declared in ``projects/steps.py`` and taken through ``core.steps.write``.

This package re-exports the public API, so ``services.register_project`` and
``from postaward.projects.services import register_project`` keep working.
"""

from .assignment import (
    ASSIGN_LEVELS,
    assign,
    assign_choices,
    assign_line,
    assign_owner,
    assign_owner_leader,
    assign_superior_unit,
    may_assign,
)
from .award_checks import (
    ABNORMAL_RECORDERS,
    ABNORMAL_REVIEWERS,
    INTERVIEW_RECORDERS,
    RECORD_ABNORMAL,
    RECORD_INTERVIEW,
    record_abnormal_event,
    record_interview,
    review_abnormal_event,
)
from .common import (
    AmbiguousAuthority,
    S,
    authority_for,
    chain_of_owner,
    classify,
    content_file,
    node,
)
from .coverage import (
    APPLY_COMPLETION,
    BACKFILL_DATES,
    COVERAGE_MARKERS,
    MARK_UNCOVERED,
    apply_data_completion,
    backfill_dates,
    confirm_backfill,
    decide_data_completion,
    mark_uncovered,
)
from .documents import GENERAL_CATEGORIES, may_upload, upload_document
from .lifecycle import (
    accept_works,
    approve_settlement,
    complete_works,
    record_fund_payment,
    return_deposit,
    settlement_route_text,
    start_works,
    submit_settlement,
    terminate_project,
)
from .participants import (
    PARTICIPANT_FIELDS,
    add_participant,
    register_subcontract,
    remove_participant,
    upload_contract,
    upsert_participant,
)
from .personnel import (
    BAN_RECORDERS,
    END_ASSIGNMENT,
    RECORD_BAN,
    SET_CHECKIN_DUTY,
    SET_CHECKIN_STAGE,
    assign_key_person,
    district_of,
    end_assignment,
    may_be_named,
    record_personnel_ban,
    remove_checkin_stage,
    set_checkin_duty,
    set_checkin_stage,
)
from .registry import (
    EDITABLE_FIELDS,
    SET_SITE,
    UPDATE_PROJECT,
    register_direct_project,
    register_project,
    set_site,
    update_project,
)
from .suspension import (
    confirm_suspension,
    declare_suspension,
    reject_suspension,
    resume_works,
    withdraw_suspension,
)

__all__ = [
    "ABNORMAL_RECORDERS",
    "ABNORMAL_REVIEWERS",
    "APPLY_COMPLETION",
    "ASSIGN_LEVELS",
    "BACKFILL_DATES",
    "BAN_RECORDERS",
    "COVERAGE_MARKERS",
    "EDITABLE_FIELDS",
    "END_ASSIGNMENT",
    "GENERAL_CATEGORIES",
    "INTERVIEW_RECORDERS",
    "MARK_UNCOVERED",
    "PARTICIPANT_FIELDS",
    "RECORD_ABNORMAL",
    "RECORD_BAN",
    "RECORD_INTERVIEW",
    "SET_CHECKIN_DUTY",
    "SET_CHECKIN_STAGE",
    "SET_SITE",
    "UPDATE_PROJECT",
    "AmbiguousAuthority",
    "S",
    "accept_works",
    "add_participant",
    "apply_data_completion",
    "approve_settlement",
    "assign",
    "assign_choices",
    "assign_key_person",
    "assign_line",
    "assign_owner",
    "assign_owner_leader",
    "assign_superior_unit",
    "authority_for",
    "backfill_dates",
    "chain_of_owner",
    "classify",
    "complete_works",
    "confirm_backfill",
    "confirm_suspension",
    "content_file",
    "decide_data_completion",
    "declare_suspension",
    "district_of",
    "end_assignment",
    "mark_uncovered",
    "may_assign",
    "may_be_named",
    "may_upload",
    "node",
    "record_abnormal_event",
    "record_fund_payment",
    "record_interview",
    "record_personnel_ban",
    "register_direct_project",
    "register_project",
    "register_subcontract",
    "reject_suspension",
    "remove_checkin_stage",
    "remove_participant",
    "resume_works",
    "return_deposit",
    "review_abnormal_event",
    "set_checkin_duty",
    "set_checkin_stage",
    "set_site",
    "settlement_route_text",
    "start_works",
    "submit_settlement",
    "terminate_project",
    "update_project",
    "upload_contract",
    "upload_document",
    "upsert_participant",
    "withdraw_suspension",
]

from .agreements import (
    AGREEMENT_WHO,
    agreement_contracts,
    may_register_agreement,
    register_agreement,
)

__all__ += [
    "AGREEMENT_WHO",
    "agreement_contracts",
    "may_register_agreement",
    "register_agreement",
]
