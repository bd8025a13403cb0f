"""The demo district's interference register (R-ACT-06): a record by an
owner's staff, one about a public official (referred to discipline inspection
on submission), one from the public site anonymously; and the register and
integrity-risk rules of a few units (the others show on the office's
missing-list)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from postaward.core import clock, files
from postaward.core.actor import ANONYMOUS
from postaward.orgs.actors import actor_for
from postaward.orgs.choices import OrgKind, Role
from postaward.orgs.models import User
from postaward.projects.models import Project

from . import integrity_interference as integrity
from . import services_interference as svc
from .choices_interference import RuleKind


def _user(kind: str, *roles: str) -> User | None:
    qs = User.objects.filter(organisation__kind=kind, is_active=True)
    if roles:
        qs = qs.filter(role_grants__role__in=roles)
    return qs.order_by("pk").first()


def _pdf(name: str, line: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, files.minimal_pdf([line]), content_type="application/pdf")


def seed_demo(b: Any) -> None:
    owner = _user(OrgKind.OWNER, Role.ADMIN)
    authority = _user(OrgKind.INDUSTRY_AUTHORITY, Role.AUTHORITY_STAFF, Role.ADMIN)
    if owner is None or authority is None:
        return
    today = clock.today()
    project = Project.objects.filter(owner_id=owner.organisation_id).order_by("pk").first()
    svc.record(
        actor=actor_for(owner),
        report=svc.Report(
            intervener_kind="leader",
            intervener_name="钱某",
            intervener_post="某局副局长",
            intervener_unit="区某局",
            occurred_on=today - dt.timedelta(days=6),
            kind="greeting",
            stage="supervision",
            project_id=project.pk if project else None,
            request_text="电话要求对施工单位项目经理未到岗的情况“不要记分、口头提醒即可”。",
            evidence_note="通话记录截图",
        ),
        evidence=_pdf("通话记录.pdf", "call log"),
    )
    svc.record(
        actor=actor_for(authority),
        report=svc.Report(
            intervener_kind="leader",
            intervener_name="孙某",
            intervener_post="某镇党委委员",
            intervener_unit="某镇人民政府",
            concerns_officials=True,
            occurred_on=today - dt.timedelta(days=3),
            kind="note",
            stage="bidding",
            project_text="某村文化礼堂改造工程",
            request_text="递条子要求招标代理机构把某建筑公司列入邀请投标名单。",
        ),
    )
    svc.record_public(
        actor=ANONYMOUS,
        report=svc.Report(
            intervener_kind="department",
            intervener_name="某街道办事处",
            occurred_on=today - dt.timedelta(days=1),
            kind="connections",
            stage="supervision",
            project_text="某道路提升工程",
            request_text="托人拉关系，要求监理对隐蔽工程验收“通融一下”。",
        ),
        source="demo",
    )
    for user in (owner, authority):
        for kind, title in (
            (RuleKind.REGISTER, "插手干预招投标登记报告制度"),
            (RuleKind.INTEGRITY, "廉政风险防控制度"),
        ):
            integrity.file_rule(
                actor=actor_for(user),
                kind=kind,
                title=title,
                effective_on=dt.date(today.year, 9, 1)
                if today.month >= 9
                else dt.date(today.year - 1, 9, 1),
                file=_pdf(f"{title}.pdf", "rule"),
            )
