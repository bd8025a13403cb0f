"""Every list answers in a bounded number of queries, and the same number with
more rows: no N+1 anywhere (issue 12 §5).

Data-driven, so a new list is covered the day it is added:

- the API: every GET operation of the OpenAPI whose success answer is a list
  (the walk of ``orgs/tests/test_scope_every_list.py``), path parameters filled
  with the school's project;
- the pages: every URL pattern without parameters, or whose only parameter is a
  project (``<id:project_id>``), that answers an HTML page.

Each list is fetched by the first demo account that may see it (``ACCOUNTS``),
once to warm the session and the calendar cache, then under
``django_assert_max_num_queries(MAX_QUERIES)`` on the small district, and again
after ``grow`` added rows of every kind a list shows (projects with their
participants, to-dos, deadlines, alerts, engineering changes, people, accounts,
audit records). The second count may exceed the first by at most ``SLACK``
(a query per extra kind of row a page starts showing, e.g. a totals row) —
never by the number of rows.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from postaward.core.actor import SYSTEM
from postaward.orgs.tests.test_scope_every_list import QUERY_VALUES, list_operations
from postaward.testing import District, replay

pytestmark = pytest.mark.django_db

MAX_QUERIES = 60  # per request, pages and API alike (session, actor, scope, list, totals)
SLACK = 4
GROW = 6  # rows of each kind added by ``grow``

# The first of these that gets a 200 is the account a list is measured with.
ACCOUNTS = (
    "office_staff",
    "office_admin",
    "housing_staff",
    "school_admin",
    "school_leader",
    "pm_a",
    "chief_a",
    "line_supervisor",
    "edu_admin",
    "discipline",
    "contractor_a_admin",
)

# Addresses that are not lists to measure (reason each).
SKIPPED = {
    "accounts/logout/": "ends the session",
    "accounts/login/": "anonymous page",
    "notifications/read-all/": "a write, not a list",
    "reports/monthly/new/": "a write (POST: generate this unit's draft), not a list; a GET "
    "goes back to the list: reports/tests/test_monthly.py",
    "reports/meetings/new/": "a write (POST: generate the office's data-meeting pack), not a "
    "list; a GET goes back to the list: reports/tests/test_meeting.py",
    "healthz": "no data",
    "public/complaints/track/document/": "a POST of the receipt number and query code that "
    "answers one file, not a list: portal/tests/test_public.py (the complainant's notice)",
    "public/mine/": "a member of the public's own filings (no district account opens it; "
    "at most 200 rows, one query): portal/tests/test_mine.py",
    "alerts/issues/new/": "a form over the alerts selected on the alert list: "
    "test_the_issue_form_is_bounded_by_its_selection",
    "credit/agents/disclosure/": "a tender agent's own disclosure form (the demo has no agent "
    "login): credit/tests/test_agents_pages.py::"
    "test_r_sco_05_the_agents_own_disclosure_page_is_bounded",
}

_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _walk(patterns: list, prefix: str = "") -> list[str]:
    out: list[str] = []
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            out.extend(_walk(p.url_patterns, route))
        elif isinstance(p, URLPattern):
            out.append(route)
    return out


def page_routes() -> list[str]:
    """Page routes without parameters or with only a project parameter."""
    out = []
    for route in _walk(get_resolver().url_patterns):
        if route.startswith(("^", "api/", "admin/", "static/", "media/")) or "(?P" in route:
            continue
        if route in SKIPPED or any(route.startswith(s) for s in SKIPPED if s.endswith("/")):
            continue
        params = _PARAM.findall(route)
        if all(name == "project_id" for _, name in params):
            out.append(route)
    return sorted(set(out))


def api_routes() -> list[str]:
    out = []
    for path, op in list_operations():
        names = re.findall(r"{(\w+)}", path)
        if any(n != "project_id" for n in names):
            continue  # lists below another object: covered by their own tests
        query = {
            p["name"]: QUERY_VALUES[p["name"]]
            for p in op.get("parameters", [])
            if p["in"] == "query" and p.get("required") and p["name"] in QUERY_VALUES
        }
        if any(
            p["in"] == "query" and p.get("required") and p["name"] not in QUERY_VALUES
            for p in op.get("parameters", [])
        ):
            continue
        suffix = "?" + "&".join(f"{k}={v}" for k, v in sorted(query.items())) if query else ""
        out.append(path + suffix)
    return sorted(out)


PAGES = page_routes()
APIS = api_routes()


def _url(route: str, d: District) -> str:
    pk = str(d.projects["p_school"].pk)
    if route.startswith("/api/"):
        return route.replace("{project_id}", pk)
    return "/" + _PARAM.sub(lambda m: pk, route)


def grow(d: District) -> District:
    """``GROW`` more rows of every kind a list shows, through the services."""
    from postaward.alerts import services as alert_services
    from postaward.alerts.indicators import Hit
    from postaward.approvals.tests import factories as af
    from postaward.core import deadlines
    from postaward.core.services import open_todo
    from postaward.orgs.choices import Industry, Role
    from postaward.projects import services as project_services
    from postaward.projects.choices import ParticipantRole
    from postaward.testing import account, person

    o = d.orgs
    for i in range(GROW):
        p = project_services.register_project(
            actor=SYSTEM,
            code=f"QB-{i:04d}",
            name=f"查询上限测试工程{i}",
            owner=o["school"],
            industry=Industry.HOUSING,
            contract_amount=Decimal("1000000.00") + i,
            superior_unit=o["edu"],
            line=o["edu_line"],
            industry_authority=o["housing"],
            owner_leader=d.users["school_leader"].person,
        )
        project_services.add_participant(
            actor=SYSTEM, project=p, organisation=o["contractor_a"], role=ParticipantRole.CONTRACTOR
        )
        d.projects[f"qb_{i}"] = p
        for key, target in ((p, "school"), (d.projects["p_school"], "contractor_a")):
            todo = open_todo(
                key=f"qb:{key.pk}:{i}:{target}",
                kind="approvals.test",
                title=f"查询上限待办{i}",
                organisation_id=o[target].pk,
                project_id=key.pk,
            )
            deadlines.open_deadline(
                kind="approvals.settlement_below",
                subject=todo,
                length=30,
                unit="calendar_days",
                basis="测试",
                organisation_id=o[target].pk,
                project_id=key.pk,
            )
        alert_services.record_hit(
            alert_services.indicator_for("attendance.absence_streak"),
            Hit(dedup_key=f"qb:{i}", title=f"预警{i}", facts={}, project_id=p.pk),
        )
        af.change(d, d.projects["p_school"], title=f"查询上限变更{i}")
        person(o["contractor_a"], name=f"查询上限人员{i}")
        account(o["school"], f"qb_user_{i}", [Role.OWNER_PROJECT_LEADER])
    return d


@pytest.fixture
def grown(district):
    return lambda: replay("query-bounds-grow", lambda: grow(district), on=district)


def _measure(client: Any, url: str, assert_max: Any) -> int:
    with assert_max(MAX_QUERIES) as ctx:
        r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    return len(ctx.captured_queries)


def _account_for(d: District, url: str) -> tuple[str, Any] | None:
    for username in ACCOUNTS:
        c = d.client(username)
        r = c.get(url)  # also warms the session and the calendar cache
        if r.status_code == 200:
            return username, c
    return None


def _check(district: District, grown: Any, route: str, assert_max: Any) -> None:
    d = district
    url = _url(route, d)
    found = _account_for(d, url)
    assert found is not None, (
        f"{url}: no demo account gets a page; give it an account in ACCOUNTS, or list it "
        "in SKIPPED with the reason and the test that measures it"
    )
    username, client = found
    small = _measure(client, url, assert_max)
    d = grown()
    client = d.client(username)
    client.get(_url(route, d))
    large = _measure(client, _url(route, d), assert_max)
    assert large <= small + SLACK, (
        f"{url} as {username}: {small} queries with the small district, {large} with "
        f"{GROW} more rows of each kind: a query per row (N+1)"
    )


def test_the_walk_finds_pages_and_api_lists():
    assert "projects/" in PAGES and "/api/v1/projects" in APIS
    assert any("project_id" in r for r in PAGES) and any("{project_id}" in r for r in APIS)


@pytest.mark.parametrize("route", PAGES)
def test_every_page_has_bounded_queries(district, grown, route, django_assert_max_num_queries):
    _check(district, grown, route, django_assert_max_num_queries)


@pytest.mark.parametrize("route", APIS)
def test_every_api_list_has_bounded_queries(district, grown, route, django_assert_max_num_queries):
    _check(district, grown, route, django_assert_max_num_queries)


def test_the_issue_form_is_bounded_by_its_selection(district, django_assert_max_num_queries):
    """Taking alerts up as a suspected issue: the form over one selected alert
    and over seven costs the same number of queries."""
    from postaward.alerts import services as alert_services
    from postaward.alerts.indicators import Hit
    from postaward.alerts.models import Alert

    d = district
    p = d.projects["p_school"]

    def hit(i: int) -> int:
        key = f"qb-issue:{i}"
        alert_services.record_hit(
            alert_services.indicator_for("attendance.absence_streak"),
            Hit(dedup_key=key, title=f"预警{i}", facts={}, project_id=p.pk),
        )
        return Alert.objects.get(dedup_key=key).pk

    ids = [hit(0)]
    client = d.client("office_staff")
    url = "/alerts/issues/new/?" + "&".join(f"alerts={i}" for i in ids)
    client.get(url)
    small = _measure(client, url, django_assert_max_num_queries)
    ids += [hit(i) for i in range(1, 1 + GROW)]
    url = "/alerts/issues/new/?" + "&".join(f"alerts={i}" for i in ids)
    large = _measure(client, url, django_assert_max_num_queries)
    assert large <= small + SLACK, (small, large)
