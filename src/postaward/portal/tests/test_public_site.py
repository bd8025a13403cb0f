"""The public site (R-REP-04, R-INS-06, R-SCO-04): projects under supervision,
complaint statistics, search, sitemap, caching, and the scan of every public
page and API for identity and mobile numbers."""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from postaward.core import clock
from postaward.orgs.models import User
from postaward.projects.choices import ProjectStatus
from postaward.projects.models import Project
from postaward.testing import demo_build

pytestmark = pytest.mark.django_db

# An 18-digit resident ID (area, birth date, sequence, check) and an 11-digit
# mainland mobile, not inside a longer run of digits or letters: masked forms
# (110101********4258, 138****5678) do not match.
ID_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    r"\d{3}[\dXx](?![0-9A-Za-z])"
)
MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
PUBLIC_APIS = (
    "/api/v1/open/releases?page_size=100",
    "/api/v1/open/records?page_size=100",
    "/api/v1/open/projects?page_size=100",
    "/api/v1/portal/contacts",
)
LINK = re.compile(r'(?:href|<loc>)="?([^"<\s]+)')
MAX_PAGES = 400


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _public_patterns(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    """Every URL pattern under public/ without a parameter (and the sitemap)."""
    out: list[str] = []
    for p in (resolver or get_resolver()).url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            out += _public_patterns(p, route)
        elif isinstance(p, URLPattern) and route.startswith("public/") and "<" not in route:
            out.append("/" + route)
    return out


def _no_auth_apis(client: Client) -> list[str]:
    """Every GET of the API that needs no account (from the OpenAPI document),
    with its path parameters taken from the lists (release ids, OCIDs, this
    month's bulk file)."""
    from postaward.api import api

    schema = api.get_openapi_schema()
    ops = [p for p, o in schema["paths"].items() if "get" in o and not o["get"].get("security")]
    plain = [p for p in ops if "{" not in p]
    assert {u.split("?")[0] for u in PUBLIC_APIS} <= set(plain)
    releases = client.get("/api/v1/open/releases?page_size=100").json()["releases"]
    records = client.get("/api/v1/open/records?page_size=100").json()["records"]
    filled = {
        "/api/v1/open/releases/{release_id}": [r["id"] for r in releases],
        "/api/v1/open/records/{ocid}": [r["ocid"] for r in records],
        "/api/v1/open/bulk/{month}/releases.json": [clock.today().strftime("%Y-%m")],
    }
    assert set(filled) == {p for p in ops if "{" in p}, "a new public API: fill its parameter"
    out = list(plain)
    for template, values in filled.items():
        name = template[template.index("{") : template.index("}") + 1]
        out += [template.replace(name, v) for v in values]
    return out


def _scan(path: str, body: str) -> list[str]:
    return [f"{path}: {m.group(0)}" for rx in (ID_NUMBER, MOBILE) for m in rx.finditer(body)]


def _published() -> Project:
    return (
        Project.objects.filter(award_date__isnull=False)
        .exclude(status=ProjectStatus.TERMINATED)
        .order_by("pk")[0]
    )


def test_r_rep_04_r_ins_06_r_sco_04_every_public_page_and_api_shows_no_id_or_mobile():
    """R-REP-04: walk every public page (the url patterns under public/, the
    sitemap and every link under /public/ they lead to) and every public API,
    anonymously, and find no resident ID number and no mobile number."""
    demo_build(12)
    client = Client()
    apis = _no_auth_apis(client)
    start = [*_public_patterns(), "/sitemap.xml", "/public/search/?q=有限公司", *PUBLIC_APIS, *apis]
    seen: set[str] = set()
    queue = deque(start)
    found: list[str] = []
    statuses: dict[str, int] = {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        r = client.get(url)
        statuses[url] = r.status_code
        if r.status_code != 200 or r.streaming:
            continue
        body = r.content.decode("utf-8", "replace")
        found += _scan(url, body)
        if "json" in r["Content-Type"]:
            continue
        for href in LINK.findall(body):
            parts = urlsplit(href.replace("&amp;", "&"))
            path = parts.path
            if not path.startswith("/public/") or "captcha" in path or "document" in path:
                continue
            if parts.query and "page=" not in parts.query:
                path += "?" + parts.query
            if path not in seen:
                queue.append(path)
    assert not queue, "more public pages than MAX_PAGES"
    assert found == []
    # the walk reached every section and the project pages
    for must in (
        "/public/projects/",
        "/public/credit/",
        "/public/inspections/",
        "/public/summary/",
        "/sitemap.xml",
    ):
        assert statuses.get(must) == 200, must
    assert any(re.fullmatch(r"/public/projects/[^/?]+/", u) for u in seen)
    # the monthly summary's pages (R-REP-07): every month of the index
    months = [u for u in seen if re.fullmatch(r"/public/summary/\d{4}-\d{2}/", u)]
    assert len(months) >= 12 and all(statuses[u] == 200 for u in months)
    assert len(apis) > len(PUBLIC_APIS)
    assert all(statuses[a] == 200 for a in (*PUBLIC_APIS, *apis)), {
        a: statuses[a] for a in (*PUBLIC_APIS, *apis)
    }


def test_r_rep_04_the_scanner_finds_unmasked_and_passes_masked_numbers():
    page = "张三 110101199003074258 13812345678 ok: 110101********4258 138****5678 No.2026013812345678901"
    assert _scan("/x", page) == ["/x: 110101199003074258", "/x: 13812345678"]


def test_r_rep_04_the_home_links_every_public_section():
    demo_build(12)
    html = Client().get("/public/").content.decode()
    for href in (
        "/public/projects/",
        "/public/inspections/",
        "/public/inspections/draws/",
        "/public/publications/",
        "/public/credit/",
        "/public/credit/blacklist/",
        "/public/credit/agents/",
        "/public/credit/experts/",
        "/public/complaints/new/",
        "/public/complaints/stats/",
        "/public/summary/",
        "/public/interference/new/",
        "/api/v1/open/releases",
        "/public/search/",
    ):
        assert href in html, href


def test_r_rep_04_project_list_search_filters_and_detail_show_public_fields_only():
    demo_build(12)
    p = _published()
    client = Client()
    listed = client.get("/public/projects/").content.decode()
    assert p.name in listed
    by_owner = client.get("/public/projects/", {"q": p.owner.name}).content.decode()
    assert p.name in by_owner
    contractor = p.participants.filter(role="contractor").select_related("organisation").first()
    if contractor is not None:
        by_contractor = client.get("/public/projects/", {"q": contractor.organisation.name})
        assert p.name in by_contractor.content.decode()
    other = "water" if p.industry != "water" else "housing"
    assert p.name not in client.get("/public/projects/", {"industry": other}).content.decode()
    assert p.name in client.get("/public/projects/", {"industry": p.industry}).content.decode()
    from postaward.projects.selectors import STAGE_GROUPS

    stage = next(k for k, (_, states) in STAGE_GROUPS.items() if p.status in states)
    others = [k for k in STAGE_GROUPS if k != stage]
    assert p.name in client.get("/public/projects/", {"stage": stage}).content.decode()
    assert p.name not in client.get("/public/projects/", {"stage": others[0]}).content.decode()
    r = client.get(f"/public/projects/{p.code}/")
    assert r.status_code == 200
    page = r.content.decode()
    assert p.owner.name in page and p.get_status_display() in page
    # the basis is cited as document and article, never as a requirement ID
    assert 'data-testid="public-basis"' in page and "R-REP" not in page and "实施细则" in page
    for a in p.assignments.filter(ended_on__isnull=True).select_related("person", "certificate"):
        assert a.person.name in page
        if a.certificate:
            assert a.certificate.number in page
        if a.person.id_number:
            assert a.person.id_number not in page
        if a.person.mobile:
            assert a.person.mobile not in page


@pytest.mark.parametrize(
    "change",
    [
        {"award_date": None},
        {"award_date_days": 5},
        {"status": ProjectStatus.TERMINATED, "actual_start": None},
    ],
    ids=["no-award", "award-in-future", "terminated-before-start"],
)
def test_r_rep_04_an_unpublished_project_is_reachable_nowhere(change):
    demo_build(12)
    p = _published()
    client = Client()
    assert client.get(f"/public/projects/{p.code}/").status_code == 200  # cached now
    if "award_date_days" in change:
        change = {"award_date": clock.today() + dt.timedelta(days=5)}
    Project.objects.filter(pk=p.pk).update(updated_at=clock.now(), **change)
    assert client.get(f"/public/projects/{p.code}/").status_code == 404
    assert p.name not in client.get("/public/projects/").content.decode()
    found = client.get("/public/search/", {"q": p.name}).content.decode()
    assert f"/public/projects/{p.code}/" not in found
    assert f"/public/projects/{p.code}/" not in client.get("/sitemap.xml").content.decode()
    assert client.get("/public/projects/NO-SUCH-CODE/").status_code == 404


def test_r_rep_04_pages_are_cached_and_a_publication_shows_at_once():
    demo_build(12)
    p = _published()
    client = Client()
    assert client.get("/public/projects/")["X-Public-Cache"] == "miss"
    assert client.get("/public/projects/")["X-Public-Cache"] == "hit"
    Project.objects.filter(pk=p.pk).update(award_date=None, updated_at=clock.now())
    r = client.get("/public/projects/")
    assert r["X-Public-Cache"] == "miss" and p.name not in r.content.decode()
    Project.objects.filter(pk=p.pk).update(award_date=clock.today(), updated_at=clock.now())
    assert p.name in client.get("/public/projects/").content.decode()


def test_r_rep_04_public_pages_need_no_login_and_are_the_same_for_a_logged_in_user():
    demo_build(12)
    p = _published()
    user = User.objects.filter(is_active=True).order_by("pk")[0]
    member = Client()
    member.force_login(user)
    for url in (
        "/public/",
        "/public/projects/",
        f"/public/projects/{p.code}/",
        "/public/complaints/stats/",
        "/public/summary/",
        f"/public/summary/{clock.today():%Y-%m}/",
        f"/public/search/?q={p.name[:4]}",
        "/sitemap.xml",
    ):
        cache.clear()
        seen_by_member = member.get(url)
        cache.clear()
        seen_by_anyone = Client().get(url)
        assert seen_by_anyone.status_code == seen_by_member.status_code == 200, url
        assert seen_by_anyone.content == seen_by_member.content, url


def test_r_rep_04_complaint_statistics_counts_without_personal_data():
    from postaward.complaints.models import Complaint

    demo_build(12)
    year = clock.today().year
    total = Complaint.objects.filter(receipt_day__year=year).count()
    page = Client().get("/public/complaints/stats/").content.decode()
    assert f'data-testid="stats-total">{total}<' in page
    assert "按月份" in page and "按类别" in page and "按办理结果" in page and "按期办结率" in page
    for c in Complaint.objects.all():
        for secret in (c.facts, c.receipt_number, c.subject_text):
            assert secret not in page


def test_r_rep_04_sitemap_lists_the_public_pages_and_published_projects():
    demo_build(12)
    xml = Client().get("/sitemap.xml")
    assert xml["Content-Type"].startswith("application/xml")
    body = xml.content.decode()
    assert (
        "<urlset" in body and "/public/projects/</loc>" in body and "/public/credit/</loc>" in body
    )
    for p in Project.objects.filter(award_date__isnull=False).exclude(
        status=ProjectStatus.TERMINATED
    ):
        assert f"/public/projects/{p.code}/</loc>" in body
