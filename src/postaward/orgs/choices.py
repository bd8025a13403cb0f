"""Organisation kinds and roles (R-ORG-01, R-ORG-05)."""

from __future__ import annotations

from django.db import models


class OrgKind(models.TextChoices):
    SUPERVISION_OFFICE = "supervision_office", "监管办（双查双保领导小组）"
    INDUSTRY_AUTHORITY = "industry_authority", "行业主管部门"
    SUPERIOR_UNIT = "superior_unit", "主管单位"
    LINE = "line", "条线"
    TOWNSHIP = "township", "乡镇（街道）"
    OWNER = "owner", "建设单位"
    VILLAGE = "village", "行政村（社区）"
    CONTRACTOR = "contractor", "施工单位"
    SUPERVISING_FIRM = "supervising_firm", "监理单位"
    DESIGN = "design", "设计单位"
    SURVEY = "survey", "勘察单位"
    BUDGET = "budget", "造价咨询（预算）单位"
    TESTING = "testing", "检测单位"
    TENDER_AGENT = "tender_agent", "招标代理机构"
    AUDIT_BUREAU = "audit_bureau", "审计局"
    FINANCE_BUREAU = "finance_bureau", "财政局"
    DRC = "drc", "发展和改革委员会"
    DISCIPLINE = "discipline", "纪检监察机关"
    PUBLIC_SECURITY = "public_security", "公安机关"


class Industry(models.TextChoices):
    HOUSING = "housing", "房建市政"
    TRANSPORT = "transport", "交通"
    WATER = "water", "水利"
    URBAN = "urban", "城市管理（园林绿化）"
    AGRICULTURE = "agriculture", "农业农村"
    OTHER = "other", "其他"


K = OrgKind

# The four-level chain (四级联动, R-ORG-02), top to bottom.
CHAIN_LEVELS = ("leading_group", "industry_authority", "superior_unit", "owner")
CHAIN_LEVEL_LABELS = {
    "leading_group": "领导小组（监管办）",
    "industry_authority": "行业主管部门",
    "superior_unit": "主管单位（条线）",
    "owner": "建设单位",
}

OWNER_KINDS = frozenset({K.OWNER, K.VILLAGE})
SUPERIOR_KINDS = frozenset({K.SUPERIOR_UNIT, K.TOWNSHIP})
ENTERPRISE_KINDS = frozenset(
    {K.CONTRACTOR, K.SUPERVISING_FIRM, K.DESIGN, K.SURVEY, K.BUDGET, K.TESTING, K.TENDER_AGENT}
)
INTERMEDIARY_KINDS = frozenset({K.DESIGN, K.SURVEY, K.BUDGET, K.TESTING, K.TENDER_AGENT})
# Bodies that read the whole district (read-only beyond their own work).
DISTRICT_WIDE_KINDS = frozenset(
    {K.SUPERVISION_OFFICE, K.AUDIT_BUREAU, K.FINANCE_BUREAU, K.DRC, K.DISCIPLINE, K.PUBLIC_SECURITY}
)
GOVERNMENT_KINDS = frozenset(set(K) - ENTERPRISE_KINDS)

# Which kinds may be created under which parent kind.
CHILD_KINDS: dict[str, frozenset[str]] = {
    K.SUPERVISION_OFFICE: frozenset(
        {
            K.INDUSTRY_AUTHORITY,
            K.SUPERIOR_UNIT,
            K.TOWNSHIP,
            K.AUDIT_BUREAU,
            K.FINANCE_BUREAU,
            K.DRC,
            K.DISCIPLINE,
            K.PUBLIC_SECURITY,
            *ENTERPRISE_KINDS,
        }
    ),
    K.INDUSTRY_AUTHORITY: frozenset({K.LINE, K.OWNER}),
    K.SUPERIOR_UNIT: frozenset({K.LINE, K.OWNER}),
    K.TOWNSHIP: frozenset({K.LINE, K.VILLAGE, K.OWNER}),
    K.LINE: frozenset({K.OWNER, K.VILLAGE}),
    K.OWNER: frozenset(),
    K.VILLAGE: frozenset(),
    **{kind: frozenset() for kind in ENTERPRISE_KINDS},
    K.AUDIT_BUREAU: frozenset(),
    K.FINANCE_BUREAU: frozenset(),
    K.DRC: frozenset(),
    K.DISCIPLINE: frozenset(),
    K.PUBLIC_SECURITY: frozenset(),
}


