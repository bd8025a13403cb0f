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
    assert 'data-action="review"' in page and "R-CHG-01" in page and "自然日" in page
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
        photos={**f.photos(), "scale": f.jpeg("s.jpg", taken=None)},
    )
    page = (
        d.client("school_leader")
        .get(reverse("approval_hidden_work_detail", args=[hw.pk]))
        .content.decode()
    )
    assert "缺少拍摄时间" in page and 'data-action="approve_review"' in page
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
