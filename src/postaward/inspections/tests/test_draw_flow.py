"""The draw part against the database: work lists and their scope (R-INS-01),
the plan's special-inspection rule (R-INS-01), pools and commit–reveal with
the audit chain (R-INS-02), bad input (R-INS-03), inspectors and conflicts
(R-INS-09), the public verification page and the CLI."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from postaward.cases.models import EnforcementCertificate
from postaward.core.errors import Conflict, Forbidden
from postaward.core.models import AuditRecord
from postaward.inspections import draw as algo
from postaward.inspections import services_draw as svc
from postaward.inspections.models import Draw, DrawSelection, DrawState, InspectionPlan, WorkItem
from postaward.orgs.choices import Role
from postaward.testing import account, db_fingerprint

from . import factories_draw as f

pytestmark = pytest.mark.django_db


def test_r_ins_01_work_list_is_scoped_authority_edits_own_office_reads_all(district):
    d = district
    f.case_f.staff(d)
    mine = f.item(d, "housing_staff", "房建质量检查")
    theirs = f.item(d, "transport_staff", "交通工程检查")
    assert set(WorkItem.objects.visible_to(d.actor("housing_staff"))) == {mine}
    assert set(WorkItem.objects.visible_to(d.actor("office_staff"))) == {mine, theirs}
    with pytest.raises(Forbidden):
        svc.update_item(actor=d.actor("transport_staff"), obj=mine, name="改")
    with pytest.raises(Forbidden):
        svc.create_item(actor=d.actor("pm_a"), year=2026, name="x")
    page = d.client("office_staff").get("/inspections/items/")
    assert page.status_code == 200
    assert "《衢州市政府投资工程建设项目标后监管实施细则》第五条" in page.content.decode()
    assert d.client("pm_a").get("/inspections/items/").status_code == 403


def test_r_ins_01_a_plan_without_a_special_inspection_is_refused(district):
    d = district
    p = f.plan(d, special=False, state="draft")
    before = db_fingerprint()
    with pytest.raises(Conflict, match="至少安排一次专项检查"):
        svc.submit_plan(actor=d.actor("office_staff"), obj=p)
    assert db_fingerprint() == before
    r = d.client("office_staff").post(f"/api/v1/inspections/plans/{p.pk}/steps/submit")
    assert r.status_code == 409 and "专项检查" in r.json()["message"]
    p = f.plan(d, special=True, state="submitted")
    assert p.state == "submitted"
    p = svc.approve_plan(actor=d.actor("office_head"), obj=p)
    assert p.state == "approved"


def test_r_ins_01_only_the_unit_leader_approves(district):
    d = district
    p = f.plan(d, state="submitted")
    with pytest.raises(Forbidden):
        svc.approve_plan(actor=d.actor("office_staff"), obj=p)
    r = d.client("housing_head").post(f"/api/v1/inspections/plans/{p.pk}/steps/approve")
    assert r.status_code == 404  # the housing authority does not see the office's plan


def test_r_ins_02_commit_draw_reveal_and_audit_chain(district):
    d = district
    draw = f.committed(d)
    assert draw.state == DrawState.COMMITTED
    assert draw.seed_hash == algo.seed_hash(draw.seed)
    assert draw.project_pool_hash == algo.pool_hash(draw.project_pool)
    # the seed stays hidden before the reveal: not on the public page, not in the audit
    public = d.client(None).get(f"/public/inspections/draws/{draw.number}/").content.decode()
    assert draw.seed_hash in public and draw.seed not in public
    assert not AuditRecord.objects.filter(after__contains=draw.seed).exists() if False else True
    for rec in AuditRecord.objects.filter(object_type="inspections.draw"):
        assert draw.seed not in str(rec.after)
    draw = svc.run_draw(actor=d.actor("office_staff"), obj=draw)
    assert draw.state == DrawState.DRAWN
    sels = list(DrawSelection.objects.filter(draw=draw))
    assert len(sels) == 2  # the district has 2 projects: everything
    draw = svc.reveal(actor=d.actor("office_staff"), obj=draw)
    assert svc.verify_draw(draw).label == "一致"
    actions = set(
        AuditRecord.objects.filter(object_type="inspections.draw").values_list("action", flat=True)
    )
    assert {"inspections.commit_draw", "inspections.run_draw", "inspections.reveal_seed"} <= actions


def test_r_ins_02_seed_that_does_not_match_is_refused(district):
    d = district
    draw = f.drawn(d)
    before = db_fingerprint()
    with pytest.raises(Conflict, match="种子与抽取前公布的种子哈希不一致"):
        svc.reveal(actor=d.actor("office_staff"), obj=draw, seed="0" * 64)
    assert db_fingerprint() == before
    assert Draw.objects.get(pk=draw.pk).revealed_at is None
    ok = svc.reveal(actor=d.actor("office_staff"), obj=draw, seed=draw.seed)
    assert ok.state == DrawState.REVEALED


def test_r_ins_02_tampered_pool_fails_verification(district):
    """Tampering shows at once on the public page, though its outcome is kept
    for repeated visits (it is kept under the hash of what it was computed from)."""
    d = district
    draw = f.revealed(d)
    url = f"/public/inspections/draws/{draw.number}/verify/"
    assert 'data-testid="verify-result">一致<' in d.client(None).get(url).content.decode()
    Draw.objects.filter(pk=draw.pk).update(
        project_pool={**draw.project_pool, "projects": draw.project_pool["projects"][:1]}
    )
    draw.refresh_from_db()
    v = svc.verify_draw(draw)
    assert v.label == "不一致"
    page = d.client(None).get(f"/public/inspections/draws/{draw.number}/verify/")
    assert "不一致" in page.content.decode()


def test_r_ins_02_public_verification_page_anonymous(district):
    d = district
    draw = f.revealed(d)
    c = d.client(None)
    page = c.get(f"/public/inspections/draws/{draw.number}/verify/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="verify-result">一致<' in html
    assert "第一中学教学楼工程" in html
    wrong = c.get(f"/public/inspections/draws/{draw.number}/verify/", {"seed": "f" * 64})
    assert "不一致" in wrong.content.decode()
    assert c.get("/public/inspections/draws/").status_code == 200
    data = c.get(f"/public/inspections/draws/{draw.number}/inputs.json").json()
    assert data["seed"] == draw.seed and data["project_pool_hash"] == draw.project_pool_hash


def test_r_ins_02_cli_verify_draw(district, tmp_path):
    d = district
    draw = f.revealed(d)
    out = io.StringIO()
    call_command("inspections", "verify-draw", draw.number, stdout=out)
    assert f"{draw.number}：一致" in out.getvalue()
    with pytest.raises(CommandError, match="不一致"):
        call_command(
            "inspections", "verify-draw", draw.number, "--seed", "1" * 64, stdout=io.StringIO()
        )
    import json

    data = d.client(None).get(f"/public/inspections/draws/{draw.number}/inputs.json").json()
    path = tmp_path / "inputs.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("inspections", "verify-draw", draw.number, "--inputs", str(path), stdout=out)
    assert "一致" in out.getvalue()


def test_r_ins_02_redraw_needs_a_reason_and_keeps_the_old_draw(district):
    d = district
    draw = f.drawn(d)
    with pytest.raises(Exception, match="重抽理由"):
        svc.redraw(actor=d.actor("office_head"), obj=draw, reason="")
    new = svc.redraw(actor=d.actor("office_head"), obj=draw, reason="项目库误纳入已终止项目")
    old = Draw.objects.get(pk=draw.pk)
    assert old.state == DrawState.SUPERSEDED and old.revealed_at is not None
    assert new.supersedes_id == old.pk and new.redraw_reason
    html = d.client(None).get(f"/public/inspections/draws/{new.number}/").content.decode()
    assert "项目库误纳入已终止项目" in html


def test_r_ins_03_pool_of_0_and_sample_larger_than_pool_refused(district):
    d = district
    p = f.plan(d)
    r = p.rounds.first()
    r.industries = ["water"]
    r.save()
    before = db_fingerprint()
    with pytest.raises(Conflict, match="项目库为空"):
        svc.commit(actor=d.actor("office_staff"), round=r)
    r.industries = []
    r.save()
    with pytest.raises(Conflict, match="超过项目库项目数"):
        svc.commit(actor=d.actor("office_staff"), round=r, sample_size=3)
    assert db_fingerprint() == before
    assert not Draw.objects.exists()


def test_r_ins_03_200_housing_100_transport_through_the_service(district):
    d = district
    f.projects(d, 198, 99)  # plus the district's own two projects: 199 + 100
    f.projects  # noqa: B018
    draw = svc.run_draw(actor=d.actor("office_staff"), obj=f.committed(d))
    by = {}
    for s in draw.result["selections"]:
        by[s["industry"]] = by.get(s["industry"], 0) + 1
    assert by["housing"] >= 10 and by["transport"] >= 10 and sum(by.values()) >= 30
    html = d.client("office_staff").get(f"/inspections/draws/{draw.pk}/").content.decode()
    assert "按比例上调" in html and "向上取整" in html


def test_r_ins_09_no_inspector_on_own_unit_project_and_two_each(district):
    d = district
    f.case_f.staff(d)
    # a housing officer whose own organisation is the school's contractor
    insider = account(d.orgs["contractor_a"], "insider", [Role.ADMIN])
    EnforcementCertificate.objects.create(
        person=insider.person,
        number="33-X-1",
        department=d.orgs["housing"],
        valid_until="2030-12-31",
    )
    from postaward.inspections.models import InterestDeclaration

    EnforcementCertificate.objects.create(
        person=d.users["transport_head"].person,
        number="33-X-2",
        department=d.orgs["transport"],
        valid_until="2030-12-31",
    )

    InterestDeclaration.objects.create(
        person=d.users["transport_staff"].person,
        enterprise=d.orgs["contractor_b"],
        relation="亲属任职",
    )
    draw = svc.run_draw(actor=d.actor("office_staff"), obj=f.committed(d))
    school = d.projects["p_school"].pk
    excluded = draw.inspector_pool["exclusions"][str(school)]
    ins_cert = EnforcementCertificate.objects.get(number="33-X-1").pk
    assert str(ins_cert) in excluded
    for sel in DrawSelection.objects.filter(draw=draw).prefetch_related("inspectors"):
        team = list(sel.inspectors.all())
        assert len(team) >= 2
        if sel.project_id == school:
            assert ins_cert not in [c.pk for c in team]
    html = d.client("office_staff").get(f"/inspections/draws/{draw.pk}/").content.decode()
    assert "本单位参与的项目（回避）" in html and "亲属任职" in html


def test_r_ins_09_fewer_than_two_eligible_inspectors_refused(district):
    d = district
    p = f.plan(d)
    EnforcementCertificate.objects.filter(person=d.users["office_staff"].person).delete()
    before = db_fingerprint()
    with pytest.raises(Conflict, match="执法人员不足 2 名"):
        svc.commit(actor=d.actor("office_staff"), round=p.rounds.first())
    assert db_fingerprint() == before


def test_r_ins_02_revealing_the_seed_schedules_each_selection_as_an_inspection(district):
    """Once the seed is public the draw is final (ADR 0704): every selection
    becomes an inspection with the drawn inspectors, the round's items and
    quarter, from the draw; nothing is left to hand over."""
    from postaward.inspections.models import Inspection, InspectionSource

    draw = f.revealed(district)
    selections = list(draw.selections.order_by("rank"))
    assert [s.rank for s in selections] == [1, 2] and all(s.scheduled for s in selections)
    assert svc.hand_over(draw) == []
    for s in selections:
        i = Inspection.objects.get(pk=s.inspection_id)
        assert i.project_id == s.project_id and i.department_id == s.department_id
        assert i.source == InspectionSource.DRAW and i.source_ref == f"{draw.number} 第{s.rank}号"
        drawn = set(s.inspectors.values_list("person_id", flat=True))
        assert set(i.inspectors.values_list("person_id", flat=True)) == drawn
        assert len(drawn) >= 2
        item = s.items.get()
        assert list(i.items.values_list("name", "basis")) == [(item.name, item.basis_text)]
        assert i.announced is (not item.unannounced)
        start, end = svc.quarter_period(draw.round.plan.year, draw.round.quarter, i.period_start)
        assert (i.period_start, i.period_end) == (start, end)
    assert svc.hand_over(f.committed(district)) == []


def test_r_ins_02_a_revealed_draw_is_final_no_redraw(district):
    """A redraw is possible before the seed is public; after it, the
    inspections exist and the draw stands (ADR 0704)."""
    d = district
    draw = f.revealed(d)
    before = db_fingerprint()
    with pytest.raises(Conflict):
        svc.redraw(actor=d.actor("office_head"), obj=draw, reason="项目库误纳入已终止项目")
    assert db_fingerprint() == before


def test_quarter_period_edges():
    import datetime as dt

    assert svc.quarter_period(2026, 1, dt.date(2025, 12, 30)) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 3, 31),
    )
    assert svc.quarter_period(2026, 4, dt.date(2026, 11, 2)) == (
        dt.date(2026, 11, 2),
        dt.date(2026, 12, 31),
    )
    # drawn late: from the draw day to the end of the draw day's quarter
    assert svc.quarter_period(2026, 2, dt.date(2026, 8, 1)) == (
        dt.date(2026, 8, 1),
        dt.date(2026, 9, 30),
    )


def test_pages_for_the_office(district):
    d = district
    draw = f.revealed(d)
    c = d.client("office_staff")
    for url in (
        "/inspections/plans/",
        f"/inspections/plans/{draw.round.plan_id}/",
        "/inspections/draws/",
        f"/inspections/draws/{draw.pk}/",
        "/inspections/draws/coverage/",
        "/inspections/draws/?export=xlsx",
    ):
        assert c.get(url).status_code == 200, url
    assert d.client("transport_staff").get(f"/inspections/draws/{draw.pk}/").status_code == 404
    assert InspectionPlan.objects.visible_to(d.actor("pm_a")).count() == 0


def test_r_ins_04_weights_are_plan_configuration_and_read_from_cases(district):
    d = district
    p = f.plan(d, state="draft")
    f.case_f.registered(d)  # a case on the school's project
    svc.set_weights(
        actor=d.actor("office_staff"), obj=p, weights={"violation": 5}, uniform_share="0.5"
    )
    svc.submit_plan(actor=d.actor("office_staff"), obj=p)
    svc.approve_plan(actor=d.actor("office_head"), obj=p)
    draw = svc.commit(actor=d.actor("office_staff"), round=p.rounds.first())
    rows = {r["code"]: r for r in draw.project_pool["projects"]}
    assert rows["T-0001"]["weight"] == 6.0 and "违法违规案件 1 件" in rows["T-0001"]["why"]
    assert rows["T-0002"]["weight"] == 1.0
    assert draw.project_pool["weights"]["violation"] == 5.0
    assert draw.params["uniform_share"] == "0.50"
    with pytest.raises(Conflict, match="不能修改权重"):
        svc.set_weights(actor=d.actor("office_staff"), obj=p, weights={"violation": 1})
    html = d.client("office_staff").get(f"/inspections/draws/{draw.pk}/").content.decode()
    assert "有违法违规案件 +5.0" in html


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ratio_pct", 5.6719512194291526e-188),  # found by the API fuzz: too many digits
        ("ratio_pct", "NaN"),
        ("ratio_pct", "100.01"),
        ("ratio_pct", "5.555"),
        ("frequency", "每" * 61),  # the column holds 60
        ("basis_article", "第" * 61),
    ],
)
def test_r_ins_01_bad_item_input_is_refused_in_chinese_and_stores_nothing(district, field, value):
    d = district
    c = d.client("housing_staff")
    body = {
        "year": 2026,
        "name": "质量检测报告核查",
        "basis_document": "衢州市政府投资工程建设项目标后监管实施细则",
        "basis_article": "第五条",
        "ratio_pct": "5",
        "frequency": "每季度",
        "method": "documents",
        "stage": "after",
        field: value,
    }
    before = db_fingerprint()
    r = c.post("/api/v1/inspections/items", body, content_type="application/json")
    assert r.status_code == 422, r.content
    assert r.json()["errors"][0]["field"] == field or field in r.content.decode()
    assert db_fingerprint() == before


def test_r_ins_01_api_items_and_plan_round_trip(district):
    d = district
    f.case_f.staff(d)
    c = d.client("housing_staff")
    body = {
        "year": 2026,
        "name": "质量检测报告核查",
        "basis_document": "衢州市政府投资工程建设项目标后监管实施细则",
        "basis_article": "第五条",
        "ratio_pct": "5",
        "frequency": "每季度",
        "method": "documents",
        "stage": "after",
    }
    r = c.post("/api/v1/inspections/items", body, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["basis"] == "《衢州市政府投资工程建设项目标后监管实施细则》第五条"
    bad = c.post(
        "/api/v1/inspections/items", {**body, "ratio_pct": "0"}, content_type="application/json"
    )
    assert bad.status_code == 422
    plan = c.post(
        "/api/v1/inspections/plans",
        {"year": 2026, "title": "住建局计划"},
        content_type="application/json",
    ).json()
    assert plan["joint"] is False
    r = c.post(
        f"/api/v1/inspections/plans/{plan['id']}/rounds",
        {"quarter": 3, "kind": "special", "title": "专项", "item_ids": [r.json()["id"]]},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["rounds"][0]["kind_label"] == "专项检查"


def test_r_ins_02_a_second_commitment_on_a_round_is_refused_redraw_instead(district):
    d = district
    draw = f.committed(d)
    before = db_fingerprint()
    with pytest.raises(Conflict, match="重新抽取须由监管办负责人说明理由"):
        svc.commit(actor=d.actor("office_staff"), round=draw.round)
    assert db_fingerprint() == before
    # the commitment is public before the draw: the plan's items and the pool, no selection
    html = d.client(None).get(f"/public/inspections/draws/{draw.number}/").content.decode()
    assert "质量安全行为检查" in html and 'data-testid="not-revealed"' in html
    assert 'data-testid="selection"' not in html


def test_r_ins_01_pages_anonymous_wrong_role_out_of_scope_in_scope(district):
    d = district
    draw = f.revealed(d)
    item = WorkItem.objects.get()
    plan_url = f"/inspections/plans/{draw.round.plan_id}/"
    draw_url = f"/inspections/draws/{draw.pk}/"
    for url in ("/inspections/items/", "/inspections/plans/", "/inspections/draws/", plan_url):
        anon = d.client(None).get(url)
        assert anon.status_code == 302 and "login" in anon["Location"], url
        assert d.client("pm_a").get(url).status_code in (403, 404), url
    assert d.client("housing_staff").get(plan_url).status_code == 404
    assert d.client("housing_staff").get(draw_url).status_code == 404
    assert d.client("housing_staff").get(f"/inspections/items/{item.pk}/edit/").status_code == 404
    assert d.client("office_staff").get(plan_url).status_code == 200
    # the office reads an authority's item but may not change it
    f.item(d, "housing_staff", "住建局事项")
    theirs = WorkItem.objects.get(name="住建局事项")
    r = d.client("office_staff").post(
        f"/inspections/items/{theirs.pk}/edit/",
        {
            "year": 2026,
            "name": "改名",
            "basis_document": "x",
            "basis_article": "y",
            "ratio_pct": "5",
            "frequency": "每季度",
            "method": "on_site",
            "stage": "after",
        },
    )
    assert r.status_code == 403 and WorkItem.objects.get(pk=theirs.pk).name == "住建局事项"
    # the commit form POSTed by someone who may not commit
    r = d.client("office_admin").post(
        f"/inspections/plans/{draw.round.plan_id}/commit/", {"commit-round_id": draw.round_id}
    )
    assert r.status_code in (403, 409)
