"""Authorization rows of the proposals part (R-ACT-07): anonymous 401, no
role 403, wrong role 403 (a contractor, discipline inspection, a department
on filing), out of scope 404 / absent (another district), in scope 2xx: the
office, the addressed department, the sender."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from postaward.core import files
from postaward.orgs.tests.authz import Call, Hidden, Route

from . import factories_proposals as f


def _setup(d: Any) -> None:
    f.other_district(d)
    d.ctx["proposal"] = f.proposal(d)


def _pid(name: str | None = None) -> Any:
    if name is None:
        return lambda d: {"proposal_id": d.ctx["proposal"].pk}
    return lambda d: {"proposal_id": d.ctx["proposal"].pk, "name": name}


def _evidence(d: Any) -> dict[str, Any]:
    return {"evidence": SimpleUploadedFile("a.pdf", files.minimal_pdf(["x"]), "application/pdf")}


NOT = {"reason": "经核查项目经理已办理请假手续"}
WRONG_READERS = ("contractor_a_admin", "discipline")

ROUTES = {
    "GET /api/v1/accountability/proposals": Route(
        setup=_setup,
        ok=Call("housing_staff"),
        wrong=tuple(Call(u) for u in WRONG_READERS),
        out=(
            Hidden("other_office", lambda d: {d.ctx["proposal"].pk}),
            Hidden("other_authority", lambda d: {d.ctx["proposal"].pk}),
            Hidden("transport_staff", lambda d: {d.ctx["proposal"].pk}),
        ),
        must_list=lambda d: {d.ctx["proposal"].pk},
    ),
    "POST /api/v1/accountability/proposals": Route(
        setup=_setup,
        ok=Call("office_staff", body=f.body, status=201),
        wrong=(Call("housing_staff", body=f.body), Call("contractor_a_admin", body=f.body)),
        out=(Call("other_office", body=f.body, status=404),),
    ),
    "GET /api/v1/accountability/proposals/{proposal_id}": Route(
        setup=_setup,
        ok=Call("housing_staff", path=_pid()),
        wrong=tuple(Call(u, path=_pid()) for u in WRONG_READERS),
        out=(
            Call("other_office", path=_pid(), status=404),
            Call("transport_staff", path=_pid(), status=404),
        ),
    ),
    "POST /api/v1/accountability/proposals/{proposal_id}/evidence": Route(
        setup=_setup,
        ok=Call("office_staff", path=_pid(), form=_evidence, status=201),
        wrong=(
            Call("housing_staff", path=_pid(), form=_evidence),
            Call("contractor_a_admin", path=_pid(), form=_evidence),
        ),
        out=(Call("other_office", path=_pid(), form=_evidence, status=404),),
    ),
    "GET /api/v1/accountability/proposals/{proposal_id}/steps": Route(
        setup=_setup,
        ok=Call("housing_staff", path=_pid()),
        wrong=tuple(Call(u, path=_pid()) for u in WRONG_READERS),
        out=(Call("transport_staff", path=_pid(), status=404),),
    ),
    "POST /api/v1/accountability/proposals/{proposal_id}/steps/{name}": Route(
        setup=_setup,
        ok=Call("housing_staff", path=_pid("not_recognise"), body=lambda d: NOT),
        wrong=(
            Call("office_staff", path=_pid("not_recognise"), body=lambda d: NOT),
            Call("contractor_a_admin", path=_pid("not_recognise"), body=lambda d: NOT),
        ),
        out=(Call("transport_staff", path=_pid("not_recognise"), body=lambda d: NOT, status=404),),
    ),
}
