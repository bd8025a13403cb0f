"""The monthly public summary (R-REP-07, HC 三(二)(三); ADR 0922) and the
caching of the inspections' and credit's public pages (R-REP-04; ADR 0921)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db.models import Count
from django.test import Client

from postaward.complaints.models import Complaint
from postaward.core import clock
from postaward.core.models import AuditChainHead
from postaward.credit.models import AnnualScore
from postaward.inspections.models.visits import Finding, Inspection, InspectionState, OrderState
from postaward.portal import summary
from postaward.portal.models import Publication
from postaward.projects.choices import ProjectStatus
from postaward.projects.models import Project
from postaward.testing import demo_build

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _figure(html: str, testid: str) -> int:
    m = re.search(rf'data-testid="{testid}">\s*(\d+)', html)
    assert m, testid
    return int(m.group(1))


def _local(d: dt.date, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime.combine(d, dt.time(h, mi), tzinfo=clock.LOCAL_TZ)


def _published_project() -> Project:
    return (
        Project.objects.filter(award_date__isnull=False, award_date__lte=clock.today())
        .exclude(status=ProjectStatus.TERMINATED)
        .order_by("pk")[0]
    )


def test_r_rep_07_a_month_shows_the_figures_of_published_data_only():
    """Each figure counted by hand from the tables, published rows only."""
    demo_build(12)
    m = summary.this_month()
    start, end = _local(m.first), _local(m.last + dt.timedelta(days=1))
    html = Client().get(f"/public/summary/{m.key}/").content.decode()
    projects = Project.objects.filter(award_date__isnull=False, award_date__lte=clock.today())
    projects = projects.exclude(status=ProjectStatus.TERMINATED, actual_start__isnull=True)
    assert _figure(html, "sum-projects") == projects.count()
    assert _figure(html, "sum-new-projects") == projects.filter(award_date__gte=m.first).count()
    done = Inspection.objects.filter(
        state=InspectionState.PUBLISHED, visited_at__gte=start, visited_at__lt=end
    )
    assert _figure(html, "sum-inspections") == done.count()
    found = Finding.objects.filter(inspection__in=done)
    assert _figure(html, "sum-findings") == found.count()
    assert _figure(html, "sum-rectified") == found.filter(order__state=OrderState.CLOSED).count()
    pens = Publication.objects.filter(
        kind=Publication.Kind.PENALTY,
        state=Publication.State.PUBLISHED,
        published_at__gte=start,
        published_at__lt=end,
    )
    assert _figure(html, "sum-penalties") == pens.count()
    got = Complaint.objects.filter(receipt_day__gte=m.first, receipt_day__lte=m.last)
    assert _figure(html, "sum-complaints") == got.count()
    finished = got.filter(state__in=("rejected", "closed")).count()
    assert _figure(html, "sum-complaints-finished") == finished
    assert _figure(html, "sum-complaints-on-time") <= finished
    scores = AnnualScore.objects.filter(
        current=True,
        year=m.year,
        subject_org__isnull=False,
        subject_kind__in=("contractor", "supervising_firm", "intermediary"),
    )
    colours = dict(scores.values_list("colour").annotate(n=Count("pk")))
    for colour in ("green", "blue", "yellow", "orange", "red"):
        assert _figure(html, f"sum-colour-{colour}") == colours.get(colour, 0), colour
    assert _figure(html, "sum-credit-total") == scores.count()
    # the stage and industry tables add up to the projects under supervision
    stage = re.search(r'data-testid="sum-by-stage">(.*?)</table>', html, re.S)[1]  # type: ignore[index]
    assert sum(int(n) for n in re.findall(r'text-end">(\d+)<', stage)) == projects.count()
    ind = re.search(r'data-testid="sum-by-industry">(.*?)</table>', html, re.S)[1]  # type: ignore[index]
    assert sum(int(n) for n in re.findall(r'text-end">(\d+)<', ind)) == projects.count()
    assert "截至今日" in html and "R-REP" not in html


def test_r_rep_07_unpublished_rows_count_nowhere():
    """A penalty not yet published, an inspection not yet published and a
    project not yet awarded do not count; publishing them does (the stamp)."""
    demo_build(12)
    m = summary.this_month()
    url = f"/public/summary/{m.key}/"
    client = Client()
    before = client.get(url).content.decode()
    p = _published_project()
    Project.objects.filter(pk=p.pk).update(award_date=None, updated_at=clock.now())
    insp = Inspection.objects.filter(state=InspectionState.PUBLISHED).first()
    after_project = client.get(url).content.decode()
    assert _figure(after_project, "sum-projects") == _figure(before, "sum-projects") - 1
    if insp is not None:
        Inspection.objects.filter(pk=insp.pk).update(
            state=InspectionState.SIGNED_OFF, visited_at=clock.now()
        )
        html = client.get(url).content.decode()
        assert _figure(html, "sum-inspections") == _figure(after_project, "sum-inspections")
        Inspection.objects.filter(pk=insp.pk).update(
            state=InspectionState.PUBLISHED, published_at=clock.now()
        )
        html = client.get(url).content.decode()
        assert _figure(html, "sum-inspections") == _figure(after_project, "sum-inspections") + 1
    pub = Publication.objects.filter(kind=Publication.Kind.PENALTY).first()
    if pub is not None:
        Publication.objects.filter(pk=pub.pk).update(
            state=Publication.State.PENDING, published_at=None
        )
        base = _figure(client.get(url).content.decode(), "sum-penalties")
        Publication.objects.filter(pk=pub.pk).update(
            state=Publication.State.PUBLISHED, published_at=clock.now()
        )
        assert _figure(client.get(url).content.decode(), "sum-penalties") == base + 1


def test_r_rep_07_month_edges_by_local_time_and_bad_months():
    """An inspection visited at 23:59 on the month's last day (Beijing time)
    counts in that month, one at 00:00 of the next day in the next; months
    before 2020, after this month or badly written are not found."""
    demo_build(12)
    insp = Inspection.objects.filter(state=InspectionState.PUBLISHED).first()
    if insp is None:
        pytest.skip("the demo publishes no inspection")
    m = summary.this_month().back(2)
    nxt = m.back(-1)
    Inspection.objects.filter(pk=insp.pk).update(visited_at=_local(dt.date(2020, 1, 15), 10))
    base = {k: summary.month_summary(k).inspections for k in (m, nxt)}
    Inspection.objects.filter(pk=insp.pk).update(visited_at=_local(m.last, 23, 59))
    assert summary.month_summary(m).inspections == base[m] + 1
    assert summary.month_summary(nxt).inspections == base[nxt]
    Inspection.objects.filter(pk=insp.pk).update(visited_at=_local(nxt.first))
    assert summary.month_summary(m).inspections == base[m]
    assert summary.month_summary(nxt).inspections == base[nxt] + 1
    client = Client()
    for bad in ("2019-12", "2020-13", "2020-1", "abcd-ef", summary.this_month().back(-1).key):
        assert client.get(f"/public/summary/{bad}/").status_code == 404, bad
    assert client.get("/public/summary/2020-01/").status_code == 200


def test_r_rep_07_the_index_lists_twelve_months_consistent_with_each_month():
    demo_build(12)
    client = Client()
    html = client.get("/public/summary/").content.decode()
    months = summary.recent()
    assert len(months) == 12 and months[0] == summary.this_month()
    for m in months:
        assert f'data-testid="summary-row-{m.key}"' in html
    rows = {r["m"]: r for r in summary.index_rows()}
    for m in months[:4]:
        s = summary.month_summary(m)
        r = rows[m]
        assert (r["projects"], r["new_projects"], r["inspections"], r["penalties"]) == (
            s.projects,
            s.new_projects,
            s.inspections,
            s.penalties,
        ), m
        assert r["complaints"] == s.complaints
    page = client.get(f"/public/summary/{months[1].key}/").content.decode()
    assert (
        f"/public/summary/{months[2].key}/" in page and f"/public/summary/{months[0].key}/" in page
    )
    assert "截至今日" not in page.split("<main", 1)[-1].split("全部月份")[0]


def test_r_rep_07_linked_from_home_and_listed_in_the_sitemap():
    demo_build(12)
    client = Client()
    assert "/public/summary/" in client.get("/public/").content.decode()
    xml = client.get("/sitemap.xml").content.decode()
    assert "/public/summary/</loc>" in xml
    for m in summary.recent():
        assert f"/public/summary/{m.key}/</loc>" in xml


def test_r_rep_07_summary_is_cached_and_a_second_request_costs_only_the_stamp(
    django_assert_max_num_queries,
):
    demo_build(12)
    client = Client()
    assert client.get("/public/summary/")["X-Public-Cache"] == "miss"
    with django_assert_max_num_queries(6):
        assert client.get("/public/summary/")["X-Public-Cache"] == "hit"


@pytest.mark.parametrize(
    "url",
    ["/public/inspections/", "/public/credit/", "/public/credit/blacklist/"],
)
def test_r_rep_04_inspections_and_credit_pages_are_served_from_the_cache(
    url, django_assert_max_num_queries
):
    """A second request is answered from the cache with the stamp's queries
    only; an audited write (the audit chain moves) shows on the next request."""
    demo_build(12)
    client = Client()
    first = client.get(url)
    assert first.status_code == 200 and first["X-Public-Cache"] == "miss"
    with django_assert_max_num_queries(4):
        again = client.get(url)
    assert again["X-Public-Cache"] == "hit" and again.content == first.content
    AuditChainHead.objects.update(last_seq=10**9)
    assert client.get(url)["X-Public-Cache"] == "miss"


def test_r_rep_04_a_published_inspection_shows_at_once_on_the_cached_list():
    demo_build(12)
    insp = Inspection.objects.filter(state=InspectionState.PUBLISHED).order_by("pk").first()
    if insp is None:
        pytest.skip("the demo publishes no inspection")
    client = Client()
    url = f"/public/inspections/?year={insp.year}"
    assert insp.number in client.get(url).content.decode()
    # hidden without an audited write: an announced inspection back to scheduled
    Inspection.objects.filter(pk=insp.pk).update(
        state=InspectionState.SCHEDULED, announced=True, visited_at=None
    )
    assert insp.number not in client.get(url).content.decode()
    detail = f"/public/inspections/{insp.number}/"
    assert client.get(detail).status_code == 404


def test_r_rep_04_a_revoked_ban_leaves_the_cached_blacklist_at_once():
    from postaward.credit.choices import SanctionState
    from postaward.credit.public_credit import bans_in_force

    demo_build(12)
    ban = bans_in_force().order_by("pk").first()
    assert ban is not None, "the demo blacklists a contractor"
    client = Client()
    url = "/public/credit/blacklist/"
    before = client.get(url)
    assert before["X-Public-Cache"] == "miss"
    assert client.get(url)["X-Public-Cache"] == "hit"
    # not through the audited service: the stamp's own aggregate sees it
    type(ban).objects.filter(pk=ban.pk).update(state=SanctionState.REVOKED, revoked_at=clock.now())
    r = client.get(url)
    assert r["X-Public-Cache"] == "miss" and r.content != before.content
    assert not bans_in_force().filter(pk=ban.pk).exists()
