"""Joint inspections (R-INS-05; QZ 第七条, HC 附件 二(三)): two departments'
selections of the same project or enterprise become one joint inspection with
a lead department, one visit and shared findings; visits saved are shown."""

from __future__ import annotations

import datetime as dt

import pytest

from postaward.core.actor import SYSTEM
from postaward.core.errors import Forbidden, ValidationFailed
from postaward.projects import services as project_services
from postaward.projects.choices import ParticipantRole

from .. import joint_visits as joint
from .. import services_visits as svc
from ..models.visits import Inspection, InspectionState, ItemResult
from . import factories_visits as f

pytestmark = pytest.mark.django_db

TRANSPORT_ITEMS = [
    svc.ChecklistItem(
        "农民工工资支付", "衢州市政府投资工程建设项目标后监管实施细则 第五条", "资料检查", "标后"
    ),
    f.ITEMS[0],  # the same item twice: checked once
]


def _two(district, *, project: str = "p_school") -> tuple[Inspection, Inspection]:
    a = f.scheduled(district, start=dt.date(2026, 3, 10))
    b = f.scheduled(
        district,
        dept="transport",
        project=project,
        team=("transport_staff", "office_staff"),
        items=TRANSPORT_ITEMS,
        start=dt.date(2026, 3, 15),
    )
    return a, b


def test_r_ins_05_two_departments_selections_merge_into_one_joint_inspection(district):
    a, b = _two(district)
    groups = joint.candidates(district.actor("office_staff"))
    assert len(groups) == 1 and {i.pk for i in groups[0].inspections} == {a.pk, b.pk}
    assert groups[0].reason.startswith("同一项目") and groups[0].saved == 1
    lead = joint.merge(district.actor("office_staff"), lead_id=a.pk, other_ids=[b.pk])
    b = Inspection.objects.get(pk=b.pk)
    assert lead.is_joint and b.state == InspectionState.MERGED and b.merged_into_id == lead.pk
    assert (lead.period_start, lead.period_end) == (dt.date(2026, 3, 15), dt.date(2026, 3, 20))
    assert [it.name for it in lead.items.all()] == [*(it.name for it in f.ITEMS), "农民工工资支付"]
    assert {d.department.name for d in lead.departments.all()} == {"测试区住建局", "测试区交通局"}
    assert lead.inspectors.count() == 3
    assert joint.visits_saved(Inspection.objects.all()) == 1
    assert joint.candidates(district.actor("office_staff")) == []


def test_r_ins_05_the_same_enterprise_on_two_projects_is_a_candidate(district):
    project_services.add_participant(
        actor=SYSTEM,
        project=district.projects["p_hospital"],
        organisation=district.orgs["contractor_a"],
        role=ParticipantRole.CONTRACTOR,
    )
    a, b = _two(district, project="p_hospital")
    (g,) = joint.candidates(district.actor("office_staff"))
    assert g.reason == "同一企业：甲建设有限公司"
    joint.merge(district.actor("office_staff"), lead_id=a.pk, other_ids=[b.pk])


def test_r_ins_05_findings_on_the_joint_inspection_are_visible_to_both_departments(district):
    a, b = _two(district)
    lead = joint.merge(district.actor("office_staff"), lead_id=a.pk, other_ids=[b.pk])
    svc.notify(actor=district.actor("office_staff"), obj=lead)
    # the transport department's inspector records on the joint inspection
    svc.start_visit(actor=district.actor("transport_staff"), obj=Inspection.objects.get(pk=lead.pk))
    item = lead.items.get(name="农民工工资支付")
    svc.record_result(
        actor=district.actor("transport_staff"),
        obj=Inspection.objects.get(pk=lead.pk),
        item_id=item.pk,
        result=ItemResult.FINDING,
        description="拖欠农民工工资两个月",
        subject_org_id=district.orgs["contractor_a"].pk,
        photo=f.photo(),
    )
    for user in ("housing_staff", "transport_staff", "office_staff"):
        seen = Inspection.objects.visible_to(district.actor(user)).get(pk=lead.pk)
        assert seen.findings.get().description == "拖欠农民工工资两个月"
        r = district.client(user).get(f"/inspections/visits/{lead.pk}/")
        assert r.status_code == 200 and "拖欠农民工工资两个月" in r.content.decode()
    # the merged inspection's page points to the joint one
    r = district.client("transport_staff").get(f"/inspections/visits/{b.pk}/")
    assert "已并入联合检查" in r.content.decode()


def test_r_ins_05_merge_page_and_statistics_show_visits_saved(district):
    a, b = _two(district)
    c = district.client("office_staff")
    r = c.get("/inspections/visits/joint/")
    assert r.status_code == 200 and "同一项目" in r.content.decode()
    r = c.post("/inspections/visits/joint/", {"lead_id": a.pk, "other_ids": [b.pk]})
    assert r.status_code == 302
    r = c.get("/inspections/visits/joint/")
    assert '<strong data-testid="visits-saved">1</strong>' in r.content.decode()
    r = c.get("/inspections/visits/statistics/")
    assert 'data-testid="stats-saved">1<' in r.content.decode()
    r = c.get("/api/v1/inspections/visits/statistics")
    assert r.json()["visits_saved"] == 1


def test_r_ins_05_merge_refusals(district):
    a, b = _two(district)
    with pytest.raises(Forbidden):
        joint.merge(district.actor("housing_staff"), lead_id=a.pk, other_ids=[b.pk])
    far = f.scheduled(
        district,
        dept="transport",
        team=("transport_staff", "office_staff"),
        start=dt.date(2026, 6, 1),
    )
    with pytest.raises(ValidationFailed, match="不重叠"):
        joint.merge(district.actor("office_staff"), lead_id=a.pk, other_ids=[far.pk])
    other = f.scheduled(
        district,
        dept="transport",
        project="p_hospital",
        team=("transport_staff", "office_staff"),
        start=dt.date(2026, 3, 10),
    )
    with pytest.raises(ValidationFailed, match="既非同一项目也非同一企业"):
        joint.merge(district.actor("office_staff"), lead_id=a.pk, other_ids=[other.pk])
    assert not Inspection.objects.filter(is_joint=True).exists()


def test_r_ins_09_a_joint_team_with_a_conflicted_inspector_is_refused(district):
    from ..models import InterestDeclaration

    a, b = _two(district)
    InterestDeclaration.objects.create(
        person=district.users["transport_staff"].person,
        enterprise=district.orgs["contractor_a"],
        relation="曾在该公司任职",
    )
    with pytest.raises(ValidationFailed, match="利害关系"):
        joint.merge(district.actor("office_staff"), lead_id=a.pk, other_ids=[b.pk])
    assert Inspection.objects.get(pk=b.pk).state == InspectionState.SCHEDULED
