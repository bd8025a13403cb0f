"""The demo district (清溪区, fictional): organisations, people, accounts and
about 150 projects across every class, industry and lifecycle state.

Everything is created through the services (so the audit chain covers it) from a
fixed random seed: the same command builds the same district. IDs and codes are
well-formed (valid check digits) but belong to no real person or company.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db import transaction

from postaward.core import clock
from postaward.core.actor import SYSTEM
from postaward.core.idcheck import check_resident_id, make_resident_id, make_uscc
from postaward.orgs import services as org_services
from postaward.orgs.choices import Industry, OrgKind, QualificationType, Role
from postaward.orgs.models import Organisation, Person, User
from postaward.projects.choices import (
    ParticipantRole,
    Position,
    ProcurementMethod,
    ProjectSource,
    ProjectStatus,
)

DEMO_PASSWORD = "Demo@2026"  # noqa: S105 - printed by make run on purpose
DISTRICT = "清溪区"
REGION = "330604"
CENTRE = (120.872, 30.032)  # lon, lat of the fictional district centre

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志斌海波宁鹏辉晓东浩宇鑫然俊峰文博欣怡子涵梓轩雨萱"


@dataclass
class DemoLogin:
    username: str
    role_label: str
    organisation: str


@dataclass
class Builder:
    rng: random.Random = field(default_factory=lambda: random.Random(20261123))
    serial: int = 0
    uscc_serial: int = 0
    logins: list[DemoLogin] = field(default_factory=list)
    today: dt.date = field(default_factory=clock.today)

    # --- naming and identifiers ----------------------------------------------------------------------
    def person_name(self) -> str:
        given = self.rng.choice(GIVEN) + (self.rng.choice(GIVEN) if self.rng.random() < 0.6 else "")
        return self.rng.choice(SURNAMES) + given

    def resident_id(self) -> str:
        self.serial += 1
        birth = dt.date(1965, 1, 1) + dt.timedelta(days=self.rng.randrange(0, 365 * 32))
        areas = ["330682", "330602", "330621", "330683", "330102", "330106", "330100"]
        self.rng.shuffle(areas)
        for area in areas:  # a county code that existed in the birth year
            number = make_resident_id(area, birth, self.serial)
            if not check_resident_id(number).warning:
                return number
        return number

    def mobile(self) -> str:
        prefix = self.rng.choice(
            ["138", "139", "137", "135", "158", "159", "187", "188", "151", "152"]
        )
        return f"{prefix}{self.rng.randrange(10**7, 10**8):08d}"

    def uscc(self, kind: str) -> str:
        self.uscc_serial += 1
        # 1 = registration authority (organ / institution 1, enterprise 9), 2nd = type
        head = (
            "91"
            if kind
            in {
                "contractor",
                "supervising_firm",
                "design",
                "survey",
                "budget",
                "testing",
                "tender_agent",
            }
            else "12"
        )
        body = f"{head}{REGION}MA{self.uscc_serial:07d}"[:17]
        return make_uscc(body)

    # --- organisations, people and accounts --------------------------------------------------------------
    def org(self, parent: Organisation | None, name: str, kind: str, **kw) -> Organisation:  # type: ignore[no-untyped-def]
        uscc = self.uscc(kind)
        return org_services.create_organisation(
            actor=SYSTEM,
            parent=parent,
            name=name,
            kind=kind,
            uscc=uscc,
            region_code=REGION,
            contact_name=self.person_name(),
            contact_phone=self.mobile(),
            **kw,
        )

    def person(self, org: Organisation, title: str = "", **kw) -> Person:  # type: ignore[no-untyped-def]
        return org_services.create_person(
            actor=SYSTEM,
            organisation=org,
            name=self.person_name(),
            id_number=self.resident_id(),
            mobile=self.mobile(),
            title=title,
            **kw,
        )

    def login(
        self,
        org: Organisation,
        username: str,
        roles: list[str],
        title: str = "",
        person: Person | None = None,
    ) -> User:
        person = person or self.person(org, title=title)
        user, _ = org_services.create_account(
            actor=SYSTEM,
            organisation=org,
            username=username,
            roles=roles,
            person=person,
            password=DEMO_PASSWORD,
            must_change_password=False,
        )
        self.logins.append(DemoLogin(username, "、".join(Role(r).label for r in roles), org.name))
        return user

    def qualify(self, person: Person, kind: str) -> None:
        self.serial += 1
        issued = self.today - dt.timedelta(days=self.rng.randrange(400, 3000))
        org_services.add_qualification(
            actor=SYSTEM,
            person=person,
            kind=kind,
            number=f"浙{REGION[:4]}{self.serial:08d}",
            issuer="浙江省住房和城乡建设厅",
            issued_on=issued,
            valid_until=issued + dt.timedelta(days=365 * 5 + self.rng.randrange(0, 900)),
        )


def build(*, projects: int = 150) -> Builder:
    """Build the district into an empty database; returns the builder (logins)."""
    if Organisation.objects.exists():
        raise RuntimeError("数据库中已有单位数据，演示区县只能装入空库")
    b = Builder()
    with transaction.atomic():
        _build(b, projects)
    return b


def _build(b: Builder, n_projects: int) -> None:  # noqa: C901, PLR0915 — the demo district told top to bottom; demo data only
    K = OrgKind
    office = b.org(
        None,
        f"{DISTRICT}工程建设项目监管办公室（双查双保领导小组办公室）",
        K.SUPERVISION_OFFICE,
        short_name="区监管办",
    )
    b.login(office, "office_admin", [Role.ADMIN], "监管办主任")
    _publish_contacts(b.login(office, "office_staff", [Role.OFFICE_STAFF], "监管办科员"))
    b.login(office, "office_head", [Role.UNIT_LEADER], "监管办负责人")  # cases (issue 14)
    b.login(office, "bidding_system", [Role.INTEGRATOR], "招投标系统对接账号")
    # a member of the public (社会公众, no organisation): files on the public window
    # while logged in and follows the filings under "我的投诉举报" (/public/mine/)
    org_services.create_public_account(
        actor=SYSTEM, username="citizen", display_name="王市民", password=DEMO_PASSWORD
    )
    b.logins.append(DemoLogin("citizen", Role.PUBLIC_USER.label, "社会公众"))

    authorities = {
        Industry.HOUSING: b.org(
            office,
            f"{DISTRICT}住房和城乡建设局",
            K.INDUSTRY_AUTHORITY,
            industry=Industry.HOUSING,
            short_name="区住建局",
        ),
        Industry.TRANSPORT: b.org(
            office,
            f"{DISTRICT}交通运输局",
            K.INDUSTRY_AUTHORITY,
            industry=Industry.TRANSPORT,
            short_name="区交通局",
        ),
        Industry.WATER: b.org(
            office,
            f"{DISTRICT}水利局",
            K.INDUSTRY_AUTHORITY,
            industry=Industry.WATER,
            short_name="区水利局",
        ),
        Industry.URBAN: b.org(
            office,
            f"{DISTRICT}综合行政执法局（城市管理）",
            K.INDUSTRY_AUTHORITY,
            industry=Industry.URBAN,
            short_name="区城管局",
        ),
        Industry.AGRICULTURE: b.org(
            office,
            f"{DISTRICT}农业农村局",
            K.INDUSTRY_AUTHORITY,
            industry=Industry.AGRICULTURE,
            short_name="区农业农村局",
        ),
    }
    b.login(authorities[Industry.HOUSING], "housing_admin", [Role.ADMIN], "住建局总管")
    b.login(authorities[Industry.HOUSING], "housing_staff", [Role.AUTHORITY_STAFF], "建管科科长")
    b.login(authorities[Industry.HOUSING], "housing_head", [Role.UNIT_LEADER], "住建局分管局长")
    b.login(
        authorities[Industry.TRANSPORT], "transport_staff", [Role.AUTHORITY_STAFF], "建设科科长"
    )
    for ind, auth in authorities.items():
        if ind not in (Industry.HOUSING,):
            b.login(auth, f"{ind}_admin", [Role.ADMIN], "总管")
    # the default scoring rules, before any fact is made (R-SCO-01)
    __import__("postaward.credit.demo", fromlist=["seed_rules"]).seed_rules(authorities)

    for name, kind, user, role in [
        (f"{DISTRICT}审计局", K.AUDIT_BUREAU, "auditor", Role.AUDITOR),
        (f"{DISTRICT}财政局", K.FINANCE_BUREAU, "finance", Role.FINANCE_OFFICER),
        (f"{DISTRICT}发展和改革局", K.DRC, "drc", Role.DRC_OFFICER),
        (f"{DISTRICT}纪委监委", K.DISCIPLINE, "discipline", Role.DISCIPLINE_INSPECTOR),
        (f"{DISTRICT}公安分局", K.PUBLIC_SECURITY, "police", Role.POLICE_OFFICER),
    ]:
        b.login(b.org(office, name, kind), user, [role])

    # Superior units with their lines and owners.
    owners: list[
        tuple[Organisation, Organisation, Organisation | None, str]
    ] = []  # owner, superior, line, industry
    superior_specs = [
        (
            "教育体育局",
            [("基建条线", ["第一中学", "实验小学", "职业技术学校", "城南幼儿园"])],
            Industry.HOUSING,
        ),
        (
            "卫生健康局",
            [("基建条线", ["人民医院", "中医院", "妇幼保健院", "疾病预防控制中心"])],
            Industry.HOUSING,
        ),
        (
            "城市建设投资集团有限公司",
            [
                ("城建条线", ["城建开发有限公司", "保障房建设有限公司", "市政建设有限公司"]),
                ("交通条线", ["交通投资有限公司", "公路建设中心"]),
            ],
            Industry.HOUSING,
        ),
        (
            "水务集团有限公司",
            [("水利条线", ["水利工程建设中心", "供排水有限公司", "河道管理站"])],
            Industry.WATER,
        ),
        ("文化广电旅游体育局", [("场馆条线", ["文化馆", "体育中心"])], Industry.HOUSING),
        ("园林绿化管理中心", [("绿化条线", ["公园管理所", "城市绿化队"])], Industry.URBAN),
    ]
    industry_of_owner = {
        "交通投资有限公司": Industry.TRANSPORT,
        "公路建设中心": Industry.TRANSPORT,
        "公园管理所": Industry.URBAN,
        "城市绿化队": Industry.URBAN,
        "水利工程建设中心": Industry.WATER,
        "供排水有限公司": Industry.WATER,
        "河道管理站": Industry.WATER,
    }
    first_superior = True
    for sup_name, lines, ind in superior_specs:
        sup = b.org(office, f"{DISTRICT}{sup_name}", K.SUPERIOR_UNIT)
        if first_superior:
            b.login(sup, "superior_admin", [Role.ADMIN], "总管")
        for line_name, owner_names in lines:
            line = b.org(sup, f"{sup_name}{line_name}", K.LINE)
            if first_superior:
                b.login(line, "line_supervisor", [Role.LINE_SUPERVISOR], "条线主管")
            for oname in owner_names:
                owner = b.org(line, f"{DISTRICT}{oname}", K.OWNER)
                owners.append((owner, sup, line, industry_of_owner.get(oname, ind)))
            first_superior = False

    # Townships with villages: the owners of village works (R-PRJ-10).
    villages: list[tuple[Organisation, Organisation]] = []
    for tname, vnames in [
        ("百官街道", ["龙山村", "新建村", "桥头村"]),
        ("东关街道", ["联江村", "前江村"]),
        ("章镇镇", ["上街村", "下管村", "岭南村"]),
    ]:
        town = b.org(office, f"{DISTRICT}{tname}", K.TOWNSHIP)
        for vname in vnames:
            villages.append((b.org(town, f"{tname}{vname}股份经济合作社", K.VILLAGE), town))

    # One owner of each kind gets demo logins.
    demo_owner = owners[0][0]
    owner_admin = b.login(demo_owner, "owner_admin", [Role.ADMIN], "基建办主任")
    owner_leader_user = b.login(
        demo_owner, "owner_leader", [Role.OWNER_PROJECT_LEADER], "基建办项目负责人"
    )
    b.login(demo_owner, "owner_head", [Role.UNIT_LEADER], "分管副校长")
    owner_leaders: dict[int, list[Person]] = {demo_owner.pk: [owner_leader_user.person]}  # type: ignore[list-item]
    for owner, *_ in owners:
        owner_leaders.setdefault(owner.pk, [])
        while len(owner_leaders[owner.pk]) < 2:
            owner_leaders[owner.pk].append(b.person(owner, title="项目负责人"))
    for village, _town in villages:
        owner_leaders[village.pk] = [b.person(village, title="村项目负责人")]
    _ = owner_admin

    # Enterprises hang under the office, which keeps the market-subject register.
    contractor_words = [
        "建工",
        "建设",
        "市政",
        "路桥",
        "水电",
        "园林",
        "交通",
        "安装",
        "土木",
        "城建",
    ]
    place_words = [
        "清溪",
        "舜江",
        "曹娥",
        "越州",
        "会稽",
        "龙山",
        "东山",
        "白马",
        "凤鸣",
        "章江",
        "兰亭",
        "剡溪",
        "江南",
        "钱塘",
        "之江",
    ]
    supervisor_words = ["工程监理咨询", "建设监理", "工程项目管理"]
    contractors = [
        b.org(
            office,
            # (place, trade) pairs never repeat: i and i + 15 differ in trade.
            f"浙江{place_words[i % len(place_words)]}"
            f"{contractor_words[(i + i // len(place_words)) % len(contractor_words)]}"
            f"{'集团' if i % 4 == 0 else ''}有限公司",
            K.CONTRACTOR,
        )
        for i in range(42)
    ]
    supervisors = [
        b.org(
            office,
            f"浙江{place_words[(i + 3) % len(place_words)]}"
            f"{supervisor_words[i // len(place_words) % len(supervisor_words)]}有限公司",
            K.SUPERVISING_FIRM,
        )
        for i in range(22)
    ]
    intermediaries = {
        ParticipantRole.DESIGN: [
            b.org(office, f"{p}建筑设计研究院有限公司", K.DESIGN) for p in place_words[:5]
        ],
        ParticipantRole.SURVEY: [
            b.org(office, f"{p}岩土勘察有限公司", K.SURVEY) for p in place_words[5:8]
        ],
        ParticipantRole.BUDGET: [
            b.org(office, f"{p}工程造价咨询有限公司", K.BUDGET) for p in place_words[8:12]
        ],
        ParticipantRole.TESTING: [
            b.org(office, f"{p}工程检测有限公司", K.TESTING) for p in place_words[12:15]
        ],
        ParticipantRole.TENDER_AGENT: [
            b.org(office, f"{p}招标代理有限公司", K.TENDER_AGENT) for p in place_words[:4]
        ],
    }
    b.login(
        intermediaries[ParticipantRole.TENDER_AGENT][0],
        "agent_staff",
        [Role.INTERMEDIARY_STAFF],
        "代理项目负责人",
    )

    # Key personnel pools.
    staff: dict[int, dict[str, list[Person]]] = {}
    cert = CERTIFICATE_OF_POSITION
    for firm, positions, counts in (
        *[
            (
                c,
                (Position.PROJECT_MANAGER, Position.TECHNICAL_LEAD, Position.SAFETY_OFFICER),
                (4, 4, 4),
            )
            for c in contractors
        ],
        *[
            (
                s,
                (
                    Position.CHIEF_SUPERVISING_ENGINEER,
                    Position.SPECIALIST_ENGINEER,
                    Position.SUPERVISOR,
                ),
                (5, 5, 5),
            )
            for s in supervisors
        ],
    ):
        pools: dict[str, list[Person]] = {}
        for pos, count in zip(positions, counts, strict=True):
            pools[pos] = []
            for _ in range(count):
                person = b.person(firm, title=Position(pos).label)
                b.qualify(person, cert[pos])
                pools[pos].append(person)
        staff[firm.pk] = pools

    # Demo logins for the first contractor and supervising firm.
    c0, s0 = contractors[0], supervisors[0]
    b.login(c0, "contractor_admin", [Role.ADMIN], "企业总管")
    b.login(s0, "supervisor_admin", [Role.ADMIN], "企业总管")
    for username, pos in FIELD_LOGINS:
        firm = c0 if pos in CONTRACTOR_POSITIONS else s0
        b.login(firm, username, [pos], person=staff[firm.pk][pos][0])

    _build_projects(
        b,
        n_projects,
        owners,
        villages,
        owner_leaders,
        authorities,
        contractors,
        supervisors,
        intermediaries,
        staff,
    )
    __import__("postaward.approvals.simulation", fromlist=["seed_demo"]).seed_demo(b)
    __import__("postaward.cases.simulation", fromlist=["seed_demo"]).seed_demo(b)
    __import__("postaward.credit.demo", fromlist=["seed_demo"]).seed_demo(b)
    __import__("postaward.inspections.demo", fromlist=["seed_demo"]).seed_demo(b)
    __import__("postaward.accountability.demo", fromlist=["seed_demo"]).seed_demo(b)
    __import__("postaward.reports.demo", fromlist=["seed_demo"]).seed_demo(b)
    __import__("postaward.portal.demo", fromlist=["seed_demo"]).seed_demo(b)
    if n_projects > 0:
        _build_field_work(
            b,
            n_projects,
            owner=demo_owner,
            industry=owners[0][3],
            leader=owner_leader_user.person,  # type: ignore[arg-type]
            owners=owners,
            villages=villages,
            owner_leaders=owner_leaders,
            authorities=authorities,
            contractors=contractors,
            supervisors=supervisors,
            intermediaries=intermediaries,
            staff=staff,
        )


def _build_field_work(b: Builder, n: int, *, owner, industry, leader, **pools) -> None:  # type: ignore[no-untyped-def]
    """The demo's field logins on live work (issue 11 §7): one project under
    construction of the demo owner, led by its project-leader login, on which
    every field login holds its position and must check in today.

    Built last and from its own random generator, so that the rest of the
    seeded district (and the simulation that follows it) stays as it was."""
    live = replace(b, rng=random.Random(FIELD_SEED))
    pb = _ProjectBuilder(live, **pools)
    pb.field_project(n, owner, industry, leader)
    b.serial, b.uscc_serial = live.serial, live.uscc_serial


CONTRACTOR_POSITIONS = (
    Position.PROJECT_MANAGER,
    Position.TECHNICAL_LEAD,
    Position.SAFETY_OFFICER,
)
# The demo logins of the field roles: the first contractor's and the first
# supervising firm's first person of each key position.
FIELD_LOGINS = (
    ("pm", Position.PROJECT_MANAGER),
    ("tech_lead", Position.TECHNICAL_LEAD),
    ("safety", Position.SAFETY_OFFICER),
    ("chief_engineer", Position.CHIEF_SUPERVISING_ENGINEER),
    ("specialist", Position.SPECIALIST_ENGINEER),
    ("site_supervisor", Position.SUPERVISOR),
)
FIELD_SEED = 20261123 + 11  # the field logins' live project has its own generator
CERTIFICATE_OF_POSITION = {
    Position.PROJECT_MANAGER: QualificationType.CONSTRUCTOR_2,
    Position.TECHNICAL_LEAD: QualificationType.TITLE_MIDDLE,
    Position.SAFETY_OFFICER: QualificationType.SAFETY_C,
    Position.CHIEF_SUPERVISING_ENGINEER: QualificationType.SUPERVISING_ENGINEER,
    Position.SPECIALIST_ENGINEER: QualificationType.PROVINCIAL_SUPERVISOR,
    Position.SUPERVISOR: QualificationType.SUPERVISOR_CERT,
}

STATUS_PLAN = [
    (ProjectStatus.REGISTERED, 10),
    (ProjectStatus.PREPARING, 15),
    (ProjectStatus.UNDER_CONSTRUCTION, 60),
    (ProjectStatus.SUSPENDED, 8),
    (ProjectStatus.COMPLETED, 12),
    (ProjectStatus.ACCEPTED, 10),
    (ProjectStatus.SETTLEMENT_SUBMITTED, 10),
    (ProjectStatus.SETTLED, 8),
    (ProjectStatus.FUNDS_PAID, 8),
    (ProjectStatus.DEPOSIT_RETURNED, 5),
    (ProjectStatus.TERMINATED, 4),
]

WORKS = {
    Industry.HOUSING: [
        "教学楼改扩建工程",
        "综合楼新建工程",
        "门诊医技楼工程",
        "保障性住房一期工程",
        "体育馆维修改造工程",
        "老旧小区改造工程",
        "学生宿舍楼工程",
        "地下停车场工程",
        "文化中心装修工程",
        "市政道路提升工程",
    ],
    Industry.TRANSPORT: [
        "县道改建工程",
        "桥梁加固工程",
        "农村公路提升工程",
        "公交首末站工程",
        "绕城公路大修工程",
    ],
    Industry.WATER: [
        "河道综合整治工程",
        "海塘加固工程",
        "排涝泵站新建工程",
        "供水管网改造工程",
        "水库除险加固工程",
    ],
    Industry.URBAN: ["口袋公园建设工程", "滨江绿道工程", "行道树提升工程", "街头绿地改造工程"],
    Industry.AGRICULTURE: ["高标准农田建设工程", "农村饮用水提升工程"],
}
VILLAGE_WORKS = [
    "村道硬化工程",
    "文化礼堂建设工程",
    "污水管网改造工程",
    "村居立面整治工程",
    "灌溉渠道修缮工程",
]


def _build_projects(
    b,  # type: ignore[no-untyped-def]
    n,
    owners,
    villages,
    owner_leaders,
    authorities,
    contractors,
    supervisors,
    intermediaries,
    staff,
) -> None:
    """About ``n`` projects, each taken to its state through the lifecycle
    services at the dates it would have happened (the platform clock is moved to
    each step), so that every archive has a true timeline."""
    if n <= 0:
        return
    pb = _ProjectBuilder(
        b,
        owners=owners,
        villages=villages,
        owner_leaders=owner_leaders,
        authorities=authorities,
        contractors=contractors,
        supervisors=supervisors,
        intermediaries=intermediaries,
        staff=staff,
    )
    # Every state, in the plan's proportions (at least one each).
    total = sum(count for _, count in STATUS_PLAN)
    statuses: list[ProjectStatus] = []
    for status, count in STATUS_PLAN:
        statuses += [status] * max(1, round(count * n / total))
    statuses = (
        statuses[:n]
        if len(statuses) >= n
        else statuses + [ProjectStatus.UNDER_CONSTRUCTION] * (n - len(statuses))
    )
    b.rng.shuffle(statuses)
    for i, status in enumerate(statuses):
        pb.project(i, status)
    pb.finish()


# The steps each state has gone through, in order.
_STEPS = {
    ProjectStatus.REGISTERED: (),
    ProjectStatus.PREPARING: ("signed",),
    ProjectStatus.UNDER_CONSTRUCTION: ("signed", "start"),
    ProjectStatus.SUSPENDED: ("signed", "start", "suspend"),
    ProjectStatus.COMPLETED: ("signed", "start", "complete"),
    ProjectStatus.ACCEPTED: ("signed", "start", "complete", "accept"),
    ProjectStatus.SETTLEMENT_SUBMITTED: ("signed", "start", "complete", "accept", "submit"),
    ProjectStatus.SETTLED: ("signed", "start", "complete", "accept", "submit", "settle"),
    ProjectStatus.FUNDS_PAID: ("signed", "start", "complete", "accept", "submit", "settle", "pay"),
    ProjectStatus.DEPOSIT_RETURNED: (
        "signed",
        "start",
        "complete",
        "accept",
        "submit",
        "settle",
        "pay",
        "return",
    ),
    ProjectStatus.TERMINATED: ("signed", "start", "terminate"),
}


def _STEPS_KEY(dates: dict[str, dt.date]) -> tuple[str, ...]:
    return tuple(
        k
        for k in (
            "signed",
            "start",
            "suspend",
            "complete",
            "accept",
            "submit",
            "settle",
            "pay",
            "return",
            "terminate",
        )
        if k in dates
    )


_STEP_STATUS = {steps: status for status, steps in _STEPS.items()}


class _ProjectBuilder:
    def __init__(self, b: Builder, **pools) -> None:  # type: ignore[no-untyped-def]
        from postaward.orgs.models import Qualification

        self.b = b
        self.rng = b.rng
        self.today = b.today
        self.p = pools
        self.busy: set[int] = set()
        self.certs: dict[int, Qualification] = {
            q.person_id: q for q in Qualification.objects.all().order_by("id")
        }
        self.banned_once = False
        self.self_entrusted = False  # one owner entrusts an intermediary itself (5(六))
        self.uncovered_done: set[str] = set()
        self.abnormal = 0
        # The field logins' project manager and chief engineer stay free of other
        # active projects: they take up their live project last (_build_field_work).
        c0, s0 = self.p["contractors"][0], self.p["supervisors"][0]
        self.field_people = {
            pos: self.p["staff"][(c0 if pos in CONTRACTOR_POSITIONS else s0).pk][pos][0]
            for _, pos in FIELD_LOGINS
        }
        self.busy.update(
            self.field_people[pos].pk
            for pos in (Position.PROJECT_MANAGER, Position.CHIEF_SUPERVISING_ENGINEER)
        )

    # --- time -------------------------------------------------------------------------------------
    def at(self, day: dt.date, hour: int = 10, minute: int = 0):  # type: ignore[no-untyped-def]
        from postaward.simulate import platform_time

        moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=clock.LOCAL_TZ)
        return platform_time(min(moment, clock.now()))

    def plan(self, status: str, award: dt.date, duration: int) -> dict[str, dt.date]:
        """Dates of the steps, squeezed to end before today."""
        r = self.rng.randrange
        gaps = {
            "signed": r(3, 15),
            "start": r(12, 30),
            "suspend": r(20, 200),
            "complete": duration,
            "accept": r(10, 40),
            "submit": r(20, 90),
            "settle": r(40, 120),
            "pay": r(10, 40),
            "return": r(365, 700),
            "terminate": r(20, 120),
        }
        steps = _STEPS[ProjectStatus(status)]
        last = self.today - dt.timedelta(days=3 if status != ProjectStatus.SUSPENDED else 1)
        total = sum(gaps[s] for s in steps)
        room = (last - award).days
        scale = min(1.0, room / total) if total else 1.0
        out, day = {}, award
        for step in steps:
            day = day + dt.timedelta(days=max(1, int(gaps[step] * scale)))
            out[step] = min(day, last)
        return out

    # --- one project ------------------------------------------------------------------------------
    def project(self, i: int, status: str) -> None:  # noqa: C901, PLR0915 — one demo project walked through its lifecycle; demo data only
        from postaward.projects import services as ps
        from postaward.projects.choices import SMALL_WORKS_QUOTA

        _b, rng, pools = self.b, self.rng, self.p
        is_village = i % 5 == 4
        if is_village:
            owner, town = pools["villages"][i % len(pools["villages"])]
            industry = Industry.AGRICULTURE if i % 2 else Industry.HOUSING
            name = f"{owner.name.replace('股份经济合作社', '')}{rng.choice(VILLAGE_WORKS)}"
            amount = Decimal(rng.randrange(300_000, 4_000_000))
            region = town.name.replace(DISTRICT, "")
        else:
            owner, _superior, _line, industry = pools["owners"][i % len(pools["owners"])]
            name = f"{owner.name.replace(DISTRICT, '')}{rng.choice(WORKS[industry])}"
            roll = rng.random()
            if roll < 0.12:
                amount = Decimal(rng.randrange(500_000, 4_000_000))
            elif roll < 0.68:
                amount = Decimal(rng.randrange(4_000_000, 19_990_000))
            else:
                amount = Decimal(rng.randrange(20_000_000, 180_000_000))
            region = rng.choice(["百官街道", "曹娥街道", "东关街道", "章镇镇", "丰惠镇"])
        amount = amount.quantize(Decimal("1000"))
        super_large = not is_village and amount >= Decimal("120000000")
        small = not is_village and amount < SMALL_WORKS_QUOTA
        award = self.today - dt.timedelta(days=_age_days(status, rng))
        duration = rng.randrange(120, 720) if not is_village else rng.randrange(60, 200)
        method = ProcurementMethod.TENDER
        if small and rng.random() < 0.5:
            method = ProcurementMethod.DIRECT_AWARD
        if i % 37 == 0:
            method = ProcurementMethod.EMERGENCY
        dates = self.plan(status, award, duration)
        planned_start = dates.get("start", award + dt.timedelta(days=rng.randrange(15, 45)))
        code = f"QX{award.year}-{i + 1:04d}"
        held = status == ProjectStatus.REGISTERED and i % 3 == 0 and method == "tender"
        with self.at(award, 16):
            project = ps.register_project(
                actor=SYSTEM,
                code=code,
                name=name,
                owner=None if held else owner,
                industry=industry,
                contract_amount=amount,
                project_class=ps.classify(amount, village=is_village, super_large=super_large),
                is_small_works=small,
                procurement_method=method,
                source=ProjectSource.BIDDING_FEED
                if method == ProcurementMethod.TENDER
                else ProjectSource.MANUAL,
                ocid=f"ocds-qx{REGION}-{award.year}-{i + 1:04d}"
                if method == ProcurementMethod.TENDER
                else None,
                region_code=REGION,
                region_name=region,
                industry_authority=pools["authorities"][industry],
                award_date=award,
                planned_start=planned_start,
                planned_completion=planned_start + dt.timedelta(days=duration),
                site_address=f"{DISTRICT}{region}"
                f"{rng.choice(['人民路', '舜江路', '江扬路', '复兴路', '凤鸣路', '市民大道'])}"
                f"{rng.randrange(1, 300)}号",
            )
            if method == ProcurementMethod.TENDER:
                for key, title, back in (
                    ("tender_published", "发布招标公告", rng.randrange(40, 60)),
                    ("bid_opening", "开标", rng.randrange(12, 20)),
                    ("evaluation", "评标", rng.randrange(10, 12)),
                ):
                    ps.node(
                        project,
                        key,
                        title,
                        at=clock.start_of_day(award - dt.timedelta(days=back))
                        + dt.timedelta(hours=9),
                        actor_name="招投标系统",
                        organisation_name="公共资源交易中心",
                    )
                ps.node(
                    project,
                    "award",
                    "中标（定标）",
                    at=clock.start_of_day(award) + dt.timedelta(hours=15),
                    actor_name="招投标系统",
                    organisation_name="公共资源交易中心",
                )
        # R-PRJ-12: a few abnormal events after award (delayed signing, abandonment …).
        if (
            method == ProcurementMethod.TENDER
            and not held
            and status in (ProjectStatus.REGISTERED, ProjectStatus.PREPARING)
            and self.abnormal < 4
        ):
            self.abnormal_event(project, award, rng.choice(pools["contractors"]).name)
        if held or status == ProjectStatus.REGISTERED:
            return  # waits for the chain to assign it, or for its project leader (R-ORG-03)
        leader = rng.choice(pools["owner_leaders"][owner.pk])
        with self.at(award, 17):
            ps.assign_owner_leader(actor=SYSTEM, project=project, person=leader)
            self.site(project)
        signed = dates.get("signed", award + dt.timedelta(days=5))
        signed = min(signed, self.today)
        contractor = self.firm(
            pools["contractors"],
            pools["contractors"][0] if i % 9 == 0 else rng.choice(pools["contractors"]),
            Position.PROJECT_MANAGER,
            signed,
        )
        supervisor = self.firm(
            pools["supervisors"],
            pools["supervisors"][0] if i % 11 == 0 else rng.choice(pools["supervisors"]),
            Position.CHIEF_SUPERVISING_ENGINEER,
            signed,
        )
        # Before start some owners still miss contracts (the readiness list shows it).
        complete_contracts = status != ProjectStatus.PREPARING or rng.random() < 0.5
        with self.at(signed, 11):
            cpart = self.participant(
                project,
                contractor,
                ParticipantRole.CONTRACTOR,
                amount,
                signed,
                "SG",
                upload=True,
                allows_subcontract=rng.random() < 0.35,
            )
            spart = self.participant(
                project,
                supervisor,
                ParticipantRole.SUPERVISING_FIRM,
                (amount * Decimal("0.015")).quantize(Decimal("1")),
                signed,
                "JL",
                upload=complete_contracts,
            )
            for role in (ParticipantRole.DESIGN, ParticipantRole.TENDER_AGENT):
                if role == ParticipantRole.TENDER_AGENT and method != ProcurementMethod.TENDER:
                    continue
                self.participant(
                    project,
                    rng.choice(pools["intermediaries"][role]),
                    role,
                    None,
                    signed - dt.timedelta(days=40),
                    role[:2].upper(),
                    upload=complete_contracts,
                )
        if status == ProjectStatus.PREPARING and not complete_contracts:
            return
        active = status in (
            ProjectStatus.PREPARING,
            ProjectStatus.UNDER_CONSTRUCTION,
            ProjectStatus.SUSPENDED,
        )
        start = dates.get("start")
        with self.at(min(signed + dt.timedelta(days=1), self.today), 9):
            self.personnel(project, cpart, spart, contractor, supervisor, small, active, signed)
            if method == ProcurementMethod.TENDER:
                self.interview(project, cpart, owner, leader)
            if rng.random() < 0.4:
                ps.upload_document(
                    actor=SYSTEM,
                    project=project,
                    category="management_rules",
                    title="项目标后管理制度",
                    upload=_demo_pdf(f"{code} management rules", "项目标后管理制度.pdf"),
                )
        if start is None:
            return
        with self.at(start, 8, 30):
            ps.start_works(actor=SYSTEM, project=project, on=start)
            if not small:
                self.stages(project, start)
        project.refresh_from_db()
        if status == ProjectStatus.UNDER_CONSTRUCTION and rng.random() < 0.15:
            self.past_suspension(project, start)
        if (
            status == ProjectStatus.UNDER_CONSTRUCTION
            and cpart.allows_subcontract
            and rng.random() < 0.5
        ):
            with self.at(min(start + dt.timedelta(days=20), self.today), 14):
                self.subcontract(project, cpart)
        if "suspend" in dates:
            self.suspension(project, dates["suspend"], resume=False)
            return
        if "terminate" in dates:
            with self.at(dates["terminate"], 15):
                ps.terminate_project(
                    actor=SYSTEM,
                    project=project,
                    on=dates["terminate"],
                    reason=rng.choice(
                        [
                            "规划调整，项目选址变更，终止建设",
                            "财政资金未能落实，经研究终止建设",
                            "上级批复取消该项目，终止建设",
                        ]
                    ),
                    upload=_demo_pdf(f"{code} termination report", "终止建设书面报告.pdf"),
                )
            return
        self.finish_chain(project, dates, code)

    def field_project(self, i: int, owner, industry, leader) -> None:  # type: ignore[no-untyped-def]
        """A project under construction since two months, the field logins on
        it (every position checks in, the staged positions inside their stage
        today), the demo owner's project-leader login leading it."""
        from postaward.orgs import services as org_services
        from postaward.projects import services as ps

        rng, pools = self.rng, self.p
        start = self.today - dt.timedelta(days=60)
        signed = start - dt.timedelta(days=20)
        award = signed - dt.timedelta(days=10)
        amount = Decimal(rng.randrange(8_000_000, 19_990_000)).quantize(Decimal("1000"))
        code = f"QX{award.year}-{i + 1:04d}"
        region = rng.choice(["百官街道", "曹娥街道", "东关街道"])
        with self.at(award, 16):
            project = ps.register_project(
                actor=SYSTEM,
                code=code,
                name=f"{owner.name.replace(DISTRICT, '')}{rng.choice(WORKS[industry])}",
                owner=owner,
                industry=industry,
                contract_amount=amount,
                project_class=ps.classify(amount),
                is_small_works=False,
                procurement_method=ProcurementMethod.TENDER,
                source=ProjectSource.BIDDING_FEED,
                ocid=f"ocds-qx{REGION}-{award.year}-{i + 1:04d}",
                region_code=REGION,
                region_name=region,
                industry_authority=pools["authorities"][industry],
                award_date=award,
                planned_start=start,
                planned_completion=start + dt.timedelta(days=420),
                site_address=f"{DISTRICT}{region}人民路{rng.randrange(1, 300)}号",
            )
            ps.assign_owner_leader(actor=SYSTEM, project=project, person=leader)
            ps.set_site(
                actor=SYSTEM,
                project=project,
                site_kind="circle",
                lon=round(CENTRE[0] + rng.uniform(-0.03, 0.03), 6),
                lat=round(CENTRE[1] + rng.uniform(-0.02, 0.02), 6),
                radius_m=300.0,
            )
        contractor, supervisor = pools["contractors"][0], pools["supervisors"][0]
        with self.at(signed, 11):
            cpart = self.participant(
                project, contractor, ParticipantRole.CONTRACTOR, amount, signed, "SG", upload=True
            )
            spart = self.participant(
                project,
                supervisor,
                ParticipantRole.SUPERVISING_FIRM,
                (amount * Decimal("0.015")).quantize(Decimal("1")),
                signed,
                "JL",
                upload=True,
            )
            for role in (ParticipantRole.DESIGN, ParticipantRole.TENDER_AGENT):
                self.participant(
                    project,
                    rng.choice(pools["intermediaries"][role]),
                    role,
                    None,
                    signed - dt.timedelta(days=40),
                    role[:2].upper(),
                    upload=True,
                )
        with self.at(signed + dt.timedelta(days=1), 9):
            for pos, person in self.field_people.items():
                cert = self.certs.get(person.pk)
                if cert is None or not cert.is_valid_on(self.today + dt.timedelta(days=365)):
                    # renewed: the demo logins' certificates hold for the years to come
                    self.b.serial += 1
                    issued = self.today - dt.timedelta(days=rng.randrange(200, 600))
                    cert = org_services.add_qualification(
                        actor=SYSTEM,
                        person=person,
                        kind=CERTIFICATE_OF_POSITION[pos],
                        number=f"浙{REGION[:4]}{self.b.serial:08d}",
                        issuer="浙江省住房和城乡建设厅",
                        issued_on=issued,
                        valid_until=issued + dt.timedelta(days=365 * 5),
                    )
                ps.assign_key_person(
                    actor=SYSTEM,
                    participant=cpart if pos in CONTRACTOR_POSITIONS else spart,
                    person=person,
                    position=pos,
                    started_on=signed,
                    must_check_in=True,
                    certificate=cert,
                )
            self.interview(project, cpart, owner, leader)
        with self.at(start, 8, 30):
            ps.start_works(actor=SYSTEM, project=project, on=start)
            self.stages(project, start)

    # --- steps ------------------------------------------------------------------------------------
    def site(self, project) -> None:  # type: ignore[no-untyped-def]
        from postaward.projects import services as ps

        rng = self.rng
        lon = CENTRE[0] + rng.uniform(-0.12, 0.12)
        lat = CENTRE[1] + rng.uniform(-0.09, 0.09)
        if rng.random() < 0.2:
            dx, dy = rng.uniform(0.0015, 0.004), rng.uniform(0.001, 0.003)
            ring = [
                [lon - dx, lat - dy],
                [lon + dx, lat - dy * 0.8],
                [lon + dx * 0.9, lat + dy],
                [lon - dx * 1.1, lat + dy * 0.9],
            ]
            ps.set_site(actor=SYSTEM, project=project, site_kind="polygon", polygon=ring)
        else:
            ps.set_site(
                actor=SYSTEM,
                project=project,
                site_kind="circle",
                lon=round(lon, 6),
                lat=round(lat, 6),
                radius_m=float(rng.choice([150, 200, 250, 300, 400])),
            )

    def _free(self, firm, pos, on):  # type: ignore[no-untyped-def]
        horizon = on + dt.timedelta(days=120)
        return [
            p
            for p in self.p["staff"][firm.pk][pos]
            if p.pk not in self.busy
            and p.pk in self.certs
            and self.certs[p.pk].is_valid_on(horizon)
        ]

    def firm(self, firms, preferred, pos, on):  # type: ignore[no-untyped-def]
        """A firm that still has a free, certified person for ``pos``."""
        if self._free(preferred, pos, on):
            return preferred
        others = [f for f in firms if f is not preferred]
        self.rng.shuffle(others)
        return next((f for f in others if self._free(f, pos, on)), preferred)

    def participant(
        self, project, org, role, amount, signed, suffix, *, upload, allows_subcontract=False
    ):  # type: ignore[no-untyped-def]
        from postaward.projects import services as ps

        fields = {
            "contract_number": f"{project.code}-{suffix}",
            "contract_signed_on": signed,
            "allows_subcontract": allows_subcontract,
        }
        if amount is not None:
            fields["contract_amount"] = amount
        part, _ = ps.upsert_participant(
            actor=SYSTEM,
            project=project,
            organisation=org,
            role=role,
            contract_upload=_demo_pdf(
                f"Contract {project.code}-{suffix}", f"合同{project.code}-{suffix}.pdf"
            )
            if upload
            else None,
            **fields,
        )
        return part

    def personnel(self, project, cpart, spart, contractor, supervisor, small, active, on) -> None:  # type: ignore[no-untyped-def]
        from postaward.projects import services as ps

        rng = self.rng
        staff = self.p["staff"]
        positions = [
            (cpart, contractor, Position.PROJECT_MANAGER),
            (spart, supervisor, Position.CHIEF_SUPERVISING_ENGINEER),
            (cpart, contractor, Position.SAFETY_OFFICER),
            (spart, supervisor, Position.SUPERVISOR),
        ]
        if not small:
            positions += [
                (cpart, contractor, Position.TECHNICAL_LEAD),
                (spart, supervisor, Position.SPECIALIST_ENGINEER),
            ]
        first_firms = (self.p["contractors"][0], self.p["supervisors"][0])
        horizon = on + dt.timedelta(days=120)

        def certified(people):  # type: ignore[no-untyped-def]
            ok = [p for p in people if p.pk in self.certs and self.certs[p.pk].is_valid_on(horizon)]
            return ok or [
                p for p in people if p.pk in self.certs and self.certs[p.pk].is_valid_on(on)
            ]

        for part, firm, pos in positions:
            pool = certified(staff[firm.pk][pos])
            if not pool:
                continue
            if pos in (Position.PROJECT_MANAGER, Position.CHIEF_SUPERVISING_ENGINEER):
                free = [p for p in pool if p.pk not in self.busy]
                if not free:
                    continue
                person = free[0] if firm in first_firms else rng.choice(free)
                if active:
                    self.busy.add(person.pk)
            else:
                person = rng.choice(pool)
            # R-PRJ-09: small works check in one person each of contractor and supervisor.
            must = not small or pos in (
                Position.PROJECT_MANAGER,
                Position.CHIEF_SUPERVISING_ENGINEER,
            )
            ps.assign_key_person(
                actor=SYSTEM,
                participant=part,
                person=person,
                position=pos,
                started_on=on,
                must_check_in=must,
                certificate=self.certs.get(person.pk),
            )

    def interview(self, project, cpart, owner, leader) -> None:  # type: ignore[no-untyped-def]
        from postaward.projects import services as ps
        from postaward.projects.choices import InterviewTopic

        authority = project.industry_authority
        ps.record_interview(
            actor=SYSTEM,
            project=project,
            held_on=clock.today(),
            location=f"{authority.name}会议室",
            attendees=[
                {"organisation_id": owner.pk, "name": leader.name, "title": "建设单位项目负责人"},
                {
                    "organisation_id": cpart.organisation_id,
                    "name": self.b.person_name(),
                    "title": "法定代表人",
                },
                {
                    "organisation_id": cpart.organisation_id,
                    "name": self.b.person_name(),
                    "title": "项目经理",
                },
                {
                    "organisation_id": authority.pk,
                    "name": self.b.person_name(),
                    "title": "建管科科长",
                },
            ],
            topics=list(InterviewTopic.values),
            notes="逐项提醒中标单位诚信履约，中标单位作出书面承诺。",
            upload=_demo_pdf(f"{project.code} interview record", "标后约谈签字记录.pdf"),
        )

    def stages(self, project, start) -> None:  # type: ignore[no-untyped-def]
        from postaward.projects import services as ps

        # The stages split the planned construction period (R-ATT-01).
        span = max(30, (project.planned_completion - start).days)
        day = dt.timedelta(days=1)
        structure_end = start + dt.timedelta(days=int(span * 0.55))
        for pos, name, first, last in (
            (Position.TECHNICAL_LEAD, "基础及主体结构施工", start, structure_end),
            (
                Position.SPECIALIST_ENGINEER,
                "主体结构施工",
                start + dt.timedelta(days=int(span * 0.1)),
                structure_end,
            ),
            (
                Position.TECHNICAL_LEAD,
                "安装及装饰施工",
                structure_end + day,
                max(structure_end + day, start + dt.timedelta(days=span)),
            ),
        ):
            ps.set_checkin_stage(
                actor=SYSTEM,
                project=project,
                position=pos,
                name=name,
                starts_on=first,
                ends_on=last,
            )

    def suspension(self, project, day, *, resume: bool, days: int = 0) -> None:  # type: ignore[no-untyped-def]
        from postaward.projects import services as ps

        reason = self.rng.choice(
            [
                "汛期强降雨，基坑积水，停工排险",
                "周边管线迁改未完成，暂停施工",
                "设计变更待审批，相关部位暂停施工",
                "重污染天气应急管控，暂停土方作业",
                "征地拆迁遗留问题未解决，暂停施工",
            ]
        )
        with self.at(day, 8, 20):
            s = ps.declare_suspension(
                actor=SYSTEM,
                project=project,
                started_at=clock.localtime().replace(hour=8, minute=0, second=0, microsecond=0),
                reason=reason,
            )
        with self.at(day, 15):
            ps.confirm_suspension(actor=SYSTEM, suspension=s, note="经现场核实，情况属实")
        if resume:
            with self.at(day + dt.timedelta(days=days), 9):
                ps.resume_works(actor=SYSTEM, project=project, note="停工原因已消除，恢复施工")

    def past_suspension(self, project, start) -> None:  # type: ignore[no-untyped-def]
        span = (self.today - start).days
        if span < 30:
            return
        day = start + dt.timedelta(days=self.rng.randrange(10, span - 15))
        self.suspension(project, day, resume=True, days=self.rng.randrange(3, 12))

    def subcontract(self, project, cpart) -> None:  # type: ignore[no-untyped-def]
        from postaward.projects import services as ps

        self.b.uscc_serial += 1
        ps.register_subcontract(
            actor=SYSTEM,
            participant=cpart,
            subcontractor_name=f"浙江{self.rng.choice(['恒信', '宏达', '正泰', '永安'])}劳务有限公司",
            subcontractor_uscc=make_uscc(f"91330604MA{900000 + self.b.uscc_serial:07d}"),
            scope=self.rng.choice(
                ["主体结构劳务分包", "钢结构制作安装专业分包", "幕墙工程专业分包"]
            ),
            amount=(project.contract_amount * Decimal("0.12")).quantize(Decimal("1")),
            signed_on=clock.today(),
            upload=_demo_pdf(f"{project.code} subcontract", "分包合同.pdf"),
        )

    def abnormal_event(self, project, award, winner) -> None:  # type: ignore[no-untyped-def]
        from postaward.projects import services as ps

        self.abnormal += 1
        kinds = ["signing_delayed", "winner_abandoned", "procurement_cancelled", "signing_delayed"]
        kind = kinds[(self.abnormal - 1) % len(kinds)]
        day = min(award + dt.timedelta(days=10), self.today)
        reasons = {
            "signing_delayed": "财政资金拨付计划调整，合同签订推迟",
            "winner_abandoned": "原第一中标候选人以项目经理在岗冲突为由放弃中标，由第二中标候选人递补",
            "procurement_cancelled": "建设内容调整，招标人申请取消部分采购内容",
        }
        with self.at(day, 10):
            evt = ps.record_abnormal_event(
                actor=SYSTEM,
                project=project,
                kind=kind,
                occurred_on=day,
                reason=reasons[kind],
                party_name=winner if kind == "winner_abandoned" else "",
                upload=_demo_pdf(f"{project.code} filing", "异常事件报备材料.pdf"),
            )
        if self.abnormal % 2 == 0:
            with self.at(min(day + dt.timedelta(days=2), self.today), 16):
                ps.review_abnormal_event(
                    actor=SYSTEM,
                    event=evt,
                    valid_reason=self.abnormal != 2,
                    note="理由正当，予以备案" if self.abnormal != 2 else "未提供正当理由，移交查处",
                )

    def finish_chain(self, project, dates, code) -> None:  # type: ignore[no-untyped-def]
        from postaward.projects import services as ps

        if "complete" not in dates:
            return
        with self.at(dates["complete"], 16):
            ps.complete_works(actor=SYSTEM, project=project, on=dates["complete"])
        # A few completed projects turn out never to have been supervised (R-PRJ-05):
        # one still blocked, one with its completion application pending, one back-filled.
        target = _STEP_STATUS.get(_STEPS_KEY(dates), "")
        if target not in self.uncovered_done and target in (
            ProjectStatus.COMPLETED,
            ProjectStatus.ACCEPTED,
            ProjectStatus.SETTLED,
        ):
            self.uncovered_done.add(target)
            with self.at(dates["complete"], 17):
                ps.mark_uncovered(
                    actor=SYSTEM, project=project, note="项目实施期间未按要求在平台填报，资料不全"
                )
        if "accept" not in dates:
            return
        with self.at(dates["accept"], 15):
            ps.accept_works(
                actor=SYSTEM,
                project=project,
                on=dates["accept"],
                conclusion="经参建各方验收，工程质量合格，同意通过竣工验收。",
                upload=_demo_pdf(f"{code} acceptance", "竣工验收报告.pdf"),
            )
        if "submit" not in dates:
            if not project.is_platform_covered:
                with self.at(dates["accept"], 16):
                    ps.apply_data_completion(
                        actor=SYSTEM,
                        project=project,
                        reason="项目实施期间资料未及时录入平台，申请补全",
                        upload=_demo_pdf(f"{code} data completion", "项目资料补全申请书.pdf"),
                    )
            return
        if not project.is_platform_covered:
            with self.at(dates["accept"], 16):
                app = ps.apply_data_completion(
                    actor=SYSTEM,
                    project=project,
                    reason="项目实施期间资料未及时录入平台，申请补全",
                    upload=_demo_pdf(f"{code} data completion", "项目资料补全申请书.pdf"),
                )
                ps.decide_data_completion(
                    actor=SYSTEM, application=app, approve=True, note="同意补全"
                )
                ps.confirm_backfill(actor=SYSTEM, application=app)
        amount = project.contract_amount * Decimal(str(round(self.rng.uniform(0.92, 1.06), 3)))
        # R-SET-02: the settlements go to the audit department; the first one
        # still awaiting approval was entrusted to an intermediary without the
        # audit department's consent (the 5(六) clue of the accountability demo).
        route: dict[str, Any] = {"route": "audit"}
        if "settle" not in dates and not self.self_entrusted:
            self.self_entrusted = True
            route = {
                "route": "intermediary",
                "intermediary": f"{DISTRICT}正信工程造价咨询有限公司",
                "entrustment_approved": False,
            }
        with self.at(dates["submit"], 10):
            ps.submit_settlement(
                actor=SYSTEM,
                project=project,
                on=dates["submit"],
                amount=amount.quantize(Decimal("1")),
                **route,
            )
        if "settle" not in dates:
            return
        with self.at(dates["settle"], 10):
            ps.approve_settlement(
                actor=SYSTEM,
                project=project,
                on=dates["settle"],
                amount=(amount * Decimal("0.97")).quantize(Decimal("1")),
                note="审计核减 3%",
            )
        if "pay" not in dates:
            return
        with self.at(dates["pay"], 10):
            ps.record_fund_payment(actor=SYSTEM, project=project, on=dates["pay"])
        if "return" not in dates:
            return
        with self.at(dates["return"], 10):
            ps.return_deposit(actor=SYSTEM, project=project, on=dates["return"])

    def finish(self) -> None:
        """Assign a few waiting projects part of the way; one personnel ban."""
        from postaward.projects import services as ps
        from postaward.projects.models import KeyPersonAssignment, Project

        waiting = list(Project.objects.filter(owner__isnull=True).order_by("id"))
        owners = self.p["owners"]
        for k, project in enumerate(waiting):
            _owner, superior, line, _ = owners[k % len(owners)]
            if k % 2 == 0:
                ps.assign_superior_unit(actor=SYSTEM, project=project, superior_unit=superior)
            if k % 4 == 0 and line is not None:
                ps.assign_line(actor=SYSTEM, project=project, line=line)
        # R-CHG-04: a project manager replaced on an active project is barred elsewhere.
        a = (
            KeyPersonAssignment.objects.filter(
                position=Position.PROJECT_MANAGER,
                ended_on__isnull=True,
                project__status=ProjectStatus.UNDER_CONSTRUCTION,
            )
            .select_related("project", "person")
            .order_by("-project_id")
            .first()
        )
        if a is not None:
            ps.record_personnel_ban(
                actor=SYSTEM,
                person=a.person,
                reason="replaced",
                source_project=a.project,
                position=Position.PROJECT_MANAGER,
                note="因履职不到位被建设单位要求撤换（演示数据）",
            )


