"""Building blocks of the project tests (and of the API authorization rows):
everything goes through the services, with fixed values."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from postaward.core import clock
from postaward.core.actor import SYSTEM
from postaward.core.files import minimal_pdf
from postaward.orgs import services as org_services
from postaward.orgs.choices import Industry, OrgKind, QualificationType, Role
from postaward.orgs.models import Organisation, Person, Qualification
from postaward.projects import services
from postaward.projects.choices import (
    DocumentCategory,
    InterviewTopic,
    ParticipantRole,
    Position,
    ProcurementMethod,
)
from postaward.projects.models import Participant, Project, ProjectDocument
from postaward.testing import District, account, org, person

_n = itertools.count(1)

CERT = {
    Position.PROJECT_MANAGER: QualificationType.CONSTRUCTOR_2,
    Position.TECHNICAL_LEAD: QualificationType.TITLE_MIDDLE,
    Position.SAFETY_OFFICER: QualificationType.SAFETY_C,
    Position.CHIEF_SUPERVISING_ENGINEER: QualificationType.SUPERVISING_ENGINEER,
    Position.SPECIALIST_ENGINEER: QualificationType.PROVINCIAL_SUPERVISOR,
    Position.SUPERVISOR: QualificationType.SUPERVISOR_CERT,
}
FIRM_OF = {
    **{
        p: "contractor_b"
        for p in (Position.PROJECT_MANAGER, Position.TECHNICAL_LEAD, Position.SAFETY_OFFICER)
    },
    **{
        p: "supervisor_a"
        for p in (
            Position.CHIEF_SUPERVISING_ENGINEER,
            Position.SPECIALIST_ENGINEER,
            Position.SUPERVISOR,
        )
    },
}


def pdf(name: str = "合同.pdf", text: str = "contract") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, minimal_pdf([text]), content_type="application/pdf")


def qualify(
    someone: Person, kind: str, *, valid_until: dt.date | None = dt.date(2030, 12, 31)
) -> Qualification:
    return org_services.add_qualification(
        actor=SYSTEM,
        person=someone,
        kind=kind,
        number=f"浙T{next(_n):08d}",
        issuer="浙江省住房和城乡建设厅",
        issued_on=dt.date(2020, 1, 1),
        valid_until=valid_until,
    )


def staff(d: District, position: str, name: str | None = None) -> tuple[Person, Qualification]:
    """A fresh person of the firm that fills ``position``, with its certificate."""
    firm = d.orgs[FIRM_OF[position]]
    someone = person(firm, name=name or f"{Position(position).label}{next(_n)}")
    return someone, qualify(someone, CERT[position])


def bureaus(d: District) -> District:
    """Audit and finance bureaus with one account each (settlement, payment)."""
    if "audit" not in d.orgs:
        d.orgs["audit"] = org(d.orgs["office"], "测试区审计局", OrgKind.AUDIT_BUREAU)
        d.orgs["finance"] = org(d.orgs["office"], "测试区财政局", OrgKind.FINANCE_BUREAU)
        d.users["auditor"] = account(d.orgs["audit"], "auditor", [Role.AUDITOR])
        d.users["finance"] = account(d.orgs["finance"], "finance", [Role.FINANCE_OFFICER])
    return d


def other_chain(d: District) -> District:
    """A second superior unit, line and owner (for right-role-out-of-scope calls)."""
    if "health" not in d.orgs:
        d.orgs["health"] = org(d.orgs["office"], "测试区卫健局", OrgKind.SUPERIOR_UNIT)
        d.orgs["health_line"] = org(d.orgs["health"], "卫健局基建条线", OrgKind.LINE)
        d.orgs["clinic"] = org(d.orgs["health_line"], "测试区社区卫生服务中心", OrgKind.OWNER)
        d.users["health_admin"] = account(d.orgs["health"], "health_admin", [Role.ADMIN])
        d.users["health_line"] = account(
            d.orgs["health_line"], "health_line", [Role.LINE_SUPERVISOR]
        )
        d.users["clinic_admin"] = account(d.orgs["clinic"], "clinic_admin", [Role.ADMIN])
        d.users["clinic_leader"] = account(
            d.orgs["clinic"], "clinic_leader", [Role.OWNER_PROJECT_LEADER]
        )
    return d


def direct_project(
    d: District,
    *,
    leader: str = "school_leader",
    small: bool = True,
    amount: str = "3500000.00",
    name: str = "第一中学食堂改造工程",
    method: str = ProcurementMethod.DIRECT_AWARD,
) -> Project:
    """R-PRJ-02: entered by the owner's project leader; starts in preparation."""
    return services.register_direct_project(
        actor=d.actor(leader),
        name=name,
        procurement_method=method,
        industry=Industry.HOUSING,
        contract_amount=Decimal(amount),
        is_small_works=small,
        planned_start=clock.today(),
        planned_completion=clock.today() + dt.timedelta(days=120),
        site_address="测试区学府路1号",
    )


