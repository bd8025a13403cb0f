"""The approval pages: every list renders for every kind of user, detail pages
look missing out of scope, actions are refused to the wrong role and carried
out for the right one (through the same services)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from postaward.core import clock

from .. import services
from ..choices import ChangeState
from . import factories as f

pytestmark = pytest.mark.django_db

LISTS = [
    "approval_changes",
    "approval_personnel",
    "approval_hidden_works",
    "approval_logs",
    "approval_notices",
    "approval_inspections",
    "approval_acceptance",
    "approval_settlement",
    "approval_deadlines",
]


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize(
    "user", ["pm_a", "chief_a", "school_leader", "housing_staff", "office_staff", "drc"]
)
def test_every_list_renders(d, name, user):
    f.change(d)
    r = d.client(user).get(reverse(name))
    assert r.status_code == 200, r.content[:300]


def test_detail_out_of_scope_is_404_and_actions_follow_the_step(d):  # R-CHG-02, R-ORG-04
    c = f.change(d)
    url = reverse("approval_change_detail", args=[c.pk])
    assert d.client("contractor_b_admin").get(url).status_code == 404
    page = d.client("chief_a").get(url).content.decode()
    assert 'data-action="review"' in page and "自然日" in page
    # the rule is cited as users read it: the document and its article, not R-CHG-01
    assert "第二十七条第（一）项" in page and "R-CHG-01" not in page
    assert 'data-action="review"' not in d.client("school_leader").get(url).content.decode()
    # the owner posting the supervisor's step is refused, nothing changes
    r = d.client("school_leader").post(url, {"action": "review", "review-opinion": "同意"})
    assert r.status_code == 403
    c.refresh_from_db()
    assert c.state == ChangeState.SUBMITTED
    r = d.client("chief_a").post(url, {"action": "review", "review-opinion": "同意"})
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.state == ChangeState.SUPERVISOR_APPROVED


def test_a_major_change_page_cites_the_document_not_the_rule_id(d):  # R-CHG-05
    from decimal import Decimal

    c = f.change(d, category="design", cost_delta=Decimal("1200000"))
    page = d.client("chief_a").get(reverse("approval_change_detail", args=[c.pk])).content.decode()
    assert "须发改部门批准" in page and "衢州市政府投资工程建设项目标后监管实施细则" in page
    assert "R-CHG-05" not in page and "R-CHG-01" not in page


def test_raising_a_change_through_the_page(d):  # R-CHG-01
    p = d.projects["p_school"]
    data = {
        "project": p.pk,
        "participant": f.participant(p).pk,
        "category": "design",
        "title": "楼梯间调整",
        "reason": "消防审查意见要求调整",
        "scope": "二号楼梯间加宽",
        "cost_delta": "42000",
        "days_delta": "3",
        "work_date": (clock.today() + dt.timedelta(days=4)).isoformat(),
    }
    r = d.client("pm_a").post(reverse("approval_change_new"), data)
    assert r.status_code == 302, r.content[:500]
    c = services.changes.EngineeringChange.objects.get(title="楼梯间调整")
    assert r["Location"] == reverse("approval_change_detail", args=[c.pk])


def test_hidden_work_page_shows_photo_warnings(d, frozen):  # R-HID-02
    hw = f.hidden_work(d, days_ahead=1)
    frozen.shift(dt.timedelta(days=1))
    services.record_standby(
        actor=d.actor("chief_a"),
        hidden_work=hw,
        opinion="验收合格",
        photos={**f.photos(), "scale": f.jpeg("s.jpg", taken=None, lon=120.90, lat=30.05)},
    )
    page = (
        d.client("school_leader")
        .get(reverse("approval_hidden_work_detail", args=[hw.pk]))
        .content.decode()
    )
    assert "不在项目现场" in page and 'data-testid="approve-form"' in page
    photo = hw.photos.first()
    assert (
        d.client("school_leader").get(reverse("approval_photo", args=[photo.pk])).status_code == 200
    )
    assert (
        d.client("contractor_b_admin").get(reverse("approval_photo", args=[photo.pk])).status_code
        == 404
    )


def test_policy_page_is_for_the_office_administrator(d):  # R-CHG-05
    assert d.client("office_staff").get(reverse("approval_policy")).status_code == 403
    assert d.client("office_admin").get(reverse("approval_policy")).status_code == 200


def test_the_project_archive_has_the_approval_sections(d):  # R-PRJ-04
    c = f.approved_change(d)
    f.hidden_work(d)
    page = (
        d.client("school_leader")
        .get(reverse("project_archive", args=[d.projects["p_school"].pk]))
        .content.decode()
    )
    for title in (
        "工程变更情况",
        "隐蔽工程",
        "监理日志与监理通知单",
        "日常检查",
        "竣工验收",
        "综合评价",
    ):
        assert title in page
    assert c.number in page and "一层梁板钢筋" in page


def test_home_counts_approvals(d):
    f.change(d)
    page = d.client("chief_a").get("/").content.decode()
    assert "待办审批" in page and "在办工程变更" in page


# --- inspections and the evaluation of the contractor (R-SUP-04) ---------------------------------

SCORES = {
    "construction_score": "90",
    "management_score": "85",
    "quality_score": "92",
    "contract_score": "88",
    "comment": "施工组织有序，质量良好",
}


def _completed_school(d):  # type: ignore[no-untyped-def]
    from postaward.projects import services as project_services

    p = d.projects["p_school"]
    project_services.complete_works(actor=d.actor("school_leader"), project=p, on=clock.today())
    p.refresh_from_db()
    return p


def test_r_sup_04_inspection_page_accepts_the_optional_record_file(d):
    from ..choices import DocumentKind
    from ..models import Inspection

    p = d.projects["p_school"]
    data = {
        "project": p.pk,
        "inspected_on": clock.today().isoformat(),
        "inspectors": "张三、李四",
        "aspects": ["quality", "safety"],
        "findings": "安全防护到位，质量良好",
        "result": "ok",
    }
    page = d.client("school_leader").get(reverse("approval_inspections")).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="record"' in page
    r = d.client("school_leader").post(reverse("approval_inspections"), data)
    assert r.status_code == 302, r.content[:500]
    r = d.client("school_leader").post(
        reverse("approval_inspections"), {**data, "record": f.pdf("检查记录.pdf")}
    )
    assert r.status_code == 302, r.content[:500]
    without, with_record = Inspection.objects.filter(project=p).order_by("id")
    assert services.documents_of(without) == []
    (doc,) = services.documents_of(with_record)
    assert doc.kind == DocumentKind.INSPECTION_RECORD


def test_r_sup_04_the_owner_evaluates_the_contractor_on_the_page_after_completion(d):
    from ..models import ContractorEvaluation

    p = d.projects["p_school"]
    url = reverse("approval_evaluation", args=[p.pk])
    owner = d.client("school_leader")
    # before completion the page opens, the service refuses the evaluation
    r = owner.post(url, {"participant": f.participant(p).pk, **SCORES})
    assert r.status_code == 200 and "完工后方可进行综合评价" in r.content.decode()
    assert not ContractorEvaluation.objects.exists()
    _completed_school(d)
    # linked from the inspections page
    assert url in owner.get(reverse("approval_inspections")).content.decode()
    page = owner.get(url).content.decode()
    assert "施工单位综合评价" in page and "R-SUP-04" not in page
    assert "《衢州市政府投资工程建设项目标后监管实施细则》第二条" in page
    for label in ("施工组织", "现场管理", "工程质量", "合同履约", "评价意见"):
        assert label in page
    r = owner.post(url, {"participant": f.participant(p).pk, **SCORES, "quality_score": "101"})
    assert r.status_code == 200 and not ContractorEvaluation.objects.exists()
    r = owner.post(url, {"participant": f.participant(p).pk, **SCORES})
    assert r.status_code == 302, r.content[:500]
    assert r["Location"] == f"{reverse('approval_inspections')}?project={p.pk}"
    ev = ContractorEvaluation.objects.get()
    assert (ev.project_id, ev.participant_id) == (p.pk, f.participant(p).pk)
    assert str(ev.total) == "88.75" and ev.grade == "good"
    # evaluated once: posting again creates nothing
    r = owner.post(url, {"participant": f.participant(p).pk, **SCORES})
    assert r.status_code == 200 and ContractorEvaluation.objects.count() == 1
    assert "已评价" in owner.get(url).content.decode()


@pytest.mark.parametrize("user", ["pm_a", "chief_a", "housing_staff", "line_supervisor"])
def test_r_sup_04_the_evaluation_page_is_refused_to_a_wrong_role(d, user):
    from ..models import ContractorEvaluation

    p = _completed_school(d)
    url = reverse("approval_evaluation", args=[p.pk])
    assert d.client(user).get(url).status_code == 403
    r = d.client(user).post(url, {"participant": f.participant(p).pk, **SCORES})
    assert r.status_code == 403
    assert not ContractorEvaluation.objects.exists()


@pytest.mark.parametrize("user", ["hospital_admin", "contractor_b_admin"])
def test_r_sup_04_the_evaluation_page_is_missing_out_of_scope(d, user):
    from ..models import ContractorEvaluation

    p = _completed_school(d)
    url = reverse("approval_evaluation", args=[p.pk])
    assert d.client(user).get(url).status_code == 404
    r = d.client(user).post(url, {"participant": f.participant(p).pk, **SCORES})
    assert r.status_code == 404
    assert not ContractorEvaluation.objects.exists()
    assert url not in d.client(user).get(reverse("approval_inspections")).content.decode()