def _demo_pdf(text: str, name: str = "demo.pdf"):  # type: ignore[no-untyped-def]
    from postaward.core.files import minimal_pdf
    from postaward.projects.services import content_file

    return content_file(
        minimal_pdf([text, "Demo document of the post-award supervision platform."]), name
    )


def _age_days(status: str, rng: random.Random) -> int:
    """How long ago the award was, so that dates fit the lifecycle state."""
    ranges = {
        ProjectStatus.REGISTERED: (5, 20),
        ProjectStatus.PREPARING: (10, 40),
        ProjectStatus.UNDER_CONSTRUCTION: (60, 500),
        ProjectStatus.SUSPENDED: (90, 400),
        ProjectStatus.COMPLETED: (250, 600),
        ProjectStatus.ACCEPTED: (300, 700),
        ProjectStatus.SETTLEMENT_SUBMITTED: (400, 800),
        ProjectStatus.SETTLED: (500, 900),
        ProjectStatus.FUNDS_PAID: (600, 1000),
        ProjectStatus.DEPOSIT_RETURNED: (900, 1400),
        ProjectStatus.TERMINATED: (100, 400),
    }
    lo, hi = ranges[ProjectStatus(status)]
    return rng.randrange(lo, hi)


def _publish_contacts(staff: User) -> None:
    """The contact channels the office publishes on the public window
    (R-CMP-05; fictional numbers and addresses), through the office's own
    audited write."""
    from postaward.orgs.actors import actor_for
    from postaward.portal import services as portal_services

    portal_services.save_contacts(
        actor=actor_for(staff),
        contacts=[
            {
                "name": f"{DISTRICT}工程建设项目监管办公室",
                "complaint_phone": "0575-8800 1234",
                "report_phone": "0575-8800 1235",
                "mailing_address": f"{DISTRICT}清溪大道 88 号 监管办（邮编 312000）",
                "reception_address": f"{DISTRICT}清溪大道 88 号 行政服务中心 3 楼 312 室",
                "office_hours": "工作日 8:30-12:00，14:00-17:30",
                "email": "jgb@qingxi.example.cn",
                "note": "来访请携带身份证件；反映情况请写明项目名称和具体事实。",
            },
            {
                "name": "12345 政务服务便民热线",
                "complaint_phone": "12345",
                "office_hours": "全天 24 小时",
                "note": "热线受理后转监管办办理，办理结果同样可凭收件编号查询。",
            },
        ],
    )


def demo_logins() -> list[DemoLogin]:
    """The demo accounts that still have the demo password (for ``make run``):
    created with it and never changed. Accounts made by an administrator start
    with ``must_change_password``; a changed password sets ``password_changed_at``."""
    out = []
    for user in (
        User.objects.filter(must_change_password=False, password_changed_at__isnull=True)
        .select_related("organisation")
        .order_by("pk")
    ):
        roles = "、".join(Role(r).label for r in user.role_grants.values_list("role", flat=True))
        out.append(
            DemoLogin(user.username, roles, user.organisation.name if user.organisation else "")
        )
    return out