def tendered_project(d: District, *, code: str = "T-0100", owner: str = "school") -> Project:
    """A project from the bidding feed, assigned to the school's leader (preparing)."""
    o = d.orgs
    p = services.register_project(
        actor=SYSTEM,
        code=code,
        ocid=f"ocds-test01-{code}",
        name="第一中学图书馆新建工程",
        owner=o[owner],
        industry=Industry.HOUSING,
        contract_amount=Decimal("26000000.00"),
        industry_authority=o["housing"],
        award_date=clock.today() - dt.timedelta(days=20),
        planned_start=clock.today(),
        planned_completion=clock.today() + dt.timedelta(days=400),
    )
    leader = d.users["school_leader"].person if owner == "school" else None
    if leader is not None:
        services.assign_owner_leader(actor=d.actor("school_admin"), project=p, person=leader)
    p.refresh_from_db()
    return p


def set_circle(d: District, p: Project, user: str = "school_leader") -> Project:
    return services.set_site(
        actor=d.actor(user),
        project=p,
        site_kind="circle",
        lon=120.88,
        lat=30.04,
        radius_m=150,
    )


def contract(
    d: District, p: Project, firm: str, role: str, user: str = "school_leader", **kw: Any
) -> Participant:
    return services.add_participant(
        actor=d.actor(user),
        project=p,
        organisation=d.orgs[firm],
        role=role,
        contract_number=kw.pop("contract_number", f"HT-{firm}-{p.pk}"),
        contract_signed_on=kw.pop("contract_signed_on", clock.today() - dt.timedelta(days=3)),
        contract_amount=kw.pop("contract_amount", Decimal("1000000.00")),
        contract_upload=kw.pop("upload", pdf(f"{firm}.pdf")),
        **kw,
    )


def name_person(d: District, p: Project, position: str, user: str = "school_leader", **kw: Any):  # type: ignore[no-untyped-def]
    someone, cert = staff(d, position)
    firm = d.orgs[FIRM_OF[position]]
    part = p.participants.get(organisation=firm)
    return services.assign_key_person(
        actor=d.actor(user),
        participant=part,
        person=someone,
        position=position,
        started_on=kw.pop("started_on", clock.today()),
        certificate=kw.pop("certificate", cert),
        **kw,
    )


def interview(d: District, p: Project, user: str = "school_leader"):  # type: ignore[no-untyped-def]
    contractor = p.participants.get(role=ParticipantRole.CONTRACTOR)
    return services.record_interview(
        actor=d.actor(user),
        project=p,
        held_on=clock.today(),
        attendees=[
            {"organisation_id": p.owner_id, "name": "张校长", "title": "校长"},
            {"organisation_id": contractor.organisation_id, "name": "李经理", "title": "项目经理"},
        ],
        topics=list(InterviewTopic.values),
        upload=pdf("约谈记录.pdf"),
    )


def make_ready(d: District, p: Project, *, user: str = "school_leader") -> Project:
    """Site, contractor and supervisor contracts, the required key personnel with
    certificates, and (for tendered projects) the post-award interview."""
    set_circle(d, p, user)
    contract(d, p, "contractor_b", ParticipantRole.CONTRACTOR, user, allows_subcontract=True)
    contract(d, p, "supervisor_a", ParticipantRole.SUPERVISING_FIRM, user)
    positions = (
        (Position.PROJECT_MANAGER, Position.CHIEF_SUPERVISING_ENGINEER)
        if p.is_small_works
        else tuple(Position.values)
    )
    for pos in positions:
        name_person(d, p, pos, user)
    if p.procurement_method == ProcurementMethod.TENDER:
        interview(d, p, user)
    p.refresh_from_db()
    return p


def ready_project(d: District, **kw: Any) -> Project:
    return make_ready(d, direct_project(d, **kw))


def started_project(d: District, **kw: Any) -> Project:
    p = ready_project(d, **kw)
    return services.start_works(actor=d.actor("school_leader"), project=p)


def uploaded(
    d: District, p: Project, category: str, user: str = "school_leader"
) -> ProjectDocument:
    return services.upload_document(
        actor=d.actor(user),
        project=p,
        category=category,
        title=DocumentCategory(category).label,
        upload=pdf(f"{category}.pdf"),
    )


def organisation(d: District, key: str) -> Organisation:
    return d.orgs[key]


# --- award imports ----------------------------------------------------------------------------------


