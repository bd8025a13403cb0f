"""Rows of the API authorization table for the attendance routes (collected by
``postaward/orgs/tests/test_api_authorization.py``; R-ORG-03, R-ORG-04).

For each route: the in-scope call of the right role, calls of wrong roles that
see the object (403), calls out of scope (404) or lists that must not show the
other project's rows. The setups build what the calls refer to through the
attendance services: the small district's school project (pm_a, chief_a, owner
leader school_leader) and the hospital project, given here a safety officer
(contractor_b_admin's person) and an owner's project leader (hospital_admin).
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from postaward.attendance import services
from postaward.attendance.models import (
    AttendanceDay,
    AttendanceInterview,
    MonthlyAttendance,
)
from postaward.core import clock
from postaward.core.actor import SYSTEM
from postaward.orgs.tests.authz import Call, Fn, Hidden, Route
from postaward.projects import services as project_services
from postaward.projects.choices import ParticipantRole, Position
from postaward.projects.models import KeyPersonAssignment, Participant, Project
from postaward.testing import District

SCHOOL = (120.87, 30.03)
HOSPITAL = (120.90, 30.05)
KEY: Fn = lambda d: {"Idempotency-Key": "authz-checkin-1"}  # noqa: E731


def _today() -> dt.date:
    return clock.today()


def _pdf(name: str = "附件.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 authz", content_type="application/pdf")


def _pk(name: str, param: str) -> Fn:
    return lambda d: {param: d.ctx[name].pk}


def _project(key: str) -> Fn:
    return lambda d: {"project_id": d.projects[key].pk}


def _position(key: str) -> Fn:
    lon, lat = SCHOOL if key == "p_school" else HOSPITAL
    return lambda d: {"project_id": d.projects[key].pk, "lon": lon, "lat": lat, "accuracy_m": 8.0}


# --- setups ---------------------------------------------------------------------------------


def _hospital_staff(d: District) -> None:
    """A safety officer on the hospital project, and its owner's project leader."""
    if "hospital_assignment" in d.ctx:
        return
    p = d.projects["p_hospital"]
    part = Participant.objects.get(project=p, role=ParticipantRole.CONTRACTOR)
    d.ctx["hospital_assignment"] = project_services.assign_key_person(
        actor=SYSTEM,
        participant=part,
        person=d.users["contractor_b_admin"].person,
        position=Position.SAFETY_OFFICER,
        started_on=p.actual_start,
        must_check_in=True,
    )
    Project.objects.filter(pk=p.pk).update(owner_leader=d.users["hospital_admin"].person)
    d.projects["p_hospital"].refresh_from_db()
    d.ctx["pm_assignment"] = KeyPersonAssignment.objects.get(
        project=d.projects["p_school"], person=d.users["pm_a"].person
    )


def _check_in(d: District, user: str, key: str, project: str, **kw) -> object:  # type: ignore[no-untyped-def]
    lon, lat = SCHOOL if project == "p_school" else HOSPITAL
    return services.check_in(
        actor=d.actor(user),
        project_id=d.projects[project].pk,
        lon=lon,
        lat=lat,
        accuracy_m=8.0,
        idempotency_key=key,
        **kw,
    ).checkin


def _checkins(d: District) -> None:
    _hospital_staff(d)
    d.ctx["school_checkin"] = _check_in(d, "pm_a", "s-1", "p_school")
    d.ctx["hospital_checkin"] = _check_in(d, "contractor_b_admin", "h-1", "p_hospital")


def _suspicious(d: District) -> None:
    d.ctx["mock"] = _check_in(d, "pm_a", "mock-1", "p_school", mock_location=True)


def _closed(d: District) -> None:
    _hospital_staff(d)
    yesterday = _today() - dt.timedelta(days=1)
    services.close_day(yesterday, detect=False)
    services.close_month(_today() - dt.timedelta(days=1), detect=False)
    for key in ("p_school", "p_hospital"):
        d.ctx[f"{key}_days"] = set(
            AttendanceDay.objects.filter(project=d.projects[key]).values_list("id", flat=True)
        )
        d.ctx[f"{key}_months"] = set(
            MonthlyAttendance.objects.filter(project=d.projects[key]).values_list("id", flat=True)
        )


