"""The approval processes in the simulated district (``postaward simulate``).

Every simulated day, on the projects under construction: the day's supervision
log slots open and most are filled (some late, some never: missed deadlines);
contractors raise engineering changes before the changed work, supervisors and
owners approve most of them in time and some late (after-the-fact changes, a
few major design changes go on to the DRC); hidden works are applied for on
D-2 or D-1, stood by on the day with photos (some without EXIF time or
position), reviewed by the owner in time or late; rectification notices are
answered, some late (owner interviews), one now and then refused; projects past
their planned completion ask for acceptance, which is organised in time or
late. The sweep runs the deadline engine; the simulator then dispatches the
batches, so every deadline state and every inbox has real examples.

``seed_demo`` (called at the end of the demo build) leaves a few processes in
flight, back-dated through the platform clock.

Steps are taken by the platform (``SYSTEM``) on behalf of the units, through
the same services.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from decimal import Decimal
from typing import Any

from postaward import simulate
from postaward.core import clock, deadlines
from postaward.core.actor import SYSTEM
from postaward.core.errors import DomainError
from postaward.projects.choices import ParticipantRole, ProjectStatus
from postaward.projects.models import Project

from . import services
from .choices import AcceptanceState, ChangeState, HiddenWorkState, NoticeState
from .models import (
    AcceptanceRequest,
    EngineeringChange,
    HiddenWork,
    RectificationNotice,
    SupervisionLog,
)

log = logging.getLogger(__name__)

PARTS = [
    "基础承台钢筋",
    "一层梁板钢筋",
    "地下室防水层",
    "给排水预埋管线",
    "电气暗配管",
    "屋面保温层",
    "外墙保温锚固",
    "桩基钢筋笼",
]
CHANGES = [
    ("site_instruction", "基础换填", "地勘与实际地质不符，需换填级配碎石"),
    ("design", "楼梯间加宽", "消防审查意见要求楼梯间加宽"),
    ("material", "外墙涂料变更", "原涂料停产，改用同档次产品"),
    ("cost", "土方外运增加", "弃土场调整，运距增加"),
    ("design", "屋面改为钢结构", "原混凝土屋面跨度大，设计单位建议调整"),
]


def _try(fn: Any, *args: Any, **kw: Any) -> Any:
    try:
        return fn(*args, **kw)
    except DomainError as exc:
        log.debug("simulated step refused: %s", exc.message)
        return None


def _photo(
    kind: str,
    moment: dt.datetime,
    project: Project,
    rng: random.Random,
    *,
    no_time: bool = False,
    no_gps: bool = False,
) -> Any:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    img = Image.new(
        "RGB", (96, 72), (rng.randint(80, 200), rng.randint(80, 200), rng.randint(80, 200))
    )
    exif = Image.Exif()
    if not no_time:
        text = clock.localtime(moment).strftime("%Y:%m:%d %H:%M:%S")
        exif[0x0132] = text
        exif.get_ifd(0x8769)[36867] = text
    if not no_gps and project.site_lon is not None and project.site_lat is not None:
        from PIL.TiffImagePlugin import IFDRational

        def dms(v: float) -> tuple[Any, Any, Any]:
            d = int(v)
            m = int((v - d) * 60)
            return (IFDRational(d), IFDRational(m), IFDRational(round(((v - d) * 60 - m) * 60, 3)))

        gps = exif.get_ifd(0x8825)
        gps[1], gps[2] = "N", dms(project.site_lat + rng.uniform(-0.0005, 0.0005))
        gps[3], gps[4] = "E", dms(project.site_lon + rng.uniform(-0.0005, 0.0005))
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    return SimpleUploadedFile(f"{kind}.jpg", buf.getvalue(), content_type="image/jpeg")


def _contractor(p: Project) -> Any:
    return p.participants.filter(role=ParticipantRole.CONTRACTOR).order_by("id").first()


def _active(limit: int = 40) -> list[Project]:
    """Projects under construction, those with demo logins first (their owner's
    project leader has an account, or a demo account works on them), so that
    the demo accounts' inboxes have something true in them."""
    from django.db.models import Case, Exists, IntegerField, OuterRef, When

    from postaward.projects.models import KeyPersonAssignment

    staffed = KeyPersonAssignment.objects.filter(
        project=OuterRef("pk"), ended_on__isnull=True, person__account__isnull=False
    )
    qs = (
        Project.objects.filter(status=ProjectStatus.UNDER_CONSTRUCTION)
        .annotate(
            demo=Case(
                When(owner_leader__account__isnull=False, then=0),
                When(Exists(staffed), then=1),
                default=2,
                output_field=IntegerField(),
            )
        )
        .order_by("demo", "pk")
    )
    return list(qs[:limit])


