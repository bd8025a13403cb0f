"""Every transition of every approval process, through its API route, checked
for permission and data scope (R-ORG-03, R-ORG-04; the rules of each process:
R-CHG-01..05, R-HID-01..03, R-SUP-01..02, R-ACC-01..05).

``test_api_authorization.py`` has one row per route, so a route such as
``/changes/{id}/{action}`` is tested with one action only. Here each action of
each route is a case: the record is put into the state in which the action is
allowed, and then

- anonymous → 401;
- every account that can see the record but whose role may not take the step
  (the accounts are found through the scope, not listed by hand, so a role that
  was forgotten is caught) and the account without any role → 403;
- the right role out of scope (another owner, firm, authority, superior unit or
  district) → 404;
- each refused call leaves the database and the record unchanged;
- the right role in scope → 2xx, the record reaches the expected state and the
  database did change (so the "unchanged" check could fail).

``allowed`` lists every account of the district that the policy lets take the
step; all other accounts that see the record must be refused.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.test import Client

from postaward.core import clock
from postaward.orgs.choices import OrgKind, Role
from postaward.orgs.tests.authz import assert_refused
from postaward.projects import services as project_services
from postaward.projects.choices import Position
from postaward.projects.models import KeyPersonAssignment
from postaward.testing import (
    District,
    account,
    db_fingerprint,
    org,
    person,
    replay,
    table_counts,
)

from .. import services
from ..choices import (
    AcceptanceState,
    ChangeState,
    ExtensionState,
    HiddenWorkState,
    NoticeState,
    PersonnelState,
)
from . import authz_rows as rows
from . import factories as f

pytestmark = pytest.mark.django_db

BASE = "/api/v1/approvals"

# --- who may (the district of ``postaward.testing`` with ``factories.extras``) ----------------------

SUPERVISOR = frozenset({"chief_a", "supervisor_a_admin"})  # SY 23
CONTRACTOR = frozenset({"pm_a", "contractor_a_admin"})  # SY 22
OWNER = frozenset({"school_leader", "school_admin"})  # the owner's project leader or administrator
AUTHORITY = frozenset({"housing_staff", "housing_admin"})  # p_school's industry authority
SUPERIOR = frozenset({"line_supervisor", "edu_admin"})  # p_school's superior unit and its line
OFFICE = frozenset({"office_staff", "office_admin"})  # the leading group (监管办)
DRC = frozenset({"drc"})  # R-CHG-05


def outsiders(d: District) -> District:
    """The same kinds of body out of p_school's reach: a second superior unit,
    and a second district with its supervision office and DRC."""
    o = d.orgs
    if "health" not in o:
        o["health"] = org(o["office"], "测试区卫生健康局", OrgKind.SUPERIOR_UNIT)
        d.users["health_admin"] = account(o["health"], "health_admin", [Role.ADMIN])
        o["office2"] = org(None, "邻区监管办", OrgKind.SUPERVISION_OFFICE)
        d.users["office2_staff"] = account(o["office2"], "office2_staff", [Role.OFFICE_STAFF])
        o["drc2"] = org(o["office2"], "邻区发展和改革局", OrgKind.DRC)
        d.users["drc2"] = account(o["drc2"], "drc2", [Role.DRC_OFFICER])
    return d


def with_outsiders(d: District) -> District:
    """``outsiders(d)``, built once per process and moment, then replayed (ADR 0053)."""
    return replay("approvals:outsiders", lambda: outsiders(d), on=d)  # type: ignore[no-any-return]


# --- records in the state where the step is allowed -------------------------------------------------

Setup = Callable[[District, Any], Any]


def _ctx(d: District, build: Callable[[District], None], key: str) -> Any:
    d.ctx = {}  # type: ignore[attr-defined]
    build(d)
    return d.ctx[key]  # type: ignore[attr-defined]


def change(d: District, frozen: Any) -> Any:
    return f.change(d)


def owner_raised_change(d: District, frozen: Any) -> Any:
    return f.change(d, user="school_leader")


def reviewed_change(d: District, frozen: Any) -> Any:
    c = f.change(d)
    services.review_change(actor=d.actor("chief_a"), change=c)
    return c


def major_change_owner_approved(d: District, frozen: Any) -> Any:
    c = f.change(d, category="design", cost_delta=Decimal("1200000"))
    services.review_change(actor=d.actor("chief_a"), change=c)
    services.approve_change(actor=d.actor("school_leader"), change=c)
    assert c.state == ChangeState.OWNER_APPROVED
    return c


def hidden_applied(d: District, frozen: Any) -> Any:
    return f.hidden_work(d, days_ahead=2)


def hidden_important_on_the_day(d: District, frozen: Any) -> Any:
    hw = f.hidden_work(d, days_ahead=1, is_important=True)
    frozen.shift(dt.timedelta(days=1))
    return hw


def hidden_today(d: District, frozen: Any) -> Any:
    """Applied yesterday for works today: the supervisor stands by now."""
    hw = f.hidden_work(d, days_ahead=1)
    frozen.shift(dt.timedelta(days=1))
    return hw


def hidden_accepted(d: District, frozen: Any) -> Any:
    hw = hidden_today(d, frozen)
    services.record_standby(
        actor=d.actor("chief_a"), hidden_work=hw, opinion="验收合格", photos=f.photos()
    )
    return hw


def hidden_returned_with_new_photos(d: District, frozen: Any) -> Any:
    hw = hidden_accepted(d, frozen)
    services.return_photos(actor=d.actor("school_leader"), hidden_work=hw, opinion="标尺照片模糊")
    frozen.shift(dt.timedelta(hours=1))
    services.upload_photos(
        actor=d.actor("chief_a"),
        hidden_work=hw,
        photos={"scale": f.jpeg("scale2.jpg", taken=clock.now())},
    )
    return hw


def personnel_pending(d: District, frozen: Any) -> Any:
    """The project manager is replaced: the supervising firm reviews first (R-CHG-06)."""
    return _ctx(d, rows._personnel, "pc")


def personnel_review_route(d: District, frozen: Any) -> Any:
    """The project manager is replaced, reviewed by the supervising firm: owner
    agrees → authority reviews."""
    return _ctx(d, rows._reviewed_personnel, "pc")


def personnel_review_agreed(d: District, frozen: Any) -> Any:
    pc = personnel_review_route(d, frozen)
    services.agree_personnel_change(actor=d.actor("school_leader"), change=pc)
    return pc


def personnel_filing_agreed(d: District, frozen: Any) -> Any:
    """A supervisor (监理员) is replaced: owner and superior unit agree → filed."""
    firm = d.orgs["supervisor_a"]
    sup = person(firm, name="原监理员")
    project_services.assign_key_person(
        actor=d.actor("school_leader"),
        participant=f.participant(d.projects["p_school"], "supervising_firm"),
        person=sup,
        position=Position.SUPERVISOR,
        started_on=dt.date(2026, 3, 2),
    )
    pc = services.initiate_personnel_change(
        actor=d.actor("supervisor_a_admin"),
        assignment=KeyPersonAssignment.objects.get(person=sup),
        replacement=person(firm, name="新监理员"),
        reason_kind="transfer",
        reason="工作调动至其他项目",
        qualification_document=f.pdf(),
        social_insurance=f.pdf(),
    )
    services.agree_personnel_change(actor=d.actor("school_admin"), change=pc)
    return pc


def personnel_approved(d: District, frozen: Any) -> Any:
    return _ctx(d, rows._approved_personnel, "pc")


def notice_issued(d: District, frozen: Any) -> Any:
    return _ctx(d, rows._notice, "notice")


def notice_overdue(d: District, frozen: Any) -> Any:
    n = notice_issued(d, frozen)
    frozen.shift(dt.timedelta(days=4))
    assert services.mark_overdue(n.pk)
    n.refresh_from_db()
    return n


def notice_replied(d: District, frozen: Any) -> Any:
    return _ctx(d, rows._replied_notice, "notice")


def notice_refused(d: District, frozen: Any) -> Any:
    n = notice_issued(d, frozen)
    services.record_refusal(actor=d.actor("chief_a"), notice=n, note="项目经理明确拒绝整改")
    return n


def acceptance_submitted(d: District, frozen: Any) -> Any:
    return _ctx(d, rows._acceptance, "req")


def acceptance_received(d: District, frozen: Any) -> Any:
    return _ctx(d, rows._received, "req")


def township_received(d: District, frozen: Any) -> Any:
    """A village project that passed its self-acceptance: the village asks the
    township for the re-acceptance (R-ACC-05)."""
    p = _ctx(d, rows._village_self_accepted, "village_project")
    return services.request_township(
        actor=d.actor("village_leader"), project=p, description="自验合格，整改完毕，申请复验"
    )


def extension_at(state: str) -> Setup:
    def build(d: District, frozen: Any) -> Any:
        ext = _ctx(d, rows._extension, "ext")
        if state != ExtensionState.PENDING_SUPERIOR:
            services.decide_extension(actor=d.actor("line_supervisor"), extension=ext, approve=True)
        if state == ExtensionState.PENDING_OFFICE:
            services.decide_extension(actor=d.actor("housing_staff"), extension=ext, approve=True)
        assert ext.state == state
        return ext

    return build


# --- the cases ----------------------------------------------------------------------------------------


def _opinion(text: str) -> Callable[[District], dict]:
    return lambda d: {"opinion": text}


AGREE = _opinion("同意")


@dataclass(frozen=True)
class Case:
    """One step: ``POST {BASE}/{prefix}/{pk}/{action}`` on the record ``setup``
    builds. ``expect`` is the state reached, or a check of the record."""

    id: str
    prefix: str
    action: str
    setup: Setup
    ok: str
    allowed: frozenset[str]
    out: tuple[str, ...]
    expect: str | Callable[[Any], bool]
    body: Callable[[District], dict] = AGREE
    form: bool = False


CASES = [
    # --- engineering changes (R-CHG-01, R-CHG-02, R-CHG-05) -----------------------------------
    Case(
        "R-CHG-02-change-review",
        "changes",
        "review",
        change,
        "chief_a",
        SUPERVISOR,
        ("supervisor_b_admin", "contractor_b_admin"),
        ChangeState.SUPERVISOR_APPROVED,
    ),
    Case(
        "R-CHG-02-change-approve",
        "changes",
        "approve",
        reviewed_change,
        "school_leader",
        OWNER,
        ("hospital_admin",),
        ChangeState.APPROVED,
    ),
    Case(
        "R-CHG-05-change-approve-drc",
        "changes",
        "approve-drc",
        major_change_owner_approved,
        "drc",
        DRC,
        ("drc2",),
        ChangeState.APPROVED,
    ),
    Case(
        "R-CHG-02-change-reject-by-supervisor",
        "changes",
        "reject",
        change,
        "chief_a",
        SUPERVISOR,
        ("supervisor_b_admin",),
        ChangeState.REJECTED,
        _opinion("变更依据不足"),
    ),
    Case(
        "R-CHG-02-change-reject-by-owner",
        "changes",
        "reject",
        reviewed_change,
        "school_leader",
        OWNER,
        ("hospital_admin",),
        ChangeState.REJECTED,
        _opinion("不同意变更"),
    ),
    Case(
        "R-CHG-05-change-reject-by-drc",
        "changes",
        "reject",
        major_change_owner_approved,
        "drc",
        DRC,
        ("drc2",),
        ChangeState.REJECTED,
        _opinion("超出批复规模"),
    ),
    Case(
        "R-CHG-01-change-withdraw",
        "changes",
        "withdraw",
        change,
        "pm_a",
        CONTRACTOR,
        ("contractor_b_admin",),
        ChangeState.WITHDRAWN,
    ),
    # The owner raised it: only the owner may withdraw it; the contractor may not
    # take back the owner's request (workflows.raiser, ADR 0304).
    Case(
        "R-CHG-01-change-withdraw-owner-raised",
        "changes",
        "withdraw",
        owner_raised_change,
        "school_leader",
        OWNER,
        ("hospital_admin", "contractor_b_admin"),
        ChangeState.WITHDRAWN,
    ),
    # --- hidden works (R-HID-01..03; the supervisor's hidden-works material, R-SUP-01) --------
    Case(
        "R-HID-02-hidden-standby-with-photos",
        "hidden-works",
        "photos",
        hidden_today,
        "chief_a",
        SUPERVISOR,
        ("supervisor_b_admin",),
        HiddenWorkState.ACCEPTED,
        lambda d: {"opinion": "钢筋隐蔽验收合格", **f.photos()},
        form=True,
    ),
    Case(
        "R-HID-03-hidden-important",
        "hidden-works",
        "important",
        hidden_applied,
        "school_leader",
        OWNER,
        ("hospital_admin",),
        lambda hw: hw.is_important,
        _opinion("主体结构"),
    ),
    Case(
        "R-HID-03-hidden-owner-standby",
        "hidden-works",
        "owner-standby",
        hidden_important_on_the_day,
        "school_leader",
        OWNER,
        ("hospital_admin",),
        lambda hw: hw.owner_standby_at is not None and hw.state == HiddenWorkState.APPLIED,
        _opinion("建设单位派员旁站，合格"),
    ),
    Case(
        "R-HID-03-hidden-approve-review",
        "hidden-works",
        "approve",
        hidden_accepted,
        "school_leader",
        OWNER,
        ("hospital_admin",),
        HiddenWorkState.REVIEWED,
    ),
    Case(
        "R-HID-03-hidden-return",
        "hidden-works",
        "return",
        hidden_accepted,
        "school_leader",
        OWNER,
        ("hospital_admin",),
        HiddenWorkState.RETURNED,
        _opinion("标尺照片模糊"),
    ),
    Case(
        "R-HID-02-hidden-resubmit",
        "hidden-works",
        "resubmit",
        hidden_returned_with_new_photos,
        "chief_a",
        SUPERVISOR,
        ("supervisor_b_admin",),
        HiddenWorkState.ACCEPTED,
    ),
    Case(
        "R-HID-01-hidden-withdraw",
        "hidden-works",
        "withdraw",
        hidden_applied,
        "pm_a",
        CONTRACTOR,
        ("contractor_b_admin",),
        HiddenWorkState.WITHDRAWN,
    ),
    # --- personnel changes (R-CHG-03, R-CHG-06) -------------------------------------------------
    Case(
        "R-CHG-06-personnel-review-by-supervisor",
        "personnel",
        "review",
        personnel_pending,
        "chief_a",
        SUPERVISOR,
        ("supervisor_b_admin", "contractor_b_admin"),
        PersonnelState.SUBMITTED,
    ),
    Case(
        "R-CHG-03-personnel-agree",
        "personnel",
        "agree",
        personnel_review_route,
        "school_leader",
        OWNER,
        ("hospital_admin",),
        PersonnelState.OWNER_AGREED,
    ),
    Case(
        "R-CHG-03-personnel-approve-by-authority",
        "personnel",
        "approve",
        personnel_review_agreed,
        "housing_staff",
        AUTHORITY,
        ("transport_staff",),
        PersonnelState.APPROVED,
    ),
    Case(
        "R-CHG-03-personnel-approve-by-superior-filed",
        "personnel",
        "approve",
        personnel_filing_agreed,
        "line_supervisor",
        SUPERIOR,
        ("health_admin",),
        PersonnelState.APPROVED,
    ),
    Case(
        "R-CHG-03-personnel-reject-by-owner",
        "personnel",
        "reject",
        personnel_review_route,
        "school_leader",
        OWNER,
        ("hospital_admin",),
        PersonnelState.REJECTED,
        _opinion("替换人员资历不足"),
    ),
    Case(
        "R-CHG-03-personnel-reject-by-authority",
        "personnel",
        "reject",
        personnel_review_agreed,
        "housing_staff",
        AUTHORITY,
        ("transport_staff",),
        PersonnelState.REJECTED,
        _opinion("替换人员资历不足"),
    ),
    Case(
        "R-CHG-03-personnel-reject-by-superior",
        "personnel",
        "reject",
        personnel_filing_agreed,
        "line_supervisor",
        SUPERIOR,
        ("health_admin",),
        PersonnelState.REJECTED,
        _opinion("替换人员资历不足"),
    ),
    Case(
        "R-CHG-03-personnel-withdraw",
        "personnel",
        "withdraw",
        personnel_review_route,
        "contractor_a_admin",
        frozenset({"contractor_a_admin"}),  # the changing unit's administrator or leader
        ("contractor_b_admin",),
        PersonnelState.WITHDRAWN,
    ),
    Case(
        "R-CHG-03-personnel-complete",
        "personnel",
        "complete",
        personnel_approved,
        "school_leader",
        OWNER,
        ("hospital_admin",),
        PersonnelState.COMPLETED,
        rows._complete_form,
        form=True,
    ),
    # --- rectification notices (R-SUP-01, R-SUP-02) -------------------------------------------
    Case(
        "R-SUP-01-notice-reply",
        "notices",
        "reply",
        notice_issued,
        "pm_a",
        CONTRACTOR,
        ("contractor_b_admin",),
        NoticeState.REPLIED,
        rows._reply_body,
    ),
    Case(
        "R-SUP-01-notice-close",
        "notices",
        "close",
        notice_replied,
        "chief_a",
        SUPERVISOR,
        ("supervisor_b_admin",),
        NoticeState.CLOSED,
        _opinion("复查合格"),
    ),
    Case(
        "R-SUP-01-notice-reopen",
        "notices",
        "reopen",
        notice_replied,
        "chief_a",
        SUPERVISOR,
        ("supervisor_b_admin",),
        lambda n: n.state == NoticeState.ISSUED and n.round == 2,
        rows._reopen_body,
    ),
    Case(
        "R-SUP-02-notice-interview",
        "notices",
        "interview",
        notice_overdue,
        "school_leader",
        OWNER,
        ("hospital_admin",),
        lambda n: n.interview_at is not None,
        _opinion("约谈项目经理，限期两日整改"),
    ),
    Case(
        "R-SUP-02-notice-refuse-by-supervisor",
        "notices",
        "refuse",
        notice_issued,
        "chief_a",
        SUPERVISOR | OWNER,
        ("supervisor_b_admin", "hospital_admin"),
        NoticeState.REFUSED,
        _opinion("项目经理明确拒绝整改"),
    ),
    Case(
        "R-SUP-02-notice-refuse-by-owner",
        "notices",
        "refuse",
        notice_issued,
        "school_leader",
        SUPERVISOR | OWNER,
        ("supervisor_b_admin", "hospital_admin"),
        NoticeState.REFUSED,
        _opinion("施工单位拒绝整改"),
    ),
    Case(
        "R-SUP-02-notice-handle",
        "notices",
        "handle",
        notice_refused,
        "housing_staff",
        AUTHORITY,
        ("transport_staff",),
        NoticeState.HANDLED,
        _opinion("约谈企业负责人并通报"),
    ),
    # --- completion acceptance (R-ACC-01, R-ACC-03, R-ACC-05) ----------------------------------
    Case(
        "R-ACC-01-acceptance-review",
        "acceptance",
        "review",
        acceptance_submitted,
        "chief_a",
        SUPERVISOR,
        ("supervisor_b_admin",),
        AcceptanceState.RECEIVED,
        _opinion("具备验收条件"),
    ),
    Case(
        "R-ACC-01-acceptance-reject",
        "acceptance",
        "reject",
        acceptance_submitted,
        "chief_a",
        SUPERVISOR,
        ("supervisor_b_admin",),
        AcceptanceState.REJECTED,
        _opinion("资料不全"),
    ),
    Case(
        "R-ACC-01-acceptance-withdraw",
        "acceptance",
        "withdraw",
        acceptance_submitted,
        "pm_a",
        CONTRACTOR,
        ("contractor_b_admin",),
        AcceptanceState.WITHDRAWN,
    ),
    Case(
        "R-ACC-03-acceptance-return",
        "acceptance",
        "return",
        acceptance_received,
        "school_leader",
        OWNER,
        ("hospital_admin",),
        AcceptanceState.RETURNED,
        rows._return_body,
    ),
    Case(
        "R-ACC-01-acceptance-conclude",
        "acceptance",
        "conclude",
        acceptance_received,
        "school_leader",
        OWNER,
        ("hospital_admin",),
        AcceptanceState.PASSED,
        rows._conclude_form,
        form=True,
    ),
    Case(
        "R-ACC-05-township-conclude",
        "acceptance",
        "conclude",
        township_received,
        "town_admin",
        frozenset({"town_admin"}),  # the township organises the re-acceptance
        ("edu_admin", "line_supervisor", "school_admin", "hospital_admin"),
        AcceptanceState.PASSED,
        rows._conclude_form,
        form=True,
    ),
    # --- extension of super-large works (R-ACC-04) ---------------------------------------------
    Case(
        "R-ACC-04-extension-approve-by-superior",
        "extensions",
        "approve",
        extension_at(ExtensionState.PENDING_SUPERIOR),
        "line_supervisor",
        SUPERIOR,
        ("health_admin",),
        ExtensionState.PENDING_AUTHORITY,
    ),
    Case(
        "R-ACC-04-extension-approve-by-authority",
        "extensions",
        "approve",
        extension_at(ExtensionState.PENDING_AUTHORITY),
        "housing_staff",
        AUTHORITY,
        ("transport_staff",),
        ExtensionState.PENDING_OFFICE,
    ),
    Case(
        "R-ACC-04-extension-approve-by-office",
        "extensions",
        "approve",
        extension_at(ExtensionState.PENDING_OFFICE),
        "office_staff",
        OFFICE,
        ("office2_staff",),
        ExtensionState.APPROVED,
    ),
    Case(
        "R-ACC-04-extension-reject-by-superior",
        "extensions",
        "reject",
        extension_at(ExtensionState.PENDING_SUPERIOR),
        "line_supervisor",
        SUPERIOR,
        ("health_admin",),
        ExtensionState.REJECTED,
        _opinion("理由不充分"),
    ),
    Case(
        "R-ACC-04-extension-reject-by-authority",
        "extensions",
        "reject",
        extension_at(ExtensionState.PENDING_AUTHORITY),
        "housing_staff",
        AUTHORITY,
        ("transport_staff",),
        ExtensionState.REJECTED,
        _opinion("理由不充分"),
    ),
    Case(
        "R-ACC-04-extension-reject-by-office",
        "extensions",
        "reject",
        extension_at(ExtensionState.PENDING_OFFICE),
        "office_staff",
        OFFICE,
        ("office2_staff",),
        ExtensionState.REJECTED,
        _opinion("理由不充分"),
    ),
]


# --- calling and checking -----------------------------------------------------------------------------


def _send(client: Client, case: Case, d: District, obj: Any) -> Any:
    url = f"{BASE}/{case.prefix}/{obj.pk}/{case.action}"
    data = case.body(d)
    if case.form:
        return client.post(url, data=data)
    return client.post(
        url, data=json.dumps(data, ensure_ascii=False), content_type="application/json"
    )


def _fingerprint(obj: Any) -> tuple:
    """``db_fingerprint()`` (core, orgs, projects, attendance and the audit head),
    the row count of every approvals table, and the record itself."""
    counts = table_counts(list(apps.get_app_config("approvals").get_models()))
    row = type(obj)._default_manager.filter(pk=obj.pk).values().get()
    return (db_fingerprint(), counts, tuple(sorted(row.items())))


def _sees(d: District, username: str, obj: Any) -> bool:
    return type(obj).objects.visible_to(d.actor(username)).filter(pk=obj.pk).exists()


def _refused(
    case: Case,
    d: District,
    obj: Any,
    client: Client,
    status: int,
    who: str,
    before: tuple,
) -> None:
    """The call is refused with ``status`` and leaves the database as it was
    (``before``: the fingerprint taken before the first of a series of refused
    calls, each of which must leave it unchanged)."""
    r = _send(client, case, d, obj)
    assert r.status_code == status, (
        f"{case.id}: {who} got {r.status_code}, expected {status}: {r.content[:300]!r}"
    )
    assert_refused(r, status)
    assert _fingerprint(obj) == before, f"{case.id}: the refused call of {who} changed something"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_step_is_refused_to_the_wrong_role_and_out_of_scope(d, frozen, case):
    d = with_outsiders(d)
    obj = case.setup(d, frozen)
    assert case.ok in case.allowed

    # every account that sees the record but may not take the step, and the account
    # without roles; the right kind of account, out of scope. Their clients are
    # logged in first: the database as it is then is what every refused call
    # below must leave unchanged.
    wrong = sorted(u for u in d.users if u not in case.allowed and _sees(d, u, obj))
    assert wrong, f"{case.id}: no account in scope with a wrong role"
    for username in case.out:
        assert not _sees(d, username, obj), f"{case.id}: {username} is not out of scope"
    clients = {u: d.client(u) for u in [*wrong, "roleless", *case.out]}
    before = _fingerprint(obj)

    # anonymous, and a forged token
    _refused(case, d, obj, Client(), 401, "anonymous", before)
    forged = Client(HTTP_AUTHORIZATION="Bearer pa_0_forged")
    _refused(case, d, obj, forged, 401, "forged token", before)

    for username in [*wrong, "roleless"]:
        _refused(case, d, obj, clients[username], 403, username, before)

    for username in case.out:
        _refused(case, d, obj, clients[username], 404, username, before)
        body = _send(clients[username], case, d, obj).json()
        assert body["code"] == "not_found" and body["message"] == "对象不存在或无权访问"

    # the right role in scope
    before = _fingerprint(obj)
    r = _send(d.client(case.ok), case, d, obj)
    assert 200 <= r.status_code < 300, f"{case.id}: {case.ok} got {r.content[:400]!r}"
    obj.refresh_from_db()
    if isinstance(case.expect, str):
        assert obj.state == case.expect, f"{case.id}: state {obj.state}"
    else:
        assert case.expect(obj), f"{case.id}: the step did not take effect"
    assert _fingerprint(obj) != before


OTHERS = [(c, u) for c in CASES for u in sorted(c.allowed - {c.ok})]


@pytest.mark.parametrize(("case", "username"), OTHERS, ids=[f"{c.id}-{u}" for c, u in OTHERS])
def test_every_other_allowed_account_may_take_the_step(d, frozen, case, username):
    """The other accounts the policy names (the firm's administrator beside its
    engineer, the owner's administrator beside its project leader …) succeed too,
    so ``allowed`` is no wider than what the code grants."""
    d = with_outsiders(d)
    obj = case.setup(d, frozen)
    r = _send(d.client(username), case, d, obj)
    assert 200 <= r.status_code < 300, f"{case.id}: {username} got {r.content[:400]!r}"


# --- an empty opinion: the role is checked before the input ----------------------------------------

# The steps that take a required free text: (the body's field, the label the message names).
# A caller of the wrong role learns that they may not act (403), not what the form lacks (422).
EMPTY_TEXT = {
    "R-CHG-02-change-reject-by-supervisor": ("opinion", "不通过的理由"),
    "R-CHG-02-change-reject-by-owner": ("opinion", "不通过的理由"),
    "R-CHG-05-change-reject-by-drc": ("opinion", "不通过的理由"),
    "R-CHG-03-personnel-reject-by-owner": ("opinion", "不同意的理由"),
    "R-CHG-03-personnel-reject-by-authority": ("opinion", "不同意的理由"),
    "R-CHG-03-personnel-reject-by-superior": ("opinion", "不同意的理由"),
    "R-ACC-01-acceptance-reject": ("opinion", "审核意见"),
    "R-HID-02-hidden-standby-with-photos": ("opinion", "旁站验收意见"),
    "R-HID-03-hidden-return": ("opinion", "退回理由"),
    "R-HID-03-hidden-owner-standby": ("opinion", "旁站意见"),
    "R-SUP-01-notice-reply": ("reply", "整改回复"),
    "R-SUP-01-notice-reopen": ("opinion", "复查意见"),
    "R-SUP-02-notice-interview": ("opinion", "约谈情况"),
    "R-SUP-02-notice-refuse-by-supervisor": ("opinion", "拒不整改情况"),
    "R-SUP-02-notice-refuse-by-owner": ("opinion", "拒不整改情况"),
    "R-SUP-02-notice-handle": ("opinion", "调查处理结果"),
    "R-ACC-03-acceptance-return": ("reason", "延期验收理由"),
    "R-ACC-01-acceptance-conclude": ("conclusion", "验收结论"),
    "R-ACC-04-extension-reject-by-superior": ("opinion", "不同意的理由"),
    "R-ACC-04-extension-reject-by-authority": ("opinion", "不同意的理由"),
    "R-ACC-04-extension-reject-by-office": ("opinion", "不同意的理由"),
}
EMPTY_CASES = [c for c in CASES if c.id in EMPTY_TEXT]


def test_every_empty_text_case_is_a_step():
    assert {c.id for c in EMPTY_CASES} == set(EMPTY_TEXT)


def _emptied(case: Case) -> Case:
    field, _ = EMPTY_TEXT[case.id]

    def body(d: District) -> dict:
        data = case.body(d)
        assert field in data, f"{case.id}: the body has no {field}"
        return {**data, field: ""}

    return replace(case, body=body)


@pytest.mark.parametrize("case", EMPTY_CASES, ids=[c.id for c in EMPTY_CASES])
def test_an_empty_opinion_of_the_wrong_role_is_refused_for_the_role(d, frozen, case):
    d = with_outsiders(d)
    obj = case.setup(d, frozen)
    empty = _emptied(case)

    wrong = sorted(u for u in d.users if u not in case.allowed and _sees(d, u, obj))
    assert wrong, f"{case.id}: no account in scope with a wrong role"
    clients = {u: d.client(u) for u in [*wrong, "roleless", *case.out, case.ok]}
    before = _fingerprint(obj)
    for username in [*wrong, "roleless"]:
        _refused(empty, d, obj, clients[username], 403, username, before)
    for username in case.out:
        _refused(empty, d, obj, clients[username], 404, username, before)

    # the right role: the empty text is refused, naming the field in Chinese, and changes nothing
    field, label = EMPTY_TEXT[case.id]
    r = _send(clients[case.ok], empty, d, obj)
    assert r.status_code == 422, f"{case.id}: {case.ok} got {r.status_code}: {r.content[:300]!r}"
    assert_refused(r, 422)
    body = r.json()
    assert body["code"] == "validation_error" and body["message"] == f"请填写{label}", body
    assert [e["message"] for e in body["errors"]] == [body["message"]], body
    # the error names the field as the client sent it
    assert body["errors"][0]["field"] == field, body
    assert _fingerprint(obj) == before, f"{case.id}: the refused empty text changed something"
