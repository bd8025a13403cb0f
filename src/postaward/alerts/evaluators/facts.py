"""Shared facts of the evaluators: the documents they cite, a project's facts,
readable names of organisations, persons, positions and times."""

from __future__ import annotations

import datetime as dt
from typing import Any

from postaward.core import clock

SY = "《上虞区政府投资（国有建设）项目监督管理实施细则（试行）》"
QZ = "《衢州市政府投资工程建设项目标后监管实施细则》"
QZA = "《衢州市政府投资工程建设项目标后监管问责办法》"
LC = "《聊城市规范公共资源交易工作方案》"
APPROVALS = "postaward.approvals"
REPEATED_ALERTS = "enterprise.repeated_alerts"


# --- shared facts ------------------------------------------------------------------------------


def _project(pid: int | None) -> Any:
    if not pid:
        return None
    from postaward.projects.models import Project

    return Project.objects.filter(pk=pid).select_related("owner").first()


def project_facts(pid: int | None) -> dict[str, Any]:
    p = _project(pid)
    if p is None:
        return {"project": "（未关联项目）", "project_code": "", "project_text": ""}
    return {
        "project": p.name,
        "project_code": p.code,
        "project_text": f"项目：{p.name}（{p.code}）。",
    }


def _org_name(org_id: int | None) -> str:
    from postaward.orgs.models import Organisation

    if not org_id:
        return ""
    return Organisation.objects.filter(pk=org_id).values_list("name", flat=True).first() or ""


def _person_name(person_id: int | None) -> str:
    from postaward.orgs.models import Person

    if not person_id:
        return ""
    return Person.objects.filter(pk=person_id).values_list("name", flat=True).first() or ""


def _position_label(value: str) -> str:
    from postaward.projects.choices import Position

    try:
        return str(Position(value).label)
    except ValueError:
        return value


def _fmt_dt(value: str | None) -> str:
    if not value:
        return ""
    try:
        return f"{clock.localtime(dt.datetime.fromisoformat(value)):%Y-%m-%d %H:%M}"
    except ValueError:
        return str(value)


def _payload(evt: Any) -> dict[str, Any]:
    return evt.to_payload() if hasattr(evt, "to_payload") else dict(evt)
