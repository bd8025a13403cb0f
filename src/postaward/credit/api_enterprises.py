"""The credit API for integrators under ``/api/v1/credit`` (R-SCO-03; issue 16,
ADR 0651): the bidding system (a system account's token) and the supervision
office read a unit's current annual comprehensive score, its five-colour code
with the reasons, and its blacklist and bidding-ban status, by its unified
social credit code, one at a time or up to 100 at once.

``blacklisted``, ``blacklist`` and ``bans`` are part of the contract now and
are filled by the blacklist and sanctions part (``annual.BIDDING_EXTRAS``);
until then they answer ``false`` / ``[]``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from postaward.core import clock
from postaward.core.actor import Actor
from postaward.core.api_base import StrictIn, actor, responses
from postaward.core.errors import Forbidden, NotFound, ValidationFailed
from postaward.core.idcheck import check_uscc
from postaward.orgs.choices import OrgKind, Role
from postaward.orgs.models import Organisation

from .annual import BIDDING_EXTRAS
from .choices import Colour
from .models import OFFICE_ROLES, AnnualScore

router = Router(tags=["信用管理"])

BATCH_MAX = 100


class BlacklistEntryOut(Schema):
    reason: str = Field(description="列入原因")
    basis: str = Field(description="依据（文件及条款）")
    decided_by: str = Field(description="作出决定的部门")
    start: dt.date = Field(description="列入日期")
    end: dt.date | None = Field(description="期满日期（空：未定期限）")


class BiddingBanOut(Schema):
    kind: str = Field(description="限制类别，如 suspension 责令停业整顿")
    kind_label: str = Field(description="限制类别（中文）")
    reason: str = Field(description="原因")
    basis: str = Field(description="依据（文件及条款）")
    issuer: str = Field(description="作出决定的部门")
    start: dt.date = Field(description="起始日期")
    end: dt.date | None = Field(description="截止日期（空：未定期限）")


class EnterpriseCreditOut(Schema):
    uscc: str = Field(description="统一社会信用代码")
    name: str = Field(description="单位名称")
    year: int | None = Field(
        description="评分年度（本年度尚未评分时为最近一个已评分年度；从未评分时为空）"
    )
    score: str | None = Field(description="年度综合评分（两位小数；从未评分时为空）")
    colour: str | None = Field(
        description="五色码：green / blue / yellow / orange / red（从未评分时为空）"
    )
    colour_label: str = Field(description="五色码（中文），如 绿码；从未评分时为 暂无评分")
    colour_reasons: list[str] = Field(description="颜色依据（中文）：分数及所达到的阈值、黑名单等")
    version: int | None = Field(description="计算版本（每次分数、颜色或计算过程变化产生新版本）")
    computed_at: dt.datetime | None = Field(description="计算时间")
    blacklisted: bool = Field(description="是否在黑名单期内（联合惩戒）")
    blacklist: list[BlacklistEntryOut] = Field(description="有效的黑名单记录（期限与原因）")
    bans: list[BiddingBanOut] = Field(
        description="有效的投标限制，如责令停业整顿期间不得在本区投标"
    )


class BatchIn(StrictIn):
    codes: list[str] = Field(
        min_length=1, max_length=BATCH_MAX, description="统一社会信用代码，1 至 100 个"
    )


class BatchOut(Schema):
    items: list[EnterpriseCreditOut] = Field(description="查到的单位，按请求顺序")
    not_found: list[str] = Field(description="本区没有的统一社会信用代码")


def may_read_credit(a: Actor) -> bool:
    """A system account of the district (the integrator role alone: the
    bidding system) or the supervision office's staff."""
    if a.user_id is None or not a.org_path:
        return False
    if a.roles == {Role.INTEGRATOR}:
        return True
    return a.org_kind == OrgKind.SUPERVISION_OFFICE and bool(a.roles & OFFICE_ROLES)


def _check_caller(a: Actor) -> None:
    if not may_read_credit(a):
        raise Forbidden("仅招投标系统等系统对接账号和监管办可以查询企业信用", code="forbidden")


