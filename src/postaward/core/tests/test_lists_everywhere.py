"""R-REP-05: every list of the platform is the one list component (core.lists):
queryable (filters, text search, whitelisted sort), countable (the count and
the money totals over every filtered row), exportable (the filtered rows, no
more: never a row outside the actor's scope) and printable, with a bounded
number of queries whatever the page holds; and the component's batch writes
(a declared action: the same service per row, permission per row, each row
audited, the count done and the refusals told, CSRF-checked).

The approvals ledgers have their own tests (approvals/tests/test_lists.py)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from postaward.alerts.models import Notification
from postaward.core.actor import SYSTEM
from postaward.core.models import AuditRecord
from postaward.orgs.choices import Industry
from postaward.projects import services as project_services
from postaward.testing_xlsx import read_cells

pytestmark = pytest.mark.django_db

# Every list page converted to the component: (url name, account that may read it,
# a sortable column key).
LISTS = [
    ("project_list", "office_staff", "amount"),
    ("organisation_list", "office_staff", "name"),
    ("person_list", "office_staff", "name"),
    ("account_list", "school_admin", "username"),
    ("login_log", "office_staff", "at"),
    ("audit_log", "office_admin", "seq"),
    ("alerts_notifications", "school_admin", "at"),
    ("alerts_query", "office_admin", "priority"),
    ("inbox", "school_admin", "due"),
    ("attendance_records", "school_admin", "at"),
    ("attendance_leaves", "school_admin", "requested"),
    ("attendance_interviews", "office_admin", "created"),
    ("alerts_issues", "office_admin", "created"),
    ("alerts_transfers", "office_admin", "sent"),
    ("alerts_sandbox_list", "office_admin", "at"),
    ("project_bans", "housing_staff", "created"),
    ("tokens", "school_leader", "created"),
    ("alerts_inbox", "office_admin", "priority"),
    ("inspections_items", "office_staff", "year"),
    ("inspections_plans", "office_staff", "state"),
    ("inspections_draws", "office_staff", "state"),
    ("inspections_visits", "office_staff", "kind"),
    ("inspections_ledger", "office_staff", "rounds"),
    ("inspections_contract_checks", "office_staff", "flags"),
    ("credit_sanction_list", "office_staff", "decided_on"),
    ("accountability_matter_list", "office_staff", "decided_on"),
    ("accountability_award_register", "office_staff", "decided_on"),
    ("credit_rule_list", "office_staff", "version"),
    ("credit_score_list", "office_staff", "points"),
    ("credit_enterprise_list", "office_staff", "score"),
    ("credit_agent_list", "office_staff", "name"),
    ("credit_appraisal_list", "office_staff", "year"),
    ("credit_agent_choice_list", "office_staff", "created_at"),
    ("credit_expert_pool_list", "office_staff", "created_at"),
    ("credit_evaluation_event_list", "office_staff", "held_on"),
    ("credit_expert_report_list", "office_staff", "created_at"),
    ("accountability_interference_list", "office_staff", "submitted_at"),
    ("accountability_integrity_rules", "office_staff", "effective_on"),
    ("accountability_integrity_rule_missing", "office_staff", "unit"),
    ("accountability_clue_list", "office_staff", "received_on"),
    ("accountability_act_list", "office_staff", "code"),
    ("accountability_proposal_list", "office_staff", "due"),
    ("reports_meeting", "office_staff", "month"),
    ("reports_units", "office_staff", "role"),
]


# The lists the query-bound test grows by 20 rows (the others: the district's rows).
GROWN = {"project_list", "alerts_notifications", "audit_log", "inbox", "alerts_query"}
# (alerts_inbox: the office watches; the school's alerts are the school's to dispose)


def xlsx_rows(content: bytes) -> list[list[str]]:
    """The sheet's rows as text, after the export helper's title row."""
    rows: dict[int, list[str]] = {}
    for cell in read_cells(content):
        rows.setdefault(int(re.sub(r"[A-Z]+", "", cell.ref)), []).append(cell.text)
    return [rows[n] for n in sorted(rows)][1:]


def count_of(html: str) -> int:
    m = re.search(r'data-testid="list-count">(\d+)<', html)
    assert m, "the page is not the list component"
    return int(m.group(1))


def add_projects(d, n: int, *, prefix: str = "L") -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        project_services.register_project(
            actor=SYSTEM,
            code=f"{prefix}-{i:03d}",
            name=f"台账测试工程{prefix}{i:03d}",
            owner=None,
            industry=Industry.HOUSING,
            contract_amount=Decimal(100000 * (i + 1)),
            industry_authority=d.orgs["housing"],
        )


def notify(user, n: int, *, read: bool = False, tag: str = "m") -> list[Notification]:  # type: ignore[no-untyped-def]
    from postaward.core import clock

    return [
        Notification.objects.create(
            recipient=user,
            key=f"test:{tag}:{i}",
            kind="alert_created",
            title=f"测试消息{tag}{i}",
            read_at=clock.now() if read else None,
        )
        for i in range(n)
    ]


@pytest.mark.parametrize(("name", "user", "sort"), LISTS)
def test_r_rep_05_every_list_sorts_exports_and_prints_its_filtered_rows(district, name, user, sort):
    if name == "alerts_notifications":
        notify(district.users[user], 3)
    client = district.client(user)
    html = client.get(reverse(name)).content.decode()
    n = count_of(html)
    assert 'data-testid="list-export"' in html and 'data-testid="list-per"' in html
    for key in (sort, f"-{sort}"):
        r = client.get(reverse(name), {"sort": key})
        assert r.status_code == 200 and count_of(r.content.decode()) == n
    # not a column: ignored, never an error
    assert client.get(reverse(name), {"sort": "password"}).status_code == 200
    r = client.get(reverse(name), {"export": "xlsx"})
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    body = [row for row in xlsx_rows(r.content)[1:] if row and row[0] != "合计"]
    assert len(body) == min(n, 10000)
    r = client.get(reverse(name), {"print": "1"})
    assert r.status_code == 200 and f"共 {n} 条" in r.content.decode()


def test_r_rep_05_project_registry_filters_totals_and_export_in_scope(district):
    """The registry: stage group, contractor, text and money totals over every
    filtered row; the export holds exactly the filtered rows, and a project
    outside the account's scope never (R-ORG-04)."""
    add_projects(district, 22)
    client = district.client("office_staff")
    html = client.get(reverse("project_list"), {"q": "台账测试"}).content.decode()
    assert count_of(html) == 22 and html.count('data-label="项目编号"') == 20
    # 100,000 .. 2,200,000: the column is in 万元, the total of all 22 rows is 2,530 万元
    assert "合同金额（万元）" in html and "2,530.00" in html
    rows = xlsx_rows(
        client.get(reverse("project_list"), {"q": "台账测试", "export": "xlsx"}).content
    )
    assert rows[0][:2] == ["项目编号", "项目名称"] and len(rows) == 1 + 22 + 1
    assert rows[-1][0] == "合计" and float(rows[-1][6]) == 25300000.0
    # sorted by amount, descending: the largest first (the sort is the page's and the workbook's)
    html = client.get(
        reverse("project_list"), {"q": "台账测试", "sort": "-amount"}
    ).content.decode()
    assert html.index("L-021") < html.index("L-020")
    # stage group and contractor filters keep the map's and statistics' names
    html = client.get(reverse("project_list"), {"stage": "building"}).content.decode()
    assert "T-0001" in html and "L-000" not in html
    html = client.get(reverse("project_list"), {"contractor": "乙建设"}).content.decode()
    assert "T-0002" in html and "T-0001" not in html
    # the transport authority sees the hospital project only: so does its export
    transport = district.client("transport_staff")
    codes = [
        r[0]
        for r in xlsx_rows(transport.get(reverse("project_list"), {"export": "xlsx"}).content)[1:]
    ]
    assert "T-0002" in codes and "T-0001" not in codes and "L-000" not in codes
    # the selection cannot reach outside the scope either
    hidden = district.projects["p_school"].pk
    rows = xlsx_rows(
        transport.get(reverse("project_list"), {"export": "xlsx", "ids": [hidden]}).content
    )
    assert [r[0] for r in rows[1:]] == ["合计"]


