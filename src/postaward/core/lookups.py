"""``field__any=Ids(…)``: membership in a long list of integer ids (ADR 0917).

Some reads hold the ids they were given as a Python list (the dashboards read
the scope's projects once and give the later queries the list, ADR 0916). The
plain ``__in`` renders one placeholder per value: at province scale (5,000
project ids in several queries) Django's per-value preparation and psycopg's
splitting and adapting of the long query cost more than the database's work.
``__any`` sends the list as one array parameter on PostgreSQL
(``field = ANY(%s::bigint[])``, the array as one text value) and is the plain
``IN`` elsewhere; the rows are the same.

Give it an ``Ids`` (checked once, as 64-bit integers, when built): the ORM
walks a plain list value by value before any lookup sees it.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Field, ForeignObject, Lookup
from django.db.models.lookups import In


class Ids:
    """Integer ids for ``__any``: not a list, so that the ORM passes it whole."""

    __slots__ = ("values",)

    def __init__(self, values: Iterable[int]) -> None:
        self.values = array("q", values)  # TypeError/OverflowError on a non-id

    def __iter__(self) -> Iterator[int]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def literal(self) -> str:
        """The PostgreSQL array literal ``{1,2,3}``."""
        return "{" + ",".join(map(str, self.values)) + "}"


class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self) -> Ids:
        return self.rhs if isinstance(self.rhs, Ids) else Ids(self.rhs)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        ids: Ids = self.rhs
        # a text column holding ids (a deadline's subject) compares as text
        text = self.lhs.output_field.get_internal_type() in ("CharField", "TextField")
        if connection.vendor != "postgresql":
            values: list[Any] = [str(v) for v in ids] if text else list(ids)
            return In(self.lhs, values).as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        cast = "text[]" if text else "bigint[]"
        return f"{lhs} = ANY(%s::{cast})", (*lhs_params, ids.literal())


# Foreign keys keep their own lookups (``ForeignObject.get_class_lookups``).
Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)
