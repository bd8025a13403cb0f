"""R-REP-01: the four ledgers on known data (rows and totals), their
workbooks in the exchanged layout, the complainant never named, the query
count bounded."""

from __future__ import annotations

import pytest
from django.urls import reverse

from postaward.complaints.tests.factories import MOBILE, NAME
from postaward.core import clock
from postaward.testing_xlsx import read_cells

from . import factories as f

pytestmark = pytest.mark.django_db

PAGES = {
    "in-process": "reports_ledger_in_process",
    "post-award": "reports_ledger_post_award",
    "complaints": "reports_ledger_complaints",
    "verified": "reports_ledger_verified",
}


def sheet(content: bytes) -> dict[str, str]:
    return {c.ref: c.text for c in read_cells(content)}


def rows_of(content: bytes) -> list[list[str]]:
    import re

    rows: dict[int, list[str]] = {}
    for cell in read_cells(content):
        if cell.text == "":
            continue  # the blank cells of a merged range
        rows.setdefault(int(re.sub(r"[A-Z]+", "", cell.ref)), []).append(cell.text)
    return [rows[n] for n in sorted(rows)]


def summary(html: str) -> str:
    start = html.index('data-testid="ledger-summary"')
    return html[start : html.index("</div>", start)]


def test_r_rep_01_in_process_ledger_rows_and_totals(district):
    f.known(district)
    html = district.client("office_staff").get(reverse(PAGES["in-process"])).content.decode()
    s = summary(html)
    assert "共 <b>2</b>" in s and "办理中 <b>2</b>" in s and "已办结 <b>0</b>" in s
    assert "第一中学教学楼工程" in html and "人民医院停车场道路工程" in html
    # the industry filter: the school's project is housing
    html = (
        district.client("office_staff")
        .get(reverse(PAGES["in-process"]), {"industry": "housing"})
        .content.decode()
    )
    assert "共 <b>1</b>" in summary(html) and "人民医院停车场道路工程" not in html


def test_r_rep_01_post_award_ledger_counts_findings_and_orders(district):
    f.known(district)
    html = district.client("office_staff").get(reverse(PAGES["post-award"])).content.decode()
    s = summary(html)
    assert "共发现问题 <b>1</b>" in s and "责令整改 <b>1</b>" in s and "已销号 <b>0</b>" in s
    assert "项目经理连续三日不在岗" in html and "甲建设有限公司" in html


def test_r_rep_01_verified_projects_are_those_visited_in_the_period(district):
    """ADR 0903: a project counts when a visit of it was made in the period."""
    f.known(district)
    client = district.client("office_staff")
    html = client.get(reverse(PAGES["verified"])).content.decode()
    s = summary(html)
    assert "核查项目 <b>1</b>" in s and "核查次数 <b>1</b>" in s and "发现问题 <b>1</b>" in s
    assert "T-0001" in html and "T-0002" not in html
    # last year: nothing verified
    last = clock.today().year - 1
    html = client.get(reverse(PAGES["verified"]), {"year": last}).content.decode()
    assert "核查项目 <b>0</b>" in summary(html)


def test_r_rep_01_complaint_ledger_never_names_the_complainant(district):
    f.known(district)
    client = district.client("office_staff")
    html = client.get(reverse(PAGES["complaints"])).content.decode()
    assert "共收件 <b>2</b>" in summary(html)
    assert "实名（身份保密）" in html and "匿名" in html
    assert NAME not in html and MOBILE not in html and MOBILE[-4:] not in html
    content = client.get(reverse(PAGES["complaints"]), {"export": "xlsx"}).content
    texts = " ".join(sheet(content).values())
    assert NAME not in texts and MOBILE not in texts and "实名（身份保密）" in texts


def test_r_rep_01_workbook_layout_title_unit_period_headings_totals_signature(district):
    f.known(district)
    year = clock.today().year
    r = district.client("office_staff").get(
        reverse(PAGES["post-award"]), {"export": "xlsx", "year": year}
    )
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = rows_of(r.content)
    assert rows[0] == ["事后检查及整改台账"]
    assert rows[1][0] == "填报单位：测试区监管办" and rows[1][1] == f"统计期间：{year}年"
    assert rows[2][:4] == ["序号", "检查编号", "发现时间", "检查类型"]
    assert rows[3][0] == "1"
    assert rows[4][0] == "合计" and "共发现问题1" in rows[4][1] and "责令整改1" in rows[4][1]
    sign = rows[-1][0]
    assert sign.startswith("填报人：") and "审核人：" in sign and "填报日期：" in sign


