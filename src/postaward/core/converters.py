"""URL path converters.

``<id:pk>`` is Django's ``<int:pk>`` bounded to what a database key can hold:
at most 18 digits, so a path such as ``/system/audit/10000000000000000000000/``
is a plain 404 instead of an integer the database driver cannot bind (SQLite
raised OverflowError, a server error). Every page URL with a numeric key uses it.
"""

from __future__ import annotations


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(int(value))
