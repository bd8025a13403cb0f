"""Issue 11 §5: an action is offered only to those who may take it, and any
refusal re-renders the form with the reason and the typed data kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from postaward.core import clock

from ..models import AcceptanceRequest, EngineeringChange
from . import factories as f

pytestmark = pytest.mark.django_db


def test_owner_leader_is_not_offered_to_initiate_acceptance(d):  # R-ACC-01
    """The owner organises acceptance; the contractor initiates it. The owner's
    leader sees no 发起验收 button and, on the page itself, who initiates —
    not a village-works form that the service would refuse."""
    client = d.client("school_leader")
    html = client.get(reverse("approval_acceptance")).content.decode()
    assert 'data-testid="new"' not in html
    html = client.get(reverse("approval_acceptance_new")).content.decode()
    assert 'id="pa-form"' not in html
    assert "竣工验收由施工单位在线发起" in html
    assert "村级工程" not in html.split("<title>")[1].split("</title>")[0]


def test_contractor_is_offered_its_projects_under_a_title_that_fits(d):  # R-ACC-01
    client = d.client("pm_a")
    assert 'data-testid="new"' in client.get(reverse("approval_acceptance")).content.decode()
    html = client.get(reverse("approval_acceptance_new")).content.decode()
    assert 'id="pa-form"' in html and "发起竣工验收" in html
    assert "乡镇复验" not in html.split('id="pa-form"')[0]
    assert d.projects["p_school"].name in html
    # the hospital's contractor is someone else: not offered to pm_a
    assert d.projects["p_hospital"].name not in html


def test_owner_posting_the_form_anyway_keeps_the_data_and_changes_nothing(d):  # R-ACC-01
    typed = "主体结构及装修全部完成，资料齐全"
    r = d.client("school_leader").post(
        reverse("approval_acceptance_new"),
        {"project": d.projects["p_school"].pk, "description": typed},
    )
    html = r.content.decode()
    assert r.status_code == 200 and 'id="pa-form"' in html
    assert typed in html  # what was typed is still in the form
    assert not AcceptanceRequest.objects.exists()


def test_a_refusal_by_role_re_renders_the_form_with_the_message_and_data(d):  # R-CHG-01
    """A service's Forbidden on a form page is shown beside the form (status
    403), not as a bare error page that loses what was typed."""
    p = d.projects["p_school"]
    data = {
        "project": p.pk,
        "participant": f.participant(p).pk,
        "category": "design",
        "title": "楼梯间调整（监理误发起）",
        "reason": "消防审查意见要求调整",
        "scope": "二号楼梯间加宽",
        "cost_delta": "42000",
        "days_delta": "3",
        "work_date": (clock.today() + dt.timedelta(days=4)).isoformat(),
    }
    r = d.client("chief_a").post(reverse("approval_change_new"), data)
    html = r.content.decode()
    assert r.status_code == 403, html[:400]
    assert 'id="pa-form"' in html and "楼梯间调整（监理误发起）" in html
    assert "invalid-feedback" in html or "alert-danger" in html
    assert not EngineeringChange.objects.exists()


# --- every 发起/新建 button by the service's own predicate (issue 11 §5) ----------------------------


@pytest.mark.parametrize(
    ("ledger", "may", "may_not"),
    [
        # R-CHG-01: the contract's contractor or the owner raises a change
        ("approval_changes", ["pm_a", "school_leader"], ["chief_a", "discipline", "housing_staff"]),
        # R-HID-01: the contractor applies for hidden works acceptance
        ("approval_hidden_works", ["pm_a"], ["chief_a", "school_leader", "housing_staff"]),
        # R-SUP-01: the supervising firm issues supervision notices
        ("approval_notices", ["chief_a"], ["pm_a", "school_leader", "housing_staff"]),
        # R-CHG-03: the unit whose person changes (its administrator) initiates
        ("approval_personnel", ["contractor_a_admin"], ["pm_a", "school_leader", "discipline"]),
    ],
)
def test_the_new_button_is_shown_only_to_who_may_take_the_action(d, ledger, may, may_not):
    for username in may:
        html = d.client(username).get(reverse(ledger)).content.decode()
        assert 'data-testid="new"' in html, username
    for username in may_not:
        r = d.client(username).get(reverse(ledger))
        assert 'data-testid="new"' not in r.content.decode(), username


def test_r_hid_01_a_refused_hidden_works_application_keeps_the_typed_data(d):
    from ..models import HiddenWork

    typed = "三层梁板钢筋（监理误申请）"
    r = d.client("chief_a").post(
        reverse("approval_hidden_work_new"),
        {
            "project": d.projects["p_school"].pk,
            "part_name": typed,
            "description": "钢筋规格、间距、保护层厚度",
            "work_date": (clock.today() + dt.timedelta(days=1)).isoformat(),
        },
    )
    html = r.content.decode()
    assert r.status_code == 403 and 'id="pa-form"' in html
    assert typed in html and "施工单位方可申请隐蔽工程验收" in html
    assert not HiddenWork.objects.exists()


def test_r_sup_01_a_refused_supervision_notice_keeps_the_typed_data(d):
    from ..models import RectificationNotice

    typed = "临边防护缺失（施工单位误签发）"
    r = d.client("pm_a").post(
        reverse("approval_notice_new"),
        {
            "project": d.projects["p_school"].pk,
            "title": typed,
            "content": "三层临边防护栏杆缺失，限期整改",
            "required_by": (clock.today() + dt.timedelta(days=3)).isoformat(),
        },
    )
    html = r.content.decode()
    assert r.status_code == 403 and 'id="pa-form"' in html
    assert typed in html and "本项目监理单位方可签发监理通知单" in html
    assert not RectificationNotice.objects.exists()
