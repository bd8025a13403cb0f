"""R-REP-01 (YJ 二(二)), ADR 0932: the supervising firms' rectification
notices (监理通知单) are rows of the 事中监管及整改台账 beside the alerts, with
their rectification state, due date, reply and closing; filtered, searched,
sorted, counted, paged, selected and exported together; read through the
approvals app's scope."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from postaward.approvals.models import RectificationNotice
from postaward.approvals.services import supervision as notices
from postaward.approvals.tests.factories import participant, pdf
from postaward.core import clock

from . import factories as f
from .test_cases import on
from .test_ledgers import rows_of, summary

pytestmark = pytest.mark.django_db

PAGE = "reports_ledger_in_process"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def issue(d, title: str, days: int) -> RectificationNotice:
    p = d.projects["p_school"]
    return notices.issue_notice(
        actor=d.actor("chief_a"),
        project=p,
        participant=participant(p),
        title=title,
        content=f"{title}，立即整改",
        required_by=clock.today() + dt.timedelta(days=days),
    )


def known(d):
    """Two alerts (school, hospital); three notices on the school's project:
    one rectified and closed, one awaiting its reply past the due date, one
    replied awaiting review."""
    on(dt.date(2026, 6, 1))
    f.alerts(d)
    done = issue(d, "脚手架连墙件缺失", 3)
    notices.reply_notice(actor=d.actor("pm_a"), notice=done, reply="已补设连墙件", evidence=[pdf()])
    notices.close_notice(actor=d.actor("chief_a"), notice=done, opinion="复查合格")
    late = issue(d, "临边防护栏杆缺失", 2)
    replied = issue(d, "消防通道堆放材料", 5)
    notices.reply_notice(
        actor=d.actor("pm_a"), notice=replied, reply="已清理消防通道", evidence=[pdf()]
    )
    on(dt.date(2026, 6, 10))  # the second notice's due date (06-03) has passed
    return done, late, replied


def test_r_rep_01_notices_are_rows_with_their_rectification_state_and_dates(district):
    done, late, replied = known(district)
    client = district.client("office_staff")
    html = client.get(reverse(PAGE), {"year": 2026}).content.decode()
    s = summary(html)
    # 2 alerts + 3 notices; closed: 1 notice; open: 2 alerts + 2 notices; overdue: 1 notice
    assert "共 <b>5</b>" in s and "已办结 <b>1</b>" in s and "办理中 <b>4</b>" in s
    assert "超期 <b>1</b>" in s and "其中监理通知单 <b>3</b>" in s
    for n in (done, late, replied):
        assert reverse("approval_notice_detail", args=[n.pk]) in html and n.number in html
    assert "整改完成" in html and "待整改回复" in html and "已回复，待监理复查" in html
    assert late.required_by.strftime("%Y-%m-%d") in html
    assert "整改回复（2026-06-01）：已补设连墙件；复查意见：复查合格" in html
    # the source filter keeps one table; the search and the industry filter span both
    only = client.get(reverse(PAGE), {"year": 2026, "source": "notice"}).content.decode()
    assert "共 <b>3</b>" in summary(only) and "项目经理连续缺勤" not in only
    found = client.get(reverse(PAGE), {"year": 2026, "q": "临边"}).content.decode()
    assert "共 <b>1</b>" in summary(found) and late.number in found
    transport = client.get(reverse(PAGE), {"year": 2026, "industry": "transport"})
    assert "共 <b>1</b>" in summary(transport.content.decode())


def test_r_rep_01_sorted_and_paged_across_both_tables(district):
    known(district)
    client = district.client("office_staff")
    for sort in ("number", "-number", "state", "-overdue", "industry", "severity"):
        r = client.get(reverse(PAGE), {"year": 2026, "sort": sort, "per": 20})
        assert r.status_code == 200, sort
        assert len(r.context["object_list"]) == 5, sort
    newest = client.get(reverse(PAGE), {"year": 2026, "sort": "-number"}).context["object_list"]
    times = [r.found_at for r in newest]
    assert times == sorted(times, reverse=True)
    overdue = client.get(reverse(PAGE), {"year": 2026, "sort": "-overdue"}).context["object_list"]
    assert overdue[0].overdue and not any(r.overdue for r in overdue[1:])


def test_r_rep_01_workbook_and_selection_include_notices(district):
    known(district)
    client = district.client("office_staff")
    rows = rows_of(client.get(reverse(PAGE), {"year": 2026, "export": "xlsx"}).content)
    assert rows[0] == ["事中监管及整改台账"] and rows[2][:3] == ["序号", "编号", "来源"]
    body = [r for r in rows[3:-2]]
    assert len(body) == 5 and sum(1 for r in body if "监理通知单" in r) == 3
    assert rows[-2][0] == "合计" and "其中监理通知单3" in rows[-2][1]
    # the page's check boxes select a notice and an alert without collision
    page = client.get(reverse(PAGE), {"year": 2026}).context["object_list"]
    keys = {r.source: r.pk for r in page}
    picked = rows_of(
        client.get(
            reverse(PAGE),
            {"year": 2026, "export": "xlsx", "ids": [keys["notice"], keys["alert"]]},
        ).content
    )
    assert len(picked[3:-2]) == 2


def test_r_rep_01_notices_in_the_api_and_out_of_scope(district):
    _, late, _ = known(district)
    client = district.client("office_staff")
    r = client.get("/api/v1/reports/ledgers/in-process", {"year": 2026, "source": "notice"})
    assert r.status_code == 200, r.content
    items = r.json()["items"]
    assert {i["cells"]["number"] for i in items} >= {late.number}
    assert {(i["source"], i["id"]) for i in items} >= {("notice", late.pk)}
    assert all(i["project_id"] == district.projects["p_school"].pk for i in items)
    info = client.get("/api/v1/reports/ledgers/in-process/info", {"year": 2026}).json()
    assert info["summary"]["其中监理通知单"] == 3
    # the transport authority sees neither the school's notices nor its alert
    html = district.client("transport_staff").get(reverse(PAGE), {"year": 2026}).content
    text = html.decode()
    assert late.number not in text and "其中监理通知单 <b>0</b>" in summary(text)
    # an enterprise reads no ledger
    assert district.client("contractor_a_admin").get(reverse(PAGE)).status_code == 403
    json.dumps(items)  # plain values only


def test_r_rep_05_a_large_ledger_export_runs_in_the_worker(district, settings):
    """ADR 0934: over the threshold the API answers 202 and the worker builds
    the ledger's workbook through the ledger's page, both tables included."""
    from postaward.core import export_jobs
    from postaward.core.models import ExportJob

    known(district)
    settings.POSTAWARD_EXPORT_INLINE_MAX_ROWS = 4  # five rows
    client = district.client("office_staff")
    r = client.get("/api/v1/reports/ledgers/in-process/export", {"year": 2026})
    assert r.status_code == 202 and "后台" in r.json()["message"]
    job = ExportJob.objects.get(pk=r.json()["job_id"])
    assert job.path == reverse(PAGE) and job.total == 5
    assert export_jobs.run(job.pk) == "done"
    f = client.get(reverse("export_job_file", args=[job.pk]))
    rows = rows_of(b"".join(f.streaming_content))
    assert rows[0] == ["事中监管及整改台账"] and len(rows[3:-2]) == 5
    assert district.client("housing_staff").get(r.json()["status_url"]).status_code == 404


def test_r_rep_05_an_api_client_follows_its_export_with_its_token(district, settings):
    """The ledger API answers 202 with the job; the same token reads the status
    and downloads the file at ``/api/v1/exports/{id}``; another account, a
    wrong id and no token get nothing."""
    from django.test import Client

    from postaward.core import export_jobs
    from postaward.core.models import ExportJob
    from postaward.testing_xlsx import read_cells

    api = district.token_client("office_staff")
    known(district)
    settings.POSTAWARD_EXPORT_INLINE_MAX_ROWS = 4  # five rows
    r = api.get("/api/v1/reports/ledgers/in-process/export", {"year": 2026})
    assert r.status_code == 202, r.content
    body = r.json()
    job = ExportJob.objects.get(pk=body["job_id"])
    assert body["status_url"] == f"/api/v1/exports/{job.pk}"
    queued = api.get(body["status_url"]).json()
    assert queued["state"] == "queued" and queued["file_url"] == ""
    assert api.get(f"/api/v1/exports/{job.pk}/file").status_code == 404  # not done yet
    assert export_jobs.run(job.pk) == "done"
    done = api.get(body["status_url"]).json()
    assert done["percent"] == 100 and done["file_url"] == f"/api/v1/exports/{job.pk}/file"
    f = api.get(done["file_url"])
    assert f.status_code == 200 and "spreadsheetml" in f["Content-Type"]
    assert read_cells(b"".join(f.streaming_content))[0].text == "事中监管及整改台账"
    assert Client().get(body["status_url"]).status_code == 401
    for other in ("office_admin", "housing_staff"):
        other_api = district.token_client(other)
        assert other_api.get(body["status_url"]).status_code == 404, other
        assert other_api.get(done["file_url"]).status_code == 404, other
    assert api.get(f"/api/v1/exports/{job.pk + 1000}").status_code == 404
