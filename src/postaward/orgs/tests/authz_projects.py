"""Rows of the API authorization table for the project registry (``/api/v1/projects``).

R-ORG-04: every project read goes through the actor's scope; R-ORG-03: writes
are gated by role and by the project's place in the four-level chain.
"""

from __future__ import annotations

from .authz import Call, Fn, Hidden, Route


def _project(key: str) -> Fn:
    return lambda d: {"project_id": d.projects[key].pk}


ROUTES: dict[str, Route] = {
    "GET /api/v1/projects": Route(
        ok=Call("pm_a"),
        any_role=True,
        out=(
            Hidden("pm_a", lambda d: {d.projects["p_hospital"].pk}),
            Hidden("transport_staff", lambda d: {d.projects["p_school"].pk}),
        ),
        must_list=lambda d: {d.projects["p_school"].pk},
    ),
    "GET /api/v1/projects/{project_id}": Route(
        ok=Call("pm_a", path=_project("p_school")),
        any_role=True,
        out=(
            Call("pm_a", path=_project("p_hospital")),
            Call("transport_staff", path=_project("p_school")),
            Call("school_leader", path=_project("p_hospital")),
        ),
    ),
}
