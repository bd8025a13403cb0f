"""Authorization rows of the sanctions register (R-SCO-07, R-SCO-08): anonymous
401, no role 403, wrong role 403, out of scope 404 / absent, in scope 2xx."""

from __future__ import annotations

import datetime as dt
from typing import Any

from postaward.core import clock
from postaward.orgs.tests.authz import Call, Hidden, Route

from .. import services_sanctions
from . import factories_sanctions as f


def _setup(d: Any) -> None:
    d.ctx["sanction"] = f.interview(d)


def _blacklisted(d: Any) -> None:
    """Contractor A on the blacklist since ten days, for a year (in force)."""
    start = clock.today() - dt.timedelta(days=10)
    d.ctx["sanction"] = services_sanctions.record_sanction(
        actor=d.actor("housing_staff"),
        kind="blacklisted",
        subject_org_id=d.orgs["contractor_a"].pk,
        reason="串通投标，经查属实，列入失信黑名单",
        basis_document="《聊城市人民政府办公室关于规范公共资源交易招标投标工作的意见》",
        basis_article="第三部分",
        decided_on=start,
        period_from=start,
        period_to=start + dt.timedelta(days=364),
    )


REPAIR = {"reason": "已对串通投标问题全面整改，建立投标文件复核制度"}


def _sid(name: str | None = None) -> Any:
    if name is None:
        return lambda d: {"sanction_id": d.ctx["sanction"].pk}
    return lambda d: {"sanction_id": d.ctx["sanction"].pk, "name": name}


def _body(d: Any) -> dict[str, Any]:
    return {
        "kind": "criticism",
        "subject_org_id": d.orgs["contractor_a"].pk,
        "project_id": d.projects["p_school"].pk,
        "reason": "月考勤率不足80%，予以通报批评",
        "basis_document": f.SY,
        "basis_article": "第四十二条",
        "decided_on": clock.today().isoformat(),
    }


REVOKE = {"reason": "登记错误，予以撤销"}

ROUTES = {
    "GET /api/v1/credit/sanctions": Route(
        setup=_setup,
        ok=Call("school_admin"),
        any_role=True,
        out=(Hidden("contractor_b_admin", lambda d: {d.ctx["sanction"].pk}),),
        must_list=lambda d: {d.ctx["sanction"].pk},
    ),
    "GET /api/v1/credit/sanctions/{sanction_id}": Route(
        setup=_setup,
        ok=Call("contractor_a_admin", path=_sid()),
        any_role=True,
        out=(Call("hospital_admin", path=_sid(), status=404),),
    ),
    "POST /api/v1/credit/sanctions": Route(
        ok=Call("school_admin", body=_body, status=201),
        wrong=(Call("contractor_a_admin", body=_body), Call("discipline", body=_body)),
        # another owner: the project is not visible to it
        out=(Call("hospital_admin", body=_body, status=404),),
    ),
    "GET /api/v1/credit/sanctions/{sanction_id}/steps": Route(
        setup=_setup,
        ok=Call("school_admin", path=_sid()),
        any_role=True,
        out=(Call("hospital_admin", path=_sid(), status=404),),
    ),
    "POST /api/v1/credit/sanctions/{sanction_id}/steps/{name}": Route(
        setup=_setup,
        ok=Call("school_admin", path=_sid("revoke"), body=lambda d: REVOKE),
        # the subject reads it and may not revoke it
        wrong=(Call("contractor_a_admin", path=_sid("revoke"), body=lambda d: REVOKE),),
        out=(Call("hospital_admin", path=_sid("revoke"), body=lambda d: REVOKE, status=404),),
    ),
    "POST /api/v1/credit/sanctions/{sanction_id}/repairs": Route(
        setup=_blacklisted,
        ok=Call("contractor_a_admin", path=_sid(), form=lambda d: REPAIR, status=201),
        # the issuer reads the entry but files for nobody
        wrong=(Call("housing_staff", path=_sid(), form=lambda d: REPAIR),),
        out=(Call("contractor_b_admin", path=_sid(), form=lambda d: REPAIR, status=404),),
    ),
    "GET /api/v1/credit/enterprise-bans/check": Route(
        ok=Call("office_staff", query=lambda d: {"uscc": d.orgs["contractor_a"].uscc}),
        wrong=(
            Call("contractor_b_admin", query=lambda d: {"uscc": d.orgs["contractor_a"].uscc}),
            Call("school_admin", query=lambda d: {"uscc": d.orgs["contractor_a"].uscc}),
        ),
        no_scope="an enterprise's bidding ban is checked by its public credit code; "
        "only the bidding system and government units may ask (tested in test_sanctions.py)",
    ),
}