@simulate.daily(order=60)
def approvals_day(sim: simulate.SimDay) -> None:
    rng, day = sim.rng, sim.day
    projects = _active()
    # supervision logs of the day (R-SUP-01): most in time, some late, a few never
    services.open_log_slots(day, projects=projects)
    for slot in SupervisionLog.objects.filter(
        log_date__lt=day, state="due", log_date__gte=day - dt.timedelta(days=3)
    ):
        if rng.random() < 0.3:
            _try(
                services.record_log,
                actor=SYSTEM,
                project=slot.project,
                log_date=slot.log_date,
                weather="阴",
                progress="补填：按计划施工",
            )
    for slot in SupervisionLog.objects.filter(log_date=day, state="due"):
        if rng.random() < 0.9:
            _try(
                services.record_log,
                actor=SYSTEM,
                project=slot.project,
                log_date=day,
                weather=rng.choice(["晴", "多云", "阴", "小雨"]),
                progress="按计划施工，现场质量安全受控",
                issues="" if rng.random() < 0.8 else "部分临边防护缺失，已要求整改",
            )
    for p in projects:
        contractor = _contractor(p)
        if contractor is None:
            continue
        # engineering changes (R-CHG-01): raised before the work
        if rng.random() < 0.04:
            category, title, reason = rng.choice(CHANGES)
            cost = Decimal(rng.choice([-30000, 45000, 120000, 380000, 1_200_000]))
            _try(
                services.raise_change,
                actor=SYSTEM,
                project=p,
                participant=contractor,
                category=category,
                title=title,
                reason=reason,
                scope=f"{title}：详见变更图纸",
                cost_delta=cost,
                days_delta=rng.choice([0, 0, 5, 10]),
                work_date=day + dt.timedelta(days=rng.randint(2, 9)),
            )
        # hidden works (R-HID-01): applied on D-2 or D-1
        if rng.random() < 0.06:
            _try(
                services.apply_hidden_work,
                actor=SYSTEM,
                project=p,
                participant=contractor,
                part_name=rng.choice(PARTS),
                description="钢筋规格、间距、保护层厚度",
                work_date=day + dt.timedelta(days=rng.choice([1, 2])),
                is_important=rng.random() < 0.2,
            )
        # rectification notices (R-SUP-01)
        if rng.random() < 0.02:
            _try(
                services.issue_notice,
                actor=SYSTEM,
                project=p,
                participant=contractor,
                title="临边防护缺失",
                content="三层临边防护栏杆缺失，限期整改",
                required_by=day + dt.timedelta(days=rng.randint(2, 5)),
            )
        # acceptance once the planned completion has passed (R-ACC-01)
        if p.planned_completion and p.planned_completion <= day and rng.random() < 0.1:
            _try(
                services.request_acceptance,
                actor=SYSTEM,
                project=p,
                completed_on=day,
                description="合同范围内工程已全部完成",
            )
    _move_changes(rng, day)
    _move_hidden_works(rng, day, sim)
    _move_notices(rng, day)
    _move_acceptance(rng, day)


def _move_changes(rng: random.Random, day: dt.date) -> None:
    for c in EngineeringChange.objects.filter(
        state__in=[
            ChangeState.SUBMITTED,
            ChangeState.SUPERVISOR_APPROVED,
            ChangeState.OWNER_APPROVED,
        ]
    ).select_related("project"):
        if rng.random() > 0.45:
            continue  # some wait: a few end up approved after the work (after the fact)
        if c.state == ChangeState.SUBMITTED:
            _try(services.review_change, actor=SYSTEM, change=c, opinion="变更依据充分")
        elif c.state == ChangeState.SUPERVISOR_APPROVED:
            if rng.random() < 0.08:
                _try(services.reject_change, actor=SYSTEM, change=c, note="变更理由不充分")
            else:
                _try(services.approve_change, actor=SYSTEM, change=c, opinion="同意")
        else:
            _try(services.approve_change_by_drc, actor=SYSTEM, change=c, opinion="同意")


def _move_hidden_works(rng: random.Random, day: dt.date, sim: simulate.SimDay) -> None:
    for hw in HiddenWork.objects.filter(
        work_date=day, state=HiddenWorkState.APPLIED
    ).select_related("project"):
        if rng.random() < 0.1:
            continue  # nobody stood by: missed
        if hw.is_important and rng.random() < 0.85:
            _try(
                services.record_owner_standby,
                actor=SYSTEM,
                hidden_work=hw,
                opinion="建设单位派员旁站，合格",
            )
        moment = sim.at(rng.randint(9, 16), rng.randint(0, 59))
        photos = {
            k: _photo(
                k, moment, hw.project, rng, no_time=rng.random() < 0.05, no_gps=rng.random() < 0.08
            )
            for k in ("before", "after", "scale")
        }
        if rng.random() < 0.08:
            photos.pop("scale")  # the scale photo forgotten: missed
        _try(
            services.record_standby,
            actor=SYSTEM,
            hidden_work=hw,
            opinion="隐蔽验收合格",
            photos=photos,
        )
    for hw in HiddenWork.objects.filter(
        state=HiddenWorkState.ACCEPTED, photos_completed_at__isnull=False
    ).select_related("project"):
        if rng.random() < 0.35:
            if rng.random() < 0.1:
                _try(services.return_photos, actor=SYSTEM, hidden_work=hw, opinion="标尺照片不清晰")
            else:
                _try(services.approve_review, actor=SYSTEM, hidden_work=hw, opinion="影像清晰完整")
    for hw in HiddenWork.objects.filter(state=HiddenWorkState.RETURNED).select_related("project"):
        if rng.random() < 0.5:
            _try(
                services.upload_photos,
                actor=SYSTEM,
                hidden_work=hw,
                photos={"scale": _photo("scale", clock.now(), hw.project, rng)},
            )
            _try(services.resubmit, actor=SYSTEM, hidden_work=hw)


