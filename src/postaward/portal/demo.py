"""Demo data of the published results (``postaward demo``): one penalty
decision signed off and published on the public site, one waiting in the
office's worklist (待公示), as the cases capability's sign-off would create
them (case ids far above any real case's)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from postaward.core import clock
from postaward.orgs.actors import actor_for
from postaward.orgs.choices import OrgKind, Role
from postaward.orgs.models import Organisation, User

from . import publications


def _signed(office: Organisation, n: int, name: str, days_ago: int) -> Any:
    on = clock.today() - dt.timedelta(days=days_ago)
    return publications.take_signed_off(
        SimpleNamespace(
            case_id=990101 + n,
            case_number=f"AJ-{on.year}-{9101 + n}",
            office_id=office.pk,
            kind="penalty",
            title=f"关于{name}行政处罚决定的公示",
            subject_name=name,
            text=(
                f"当事人：{name}，联系电话13800001234。\n"
                "经查，当事人在政府投资项目施工中未按规定配备项目管理人员，"
                "违反《建设工程质量管理条例》第二十六条，依据第六十四条决定罚款3万元，并责令改正。"
            ),
            decision_number=f"住建罚〔{on.year}〕{41 + n}号",
            decided_on=(on - dt.timedelta(days=3)).isoformat(),
            signed_off_at=(clock.now() - dt.timedelta(days=days_ago)).isoformat(),
        )
    )


def seed_demo(b: Any = None) -> int:
    office = Organisation.objects.filter(kind=OrgKind.SUPERVISION_OFFICE).order_by("pk").first()
    staff = User.objects.filter(
        organisation=office, role_grants__role=Role.OFFICE_STAFF, is_active=True
    ).first()
    if office is None or staff is None:
        return 0
    company = Organisation.objects.filter(kind=OrgKind.CONTRACTOR).order_by("pk").first()
    first = _signed(office, 0, company.name if company else "某建设有限公司", 6)
    publications.publish(actor=actor_for(staff), obj=first)
    _signed(office, 1, "李建国", 2)
    return 2