class Role(models.TextChoices):
    ADMIN = "admin", "总管（单位管理员）"
    UNIT_LEADER = "unit_leader", "单位领导"
    OFFICE_STAFF = "office_staff", "监管办工作人员"
    AUTHORITY_STAFF = "authority_staff", "行业监管人员"
    LINE_SUPERVISOR = "line_supervisor", "条线主管"
    OWNER_PROJECT_LEADER = "owner_project_leader", "建设单位项目负责人"
    PROJECT_MANAGER = "project_manager", "施工项目负责人（项目经理）"
    TECHNICAL_LEAD = "technical_lead", "技术负责人"
    SAFETY_OFFICER = "safety_officer", "安全员"
    CHIEF_SUPERVISING_ENGINEER = "chief_supervising_engineer", "总监理工程师"
    SPECIALIST_ENGINEER = "specialist_engineer", "专业监理工程师"
    SUPERVISOR = "supervisor", "监理员"
    INTERMEDIARY_STAFF = "intermediary_staff", "中介机构人员"
    DISCIPLINE_INSPECTOR = "discipline_inspector", "纪检监察人员"
    AUDITOR = "auditor", "审计人员"
    FINANCE_OFFICER = "finance_officer", "财政人员"
    DRC_OFFICER = "drc_officer", "发改人员"
    POLICE_OFFICER = "police_officer", "公安人员"
    INTEGRATOR = "integrator", "系统对接账号"
    PUBLIC_USER = "public_user", "社会公众"


R = Role

CONTRACTOR_KEY_ROLES = frozenset({R.PROJECT_MANAGER, R.TECHNICAL_LEAD, R.SAFETY_OFFICER})
SUPERVISOR_KEY_ROLES = frozenset(
    {R.CHIEF_SUPERVISING_ENGINEER, R.SPECIALIST_ENGINEER, R.SUPERVISOR}
)

# The roles an account of each organisation kind may hold: granting any other is
# refused, whoever asks (no role can be carried into an organisation it does not
# belong to).
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    K.SUPERVISION_OFFICE: frozenset({R.ADMIN, R.UNIT_LEADER, R.OFFICE_STAFF, R.INTEGRATOR}),
    K.INDUSTRY_AUTHORITY: frozenset({R.ADMIN, R.UNIT_LEADER, R.AUTHORITY_STAFF}),
    K.SUPERIOR_UNIT: frozenset({R.ADMIN, R.UNIT_LEADER, R.LINE_SUPERVISOR}),
    K.TOWNSHIP: frozenset({R.ADMIN, R.UNIT_LEADER, R.LINE_SUPERVISOR, R.OWNER_PROJECT_LEADER}),
    K.LINE: frozenset({R.ADMIN, R.LINE_SUPERVISOR}),
    K.OWNER: frozenset({R.ADMIN, R.UNIT_LEADER, R.OWNER_PROJECT_LEADER}),
    K.VILLAGE: frozenset({R.ADMIN, R.UNIT_LEADER, R.OWNER_PROJECT_LEADER}),
    K.CONTRACTOR: frozenset({R.ADMIN, R.UNIT_LEADER, *CONTRACTOR_KEY_ROLES}),
    K.SUPERVISING_FIRM: frozenset({R.ADMIN, R.UNIT_LEADER, *SUPERVISOR_KEY_ROLES}),
    **{
        kind: frozenset({R.ADMIN, R.UNIT_LEADER, R.INTERMEDIARY_STAFF})
        for kind in INTERMEDIARY_KINDS
    },
    K.AUDIT_BUREAU: frozenset({R.ADMIN, R.UNIT_LEADER, R.AUDITOR}),
    K.FINANCE_BUREAU: frozenset({R.ADMIN, R.UNIT_LEADER, R.FINANCE_OFFICER}),
    K.DRC: frozenset({R.ADMIN, R.UNIT_LEADER, R.DRC_OFFICER}),
    K.DISCIPLINE: frozenset({R.ADMIN, R.UNIT_LEADER, R.DISCIPLINE_INSPECTOR}),
    K.PUBLIC_SECURITY: frozenset({R.ADMIN, R.UNIT_LEADER, R.POLICE_OFFICER}),
}


class QualificationType(models.TextChoices):
    CONSTRUCTOR_1 = "constructor_1", "一级注册建造师"
    CONSTRUCTOR_2 = "constructor_2", "二级注册建造师"
    SUPERVISING_ENGINEER = "supervising_engineer", "注册监理工程师"
    PROVINCIAL_SUPERVISOR = "provincial_supervisor", "专业监理工程师（省级证书）"
    SAFETY_B = "safety_b", "安全生产考核合格证（B证）"
    SAFETY_C = "safety_c", "安全生产考核合格证（C证）"
    SUPERVISOR_CERT = "supervisor_cert", "监理员岗位证书"
    COST_ENGINEER = "cost_engineer", "注册造价工程师"
    TITLE_SENIOR = "title_senior", "高级工程师（职称）"
    TITLE_MIDDLE = "title_middle", "工程师（职称）"
    OTHER = "other", "其他"


class LoginResult(models.TextChoices):
    SUCCESS = "success", "成功"
    BAD_PASSWORD = "bad_password", "密码错误"
    UNKNOWN_USER = "unknown_user", "账号不存在"
    LOCKED = "locked", "账号锁定中"
    INACTIVE = "inactive", "账号已停用"
    LOGOUT = "logout", "退出"
    # An administrator lifted the login locks (unlock or password reset): the
    # failure counts start again after this row (ADR 0020).
    UNLOCKED = "unlocked", "解除锁定"
    TOKEN_REFUSED = "token_refused", "令牌无效"
