"""Hidden works (R-HID-01..03, SY 28).

The contractor applies on day D-2 or D-1 of the work day D; on D the
supervising firm stands by and accepts, uploading before, after and
measuring-scale photos (their EXIF time and position checked against D and
the site); for important parts the owner's staff stand by on D too; the owner
reviews the images. Each step has its deadline, and each missed one is a
``deadline.missed`` event for the alerts capability.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from postaward.core import clock, deadlines, events, files, steps, writes
from postaward.core.actor import Actor
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.core.files import check_upload
from postaward.core.models import Deadline
from postaward.projects.choices import ParticipantRole, ProjectStatus
from postaward.projects.models import Participant, Project

from .. import deadline_kinds as K
from .. import exif, workflows
from ..choices import CALENDAR, HIDDEN_APPLY_DAYS_BEFORE, HiddenWorkState, PhotoKind
from ..events import HiddenWorkReviewed
from ..models import ApprovalPolicy, HiddenWork, HiddenWorkPhoto
from .common import (
    created,
    done,
    facts,
    lock,
    logged,
    node,
    number,
    open_clock,
    owner_to,
    step,
    supervising_firm_id,
    supervisor_to,
    text,
    todo,
)

BASIS_APPLY = "R-HID-01（实施细则第二十八条(一)：隐蔽工程实施前2天内由施工单位申请）"
BASIS_STANDBY = "R-HID-02（实施细则第二十八条(二)：施工当天监理旁站和验收，上传影像资料）"
BASIS_REVIEW = "R-HID-03（实施细则第二十八条(三)：建设单位审核影像质量，重要部位派员旁站）"


def url(hw: HiddenWork) -> str:
    return f"/approvals/hidden-works/{hw.pk}/"


def apply_window(work_date: dt.date) -> tuple[dt.date, dt.date]:
    """The days on which the application for works on ``work_date`` may be made."""
    return (
        work_date - dt.timedelta(days=HIDDEN_APPLY_DAYS_BEFORE),
        work_date - dt.timedelta(days=1),
    )


def may_apply_hidden_work(actor: Actor, project: Project, participant: Participant) -> bool:
    """R-HID-01: the contractor of this project's contract applies for hidden
    works acceptance; ``apply_hidden_work`` refuses by this predicate and the
    pages offer the action by it (issue 11 §5)."""
    if participant.project_id != project.pk or participant.role != ParticipantRole.CONTRACTOR:
        return False
    probe = HiddenWork(project=project, participant=participant)
    return actor.is_system or workflows.contractor(probe, actor)


def apply_hidden_work(
    *,
    actor: Actor,
    project: Project,
    participant: Participant,
    part_name: str,
    description: str,
    work_date: dt.date,
    is_important: bool = False,
) -> HiddenWork:
    """R-HID-01: "within the 2 days before" = on day D-2 or D-1 (ADR 0302);
    earlier or later is refused with the rule quoted."""
    if participant.project_id != project.pk or participant.role != ParticipantRole.CONTRACTOR:
        raise ValidationFailed("请选择本项目的施工单位", field="participant_id")
    if not may_apply_hidden_work(actor, project, participant):
        raise Forbidden("施工单位方可申请隐蔽工程验收")
    part_name = text(part_name, field="part_name", label="隐蔽部位", max_len=200)
    description = text(description, field="description", label="隐蔽内容", min_len=2)
    if work_date is None:
        raise ValidationFailed("请填写计划隐蔽施工日期", field="work_date")
    today = clock.today()
    first, last = apply_window(work_date)
    if not first <= today <= last:
        raise ValidationFailed(
            f"隐蔽工程应在实施前2天内申请：施工日期为 {work_date:%Y-%m-%d} 的，"
            f"应于 {first:%Y-%m-%d} 或 {last:%Y-%m-%d} 申请（今天是 {today:%Y-%m-%d}）",
            field="work_date",
            code="outside_application_window",
            basis=BASIS_APPLY,
        )
    with transaction.atomic():
        p = lock(project)
        if p.status != ProjectStatus.UNDER_CONSTRUCTION:
            raise Conflict(f"项目当前状态为“{p.get_status_display()}”，不能申请隐蔽工程验收")
        hw = HiddenWork.objects.create(
            project=p,
            participant=participant,
            number=number("YB", p, HiddenWork),
            part_name=part_name,
            description=description,
            work_date=work_date,
            is_important=bool(is_important),
            applied_at=clock.now(),
            applied_by_name=actor.display_name[:100],
        )
        created(
            hw, actor, "apply_hidden_work", "申请隐蔽工程验收", f"计划施工日期 {work_date:%Y-%m-%d}"
        )
        length = (work_date - today).days
        firm = supervising_firm_id(p)
        # fixed by the day of the work, not periods: they do not roll (R-CAL-01)
        dl = open_clock(
            hw, K.HIDDEN_STANDBY, length=length, unit=CALENDAR, organisation_id=firm, roll=False
        )
        open_clock(
            hw, K.HIDDEN_PHOTOS, length=length, unit=CALENDAR, organisation_id=firm, roll=False
        )
        todo(
            hw,
            "standby",
            title=f"隐蔽工程旁站验收：{part_name}（{p.name}，{work_date:%Y-%m-%d}）",
            **supervisor_to(p),
            url=url(hw),
            basis=BASIS_STANDBY,
            due_at=dl.due_at,
        )
        if hw.is_important:
            _open_owner_standby(hw)
        node(
            p,
            "hidden_work",
            f"申请隐蔽工程验收 {hw.number}：{part_name}",
            actor,
            detail=f"计划施工日期 {work_date:%Y-%m-%d}",
        )
    return hw


def _open_owner_standby(hw: HiddenWork) -> None:
    today = clock.today()
    if hw.work_date < today:
        return
    dl = open_clock(
        hw,
        K.HIDDEN_OWNER_STANDBY,
        length=(hw.work_date - today).days,
        unit=CALENDAR,
        organisation_id=hw.project.owner_id,
        roll=False,  # the day of the work
    )
    todo(
        hw,
        "owner_standby",
        title=f"重要部位派员旁站：{hw.part_name}（{hw.project.name}，{hw.work_date:%Y-%m-%d}）",
        **owner_to(hw.project),
        url=url(hw),
        basis=BASIS_REVIEW,
        due_at=dl.due_at,
    )


def _write(name: str, hw: HiddenWork, actor: Actor) -> Any:
    """The step's audited write on the hidden work (``core.steps.write``: the
    registry's check on the locked row, the transition fired), the project
    locked first as every hidden-works write does."""
    from .. import steps_works

    lock(hw.project)
    return steps.write(steps.get(steps_works.HIDDEN_WF, name), hw, actor, project_id=hw.project_id)


def mark_important(*, actor: Actor, hidden_work: HiddenWork, note: str = "") -> HiddenWork:
    """The owner marks the part important: its staff must stand by too (R-HID-03)."""
    with transaction.atomic(), _write("important", hidden_work, actor) as w:
        hw = w.obj
        hw.is_important = True
        step(hw, actor, "mark_important", "确定为重要部位", note.strip()[:500])
        _open_owner_standby(hw)
    hidden_work.refresh_from_db()
    return hw


def record_standby(
    *,
    actor: Actor,
    hidden_work: HiddenWork,
    opinion: str,
    photos: dict[str, Any] | None = None,
    captures: dict[str, exif.Capture] | None = None,
) -> HiddenWork:
    """R-HID-02: on the day the supervisor stands by and accepts (the day is
    the step's guard, ``steps_works.ON_THE_WORK_DAY``)."""
    with transaction.atomic(), _write("standby", hidden_work, actor) as w:
        hw = w.obj
        opinion = text(opinion, field="opinion", label="旁站验收意见", min_len=2)
        hw.standby_at = clock.now()
        hw.standby_by_name = actor.display_name[:100]
        hw.supervisor_opinion = opinion
        logged(hw, actor, "record_standby", opinion)
        deadlines.close_deadline(kind=K.HIDDEN_STANDBY.kind, subject=hw)
        done(hw, "standby")
        if photos:
            _add_photos(hw, actor, photos, captures)
        _after_photos(hw, actor)
        node(hw.project, "hidden_work", f"隐蔽工程 {hw.number} 监理旁站验收", actor, detail=opinion)
    hidden_work.refresh_from_db()
    return hw


def _add_photos(
    hw: HiddenWork,
    actor: Actor,
    photos: dict[str, Any],
    captures: dict[str, exif.Capture] | None = None,
) -> list[HiddenWorkPhoto]:
    out = []
    site = hw.project.site
    for kind, upload in photos.items():
        if upload is None:
            continue
        if kind not in PhotoKind.values:
            raise ValidationFailed("照片类别不正确", field="kind")
        checked = check_upload(upload, field=f"photo_{kind}", allowed=files.IMAGES)
        capture = (captures or {}).get(kind) or exif.Capture()
        now = clock.now()
        result = exif.check(
            checked.original, day=hw.work_date, site=site, capture=capture, uploaded_at=now
        )
        checked = files.stamped(checked, _stamp(hw, actor, result))
        HiddenWorkPhoto.objects.filter(hidden_work=hw, kind=kind, superseded=False).update(
            superseded=True
        )
        photo = HiddenWorkPhoto(
            project_id=hw.project_id,
            hidden_work=hw,
            kind=kind,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            taken_at=result.facts.taken_at,
            lon=result.facts.lon,
            lat=result.facts.lat,
            captured_at=capture.taken_at,
            capture_lon=capture.lon,
            capture_lat=capture.lat,
            distance_m=result.distance_m,
            warnings=result.warnings,
            uploaded_at=now,
            uploaded_by_name=actor.display_name[:100],
        )
        files.save(photo.file, checked)
        photo.save()
        writes.created(
            photo, actor=actor, action="approvals.hiddenwork.upload_photo", project_id=hw.project_id
        )
        label = PhotoKind(kind).label
        step(
            hw,
            actor,
            "upload_photo",
            f"上传{label}",
            "；".join(result.warnings) or "拍摄时间、位置核验一致",
        )
        out.append(photo)
    return out


def _stamp(hw: HiddenWork, actor: Actor, result: exif.PhotoCheck) -> list[str]:
    """The watermark: when (Beijing time) and where it was taken, the project
    and the person who uploaded it."""
    f = result.facts
    when = f"{clock.localtime(f.taken_at):%Y-%m-%d %H:%M}" if f.taken_at else "未知"
    where = (
        f"{'东' if f.lon >= 0 else '西'}经 {abs(f.lon):.5f}  {'北' if f.lat >= 0 else '南'}纬 {abs(f.lat):.5f}"
        if f.lon is not None and f.lat is not None
        else "未取得"
    )
    project = hw.project
    return [
        f"时间 {when}（北京时间）  位置 {where}",
        f"项目 {project.code} {project.name}"[:80],
        f"隐蔽工程 {hw.number} {hw.part_name}"[:80],
        f"上传人 {actor.display_name}（{actor.org_name}）"[:80],
    ]


def photos_complete(hw: HiddenWork) -> bool:
    kinds = set(
        HiddenWorkPhoto.objects.filter(hidden_work=hw, superseded=False).values_list(
            "kind", flat=True
        )
    )
    return kinds >= set(PhotoKind.values)


def current_photos(hw: HiddenWork) -> list[HiddenWorkPhoto]:
    return list(
        HiddenWorkPhoto.objects.filter(hidden_work=hw, superseded=False).order_by("kind", "id")
    )


def upload_photos(
    *,
    actor: Actor,
    hidden_work: HiddenWork,
    photos: dict[str, Any],
    captures: dict[str, exif.Capture] | None = None,
) -> list[HiddenWorkPhoto]:
    """The supervisor uploads (or replaces) photos after standing by."""
    with transaction.atomic(), _write("photos", hidden_work, actor) as w:
        hw = w.obj
        if not photos or not any(photos.values()):
            raise ValidationFailed("请上传照片", field="photo_before")
        added = _add_photos(hw, actor, photos, captures)
        _after_photos(hw, actor)
    hidden_work.refresh_from_db()
    return added


def _after_photos(hw: HiddenWork, actor: Actor) -> None:
    if hw.photos_completed_at is None and photos_complete(hw):
        hw.photos_completed_at = clock.now()
        hw.save(update_fields=["photos_completed_at"])
        deadlines.close_deadline(kind=K.HIDDEN_PHOTOS.kind, subject=hw)
        done(hw, "photos")
    elif hw.photos_completed_at is None:
        _open_photos_todo(hw)
    _maybe_open_review(hw)


def _open_photos_todo(hw: HiddenWork) -> None:
    """Stood by with photos missing: the photos clock stays open and the
    supervising firm (who uploads them, R-HID-02) gets a to-do until 24:00 of D."""
    dl = Deadline.objects.filter(
        kind=K.HIDDEN_PHOTOS.kind,
        subject_type="approvals.hiddenwork",
        subject_id=str(hw.pk),
        state=Deadline.State.OPEN,
    ).first()
    have = set(
        HiddenWorkPhoto.objects.filter(hidden_work=hw, superseded=False).values_list(
            "kind", flat=True
        )
    )
    missing = "、".join(str(PhotoKind(k).label) for k in PhotoKind.values if k not in have)
    todo(
        hw,
        "photos",
        title=f"上传隐蔽工程影像资料：{hw.part_name}（{hw.project.name}）",
        **supervisor_to(hw.project),
        url=url(hw),
        basis=BASIS_STANDBY,
        due_at=dl.due_at if dl else None,
        detail=f"尚缺：{missing}" if missing else "",
    )


def _review_ready(hw: HiddenWork) -> bool:
    return (
        hw.state == HiddenWorkState.ACCEPTED
        and photos_complete(hw)
        and (not hw.is_important or hw.owner_standby_at is not None)
    )


def _maybe_open_review(hw: HiddenWork) -> None:
    if not _review_ready(hw):
        return
    if Deadline.objects.filter(
        kind=K.HIDDEN_REVIEW.kind,
        subject_type="approvals.hiddenwork",
        subject_id=str(hw.pk),
        state=Deadline.State.OPEN,
    ).exists():
        return
    policy = ApprovalPolicy.current()
    dl = open_clock(
        hw,
        K.HIDDEN_REVIEW,
        length=policy.hidden_review_days,
        unit=policy.hidden_review_unit,
        organisation_id=hw.project.owner_id,
    )
    todo(
        hw,
        "review",
        title=f"审核隐蔽工程影像：{hw.part_name}（{hw.project.name}）",
        **owner_to(hw.project),
        url=url(hw),
        basis=deadlines.describe(dl, "R-HID-03"),
        due_at=dl.due_at,
    )


def record_owner_standby(*, actor: Actor, hidden_work: HiddenWork, opinion: str) -> HiddenWork:
    """R-HID-03: for an important part the owner's staff stand by on the day
    (important, not yet recorded, the day: the step's guards)."""
    with transaction.atomic(), _write("owner-standby", hidden_work, actor) as w:
        hw = w.obj
        opinion = text(opinion, field="opinion", label="旁站意见", min_len=2)
        hw.owner_standby_at = clock.now()
        hw.owner_standby_by_name = actor.display_name[:100]
        hw.owner_standby_opinion = opinion
        step(hw, actor, "owner_standby", "建设单位派员旁站验收", opinion)
        deadlines.close_deadline(kind=K.HIDDEN_OWNER_STANDBY.kind, subject=hw)
        done(hw, "owner_standby")
        _maybe_open_review(hw)
    hidden_work.refresh_from_db()
    return hw


def approve_review(*, actor: Actor, hidden_work: HiddenWork, opinion: str = "") -> HiddenWork:
    """The photos complete and, for an important part, the owner stood by (the
    step's guards, 422 with what is missing)."""
    with transaction.atomic(), _write("approve", hidden_work, actor) as w:
        hw = w.obj
        hw.reviewed_at = clock.now()
        hw.reviewed_by_name = actor.display_name[:100]
        hw.review_opinion = opinion.strip()[:2000]
        logged(hw, actor, "approve_review", hw.review_opinion)
        deadlines.close_deadline(kind=K.HIDDEN_REVIEW.kind, subject=hw)
        done(hw)
        warnings = sum(len(ph.warnings) for ph in current_photos(hw))
        node(
            hw.project,
            "hidden_work",
            f"隐蔽工程 {hw.number} 影像审核通过",
            actor,
            detail=hw.review_opinion,
        )
        events.publish(
            HiddenWorkReviewed(
                **facts(hw.project, actor),
                hidden_work_id=hw.pk,
                work_date=hw.work_date.isoformat(),
                photo_warnings=warnings,
            )
        )
    hidden_work.refresh_from_db()
    return hw


def return_photos(*, actor: Actor, hidden_work: HiddenWork, opinion: str) -> HiddenWork:
    """The images are not good enough: back to the supervisor to upload again."""
    with transaction.atomic(), _write("return", hidden_work, actor) as w:
        hw = w.obj
        opinion = text(opinion, field="opinion", label="退回理由", min_len=2)
        hw.review_opinion = opinion
        logged(hw, actor, "return_photos", opinion)
        deadlines.close_deadline(kind=K.HIDDEN_REVIEW.kind, subject=hw)
        done(hw, "review")
        todo(
            hw,
            "reupload",
            title=f"补传隐蔽工程影像：{hw.part_name}（{hw.project.name}）",
            **supervisor_to(hw.project),
            url=url(hw),
            basis=BASIS_STANDBY,
            detail=opinion,
        )
    hidden_work.refresh_from_db()
    return hw


def resubmit(*, actor: Actor, hidden_work: HiddenWork) -> HiddenWork:
    """New photos since the return, all three kinds (the step's guard)."""
    with transaction.atomic(), _write("resubmit", hidden_work, actor) as w:
        hw = w.obj
        logged(hw, actor, "resubmit")
        done(hw, "reupload")
        _maybe_open_review(hw)
    hidden_work.refresh_from_db()
    return hw


def withdraw_hidden_work(*, actor: Actor, hidden_work: HiddenWork) -> HiddenWork:
    with transaction.atomic(), _write("withdraw", hidden_work, actor) as w:
        hw = w.obj
        logged(hw, actor, "withdraw")
        for kind in (K.HIDDEN_STANDBY, K.HIDDEN_PHOTOS, K.HIDDEN_OWNER_STANDBY, K.HIDDEN_REVIEW):
            deadlines.close_deadline(kind=kind.kind, subject=hw, state=Deadline.State.CANCELLED)
        done(hw, cancelled=True)
    hidden_work.refresh_from_db()
    return hw
