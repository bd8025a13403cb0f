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
    # the badge: the actor's open to-dos whose kind starts with one of these
    # prefixes ("" = every to-do) …
    todo_kinds: tuple[str, ...] = ()
    # … or another count (unread messages)
    count: Callable[[Actor], int] | None = None


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


def set_badge(
    url_name: str, *, todo_kinds: tuple[str, ...] = (), count: Callable[[Actor], int] | None = None
) -> None:
    """Give the menu entry ``url_name`` a count badge (apps call this in ``ready``)."""
    for sec in _sections.values():
        for item in sec.items:
            if item.url_name == url_name:
                item.todo_kinds = todo_kinds
                item.count = count


def todo_kinds(actor: Actor) -> list[str]:
    """The kinds of the actor's open to-dos, one per to-do (one query per page)."""
    from .models import Todo

    return list(
        Todo.objects.visible_to(actor).filter(state=Todo.State.OPEN).values_list("kind", flat=True)
    )


def badge_of(item: Item, actor: Actor, kinds: list[str]) -> int:
    if item.count is not None:
        return item.count(actor)
    if not item.todo_kinds:
        return 0
    return sum(1 for k in kinds if any(k.startswith(p) for p in item.todo_kinds))


def build(
    actor: Actor,
    current_path: str = "",
    *,
    enterprise: bool = False,
    kinds: list[str] | None = None,
) -> list[dict]:
    """The menu of ``actor``; ``kinds`` are the actor's open to-dos' kinds when
    the caller already read them (``todo_kinds``), else read here if a badge
    needs them. Each visibility predicate runs once per build: several entries
    share one (ADR 0084)."""
    out = []
    seen: dict[Predicate, bool] = {}
    for sec in sorted(_sections.values(), key=lambda s: s.order):
        entries = []
        for item in sorted(sec.items, key=lambda i: i.order):
            if item.visible not in seen:
                seen[item.visible] = bool(item.visible(actor))
            if not seen[item.visible]:
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            active = current_path == url or (url != "/" and current_path.startswith(url))
            badge = 0
            if item.todo_kinds or item.count is not None:
                if kinds is None and actor.is_authenticated:
                    kinds = todo_kinds(actor)
                badge = badge_of(item, actor, kinds or [])
            entries.append(
                {
                    "label": item.label,
                    "url": url,
                    "icon": item.icon,
                    "active": active,
                    "badge": badge,
                }
            )
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
                }
            )
    return _most_specific_active(out)


def _most_specific_active(sections: list[dict]) -> list[dict]:
    """Only the entry whose URL matches the page most closely stays active
    (``/credit/enterprises/3/`` lights 年度综合评分, not also 信用记录 at
    ``/credit/``); its section is open."""
    active = [e for sec in sections for e in sec["items"] if e["active"]]
    best = max((len(e["url"]) for e in active), default=0)
    for sec in sections:
        for e in sec["items"]:
            e["active"] = e["active"] and len(e["url"]) == best
        sec["open"] = any(e["active"] for e in sec["items"])
    return sections


# The sections every deployment has, in menu order.
section("work", "工作台", "bi-speedometer2", 10)
section("projects", "项目监管", "bi-building", 20, enterprise_label="参建项目")
section("attendance", "现场考勤", "bi-geo-alt", 30, enterprise_label="考勤打卡")
section("approvals", "流程审批", "bi-check2-square", 40, enterprise_label="流程申报")
section("alerts", "预警监督", "bi-exclamation-triangle", 50)
section("orgs", "组织人员", "bi-diagram-3", 80)
section("system", "系统管理", "bi-gear", 90)
