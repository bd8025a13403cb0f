"""OC4IDS (0.9) for each project: the project and a summary of its contracting
process, linked to its OCDS releases (issue 18, ADR 0910)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from postaward.projects.choices import ParticipantRole, ProjectStatus

from . import ocds_export as ocds

# OC4IDS projectStatus by project status.
STATUS = {
    ProjectStatus.REGISTERED: "preparation",
    ProjectStatus.PREPARING: "preparation",
    ProjectStatus.UNDER_CONSTRUCTION: "implementation",
    ProjectStatus.SUSPENDED: "implementation",
    ProjectStatus.COMPLETED: "completion",
    ProjectStatus.ACCEPTED: "completion",
    ProjectStatus.SETTLEMENT_SUBMITTED: "completion",
    ProjectStatus.SETTLED: "completion",
    ProjectStatus.FUNDS_PAID: "completed",
    ProjectStatus.DEPOSIT_RETURNED: "completed",
    ProjectStatus.TERMINATED: "cancelled",
}
# OC4IDS contractNature by participant role.
NATURE: dict[str, str] = {
    ParticipantRole.CONTRACTOR: "construction",
    ParticipantRole.SUPERVISING_FIRM: "supervision",
    ParticipantRole.DESIGN: "design",
    ParticipantRole.SURVEY: "design",
}
# OC4IDS projectSector is an open codelist: transport and water as such; the
# platform's other industries (housing and municipal works, urban management,
# agriculture, other) under their own code (ADR 0910).
SECTOR = {"transport": "transport", "water": "water"}


def _modification(change: Any, amendment: dict[str, Any]) -> dict[str, Any]:
    kind = "value" if change.cost_delta else ("duration" if change.days_delta else "scope")
    return {
        "id": amendment["id"],
        "date": amendment["date"],
        "description": amendment["description"],
        "rationale": amendment["rationale"],
        "type": kind,
        "releaseID": amendment["releaseID"],
    }


def project(proc: ocds.Process, base_url: str = "") -> dict[str, Any]:
    p = proc.project
    rels = ocds.releases(proc)
    latest = rels[-1]
    contract: dict[str, Any] = next(
        (c for c in latest.get("contracts", []) if c.get("awardID", "").startswith("contractor-")),
        {},
    )
    approved = [c for c in proc.changes if c.approved_at is not None]
    amendments = contract.get("amendments", []) if approved else []
    approved = approved[: len(amendments)]
    natures = sorted({NATURE[x.role] for x in proc.participants if x.role in NATURE})
    summary: dict[str, Any] = {
        "ocid": proc.ocid,
        "externalReference": p.code,
        "nature": natures,
        "title": p.name,
        "status": "closed" if p.status in ocds.ENDED else "active",
        "suppliers": [aw["suppliers"][0] for aw in latest.get("awards", [])],
        "contractValue": ocds._money(p.contract_amount),
        "contractPeriod": contract.get("period"),
        "finalValue": ocds._money(p.settled_amount) if p.settled_amount else None,
        "modifications": [_modification(c, a) for c, a in zip(approved, amendments, strict=True)],
    }
    period = {
        "startDate": ocds._at(p.actual_start or p.planned_start),
        "endDate": ocds._at(p.actual_completion or p.planned_completion),
    }
    location = None
    site = ocds._site(p)
    if site or p.site_address:
        location = {
            "id": "1",
            "description": p.site_address,
            "geometry": site["geometry"] if site else None,
            "address": {"streetAddress": p.site_address, "region": p.region_name},
        }
    out = {
        "id": proc.ocid.replace("ocds-", "oc4ids-", 1),
        "updated": latest["date"],
        "title": p.name,
        "status": STATUS.get(p.status, "implementation"),  # type: ignore[call-overload]
        "period": period,
        "sector": [SECTOR.get(p.industry, p.industry)],
        "type": "construction",
        "locations": [location] if location else [],
        "parties": latest.get("parties", []),
        "contractingProcesses": [
            {
                "id": proc.ocid,
                "summary": summary,
                "releases": [
                    {
                        "id": r["id"],
                        # a single value in OC4IDS 0.9.0-beta (an array in OCDS)
                        "tag": r["tag"][0],
                        "date": r["date"],
                        "url": f"{base_url}/api/v1/open/releases/{r['id']}",
                    }
                    for r in rels
                ],
            }
        ],
    }
    return ocds._clean(out)  # type: ignore[no-any-return]


def package(
    procs: list[ocds.Process], uri: str, published: dt.datetime, base_url: str = ""
) -> dict[str, Any]:
    return {
        "uri": uri,
        "version": "0.9",
        "publishedDate": ocds._iso(published),
        "publisher": ocds.package_meta(uri, published)["publisher"],
        "projects": [project(p, base_url) for p in procs],
    }