def _leaves(d: District) -> None:
    _hospital_staff(d)
    tomorrow = _today() + dt.timedelta(days=1)
    d.ctx["leave"] = services.request_leave(
        actor=d.actor("pm_a"),
        assignment=d.ctx["pm_assignment"],
        starts_on=tomorrow,
        ends_on=tomorrow,
        reason="就医",
    )
    d.ctx["hospital_leave"] = services.request_leave(
        actor=d.actor("contractor_b_admin"),
        assignment=d.ctx["hospital_assignment"],
        starts_on=tomorrow,
        ends_on=tomorrow,
        reason="家事",
    )


def _periods(d: District) -> None:
    _hospital_staff(d)
    tomorrow = _today() + dt.timedelta(days=1)
    d.ctx["period"] = services.declare_non_construction(
        actor=d.actor("school_leader"),
        project=d.projects["p_school"],
        starts_on=tomorrow,
        ends_on=tomorrow,
        reason="中考禁止施工",
    )
    d.ctx["hospital_period"] = services.declare_non_construction(
        actor=d.actor("hospital_admin"),
        project=d.projects["p_hospital"],
        starts_on=tomorrow,
        ends_on=tomorrow,
        reason="院区活动",
    )


def _patrols(d: District) -> None:
    _hospital_staff(d)
    d.ctx["patrol"] = services.start_patrol(
        actor=d.actor("school_leader"), project=d.projects["p_school"]
    )
    d.ctx["hospital_patrol"] = services.start_patrol(
        actor=d.actor("hospital_admin"), project=d.projects["p_hospital"]
    )


def _interviews(d: District) -> None:
    _hospital_staff(d)
    _suspicious(d)
    services.review_checkin(
        actor=d.actor("school_leader"), checkin=d.ctx["mock"], confirm=True, note="核实作弊"
    )
    d.ctx["interview"] = AttendanceInterview.objects.get(project=d.projects["p_school"])
    services._open_interview(
        kind="absence_streak",
        key="absence:authz",
        project=d.projects["p_hospital"],
        assignment=d.ctx["hospital_assignment"],
        summary="连续2个施工日未有效考勤",
        trigger={"days": [], "statuses": []},
    )
    d.ctx["hospital_interview"] = AttendanceInterview.objects.get(key="absence:authz")


def _ids(name: str) -> Fn:
    return lambda d: {d.ctx[name].pk}


def _set(name: str) -> Fn:
    return lambda d: d.ctx[name]


def _leave_body(assignment: str) -> Fn:
    def body(d: District) -> dict:
        tomorrow = _today() + dt.timedelta(days=1)
        return {
            "assignment_id": d.ctx[assignment].pk,
            "starts_on": tomorrow.isoformat(),
            "ends_on": tomorrow.isoformat(),
            "reason": "就医",
        }

    return body


def _period_body(d: District) -> dict:
    day = (_today() + dt.timedelta(days=2)).isoformat()
    return {"starts_on": day, "ends_on": day, "reason": "高考期间禁止夜间施工"}


def _approve(d: District) -> dict:
    return {"decision": "approve", "approval_form": _pdf("审批单.pdf"), "evidence": _pdf()}


def _approve_step(d: District) -> dict:
    return {"approval_form": _pdf("审批单.pdf"), "evidence": _pdf()}


def _step(name: str, param: str, step: str) -> Fn:
    return lambda d: {param: d.ctx[name].pk, "name": step}


def _close_form(d: District) -> dict:
    return {"held_on": _today().isoformat(), "record": _pdf("约谈记录.pdf")}


def _yesterday(d: District) -> dict:
    y = (_today() - dt.timedelta(days=1)).isoformat()
    return {"first": y, "last": y}


def _month(d: District) -> dict:
    return {"month": f"{_today() - dt.timedelta(days=1):%Y-%m}"}


POINT: Fn = lambda d: {"lon": SCHOOL[0], "lat": SCHOOL[1], "accuracy_m": 10.0}  # noqa: E731
A = "/api/v1/attendance"

