"""Work the test process would otherwise repeat for every test: done once per
process and reused (ADR 0083). Installed by the root ``conftest.py``.

- WhiteNoise scans every static file (finders, ``os.stat``, headers) each time a
  middleware chain is built, and Django's test ``Client`` builds one per client:
  most tests make one to five clients. The scan's result depends only on the
  static files, which a test run does not change: the first scan is kept and
  the next middleware instances take the same entries.
- ``NinjaAPI.get_openapi_schema`` builds the OpenAPI document (a pydantic JSON
  schema for each of ~200 operations, seconds of CPU); the route walks
  (authorization table, scope walk, query bounds, API edge, smoke tests) each
  ask for it. It depends only on the routes: built once per API and prefix,
  every caller gets its own deep copy.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    _memoise_static_scan()
    _memoise_openapi_schema()


def _memoise_static_scan() -> None:
    from whitenoise.middleware import WhiteNoiseMiddleware

    scan = WhiteNoiseMiddleware.add_files_from_finders
    scanned: dict[str, dict[str, Any]] = {}

    @functools.wraps(scan)
    def add_files_from_finders(self: WhiteNoiseMiddleware) -> None:
        key = self.static_prefix
        if key not in scanned:
            before = dict(self.files)
            scan(self)
            scanned[key] = {u: f for u, f in self.files.items() if before.get(u) is not f}
        else:
            self.files.update(scanned[key])

    WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders  # type: ignore[method-assign]


def _memoise_openapi_schema() -> None:
    from ninja import NinjaAPI

    build = NinjaAPI.get_openapi_schema
    built: dict[tuple[int, str], Any] = {}

    @functools.wraps(build)
    def get_openapi_schema(
        self: NinjaAPI, *, path_prefix: str | None = None, path_params: Any = None
    ) -> Any:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        key = (id(self), path_prefix)
        if key not in built:
            built[key] = build(self, path_prefix=path_prefix)
        return _copy(built[key])

    NinjaAPI.get_openapi_schema = get_openapi_schema  # type: ignore[method-assign]


def _copy(schema: dict) -> Any:
    """A fresh ``OpenAPISchema`` (a dict) with the same content, deep-copied;
    its attributes (the API, the prefix) are shared, not copied."""
    kind: type[dict] = type(schema)
    fresh = dict.__new__(kind)
    fresh.__dict__.update(schema.__dict__)
    dict.update(fresh, copy.deepcopy(dict(schema)))
    return fresh
