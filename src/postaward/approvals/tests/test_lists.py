"""The platform's list component (core.lists) on the approvals ledgers:
filters, whitelisted sort, page size and jump, money totals in one unit per
column, Excel export and print of exactly the filtered rows (R-REP-05), and a
bounded number of queries whatever the page size."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from postaward.core.lists import money_text
from postaward.testing_xlsx import read_cells

from .. import services
from ..choices import ChangeState
from . import factories as f

pytestmark = pytest.mark.django_db

URL = "approval_changes"


def xlsx_rows(content: bytes) -> list[list[str]]:
    """The sheet's rows as text, after the export helper's title row."""
    rows: dict[int, list[str]] = {}
    for cell in read_cells(content):
        rows.setdefault(int(re.sub(r"[A-Z]+", "", cell.ref)), []).append(cell.text)
    return [rows[n] for n in sorted(rows)][1:]


def page_titles(html: str) -> list[str]:
    """The 事项 cells of the list's rows, in order."""
    return re.findall(r'<td data-label="事项">([^<]*)</td>', html)


def make_changes(d, n: int, *, cost=lambda i: Decimal(1000 * (i + 1))):  # type: ignore[no-untyped-def]
    return [f.change(d, title=f"变更事项{i:02d}", cost_delta=cost(i)) for i in range(n)]


def test_filters_search_and_state_narrow_the_rows_and_ignore_unknown_values(d):  # R-REP-05
    changes = make_changes(d, 3)
    services.review_change(actor=d.actor("chief_a"), change=changes[0])
    client = d.client("pm_a")
    html = client.get(reverse(URL), {"q": "事项01"}).content.decode()
    assert page_titles(html) == ["变更事项01"]
    html = client.get(reverse(URL), {"state": ChangeState.SUPERVISOR_APPROVED}).content.decode()
    assert page_titles(html) == ["变更事项00"]
    # a value outside the choices and a malformed date filter nothing, and say nothing wrong
    r = client.get(reverse(URL), {"state": "drop table", "from": "2026-13-45"})
    assert r.status_code == 200
    assert sorted(page_titles(r.content.decode())) == ["变更事项00", "变更事项01", "变更事项02"]


def test_sort_by_a_whitelisted_column_both_ways_and_ignore_others(d):
    make_changes(d, 3, cost=lambda i: Decimal([5000, 100, 30000][i]))
    client = d.client("pm_a")
    asc = page_titles(client.get(reverse(URL), {"sort": "cost"}).content.decode())
    assert asc == ["变更事项01", "变更事项00", "变更事项02"]
    desc = page_titles(client.get(reverse(URL), {"sort": "-cost"}).content.decode())
    assert desc == list(reversed(asc))
    # a field that is not a sortable column (here a private one) is ignored
    r = client.get(reverse(URL), {"sort": "reason"})
    assert r.status_code == 200 and len(page_titles(r.content.decode())) == 3


def test_page_size_page_jump_and_totals_over_every_filtered_row(d):
    make_changes(d, 23)  # costs 1,000 .. 23,000
    client = d.client("pm_a")
    html = client.get(reverse(URL)).content.decode()
    assert len(page_titles(html)) == 20
    assert 'data-testid="list-count">23<' in html and '<th class="text-end">操作</th>' in html
    # the total is of all 23 filtered rows, not of the page: 276,000.00 元
    assert "276,000.00" in html and "费用增减（元）" in html
    html = client.get(reverse(URL), {"per": "50"}).content.decode()
    assert len(page_titles(html)) == 23
    html = client.get(reverse(URL), {"page": "2"}).content.decode()
    assert len(page_titles(html)) == 3
    # an unknown page size falls back to 20; a page beyond the end shows the last one
    assert len(page_titles(client.get(reverse(URL), {"per": "7"}).content.decode())) == 20
    assert len(page_titles(client.get(reverse(URL), {"page": "99"}).content.decode())) == 3
    # filtered: the total follows the filter (事项1x: 11,000 .. 20,000 -> 155,000)
    html = client.get(reverse(URL), {"q": "事项1"}).content.decode()
    assert len(page_titles(html)) == 10 and "155,000.00" in html


def test_one_money_unit_per_column(d):
    """Below one million yuan every cell is in yuan; once an amount of the
    filtered rows reaches a million, the whole column is in 万元."""
    make_changes(d, 2, cost=lambda i: Decimal([45000, 1500000][i]))
    client = d.client("pm_a")
    html = client.get(reverse(URL)).content.decode()
    assert "费用增减（万元）" in html
    cells = re.findall(r'<td data-label="费用增减（万元）" class="text-end">([^<]*)</td>', html)
    assert sorted(cells) == ["150.00", "4.50"]
    html = client.get(reverse(URL), {"q": "事项00"}).content.decode()
    assert "费用增减（元）" in html and ">45,000.00<" in html
    assert money_text(Decimal("-1234567.8"), wan=True) == "-123.46"


def test_export_holds_exactly_the_filtered_rows_and_the_selection(d):  # R-REP-05
    changes = make_changes(d, 25)
    client = d.client("pm_a")
    r = client.get(reverse(URL), {"q": "事项1", "sort": "cost", "export": "xlsx"})
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = xlsx_rows(r.content)
    assert rows[0][:5] == ["编号", "项目", "事项", "类别", "费用增减（元）"]
    body, totals = rows[1:-1], rows[-1]
    assert [row[2] for row in body] == [f"变更事项{i}" for i in range(10, 20)]
    assert [float(row[4]) for row in body] == [1000.0 * (i + 1) for i in range(10, 20)]
    assert totals[0] == "合计" and float(totals[4]) == 155000.0
    # all 25 rows although a page holds 20 (+ heading and totals)
    assert len(xlsx_rows(client.get(reverse(URL), {"export": "xlsx"}).content)) == 27
    # the selection, still within the filter: 00 is outside "事项1" and is left out
    picked = [changes[0].pk, changes[12].pk, changes[15].pk]
    r = client.get(reverse(URL), {"q": "事项1", "export": "xlsx", "ids": picked})
    assert sorted(row[2] for row in xlsx_rows(r.content)[1:-1]) == ["变更事项12", "变更事项15"]


def test_export_stays_in_the_actors_scope(d):  # R-REP-05, R-ORG-04
    make_changes(d, 2)
    r = d.client("contractor_b_admin").get(reverse(URL), {"export": "xlsx"})
    rows = xlsx_rows(r.content)
    assert rows[0][0] == "编号" and [row[0] for row in rows[1:]] == ["合计"]


def test_print_view_lists_every_filtered_row_with_the_filter(d):
    make_changes(d, 22)
    html = d.client("pm_a").get(reverse(URL), {"q": "事项", "print": "1"}).content.decode()
    assert 'data-testid="print-table"' in html and "共 22 条" in html and "关键字：事项" in html
    assert html.count("变更事项") == 22
    assert "<aside" not in html  # no menu on paper


@pytest.mark.parametrize("name", ["approval_changes", "approval_deadlines", "approval_notices"])
def test_query_count_does_not_grow_with_the_page(d, django_assert_max_num_queries, name):
    make_changes(d, 3)
    client = d.client("pm_a")
    client.get(reverse(name))  # warm the session and calendar caches
    with django_assert_max_num_queries(30):
        small = client.get(reverse(name), {"per": "20"})
    assert small.status_code == 200
    make_changes(d, 40)
    with django_assert_max_num_queries(30):
        large = client.get(reverse(name), {"per": "100"})
    assert large.status_code == 200
