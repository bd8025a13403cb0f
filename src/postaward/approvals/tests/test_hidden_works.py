"""Hidden works (R-HID-01..03): the application window, stand-by on the day,
photos with their EXIF checked, the owner's review, important parts, and a
missed deadline for each missed step."""

from __future__ import annotations

import datetime as dt

import pytest

from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.core.models import Deadline, Todo

from .. import exif, services
from ..choices import HiddenWorkState
from ..models import HiddenWork
from . import factories as f
from .conftest import local, published, run_sweep

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)


@pytest.mark.parametrize(
    ("ahead", "allowed"), [(3, False), (2, True), (1, True), (0, False), (-1, False)]
)
def test_application_window_is_day_d_minus_2_or_d_minus_1(d, ahead, allowed):  # R-HID-01
    work_date = TODAY + dt.timedelta(days=ahead)
    if allowed:
        hw = f.hidden_work(d, work_date=work_date)
        assert hw.state == HiddenWorkState.APPLIED
        return
    with pytest.raises(ValidationFailed) as exc:
        f.hidden_work(d, work_date=work_date)
    assert exc.value.code == "outside_application_window"
    assert "实施前2天内" in exc.value.message and "第二十八条(一)" in exc.value.basis
    assert not HiddenWork.objects.exists()


def test_only_the_contractor_applies(d):  # R-HID-01
    for user in ("chief_a", "school_leader", "contractor_b_admin"):
        with pytest.raises(Forbidden):
            f.hidden_work(d, user=user)


def test_application_opens_the_day_deadlines_and_todo(d):  # R-HID-01, R-HID-02
    hw = f.hidden_work(d, days_ahead=2)
    due = local(2026, 6, 18)  # 24:00 of 06-17
    kinds = dict(
        Deadline.objects.filter(
            subject_id=str(hw.pk), subject_type="approvals.hiddenwork"
        ).values_list("kind", "due_at")
    )
    assert kinds == {"approvals.hidden_standby": due, "approvals.hidden_photos": due}
    todo = Todo.objects.get(key=f"approvals.hiddenwork.{hw.pk}.standby")
    assert todo.organisation_id == d.orgs["supervisor_a"].pk and todo.due_at == due


def test_standby_is_recorded_on_the_day_only_by_the_supervisor(d, frozen):  # R-HID-02
    hw = f.hidden_work(d, days_ahead=2)
    frozen.shift(dt.timedelta(days=1))  # D-1
    with pytest.raises(ValidationFailed) as exc:
        services.record_standby(actor=d.actor("chief_a"), hidden_work=hw, opinion="提前验收")
    assert exc.value.code == "not_the_work_day"
    frozen.shift(dt.timedelta(days=1))  # D
    for user in ("pm_a", "school_leader", "supervisor_b_admin"):
        with pytest.raises(Forbidden):
            services.record_standby(actor=d.actor(user), hidden_work=hw, opinion="验收")
    services.record_standby(
        actor=d.actor("chief_a"), hidden_work=hw, opinion="验收合格", photos=f.photos()
    )
    assert hw.state == HiddenWorkState.ACCEPTED and hw.photos_completed_at is not None
    assert (
        Deadline.objects.get(subject_id=str(hw.pk), kind="approvals.hidden_standby").state == "met"
    )
    assert (
        Deadline.objects.get(subject_id=str(hw.pk), kind="approvals.hidden_photos").state == "met"
    )
    review = Deadline.objects.get(subject_id=str(hw.pk), kind="approvals.hidden_review")
    assert review.unit == "working_days" and review.length == 3
    # 3 working days from 06-17: 06-18, (06-19..21 Dragon Boat Festival), 06-22, 06-23
    assert review.due_at == local(2026, 6, 24)
    services.approve_review(actor=d.actor("school_leader"), hidden_work=hw, opinion="影像清晰")
    assert hw.state == HiddenWorkState.REVIEWED
    assert published("approvals.hidden_work_reviewed")[-1]["photo_warnings"] == 0


