"""Demo data of the draw part: work lists of the housing and transport
authorities and the office, a housing plan awaiting approval, the office's
joint plan (a routine round this quarter and a special round), one completed
draw (committed, drawn, revealed) and the next round committed but not drawn."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from postaward.core import clock
from postaward.orgs.actors import actor_for_username
from postaward.orgs.models import User

from . import services_draw as svc
from .models import Method, RoundKind, Sampling, Stage

QZ = "衢州市政府投资工程建设项目标后监管实施细则"
HC = "关于进一步加强房屋建筑和市政基础设施工程招标投标监管的通知"
YJ = "关于建立健全招标投标领域优化营商环境长效机制的通知"

ITEMS = {
    "housing_staff": [
        (
            "项目经理、总监理工程师到岗履职情况",
            QZ,
            "第五条",
            "5",
            "每季度",
            Method.ON_SITE,
            Stage.AFTER,
            True,
        ),
        ("施工现场质量安全行为", HC, "二（四）2", "5", "每季度", Method.ON_SITE, Stage.AFTER, True),
        ("合同履约及变更情况", QZ, "第五条", "5", "每季度", Method.DOCUMENTS, Stage.AFTER, False),
    ],
    "transport_staff": [
        (
            "交通工程关键岗位人员在岗情况",
            QZ,
            "第五条",
            "10",
            "每季度",
            Method.ON_SITE,
            Stage.AFTER,
            True,
        ),
        (
            "招标投标及合同签订情况",
            YJ,
            "二（二）",
            "20",
            "每半年",
            Method.DOCUMENTS,
            Stage.DURING,
            False,
        ),
    ],
    "office_staff": [
        ("考勤及实名制数据网络监测", QZ, "第五条", "5", "每月", Method.ONLINE, Stage.AFTER, True),
    ],
}


def _present(*usernames: str) -> bool:
    return User.objects.filter(username__in=usernames).count() == len(usernames)


def seed_demo(b: Any = None) -> None:
    if not _present(
        "office_staff", "office_head", "housing_staff", "housing_head", "transport_staff"
    ):
        return
    year = clock.today().year
    quarter = (clock.today().month - 1) // 3 + 1
    made: dict[str, list[int]] = {}
    for username, rows in ITEMS.items():
        a = actor_for_username(username)
        for name, doc, art, ratio, freq, method, stage, unannounced in rows:
            item = svc.create_item(
                actor=a,
                year=year,
                name=name,
                basis_document=doc,
                basis_article=art,
                ratio_pct=Decimal(ratio),
                frequency=freq,
                method=method,
                stage=stage,
                unannounced=unannounced,
            )
            made.setdefault(username, []).append(item.pk)

    # the housing authority's own plan, waiting for its leader's approval
    housing = actor_for_username("housing_staff")
    hp = svc.create_plan(actor=housing, year=year, title=f"区住建局{year}年度双随机抽查计划")
    for q, kind, title in (
        (quarter, RoundKind.ROUTINE, "日常抽查"),
        (4, RoundKind.SPECIAL, "质量安全专项检查"),
    ):
        svc.add_round(
            actor=housing,
            plan=hp,
            quarter=q,
            kind=kind,
            title=title,
            item_ids=made["housing_staff"],
        )
    svc.submit_plan(actor=housing, obj=hp)

    # the office's joint plan: approved, one round drawn and revealed, the next committed
    office = actor_for_username("office_staff")
    jp = svc.create_plan(
        actor=office,
        year=year,
        title=f"{year}年度工程建设项目标后监管联合抽查计划",
        note="一单两库：各行业主管部门监管工作清单汇总为检查事项清单",
    )
    all_items = [pk for pks in made.values() for pk in pks]
    routine = svc.add_round(
        actor=office,
        plan=jp,
        quarter=quarter,
        kind=RoundKind.ROUTINE,
        title="季度双随机抽查",
        item_ids=all_items,
    )
    special = svc.add_round(
        actor=office,
        plan=jp,
        quarter=min(quarter + 1, 4),
        kind=RoundKind.SPECIAL,
        title="关键岗位人员到岗履职专项检查",
        item_ids=[made["housing_staff"][0], made["transport_staff"][0]],
        sampling=Sampling.RANDOM,
    )
    svc.submit_plan(actor=office, obj=jp)
    svc.approve_plan(actor=actor_for_username("office_head"), obj=jp, note="同意")
    if not svc.pool_projects(routine):
        return  # a district without projects yet: the plan waits for its first draw
    d = svc.commit(actor=office, round=routine)
    d = svc.run_draw(actor=office, obj=d)
    svc.reveal(actor=office, obj=d)
    if svc.pool_projects(special):
        svc.commit(actor=office, round=special)
