"""The left menu tree, by capability, filtered by what the actor may use.

Apps add their entries in ``AppConfig.ready``; an entry whose URL does not exist
is skipped, so the menu never links to a missing page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from .actor import Actor

Predicate = Callable[[Actor], bool]


def anyone(actor: Actor) -> bool:
    return actor.is_authenticated


@dataclass
class Item:
    label: str
    url_name: str
    icon: str = "bi-dot"
    visible: Predicate = anyone
    order: int = 100


@dataclass
class Section:
    key: str
    label: str
    icon: str
    order: int
    items: list[Item] = field(default_factory=list)
    enterprise_label: str = ""  # the enterprise portal names some sections differently


_sections: dict[str, Section] = {}


def section(key: str, label: str, icon: str, order: int, enterprise_label: str = "") -> Section:
    if key not in _sections:
        _sections[key] = Section(key, label, icon, order, enterprise_label=enterprise_label)
    return _sections[key]


def add(section_key: str, item: Item) -> None:
    sec = _sections[section_key]
    if all(i.url_name != item.url_name for i in sec.items):
        sec.items.append(item)


def build(actor: Actor, current_path: str = "", *, enterprise: bool = False) -> list[dict]:
    out = []
    for sec in sorted(_sections.values(), key=lambda s: s.order):
        entries = []
        for item in sorted(sec.items, key=lambda i: i.order):
            if not item.visible(actor):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            active = current_path == url or (url != "/" and current_path.startswith(url))
            entries.append({"label": item.label, "url": url, "icon": item.icon, "active": active})
        if entries:
            out.append(
                {
                    "key": sec.key,
                    # the enterprise portal names some sections differently (SY art. 9)
                    "label": sec.enterprise_label
                    if enterprise and sec.enterprise_label
                    else sec.label,
                    "icon": sec.icon,
                    "items": entries,
                    "open": any(e["active"] for e in entries),
                }
            )
    return out


# The sections every deployment has, in menu order.
section("work", "工作台", "bi-speedometer2", 10)
section("projects", "项目监管", "bi-building", 20, enterprise_label="参建项目")
section("attendance", "现场考勤", "bi-geo-alt", 30, enterprise_label="考勤打卡")
section("approvals", "流程审批", "bi-check2-square", 40, enterprise_label="流程申报")
section("alerts", "预警监督", "bi-exclamation-triangle", 50)
section("orgs", "组织人员", "bi-diagram-3", 80)
section("system", "系统管理", "bi-gear", 90)