def test_r_rep_01_period_month_quarter_and_range(district):
    f.known(district)
    client = district.client("office_staff")
    today = clock.today()
    q = (today.month - 1) // 3 + 1
    for params, label in [
        ({"month": today.month}, f"{today.year}年{today.month}月"),
        ({"quarter": q}, f"{today.year}年第{'一二三四'[q - 1]}季度"),
        (
            {"from": today.isoformat(), "to": today.isoformat()},
            f"{today:%Y年%m月%d日}至{today:%Y年%m月%d日}",
        ),
    ]:
        html = client.get(reverse(PAGES["in-process"]), params).content.decode()
        assert f'data-testid="ledger-period">{label}<' in html
        assert "共 <b>2</b>" in summary(html)
    other = 1 if today.month != 1 else 2
    html = client.get(reverse(PAGES["in-process"]), {"month": other}).content.decode()
    assert "共 <b>0</b>" in summary(html)


def test_r_rep_01_scope_authority_sees_its_industry_owner_its_projects(district):
    f.known(district)
    html = district.client("transport_staff").get(reverse(PAGES["in-process"])).content.decode()
    assert "第一中学教学楼工程" not in html
    html = district.client("hospital_admin").get(reverse(PAGES["in-process"])).content.decode()
    assert "第一中学教学楼工程" not in html
    assert (
        district.client("contractor_a_admin").get(reverse(PAGES["in-process"])).status_code == 403
    )


@pytest.mark.parametrize("kind", list(PAGES))
def test_r_rep_01_ledger_page_queries_do_not_grow(district, django_assert_max_num_queries, kind):
    f.known(district)
    client = district.client("office_staff")
    client.get(reverse(PAGES[kind]))
    with django_assert_max_num_queries(30):
        assert client.get(reverse(PAGES[kind])).status_code == 200
    f.alerts(district)  # (same dedup keys: merged) and more data
    f.complaints(district)
    with django_assert_max_num_queries(30):
        assert client.get(reverse(PAGES[kind])).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse(PAGES[kind]), {"export": "xlsx"}).status_code == 200
    printed = client.get(reverse(PAGES[kind]), {"print": "1"})
    assert printed.status_code == 200 and "共 " in printed.content.decode()


@pytest.mark.parametrize("kind", list(PAGES))
def test_r_rep_01_api_rows_info_and_export(district, django_assert_max_num_queries, kind):
    f.known(district)
    client = district.client("office_staff")
    with django_assert_max_num_queries(25):
        r = client.get(f"/api/v1/reports/ledgers/{kind}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["count"] == len(body["items"]) >= 1
    info = client.get(f"/api/v1/reports/ledgers/{kind}/info").json()
    assert info["period"] == f"{clock.today().year}年" and info["summary"]
    r = client.get(f"/api/v1/reports/ledgers/{kind}/export")
    assert r.status_code == 200 and rows_of(r.content)[2][0] == "序号"


def test_r_rep_01_workbook_and_counts_hold_only_the_readers_rows(district):
    """ADR 0900: an owner's and an authority's workbook and API counts are
    their own rows (the school's alert is neither the hospital's nor the
    transport authority's)."""
    f.known(district)
    for user in ("hospital_admin", "transport_staff"):
        client = district.client(user)
        texts = " ".join(
            sheet(client.get(reverse(PAGES["in-process"]), {"export": "xlsx"}).content).values()
        )
        assert "第一中学教学楼工程" not in texts and "填报单位：" in texts
        api = client.get("/api/v1/reports/ledgers/in-process/export").content
        assert "第一中学教学楼工程" not in " ".join(sheet(api).values())
        info = client.get("/api/v1/reports/ledgers/in-process/info").json()
        rows = client.get("/api/v1/reports/ledgers/in-process").json()
        assert info["summary"]["共"] == rows["count"] <= 1
    office = district.client("office_staff").get("/api/v1/reports/ledgers/in-process/info")
    assert office.json()["summary"]["共"] == 2
