"""Authorization rows of the interference register's API (R-ACT-06, R-CMP-04):
anonymous 401, no role 403, wrong role 403, out of scope 404 / absent, in
scope 2xx. Out of scope: any unit but the office and discipline inspection of
the district (and, for its own record, the recording account)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from postaward.core import clock, files
from postaward.orgs.tests.authz import Call, Hidden, Route

from .. import integrity_interference as integrity
from . import factories_interference as f


def _setup(d: Any) -> None:
    d.ctx["record"] = f.staff_record(d)


def _rid(name: str | None = None) -> Any:
    if name is None:
        return lambda d: {"interference_id": d.ctx["record"].pk}
    return lambda d: {"interference_id": d.ctx["record"].pk, "name": name}


def _body(d: Any) -> dict[str, Any]:
    return {
        "intervener_kind": "leader",
        "intervener_name": "赵某",
        "occurred_on": clock.today().isoformat(),
        "kind": "greeting",
        "stage": "bidding",
        "request_text": "打招呼要求把某企业列入短名单",
    }


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, files.minimal_pdf(["test"]), content_type="application/pdf")


def _addition(d: Any) -> dict[str, Any]:
    return {"text": "补充：当时还有一名工作人员在场", "evidence": _pdf("补充.pdf")}


def _rule_form(d: Any) -> dict[str, Any]:
    return {
        "kind": "integrity",
        "title": "廉政风险防控制度",
        "effective_on": "2026-09-01",
        "file": _pdf("制度.pdf"),
    }


def _rule(d: Any) -> None:
    d.ctx["rule"] = integrity.file_rule(
        actor=d.actor("school_admin"),
        kind="register",
        title="插手干预登记报告制度",
        effective_on="2026-09-01",
        file=_pdf("制度.pdf"),
    )


FILE = {"note": "已阅"}
ONE_DISTRICT = "the office reads its own district only; the test district has one office"

ROUTES = {
    "GET /api/v1/accountability/interference": Route(
        setup=_setup,
        ok=Call("office_staff"),
        any_role=True,
        out=(Hidden("hospital_admin", lambda d: {d.ctx["record"].pk}),),
        must_list=lambda d: {d.ctx["record"].pk},
    ),
    "GET /api/v1/accountability/interference/monthly": Route(
        setup=_setup,
        ok=Call("discipline"),
        wrong=(Call("housing_staff"), Call("school_admin")),
        no_scope=ONE_DISTRICT,
    ),
    "POST /api/v1/accountability/interference": Route(
        ok=Call("school_admin", body=_body, status=201),
        wrong=(Call("contractor_a_admin", body=_body),),
        no_scope="any government, owner or agent account records; the record goes to "
        "the office of the reporter's district (scope of reads tested in test_interference.py)",
    ),
    "GET /api/v1/accountability/interference/{interference_id}": Route(
        setup=_setup,
        ok=Call("discipline", path=_rid()),
        any_role=True,
        out=(Call("hospital_admin", path=_rid(), status=404),),
    ),
    "GET /api/v1/accountability/interference/{interference_id}/additions": Route(
        setup=_setup,
        ok=Call("office_staff", path=_rid()),
        any_role=True,
        out=(Call("hospital_admin", path=_rid(), status=404),),
    ),
    "POST /api/v1/accountability/interference/{interference_id}/additions": Route(
        setup=_setup,
        ok=Call("school_admin", path=_rid(), form=_addition, status=201),
        # discipline inspection reads it and adds nothing
        wrong=(Call("discipline", path=_rid(), form=_addition),),
        out=(Call("hospital_admin", path=_rid(), form=_addition, status=404),),
    ),
    "GET /api/v1/accountability/interference/{interference_id}/steps": Route(
        setup=_setup,
        ok=Call("office_staff", path=_rid()),
        any_role=True,
        out=(Call("hospital_admin", path=_rid(), status=404),),
    ),
    "POST /api/v1/accountability/interference/{interference_id}/steps/{name}": Route(
        setup=_setup,
        ok=Call("office_staff", path=_rid("file"), body=lambda d: FILE),
        wrong=(Call("discipline", path=_rid("file"), body=lambda d: FILE),),
        out=(Call("hospital_admin", path=_rid("file"), body=lambda d: FILE, status=404),),
    ),
    "GET /api/v1/accountability/integrity-rules": Route(
        setup=_rule,
        ok=Call("school_admin"),
        any_role=True,
        out=(Hidden("hospital_admin", lambda d: {d.ctx["rule"].pk}),),
        must_list=lambda d: {d.ctx["rule"].pk},
    ),
    "POST /api/v1/accountability/integrity-rules": Route(
        ok=Call("school_admin", form=_rule_form, status=201),
        wrong=(Call("contractor_a_admin", form=_rule_form), Call("discipline", form=_rule_form)),
        no_scope="a unit files its own rules only (tested in test_interference.py)",
    ),
    "GET /api/v1/accountability/integrity-rules/missing": Route(
        ok=Call("office_staff"),
        wrong=(Call("school_admin"), Call("discipline")),
        no_scope=ONE_DISTRICT,
    ),
}
