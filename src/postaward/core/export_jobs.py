"""Large exports in the worker (R-REP-05, ADR 0934).

A list export (``?export=xlsx`` of any list of the list component) of more rows
than :data:`INLINE_MAX_ROWS` is not built in the request: the request records
an ``ExportJob`` (the list's page and query, the requester and their scope at
that moment; audited), the worker builds the same workbook by running the same
page as the requester, reporting its progress (rows done of the total), and
the requester follows it on a page that refreshes itself until the download
link appears. The file is downloaded through the one scoped download
(``core.files.download``); the job is the requester's alone.

The threshold is the one place of the number: ``INLINE_MAX_ROWS`` (the setting
``POSTAWARD_EXPORT_INLINE_MAX_ROWS`` overrides it, e.g. in a test).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, cast

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import resolve, reverse

from . import audit, clock
from .actor import Actor
from .errors import NotFound
from .web import actor_of, page_view

log = logging.getLogger(__name__)

# R-REP-05: "over ~10,000 rows" run in the worker; up to this many, in the request.
INLINE_MAX_ROWS = 10_000


# A finished export's file is kept this many days, then removed by the worker.
KEEP_DAYS = 7


def inline_max() -> int:
    return int(getattr(settings, "POSTAWARD_EXPORT_INLINE_MAX_ROWS", INLINE_MAX_ROWS))


# --- the worker's side: progress reported by the export helper's row loop ------------------------

_progress: ContextVar[Callable[[int], None] | None] = ContextVar("export_progress", default=None)
_in_worker: ContextVar[bool] = ContextVar("export_in_worker", default=False)


def report(rows_done: int) -> None:
    """Called by the list component after each chunk of rows it wrote."""
    fn = _progress.get()
    if fn is not None:
        fn(rows_done)


def in_worker() -> bool:
    return _in_worker.get()


@contextmanager
def _running(fn: Callable[[int], None]) -> Iterator[None]:
    t1, t2 = _progress.set(fn), _in_worker.set(True)
    try:
        yield
    finally:
        _progress.reset(t1)
        _in_worker.reset(t2)


# --- the request's side -----------------------------------------------------------------------


def start(request: HttpRequest, title: str, total: int) -> HttpResponse:
    """Record the job, audit the request, hand it to the worker (after the
    commit) and answer the progress page."""
    from .models import ExportJob

    actor = actor_of(request)
    params = request.GET.copy()
    params["export"] = "xlsx"
    # an API export names the page that lists the same rows (the worker runs pages)
    page = getattr(request, "export_page_path", "") or request.path
    snapshot = dataclasses.asdict(dataclasses.replace(actor, user=None))
    snapshot["roles"] = sorted(actor.roles)
    snapshot.pop("user", None)
    with transaction.atomic():
        job = ExportJob.objects.create(
            user_id=actor.user_id,
            actor=snapshot,
            title=title[:200],
            path=page[:300],
            query=params.urlencode(),
            total=total,
        )
        audit.record(
            actor=actor,
            action="core.export_requested",
            obj=job,
            after={"title": job.title, "path": job.path, "query": job.query, "total": total},
        )
        pk = job.pk
        transaction.on_commit(lambda: _enqueue(pk))
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "message": f"导出行数较多（{total} 行），已转入后台生成，完成后在进度页下载",
                "job_id": pk,
                "page_url": reverse("export_job", args=[pk]),
                "status_url": f"/api/v1/exports/{pk}",
            },
            status=202,
        )
    return redirect("export_job", pk)


def _enqueue(pk: int) -> None:
    from .tasks import run_export

    try:
        run_export(pk)
    except Exception:  # pragma: no cover - the job stays queued; the page says so
        log.exception("could not enqueue export job %s", pk)


def _actor(job: Any) -> Actor:
    data = dict(job.actor)
    data["roles"] = frozenset(data.get("roles") or ())
    fields = {f.name for f in dataclasses.fields(Actor)}
    return Actor(**{k: v for k, v in data.items() if k in fields})


def run(pk: int) -> str:
    """The worker: run the list's page as the requester (their scope at the
    request), with the export forced inline, and keep the workbook."""
    from django.test import RequestFactory

    from .models import ExportJob

    job = ExportJob.objects.select_related("user").filter(pk=pk).first()
    if job is None or job.state not in (ExportJob.State.QUEUED, ExportJob.State.RUNNING):
        return "skipped"
    ExportJob.objects.filter(pk=pk).update(state=ExportJob.State.RUNNING)
    last = [0]

    def progress(rows_done: int) -> None:
        if rows_done - last[0] >= 500 or rows_done >= job.total:
            last[0] = rows_done
            ExportJob.objects.filter(pk=pk).update(done=min(rows_done, job.total))

    request = RequestFactory().get(job.path, data=None, QUERY_STRING=job.query)
    request.user = job.user
    request.actor = _actor(job)  # type: ignore[attr-defined]
    try:
        match = resolve(job.path)
        request.resolver_match = match
        with _running(progress):
            response = match.func(request, *match.args, **match.kwargs)
        content = b"".join(response) if response.streaming else response.content  # type: ignore[attr-defined]
        if response.status_code != 200 or not response.get("Content-Type", "").startswith(
            "application/vnd.openxmlformats"
        ):
            raise RuntimeError(f"the page answered {response.status_code}")
    except Exception as exc:
        log.exception("export job %s failed", pk)
        ExportJob.objects.filter(pk=pk).update(
            state=ExportJob.State.FAILED,
            error=f"导出失败，请缩小筛选范围后重试（{type(exc).__name__}）"[:300],
            finished_at=clock.now(),
        )
        return "failed"
    name = f"{job.title}-{clock.today():%Y%m%d}.xlsx"
    job.file.save(f"export-{job.pk}.xlsx", ContentFile(content), save=False)
    ExportJob.objects.filter(pk=pk).update(
        file=job.file.name,
        filename=name[:200],
        state=ExportJob.State.DONE,
        done=job.total,
        finished_at=clock.now(),
    )
    return "done"


def purge(now: Any = None) -> int:
    """Remove the files of exports finished more than ``KEEP_DAYS`` ago (the
    job stays, marked expired, so its page says why the file is gone); one
    audit record per job. Returns how many."""
    import datetime as dt

    from .actor import SYSTEM
    from .models import ExportJob

    cutoff = (now or clock.now()) - dt.timedelta(days=KEEP_DAYS)
    done = 0
    for job in ExportJob.objects.filter(state=ExportJob.State.DONE, finished_at__lt=cutoff):
        with transaction.atomic():
            name = job.file.name
            ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.EXPIRED, file="")
            audit.record(
                actor=SYSTEM,
                action="core.export_expired",
                obj=job,
                after={"title": job.title, "finished_at": job.finished_at.isoformat()},
            )
            if name:
                transaction.on_commit(functools.partial(job.file.storage.delete, name))
        done += 1
    return done


# --- the pages -------------------------------------------------------------------------------


@page_view
def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    """进度: refreshes itself every 2 seconds until the file is ready."""
    job = load(actor_of(request), pk)
    pending = job.state in (job.State.QUEUED, job.State.RUNNING)
    return render(
        request,
        "core/export_job.html",
        {"job": job, "pending": pending, "keep_days": KEEP_DAYS},
    )


def status_of(job: Any, *, api: bool = False) -> dict[str, Any]:
    """The job's progress, for the page's poll and the API (one shape)."""
    done = job.state == job.State.DONE
    if api:
        file_url = f"/api/v1/exports/{job.pk}/file" if done else ""
    else:
        file_url = reverse("export_job_file", args=[job.pk]) if done else ""
    return {
        "state": job.state,
        "state_label": job.get_state_display(),
        "done_rows": job.done,
        "total_rows": job.total,
        "percent": job.percent,
        "error": job.error,
        "file_url": file_url,
    }


def load(actor: Actor, pk: int) -> Any:
    """The requester's own job (anyone else: not found)."""
    from .models import ExportJob

    job = ExportJob.objects.visible_to(actor).filter(pk=pk).first()
    if job is None:
        raise NotFound()
    return job


def download(actor: Actor, pk: int) -> Any:
    """The one download of a large export: the requester's own, done."""
    from . import files
    from .models import ExportJob

    return files.download(
        ExportJob.objects, actor, pk, name="filename", download=True, state=ExportJob.State.DONE
    )


@page_view
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    return JsonResponse(status_of(load(actor_of(request), pk)))


@page_view
def job_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The download route of the page (the API has its own path to ``download``)."""
    return cast(HttpResponse, download(actor_of(request), pk))
