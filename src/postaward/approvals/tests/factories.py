"""Building blocks of the approval tests: everything through the services,
fixed values, JPEGs with the EXIF a phone writes."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from postaward.core import clock
from postaward.core.actor import SYSTEM
from postaward.core.files import minimal_pdf
from postaward.orgs.choices import Industry, OrgKind, Role
from postaward.projects import services as project_services
from postaward.projects.choices import ParticipantRole, Position, ProjectClass, ProjectStatus
from postaward.projects.models import Participant, Project
from postaward.testing import District, account, org

from .. import services

SITE = (120.87, 30.03)  # p_school's site centre (radius 200 m)


def pdf(name: str = "资料.pdf", text: str = "document") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, minimal_pdf([text]), content_type="application/pdf")


def _dms(value: float) -> tuple[Any, Any, Any]:
    from PIL.TiffImagePlugin import IFDRational

    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    s = round(((value - d) * 60 - m) * 60, 4)
    return (IFDRational(d), IFDRational(m), IFDRational(s))


def jpeg(
    name: str = "photo.jpg",
    *,
    taken: dt.datetime | None = None,
    lon: float | None = SITE[0],
    lat: float | None = SITE[1],
    colour: tuple[int, int, int] = (120, 130, 140),
) -> SimpleUploadedFile:
    """A small JPEG whose EXIF says when (local time, no offset, as phones do)
    and where (GPS, WGS-84) it was taken."""
    from PIL import Image

    img = Image.new("RGB", (64, 48), colour)
    exif = Image.Exif()
    if taken is not None:
        text = clock.localtime(taken).strftime("%Y:%m:%d %H:%M:%S")
        exif[0x0132] = text
        exif.get_ifd(0x8769)[36867] = text
    if lon is not None and lat is not None:
        gps = exif.get_ifd(0x8825)
        gps[1] = "N" if lat >= 0 else "S"
        gps[2] = _dms(lat)
        gps[3] = "E" if lon >= 0 else "W"
        gps[4] = _dms(lon)
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def photos(taken: dt.datetime | None = None, **kw: Any) -> dict[str, SimpleUploadedFile]:
    moment = taken or clock.now()
    return {kind: jpeg(f"{kind}.jpg", taken=moment, **kw) for kind in ("before", "after", "scale")}


def extras(d: District) -> District:
    """DRC, audit, a township with a village, and a second supervising firm."""
    o = d.orgs
    if "drc" in o:
        return d
    o["drc"] = org(o["office"], "测试区发展和改革局", OrgKind.DRC)
    d.users["drc"] = account(o["drc"], "drc", [Role.DRC_OFFICER])
    o["town"] = org(o["office"], "测试区百官街道", OrgKind.TOWNSHIP)
    o["village"] = org(o["town"], "测试区龙山村股份经济合作社", OrgKind.VILLAGE)
    d.users["town_admin"] = account(o["town"], "town_admin", [Role.ADMIN])
    d.users["village_leader"] = account(o["village"], "village_leader", [Role.OWNER_PROJECT_LEADER])
    o["supervisor_b"] = org(o["office"], "乙监理有限公司", OrgKind.SUPERVISING_FIRM)
    d.users["supervisor_b_admin"] = account(o["supervisor_b"], "supervisor_b_admin", [Role.ADMIN])
    # the hospital's project gets a supervising firm
    project_services.add_participant(
        actor=SYSTEM,
        project=d.projects["p_hospital"],
        organisation=o["supervisor_b"],
        role=ParticipantRole.SUPERVISING_FIRM,
    )
    return d


def participant(project: Project, role: str = ParticipantRole.CONTRACTOR) -> Participant:
    return project.participants.filter(role=role).order_by("id").first()  # type: ignore[return-value]


def project(
    d: District,
    code: str,
    *,
    amount: str = "8500000.00",
    owner: str = "school",
    village: bool = False,
    super_large: bool = False,
    status: str = ProjectStatus.UNDER_CONSTRUCTION,
) -> Project:
    """A project under construction with contractor_a and supervisor_a."""
    o = d.orgs
    leader = d.users["village_leader" if village else "school_leader"].person
    p = project_services.register_project(
        actor=SYSTEM,
        code=code,
        name=f"测试项目{code}",
        owner=o["village" if village else owner],
        industry=Industry.HOUSING,
        contract_amount=Decimal(amount),
        superior_unit=o["town" if village else "edu"],
        line=None if village else o["edu_line"],
        industry_authority=o["housing"],
        owner_leader=leader,
        planned_start=clock.today() - dt.timedelta(days=60),
        status=status,
        actual_start=clock.today() - dt.timedelta(days=60),
        site_kind="circle",
        site_lon=SITE[0],
        site_lat=SITE[1],
        site_radius_m=200.0,
    )
    if village or super_large:
        Project.objects.filter(pk=p.pk).update(
            project_class=ProjectClass.VILLAGE if village else ProjectClass.SUPER_LARGE
        )
        p.refresh_from_db()
    part_a = project_services.add_participant(
        actor=SYSTEM, project=p, organisation=o["contractor_a"], role=ParticipantRole.CONTRACTOR
    )
    part_s = project_services.add_participant(
        actor=SYSTEM,
        project=p,
        organisation=o["supervisor_a"],
        role=ParticipantRole.SUPERVISING_FIRM,
    )
    # pm_a and chief_a work on it too (not in their exclusive positions)
    for part, user, position in (
        (part_a, "pm_a", Position.TECHNICAL_LEAD),
        (part_s, "chief_a", Position.SPECIALIST_ENGINEER),
    ):
        project_services.assign_key_person(
            actor=SYSTEM,
            participant=part,
            person=d.users[user].person,
            position=position,
            started_on=clock.today() - dt.timedelta(days=60),
        )
    return p


def change(d: District, p: Project | None = None, *, user: str = "pm_a", **kw: Any):  # type: ignore[no-untyped-def]
    p = p or d.projects["p_school"]
    return services.raise_change(
        actor=d.actor(user),
        project=p,
        participant=kw.pop("participant", participant(p)),
        category=kw.pop("category", "site_instruction"),
        title=kw.pop("title", "基础换填"),
        reason=kw.pop("reason", "地勘与实际不符，需换填"),
        scope=kw.pop("scope", "A区基础换填级配碎石"),
        cost_delta=kw.pop("cost_delta", Decimal("85000")),
        days_delta=kw.pop("days_delta", 0),
        work_date=kw.pop("work_date", clock.today() + dt.timedelta(days=5)),
        **kw,
    )


def approved_change(d: District, p: Project | None = None, **kw: Any):  # type: ignore[no-untyped-def]
    c = change(d, p, **kw)
    services.review_change(actor=d.actor("chief_a"), change=c)
    services.approve_change(actor=d.actor("school_leader"), change=c)
    c.refresh_from_db()
    return c


def hidden_work(d: District, p: Project | None = None, *, days_ahead: int = 2, **kw: Any):  # type: ignore[no-untyped-def]
    p = p or d.projects["p_school"]
    return services.apply_hidden_work(
        actor=d.actor(kw.pop("user", "pm_a")),
        project=p,
        participant=participant(p),
        part_name=kw.pop("part_name", "一层梁板钢筋"),
        description=kw.pop("description", "钢筋规格、间距、保护层"),
        work_date=kw.pop("work_date", clock.today() + dt.timedelta(days=days_ahead)),
        **kw,
    )


def position_of(d: District, username: str) -> str:
    return {
        "pm_a": Position.PROJECT_MANAGER,
        "chief_a": Position.CHIEF_SUPERVISING_ENGINEER,
    }[username]
