"""OCDS 1.1 releases and records of the platform's contracting processes (issue 18,
ADR 0910, 0911).

One contracting process per project (as the award import reads it, one release =
one project). Its releases are snapshots, each carrying the award data as the
import reads it (so that a re-import changes nothing, ADR 0911) and what had
happened by its date: approved changes as contract amendments, acceptance and
settlement as milestones, the final payment as a transaction. Only public fields:
organisations by name and unified social credit code; no person, no mobile, no
free text that was not masked (``core.masking``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

from postaward.core import clock
from postaward.core.masking import mask_text
from postaward.projects.choices import (
    ParticipantRole,
    ProcurementMethod,
    ProjectClass,
    ProjectStatus,
)
from postaward.projects.models import Participant, Project

OCDS_VERSION = "1.1"
EXTENSION_URL_PATH = "/static/integrations/postaward-extension.json"
# Contract status (OCDS contractStatus codelist) by project status.
ENDED = frozenset({ProjectStatus.TERMINATED, ProjectStatus.DEPOSIT_RETURNED})
# Party roles (OCDS partyRole codelist) by participant role.
PARTY_ROLES = {ParticipantRole.TENDER_AGENT: ["procuringEntity"]}


def ocid_prefix() -> str:
    return str(getattr(settings, "POSTAWARD_OCDS_PREFIX", "ocds-pawd00"))


def ocid_of(project: Project) -> str:
    """The bidding system's ocid when the award came from it; else the platform's
    own under its registered prefix (ADR 0910)."""
    return project.ocid or f"{ocid_prefix()}-{project.code}"


def _at(day: dt.date | None) -> str | None:
    return clock.start_of_day(day).isoformat() if day else None


def _iso(moment: dt.datetime) -> str:
    return clock.localtime(moment).isoformat()


def _money(amount: Decimal | None) -> dict[str, Any] | None:
    if amount is None:
        return None
    return {"amount": float(amount), "currency": "CNY"}


def _clean(obj: Any) -> Any:
    """Leave out empty values (OCDS: omit rather than null)."""
    if isinstance(obj, dict):
        out = {k: _clean(v) for k, v in obj.items()}
        return {k: v for k, v in out.items() if v not in (None, "", [], {})}
    if isinstance(obj, list):
        return [_clean(v) for v in obj if v not in (None, "", [], {})]
    return obj


def party_id(org: Any) -> str:
    return f"CN-USCC-{org.uscc}" if org.uscc else f"postaward-org-{org.pk}"


def _party(org: Any, roles: list[str]) -> dict[str, Any]:
    ident = {"scheme": "CN-USCC", "id": org.uscc, "legalName": org.name} if org.uscc else None
    return {"id": party_id(org), "name": org.name, "identifier": ident, "roles": roles}


def _ref(org: Any) -> dict[str, Any]:
    return {"id": party_id(org), "name": org.name}


@dataclass
class Process:
    """A project with what its releases need, loaded once (``queries.public``)."""

    project: Project
    participants: list[Participant]
    changes: list[Any]  # approved engineering changes, by approval time

    @classmethod
    def of(cls, project: Project) -> Process:
        return cls(
            project=project,
            participants=list(project.participants.all()),
            changes=list(getattr(project, "approved_changes", [])),
        )

    @property
    def ocid(self) -> str:
        return ocid_of(self.project)

    @property
    def contractor(self) -> Participant | None:
        return next((p for p in self.participants if p.role == ParticipantRole.CONTRACTOR), None)


# --- one snapshot --------------------------------------------------------------------------------


def _tender(p: Project) -> dict[str, Any]:
    method, details = "open", "招标"
    if p.procurement_method == ProcurementMethod.DIRECT_AWARD:
        method, details = "direct", "直接发包"
    elif p.procurement_method == ProcurementMethod.EMERGENCY:
        method, details = "direct", "应急工程"
    item = {
        "id": "1",
        "description": p.name,
        "deliveryAddress": {"streetAddress": p.site_address, "region": p.region_name},
    }
    return {
        "id": p.code,
        "title": p.name,
        "status": "complete",
        "mainProcurementCategory": "works",
        "procurementMethod": method,
        "procurementMethodDetails": details,
        "items": [item],
    }


def _site(p: Project) -> dict[str, Any] | None:
    if p.site_kind == "circle" and p.site_lon is not None and p.site_radius_m:
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [p.site_lon, p.site_lat]},
            "properties": {"radius": p.site_radius_m},
        }
    if p.site_kind == "polygon" and p.site_polygon:
        return {
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [p.site_polygon]},
            "properties": {},
        }
    return None


def _extension(p: Project) -> dict[str, Any]:
    """The ``postaward`` object the import reads (``projects.ocds.Extension``)."""
    return {
        "industry": p.industry,
        "smallWorks": p.is_small_works,
        "villageWorks": p.project_class == ProjectClass.VILLAGE,
        "superLarge": p.project_class == ProjectClass.SUPER_LARGE,
        "regionCode": p.region_code,
        "regionName": p.region_name,
        "address": p.site_address,
        "site": _site(p),
        "projectStatus": p.status,
    }


def _award_id(line: Participant) -> str:
    return f"{line.role}-{line.pk}"


def _milestones(p: Project, until: dt.date) -> list[dict[str, Any]]:
    out = []
    for key, title, kind, day in (
        ("works_started", "实际开工", "delivery", p.actual_start),
        ("completed", "完工", "delivery", p.actual_completion),
        ("accepted", "竣工验收", "assessment", p.accepted_on),
        ("settlement_submitted", "结算送审", "reporting", p.settlement_submitted_on),
        ("settled", "结算审定", "approval", p.settled_on),
        ("deposit_returned", "质保金退还", "financing", p.deposit_returned_on),
    ):
        if day and day <= until:
            out.append(
                {"id": key, "title": title, "type": kind, "status": "met", "dateMet": _at(day)}
            )
    return out


def _transactions(proc: Process, until: dt.date) -> list[dict[str, Any]]:
    p, contractor = proc.project, proc.contractor
    if not (p.funds_paid_on and p.funds_paid_on <= until and p.settled_amount and contractor):
        return []
    tx: dict[str, Any] = {
        "id": "funds-paid",
        "date": _at(p.funds_paid_on),
        "value": _money(p.settled_amount),
        "payee": _ref(contractor.organisation),
    }
    if p.owner is not None:
        tx["payer"] = _ref(p.owner)
    return [tx]


def _amendments(proc: Process, until: dt.datetime) -> list[dict[str, Any]]:
    out = []
    for c in proc.changes:
        if c.approved_at is None or c.approved_at > until:
            continue
        desc = f"{c.title}（费用增减 {c.cost_delta} 元，工期增减 {c.days_delta} 天）"
        out.append(
            {
                "id": c.number,
                "date": _iso(c.approved_at),
                "rationale": c.get_category_display(),
                "description": mask_text(desc),
                "releaseID": f"{proc.ocid}-change-{c.number}",
            }
        )
    return out


def _contract(
    proc: Process, line: Participant, until: dt.datetime, *, main: bool
) -> dict[str, Any]:
    p = proc.project
    contract: dict[str, Any] = {
        "id": line.contract_number,
        "awardID": _award_id(line),
        "title": line.get_role_display(),
        "status": "terminated" if p.status in ENDED else "active",
        "value": _money(line.contract_amount),
        "dateSigned": _at(line.contract_signed_on),
    }
    if main:
        contract["period"] = {
            "startDate": _at(p.planned_start),
            "endDate": _at(p.planned_completion),
        }
        day = clock.local_date(until)
        contract["amendments"] = _amendments(proc, until)
        contract["implementation"] = {
            "milestones": _milestones(p, day),
            "transactions": _transactions(proc, day),
        }
    return contract


def snapshot(proc: Process, release_id: str, date: dt.datetime, tags: list[str]) -> dict[str, Any]:
    """The release of ``proc`` as it stood at ``date``."""
    p = proc.project
    parties: dict[str, dict[str, Any]] = {}
    if p.owner is not None:
        parties[party_id(p.owner)] = _party(p.owner, ["buyer"])
    awards, contracts = [], []
    for line in proc.participants:
        org = line.organisation
        roles = PARTY_ROLES.get(line.role, ["tenderer", "supplier"])  # type: ignore[call-overload]
        entry = parties.setdefault(party_id(org), _party(org, []))
        entry["roles"] = sorted(set(entry["roles"]) | set(roles))
        if line.role == ParticipantRole.TENDER_AGENT:
            continue
        main = line.role == ParticipantRole.CONTRACTOR
        amount = p.contract_amount if main else line.contract_amount
        awards.append(
            {
                "id": _award_id(line),
                "title": f"{line.get_role_display()}中标",
                "status": "active",
                "date": _at(p.award_date),
                "value": _money(amount),
                "suppliers": [_ref(org)],
                "participantRole": line.role,
            }
        )
        if line.contract_number:
            contracts.append(_contract(proc, line, date, main=main))
    release = {
        "ocid": proc.ocid,
        "id": release_id,
        "date": _iso(date),
        "tag": tags,
        "initiationType": "tender",
        "language": "zh",
        "parties": list(parties.values()),
        "buyer": _ref(p.owner) if p.owner is not None else None,
        "tender": _tender(p),
        "awards": awards,
        "contracts": contracts,
        "postaward": _extension(p),
    }
    return _clean(release)  # type: ignore[no-any-return]


# --- the releases of a process ------------------------------------------------------------------


def _award_moment(p: Project) -> dt.datetime:
    return clock.start_of_day(p.award_date) if p.award_date else p.created_at


def _late(day: dt.date) -> dt.datetime:
    """The last second of a local day: what happened that day is in the snapshot."""
    return clock.start_of_day(day) + dt.timedelta(days=1, seconds=-1)


def _implementation_day(p: Project) -> dt.date | None:
    days = [
        d
        for d in (
            p.actual_start,
            p.actual_completion,
            p.accepted_on,
            p.settlement_submitted_on,
            p.settled_on,
            p.funds_paid_on,
            p.deposit_returned_on,
        )
        if d
    ]
    return max(days) if days else None


def releases(proc: Process) -> list[dict[str, Any]]:
    """Award, each approved change, the latest implementation state, termination;
    by date."""
    p, ocid = proc.project, proc.ocid
    out = [snapshot(proc, f"{ocid}-award", _award_moment(p), ["award", "contract"])]
    for c in proc.changes:
        if c.approved_at is not None:
            out.append(
                snapshot(proc, f"{ocid}-change-{c.number}", c.approved_at, ["contractAmendment"])
            )
    day = _implementation_day(p)
    if day is not None:
        out.append(
            snapshot(proc, f"{ocid}-implementation-{day:%Y%m%d}", _late(day), ["implementation"])
        )
    if p.status == ProjectStatus.TERMINATED and p.terminated_on:
        out.append(
            snapshot(proc, f"{ocid}-termination", _late(p.terminated_on), ["contractTermination"])
        )
    out.sort(key=lambda r: (r["date"], r["id"]))
    return out


def record(proc: Process, base_url: str = "") -> dict[str, Any]:
    """An OCDS record: the releases (linked) and the compiled release (the latest
    snapshot, tagged ``compiled``)."""
    rels = releases(proc)
    latest = rels[-1]
    compiled = dict(latest, id=f"{proc.ocid}-compiled", tag=["compiled"])
    linked = [
        {
            "url": f"{base_url}/api/v1/open/releases/{r['id']}",
            "date": r["date"],
            "tag": r["tag"],
        }
        for r in rels
    ]
    return {"ocid": proc.ocid, "releases": linked, "compiledRelease": compiled}


def package_meta(uri: str, published: dt.datetime) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": _iso(published),
        "publisher": {"name": getattr(settings, "POSTAWARD_OPEN_DATA_PUBLISHER", "标后监管平台")},
    }
    license_url = getattr(settings, "POSTAWARD_OPEN_DATA_LICENSE", "")
    if license_url:
        meta["license"] = license_url
    return meta


def release_package(
    processes: Iterable[Process], uri: str, published: dt.datetime
) -> dict[str, Any]:
    rels = [r for proc in processes for r in releases(proc)]
    return {**package_meta(uri, published), "releases": rels}


def record_package(
    processes: Iterable[Process], uri: str, published: dt.datetime, base_url: str = ""
) -> dict[str, Any]:
    return {**package_meta(uri, published), "records": [record(p, base_url) for p in processes]}
