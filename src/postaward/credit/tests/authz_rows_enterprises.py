"""Authorization rows of the credit API for integrators (issue 16, ADR 0651):
the bidding system's system account and the supervision office read a unit's
credit; every other role is refused (403); a unit of another district is not
found (404) (R-SCO-03, R-ORG-04)."""

from __future__ import annotations

from typing import Any

from postaward.core.actor import SYSTEM
from postaward.orgs.choices import OrgKind, Role
from postaward.testing import account, org

from .. import annual
from . import factories_annual as fa


def credit(d: Any) -> None:
    """The bidding system's account, a computed score of 甲建设, and a unit of
    another district."""
    d.users["bidding_system"] = account(d.orgs["office"], "bidding_system", [Role.INTEGRATOR])
    rs = fa.rule_set(d)
    fa.event(d, rs, "A1", subject=d.orgs["contractor_a"], project=d.projects["p_school"])
    annual.compute_annual(f"org:{d.orgs['contractor_a'].pk}", 2026, reason="授权测试", actor=SYSTEM)
    elsewhere = org(None, "外区监管办", OrgKind.SUPERVISION_OFFICE)
    d.ctx["other"] = org(elsewhere, "外区建设有限公司", OrgKind.CONTRACTOR)


def _mine(d: Any) -> dict[str, Any]:
    return {"uscc": d.orgs["contractor_a"].uscc}


def _other(d: Any) -> dict[str, Any]:
    return {"uscc": d.ctx["other"].uscc}


def _batch(d: Any) -> dict[str, Any]:
    return {"codes": [d.orgs["contractor_a"].uscc, d.ctx["other"].uscc]}


ROUTES: dict[str, Any] = {}


def _routes() -> dict[str, Any]:
    from postaward.orgs.tests.authz import Call, Route

    return {
        "GET /api/v1/credit/enterprises/{uscc}": Route(
            setup=credit,
            ok=Call("bidding_system", path=_mine),
            wrong=(
                Call("housing_staff", path=_mine),
                Call("contractor_a_admin", path=_mine),
                Call("school_admin", path=_mine),
            ),
            out=(Call("office_staff", path=_other, status=404),),
        ),
        "POST /api/v1/credit/enterprises/batch": Route(
            setup=credit,
            ok=Call("bidding_system", body=_batch),
            wrong=(
                Call("housing_staff", body=_batch),
                Call("contractor_a_admin", body=_batch),
            ),
            write=False,
            no_scope="a batch answers 200: a unit of another district is listed in not_found "
            "(test_enterprise_api checks it)",
        ),
    }


ROUTES.update(_routes())
