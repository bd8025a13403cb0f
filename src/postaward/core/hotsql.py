"""A cursor for the few hand-written statements of a hot path (ADR 0508).

On PostgreSQL, Django binds parameters on the client (the values are written
into the statement text), so the server parses and plans every statement
again. The check-in path runs the same four short statements thousands of
times a minute; ``cursor()`` gives a cursor that binds on the server and
prepares each statement once per connection (``prepare=True``: psycopg keeps
the prepared statements of a connection, up to ``prepared_max``), so the
server only executes it. The settings give the connection a prepare threshold
so high that nothing else is prepared automatically (``prepare_threshold``;
``POSTAWARD_PREPARED_STATEMENTS=0`` turns this off, e.g. behind a pooler in
transaction mode, and the cursor is then Django's own). It is wrapped as any Django cursor (errors translated,
queries logged when captured). On other databases it is Django's own cursor.

Only statements whose parameters have a type PostgreSQL can infer belong here
(columns compared with a value, values inserted into columns): no parameter
alone in a select list or an expression of unknown type.
"""

from __future__ import annotations

from typing import Any

from django.db import connection


def cursor() -> Any:
    """``with hotsql.cursor() as cur: cur.execute(sql, params)``."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None or connection.queries_logged:
        # Prepared statements are off; or queries are being logged (DEBUG, a test
        # counting them), which Django does by the client-bound statement's text.
        return connection.cursor()
    raw = _prepared_cursor_class()(connection.connection)
    return connection._prepare_cursor(raw)  # type: ignore[attr-defined]


_classes: dict[str, type] = {}


def _prepared_cursor_class() -> type:
    if "cursor" not in _classes:
        from django.db.backends.postgresql.base import ServerBindingCursor

        class PreparedCursor(ServerBindingCursor):  # type: ignore[misc,valid-type]
            def execute(self, query: Any, params: Any = None, **kw: Any) -> Any:
                kw.setdefault("prepare", True)
                return super().execute(query, params, **kw)  # type: ignore[misc]

        _classes["cursor"] = PreparedCursor
    return _classes["cursor"]
