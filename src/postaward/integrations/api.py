"""Open data at ``/api/v1/open/`` (issue 18, ADR 0910, 0912): public, no account.

- ``GET /releases``: an OCDS release package of the releases of a page of
  contracting processes, in the order of their last change (then id);
  ``since=`` (ISO date-time) keeps those changed at or after it; ``page``,
  ``page_size`` (at most 100); ``links.next`` is the next page.
- ``GET /releases/{id}``: one release. ``GET /records`` (same paging),
  ``GET /records/{ocid}``: OCDS record packages.
- ``GET /projects`` (same paging): OC4IDS projects.
- ``GET /bulk/{yyyy-mm}/releases.json``: the month's release package (the
  releases dated in that month), generated on request (ADR 0912).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from ninja import Query, Router, Schema
from pydantic import Field

from postaward.core import clock
from postaward.core.api_base import responses
from postaward.core.errors import NotFound, ValidationFailed

from . import oc4ids_export, ocds_export, queries

router = Router(tags=["开放数据"], auth=None)

RELEASE_ID = re.compile(r"^(?P<ocid>.+?)-(award|change-.+|implementation-\d{8}|termination)$")


class OpenPageIn(Schema):
    since: dt.datetime | None = Field(None, description="只取此时间（含）之后有变化的采购过程")
    page: int = Field(1, ge=1, le=100000, description="页码")
    page_size: int = Field(
        queries.DEFAULT_PAGE_SIZE, ge=1, le=queries.MAX_PAGE_SIZE, description="每页采购过程数"
    )


def _base(request: HttpRequest) -> str:
    return str(
        getattr(settings, "POSTAWARD_BASE_URL", "") or request.build_absolute_uri("/")
    ).rstrip("/")


def _links(request: HttpRequest, q: OpenPageIn, total: int) -> dict[str, str]:
    links = {}
    params: dict[str, Any] = {"page_size": q.page_size}
    if q.since is not None:
        params["since"] = q.since.isoformat()
    if q.page * q.page_size < total:
        links["next"] = (
            f"{_base(request)}{request.path}?{urlencode({**params, 'page': q.page + 1})}"
        )
    if q.page > 1:
        links["prev"] = (
            f"{_base(request)}{request.path}?{urlencode({**params, 'page': q.page - 1})}"
        )
    return links


def _page(q: OpenPageIn) -> tuple[list[ocds_export.Process], int]:
    since = q.since
    if since is not None and since.tzinfo is None:  # a local time without an offset
        since = since.replace(tzinfo=clock.LOCAL_TZ)
    return queries.page(since, q.page, q.page_size)


def _json(data: dict[str, Any]) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def _published(procs: list[ocds_export.Process]) -> dt.datetime:
    dates = [p.project.changed_at for p in procs if getattr(p.project, "changed_at", None)]  # type: ignore[attr-defined]
    return max(dates) if dates else clock.now()


@router.get(
    "/releases",
    response=responses(dict[str, Any]),
    summary="OCDS 发布包（公开，无需账号；分页，since= 增量获取）",
)
def list_releases(request: HttpRequest, q: Query[OpenPageIn]) -> Any:
    procs, total = _page(q)
    pkg = ocds_export.release_package(procs, request.build_absolute_uri(), _published(procs))
    return _json({**pkg, "links": _links(request, q, total), "total": total})


@router.get(
    "/releases/{release_id}", response=responses(dict[str, Any]), summary="单个 OCDS 发布（公开）"
)
def get_release(request: HttpRequest, release_id: str) -> Any:
    m = RELEASE_ID.match(release_id)
    proc = queries.by_ocid(m["ocid"]) if m else None
    release = (
        next((r for r in ocds_export.releases(proc) if r["id"] == release_id), None)
        if proc
        else None
    )
    if release is None:
        raise NotFound("发布不存在")
    return _json(release)


@router.get(
    "/records",
    response=responses(dict[str, Any]),
    summary="OCDS 记录包（公开；分页，since= 增量获取）",
)
def list_records(request: HttpRequest, q: Query[OpenPageIn]) -> Any:
    procs, total = _page(q)
    pkg = ocds_export.record_package(
        procs, request.build_absolute_uri(), _published(procs), _base(request)
    )
    return _json({**pkg, "links": _links(request, q, total), "total": total})


@router.get(
    "/records/{ocid}",
    response=responses(dict[str, Any]),
    summary="单个采购过程的 OCDS 记录（公开）",
)
def get_record(request: HttpRequest, ocid: str) -> Any:
    proc = queries.by_ocid(ocid)
    if proc is None:
        raise NotFound("采购过程不存在")
    return _json(
        ocds_export.record_package(
            [proc], request.build_absolute_uri(), _published([proc]), _base(request)
        )
    )


@router.get(
    "/projects",
    response=responses(dict[str, Any]),
    summary="OC4IDS 项目包（公开；分页，since= 增量获取）",
)
def list_projects(request: HttpRequest, q: Query[OpenPageIn]) -> Any:
    procs, total = _page(q)
    pkg = oc4ids_export.package(
        procs, request.build_absolute_uri(), _published(procs), _base(request)
    )
    return _json({**pkg, "links": _links(request, q, total), "total": total})


@router.get(
    "/bulk/{month}/releases.json",
    response=responses(dict[str, Any]),
    summary="按月批量文件：当月的 OCDS 发布包（公开）",
)
def bulk_month(request: HttpRequest, month: str) -> Any:
    m = re.fullmatch(r"(\d{4})-(\d{2})", month)
    if not m or not 1 <= int(m[2]) <= 12:
        raise ValidationFailed("月份格式应为 YYYY-MM", field="month")
    rels = queries.month(int(m[1]), int(m[2]))
    if not rels:
        # no file for a month without releases: a release package holds at
        # least one release (OCDS 1.1 release-package schema, minItems 1)
        raise NotFound(f"{m[1]}年{int(m[2])}月没有公开发布的数据")
    published = max((dt.datetime.fromisoformat(r["date"]) for r in rels), default=clock.now())
    return _json(
        {**ocds_export.package_meta(request.build_absolute_uri(), published), "releases": rels}
    )