def _code(raw: str, field: str) -> str:
    checked = check_uscc(raw)
    if not checked.ok:
        raise ValidationFailed(checked.error, field=field)
    return checked.value


SCORE_FIELDS = (
    "subject_org__uscc",
    "subject_org__name",
    "year",
    "score",
    "colour",
    "colour_reasons",
    "version",
    "computed_at",
)


def _row(uscc: str, name: str, s: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "uscc": uscc,
        "name": name,
        "year": s["year"] if s else None,
        "score": str(s["score"]) if s else None,
        "colour": s["colour"] if s else None,
        "colour_label": Colour(s["colour"]).label if s else "暂无评分",
        "colour_reasons": list(s["colour_reasons"]) if s else [],
        "version": s["version"] if s else None,
        "computed_at": s["computed_at"] if s else None,
        "blacklisted": False,
        "blacklist": [],
        "bans": [],
    }


def credit_rows(a: Actor, codes: list[str]) -> dict[str, dict[str, Any]]:
    """code → the answer, for the codes of units in the caller's scope
    (``Organisation.visible_to``). One query when every unit has a score (the
    units in scope as a subquery, their current scores, the latest year
    first); one more for the units never scored."""
    units = Organisation.objects.visible_to(a).filter(uscc__in=codes)
    out: dict[str, dict[str, Any]] = {}
    for s in (
        AnnualScore.objects.filter(
            subject_org__in=units.values("pk"), current=True, year__lte=clock.today().year
        )
        .order_by("subject_org_id", "-year")
        .values(*SCORE_FIELDS)
    ):
        code = s["subject_org__uscc"]
        if code not in out:
            out[code] = _row(code, s["subject_org__name"], s)
    missing = [c for c in codes if c not in out]
    if missing:
        for code, name in units.filter(uscc__in=missing).values_list("uscc", "name"):
            out[code] = _row(code, name, None)
    if BIDDING_EXTRAS:
        by_code = {o.uscc: o for o in units.filter(uscc__in=list(out))}
        for code, row in out.items():
            for extra in BIDDING_EXTRAS:
                row.update(extra(by_code[code]))
    return out


# (the batch first: its path would otherwise be taken for a code)
@router.post(
    "/enterprises/batch",
    response=responses(BatchOut),
    summary="企业信用批量查询（一次至多 100 个统一社会信用代码）",
    description=(
        "与单个查询的内容相同；本区没有的代码列在 not_found 中。任一代码格式或校验位错误时整批返回 422，"
        "错误中指出是第几个代码。只读，不改变任何数据。"
    ),
)
def batch_enterprise_credit(request: HttpRequest, body: BatchIn) -> Any:
    a = actor(request)
    _check_caller(a)
    codes = [_code(raw, f"codes[{n}]") for n, raw in enumerate(body.codes)]
    rows = credit_rows(a, codes)
    return {
        "items": [rows[c] for c in dict.fromkeys(codes) if c in rows],
        "not_found": [c for c in dict.fromkeys(codes) if c not in rows],
    }


@router.get(
    "/enterprises/{uscc}",
    response=responses(EnterpriseCreditOut),
    summary="企业信用查询（供招投标系统评标使用）：年度综合评分、五色码及依据、黑名单与投标限制",
    description=(
        "按统一社会信用代码查询本区单位的当前年度综合评分（本年度尚未评分时为最近一个已评分年度）、"
        "五色码及其依据、黑名单和投标限制（含责令停业整顿期间）。仅系统对接账号（接口令牌）和监管办可以调用；"
        "代码格式或校验位错误返回 422，本区没有该单位返回 404。"
    ),
)
def get_enterprise_credit(request: HttpRequest, uscc: str) -> Any:
    a = actor(request)
    _check_caller(a)
    code = _code(uscc, "uscc")
    row = credit_rows(a, [code]).get(code)
    if row is None:
        raise NotFound()
    return row
