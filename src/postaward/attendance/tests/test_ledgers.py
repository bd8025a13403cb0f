"""R-REP-05: the attendance ledgers (考勤记录, 请假记录, 约谈记录) on the list
component: every check-in, accepted or refused, queryable, countable and
exported; a row of a project outside the account's scope is never listed nor
exported (R-ORG-04)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from postaward.testing_xlsx import read_cells

from .conftest import SITE, local

pytestmark = pytest.mark.django_db


def _rows(content: bytes) -> list[list[str]]:
    rows: dict[int, list[str]] = {}
    for cell in read_cells(content):
        rows.setdefault(int(re.sub(r"[A-Z]+", "", cell.ref)), []).append(cell.text)
    return [rows[n] for n in sorted(rows)][2:]  # after the title and the headings


def test_r_rep_05_check_in_ledger_filters_exports_and_stays_in_scope(district, checkin):
    checkin("pm_a", local(2026, 3, 10, 8, 0))
    checkin("pm_a", local(2026, 3, 11, 8, 0), lon=SITE[0] + 0.01)  # refused: outside the fence
    d = district
    office = d.client("office_admin")
    html = office.get(reverse("attendance_records")).content.decode()
    assert 'data-testid="list-count">2<' in html and "不在施工场地范围内" in html
    html = office.get(reverse("attendance_records"), {"accepted": "1"}).content.decode()
    assert 'data-testid="list-count">1<' in html
    html = office.get(reverse("attendance_records"), {"from": "2026-03-11"}).content.decode()
    assert 'data-testid="list-count">1<' in html
    rows = _rows(office.get(reverse("attendance_records"), {"export": "xlsx"}).content)
    assert len(rows) == 2 and {r[4] for r in rows} == {"有效", "未通过"}
    # the hospital's owner does not see the school's check-ins: page and workbook empty
    hospital = d.client("hospital_admin")
    html = hospital.get(reverse("attendance_records")).content.decode()
    assert 'data-testid="list-count">0<' in html
    assert _rows(hospital.get(reverse("attendance_records"), {"export": "xlsx"}).content) == []


def test_attendance_ledgers_need_a_role_that_reads_attendance(district):
    for name in ("attendance_records", "attendance_leaves", "attendance_interviews"):
        assert district.client("office_admin").get(reverse(name)).status_code == 200
        assert district.client("school_admin").get(reverse(name)).status_code == 200


def test_r_rep_05_check_in_ledger_query_count_does_not_grow(
    district, checkin, django_assert_max_num_queries
):
    """Measured with 2 and with 22 check-ins: the same bound (no query per row)."""
    office = district.client("office_admin")
    office.get(reverse("attendance_records"))  # warm the session and the caches
    for minute in range(2):
        checkin("pm_a", local(2026, 3, 10, 8, minute))
    with django_assert_max_num_queries(20):
        small = office.get(reverse("attendance_records"), {"per": "100"}).content.decode()
    for minute in range(20):
        checkin("pm_a", local(2026, 3, 11, 8, minute))
    with django_assert_max_num_queries(20):
        large = office.get(reverse("attendance_records"), {"per": "100"}).content.decode()
    assert small.count("<tr data-pk=") == 2 and large.count("<tr data-pk=") == 22