ROUTES: dict[str, Route] = {
    f"POST {A}/checkins": Route(
        ok=Call("pm_a", body=_position("p_school"), headers=KEY, status=201),
        wrong=(
            Call("school_leader", body=_position("p_school"), headers=KEY),
            Call("housing_staff", body=_position("p_school"), headers=KEY),
        ),
        out=(
            Call("pm_a", body=_position("p_hospital"), headers=KEY),
            Call("chief_a", body=_position("p_hospital"), headers=KEY),
        ),
    ),
    f"GET {A}/checkins": Route(
        ok=Call("school_leader"),
        any_role=True,
        out=(
            Hidden("school_leader", lambda d: {d.ctx["hospital_checkin"].pk}),
            Hidden("pm_a", lambda d: {d.ctx["hospital_checkin"].pk}),
            Hidden("transport_staff", lambda d: {d.ctx["school_checkin"].pk}),
        ),
        setup=_checkins,
        must_list=lambda d: {d.ctx["school_checkin"].pk},
    ),
    f"GET {A}/duties/today": Route(
        ok=Call("pm_a"),
        wrong=(Call("school_leader"), Call("office_admin")),
        no_scope="the actor's own positions today, nobody else's",
        must_list=lambda d: {d.projects["p_school"].pk},
        list_key="project_id",
    ),
    f"POST {A}/checkins/{{checkin_id}}/review": Route(
        ok=Call(
            "school_leader", path=_pk("mock", "checkin_id"), body=lambda d: {"decision": "clear"}
        ),
        wrong=(
            Call("pm_a", path=_pk("mock", "checkin_id"), body=lambda d: {"decision": "clear"}),
            Call(
                "housing_staff",
                path=_pk("mock", "checkin_id"),
                body=lambda d: {"decision": "clear"},
            ),
        ),
        out=(
            Call(
                "hospital_admin",
                path=_pk("mock", "checkin_id"),
                body=lambda d: {"decision": "clear"},
            ),
            Call(
                "transport_staff",
                path=_pk("mock", "checkin_id"),
                body=lambda d: {"decision": "clear"},
            ),
        ),
        setup=_suspicious,
    ),
    f"GET {A}/days": Route(
        ok=Call("school_leader"),
        any_role=True,
        out=(
            Hidden("school_leader", _set("p_hospital_days")),
            Hidden("transport_staff", _set("p_school_days")),
            Hidden("pm_a", _set("p_hospital_days")),
        ),
        setup=_closed,
        must_list=_set("p_school_days"),
    ),
    f"GET {A}/monthly": Route(
        ok=Call("school_leader", query=_month),
        any_role=True,
        out=(
            Hidden("school_leader", _set("p_hospital_months"), query=_month),
            Hidden("transport_staff", _set("p_school_months"), query=_month),
        ),
        setup=_closed,
        must_list=_set("p_school_months"),
    ),
    f"GET {A}/rates": Route(
        ok=Call("housing_staff", query=_month),
        wrong=(Call("pm_a", query=_month), Call("contractor_a_admin", query=_month)),
        out=(
            Hidden(
                "transport_staff",
                lambda d: {str(d.projects["p_school"].pk)},
                key="key",
                query=_month,
            ),
            Hidden(
                "housing_staff",
                lambda d: {str(d.projects["p_hospital"].pk)},
                key="key",
                query=_month,
            ),
        ),
        setup=_closed,
        must_list=lambda d: {str(d.projects["p_school"].pk)},
        list_key="key",
    ),
    f"POST {A}/leave": Route(
        ok=Call("pm_a", body=_leave_body("pm_assignment"), status=201),
        wrong=(
            Call("school_leader", body=_leave_body("pm_assignment")),
            # A colleague on the same project sees the position but is not its holder.
            Call("chief_a", body=_leave_body("pm_assignment")),
        ),
        out=(Call("pm_a", body=_leave_body("hospital_assignment")),),
        setup=_hospital_staff,
    ),
    f"GET {A}/leave": Route(
        ok=Call("school_leader"),
        any_role=True,
        out=(
            Hidden("school_leader", _ids("hospital_leave")),
            Hidden("contractor_b_admin", _ids("leave")),
        ),
        setup=_leaves,
        must_list=_ids("leave"),
    ),
    f"POST {A}/leave/{{leave_id}}/decision": Route(
        ok=Call("school_leader", path=_pk("leave", "leave_id"), form=_approve),
        wrong=(
            Call("pm_a", path=_pk("leave", "leave_id"), form=_approve),
            Call("housing_staff", path=_pk("leave", "leave_id"), form=_approve),
        ),
        out=(
            Call("hospital_admin", path=_pk("leave", "leave_id"), form=_approve),
            Call("contractor_b_admin", path=_pk("leave", "leave_id"), form=_approve),
        ),
        setup=_leaves,
    ),
    f"POST {A}/leave/{{leave_id}}/cancel": Route(
        ok=Call("pm_a", path=_pk("leave", "leave_id")),
        wrong=(
            Call("school_leader", path=_pk("leave", "leave_id")),
            Call("chief_a", path=_pk("leave", "leave_id")),
        ),
        out=(
            Call("contractor_b_admin", path=_pk("leave", "leave_id")),
            Call("hospital_admin", path=_pk("leave", "leave_id")),
        ),
        setup=_leaves,
    ),
    f"GET {A}/leave/{{leave_id}}/steps": Route(
        ok=Call("school_leader", path=_pk("leave", "leave_id")),
        any_role=True,
        out=(Call("hospital_admin", path=_pk("leave", "leave_id")),),
        setup=_leaves,
    ),
    # Every step's own rows (wrong role, out of scope, wrong state, in scope) are
    # generated from the registry: core/tests/test_steps_authz.py.
    f"POST {A}/leave/{{leave_id}}/steps/{{name}}": Route(
        ok=Call("school_leader", path=_step("leave", "leave_id", "approve"), form=_approve_step),
        wrong=(
            Call("pm_a", path=_step("leave", "leave_id", "approve"), form=_approve_step),
            Call("housing_staff", path=_step("leave", "leave_id", "approve"), form=_approve_step),
        ),
        out=(
            Call("hospital_admin", path=_step("leave", "leave_id", "approve"), form=_approve_step),
        ),
        setup=_leaves,
    ),
    f"GET {A}/projects/{{project_id}}/non-construction": Route(
        ok=Call("pm_a", path=_project("p_school")),
        any_role=True,
        out=(
            Call("pm_a", path=_project("p_hospital")),
            Call("transport_staff", path=_project("p_school")),
        ),
        setup=_periods,
        must_list=_ids("period"),
    ),
    f"POST {A}/projects/{{project_id}}/non-construction": Route(
        ok=Call("school_leader", path=_project("p_school"), body=_period_body, status=201),
        wrong=(
            Call("pm_a", path=_project("p_school"), body=_period_body),
            Call("housing_staff", path=_project("p_school"), body=_period_body),
        ),
        out=(
            Call("school_leader", path=_project("p_hospital"), body=_period_body),
            Call("hospital_admin", path=_project("p_school"), body=_period_body),
        ),
    ),
    f"POST {A}/non-construction/{{period_id}}/withdraw": Route(
        ok=Call("school_leader", path=_pk("period", "period_id")),
        wrong=(
            Call("pm_a", path=_pk("period", "period_id")),
            Call("housing_staff", path=_pk("period", "period_id")),
        ),
        out=(
            Call("hospital_admin", path=_pk("period", "period_id")),
            Call("transport_staff", path=_pk("period", "period_id")),
        ),
        setup=_periods,
    ),
    f"POST {A}/patrols": Route(
        ok=Call(
            "school_leader", body=lambda d: {"project_id": d.projects["p_school"].pk}, status=201
        ),
        wrong=(
            Call("pm_a", body=lambda d: {"project_id": d.projects["p_school"].pk}),
            # The owner's administrator sees the project but does not patrol it.
            Call("school_admin", body=lambda d: {"project_id": d.projects["p_school"].pk}),
        ),
        out=(
            Call("school_leader", body=lambda d: {"project_id": d.projects["p_hospital"].pk}),
            Call("hospital_admin", body=lambda d: {"project_id": d.projects["p_school"].pk}),
        ),
        setup=_hospital_staff,
    ),
    f"GET {A}/patrols": Route(
        ok=Call("school_leader"),
        any_role=True,
        out=(
            Hidden("school_leader", _ids("hospital_patrol")),
            Hidden("transport_staff", _ids("patrol")),
        ),
        setup=_patrols,
        must_list=_ids("patrol"),
    ),
    f"POST {A}/patrols/{{patrol_id}}/points": Route(
        ok=Call("school_leader", path=_pk("patrol", "patrol_id"), body=POINT, status=201),
        wrong=(
            Call("pm_a", path=_pk("patrol", "patrol_id"), body=POINT),
            Call("housing_staff", path=_pk("patrol", "patrol_id"), body=POINT),
        ),
        out=(
            Call("hospital_admin", path=_pk("patrol", "patrol_id"), body=POINT),
            # Visible to the owner's administrator, but a track is its walker's own.
            Call("school_admin", path=_pk("patrol", "patrol_id"), body=POINT),
        ),
        setup=_patrols,
    ),
    f"POST {A}/patrols/{{patrol_id}}/end": Route(
        ok=Call("school_leader", path=_pk("patrol", "patrol_id"), body=lambda d: {"note": "巡查"}),
        wrong=(
            Call("pm_a", path=_pk("patrol", "patrol_id"), body=lambda d: {"note": "巡查"}),
            Call("housing_staff", path=_pk("patrol", "patrol_id"), body=lambda d: {"note": "巡查"}),
        ),
        out=(
            Call(
                "hospital_admin", path=_pk("patrol", "patrol_id"), body=lambda d: {"note": "巡查"}
            ),
            Call("school_admin", path=_pk("patrol", "patrol_id"), body=lambda d: {"note": "巡查"}),
        ),
        setup=_patrols,
    ),
    f"GET {A}/interviews": Route(
        ok=Call("school_leader"),
        any_role=True,
        out=(
            Hidden("school_leader", _ids("hospital_interview")),
            Hidden("transport_staff", _ids("interview")),
        ),
        setup=_interviews,
        must_list=_ids("interview"),
    ),
    f"GET {A}/checkins/{{checkin_id}}/steps": Route(
        ok=Call("school_leader", path=_pk("mock", "checkin_id")),
        any_role=True,
        out=(
            Call("hospital_admin", path=_pk("mock", "checkin_id")),
            Call("transport_staff", path=_pk("mock", "checkin_id")),
        ),
        setup=_suspicious,
    ),
    # Each step's rows are generated from the registry (core/tests/test_steps_authz.py).
    f"POST {A}/checkins/{{checkin_id}}/steps/{{name}}": Route(
        ok=Call("school_leader", path=_step("mock", "checkin_id", "clear"), body=lambda d: {}),
        wrong=(
            Call("pm_a", path=_step("mock", "checkin_id", "clear"), body=lambda d: {}),
            Call("housing_staff", path=_step("mock", "checkin_id", "clear"), body=lambda d: {}),
        ),
        out=(Call("hospital_admin", path=_step("mock", "checkin_id", "clear"), body=lambda d: {}),),
        setup=_suspicious,
    ),
    f"GET {A}/interviews/{{interview_id}}/steps": Route(
        ok=Call("school_leader", path=_pk("interview", "interview_id")),
        any_role=True,
        out=(Call("hospital_admin", path=_pk("interview", "interview_id")),),
        setup=_interviews,
    ),
    # Each step's rows are generated from the registry (core/tests/test_steps_authz.py).
    f"POST {A}/interviews/{{interview_id}}/steps/{{name}}": Route(
        ok=Call(
            "school_leader", path=_step("interview", "interview_id", "close"), form=_close_form
        ),
        wrong=(
            Call("pm_a", path=_step("interview", "interview_id", "close"), form=_close_form),
            Call(
                "housing_staff", path=_step("interview", "interview_id", "close"), form=_close_form
            ),
        ),
        out=(
            Call(
                "hospital_admin", path=_step("interview", "interview_id", "close"), form=_close_form
            ),
        ),
        setup=_interviews,
    ),
    f"POST {A}/interviews/{{interview_id}}/close": Route(
        ok=Call("school_leader", path=_pk("interview", "interview_id"), form=_close_form),
        wrong=(
            Call("pm_a", path=_pk("interview", "interview_id"), form=_close_form),
            Call("housing_staff", path=_pk("interview", "interview_id"), form=_close_form),
        ),
        out=(
            Call("hospital_admin", path=_pk("interview", "interview_id"), form=_close_form),
            Call("transport_staff", path=_pk("interview", "interview_id"), form=_close_form),
        ),
        setup=_interviews,
    ),
    f"POST {A}/reclose": Route(
        ok=Call("office_admin", body=_yesterday, status=202),
        wrong=(
            Call("office_staff", body=_yesterday),
            Call("housing_admin", body=_yesterday),
            Call("school_admin", body=_yesterday),
        ),
        no_scope=(
            "re-closes the projects the office administrator sees; another district's "
            "office gets 404 for a project out of scope (tests/test_reclose.py)"
        ),
    ),
}
