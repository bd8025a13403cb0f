"""R-REP-05: large exports run in the worker (ADR 0934): up to the threshold
the workbook comes in the request, one row more and the request answers the
progress page; the worker (run here as the test runs huey: immediately, after
the commit) builds the same workbook in the requester's scope, reporting rows
done of the total; only the requester reaches the page, its status and the
file; the request is audited."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from postaward.core import export_jobs
from postaward.core.models import AuditRecord, ExportJob
from postaward.orgs.choices import OrgKind
from postaward.testing import org
from postaward.testing_xlsx import read_cells

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def count(client: Client) -> int:
    return client.get(reverse("organisation_list")).context["lst"].count


def body_rows(content: bytes) -> int:
    """Data rows of a plain list workbook (after the title and header rows,
    without the totals row)."""
    from .test_lists_everywhere import xlsx_rows

    return len([row for row in xlsx_rows(content)[1:] if row and row[0] != "合计"])


def test_r_rep_05_threshold_default_is_ten_thousand_in_one_place():
    assert export_jobs.INLINE_MAX_ROWS == 10_000


def test_r_rep_05_n_rows_inline_n_plus_one_in_the_worker(
    district, settings, django_capture_on_commit_callbacks
):
    client = district.client("office_staff")
    n = count(client)
    settings.POSTAWARD_EXPORT_INLINE_MAX_ROWS = n
    url = reverse("organisation_list")
    # exactly at the edge: in the request
    r = client.get(url, {"export": "xlsx"})
    assert r["Content-Type"].startswith(XLSX) and body_rows(r.content) == n
    assert not ExportJob.objects.exists()
    # one row more: the worker
    org(district.orgs["office"], "测试区新设单位", OrgKind.SUPERIOR_UNIT)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.get(url, {"export": "xlsx", "sort": "name"})
    job = ExportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("export_job", args=[job.pk])
    assert job.state == ExportJob.State.DONE and (job.done, job.total) == (n + 1, n + 1)
    assert job.user_id == district.users["office_staff"].pk and "sort=name" in job.query
    rec = AuditRecord.objects.get(action="core.export_requested")
    assert rec.after["total"] == n + 1
    html = client.get(r["Location"]).content.decode()
    assert "已完成" in html and f"{n + 1} / {n + 1}" in html and "export-download" in html
    f = client.get(reverse("export_job_file", args=[job.pk]))
    assert f.status_code == 200 and f["Content-Type"].startswith(XLSX)
    content = b"".join(f.streaming_content)
    assert body_rows(content) == n + 1
    assert "attachment" in f["Content-Disposition"]


def test_r_rep_05_progress_is_rows_done_of_the_total(district, settings):
    client = district.client("office_staff")
    settings.POSTAWARD_EXPORT_INLINE_MAX_ROWS = 1
    # the commit never comes in this test: the job stays queued
    r = client.get(reverse("organisation_list"), {"export": "xlsx"})
    job = ExportJob.objects.get()
    page = client.get(r["Location"]).content.decode()
    assert "排队中" in page and f"0 / {job.total}" in page and 'http-equiv="refresh"' in page
    status = client.get(reverse("export_job_status", args=[job.pk])).json()
    assert status["state"] == "queued" and status["file_url"] == ""
    assert status["total_rows"] == job.total and status["percent"] == 0
    # not done: no file
    assert client.get(reverse("export_job_file", args=[job.pk])).status_code == 404
    # the worker runs it: the page stops refreshing and links the file
    assert export_jobs.run(job.pk) == "done"
    status = client.get(reverse("export_job_status", args=[job.pk])).json()
    assert status["percent"] == 100 and status["done_rows"] == job.total
    assert status["file_url"] == reverse("export_job_file", args=[job.pk])
    assert 'http-equiv="refresh"' not in client.get(r["Location"]).content.decode()
    # a second run does nothing
    assert export_jobs.run(job.pk) == "skipped"


def test_r_rep_05_only_the_requester_reaches_the_job(district, settings):
    settings.POSTAWARD_EXPORT_INLINE_MAX_ROWS = 1
    mine = district.client("office_staff")
    mine.get(reverse("organisation_list"), {"export": "xlsx"})
    job = ExportJob.objects.get()
    export_jobs.run(job.pk)
    urls = [
        reverse("export_job", args=[job.pk]),
        reverse("export_job_status", args=[job.pk]),
        reverse("export_job_file", args=[job.pk]),
    ]
    for url in urls:
        r = Client().get(url)
        assert r.status_code == 302 and "login" in r["Location"], url
        # a colleague of the same unit, and the unit's administrator: not theirs
        for other in ("office_admin", "housing_staff"):
            assert district.client(other).get(url).status_code == 404, (other, url)
        assert mine.get(url).status_code == 200, url


def test_r_rep_05_the_worker_exports_in_the_requesters_scope(district, settings):
    """An authority's export lists what the authority sees, not the office's."""
    settings.POSTAWARD_EXPORT_INLINE_MAX_ROWS = 0
    client = district.client("housing_staff")
    r = client.get(reverse("project_list"), {"export": "xlsx"})
    job = ExportJob.objects.get()
    assert r.status_code == 302 and export_jobs.run(job.pk) == "done"
    seen = client.get(reverse("project_list")).context["lst"].count
    f = client.get(reverse("export_job_file", args=[job.pk]))
    text = json.dumps(
        [c.text for c in read_cells(b"".join(f.streaming_content))], ensure_ascii=False
    )
    assert job.total == seen and "人民医院停车场道路工程" not in text


def test_r_rep_05_a_finished_file_is_kept_seven_days_then_cleared(
    district, settings, django_capture_on_commit_callbacks
):
    """The worker clears a finished export's file once it is more than 7 days
    old (exactly 7 days: kept); the job stays, its page says why, the download
    is gone, and the clearing is audited."""
    import datetime as dt

    from postaward.core import clock, tasks

    settings.POSTAWARD_EXPORT_INLINE_MAX_ROWS = 1
    client = district.client("office_staff")
    client.get(reverse("organisation_list"), {"export": "xlsx"})
    job = ExportJob.objects.get()
    assert export_jobs.run(job.pk) == "done"
    job.refresh_from_db()
    stored = job.file.name
    assert export_jobs.KEEP_DAYS == 7 and job.file.storage.exists(stored)
    # exactly seven days after it finished: kept
    assert export_jobs.purge(now=job.finished_at + dt.timedelta(days=7)) == 0
    # a minute later: cleared
    later = job.finished_at + dt.timedelta(days=7, minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert export_jobs.purge(now=later) == 1
    job.refresh_from_db()
    assert job.state == ExportJob.State.EXPIRED and not job.file
    assert not job.file.storage.exists(stored)
    assert AuditRecord.objects.filter(action="core.export_expired").count() == 1
    assert client.get(reverse("export_job_file", args=[job.pk])).status_code == 404
    page = client.get(reverse("export_job", args=[job.pk])).content.decode()
    assert "已超过 7 天保存期限" in page and "export-download" not in page
    # the periodic task runs the same purge (nothing left to clear now)
    assert clock.now() < later and tasks.purge_export_files.call_local() == 0