def test_r_rep_05_operation_log_filters_by_label_and_date(district):
    client = district.client("office_admin")
    html = client.get(reverse("audit_log"), {"date_from": "2000-01-01"}).content.decode()
    n = count_of(html)
    assert n == AuditRecord.objects.count()
    assert (
        count_of(client.get(reverse("audit_log"), {"date_to": "2000-01-01"}).content.decode()) == 0
    )
    assert count_of(client.get(reverse("audit_log"), {"date_to": "bad"}).content.decode()) == n


@pytest.mark.parametrize(("name", "user", "sort"), LISTS)
def test_r_rep_05_query_count_does_not_grow_with_the_page(
    district, django_assert_max_num_queries, name, user, sort
):
    """Measured with 2 and with 20 more rows of the list: the same bound."""
    client = district.client(user)

    def more(n: int, tag: str) -> None:
        if name == "project_list":
            add_projects(district, n, prefix=tag)
        elif name == "alerts_notifications":
            notify(district.users[user], n, tag=tag)
        elif name == "audit_log":
            from postaward.core import audit

            for i in range(n):
                audit.record(
                    actor=district.actor(user),
                    action="test.page",
                    obj=district.projects["p_school"],
                    object_repr=f"{tag}{i}",
                )
        elif name == "inbox":
            from postaward.core.services import open_todo

            for i in range(n):
                open_todo(
                    key=f"lists:{tag}:{i}",
                    kind="approvals.test",
                    title=f"待办{tag}{i}",
                    organisation_id=district.orgs["school"].pk,
                    project_id=district.projects["p_school"].pk,
                )
        elif name == "alerts_query":
            from postaward.alerts import services as alert_services
            from postaward.alerts.indicators import Hit

            ind = alert_services.indicator_for("attendance.absence_streak")
            for i in range(n):
                alert_services.record_hit(
                    ind,
                    Hit(
                        dedup_key=f"{tag}{i}",
                        title=f"预警{tag}{i}",
                        facts={},
                        project_id=district.projects["p_school"].pk,
                    ),
                )
        # (organisations, people, accounts, logins: the district's own rows)

    client.get(reverse(name))  # warm the session and the caches
    more(2, "A")
    with django_assert_max_num_queries(25):
        small = client.get(reverse(name), {"per": "100"})
    more(20, "B")
    with django_assert_max_num_queries(25):
        large = client.get(reverse(name), {"per": "100"})
    rows = [r.content.decode().count("<tr data-pk=") for r in (small, large)]
    if name in GROWN:  # the rows were really there: 20 more on the page
        assert rows[1] - rows[0] == 20, rows


