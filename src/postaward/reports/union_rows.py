"""A ledger's rows drawn from several tables, as the list component reads a
query set (ADR 0932).

The list component (``core/lists.py``) filters, searches, sorts, counts,
pages, selects (``pk__in``) and exports one query set. ``UnionRows`` gives it
that surface over several scoped query sets (``Part``): a filter or a search is
applied to every part (each part names where a common field lives in its own
table), the order, the page and the count are one SQL ``UNION ALL`` of the
parts' sort columns, and the page's records are then read by primary key, one
query per part, and wrapped as rows (``Part.wrap``).

A row's key is the part's index in the last decimal digit (``pk * 10 + index``):
the page's check boxes (digits only) select across tables without collision.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Count, F, IntegerField, Q, QuerySet, Value

KEY_BASE = 10


@dataclass(frozen=True)
class Part:
    """One table of the ledger: its scoped rows, where the common fields live
    (``names``: common lookup prefix → this table's), the sort columns as
    expressions on this table (``sort``: common name → expression), and how a
    record becomes a row (``wrap``, given the records of one page)."""

    kind: str
    qs: QuerySet
    names: dict[str, str]
    sort: dict[str, Any]
    wrap: Callable[[list[Any]], list[Any]]
    select: Sequence[str] = ()


def _translate_name(name: str, names: dict[str, str]) -> str | None:
    """``title__icontains`` → this table's lookup; None: the table has no such field."""
    parts = name.split("__")
    for n in range(len(parts), 0, -1):
        head = "__".join(parts[:n])
        if head in names:
            mapped = names[head]
            if mapped == "":
                return None
            return "__".join([mapped, *parts[n:]])
    return name


def _translate(q: Q, names: dict[str, str], index: int) -> Q:
    out = Q()
    out.connector = q.connector
    out.negated = q.negated
    children: list[Any] = []
    for child in q.children:
        if isinstance(child, Q):
            children.append(_translate(child, names, index))
            continue
        name, value = child  # type: ignore[misc]
        if name in ("pk__in", "id__in"):
            keys = [int(v) for v in value]
            children.append(("pk__in", [k // KEY_BASE for k in keys if k % KEY_BASE == index]))
            continue
        mapped = _translate_name(name, names)
        # a field this table does not have matches nothing here
        children.append((mapped, value) if mapped else ("pk__in", []))
    out.children = children
    return out


@dataclass
class UnionRows:
    parts: Sequence[Part]
    ordering: tuple[str, ...] = ()
    lo: int = 0
    hi: int | None = None

    # what the paginator and the list component ask of a query set
    ordered = True
    # a page's rows, read once (``list(page)`` asks for the length first)
    _page: list[Any] | None = field(default=None, init=False, repr=False, compare=False)

    # --- building -------------------------------------------------------------
    def _map(self, fn: Callable[[int, Part], QuerySet]) -> UnionRows:
        new = [
            Part(p.kind, fn(i, p), p.names, p.sort, p.wrap, p.select)
            for i, p in enumerate(self.parts)
        ]
        return replace(self, parts=new)

    def filter(self, *args: Q, **kwargs: Any) -> UnionRows:
        q = Q(*args, **kwargs)
        return self._map(lambda i, p: p.qs.filter(_translate(q, p.names, i)))

    def exclude(self, *args: Q, **kwargs: Any) -> UnionRows:
        q = Q(*args, **kwargs)
        return self._map(lambda i, p: p.qs.exclude(_translate(q, p.names, i)))

    def only_kind(self, kind: str) -> UnionRows:
        return self._map(lambda i, p: p.qs if p.kind == kind else p.qs.none())

    def all(self) -> UnionRows:
        return self

    def order_by(self, *names: str) -> UnionRows:
        return replace(self, ordering=tuple(names))

    def part(self, kind: str) -> QuerySet:
        """One table's rows as filtered so far (for the counts)."""
        for p in self.parts:
            if p.kind == kind:
                return p.qs
        raise KeyError(kind)

    # --- counting ---------------------------------------------------------------
    def count(self) -> int:
        n = sum(p.qs.order_by().count() for p in self.parts)
        n = max(0, n - self.lo)
        return n if self.hi is None else min(n, self.hi - self.lo)

    def __len__(self) -> int:
        if self.hi is not None:  # a page: its rows, not a second count
            return len(self._page_rows())
        return self.count()

    def aggregate(self, **kw: Any) -> dict[str, int]:
        """Only counts of rows (the list component's ``n``)."""
        for value in kw.values():
            expr = value.source_expressions[0] if isinstance(value, Count) else None
            if getattr(expr, "name", None) != "pk":
                raise NotImplementedError("only Count('pk') over the rows of several tables")
        n = self.count()
        return {k: n for k in kw}

    def exists(self) -> bool:
        return any(p.qs.exists() for p in self.parts)

    # --- reading ---------------------------------------------------------------
    def _keys(self) -> QuerySet:
        """One UNION ALL of the parts' sort columns and keys, in the order asked
        (every part gives every sort column, typed, in the same order)."""
        names = sorted({n.lstrip("-") for n in self.ordering} - {"pk"})
        queries = []
        for i, p in enumerate(self.parts):
            cols: dict[str, Any] = {
                "row_key": F("pk") * KEY_BASE + Value(i, output_field=IntegerField())
            }
            for n in names:
                cols[f"s_{n}"] = p.sort[n]
            queries.append(p.qs.order_by().annotate(**cols).values(*cols))
        first, rest = queries[0], queries[1:]
        union = first.union(*rest, all=True) if rest else first
        order = []
        for n in self.ordering:
            bare = n.lstrip("-")
            col = "row_key" if bare == "pk" else f"s_{bare}"
            order.append(f"-{col}" if n.startswith("-") else col)
        return union.order_by(*(order or ["-row_key"]))

    def _load(self, keys: list[int]) -> list[Any]:
        by_part: dict[int, list[int]] = {}
        for k in keys:
            by_part.setdefault(k % KEY_BASE, []).append(k // KEY_BASE)
        rows: dict[int, Any] = {}
        for i, pks in sorted(by_part.items()):
            p = self.parts[i]
            objs = list(p.qs.model.objects.filter(pk__in=pks).select_related(*p.select))
            for row in p.wrap(objs):
                rows[row.pk] = row
        return [rows[k] for k in keys if k in rows]

    def __getitem__(self, s: slice) -> UnionRows:
        if not isinstance(s, slice) or s.step is not None:  # pragma: no cover
            raise TypeError("UnionRows is read by slices")
        lo = self.lo + (s.start or 0)
        hi = self.hi
        if s.stop is not None:
            stop = self.lo + s.stop
            hi = stop if hi is None else min(hi, stop)
        return replace(self, lo=lo, hi=hi)

    def _chunk(self, lo: int, hi: int) -> list[Any]:
        return self._load([r["row_key"] for r in self._keys()[lo:hi]])

    def iterator(self, chunk_size: int = 500) -> Iterator[Any]:
        start = self.lo
        while self.hi is None or start < self.hi:
            end = start + chunk_size if self.hi is None else min(start + chunk_size, self.hi)
            chunk = self._chunk(start, end)
            yield from chunk
            if len(chunk) < end - start:
                return
            start = end

    def _page_rows(self) -> list[Any]:
        if self._page is None:
            self._page = self._chunk(self.lo, self.hi) if self.hi is not None else []
        return self._page

    def __iter__(self) -> Iterator[Any]:
        if self.hi is not None and self.hi - self.lo <= 500:
            return iter(self._page_rows())
        return self.iterator(500)
