"""Authorization rows of score events (issue 16; R-SCO-01): anonymous 401, no
role 403, wrong role 403, out of scope 404 / absent, in scope 2xx."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from postaward.core import files
from postaward.orgs.tests.authz import Call, Hidden, Route

from ..choices import ScoreState
from ..models import RuleItem, ScoreEvent
from . import factories_scores as fs


def scored(d: Any) -> None:
    d.ctx["score"] = fs.scored(d)


def _ev(d: Any) -> dict[str, Any]:
    return {"score_event_id": d.ctx["score"].pk}


def _manual(d: Any) -> dict[str, Any]:
    return {
        "item_id": RuleItem.objects.get(code="M02", rule_set__authority=d.orgs["housing"]).pk,
        "subject_org_id": d.orgs["contractor_a"].pk,
        "project_id": d.projects["p_school"].pk,
        "occurred_on": "2026-04-01",
        "summary": "获评市级标准化工地",
        "evidence": SimpleUploadedFile("证据.pdf", files.minimal_pdf(["x"]), "application/pdf"),
    }


OBJECTION = {"reason": "该次打卡系信号漂移所致，并非作弊"}
REPAIR = {"reason": "已整改考勤设备并建立复核制度，整改报告附后"}


def final(d: Any) -> None:
    """A final deduction (repair of a score event, ADR 0690)."""
    d.ctx["score"] = fs.scored(d)
    ScoreEvent.objects.filter(pk=d.ctx["score"].pk).update(state=ScoreState.FINAL)


ROUTES = {
    "GET /api/v1/credit/score-events": Route(
        setup=scored,
        ok=Call("office_staff"),
        any_role=True,
        out=(
            Hidden("contractor_b_admin", lambda d: {d.ctx["score"].pk}),
            Hidden("transport_staff", lambda d: {d.ctx["score"].pk}),
        ),
        must_list=lambda d: {d.ctx["score"].pk},
    ),
    "GET /api/v1/credit/score-events/{score_event_id}": Route(
        setup=scored,
        ok=Call("contractor_a_admin", path=_ev),
        any_role=True,
        out=(Call("contractor_b_admin", path=_ev, status=404),),
    ),
    "POST /api/v1/credit/score-events": Route(
        setup=scored,
        ok=Call("housing_staff", form=_manual, status=201),
        wrong=(
            Call("contractor_a_admin", form=_manual),
            Call("office_staff", form=_manual),
        ),
        # another authority's staff: the housing authority's item is not theirs
        out=(Call("transport_staff", form=_manual, status=404),),
    ),
    "POST /api/v1/credit/score-events/{score_event_id}/objections": Route(
        setup=scored,
        ok=Call("contractor_a_admin", path=_ev, body=lambda d: OBJECTION, status=201),
        # the scoring authority reads the event but objects for nobody
        wrong=(Call("housing_staff", path=_ev, body=lambda d: OBJECTION),),
        out=(Call("contractor_b_admin", path=_ev, body=lambda d: OBJECTION, status=404),),
    ),
    "POST /api/v1/credit/score-events/{score_event_id}/repairs": Route(
        setup=final,
        ok=Call("contractor_a_admin", path=_ev, form=lambda d: REPAIR, status=201),
        # the scoring authority reads the event but files for nobody
        wrong=(Call("housing_staff", path=_ev, form=lambda d: REPAIR),),
        out=(Call("contractor_b_admin", path=_ev, form=lambda d: REPAIR, status=404),),
    ),
}