# --- batch writes ----------------------------------------------------------------------------------


def test_r_rep_05_batch_mark_read_per_row_with_counts_refusals_and_audit(district):
    """标为已读 on the selected messages: the service of one message, run per
    row; another account's message (outside the scope) and an already-read one
    are refused and named; each message read is audited once."""
    me = district.users["school_admin"]
    unread = notify(me, 3)
    [already] = notify(me, 1, read=True, tag="r")
    [theirs] = notify(district.users["hospital_admin"], 1, tag="h")
    client = district.client("school_admin")
    ids = [unread[0].pk, unread[1].pk, already.pk, theirs.pk]
    r = client.post(reverse("alerts_notifications"), {"batch": "read", "ids": ids}, follow=True)
    page = r.content.decode()
    assert "标为已读：成功 2 条" in page
    assert "测试消息r0：已是已读" in page
    assert "1 条不在当前查询结果或您的可见范围内" in page
    for n in [*unread, theirs]:
        n.refresh_from_db()
    assert unread[0].read_at and unread[1].read_at and not unread[2].read_at
    assert theirs.read_at is None
    audited = AuditRecord.objects.filter(action="alerts.read_notification")
    assert sorted(int(a.object_id) for a in audited) == sorted([unread[0].pk, unread[1].pk])


