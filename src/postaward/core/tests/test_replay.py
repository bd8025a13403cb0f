"""The suite's replayed builds (ADR 0053, ADR 0088): a capture reads only the
tables the build writes, and what it writes back equals what the build wrote."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from postaward.orgs.choices import OrgKind
from postaward.orgs.models import Organisation
from postaward.testing import _UNCOPYABLE, _rows, _tables, capture, org, replay

pytestmark = pytest.mark.django_db


def _build() -> dict[str, int]:
    """Insert, update and delete through the ORM, and update through a
    statement that starts with WITH (as the monthly closing's insert does)."""
    office = org(None, "回放测试监管办", OrgKind.SUPERVISION_OFFICE)
    kept = org(office, "回放测试教育局", OrgKind.SUPERIOR_UNIT)
    gone = org(office, "回放测试待删单位", OrgKind.SUPERIOR_UNIT)
    Organisation.objects.filter(pk=kept.pk).update(name="回放测试教育局（改名）")
    Organisation.objects.filter(pk=gone.pk).delete()
    table = connection.ops.quote_name(Organisation._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(
            f"WITH src AS (SELECT name FROM {table} WHERE id = %s) "  # noqa: S608
            f"UPDATE {table} SET short_name = (SELECT name FROM src) WHERE id = %s",
            [office.pk, office.pk],
        )
    return {"office": office.pk, "kept": kept.pk, "gone": gone.pk}


def _state(ids: dict[str, int]) -> dict:
    return {k: _rows(Organisation, pk=v).get(v) for k, v in ids.items()}


def test_a_capture_reads_only_what_the_build_wrote_and_replays_it_exactly():
    def reads(queries: CaptureQueriesContext) -> int:
        return sum(q["sql"].lstrip().upper().startswith("SELECT") for q in queries)

    with CaptureQueriesContext(connection) as plain, transaction.atomic():
        _build()
        transaction.set_rollback(True)
    with CaptureQueriesContext(connection) as seen:
        snapshot = capture(("test", "replay-exact"), _build)
    ids = snapshot.value
    # beyond the build's own reads, the capture read the tables the build wrote
    # (before and after) and counted all of them: not every table twice
    assert reads(seen) - reads(plain) < len(_tables()) / 4
    # rolled back: nothing of the build is left
    assert _state(ids) == {"office": None, "kept": None, "gone": None}
    tables = {st.sql.split()[2] for st in snapshot.statements}
    assert connection.ops.quote_name(Organisation._meta.db_table) in tables
    # written back: the same rows as a build of the same moment, the deleted one absent
    assert snapshot.restore() == ids
    replayed = _state(ids)
    assert replayed["gone"] is None
    assert replayed["office"] is not None and replayed["kept"] is not None
    names = dict(Organisation.objects.filter(pk__in=ids.values()).values_list("pk", "name"))
    assert names[ids["kept"]] == "回放测试教育局（改名）"
    short = Organisation.objects.get(pk=ids["office"]).short_name
    assert short == "回放测试监管办"


def test_a_write_the_watch_cannot_see_makes_the_test_build_for_real():
    """A row written past Django's cursor (as a COPY is on PostgreSQL) changes a
    table's count without a statement the watch saw: the capture gives up and
    ``replay`` runs the build itself, so no row is missed."""
    table = Organisation._meta.db_table

    def sneaky() -> int:
        unsaved = Organisation(name="回放测试旁路单位", kind=OrgKind.SUPERVISION_OFFICE)
        cols = [f for f in Organisation._meta.concrete_fields if f.attname != "id"]
        values = [f.get_db_prep_save(f.pre_save(unsaved, True), connection) for f in cols]
        mark = "?" if connection.vendor == "sqlite" else "%s"
        names = ", ".join(f'"{f.column}"' for f in cols)
        marks = ", ".join([mark] * len(cols))
        # the driver's own cursor: past Django's cursor and its execute wrappers
        cursor = connection.connection.cursor()
        try:
            cursor.execute(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', values)  # noqa: S608
            cursor.execute(f'SELECT MAX(id) FROM "{table}"')  # noqa: S608
            return int(cursor.fetchone()[0])
        finally:
            cursor.close()

    snapshot = capture(("test", "replay-unwatched"), sneaky)
    assert snapshot.value is _UNCOPYABLE
    pk = replay("replay-unwatched", sneaky)
    assert Organisation.objects.filter(pk=pk).exists()
    assert Organisation.objects.filter(name="回放测试旁路单位").exists()
