"""R-ORG-04, generic: every list the platform answers, to every account of the
test district, holds only rows whose project the account may see.

Data-driven, so that a new endpoint or page is covered the day it is added:

- the API: every GET operation of the ninja OpenAPI whose success response is
  a list (a JSON array, or a page ``{"items": [...], "count": n}``) is called
  by every account; path parameters are filled from ``PATH_OBJECTS`` (every
  object of the district, visible or not) and required query parameters from
  ``QUERY_VALUES``. An operation that needs a parameter not listed there fails
  the test until it is listed (or allow-listed with a reason). In each answer:
  every ``project_id`` / ``project`` (id or ``{"id"}``) found at any depth is a
  project the account sees through ``Project.objects.visible_to``; where the
  rows are objects of a scoped model (``ROW_MODELS``) every row's ``id`` is in
  that model's ``visible_to``; and the name of no project hidden from the
  account appears anywhere in the answer;
- the pages: every parameterless URL pattern (the list pages, dashboards and
  forms whose pickers list projects) is fetched by every account; a page may
  link only to projects the account sees (``/projects/<id>/``) and must not
  name a hidden project.

``NOT_CHECKED`` is the explicit allow-list: each entry says why the rule does
not apply. Keep it short.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from postaward.core import deadlines
from postaward.core.actor import SYSTEM
from postaward.core.services import open_todo
from postaward.orgs.choices import Industry

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1"

# Operations / pages to which the project rule does not apply (reason each).
NOT_CHECKED = {
    # (No API list is exempt today. An entry here must be a list operation.)
    # Pages that are not reads: logging out / marking read on GET would change
    # the session or data; the login pages are anonymous.
    "accounts/logout/": "ends the session",
    "accounts/login/": "anonymous page",
    "notifications/read-all/": "a write, not a list",
}

# Path parameters of list operations: every object of the district (visible or
# not: out of scope must answer 404 or an empty list).
PATH_OBJECTS = {
    "project_id": ("projects", "Project"),
    "participant_id": ("projects", "Participant"),
    # the steps listings of the step registry (``GET …/{id}/steps``)
    "alert_id": ("alerts", "Alert"),
    "transfer_id": ("alerts", "ClueTransfer"),
    "issue_id": ("alerts", "SuspectedIssue"),
    "acceptance_id": ("approvals", "AcceptanceRequest"),
    "hidden_work_id": ("approvals", "HiddenWork"),
    "notice_id": ("approvals", "RectificationNotice"),
    "extension_id": ("approvals", "AcceptanceExtension"),
    "leave_id": ("attendance", "LeaveRequest"),
    "interview_id": ("attendance", "AttendanceInterview"),
    "suspension_id": ("projects", "Suspension"),
    "application_id": ("projects", "DataCompletionApplication"),
    "event_id": ("projects", "AbnormalAwardEvent"),
    "change_id": ("approvals", "EngineeringChange"),
    "personnel_change_id": ("approvals", "PersonnelChange"),
    "complaint_id": ("complaints", "Complaint"),
    "assignment_id": ("complaints", "ComplaintAssignment"),
    "checkin_id": ("attendance", "CheckIn"),
    "record_id": ("credit", "CreditRecord"),
    "request_id": ("credit", "CreditRequest"),
    "sanction_id": ("credit", "Sanction"),
    "matter_id": ("accountability", "Matter"),
    "decision_id": ("accountability", "MatterPerson"),
    "appraisal_id": ("credit", "AgentAppraisal"),
    "report_id": ("credit", "ExpertReport"),
    "disclosure_id": ("credit", "AgentDisclosure"),
    "rule_set_id": ("credit", "RuleSet"),
    "score_event_id": ("credit", "ScoreEvent"),
    "publication_id": ("portal", "Publication"),
    "case_id": ("cases", "Case"),
    "plan_id": ("inspections", "InspectionPlan"),
    "draw_id": ("inspections", "Draw"),
    "contract_check_id": ("inspections", "ContractCheck"),
    "inspection_id": ("inspections", "Inspection"),
    "rectification_id": ("inspections", "RectificationOrder"),
    "interference_id": ("accountability", "InterferenceRecord"),
    "clue_id": ("accountability", "Clue"),
    "proposal_id": ("accountability", "Proposal"),
    "typical_case_id": ("reports", "TypicalCase"),
    "monthly_report_id": ("reports", "MonthlyReport"),
    "meeting_pack_id": ("reports", "MeetingPack"),
    "reporting_unit_id": ("reports", "ReportingUnit"),
}

# Path parameters that name a kind rather than an object: every value.
PATH_VALUES: dict[str, list[str]] = {
    "kind": ["in-process", "post-award", "complaints", "verified"],
}

# Required query parameters of list operations.
QUERY_VALUES: dict[str, str] = {
    "start": "2026-03-01",
    "end": "2026-03-31",
    "year": "2026",
    "month": "3",
    "date": "2026-03-10",
    "on": "2026-03-10",
    "person_id": "1",
}

# Lists whose rows are objects of a scoped model: each row's "id" must be in
# the model's visible_to(actor).
ROW_MODELS = {
    "/api/v1/projects": ("projects", "Project"),
    "/api/v1/projects/map": ("projects", "Project"),
    "/api/v1/todos": ("core", "Todo"),
    "/api/v1/approvals/deadlines": ("core", "Deadline"),
    "/api/v1/alerts": ("alerts", "Alert"),
    "/api/v1/alerts/notifications": ("alerts", "Notification"),
    "/api/v1/orgs": ("orgs", "Organisation"),
    "/api/v1/people": ("orgs", "Person"),
    "/api/v1/accounts": ("orgs", "User"),
    "/api/v1/complaints": ("complaints", "Complaint"),
    "/api/v1/credit/records": ("credit", "CreditRecord"),
    "/api/v1/credit/sanctions": ("credit", "Sanction"),
    "/api/v1/accountability/interference": ("accountability", "InterferenceRecord"),
    "/api/v1/accountability/integrity-rules": ("accountability", "IntegrityRule"),
    "/api/v1/accountability/matters": ("accountability", "Matter"),
    "/api/v1/credit/agent-appraisals": ("credit", "AgentAppraisal"),
    "/api/v1/credit/agent-choices": ("credit", "AgentChoice"),
    "/api/v1/credit/expert-pool": ("credit", "ExpertPoolMember"),
    "/api/v1/credit/evaluation-events": ("credit", "EvaluationEvent"),
    "/api/v1/credit/expert-reports": ("credit", "ExpertReport"),
    "/api/v1/credit/rule-sets": ("credit", "RuleSet"),
    "/api/v1/credit/score-events": ("credit", "ScoreEvent"),
    "/api/v1/portal/publications": ("portal", "Publication"),
    "/api/v1/cases": ("cases", "Case"),
    "/api/v1/cases/delivered-documents": ("cases", "CaseDocument"),
    "/api/v1/inspections/items": ("inspections", "WorkItem"),
    "/api/v1/inspections/plans": ("inspections", "InspectionPlan"),
    "/api/v1/inspections/draws": ("inspections", "Draw"),
    "/api/v1/inspections/contract-checks": ("inspections", "ContractCheck"),
    "/api/v1/inspections/visits": ("inspections", "Inspection"),
    "/api/v1/inspections/rectifications": ("inspections", "RectificationOrder"),
    "/api/v1/accountability/clues": ("accountability", "Clue"),
    "/api/v1/reports/typical-cases": ("reports", "TypicalCase"),
    "/api/v1/reports/monthly": ("reports", "MonthlyReport"),
    "/api/v1/reports/meetings": ("reports", "MeetingPack"),
    "/api/v1/reports/monthly-units": ("reports", "ReportingUnit"),
}


# --- the district with rows routed across units ------------------------------------------------


@pytest.fixture
def seeded(scoped_district):
    """The district plus, for every project, deadlines routed to units that
    do not all see it, to-dos, an alert (with its notifications), and the
    office's trial run whose hits name every project."""
    from postaward.alerts import services as alert_services
    from postaward.alerts.choices import RunState
    from postaward.alerts.indicators import Hit
    from postaward.alerts.models import EvaluationRun

    d = scoped_district
    routed_to = ["school", "hospital", "supervisor_a", "contractor_a", "contractor_b", "edu_line"]
    for key, project in d.projects.items():
        for i, org_key in enumerate(routed_to):
            todo = open_todo(
                key=f"scope:{key}:{org_key}",
                kind="approvals.test",
                title=f"{project.name} 待办",
                organisation_id=d.orgs[org_key].pk,
                project_id=project.pk,
            )
            deadlines.open_deadline(
                kind=["approvals.settlement_below", "approvals.hidden_standby"][i % 2],
                subject=todo,
                length=30,
                unit="calendar_days",
                basis="测试",
                organisation_id=d.orgs[org_key].pk,
                project_id=project.pk,
            )
        alert_services.record_hit(
            alert_services.indicator_for("attendance.absence_streak"),
            Hit(
                dedup_key=f"scope:{key}",
                title=f"预警 {project.name}",
                facts={"project": project.name},
                project_id=project.pk,
            ),
        )
    run = alert_services.request_sandbox(
        actor=d.actor("office_staff"),
        indicator=alert_services.indicator_for("peer.delay_iqr"),
        params={},
        as_of=dt.date(2026, 3, 10),
    )
    EvaluationRun.objects.filter(pk=run.pk).update(
        state=RunState.DONE,
        result=[
            {"title": p.name, "project_id": p.pk, "facts": {}, "evidence": [], "status": "新"}
            for p in d.projects.values()
        ],
    )
    # A typical case on every project (the reports ledger).
    from postaward.reports import services_cases

    for project in d.projects.values():
        services_cases.mark(
            actor=d.actor("office_staff"),
            project_id=project.pk,
            problem=f"{project.name} 问题反映集中",
            measures="约谈建设单位负责人，限期整改",
            days=10,
        )
    # The monthly reports of the district (R-REP-02): one per department and the summary.
    from postaward.core import clock
    from postaward.reports import services_monthly

    services_monthly.open_month(d.orgs["office"], clock.today().year, clock.today().month)
    # A project of another district: seen by nobody here.
    from postaward.orgs.choices import OrgKind
    from postaward.projects import services as project_services
    from postaward.testing import org

    office = org(None, "邻区监管办", OrgKind.SUPERVISION_OFFICE)
    # The data-meeting packs (R-REP-03): this district's (generated) and the neighbour's.
    from postaward.reports import services_meeting
    from postaward.reports.models import MeetingPack

    y, m = services_monthly.last_month()
    services_meeting.generate(actor=d.actor("office_staff"), year=y, month=m)
    MeetingPack.objects.create(office=office, year=y, month=m)
    housing = org(office, "邻区住建局", OrgKind.INDUSTRY_AUTHORITY, industry=Industry.HOUSING)
    edu = org(office, "邻区教育局", OrgKind.SUPERIOR_UNIT)
    school = org(edu, "邻区实验小学", OrgKind.OWNER)
    d.projects["p_neighbour"] = project_services.register_project(
        actor=SYSTEM,
        code="N-0001",
        name="邻区实验小学扩建工程",
        owner=school,
        industry=Industry.HOUSING,
        contract_amount=Decimal("9000000"),
        industry_authority=housing,
    )
    # the neighbour office's monthly-reports directory: read by nobody here
    from postaward.reports import services_units

    services_units.ensure(office)
    return d


