"""The credit archive (信用档案; R-SCO-04, R-CAS-04; ADR 0691) of a unit and of
a person: every score event, sanction (a revoked one marked), blacklist
entry, penalty record and repair request, newest first, exportable; a
person's archive for the office, the authority whose rules scored the
person and the person themself, 404 for anyone else."""

from __future__ import annotations

import datetime as dt

import pytest

from postaward.core import events
from postaward.testing_xlsx import read_cells

from .. import archive, scoring, services_sanctions, services_scores
from . import factories as records_factories
from . import factories_sanctions as fsan
from . import factories_scores as fs
from .test_scoring import on

pytestmark = pytest.mark.django_db
FIXED = "已对考勤设备进行整改，建立考勤复核制度并组织培训，整改报告附后"


@pytest.fixture
def full(district):
    """甲建设有限公司 with one item of every kind, on distinct days."""
    d = district
    fs.rule_set(d)
    on(dt.date(2026, 3, 10))
    ev = fs.cheat_event(d, checkin_id=4001)  # C01 −5 (unit), P01 −2 (pm_a)
    on(dt.date(2026, 4, 1))
    scoring.finalise_due(dt.date(2026, 4, 1))
    events.dispatch_pending(limit=10_000)
    services_scores.file_score_repair(actor=d.actor("contractor_a_admin"), event=ev, reason=FIXED)
    on(dt.date(2026, 5, 6))
    kept = fsan.interview(d)
    on(dt.date(2026, 5, 7))
    gone = fsan.interview(d, reason="项目经理连续3天未考勤，约谈施工单位（登记有误）")
    services_sanctions.revoke_sanction(
        actor=d.actor("school_admin"), obj=gone, reason="登记有误，予以撤销"
    )
    on(dt.date(2026, 6, 1))
    black = services_sanctions.record_sanction(
        actor=d.actor("housing_staff"),
        kind="blacklisted",
        subject_org_id=d.orgs["contractor_a"].pk,
        reason="串通投标，经查属实，列入失信黑名单",
        basis_document="《聊城市人民政府办公室关于规范公共资源交易招标投标工作的意见》",
        basis_article="第三部分",
        decided_on=dt.date(2026, 6, 1),
        period_from=dt.date(2026, 6, 1),
        period_to=dt.date(2027, 5, 31),
    )
    on(dt.date(2026, 7, 1))
    rec = records_factories.record(d, decided_on="2026-07-01", entered_on="2026-07-01")
    events.dispatch_pending(limit=10_000)
    return {"ev": ev, "kept": kept, "gone": gone, "black": black, "record": rec}


def test_r_sco_04_the_unit_archive_lists_every_kind_in_time_order(district, full):
    org = district.orgs["contractor_a"].pk
    rows = archive.archive(district.actor("office_staff"), org_id=org)
    kinds = [r["kind"] for r in rows]
    assert {"记分", "处理措施", "黑名单", "处罚（处理）", "信用修复"} <= set(kinds)
    days = [r["on"] for r in rows]
    assert days == sorted(days, reverse=True)
    # the penalty of 1 July and the score its rule item (C05) gave it come first
    assert {r["kind"] for r in rows[:2]} == {"处罚（处理）", "记分"}
    assert rows[0]["on"] == rows[1]["on"] == dt.date(2026, 7, 1)
    revoked = [r for r in rows if "登记有误" in r["state"]]
    assert (
        len(revoked) == 1 and revoked[0]["state"].startswith("已撤销") and not revoked[0]["counts"]
    )
    black = next(r for r in rows if r["kind"] == "黑名单")
    assert "2026-06-01 至 2027-05-31" in black["summary"]
    repair = next(r for r in rows if r["kind"] == "信用修复")
    assert repair["on"] == dt.date(2026, 4, 1) and repair["state"] == "待主管部门核查"
    # the person's deduction is not the unit's
    assert not any(r["summary"].startswith("P01") for r in rows)


def test_r_sco_04_the_unit_page_shows_the_archive_and_exports_it(district, full):
    org = district.orgs["contractor_a"].pk
    c = district.client("office_staff")
    page = c.get(f"/credit/enterprises/{org}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count('data-testid="archive-row"') == len(
        archive.archive(district.actor("office_staff"), org_id=org)
    )
    assert "黑名单" in text and "信用修复" in text and "R-SCO" not in text
    xlsx = c.get(f"/credit/enterprises/{org}/?export=xlsx")
    assert xlsx.status_code == 200
    texts = {cell.text for cell in read_cells(xlsx.content)}
    assert {"记分", "处理措施", "黑名单", "处罚（处理）", "信用修复"} <= texts


def test_r_sco_04_a_person_sees_their_own_archive_and_not_another(district, full):
    person = district.users["pm_a"].person_id
    own = district.client("pm_a").get(f"/credit/people/{person}/")
    assert own.status_code == 200
    text = own.content.decode()
    assert "P01" in text and "C01" not in text
    other = district.users["chief_a"].person_id
    assert district.client("pm_a").get(f"/credit/people/{other}/").status_code == 404
    # the employer's account, another unit, an authority that scored nothing: 404
    for user in ("contractor_a_admin", "contractor_b_admin", "transport_staff"):
        assert district.client(user).get(f"/credit/people/{person}/").status_code == 404, user
    # the office and the authority whose rules scored the person
    for user in ("office_staff", "housing_staff"):
        assert district.client(user).get(f"/credit/people/{person}/").status_code == 200, user
    xlsx = district.client("pm_a").get(f"/credit/people/{person}/?export=xlsx")
    assert "记分" in {cell.text for cell in read_cells(xlsx.content)}
    assert district.client("pm_a").get("/credit/people/999999/").status_code == 404
    # the person's score event links to the archive
    p01 = full["ev"].__class__.objects.get(item__code="P01", fact_key=full["ev"].fact_key)
    page = district.client("pm_a").get(f"/credit/scores/{p01.pk}/").content.decode()
    assert f'href="/credit/people/{person}/"' in page
