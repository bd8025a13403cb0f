"""The demo district (清溪区, fictional): organisations, people, accounts and
about 150 projects across every class, industry and lifecycle state.

Everything is created through the services (so the audit chain covers it) from a
fixed random seed: the same command builds the same district. IDs and codes are
well-formed (valid check digits) but belong to no real person or company.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from postaward.core import clock
from postaward.core.actor import SYSTEM
from postaward.core.idcheck import check_resident_id, make_resident_id, make_uscc
from postaward.orgs import services as org_services
from postaward.orgs.choices import Industry, OrgKind, QualificationType, Role
from postaward.orgs.models import Organisation, Person, User
from postaward.projects import services as project_services
from postaward.projects.choices import (
    ParticipantRole,
    Position,
    ProcurementMethod,
    ProjectClass,
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


def _build(b: Builder, n_projects: int) -> None:
    K = OrgKind
    office = b.org(
        None,
        f"{DISTRICT}工程建设项目监管办公室（双查双保领导小组办公室）",
        K.SUPERVISION_OFFICE,
        short_name="区监管办",
    )
    b.login(office, "office_admin", [Role.ADMIN], "监管办主任")
    b.login(office, "office_staff", [Role.OFFICE_STAFF], "监管办科员")
    b.login(office, "bidding_system", [Role.INTEGRATOR], "招投标系统对接账号")

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
    b.login(
        authorities[Industry.TRANSPORT], "transport_staff", [Role.AUTHORITY_STAFF], "建设科科长"
    )
    for ind, auth in authorities.items():
        if ind not in (Industry.HOUSING,):
            b.login(auth, f"{ind}_admin", [Role.ADMIN], "总管")

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
            [("基建条线", ["人民医院", "中医院", "疾病预防控制中心"])],
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
    contractors = [
        b.org(
            office,
            f"浙江{place_words[i % len(place_words)]}{contractor_words[i % len(contractor_words)]}"
            f"{'集团' if i % 4 == 0 else ''}有限公司{'' if i < 15 else f'（{i}）'}",
            K.CONTRACTOR,
        )
        for i in range(42)
    ]
    supervisors = [
        b.org(
            office,
            f"浙江{place_words[(i + 3) % len(place_words)]}工程监理咨询有限公司"
            f"{'' if i < 15 else f'（{i}）'}",
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
    cert = {
        Position.PROJECT_MANAGER: QualificationType.CONSTRUCTOR_2,
        Position.TECHNICAL_LEAD: QualificationType.TITLE_MIDDLE,
        Position.SAFETY_OFFICER: QualificationType.SAFETY_C,
        Position.CHIEF_SUPERVISING_ENGINEER: QualificationType.SUPERVISING_ENGINEER,
        Position.SPECIALIST_ENGINEER: QualificationType.PROVINCIAL_SUPERVISOR,
        Position.SUPERVISOR: QualificationType.SUPERVISOR_CERT,
    }
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
    for firm, username, pos in [
        (c0, "pm", Position.PROJECT_MANAGER),
        (c0, "tech_lead", Position.TECHNICAL_LEAD),
        (c0, "safety", Position.SAFETY_OFFICER),
        (s0, "chief_engineer", Position.CHIEF_SUPERVISING_ENGINEER),
        (s0, "specialist", Position.SPECIALIST_ENGINEER),
        (s0, "site_supervisor", Position.SUPERVISOR),
    ]:
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
    b,
    n,
    owners,
    villages,
    owner_leaders,
    authorities,
    contractors,
    supervisors,  # type: ignore[no-untyped-def]
    intermediaries,
    staff,
) -> None:
    rng = b.rng
    statuses: list[str] = []
    for status, count in STATUS_PLAN:
        statuses += [status] * count
    statuses = (statuses * ((n // len(statuses)) + 1))[:n]
    rng.shuffle(statuses)
    busy_exclusive: set[int] = set()
    year = b.today.year
    for i, status in enumerate(statuses):
        is_village = i % 5 == 4
        if is_village:
            owner, town = villages[i % len(villages)]
            superior, line, industry = (
                town,
                None,
                Industry.AGRICULTURE if i % 2 else Industry.HOUSING,
            )
            name = f"{owner.name.replace('股份经济合作社', '')}{rng.choice(VILLAGE_WORKS)}"
            amount = Decimal(rng.randrange(300_000, 4_000_000))
        else:
            owner, superior, line, industry = owners[i % len(owners)]
            name = f"{owner.name.replace(DISTRICT, '')}{rng.choice(WORKS[industry])}"
            roll = rng.random()
            if roll < 0.12:
                amount = Decimal(rng.randrange(500_000, 4_000_000))
            elif roll < 0.68:
                amount = Decimal(rng.randrange(4_000_000, 19_990_000))
            else:
                amount = Decimal(rng.randrange(20_000_000, 180_000_000))
        amount = amount.quantize(Decimal("1000"))
        super_large = not is_village and amount >= Decimal("120000000")
        small = not is_village and amount < Decimal("4000000")
        cls = project_services.classify(amount, village=is_village, super_large=super_large)
        award = b.today - dt.timedelta(days=_age_days(status, rng))
        start = award + dt.timedelta(days=rng.randrange(15, 45))
        duration = (
            rng.randrange(120, 720) if cls != ProjectClass.VILLAGE else rng.randrange(60, 200)
        )
        lon = CENTRE[0] + rng.uniform(-0.12, 0.12)
        lat = CENTRE[1] + rng.uniform(-0.09, 0.09)
        started = status not in (ProjectStatus.REGISTERED, ProjectStatus.PREPARING)
        finished = status in (
            ProjectStatus.COMPLETED,
            ProjectStatus.ACCEPTED,
            ProjectStatus.SETTLEMENT_SUBMITTED,
            ProjectStatus.SETTLED,
            ProjectStatus.FUNDS_PAID,
            ProjectStatus.DEPOSIT_RETURNED,
        )
        method = ProcurementMethod.TENDER
        if small and rng.random() < 0.5:
            method = ProcurementMethod.DIRECT_AWARD
        if i % 37 == 0:
            method = ProcurementMethod.EMERGENCY
        project = project_services.register_project(
            actor=SYSTEM,
            code=f"QX{year if award.year == year else award.year}-{i + 1:04d}",
            name=name,
            owner=owner,
            industry=industry,
            contract_amount=amount,
            project_class=cls,
            is_small_works=small,
            procurement_method=method,
            source=ProjectSource.BIDDING_FEED
            if method == ProcurementMethod.TENDER
            else ProjectSource.MANUAL,
            ocid=f"ocds-qx{REGION}-{award.year}-{i + 1:04d}"
            if method == ProcurementMethod.TENDER
            else None,
            region_code=REGION,
            region_name=(superior.name.replace(DISTRICT, "") if is_village else DISTRICT),
            superior_unit=superior,
            line=line,
            industry_authority=authorities[industry],
            owner_leader=rng.choice(owner_leaders[owner.pk]),
            award_date=award,
            planned_start=start,
            planned_completion=start + dt.timedelta(days=duration),
            actual_start=start if started else None,
            actual_completion=(
                min(b.today - dt.timedelta(days=5), start + dt.timedelta(days=duration))
                if finished
                else None
            ),
            status=status,
            site_kind="circle",
            site_lon=round(lon, 6),
            site_lat=round(lat, 6),
            site_radius_m=float(rng.choice([150, 200, 250, 300, 400])),
            site_address=f"{DISTRICT}{rng.choice(['百官街道', '曹娥街道', '东关街道', '章镇镇', '丰惠镇'])}"
            f"{rng.choice(['人民路', '舜江路', '江扬路', '复兴路', '凤鸣路'])}{rng.randrange(1, 300)}号",
        )
        contractor = contractors[0] if i % 9 == 0 else rng.choice(contractors)
        supervisor = supervisors[0] if i % 11 == 0 else rng.choice(supervisors)
        signed = award + dt.timedelta(days=rng.randrange(3, 20))
        cpart = project_services.add_participant(
            actor=SYSTEM,
            project=project,
            organisation=contractor,
            role=ParticipantRole.CONTRACTOR,
            contract_number=f"{project.code}-SG",
            contract_amount=amount,
            contract_signed_on=signed,
            allows_subcontract=rng.random() < 0.3,
        )
        spart = project_services.add_participant(
            actor=SYSTEM,
            project=project,
            organisation=supervisor,
            role=ParticipantRole.SUPERVISING_FIRM,
            contract_number=f"{project.code}-JL",
            contract_amount=(amount * Decimal("0.015")).quantize(Decimal("1")),
            contract_signed_on=signed,
        )
        for role in (ParticipantRole.DESIGN, ParticipantRole.TENDER_AGENT, ParticipantRole.BUDGET):
            if role == ParticipantRole.TENDER_AGENT and method != ProcurementMethod.TENDER:
                continue
            project_services.add_participant(
                actor=SYSTEM,
                project=project,
                organisation=rng.choice(intermediaries[role]),
                role=role,
                contract_number=f"{project.code}-{role[:2].upper()}",
                contract_signed_on=signed - dt.timedelta(days=60),
            )
        if status == ProjectStatus.REGISTERED:
            continue
        active = status in (
            ProjectStatus.PREPARING,
            ProjectStatus.UNDER_CONSTRUCTION,
            ProjectStatus.SUSPENDED,
        )
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
        for part, firm, pos in positions:
            pool = staff[firm.pk][pos]
            if pos in (Position.PROJECT_MANAGER, Position.CHIEF_SUPERVISING_ENGINEER):
                free = [p for p in pool if p.pk not in busy_exclusive] if active else pool
                if not free:
                    continue
                person = free[0] if firm in (contractors[0], supervisors[0]) else rng.choice(free)
                if active:
                    busy_exclusive.add(person.pk)
            else:
                person = rng.choice(pool)
            # R-PRJ-09: on small works only one person each of contractor and supervisor checks in.
            must = not small or pos in (
                Position.PROJECT_MANAGER,
                Position.CHIEF_SUPERVISING_ENGINEER,
            )
            assignment = project_services.assign_key_person(
                actor=SYSTEM,
                participant=part,
                person=person,
                position=pos,
                started_on=start,
                must_check_in=must,
            )
            if not active:
                type(assignment).objects.filter(pk=assignment.pk).update(
                    ended_on=project.actual_completion or b.today
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
    lo, hi = ranges[status]
    return rng.randrange(lo, hi)


def demo_logins() -> list[DemoLogin]:
    """The demo accounts as they are in the database now (for ``make run``)."""
    out = []
    for user in (
        User.objects.filter(must_change_password=False)
        .select_related("organisation")
        .order_by("pk")
    ):
        roles = "、".join(Role(r).label for r in user.role_grants.values_list("role", flat=True))
        out.append(
            DemoLogin(user.username, roles, user.organisation.name if user.organisation else "")
        )
    return out
