"""Inspections in each state, built through the services (fixed values)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from postaward.cases.models import EnforcementCertificate
from postaward.cases.tests import factories as case_factories
from postaward.core import clock
from postaward.core.files import minimal_image
from postaward.testing import District

from .. import services_visits as svc
from ..models.visits import (
    Disposition,
    Finding,
    Inspection,
    InspectionState,
    ItemResult,
    RectificationOrder,
)

S = InspectionState
ITEMS = [
    svc.ChecklistItem(
        "项目经理到岗履职", "衢州市政府投资工程建设项目标后监管实施细则 第五条", "现场检查", "标后"
    ),
    svc.ChecklistItem(
        "合同履约及分包", "衢州市政府投资工程建设项目标后监管实施细则 第二条", "资料检查", "标后"
    ),
]


def staff(d: District) -> District:
    return case_factories.staff(d)


def certs(d: District, *users: str) -> list[EnforcementCertificate]:
    return [
        EnforcementCertificate.objects.select_related("person", "department").get(
            person=d.users[u].person
        )
        for u in users
    ]


def scheduled(
    d: District,
    *,
    dept: str = "housing",
    project: str = "p_school",
    team: tuple[str, ...] = ("housing_staff", "office_staff"),
    announced: bool = True,
    items: list[svc.ChecklistItem] | None = None,
    start: dt.date | None = None,
    days: int = 10,
) -> Inspection:
    staff(d)
    start = start or clock.today()
    return svc.schedule_inspection(
        d.actor("office_staff"),
        project=d.projects[project],
        department=d.orgs[dept],
        inspectors=certs(d, *team),
        items=items or ITEMS,
        period_start=start,
        period_end=start + dt.timedelta(days=days),
        announced=announced,
        kind="random",
        source="manual",
    )


def photo() -> SimpleUploadedFile:
    return case_factories._Rereadable("现场.jpg", minimal_image(), "image/jpeg")


def _fresh(i: Inspection) -> Inspection:
    return Inspection.objects.get(pk=i.pk)


def on_site(d: District, **kw: Any) -> Inspection:
    i = scheduled(d, **kw)
    if i.announced:
        svc.notify(actor=d.actor("housing_staff"), obj=_fresh(i))
    svc.start_visit(actor=d.actor("housing_staff"), obj=_fresh(i))
    return _fresh(i)


def with_finding(d: District, **kw: Any) -> Inspection:
    """On site: the first item a finding on contractor A, the second compliant."""
    i = on_site(d, **kw)
    first, second = list(i.items.all())
    svc.record_result(
        actor=d.actor("housing_staff"),
        obj=_fresh(i),
        item_id=first.pk,
        result=ItemResult.FINDING,
        description="项目经理连续三日不在岗",
        subject_org_id=d.orgs["contractor_a"].pk,
        photo=photo(),
        lat="30.03",
        lon="120.87",
        taken_at="2026-03-10T09:30:00+08:00",
    )
    svc.record_result(
        actor=d.actor("housing_staff"),
        obj=_fresh(i),
        item_id=second.pk,
        result=ItemResult.COMPLIANT,
    )
    return _fresh(i)


def finding_of(i: Inspection) -> Finding:
    return Finding.objects.filter(inspection=i).order_by("pk").first()  # type: ignore[return-value]


def disposed(d: District, disposition: str = Disposition.RECTIFY, **kw: Any) -> Inspection:
    i = with_finding(d, **kw)
    svc.dispose(
        actor=d.actor("housing_staff"),
        obj=_fresh(i),
        finding_id=finding_of(i).pk,
        disposition=disposition,
        note="限期整改，项目经理须到岗",
        first_minor=True,
        days=5,
    )
    return _fresh(i)


def signed(d: District, **kw: Any) -> Inspection:
    i = disposed(d, **kw)
    for u in ("housing_staff", "office_staff"):
        svc.sign_record(actor=d.actor(u), obj=_fresh(i))
    return _fresh(i)


def reported(d: District, **kw: Any) -> Inspection:
    i = signed(d, **kw)
    svc.report(actor=d.actor("housing_staff"), obj=_fresh(i), report="检查发现一个问题，已责令整改")
    return _fresh(i)


def signed_off(d: District, **kw: Any) -> Inspection:
    i = reported(d, **kw)
    svc.sign_off(actor=d.actor("office_head"), obj=_fresh(i), note="同意")
    return _fresh(i)


def published(d: District, **kw: Any) -> Inspection:
    i = signed_off(d, **kw)
    svc.publish_results(actor=d.actor("office_staff"), obj=_fresh(i))
    return _fresh(i)


def order(d: District, **kw: Any) -> RectificationOrder:
    i = disposed(d, **kw)
    return RectificationOrder.objects.get(inspection=i)


def replied(d: District, **kw: Any) -> RectificationOrder:
    o = order(d, **kw)
    svc.reply(actor=d.actor("contractor_a_admin"), obj=o, text="项目经理已到岗，附考勤记录")
    return RectificationOrder.objects.get(pk=o.pk)


AT = {
    S.SCHEDULED: scheduled,
    S.ON_SITE: on_site,
    S.RECORD_SIGNED: signed,
    S.REPORTED: reported,
    S.SIGNED_OFF: signed_off,
    S.PUBLISHED: published,
}


def at(state: str, **kw: Any) -> Any:
    def build(d: District) -> Inspection:
        return AT[state](d, **kw)

    return build