def test_exif_time_and_position_are_read_and_checked(d, frozen):  # R-HID-02
    hw = f.hidden_work(d, days_ahead=1)
    frozen.shift(dt.timedelta(days=1))
    taken = local(2026, 6, 16, 10, 5)
    services.record_standby(
        actor=d.actor("chief_a"),
        hidden_work=hw,
        opinion="验收合格",
        photos={
            "before": f.jpeg("before.jpg", taken=taken),
            "after": f.jpeg("after.jpg", taken=local(2026, 6, 14, 16, 0)),  # two days earlier
            "scale": f.jpeg("scale.jpg", taken=None, lon=120.90, lat=30.05),  # no time, far away
        },
    )
    by_kind = {ph.kind: ph for ph in services.current_photos(hw)}
    assert by_kind["before"].taken_at == taken and by_kind["before"].warnings == []
    assert (
        abs(by_kind["before"].lon - f.SITE[0]) < 1e-5
        and abs(by_kind["before"].lat - f.SITE[1]) < 1e-5
    )
    assert by_kind["before"].distance_m == 0
    assert any("不是隐蔽工程施工当天（2026-06-16）" in w for w in by_kind["after"].warnings)
    scale = by_kind["scale"].warnings
    # No EXIF time is no warning (phones strip it): the upload on the day counts (ADR 0011).
    assert not any("拍摄时间" in w for w in scale)
    assert any("不在项目现场" in w for w in scale) and by_kind["scale"].distance_m > 2000
    plain = f.jpeg("plain.jpg", taken=None, lon=None, lat=None)
    result = exif.check(
        plain.read(),
        day=TODAY,
        site=d.projects["p_school"].site,
        uploaded_at=local(TODAY.year, TODAY.month, TODAY.day, 9),
    )
    assert result.warnings == ["未取得拍摄位置（未授权定位），无法核验是否在项目现场拍摄"]


def test_a_pdf_is_not_a_photo(d, frozen):  # R-HID-02
    hw = f.hidden_work(d, days_ahead=1)
    frozen.shift(dt.timedelta(days=1))
    with pytest.raises(ValidationFailed):
        services.record_standby(
            actor=d.actor("chief_a"),
            hidden_work=hw,
            opinion="验收",
            photos={"before": f.pdf("x.pdf")},
        )


def test_each_missed_step_is_a_missed_deadline(d, frozen, alerts):  # R-HID-02, R-HID-03
    nobody = f.hidden_work(d, days_ahead=1, part_name="无人旁站部位")
    no_photos = f.hidden_work(d, days_ahead=1, part_name="未传照片部位")
    no_review = f.hidden_work(d, days_ahead=1, part_name="未审核部位")
    frozen.shift(dt.timedelta(days=1))  # D = 06-16
    services.record_standby(actor=d.actor("chief_a"), hidden_work=no_photos, opinion="验收合格")
    services.record_standby(
        actor=d.actor("chief_a"), hidden_work=no_review, opinion="验收合格", photos=f.photos()
    )
    run_sweep(local(2026, 6, 16, 23, 59))
    assert alerts.kinds() == []
    run_sweep(local(2026, 6, 17))
    missed = {(e["subject_id"], e["kind"]) for e in alerts.missed}
    assert missed == {
        (str(nobody.pk), "approvals.hidden_standby"),
        (str(nobody.pk), "approvals.hidden_photos"),
        (str(no_photos.pk), "approvals.hidden_photos"),
    }
    # the review period: 3 working days from 06-16 → 06-17, 06-18, (06-19 Dragon Boat holiday), 06-22
    review = Deadline.objects.get(subject_id=str(no_review.pk), kind="approvals.hidden_review")
    assert review.due_at == local(2026, 6, 23)
    run_sweep(local(2026, 6, 23))
    assert (str(no_review.pk), "approvals.hidden_review") in {
        (e["subject_id"], e["kind"]) for e in alerts.missed
    }


