"""The approval processes in the simulated district (``postaward simulate``).

Every simulated day, on the projects under construction: the day's supervision
log slots open and most are filled (some late, some never: missed deadlines);
contractors raise engineering changes before the changed work, supervisors and
owners approve most of them in time and some late (after-the-fact changes, a
few major design changes go on to the DRC); hidden works are applied for on
D-2 or D-1, stood by on the day with photos (some without EXIF time or
position), reviewed by the owner in time or late; rectification notices are
answered, some late (owner interviews), one now and then refused (the industry
authority then investigates); owners mark some hidden works important and
inspect their sites; key personnel are changed now and then (the supervising firm reviews the
contractor's, the owner agrees,
the authority or the superior unit approves, the owner swaps the person);
projects past their planned completion, and completed works, ask for
acceptance: some are returned as not ready within the 3 days, super-large works
may ask for more time (superior unit, authority, leading group in turn), village
works are re-accepted by the township after the village's self-acceptance, a
few works are used before acceptance; after completion the owner evaluates the
contractor. The sweep runs the deadline engine; the simulator then dispatches
the batches, so every deadline state and every inbox has real examples.

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

from postaward.core import clock, deadlines
from postaward.core import simulation as simulate
from postaward.core.actor import SYSTEM
from postaward.core.errors import DomainError
from postaward.projects.choices import (
    FINISHED_STATES,
    ParticipantRole,
    Position,
    ProjectClass,
    ProjectStatus,
)
from postaward.projects.models import KeyPersonAssignment, Participant, Project
from postaward.projects.simulation import certified_person

from . import services
from .choices import (
    ACCEPTANCE_OPEN_STATES,
    AcceptanceKind,
    AcceptanceState,
    ChangeState,
    ExtensionState,
    HiddenWorkState,
    InspectionAspect,
    InspectionResult,
    NoticeState,
    PersonnelReason,
    PersonnelState,
)
from .models import (
    AcceptanceExtension,
    AcceptanceRequest,
    ContractorEvaluation,
    EngineeringChange,
    HiddenWork,
    PersonnelChange,
    RectificationNotice,
    SupervisionLog,
    UsageBeforeAcceptance,
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


def _pdf(name: str, text: str = "simulated") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from postaward.core.files import minimal_pdf

    return SimpleUploadedFile(name, minimal_pdf([text]), content_type="application/pdf")


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
    # Each project's day draws from its own generator (seeded by the day's draw
    # and the project's code): what happens on one project does not depend on which
    # other projects exist, so a demo with one more project simulates the
    # others the same (issue 11 §7).
    day_seed = rng.random()
    shared, day_sim = rng, sim
    for p in projects:
        contractor = _contractor(p)
        if contractor is None:
            continue
        rng = random.Random(f"{day_seed}-{p.code}")  # the code, not the pk: ids differ by database
        sim = simulate.SimDay(day=day, rng=rng)
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
        # the owner inspects the site (R-SUP-04)
        if rng.random() < 0.03:
            _inspect(rng, day, p)
        # a key person leaves, the unit initiates the change (R-CHG-03)
        if rng.random() < 0.02:
            _initiate_personnel_change(sim, p)
        # works past their planned completion taken into use before acceptance
        # (R-ACC-06): the longer past it, the likelier (1 % a day per week late)
        if p.planned_completion and p.planned_completion < day:
            weeks_late = (day - p.planned_completion).days // 7 + 1
            if rng.random() < min(0.2, 0.01 * weeks_late):
                _record_usage(rng, day, p)
    rng, sim = shared, day_sim
    _completed_works_ask_for_acceptance(rng, day)
    _move_changes(rng, day)
    _move_hidden_works(rng, day, sim)
    _move_notices(rng, day)
    _move_personnel_changes(rng)
    _move_acceptance(rng, day)
    _move_extensions(rng)
    _evaluate_contractors(rng)


def _inspect(rng: random.Random, day: dt.date, p: Project) -> None:
    aspects = rng.sample(list(InspectionAspect.values), rng.randint(1, 3))
    ok = rng.random() < 0.8
    _try(
        services.record_inspection,
        actor=SYSTEM,
        project=p,
        inspected_on=day,
        inspectors=rng.choice(["建设单位项目负责人等 2 人", "建设单位分管领导、项目负责人"]),
        aspects=aspects,
        findings="现场管理有序，未发现明显问题"
        if ok
        else rng.choice(["部分临边防护缺失，责令整改", "项目经理不在岗，责令到岗"]),
        result=InspectionResult.OK if ok else InspectionResult.RECTIFY,
        record=_pdf("检查记录.pdf", "inspection") if rng.random() < 0.5 else None,
    )


def _initiate_personnel_change(sim: simulate.SimDay, p: Project) -> None:
    rng, day = sim.rng, sim.day
    assignments = list(
        KeyPersonAssignment.objects.filter(project=p, ended_on__isnull=True)
        .select_related("participant", "person", "project")
        .order_by("id")
    )
    if not assignments:
        return
    a = rng.choice(assignments)
    found = certified_person(
        a.participant.organisation_id,
        a.position,
        day,
        project=p,
        rng=rng,
        exclude=(a.person_id,),
    )
    if found is None:
        return
    replacement, cert = found
    kind = rng.choices(
        [
            PersonnelReason.RESIGNATION,
            PersonnelReason.TRANSFER,
            PersonnelReason.ILLNESS,
            PersonnelReason.OTHER,
        ],
        weights=[40, 35, 15, 10],
    )[0]
    reason = {
        PersonnelReason.RESIGNATION: "原人员与单位解除劳动合同",
        PersonnelReason.TRANSFER: "原人员工作调动至外地分公司",
        PersonnelReason.ILLNESS: "原人员因病住院，短期内无法履职",
        PersonnelReason.OTHER: "原人员家庭原因无法继续履职",
    }[kind]
    illness = kind == PersonnelReason.ILLNESS
    _try(
        services.initiate_personnel_change,
        actor=SYSTEM,
        assignment=a,
        replacement=replacement,
        replacement_certificate=cert,
        reason_kind=kind,
        reason=reason,
        recovery_until=day + dt.timedelta(days=rng.randint(60, 180)) if illness else None,
        hospital_certificate=_pdf("区级医院证明.pdf", "hospital") if illness else None,
        qualification_document=_pdf("资格资历证明.pdf", "qualification"),
        social_insurance=_pdf("社保缴纳证明.pdf", "social insurance"),
    )


def _move_personnel_changes(rng: random.Random) -> None:
    for pc in PersonnelChange.objects.filter(
        state__in=[
            PersonnelState.SUPERVISOR_PENDING,
            PersonnelState.SUBMITTED,
            PersonnelState.OWNER_AGREED,
            PersonnelState.APPROVED,
        ]
    ).select_related("project"):
        if rng.random() > 0.4:
            continue
        if pc.state != PersonnelState.APPROVED and rng.random() < 0.05:
            _try(
                services.reject_personnel_change,
                actor=SYSTEM,
                change=pc,
                note="替换人员资历不满足招标文件要求",
            )
        elif pc.state == PersonnelState.SUPERVISOR_PENDING:
            _try(
                services.review_personnel_change, actor=SYSTEM, change=pc, opinion="资料齐全，同意"
            )
        elif pc.state == PersonnelState.SUBMITTED:
            _try(services.agree_personnel_change, actor=SYSTEM, change=pc, opinion="同意变更")
        elif pc.state == PersonnelState.OWNER_AGREED:
            _try(services.approve_personnel_change, actor=SYSTEM, change=pc, opinion="同意")
        else:
            penalty = rng.choice([0, 0, 20000, 50000])
            _try(
                services.complete_personnel_change,
                actor=SYSTEM,
                change=pc,
                approval_form=_pdf("人员变更审批表.pdf", "approval form"),
                penalty_amount=Decimal(penalty),
                penalty_note="" if penalty else "因病等客观原因，按合同约定免于追究违约金",
            )


def _record_usage(rng: random.Random, day: dt.date, p: Project) -> None:
    if UsageBeforeAcceptance.objects.filter(project=p).exists():
        return
    exception = rng.random() < 0.2
    since = day - dt.timedelta(days=rng.randint(1, 10))
    if p.actual_start and since < p.actual_start:
        since = p.actual_start
    _try(
        services.record_usage_before_acceptance,
        actor=SYSTEM,
        project=p,
        used_since=since,
        description=rng.choice(
            ["道路已提前开放通行", "教学楼已提前投入使用", "设备已提前投入运行"]
        ),
        industry_exception=exception,
        exception_reason="防汛度汛要求，经主管部门同意临时投入使用" if exception else "",
    )


def _completed_works_ask_for_acceptance(rng: random.Random, day: dt.date) -> None:
    """Works completed without an acceptance request: the contractor asks (R-ACC-01)."""
    for p in Project.objects.filter(status=ProjectStatus.COMPLETED).order_by("id")[:60]:
        reqs = AcceptanceRequest.objects.filter(project=p)
        if (
            reqs.filter(state__in=ACCEPTANCE_OPEN_STATES).exists()
            or reqs.filter(kind=AcceptanceKind.VILLAGE_SELF, state=AcceptanceState.PASSED).exists()
        ):
            continue  # in hand (a passed village self-acceptance waits for the township)
        if rng.random() < 0.15:
            _try(
                services.request_acceptance,
                actor=SYSTEM,
                project=p,
                completed_on=min(p.actual_completion or day, day),
                description="合同范围内工程已全部完成，具备竣工验收条件",
            )
        elif rng.random() < 0.01:
            _record_usage(rng, day, p)


def _evaluate_contractors(rng: random.Random) -> None:
    """R-SUP-04: at completion the owner evaluates the contractor."""
    for part in (
        Participant.objects.filter(
            role=ParticipantRole.CONTRACTOR, project__status__in=FINISHED_STATES
        )
        .exclude(pk__in=ContractorEvaluation.objects.values("participant_id"))
        .select_related("project")
        .order_by("id")[:60]
    ):
        if rng.random() < 0.04:
            scores = [rng.randint(65, 98) for _ in range(4)]
            _try(
                services.evaluate_contractor,
                actor=SYSTEM,
                project=part.project,
                participant=part,
                construction_score=scores[0],
                management_score=scores[1],
                quality_score=scores[2],
                contract_score=scores[3],
                comment="履约情况良好" if sum(scores) / 4 >= 80 else "履约情况一般，管理有待加强",
            )


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
    # the owner marks some parts important before the day: its staff stands by too (R-HID-03)
    for hw in HiddenWork.objects.filter(
        state=HiddenWorkState.APPLIED, is_important=False, work_date__gt=day
    ).select_related("project"):
        if rng.random() < 0.1:
            _try(
                services.mark_important,
                actor=SYSTEM,
                hidden_work=hw,
                note="涉及结构安全，建设单位派员旁站",
            )
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
            if rng.random() < 0.04:
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
    # the industry authority investigates a refusal (R-SUP-01)
    for n in RectificationNotice.objects.filter(
        state=NoticeState.REFUSED, refused_at__lt=clock.start_of_day(day)
    ).select_related("project", "participant"):
        if rng.random() < 0.3:
            _try(
                services.handle_refusal,
                actor=SYSTEM,
                notice=n,
                note=rng.choice(
                    [
                        "经调查核实，对施工单位通报批评并责令限期整改",
                        "经调查核实，约谈施工单位负责人，记入信用档案",
                    ]
                ),
            )


def _move_acceptance(rng: random.Random, day: dt.date) -> None:
    for req in AcceptanceRequest.objects.filter(
        state__in=[AcceptanceState.SUBMITTED, AcceptanceState.RECEIVED]
    ).select_related("project"):
        if req.state == AcceptanceState.SUBMITTED:
            if rng.random() < 0.5:
                _try(services.review_acceptance, actor=SYSTEM, request=req, opinion="具备验收条件")
            continue
        end = services.return_window_end(req)
        if (
            req.kind != AcceptanceKind.TOWNSHIP
            and end is not None
            and day <= end
            and rng.random() < 0.1
        ):
            # R-ACC-03: not ready, returned within the 3 days with the reasons
            _try(
                services.return_acceptance,
                actor=SYSTEM,
                request=req,
                reason=rng.choice(
                    ["竣工资料尚未整理完整，暂不具备验收条件", "消防专项验收尚未完成，申请延期验收"]
                ),
            )
            continue
        if (
            req.kind == AcceptanceKind.GOVERNMENT
            and req.project.project_class == ProjectClass.SUPER_LARGE
            and not AcceptanceExtension.objects.filter(request=req).exists()
            and rng.random() < 0.3
        ):
            # R-ACC-04: super-large works ask for more time within the 60 days
            _try(
                services.apply_extension,
                actor=SYSTEM,
                request=req,
                days=rng.choice([30, 45, 60]),
                reason="专业门类多、技术复杂，专项验收需分批组织",
                upload=_pdf("延长验收时间申请.pdf", "extension"),
            )
            continue
        if rng.random() < 0.08:
            passed = rng.random() < 0.9
            village: dict[str, str] = {}
            if req.kind == AcceptanceKind.VILLAGE_SELF:  # R-ACC-05: villagers and supervisor
                village = {
                    "villager_representatives": rng.choice(
                        ["王建国、李秀英、张德明", "陈志强、刘桂芳", "赵永福、孙丽华、周海"]
                    ),
                    "supervisor_attendee": _supervisor_name(req.project),
                }
            _try(
                services.conclude_acceptance,
                **village,
                actor=SYSTEM,
                request=req,
                passed=passed,
                accepted_on=day,
                attendees="村民代表、监理单位、施工单位"
                if req.kind == AcceptanceKind.VILLAGE_SELF
                else "建设、监理、勘察、设计单位",
                rectification_opinions="局部观感修补",
                conclusion="工程质量符合要求" if passed else "存在质量缺陷，整改后重新验收",
                document=_pdf("验收结论.pdf", "acceptance"),
            )
    # R-ACC-05: after the village's self-acceptance the village asks the township
    for req in AcceptanceRequest.objects.filter(
        kind=AcceptanceKind.VILLAGE_SELF,
        state=AcceptanceState.PASSED,
        project__status__in=[ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.COMPLETED],
    ).select_related("project"):
        if rng.random() < 0.3:
            _try(
                services.request_township,
                actor=SYSTEM,
                project=req.project,
                description="村级自验合格，自验意见已整改完毕",
            )


def _supervisor_name(p: Project) -> str:
    a = (
        KeyPersonAssignment.objects.filter(
            project=p,
            ended_on__isnull=True,
            position__in=[Position.CHIEF_SUPERVISING_ENGINEER, Position.SUPERVISOR],
        )
        .select_related("person")
        .order_by("position", "id")
        .first()
    )
    return a.person.name if a is not None else "监理单位代表"


def _move_extensions(rng: random.Random) -> None:
    """Superior unit, industry authority and leading group decide in turn (R-ACC-04)."""
    for ext in AcceptanceExtension.objects.filter(
        state__in=[
            ExtensionState.PENDING_SUPERIOR,
            ExtensionState.PENDING_AUTHORITY,
            ExtensionState.PENDING_OFFICE,
        ]
    ).select_related("project", "request"):
        if rng.random() > 0.5:
            continue
        if ext.request.state != AcceptanceState.RECEIVED:
            _try(
                services.decide_extension,
                actor=SYSTEM,
                extension=ext,
                approve=False,
                opinion="验收已组织，无需延长",
            )
        elif rng.random() < 0.1:
            _try(
                services.decide_extension,
                actor=SYSTEM,
                extension=ext,
                approve=False,
                opinion="延长理由不充分，请按期组织验收",
            )
        else:
            _try(
                services.decide_extension, actor=SYSTEM, extension=ext, approve=True, opinion="同意"
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