def _move_notices(rng: random.Random, day: dt.date) -> None:
    for n in RectificationNotice.objects.filter(
        state__in=[NoticeState.ISSUED, NoticeState.REPLIED]
    ).select_related("project", "participant"):
        if n.state == NoticeState.ISSUED:
            if n.overdue and n.interview_at is None and rng.random() < 0.5:
                _try(
                    services.record_interview, actor=SYSTEM, notice=n, note="约谈项目经理，限期整改"
                )
            if rng.random() < 0.02:
                _try(services.record_refusal, actor=SYSTEM, notice=n, note="施工单位拒不整改")
            elif rng.random() < 0.4:
                _try(
                    services.reply_notice,
                    actor=SYSTEM,
                    notice=n,
                    reply="已按要求整改完毕",
                    evidence=[_photo("fix", clock.now(), n.project, rng)],
                )
        elif rng.random() < 0.6:
            _try(services.close_notice, actor=SYSTEM, notice=n, opinion="复查合格")


def _move_acceptance(rng: random.Random, day: dt.date) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from postaward.projects.files import minimal_pdf

    def pdf(name: str) -> Any:
        return SimpleUploadedFile(name, minimal_pdf(["acceptance"]), content_type="application/pdf")

    for req in AcceptanceRequest.objects.filter(
        state__in=[AcceptanceState.SUBMITTED, AcceptanceState.RECEIVED]
    ).select_related("project"):
        if req.state == AcceptanceState.SUBMITTED and rng.random() < 0.5:
            _try(services.review_acceptance, actor=SYSTEM, request=req, opinion="具备验收条件")
        elif req.state == AcceptanceState.RECEIVED and rng.random() < 0.08:
            _try(
                services.conclude_acceptance,
                actor=SYSTEM,
                request=req,
                passed=rng.random() < 0.9,
                accepted_on=day,
                attendees="建设、监理、勘察、设计单位",
                rectification_opinions="局部观感修补",
                conclusion="工程质量符合要求",
                document=pdf("验收结论.pdf"),
            )


@simulate.sweep(order=60)
def approvals_sweep(sim: simulate.SimDay) -> None:
    """The deadline engine's scheduled sweep (the simulator dispatches afterwards)."""
    deadlines.sweep()


def seed_demo(b: Any = None) -> None:
    """A few processes in flight on the demo's first projects under construction,
    back-dated through the platform clock (so the first sweep has real misses)."""
    rng = random.Random(20261123)
    today = clock.today()
    projects = [p for p in _active(12) if _contractor(p) is not None]
    for i, p in enumerate(projects[:8]):
        contractor = _contractor(p)
        back = clock.start_of_day(today - dt.timedelta(days=12)) + dt.timedelta(hours=10)
        with simulate.platform_time(back):
            c = _try(
                services.raise_change,
                actor=SYSTEM,
                project=p,
                participant=contractor,
                category=CHANGES[i % 5][0],
                title=CHANGES[i % 5][1],
                reason=CHANGES[i % 5][2],
                scope="详见变更图纸",
                cost_delta=Decimal(rng.choice([45000, 120000, 1_500_000])),
                days_delta=rng.choice([0, 7]),
                work_date=today - dt.timedelta(days=5 if i % 2 else -4),
            )
            if c is not None:
                _try(services.review_change, actor=SYSTEM, change=c, opinion="同意")
            _try(
                services.issue_notice,
                actor=SYSTEM,
                project=p,
                participant=contractor,
                title="脚手架连墙件缺失",
                content="限期补设连墙件",
                required_by=today - dt.timedelta(days=7 if i % 3 == 0 else -3),
            )
            if i % 2 == 0:
                req = _try(
                    services.request_acceptance,
                    actor=SYSTEM,
                    project=p,
                    completed_on=today - dt.timedelta(days=13),
                    description="合同范围内工程已全部完成",
                )
                if req is not None:
                    _try(
                        services.review_acceptance,
                        actor=SYSTEM,
                        request=req,
                        opinion="具备验收条件",
                    )
        if c is not None and i % 2:
            _try(
                services.approve_change, actor=SYSTEM, change=c, opinion="同意"
            )  # approved after the work date
        with simulate.platform_time(
            clock.start_of_day(today - dt.timedelta(days=1)) + dt.timedelta(hours=9)
        ):
            _try(
                services.apply_hidden_work,
                actor=SYSTEM,
                project=p,
                participant=contractor,
                part_name=PARTS[i % len(PARTS)],
                description="钢筋规格、间距、保护层厚度",
                work_date=today + dt.timedelta(days=i % 2),
                is_important=i % 4 == 0,
            )
    services.open_log_slots(today, projects=projects)