def test_important_parts_need_the_owners_standby_before_review(d, frozen, alerts):  # R-HID-03
    hw = f.hidden_work(d, days_ahead=1)
    with pytest.raises(Forbidden):
        services.mark_important(actor=d.actor("pm_a"), hidden_work=hw)
    services.mark_important(actor=d.actor("school_leader"), hidden_work=hw, note="主体结构")
    owner_todo = Todo.objects.get(key=f"approvals.hiddenwork.{hw.pk}.owner_standby")
    assert owner_todo.organisation_id == d.orgs["school"].pk
    frozen.shift(dt.timedelta(days=1))
    services.record_standby(
        actor=d.actor("chief_a"), hidden_work=hw, opinion="验收合格", photos=f.photos()
    )
    assert not Deadline.objects.filter(
        subject_id=str(hw.pk), kind="approvals.hidden_review"
    ).exists()
    with pytest.raises(ValidationFailed) as exc:
        services.approve_review(actor=d.actor("school_leader"), hidden_work=hw)
    assert exc.value.code == "owner_standby_missing"
    with pytest.raises(Forbidden):
        services.record_owner_standby(actor=d.actor("chief_a"), hidden_work=hw, opinion="旁站")
    services.record_owner_standby(
        actor=d.actor("school_admin"), hidden_work=hw, opinion="建设单位派员旁站，合格"
    )
    assert (
        Deadline.objects.get(subject_id=str(hw.pk), kind="approvals.hidden_owner_standby").state
        == "met"
    )
    services.approve_review(actor=d.actor("school_leader"), hidden_work=hw)
    assert hw.state == HiddenWorkState.REVIEWED


def test_an_important_part_without_the_owners_standby_is_missed(d, frozen, alerts):  # R-HID-03
    hw = f.hidden_work(d, days_ahead=1, is_important=True)
    frozen.shift(dt.timedelta(days=1))
    services.record_standby(
        actor=d.actor("chief_a"), hidden_work=hw, opinion="验收合格", photos=f.photos()
    )
    run_sweep(local(2026, 6, 17))
    assert alerts.kinds() == ["approvals.hidden_owner_standby"]


def test_returned_images_are_replaced_and_reviewed_again(d, frozen):  # R-HID-03
    hw = f.hidden_work(d, days_ahead=1)
    frozen.shift(dt.timedelta(days=1))
    services.record_standby(
        actor=d.actor("chief_a"), hidden_work=hw, opinion="验收合格", photos=f.photos()
    )
    with pytest.raises(Forbidden):
        services.return_photos(actor=d.actor("chief_a"), hidden_work=hw, opinion="模糊")
    services.return_photos(actor=d.actor("school_leader"), hidden_work=hw, opinion="标尺照片模糊")
    assert hw.state == HiddenWorkState.RETURNED
    with pytest.raises(ValidationFailed):
        services.resubmit(actor=d.actor("chief_a"), hidden_work=hw)  # nothing new yet
    frozen.shift(dt.timedelta(hours=1))
    services.upload_photos(
        actor=d.actor("chief_a"),
        hidden_work=hw,
        photos={
            "scale": f.jpeg(
                "scale2.jpg", taken=__import__("postaward.core.clock", fromlist=["now"]).now()
            )
        },
    )
    services.resubmit(actor=d.actor("chief_a"), hidden_work=hw)
    assert hw.state == HiddenWorkState.ACCEPTED
    assert len(services.current_photos(hw)) == 3
    assert hw.photos.filter(superseded=True).count() == 1
    reviews = Deadline.objects.filter(subject_id=str(hw.pk), kind="approvals.hidden_review")
    assert sorted(reviews.values_list("state", flat=True)) == ["met", "open"]


def test_withdrawal_cancels_the_clocks(d):  # R-HID-01
    hw = f.hidden_work(d)
    with pytest.raises(Forbidden):
        services.withdraw_hidden_work(actor=d.actor("chief_a"), hidden_work=hw)
    services.withdraw_hidden_work(actor=d.actor("pm_a"), hidden_work=hw)
    assert set(
        Deadline.objects.filter(
            subject_id=str(hw.pk), subject_type="approvals.hiddenwork"
        ).values_list("state", flat=True)
    ) == {"cancelled"}
    with pytest.raises(Conflict):
        services.record_standby(actor=d.actor("chief_a"), hidden_work=hw, opinion="x验收")