# --- helpers --------------------------------------------------------------------------------------


def _visible_projects(d, username: str) -> set[int]:  # type: ignore[no-untyped-def]
    from postaward.projects.models import Project

    return set(Project.objects.visible_to(d.actor(username)).values_list("pk", flat=True))


def _project_refs(value: Any) -> set[int]:
    """Every project id an answer mentions, at any depth."""
    out: set[int] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            if (k == "project_id" and isinstance(v, int)) or (
                k == "project" and isinstance(v, int)
            ):
                out.add(v)
            elif k == "project" and isinstance(v, dict) and isinstance(v.get("id"), int):
                out.add(v["id"])
            out |= _project_refs(v)
    elif isinstance(value, list):
        for v in value:
            out |= _project_refs(v)
    return out


def _hidden_names(d, username: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    seen = _visible_projects(d, username)
    return {p.name: k for k, p in d.projects.items() if p.pk not in seen}


def _schema_ref(schema: dict, spec: dict) -> dict:
    ref = schema.get("$ref")
    return spec["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else schema


def list_operations() -> list[tuple[str, dict]]:
    """(path, operation) of every GET whose success answer is a list."""
    from postaward.api import api

    spec = api.get_openapi_schema()
    out = []
    for path, ops in spec["paths"].items():
        op = ops.get("get")
        if not op:
            continue
        responses = {str(k): v for k, v in op["responses"].items()}
        ok = next((responses[s] for s in ("200", "202") if s in responses), None)
        schema = ((ok or {}).get("content") or {}).get("application/json", {}).get("schema", {})
        body = _schema_ref(schema, spec)
        is_list = body.get("type") == "array" or (
            body.get("properties", {}).get("items", {}).get("type") == "array"
        )
        if is_list:
            out.append((path, op))
    return out


def _urls_for(d, path: str, op: dict) -> list[str]:  # type: ignore[no-untyped-def]
    from django.apps import apps
    from django.utils.http import urlencode

    query = {}
    for param in op.get("parameters", []):
        if param["in"] == "query" and param.get("required"):
            assert param["name"] in QUERY_VALUES, (
                f"{path}: add a value for the required query parameter "
                f"{param['name']!r} to QUERY_VALUES (or allow-list the operation)"
            )
            query[param["name"]] = QUERY_VALUES[param["name"]]
    names = re.findall(r"{(\w+)}", path)
    urls = [path]
    for name in names:
        if name in PATH_VALUES:
            urls = [u.replace("{" + name + "}", v) for u in urls for v in PATH_VALUES[name]]
            continue
        assert name in PATH_OBJECTS, (
            f"{path}: add the path parameter {name!r} to PATH_OBJECTS "
            "(or allow-list the operation with a reason)"
        )
        model = apps.get_model(*PATH_OBJECTS[name])
        ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
        urls = [u.replace("{" + name + "}", str(i)) for u in urls for i in ids]
    suffix = ("?" + urlencode(query)) if query else ""
    return [u + suffix for u in urls]


def _rows(body: Any) -> list[Any]:
    if isinstance(body, dict) and isinstance(body.get("items"), list):
        return body["items"]
    return body if isinstance(body, list) else []


def test_the_walk_finds_the_lists():
    """The walk sees the list operations this test was written against (if
    this fails the walk broke, not the scope)."""
    paths = {p for p, _ in list_operations()}
    for expected in (
        "/api/v1/projects",
        "/api/v1/todos",
        "/api/v1/approvals/deadlines",
        "/api/v1/approvals/settlement",
        "/api/v1/alerts",
        "/api/v1/projects/{project_id}/documents",
    ):
        assert expected in paths, expected
    assert {p for p in NOT_CHECKED if p.startswith(PREFIX)} <= paths  # no stale entry


def _accounts() -> list[str]:
    return [
        "office_admin",
        "office_staff",
        "housing_admin",
        "housing_staff",
        "transport_staff",
        "edu_admin",
        "line_supervisor",
        "school_admin",
        "school_leader",
        "hospital_admin",
        "discipline",
        "contractor_a_admin",
        "pm_a",
        "contractor_b_admin",
        "supervisor_a_admin",
        "chief_a",
        "roleless",
    ]


def test_r_org_04_every_api_list_is_within_visible_to(seeded):
    """One district, every account, every list operation (one test so the
    district is built once; the report names the account and the address)."""
    d = seeded
    operations = list_operations()
    problems: list[str] = []
    for username in _accounts():
        problems += _api_problems(d, username, operations)
    assert not problems, "\n".join(problems)


def _api_problems(d, username: str, operations: list[tuple[str, dict]]) -> list[str]:  # type: ignore[no-untyped-def]
    from django.apps import apps

    c = d.client(username)
    actor = d.actor(username)
    visible = _visible_projects(d, username)
    hidden = _hidden_names(d, username)
    problems: list[str] = []
    for path, op in operations:
        if path in NOT_CHECKED:
            continue
        for url in _urls_for(d, path, op):
            r = c.get(url)
            if r.status_code in (401, 403, 404):
                continue
            if r.status_code != 200:
                problems.append(f"{username} {url}: {r.status_code}")
                continue
            body = r.json()
            leaked = _project_refs(body) - visible
            if leaked:
                problems.append(f"{username} {url}: projects {sorted(leaked)} out of scope")
            text = json.dumps(body, ensure_ascii=False)
            named = [k for name, k in hidden.items() if name in text]
            if named:
                problems.append(f"{username} {url}: names hidden {named}")
            if path in ROW_MODELS:
                model = apps.get_model(*ROW_MODELS[path])
                ids = {row["id"] for row in _rows(body) if isinstance(row, dict)}
                allowed = set(model.objects.visible_to(actor).values_list("pk", flat=True))
                if ids - allowed:
                    problems.append(
                        f"{username} {url}: rows {sorted(ids - allowed)} not in visible_to"
                    )
    return problems


def list_pages() -> list[str]:
    """Every parameterless page of the site (not the API, not Django's admin)."""

    def walk(patterns: list, prefix: str = "") -> list[str]:
        out = []
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                out += walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and "<" not in route and "(" not in route:
                out.append(route)
        return out

    return [
        r
        for r in walk(get_resolver().url_patterns)
        if not r.startswith(("api/", "django-admin/", "static/", "media/", "^"))
        and r not in NOT_CHECKED
    ]


PROJECT_LINK = re.compile(r'href="/projects/(\d+)/')


def test_r_org_04_every_page_names_only_visible_projects(seeded):
    d = seeded
    pages = list_pages()
    assert "approvals/settlement/" in pages and "inbox/" in pages
    problems: list[str] = []
    for username in _accounts():
        c = d.client(username)
        visible = _visible_projects(d, username)
        hidden = _hidden_names(d, username)
        for route in pages:
            r = c.get("/" + route)
            if r.status_code != 200 or "html" not in r.get("Content-Type", ""):
                continue
            html = r.content.decode()
            linked = {int(x) for x in PROJECT_LINK.findall(html)} - visible
            if linked:
                problems.append(f"{username} /{route}: links to projects {sorted(linked)}")
            named = [k for name, k in hidden.items() if name in html]
            if named:
                problems.append(f"{username} /{route}: names hidden {named}")
    assert not problems, "\n".join(problems)
