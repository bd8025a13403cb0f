"""R-REP-06 (YJ 三(二)): the typical-cases supervision ledger: marked by the
office with measures and a deadline in working days, progress recorded,
closed (the deadline met); idempotent creation; a refused request changes
nothing; the ledger exported in the exchanged layout."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from postaward.core import clock, deadlines
from postaward.core.errors import Forbidden, NotFound, ValidationFailed
from postaward.core.models import AuditRecord, Deadline
from postaward.testing import db_fingerprint

from .. import services_cases as sc
from ..choices import CaseState
from ..models import TypicalCase
from . import factories as f
from .test_ledgers import rows_of

pytestmark = pytest.mark.django_db


def on(day: dt.date) -> None:
    """Move the platform clock to noon (local) of ``day``."""
    target = dt.datetime.combine(day, dt.time(12), tzinfo=clock.LOCAL_TZ)
    clock.set_offset(0)
    clock.set_offset((target - clock.now()).total_seconds())


def test_r_rep_06_deadline_in_working_days_across_national_day(district):
    # marked 2026-09-30 with 1 working day: 10-01..10-07 are holidays -> 10-08
    on(dt.date(2026, 9, 30))
    c = f.case(district, days=1)
    assert c.due_on == dt.date(2026, 10, 8)
    d = Deadline.objects.get(kind="reports.typical_case", subject_id=str(c.pk))
    assert deadlines.last_day(d) == dt.date(2026, 10, 8) and d.project_id == c.project_id


def test_r_rep_06_deadline_ends_on_a_make_up_working_day(district):
    # marked Friday 2026-10-09 with 1 working day: Saturday 10-10 is a make-up working day
    on(dt.date(2026, 10, 9))
    assert f.case(district, days=1).due_on == dt.date(2026, 10, 10)


def test_r_rep_06_mark_progress_close_audited_and_deadline_met(district):
    c = f.case(district)
    assert c.state == CaseState.SUPERVISING and c.number.startswith(f"DB{clock.today().year}")
    sc.record_progress(actor=district.actor("school_admin"), obj=c, text="已更换项目经理")
    c = sc.close(actor=district.actor("office_staff"), obj=c, note="项目经理已到岗，整改到位")
    assert c.state == CaseState.CLOSED and c.closed_at is not None
    d = Deadline.objects.get(kind="reports.typical_case", subject_id=str(c.pk))
    assert d.state == Deadline.State.MET
    actions = set(
        AuditRecord.objects.filter(action__startswith="reports.typical_case").values_list(
            "action", flat=True
        )
    )
    assert actions == {
        "reports.typical_case_marked",
        "reports.typical_case_progress",
        "reports.typical_case_closed",
    }


def test_r_rep_06_only_the_office_marks_and_refusals_change_nothing(district):
    before = db_fingerprint()
    with pytest.raises(Forbidden):
        sc.mark(
            actor=district.actor("housing_staff"),
            project_id=district.projects["p_school"].pk,
            problem=f.PROBLEM,
            measures=f.MEASURES,
            days=5,
        )
    with pytest.raises(ValidationFailed):
        sc.mark(
            actor=district.actor("office_staff"),
            project_id=district.projects["p_school"].pk,
            problem=f.PROBLEM,
            measures=f.MEASURES,
            days=0,
        )
    with pytest.raises(NotFound):
        sc.mark(
            actor=district.actor("office_staff"),
            project_id=999999,
            problem=f.PROBLEM,
            measures=f.MEASURES,
            days=5,
        )
    assert db_fingerprint() == before


def test_r_rep_06_api_create_is_idempotent(district):
    client = district.client("office_staff")
    body = {
        "project_id": district.projects["p_school"].pk,
        "problem": f.PROBLEM,
        "measures": f.MEASURES,
        "days": 10,
        "source": "alert",
    }
    kw = {"content_type": "application/json", "headers": {"Idempotency-Key": "case-1"}}
    r1 = client.post("/api/v1/reports/typical-cases", json.dumps(body), **kw)
    r2 = client.post("/api/v1/reports/typical-cases", json.dumps(body), **kw)
    assert r1.status_code == 201 and r2.status_code == 201, r1.content
    assert r1.json()["id"] == r2.json()["id"] and TypicalCase.objects.count() == 1
    r3 = client.post("/api/v1/reports/typical-cases", json.dumps({**body, "days": 11}), **kw)
    assert r3.status_code == 409 and TypicalCase.objects.count() == 1


def test_r_rep_06_ledger_page_and_workbook(district, django_assert_max_num_queries):
    f.case(district)
    sc.record_progress(
        actor=district.actor("hospital_admin"),
        obj=f.case(district, "p_hospital"),
        text="已约谈施工单位负责人",
    )
    client = district.client("office_staff")
    client.get(reverse("reports_cases"))
    with django_assert_max_num_queries(30):
        html = client.get(reverse("reports_cases")).content.decode()
    assert (
        "共督办 <b>2</b>" in html and "督办中 <b>2</b>" in html and "已约谈施工单位负责人" in html
    )
    rows = rows_of(client.get(reverse("reports_cases"), {"export": "xlsx"}).content)
    assert rows[0] == ["典型案例督办台账"] and rows[1][0] == "填报单位：测试区监管办"
    assert rows[2][:3] == ["序号", "督办编号", "列入督办时间"]
    assert rows[-2][0] == "合计" and "共督办2" in rows[-2][1]
    assert rows[-1][0].startswith("填报人：")
    # the transport authority does not see the school's case
    html = district.client("transport_staff").get(reverse("reports_cases")).content.decode()
    assert "第一中学教学楼工程" not in html and "共督办 <b>1</b>" in html


def test_r_rep_06_pages_mark_and_take_steps(district):
    client = district.client("office_staff")
    r = client.post(
        reverse("reports_case_new"),
        {
            "project": district.projects["p_school"].pk,
            "source": "inspection",
            "source_ref": "JC2026-0001",
            "problem": f.PROBLEM,
            "measures": f.MEASURES,
            "days": 10,
            "idempotency_key": "page-1",
        },
    )
    c = TypicalCase.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("reports_case_detail", args=[c.pk])
    owner = district.client("school_admin")
    html = owner.get(reverse("reports_case_detail", args=[c.pk])).content.decode()
    assert f.PROBLEM in html and 'data-step="progress"' in html
    r = owner.post(
        reverse("reports_case_step", args=[c.pk, "progress"]), {"text": "已更换项目经理"}
    )
    assert r.status_code == 302 and c.progress.count() == 1
    assert district.client("housing_staff").get(reverse("reports_case_new")).status_code == 403
    assert (
        district.client("contractor_a_admin")
        .get(reverse("reports_case_detail", args=[c.pk]))
        .status_code
        == 403
    )