def test_r_rep_05_batch_stays_within_the_filter_and_needs_csrf(district):
    me = district.users["school_admin"]
    [a, b] = notify(me, 2)
    client = district.client("school_admin")
    # the filter "已读" leaves out the unread rows: nothing to mark
    r = client.post(
        reverse("alerts_notifications") + "?unread=0",
        {"batch": "read", "ids": [a.pk, b.pk]},
        follow=True,
    )
    assert "成功 0 条" in r.content.decode()
    a.refresh_from_db()
    assert a.read_at is None
    # an unknown action does nothing; a POST without the CSRF token is refused
    r = client.post(
        reverse("alerts_notifications"), {"batch": "delete", "ids": [a.pk]}, follow=True
    )
    assert "没有这个批量操作" in r.content.decode()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(me)
    assert (
        strict.post(reverse("alerts_notifications"), {"batch": "read", "ids": [a.pk]}).status_code
        == 403
    )
    a.refresh_from_db()
    assert a.read_at is None


def test_r_rep_05_the_page_offers_the_batch_only_where_declared(district):
    notify(district.users["school_admin"], 1)
    html = district.client("school_admin").get(reverse("alerts_notifications")).content.decode()
    assert 'data-testid="batch-read"' in html and 'name="csrfmiddlewaretoken"' in html
    # the selection (GET) form never carries the token into a URL
    get_form = html[html.index('class="pa-batch"') :]
    assert "csrfmiddlewaretoken" not in get_form.split("</form>")[0]
    # approvals are decided one by one: no batch write on their ledgers
    html = district.client("pm_a").get(reverse("approval_changes")).content.decode()
    assert 'data-testid="batch-write"' not in html


def test_r_rep_05_alert_query_amount_has_one_unit_but_no_sum(district):
    """A project's contract amount on a list of alerts: one unit per column, no
    total (two alerts of one project would count it twice); the workbook carries
    the details the page has no room for (indicator, basis, explanation)."""
    from postaward.alerts import services as alert_services
    from postaward.alerts.indicators import Hit

    ind = alert_services.indicator_for("attendance.absence_streak")
    for i in range(2):
        alert_services.record_hit(
            ind,
            Hit(
                dedup_key=f"u{i}",
                title=f"同一项目预警{i}",
                facts={},
                project_id=district.projects["p_school"].pk,
            ),
        )
    client = district.client("office_admin")
    html = client.get(reverse("alerts_query")).content.decode()
    assert "合同金额（万元）" in html and 'data-testid="list-totals"' not in html
    rows = xlsx_rows(client.get(reverse("alerts_query"), {"export": "xlsx"}).content)
    heading = rows[0]
    assert "合同金额（元）" in heading and "预警说明" in heading and "指标" in heading
    assert len(rows) == 1 + 2  # heading and the two alerts: no totals row


def test_r_rep_05_alert_inbox_tabs_keep_their_tab_through_the_filters(district):
    from postaward.alerts import services as alert_services
    from postaward.alerts.indicators import Hit

    ind = alert_services.indicator_for("attendance.absence_streak")
    alert_services.record_hit(
        ind,
        Hit(
            dedup_key="t", title="待处置预警", facts={}, project_id=district.projects["p_school"].pk
        ),
    )
    client = district.client("school_admin")
    html = client.get(reverse("alerts_inbox")).content.decode()
    assert count_of(html) == 1 and ">处置</a>" in html and "待处置预警" in html
    html = client.get(reverse("alerts_inbox"), {"tab": "review", "q": "预警"}).content.decode()
    assert count_of(html) == 0 and '<input type="hidden" name="tab" value="review">' in html
    rows = xlsx_rows(client.get(reverse("alerts_inbox"), {"export": "xlsx"}).content)
    assert len(rows) == 2 and "待处置预警" in rows[1]