def ocds_release(
    d: District,
    *,
    code: str = "QX-ZB-0001",
    owner: str = "school",
    contractor: str = "contractor_b",
    supervisor: str | None = "supervisor_a",
    amount: str = "8600000.00",
    name: str = "第一中学实验楼新建工程",
    award_date: str = "2026-05-20",
) -> dict[str, Any]:
    """One OCDS release of an awarded works project (docs/import-format.md)."""
    o = d.orgs
    parties = [
        {
            "id": "buyer",
            "name": o[owner].name,
            "identifier": {"scheme": "CN-USCC", "id": o[owner].uscc},
            "roles": ["buyer"],
        },
        {
            "id": "c",
            "name": o[contractor].name,
            "identifier": {"scheme": "CN-USCC", "id": o[contractor].uscc},
            "roles": ["supplier", "tenderer"],
        },
    ]
    awards = [
        {
            "id": f"{code}-SG",
            "status": "active",
            "date": f"{award_date}T10:00:00+08:00",
            "value": {"amount": float(amount), "currency": "CNY"},
            "suppliers": [{"id": "c", "name": o[contractor].name}],
            "participantRole": "contractor",
        }
    ]
    contracts = [
        {
            "id": f"{code}-HT-SG",
            "awardID": f"{code}-SG",
            "status": "active",
            "dateSigned": "2026-05-28T09:00:00+08:00",
            "value": {"amount": float(amount), "currency": "CNY"},
            "period": {"startDate": "2026-06-20", "endDate": "2027-06-19"},
        }
    ]
    if supervisor:
        parties.append(
            {
                "id": "s",
                "name": o[supervisor].name,
                "identifier": {"scheme": "CN-USCC", "id": o[supervisor].uscc},
                "roles": ["supplier"],
            }
        )
        awards.append(
            {
                "id": f"{code}-JL",
                "status": "active",
                "date": f"{award_date}T10:00:00+08:00",
                "value": {"amount": 129000, "currency": "CNY"},
                "suppliers": [{"id": "s", "name": o[supervisor].name}],
                "participantRole": "supervising_firm",
            }
        )
        contracts.append(
            {
                "id": f"{code}-HT-JL",
                "awardID": f"{code}-JL",
                "status": "active",
                "dateSigned": "2026-05-29T09:00:00+08:00",
                "value": {"amount": 129000, "currency": "CNY"},
            }
        )
    return {
        "ocid": f"ocds-qxtest-{code}",
        "id": f"{code}-award",
        "date": f"{award_date}T10:00:00+08:00",
        "tag": ["award", "contract"],
        "initiationType": "tender",
        "parties": parties,
        "buyer": {"id": "buyer", "name": o[owner].name},
        "tender": {
            "id": code,
            "title": name,
            "status": "complete",
            "procurementMethod": "open",
            "mainProcurementCategory": "works",
            "tenderPeriod": {
                "startDate": "2026-04-20T09:00:00+08:00",
                "endDate": "2026-05-12T09:30:00+08:00",
            },
        },
        "awards": awards,
        "contracts": contracts,
        "postaward": {
            "industry": "housing",
            "site": {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [120.8712, 30.0311]},
                "properties": {"radius": 180},
            },
            "address": "测试区学府路8号",
        },
    }


def ocds_package(*releases: dict[str, Any]) -> dict[str, Any]:
    return {
        "uri": "https://ggzy.example.gov.cn/ocds/2026-05-30.json",
        "version": "1.1",
        "publishedDate": "2026-05-30T12:00:00+08:00",
        "publisher": {"name": "测试区公共资源交易中心"},
        "releases": list(releases),
    }


def csv_text(d: District, rows: list[dict[str, str]]) -> str:
    """A CSV in the template's columns (keys are the template's Chinese headers)."""
    import csv
    import io

    from postaward.projects.imports import CSV_COLUMNS

    out = io.StringIO()
    w = csv.writer(out)
    headers = [h for h, _, _, _ in CSV_COLUMNS]
    w.writerow(headers)
    for row in rows:
        w.writerow([row.get(h, "") for h in headers])
    return out.getvalue()


def csv_row(d: District, code: str = "QX-CSV-0001", **kw: str) -> dict[str, str]:
    o = d.orgs
    row = {
        "招标编号": code,
        "项目名称": "第一中学连廊加建工程",
        "行业": "房建市政",
        "中标日期": "2026-05-18",
        "中标金额（元）": "5,380,000.00",
        "计划开工": "2026-06-25",
        "计划完工": "2026-12-31",
        "建设单位": o["school"].name,
        "建设单位信用代码": o["school"].uscc,
        "施工单位": o["contractor_b"].name,
        "施工单位信用代码": o["contractor_b"].uscc,
        "施工合同编号": f"{code}-SG",
        "施工合同签订日期": "2026/5/25",
        "监理单位": o["supervisor_a"].name,
        "监理单位信用代码": o["supervisor_a"].uscc,
        "场地中心经度": "120.8801",
        "场地中心纬度": "30.0402",
        "场地半径（米）": "150",
    }
    row.update(kw)
    return row
