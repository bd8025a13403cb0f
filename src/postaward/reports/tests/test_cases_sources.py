"""R-REP-06 (YJ 三(二)), ADR 0931: 列入典型案例 from an alert, an inspection's
finding and a complaint: the button on the source's page (the office's staff
and leaders only), the form prefilled with the source's project and number,
the case linked back to its source, one case per source, the API equivalent;
a refused request changes nothing."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from postaward.alerts.models import Alert
from postaward.complaints.models import Complaint
from postaward.core.errors import ValidationFailed
from postaward.core.models import AuditRecord
from postaward.inspections.tests import factories_visits as vf
from postaward.testing import db_fingerprint

from .. import services_cases as sc
from ..models import TypicalCase
from . import factories as f

pytestmark = pytest.mark.django_db

NEW = "/reports/typical-cases/new/"
API = "/api/v1/reports/typical-cases"


def _alert(d):
    f.alerts(d)
    return Alert.objects.get(project=d.projects["p_school"])


def _complaint(d):
    f.complaints(d)
    return Complaint.objects.filter(anonymous=False).get()


def test_r_rep_06_button_on_the_three_source_pages_for_the_office_only(district):
    alert = _alert(district)
    complaint = _complaint(district)
    finding = vf.finding_of(vf.disposed(district))
    pages = {
        "alert": (reverse("alerts_detail", args=[alert.pk]), alert.pk),
        "finding": (reverse("inspections_visit", args=[finding.inspection_id]), finding.pk),
        "complaint": (reverse("complaints_detail", args=[complaint.pk]), complaint.pk),
    }
    source = {"alert": "alert", "finding": "inspection", "complaint": "complaint"}
    for who in ("office_staff", "office_admin"):
        client = district.client(who)
        for kind, (url, pk) in pages.items():
            html = client.get(url).content.decode()
            assert f'data-testid="mark-typical-{kind}"' in html, (who, kind)
            assert f"{NEW}?source={source[kind]}&amp;id={pk}" in html
    # the housing authority sees the alert and the visit, but does not mark cases
    housing = district.client("housing_staff")
    for kind in ("alert", "finding"):
        r = housing.get(pages[kind][0])
        assert r.status_code == 200 and "mark-typical-" not in r.content.decode()


def test_r_rep_06_mark_from_an_alert_prefilled_and_linked_back(district):
    alert = _alert(district)
    client = district.client("office_staff")
    url = f"{NEW}?source=alert&id={alert.pk}"
    html = client.get(url).content.decode()
    assert alert.number in html and alert.title in html
    assert reverse("alerts_detail", args=[alert.pk]) in html
    # the project, the kind and the number come from the alert, whatever is posted
    r = client.post(
        url,
        {
            "project": district.projects["p_hospital"].pk,
            "source": "other",
            "source_ref": "X",
            "problem": f.PROBLEM,
            "measures": f.MEASURES,
            "days": 10,
            "source_id": alert.pk,
            "idempotency_key": "from-alert-1",
        },
    )
    c = TypicalCase.objects.get()
    assert r.status_code == 302, r.content.decode()[:2000]
    assert (c.source, c.source_id, c.source_ref) == ("alert", alert.pk, alert.number)
    assert c.project_id == district.projects["p_school"].pk
    rec = AuditRecord.objects.get(action="reports.typical_case_marked")
    assert rec.after["source_id"] == alert.pk
    # the case's page links back to the alert (for a reader who sees the alert)
    html = client.get(reverse("reports_case_detail", args=[c.pk])).content.decode()
    assert f'<a href="{reverse("alerts_detail", args=[alert.pk])}">{alert.number}</a>' in html


def test_r_rep_06_mark_from_a_finding_and_a_complaint(district):
    i = vf.disposed(district)
    finding = vf.finding_of(i)
    complaint = _complaint(district)
    office = district.actor("office_staff")
    c1 = sc.mark(
        actor=office,
        project_id=None,
        problem=f.PROBLEM,
        measures=f.MEASURES,
        days=5,
        source="inspection",
        source_id=finding.pk,
    )
    assert (c1.project_id, c1.source_ref, c1.source_id) == (i.project_id, i.number, finding.pk)
    html = (
        district.client("office_staff")
        .get(f"{NEW}?source=complaint&id={complaint.pk}")
        .content.decode()
    )
    # the complaint's number and subject, never its facts (the complainant, R-CMP-04)
    assert complaint.receipt_number in html and complaint.facts not in html
    c2 = sc.mark(
        actor=office,
        project_id=complaint.project_id,
        problem=f.PROBLEM,
        measures=f.MEASURES,
        days=5,
        source="complaint",
        source_id=complaint.pk,
    )
    assert c2.source_ref == complaint.receipt_number


def test_r_rep_06_one_case_per_source_and_refusals_change_nothing(district):
    alert = _alert(district)
    other = Alert.objects.get(project=district.projects["p_hospital"])
    office = district.actor("office_staff")
    kw = {"problem": f.PROBLEM, "measures": f.MEASURES, "days": 5, "source": "alert"}
    c = sc.mark(actor=office, project_id=None, source_id=alert.pk, **kw)
    before = db_fingerprint()
    with pytest.raises(ValidationFailed, match=c.number):
        sc.mark(actor=office, project_id=None, source_id=alert.pk, **kw)
    with pytest.raises(ValidationFailed, match="项目不一致"):
        sc.mark(actor=office, project_id=district.projects["p_school"].pk, source_id=other.pk, **kw)
    with pytest.raises(ValidationFailed, match="不存在或无权查看"):
        sc.mark(actor=office, project_id=None, source_id=999999, **kw)
    with pytest.raises(ValidationFailed, match="其他"):
        sc.mark(actor=office, project_id=None, source_id=other.pk, **{**kw, "source": "other"})
    assert db_fingerprint() == before


def test_r_rep_06_form_authorization(district):
    alert = _alert(district)
    url = f"{NEW}?source=alert&id={alert.pk}"
    r = Client().get(url)
    assert r.status_code == 302 and "login" in r["Location"]
    assert district.client("housing_staff").get(url).status_code == 403
    assert district.client("school_admin").get(url).status_code == 403
    # a source the office does not see (no such record in its scope) answers 404
    assert district.client("office_staff").get(f"{NEW}?source=alert&id=999999").status_code == 404
    assert district.client("office_staff").get(url).status_code == 200


def test_r_rep_06_api_marks_from_a_source(district):
    complaint = _complaint(district)
    client = district.client("office_staff")
    body = {
        "problem": f.PROBLEM,
        "measures": f.MEASURES,
        "days": 10,
        "source": "complaint",
        "source_id": complaint.pk,
    }
    kw = {"content_type": "application/json", "headers": {"Idempotency-Key": "src-1"}}
    r1 = client.post(API, json.dumps(body), **kw)
    r2 = client.post(API, json.dumps(body), **kw)
    assert r1.status_code == 201 and r2.status_code == 201, r1.content
    out = r1.json()
    assert out["id"] == r2.json()["id"] and out["source_id"] == complaint.pk
    assert out["project_id"] == complaint.project_id
    assert out["source_ref"] == complaint.receipt_number
    # a second key for the same complaint: refused in Chinese, nothing changed
    before = db_fingerprint()
    r3 = client.post(
        API, json.dumps(body), content_type="application/json", headers={"Idempotency-Key": "k2"}
    )
    assert r3.status_code == 422 and "已列入典型案例督办" in r3.json()["message"]
    r4 = district.client("housing_staff").post(
        API, json.dumps(body), content_type="application/json"
    )
    assert r4.status_code == 403
    assert db_fingerprint() == before
