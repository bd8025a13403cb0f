"""``field__any=Ids(…)`` (core/lookups.py, ADR 0917): the same rows as
``__in``, on a plain column and through a foreign key, on every database (one
array parameter on PostgreSQL, the plain IN elsewhere)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from postaward.core.lookups import Ids
from postaward.projects.models import Project

pytestmark = pytest.mark.django_db


def test_any_reads_the_same_rows_as_in(district):
    projects = list(Project.objects.order_by("pk").values_list("pk", "owner_id"))
    assert len(projects) >= 2
    chosen = {projects[0][0]}  # a strict subset
    some = [*chosen, 10**12]  # and an id that exists nowhere
    owners = [projects[0][1]]

    def both(name: str, value: list[int]) -> tuple[set[int], set[int]]:
        rows = Project.objects.values_list("pk", flat=True)
        return (
            set(rows.filter(**{f"{name}__any": Ids(value)})),
            set(rows.filter(**{f"{name}__in": value})),
        )

    assert both("pk", some) == (chosen, chosen)
    got, expected = both("owner_id", owners)  # a foreign key's column
    assert got == expected and projects[0][0] in got
    assert both("owner", owners) == (got, got)  # the foreign key itself
    assert not Project.objects.filter(pk__any=Ids([])).exists()
    # a plain list works too (the ORM prepares it value by value first)
    assert set(Project.objects.filter(pk__any=some).values_list("pk", flat=True)) == chosen


def test_any_sends_one_parameter_on_postgresql(district):
    ids = Ids(range(1, 5001))
    with CaptureQueriesContext(connection) as ctx:
        list(Project.objects.filter(pk__any=ids).values_list("pk", flat=True))
    sql = ctx.captured_queries[-1]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql and sql.count(",") >= 4999  # the array, inlined once
        assert " IN (" not in sql
    else:
        assert " IN (" in sql


def test_ids_refuse_what_is_not_an_id():
    with pytest.raises(TypeError):
        Ids(["1; DROP TABLE x"])  # type: ignore[list-item]
    with pytest.raises(OverflowError):
        Ids([2**64])
    assert Ids([3, 1]).literal() == "{3,1}"
