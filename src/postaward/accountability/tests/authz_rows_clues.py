"""Authorization rows of the clues part (R-ACT-01, R-ACT-02): anonymous 401,
no role 403, wrong role 403 (accounts outside the office and discipline
inspection), out of scope 404 / absent (another district's office), in scope
2xx."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from postaward.core import files
from postaward.orgs.tests.authz import Call, Hidden, Route

from . import factories_clues as f


def _setup(d: Any) -> None:
    f.other_district(d)
    d.ctx["clue"] = f.clue(d)
    d.ctx["act"] = f.act(d, "5-2")


def _cid(name: str | None = None) -> Any:
    if name is None:
        return lambda d: {"clue_id": d.ctx["clue"].pk}
    return lambda d: {"clue_id": d.ctx["clue"].pk, "name": name}


def _aid(d: Any) -> dict[str, Any]:
    return {"act_id": d.ctx["act"].pk}


REVISE = {
    "title": "未按规定开展现场和履约检查",
    "text": "未按规定每月开展现场检查的",
    "note": "修订",
}
NEW_ACT = {
    "party": "owner",
    "article": "第五条第（十二）项",
    "title": "拒不执行整改通知",
    "text": "拒不执行监管办整改通知的",
}
CONFIRM = {"opinion": "经核实属实"}


def _evidence(d: Any) -> dict[str, Any]:
    return {"evidence": SimpleUploadedFile("a.pdf", files.minimal_pdf(["x"]), "application/pdf")}


WRONG_READERS = ("housing_staff", "school_admin", "contractor_a_admin")

ROUTES = {
    "GET /api/v1/accountability/acts": Route(
        setup=_setup,
        ok=Call("discipline"),
        wrong=tuple(Call(u) for u in WRONG_READERS),
        out=(Hidden("other_office", lambda d: {d.ctx["act"].pk}),),
        must_list=lambda d: {d.ctx["act"].pk},
    ),
    "POST /api/v1/accountability/acts": Route(
        setup=_setup,
        ok=Call("office_staff", body=lambda d: NEW_ACT, status=201),
        wrong=(
            Call("discipline", body=lambda d: NEW_ACT),
            Call("housing_staff", body=lambda d: NEW_ACT),
        ),
        no_scope="a new act goes into the caller's own office's catalogue",
    ),
    "POST /api/v1/accountability/acts/{act_id}/versions": Route(
        setup=_setup,
        ok=Call("office_admin", path=_aid, body=lambda d: REVISE, status=201),
        wrong=(
            Call("discipline", path=_aid, body=lambda d: REVISE),
            Call("housing_staff", path=_aid, body=lambda d: REVISE),
        ),
        out=(Call("other_office", path=_aid, body=lambda d: REVISE, status=404),),
    ),
    "GET /api/v1/accountability/clues": Route(
        setup=_setup,
        ok=Call("discipline"),
        wrong=tuple(Call(u) for u in WRONG_READERS),
        out=(
            Hidden("other_office", lambda d: {d.ctx["clue"].pk}),
            Hidden("other_discipline", lambda d: {d.ctx["clue"].pk}),
        ),
        must_list=lambda d: {d.ctx["clue"].pk},
    ),
    "POST /api/v1/accountability/clues": Route(
        setup=_setup,
        ok=Call("office_staff", body=f.body, status=201),
        wrong=(Call("discipline", body=f.body), Call("housing_staff", body=f.body)),
        out=(Call("other_office", body=f.body, status=404),),
    ),
    "GET /api/v1/accountability/clues/{clue_id}": Route(
        setup=_setup,
        ok=Call("discipline", path=_cid()),
        wrong=tuple(Call(u, path=_cid()) for u in WRONG_READERS),
        out=(
            Call("other_office", path=_cid(), status=404),
            Call("other_discipline", path=_cid(), status=404),
        ),
    ),
    "POST /api/v1/accountability/clues/{clue_id}/evidence": Route(
        setup=_setup,
        ok=Call("office_staff", path=_cid(), form=_evidence, status=201),
        wrong=(
            Call("discipline", path=_cid(), form=_evidence),
            Call("housing_staff", path=_cid(), form=_evidence),
        ),
        out=(Call("other_office", path=_cid(), form=_evidence, status=404),),
    ),
    "GET /api/v1/accountability/clues/{clue_id}/steps": Route(
        setup=_setup,
        ok=Call("office_staff", path=_cid()),
        wrong=tuple(Call(u, path=_cid()) for u in WRONG_READERS),
        out=(Call("other_office", path=_cid(), status=404),),
    ),
    "POST /api/v1/accountability/clues/{clue_id}/steps/{name}": Route(
        setup=_setup,
        ok=Call("office_staff", path=_cid("confirm"), body=lambda d: CONFIRM),
        wrong=(
            Call("discipline", path=_cid("confirm"), body=lambda d: CONFIRM),
            Call("housing_staff", path=_cid("confirm"), body=lambda d: CONFIRM),
        ),
        out=(Call("other_office", path=_cid("confirm"), body=lambda d: CONFIRM, status=404),),
    ),
}
