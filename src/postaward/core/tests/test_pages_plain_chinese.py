"""Users read Chinese: the main pages, as several demo roles, show no
requirement ID, Python dict, ISO timestamp, indicator code or library name —
the legal basis is the document and its article (R-REP-04, R-ALR-01)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import NoReverseMatch, reverse

from postaward.core import clock, legal_basis
from postaward.credit import public_credit
from postaward.orgs.models import User
from postaward.testing import demo_build

pytestmark = pytest.mark.django_db

REQ_ID = re.compile(r"R-[A-Z]{3}-\d\d")
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
ROLES = ["office_admin", "housing_staff", "owner_leader", "owner_admin", "pm", "chief_engineer"]
PAGES = [
    "home",
    "inbox",
    "alerts_notifications",
    "project_list",
    "project_bans",
    "project_import",
    "alerts_inbox",
    "alerts_query",
    "alerts_indicators",
    "approval_changes",
    "approval_personnel",
    "approval_hidden_works",
    "approval_notices",
    "approval_acceptance",
    "approval_settlement",
    "approval_deadlines",
    "attendance_checkin",
    "attendance_owner",
    "audit_log",
    "calendar",
    "inspections_items",
    "inspections_plans",
    "inspections_draws",
    "inspections_coverage",
    "inspections_visits",
    "inspections_merge",
    "inspections_ledger",
    "inspections_visit_statistics",
    "inspections_contract_checks",
    "inspections_public",
    "public_inspection_draws",
    "public_credit",
    "public_credit_blacklist",
    "public_credit_agents",
    "public_credit_experts",
    "portal_public_summary",
    "accountability_interference_list",
    "accountability_proposal_list",
    "reports_ledger_in_process",
    "reports_ledger_post_award",
    "reports_ledger_complaints",
    "reports_ledger_verified",
    "reports_cases",
    "reports_monthly",
    "reports_meeting",
    "reports_dashboard",
    "reports_screen",
    "reports_units",
    "accountability_interference_monthly",
    "accountability_integrity_rules",
    "accountability_integrity_rule_missing",
    "accountability_interference_public",
    "accountability_interference_public_track",
]


def _main(html: str) -> str:
    return html.split("<main", 1)[-1]


def _check(url: str, html: str) -> None:
    body = _main(html)
    m = REQ_ID.search(body)
    assert m is None, (
        f"{url}: requirement ID {m.group(0)} shown: …{body[max(0, m.start() - 80) : m.end() + 40]}…"
    )  # type: ignore[union-attr]
    assert "{'" not in body, f"{url}: a Python dict on the page"
    assert "chinesecalendar" not in body, f"{url}: a library name on the page"
    i = ISO.search(body)
    assert i is None, f"{url}: ISO timestamp …{body[max(0, i.start() - 80) : i.end() + 20]}…"  # type: ignore[union-attr]


def test_main_pages_of_demo_roles_show_documents_not_requirement_ids():
    from postaward.alerts.models import Alert
    from postaward.inspections.models import ContractCheck, Draw, Inspection, RectificationOrder
    from postaward.projects.models import Project
    from postaward.reports.models import MeetingPack

    moment = dt.datetime(2026, 11, 23, 10, 0, tzinfo=clock.LOCAL_TZ)
    with time_machine.travel(moment, tick=False):
        demo_build(12)
        checked = inspections = 0
        for username in ROLES:
            user = User.objects.get(username=username)
            c = Client()
            c.force_login(user)
            urls = []
            for name in PAGES:
                try:
                    urls.append(reverse(name))
                except NoReverseMatch:
                    continue
            urls.append(reverse("inbox") + "?tab=mine")
            from postaward.orgs.actors import actor_for

            actor = actor_for(user)
            p = Project.objects.visible_to(actor).order_by("pk").first()
            if p:
                urls.append(reverse("project_detail", args=[p.pk]))
            a = Alert.objects.visible_to(actor).order_by("pk").first()
            if a:
                urls.append(reverse("alerts_detail", args=[a.pk]))
            for model, name in (
                (Draw, "inspections_draw"),
                (Inspection, "inspections_visit"),
                (RectificationOrder, "inspections_order"),
                (ContractCheck, "inspections_contract_check"),
                (MeetingPack, "reports_meeting_detail"),
            ):
                row = model.objects.visible_to(actor).order_by("pk").first()
                if row:
                    urls.append(reverse(name, args=[row.pk]))
            for d in Draw.objects.order_by("pk"):
                urls.append(reverse("public_inspection_draw_verify", args=[d.number]))
            for i in Inspection.objects.filter(state="published").order_by("pk"):
                urls.append(reverse("inspections_public_detail", args=[i.number]))
            for uscc in public_credit.published_scores().values_list(
                "subject_org__uscc", flat=True
            )[:3]:
                urls.append(reverse("public_credit_enterprise", args=[uscc]))
            for url in urls:
                r = c.get(url)
                if r.status_code != 200:
                    continue
                _check(url, r.content.decode())
                checked += 1
                inspections += "inspections" in url
    assert checked >= 60
    assert inspections >= 20  # the inspection pages, inside and public


def test_registry_gives_document_and_article_with_text():
    """The one legal-basis registry: ID → full document title, article, text."""
    [c] = legal_basis.citations("R-ATT-07")
    assert c.document == "上虞区政府投资（国有建设）项目监督管理实施细则（试行）"
    assert c.article == "第四十二条" and "连续2天" in c.text
    assert legal_basis.cite("依据：R-CHG-01、R-CHG-02").startswith("依据：《上虞区")
    assert "R-" not in legal_basis.cite("R-ATT-07（SY 第42条）")
    html = str(legal_basis.html("R-ACC-01"))
    assert "第三十一条" in html and 'title="' in html and "R-ACC-01" not in html


def test_citations_of_one_document_name_it_once():
    """R-ATT-04 rests on SY 26 and SY 47: the title is read once, both on the page."""
    html = str(legal_basis.html("R-ATT-04"))
    assert html.count("《上虞区") == 1 and "第二十六条" in html and "第四十七条" in html
    assert legal_basis.cite("R-ATT-04").count("《") == 1
