"""R-REP-02 (YJ 四(三)), ADR 0933: the reporting departments and the
coordinating body of the monthly reports are data the office's administrator
keeps: a department added receives next month's report to draft, a
deactivated one does not; one active coordinating body; every write audited;
refusals change nothing; the page and the API scoped to the office."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from postaward.core.models import AuditRecord
from postaward.orgs.choices import Industry, OrgKind
from postaward.testing import db_fingerprint, org

from .. import services_monthly as sm
from .. import services_units as su
from ..choices import UnitRole
from ..models import MonthlyReport, ReportingUnit

pytestmark = pytest.mark.django_db

LIST = "/reports/monthly-units/"
API = "/api/v1/reports/monthly-units"


def unit_of(d, key: str) -> ReportingUnit:
    return ReportingUnit.objects.get(office=d.orgs["office"], organisation=d.orgs[key])


def test_r_rep_02_the_directory_defaults_to_the_authorities_and_the_office(district):
    office = district.orgs["office"]
    assert set(sm.reporting_departments(office)) == {
        district.orgs["housing"],
        district.orgs["transport"],
    }
    assert sm.coordinating_body(office) == office  # no DRC in the test district
    # made once, audited as the system
    sm.reporting_departments(office)
    assert ReportingUnit.objects.filter(office=office).count() == 3
    assert AuditRecord.objects.filter(action="reports.unit_added").count() == 3


def test_r_rep_02_a_department_added_receives_next_months_report_to_draft(district):
    office = district.orgs["office"]
    sm.open_month(office, 2026, 5)  # the directory's default
    natural = org(office, "测试区自然资源局", OrgKind.INDUSTRY_AUTHORITY, industry=Industry.OTHER)
    admin = district.client("office_admin")
    r = admin.post(
        reverse("reports_unit_new"),
        {"organisation": natural.pk, "role": "department", "active": "on", "idempotency_key": "u1"},
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    # deactivate the transport bureau
    transport = unit_of(district, "transport")
    r = admin.post(
        reverse("reports_unit_detail", args=[transport.pk]),
        {"role": "department", "note": "职能调整，不再单独报送"},
    )
    assert r.status_code == 302
    made = sm.open_month(office, 2026, 6)
    units = {m.department_id for m in made}
    assert natural.pk in units and district.orgs["transport"].pk not in units
    assert district.orgs["housing"].pk in units
    report = MonthlyReport.objects.get(department=natural, year=2026, month=6)
    assert not report.summary and report.state == "draft"
    # May stays as it was opened
    assert MonthlyReport.objects.filter(department=district.orgs["transport"], month=5).exists()
    actions = list(
        AuditRecord.objects.filter(action__startswith="reports.unit_")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["reports.unit_added", "reports.unit_changed"]


def test_r_rep_02_the_worker_opens_the_month_from_the_directory(district):
    from ..tasks import open_last_month

    su.ensure(district.orgs["office"])
    su.change(
        actor=district.actor("office_admin"), unit=unit_of(district, "transport"), active=False
    )
    import datetime as dt

    assert open_last_month(dt.date(2026, 7, 1)) == 2  # housing and the summary
    assert not MonthlyReport.objects.filter(department=district.orgs["transport"]).exists()


def test_r_rep_02_one_active_coordinating_body_and_refusals_change_nothing(district):
    office = district.orgs["office"]
    admin = district.actor("office_admin")
    su.ensure(office)
    drc = org(office, "测试区发展和改革局", OrgKind.DRC)
    neighbour = org(None, "邻区监管办", OrgKind.SUPERVISION_OFFICE)
    neighbour_unit = org(
        neighbour, "邻区住建局", OrgKind.INDUSTRY_AUTHORITY, industry=Industry.HOUSING
    )
    before = db_fingerprint()
    with pytest.raises(Exception, match="已有启用的牵头单位"):
        su.add(actor=admin, organisation_id=drc.pk, role=UnitRole.COORDINATOR)
    with pytest.raises(Exception, match="请选择本区的政府部门或单位"):
        su.add(actor=admin, organisation_id=neighbour_unit.pk, role=UnitRole.DEPARTMENT)
    with pytest.raises(Exception, match="请选择本区的政府部门或单位"):
        su.add(actor=admin, organisation_id=district.orgs["school"].pk, role="department")
    with pytest.raises(Exception, match="已在报送单位名录中"):
        su.add(actor=admin, organisation_id=district.orgs["housing"].pk, role="department")
    with pytest.raises(Exception, match="仅监管办管理员"):
        su.add(actor=district.actor("office_staff"), organisation_id=drc.pk, role="department")
    # an unchanged edit records nothing
    su.change(actor=admin, unit=unit_of(district, "housing"), active=True)
    assert db_fingerprint() == before
    # the office steps down, the DRC coordinates: next month's summary is the DRC's
    su.change(actor=admin, unit=unit_of(district, "office"), active=False)
    su.add(actor=admin, organisation_id=drc.pk, role=UnitRole.COORDINATOR)
    assert sm.coordinating_body(office) == drc
    made = sm.open_month(office, 2026, 8)
    assert [m.department for m in made if m.summary] == [drc]


def test_r_rep_02_directory_pages_authorization(district):
    su.ensure(district.orgs["office"])
    unit = unit_of(district, "housing")
    r = Client().get(LIST)
    assert r.status_code == 302 and "login" in r["Location"]
    for who in ("housing_admin", "school_admin", "contractor_a_admin"):
        assert district.client(who).get(LIST).status_code == 403, who
        assert district.client(who).get(reverse("reports_unit_new")).status_code == 403
    staff = district.client("office_staff")
    html = staff.get(LIST).content.decode()
    assert "测试区住建局" in html and 'data-testid="new"' not in html
    assert staff.get(reverse("reports_unit_new")).status_code == 403
    before = db_fingerprint()
    r = staff.post(reverse("reports_unit_detail", args=[unit.pk]), {"role": "department"})
    assert r.status_code == 403 and db_fingerprint() == before
    admin = district.client("office_admin")
    assert 'data-testid="new"' in admin.get(LIST).content.decode()
    # another district's unit is not found
    other = org(None, "邻区监管办", OrgKind.SUPERVISION_OFFICE)
    su.ensure(other)
    theirs = ReportingUnit.objects.filter(office=other).first()
    assert admin.get(reverse("reports_unit_detail", args=[theirs.pk])).status_code == 404
    assert "邻区监管办" not in admin.get(LIST).content.decode()


def test_r_rep_02_directory_api_idempotent_and_chinese_errors(district):
    su.ensure(district.orgs["office"])
    natural = org(
        district.orgs["office"],
        "测试区自然资源局",
        OrgKind.INDUSTRY_AUTHORITY,
        industry=Industry.OTHER,
    )
    admin = district.client("office_admin")
    body = {"organisation_id": natural.pk, "role": "department"}
    kw = {"content_type": "application/json", "headers": {"Idempotency-Key": "unit-1"}}
    r1 = admin.post(API, json.dumps(body), **kw)
    r2 = admin.post(API, json.dumps(body), **kw)
    assert r1.status_code == 201 and r2.status_code == 201, r1.content
    assert r1.json()["id"] == r2.json()["id"] and r1.json()["role_label"] == "报送部门"
    uid = r1.json()["id"]
    r = admin.patch(f"{API}/{uid}", json.dumps({"active": False}), content_type="application/json")
    assert r.status_code == 200 and r.json()["active"] is False
    before = db_fingerprint()
    r = admin.patch(f"{API}/{uid}", json.dumps({"role": "boss"}), content_type="application/json")
    assert r.status_code == 422
    r = admin.post(
        API,
        json.dumps({"organisation_id": district.orgs["school"].pk, "role": "department"}),
        content_type="application/json",
    )
    assert r.status_code == 422 and "请选择本区的政府部门或单位" in r.json()["message"]
    assert db_fingerprint() == before
    listed = admin.get(API, {"active": "false"}).json()["items"]
    assert [u["id"] for u in listed] == [uid]
