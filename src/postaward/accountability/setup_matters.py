"""The matters part: registers its steps, menu items, the award-eligibility
section of a person's page and its audit labels."""

from __future__ import annotations

from typing import Any

AUDIT_LABELS = {
    "accountability.matter_transferred": "移送有权机关（问责事项）",
    "accountability.matter_clue_transferred": "问责线索移送有权机关",
    "accountability.matter_read": "查阅问责事项",
    "accountability.matter_decided": "问责事项办结",
    "accountability.matter_referred": "问责事项移送纪检监察机关",
    "accountability.matter_person_decided": "录入问责决定",
    "accountability.matter_person_obstruction": "记录干扰、阻碍调查",
}


def award_section(person: Any, actor: Any) -> dict[str, Any] | None:
    """The person's page: this year's (and last year's) award eligibility
    (QZ 附件2 art. 12), for those who may ask and the person."""
    from postaward.core import clock

    from . import services_matters as sm

    if not (sm.may_check_eligibility(actor) or actor.person_id == person.pk):
        return None
    year = clock.today().year
    rows = []
    for y in (year, year - 1):
        found = sm.ineligible(person.pk, y)
        if found:
            why = "；".join(
                f"{p.matter.number} {sm.measures_text(p.measures)}"
                f"（{p.decided_on:%Y-%m-%d} {p.decision_document}）"
                for p in found
            )
            rows.append((f"{y}年度", f"已取消：{why}", "red"))
        else:
            rows.append((f"{y}年度", "未受通报及以上问责处理，资格未取消", ""))
    return {
        "title": "评优评先资格",
        "icon": "bi-award",
        "rows": rows,
        "note": "依据：《衢州市政府投资工程建设项目标后监管问责办法》第十二条"
        "（受到通报及以上问责处理的，取消当年各类评优评先资格）",
        "testid": "award-eligibility",
    }


def ready() -> None:
    """Called once from AccountabilityConfig.ready()."""
    from postaward.core import audit_labels, menu
    from postaward.core.menu import Item
    from postaward.orgs import selectors as org_selectors

    from . import (
        events_matters,  # noqa: F401  (registers accountability.decided)
        steps_matters,
    )
    from .services_matters import may_see_matters

    steps_matters.register()
    menu.add(
        "accountability",
        Item("问责事项台账", "accountability_matter_list", "bi-journal-text", may_see_matters, 30),
    )
    menu.add(
        "accountability",
        Item(
            "评优评先资格取消名单",
            "accountability_award_register",
            "bi-slash-circle",
            may_see_matters,
            40,
        ),
    )
    menu.add(
        "accountability",
        Item("问责统计", "accountability_stats", "bi-bar-chart", may_see_matters, 90),
    )
    org_selectors.register_person_section(award_section)
    audit_labels.resolver("accountability.matter", AUDIT_LABELS.get)
