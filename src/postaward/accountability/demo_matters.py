"""The demo district's data of the matters part: one matter decided (通报,
so the award register shows it) and one pending with the competent body."""

from __future__ import annotations

from typing import Any

from postaward.core import clock


def seed_demo(b: Any) -> None:
    """Two clues about the demo owner (``owner_admin``'s unit) confirmed and
    transferred to its superior unit (``superior_admin``); the first decided
    通报 by it."""
    from postaward.orgs.actors import actor_for
    from postaward.orgs.models import User
    from postaward.projects.models import Project

    from . import services_clues, services_matters
    from .choices import ClueSource, ClueState, Party
    from .models import Clue, Matter

    if Matter.objects.exists():
        return
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=("office_staff", "superior_admin", "owner_leader", "owner_head")
        ).select_related("organisation", "person")
    }
    if len(users) < 4:
        return
    office = actor_for(users["office_staff"])
    owner = users["owner_leader"].organisation
    project = Project.objects.filter(owner=owner).order_by("pk").first()
    cases = [
        (users["owner_leader"].person, "项目竣工验收前擅自投入使用，未按规定组织验收"),
        (users["owner_head"].person, "设计变更未按程序报批即组织施工（先施工后变更）"),
    ]
    matters = []
    for person, facts in cases:
        clue = services_clues.register(
            office,
            office=users["office_staff"].organisation,
            source=ClueSource.DEPARTMENTAL_CHECK,
            party=Party.OWNER,
            unit=owner,
            project=project,
            facts=facts,
            persons=[person],
            occurred_on=clock.today(),
        )
        # the clues part's confirmation (its own step) is not what this demo shows
        Clue.objects.filter(pk=clue.pk).update(
            state=ClueState.CONFIRMED, decision_reason="经核实，情况属实，需要问责"
        )
        superior = services_matters.superior_of(owner)
        if superior is None:
            return
        matters.append(
            services_matters.transfer(
                actor=office,
                clue_id=clue.pk,
                body_id=superior.pk,
                transfer_note="经核实，建设单位相关人员履职不到位，建议按干部管理权限依规问责",
            )
        )
    mp = matters[0].persons.select_related("matter").get()
    services_matters.decide(
        actor=actor_for(users["superior_admin"]),
        obj=mp,
        measures=["circulated"],
        decided_on=clock.today(),
        decision_document=f"教党〔{clock.today().year}〕8号",
        decision_note="予以通报，责令限期整改",
    )
