"""The platform's default scoring rules (平台默认规则) for housing (房建市政),
transport (交通) and water (水利) (R-SCO-01; ADR 0633).

Built from the sanctions chapter of the Shangyu rules (SY 40–49, with SY 7
and 37: the platform scores owners, contractors and intermediaries from what
happened on their projects), QZ 9 (inspection results enter the market
subject's credit record) and HC 三(五) (administrative penalties and credit
points are published). One item per platform fact (``facts.FACTS``) and per
kind of subject the article names, and a few items entered by hand with
evidence for what the platform cannot see (refusing platform supervision,
late or false reporting, breach of contract). Each item cites its document
and article; the points are the platform's reasoned proposal (ADR 0633): an
authority changes them in a new version, which a second person approves.

``install_defaults`` installs them as version 1 of an authority's rules for
its industry, in force from ``effective_from``: approved by the platform
(no person drafted or reviewed it; the note says 平台默认规则).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from postaward.core import clock, writes
from postaward.core.actor import Actor
from postaward.core.errors import Conflict, ValidationFailed
from postaward.orgs.choices import Industry, OrgKind
from postaward.orgs.models import Organisation

from .choices import RuleSetState
from .choices import SubjectKind as K
from .models import MANUAL, RuleItem, RuleSet

SY = "上虞区政府投资（国有建设）项目监督管理实施细则（试行）"
QZ = "衢州市政府投资工程建设项目标后监管实施细则"
HC = "汉川市公共资源交易综合监管联动执法工作实施方案"
QZA = "衢州市政府投资工程建设项目标后监管问责办法"

DEFAULT_NOTE = "平台默认规则：依据上虞区实施细则第四十条至第四十九条等条款预置，由平台直接施行"


@dataclass(frozen=True)
class Item:
    code: str
    description: str
    subject_kind: str
    points: str
    cap_per_project: str | None
    cap_per_year: str | None
    trigger: str
    basis_document: str
    basis_article: str


# The items every industry shares: (code, description, subject, points, cap per
# project, cap per year, trigger, document, article).
COMMON: tuple[Item, ...] = (
    # Attendance (SY 42, 47): key persons of the contractor and the supervising firm.
    Item("A01", "运用模拟信号、破解软件等技术手段考勤作弊，经建设单位确认", K.CONTRACTOR,
         "-5", "15", "30", "attendance.cheat_confirmed", SY, "第四十七条"),
    Item("A02", "运用模拟信号、破解软件等技术手段考勤作弊，经建设单位确认", K.SUPERVISING_FIRM,
         "-5", "15", "30", "attendance.cheat_confirmed", SY, "第四十七条"),
    Item("A03", "关键岗位人员连续2天（含）以上未考勤（每次）", K.CONTRACTOR,
         "-2", "10", "20", "attendance.absence_streak", SY, "第四十二条"),
    Item("A04", "关键岗位人员连续2天（含）以上未考勤（每次）", K.SUPERVISING_FIRM,
         "-2", "10", "20", "attendance.absence_streak", SY, "第四十二条"),
    Item("A05", "关键岗位人员月考勤率不足80%（每人每月）", K.CONTRACTOR,
         "-3", "12", "24", "attendance.monthly_rate_low", SY, "第四十二条"),
    Item("A06", "关键岗位人员月考勤率不足80%（每人每月）", K.SUPERVISING_FIRM,
         "-3", "12", "24", "attendance.monthly_rate_low", SY, "第四十二条"),
    Item("A07", "建设单位项目负责人7日内未有效巡查（每次）", K.OWNER,
         "-1", "6", "12", "attendance.patrol_overdue", SY, "第二十六条、第三十七条"),
    # Procedures on the platform (SY 43, 45).
    Item("B01", "工程变更未经审批先行施工（先施工后变更）", K.CONTRACTOR,
         "-3", "9", "18", "approvals.change_after_the_fact", SY, "第四十三条"),
    Item("B02", "监理通知单逾期未回复、处置不及时", K.CONTRACTOR,
         "-1", "5", "10", "approvals.rectification_overdue", SY, "第四十五条"),
    Item("B03", "拒不按监理通知单整改", K.CONTRACTOR,
         "-5", "10", "20", "approvals.rectification_refused", SY, "第四十五条"),
    Item("B04", "工程未经验收擅自投入使用", K.OWNER,
         "-5", "5", "15", "approvals.used_before_acceptance", SY, "第四十三条"),
    Item("B05", "关键岗位人员擅自变更，按合同约定处罚", K.CONTRACTOR,
         "-3", "9", "18", "approvals.personnel_change_penalty", SY, "第二十七条、第四十三条"),
    Item("B06", "关键岗位人员擅自变更，按合同约定处罚", K.SUPERVISING_FIRM,
         "-3", "9", "18", "approvals.personnel_change_penalty", SY, "第二十七条、第四十三条"),
    Item("B07", "完（竣）工验收或结算审计未在规定期限内完成", K.OWNER,
         "-2", "6", "12", "approvals.acceptance_late", SY, "第三十一条、第四十三条"),
    # Complaints (SY 49), inspections (QZ 9), penalties (HC 三(五)).
    Item("C01", "群众投诉举报问题经查属实", K.CONTRACTOR,
         "-3", "9", "18", "complaints.verified", SY, "第四十九条"),
    Item("C02", "群众投诉举报问题经查属实", K.SUPERVISING_FIRM,
         "-3", "9", "18", "complaints.verified", SY, "第四十九条"),
    Item("C03", "群众投诉举报问题经查属实", K.OWNER,
         "-2", "6", "12", "complaints.verified", SY, "第四十九条"),
    Item("D01", "双随机检查发现问题，检查结果纳入信用记录", K.CONTRACTOR,
         "-2", "8", "16", "inspections.finding", QZ, "第九条"),
    Item("D02", "双随机检查发现问题，检查结果纳入信用记录", K.SUPERVISING_FIRM,
         "-2", "8", "16", "inspections.finding", QZ, "第九条"),
    Item("E01", "受到行政处罚（处理）决定", K.CONTRACTOR,
         "-5", "10", "20", "cases.penalty_decided", HC, "三（五）"),
    Item("E02", "受到行政处罚（处理）决定", K.SUPERVISING_FIRM,
         "-5", "10", "20", "cases.penalty_decided", HC, "三（五）"),
    Item("E03", "受到行政处罚（处理）决定", K.INTERMEDIARY,
         "-5", "10", "20", "cases.penalty_decided", HC, "三（五）"),
    Item("E04", "受到行政处罚（处理）决定", K.PERSON,
         "-3", "6", "12", "cases.penalty_decided", HC, "三（五）"),
    # The measures of the sanctions register (SY 40-48: 处理结果纳入信用管理).
    Item("F01", "受到建设单位或行业主管部门处理措施（约谈、通报批评、解除合同、停业整顿等）",
         K.CONTRACTOR, "-2", "8", "16", "credit.sanction", SY, "第四十七条、第四十八条"),
    Item("F02", "受到建设单位或行业主管部门处理措施（约谈、通报批评、解除合同、停业整顿等）",
         K.SUPERVISING_FIRM, "-2", "8", "16", "credit.sanction", SY, "第四十七条、第四十八条"),
    # Accountability of the unit's staff (QZ 附件2 arts. 5, 6, 12): the owner's and
    # the supervising department's assessment.
    Item("G01", "单位人员因标后监管履职不到位受到通报及以上问责处理", K.OWNER,
         "-3", "6", "12", "accountability.decided", QZA, "第五条、第十二条"),
    Item("G02", "单位人员因标后监管履职不到位受到通报及以上问责处理", K.AUTHORITY,
         "-3", "6", "12", "accountability.decided", QZA, "第六条、第十二条"),
    # Entered by hand with evidence (SY 40, 44, 46, 48).
    Item("M01", "拒绝纳入平台监管", K.CONTRACTOR,
         "-10", "10", "20", MANUAL, SY, "第四十八条"),
    Item("M02", "拒绝纳入平台监管", K.SUPERVISING_FIRM,
         "-10", "10", "20", MANUAL, SY, "第四十八条"),
    Item("M03", "迟报、漏报、谎报、瞒报工程信息，造成不良社会影响或财政损失", K.CONTRACTOR,
         "-3", "9", "18", MANUAL, SY, "第四十条"),
    Item("M04", "迟报、漏报、谎报、瞒报工程信息，造成不良社会影响或财政损失",
         K.SUPERVISING_FIRM, "-3", "9", "18", MANUAL, SY, "第四十条"),
    Item("M05", "迟报、漏报、谎报、瞒报工程信息（参与人员）", K.PERSON,
         "-2", "6", "12", MANUAL, SY, "第四十条"),
    Item("M06", "未按要求填报监理日志、隐蔽工程、变更等内容", K.SUPERVISING_FIRM,
         "-1", "5", "10", MANUAL, SY, "第四十六条"),
    Item("M07", "因自身责任导致项目建设终止或不履行合同条款", K.CONTRACTOR,
         "-10", "10", "20", MANUAL, SY, "第四十四条"),
    Item("M08", "因自身责任导致项目建设终止或不履行合同条款", K.INTERMEDIARY,
         "-10", "10", "20", MANUAL, SY, "第四十四条"),
    Item("M09", "建设单位对参建单位违约行为未按合同约定处理", K.OWNER,
         "-2", "6", "12", MANUAL, SY, "第四十一条"),
)  # fmt: skip

# What differs per industry: the title; the hidden-works duty of the
# supervising firm weighs more where hidden works are most of the work.
TITLES = {
    Industry.HOUSING: "房建市政工程综合评分规则（平台默认）",
    Industry.TRANSPORT: "交通工程综合评分规则（平台默认）",
    Industry.WATER: "水利工程综合评分规则（平台默认）",
}
EXTRA: dict[str, tuple[Item, ...]] = {
    Industry.HOUSING: (),
    Industry.TRANSPORT: (
        Item("M10", "隐蔽工程（路基、桥梁基础等）未按流程申报、旁站验收", K.SUPERVISING_FIRM,
             "-2", "6", "12", MANUAL, SY, "第四十三条、第四十六条"),
    ),
    Industry.WATER: (
        Item("M10", "隐蔽工程（堤防、水下工程等）未按流程申报、旁站验收", K.SUPERVISING_FIRM,
             "-2", "6", "12", MANUAL, SY, "第四十三条、第四十六条"),
    ),
}  # fmt: skip


def default_items(industry: str) -> list[Item]:
    """The default items of ``industry`` (ValidationFailed for an industry
    without defaults)."""
    if industry not in TITLES:
        raise ValidationFailed(
            "该行业没有平台默认评分规则（房建市政、交通、水利）", field="industry"
        )
    return [*COMMON, *EXTRA[industry]]


def install_defaults(*, actor: Actor, authority: Organisation, effective_from: dt.date) -> RuleSet:
    """Version 1 of ``authority``'s rules for its industry, effective from
    ``effective_from``, with the default items; refused when the authority
    already has rules for that industry."""
    if authority.kind != OrgKind.INDUSTRY_AUTHORITY or not authority.industry:
        raise ValidationFailed("评分规则由行业主管部门制定", field="authority")
    industry = str(authority.industry)
    items = default_items(industry)
    with transaction.atomic():
        writes.lock(Organisation, authority.pk)
        if RuleSet.objects.filter(authority=authority, industry=industry).exists():
            raise Conflict("该部门该行业已有评分规则，不能再装入平台默认规则")
        now = clock.now()
        rs = RuleSet.objects.create(
            authority=authority,
            industry=industry,
            version=1,
            title=TITLES[Industry(industry)],
            state=RuleSetState.EFFECTIVE,
            effective_from=effective_from,
            note=DEFAULT_NOTE,
            drafted_at=now,
            approved_at=now,
            review_opinion="平台默认规则，由平台直接施行",
        )
        RuleItem.objects.bulk_create(
            RuleItem(
                rule_set=rs,
                code=i.code,
                description=i.description,
                subject_kind=str(i.subject_kind),
                points=Decimal(i.points),
                cap_per_project=Decimal(i.cap_per_project) if i.cap_per_project else None,
                cap_per_year=Decimal(i.cap_per_year) if i.cap_per_year else None,
                trigger=i.trigger,
                basis_document=i.basis_document,
                basis_article=i.basis_article,
                order=n,
            )
            for n, i in enumerate(items, start=1)
        )
        from .steps_rules import snapshot_rule_set

        writes.created(
            rs,
            actor=actor,
            action="credit.rule_set_defaults_installed",
            snapshot=snapshot_rule_set,
        )
    return rs
