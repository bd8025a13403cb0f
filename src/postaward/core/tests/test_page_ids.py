"""Page URLs with a numeric key (issue 10 §5): an id beyond what the database can
bind is a plain 404, never a server error (SQLite raised OverflowError)."""

from __future__ import annotations

import pytest
from django.urls import get_resolver

pytestmark = pytest.mark.django_db

HUGE = "1" + "0" * 30


def test_a_page_url_with_a_thirty_digit_id_is_not_found(district):
    c = district.client("office_admin")
    assert c.get(f"/system/audit/{HUGE}/").status_code == 404
    assert c.get(f"/projects/{HUGE}/").status_code == 404
    # the largest id the converter takes is still looked up (and not found)
    assert c.get(f"/projects/{'9' * 18}/").status_code == 404


def test_no_page_url_takes_an_unbounded_integer():
    """Every numeric path segment of a page uses the bounded ``<id:…>`` converter."""

    def walk(resolver, prefix=""):
        for p in resolver.url_patterns:
            route = prefix + str(p.pattern)
            if hasattr(p, "url_patterns"):
                yield from walk(p, route)
            else:
                yield route

    unbounded = [r for r in walk(get_resolver()) if "<int:" in r]
    assert unbounded == []
