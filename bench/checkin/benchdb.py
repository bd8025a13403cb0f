"""A dedicated PostgreSQL database for a benchmark: dropped, created, migrated.

``migrate --run-syncdb`` creates the tables; any model whose table is still
missing (an app whose migration is not generated yet) is then created from the
model directly. When every app has its migrations this second step finds
nothing to do.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

REPO = Path(__file__).resolve().parents[2]
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postaward_bench"


def bench_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def django_env(url: str, var_dir: Path, *, testing: bool) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "POSTAWARD_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "postaward.settings",
        "POSTAWARD_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    env.pop("POSTAWARD_TESTING", None)
    if testing:
        # Setup only: cheap password hashing for the thousands of bench accounts.
        env["POSTAWARD_TESTING"] = "1"
    return env


def setup_django(url: str, var_dir: Path) -> None:
    """Configure Django in this process for the bench database (setup phase)."""
    os.environ.update(django_env(url, var_dir, testing=True))
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()


def migrate() -> None:
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)
    existing = set(connection.introspection.table_names())
    created = []
    with connection.schema_editor() as editor:
        for model in apps.get_models():
            meta = model._meta
            if meta.managed and not meta.proxy and meta.db_table not in existing:
                editor.create_model(model)
                created.append(meta.db_table)
    if created:
        print(f"  tables created from models (no migration yet): {', '.join(created)}")


def machine() -> str:
    """The machine the figures come from (they mean nothing without it)."""
    import platform

    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()[0]
    return (
        f"{cpu}, {os.cpu_count()} CPUs, {mem:.0f} GiB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}; load average {load:.1f} at start"
    )
