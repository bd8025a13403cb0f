"""Services of the draw part (R-INS-01..04, R-INS-09): work lists, plans and
rounds, the two pools, commit → draw → reveal, redraw, verification and the
hand-over to the visits part. Every write is audited (core.audit chain);
a refusal changes nothing."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum

from postaward.cases.models import Case, EnforcementCertificate
from postaward.core import audit, clock, steps, writes
from postaward.core.actor import Actor
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.orgs.choices import Industry, OrgKind, Role
from postaward.orgs.models import Organisation
from postaward.projects.models import Project

from . import conflicts
from . import draw as algo
from .models import (
    Draw,
    DrawSelection,
    DrawState,
    InspectionPlan,
    PlanRound,
    PlanState,
    RoundKind,
    Sampling,
    WorkItem,
)

DRAW_PRIVATE = ("seed", "project_pool", "inspector_pool", "result", "params")


def draw_snapshot(d: Draw) -> dict[str, Any]:
    """The audit snapshot of a draw: never the seed before it is revealed."""
    out = audit.snapshot(d, exclude=DRAW_PRIVATE)
    if d.revealed_at:
        out["seed"] = d.seed
    return out


# --- who -----------------------------------------------------------------------------------------


def is_unit_staff(org_id: int, a: Actor) -> bool:
    """Staff of the unit (the office's staff, an authority's staff) or its leader."""
    return a.is_system or (
        a.organisation_id == org_id
        and bool(a.roles & {Role.OFFICE_STAFF, Role.AUTHORITY_STAFF, Role.UNIT_LEADER})
    )


def is_unit_leader(org_id: int, a: Actor) -> bool:
    return a.is_system or (a.organisation_id == org_id and Role.UNIT_LEADER in a.roles)


def may_keep_list(a: Actor) -> bool:
    """An industry authority (or the office) keeps its own work list and plan."""
    return a.org_kind in (OrgKind.INDUSTRY_AUTHORITY, OrgKind.SUPERVISION_OFFICE) and bool(
        a.roles & {Role.OFFICE_STAFF, Role.AUTHORITY_STAFF, Role.UNIT_LEADER, Role.ADMIN}
    )


def is_office(a: Actor) -> bool:
    """The office's staff or head (they commit, draw and reveal)."""
    return a.org_kind == OrgKind.SUPERVISION_OFFICE and bool(
        a.roles & {Role.OFFICE_STAFF, Role.UNIT_LEADER}
    )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise Forbidden(message)


# --- work lists (R-INS-01) -----------------------------------------------------------------------

ITEM_FIELDS = (
    "year",
    "name",
    "basis_document",
    "basis_article",
    "ratio_pct",
    "frequency",
    "method",
    "stage",
    "unannounced",
)


def _decimal(value: Any, *, field: str, message: str, low: Decimal, high: Decimal) -> Decimal:
    """A number at the edge: finite, within [low, high] (``low`` excluded when
    it is 0 for a ratio), at most two decimal places, as the columns hold."""
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        raise ValidationFailed(message, field=field) from None
    if not d.is_finite() or not low <= d <= high or d != d.quantize(Decimal("0.01")):
        raise ValidationFailed(message, field=field)
    return d.quantize(Decimal("0.01"))


def _clean(obj: Any) -> None:
    """The model's own checks, refused as the edge's error (never a 500)."""
    from django.core.exceptions import ValidationError

    try:
        obj.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        label = obj._meta.get_field(field).verbose_name if field != "__all__" else ""
        raise ValidationFailed(
            f"{label}：{messages[0]}" if label else messages[0], field=field
        ) from None


def _item_data(data: dict[str, Any]) -> dict[str, Any]:
    out = {k: data[k] for k in ITEM_FIELDS if k in data}
    for k, label in (
        ("name", "检查事项"),
        ("basis_document", "依据文件"),
        ("basis_article", "条款"),
        ("frequency", "检查频次"),
    ):
        if k in out:
            limit = WorkItem._meta.get_field(k).max_length or 200  # type: ignore[union-attr]
            out[k] = writes.text(out[k], field=k, label=label, max_len=limit)
    if "ratio_pct" in out:
        ratio = _decimal(
            out["ratio_pct"],
            field="ratio_pct",
            message="年度抽查比例须为大于0且不超过100的数，最多两位小数",
            low=Decimal("0.01"),
            high=Decimal(100),
        )
        out["ratio_pct"] = ratio
    return out


def create_item(*, actor: Actor, **data: Any) -> WorkItem:
    _require(may_keep_list(actor), "只有行业主管部门或监管办可以维护监管工作清单")
    with transaction.atomic():
        assert actor.organisation_id is not None
        item = WorkItem(
            organisation_id=actor.organisation_id,
            created_by_name=actor.display_name,
            **_item_data(data),
        )
        _clean(item)
        item.save()
        return writes.created(item, actor=actor, action="inspections.create_item")  # type: ignore[no-any-return]


def update_item(*, actor: Actor, obj: WorkItem, **data: Any) -> WorkItem:
    _require(
        obj.organisation_id == actor.organisation_id and may_keep_list(actor),
        "只能修改本单位的监管工作清单",
    )
    clean = _item_data(data)
    with writes.audited(WorkItem, pk=obj.pk, actor=actor, action="inspections.update_item") as w:
        for k, v in clean.items():
            setattr(w.obj, k, v)
        _clean(w.obj)
    return w.obj  # type: ignore[no-any-return]


# --- plans and rounds ----------------------------------------------------------------------------


def create_plan(
    *, actor: Actor, year: int, title: str, note: str = "", uniform_share: Any = None
) -> InspectionPlan:
    _require(may_keep_list(actor), "只有行业主管部门或监管办可以制定检查计划")
    with transaction.atomic():
        assert actor.organisation_id is not None
        plan = InspectionPlan(
            organisation_id=actor.organisation_id,
            year=year,
            title=writes.text(title, field="title", label="计划名称", max_len=200),
            joint=actor.org_kind == OrgKind.SUPERVISION_OFFICE,
            note=note or "",
            created_by_name=actor.display_name,
        )
        if uniform_share is not None:
            plan.uniform_share = _share(uniform_share)
        plan.save()
        return writes.created(plan, actor=actor, action="inspections.create_plan")  # type: ignore[no-any-return]


def _share(value: Any) -> Decimal:
    return _decimal(
        value,
        field="uniform_share",
        message="纯随机比例须为0～1之间的数，最多两位小数",
        low=Decimal(0),
        high=Decimal(1),
    )


def set_weights(
    *, actor: Actor, obj: InspectionPlan, weights: dict[str, Any], uniform_share: Any = None
) -> InspectionPlan:
    """The plan's risk weights and uniform share (R-INS-04), while a draft."""
    _require(is_unit_staff(obj.organisation_id, actor), "只能修改本单位的检查计划")
    clean: dict[str, float] = {}
    for k in obj.weights:
        if k in weights:
            try:
                v = float(weights[k])
            except (TypeError, ValueError):
                raise ValidationFailed("权重须为数字", field=k) from None
            if not 0 <= v <= 20:
                raise ValidationFailed("权重须在0～20之间", field=k)
            clean[k] = v
    with writes.audited(
        InspectionPlan, pk=obj.pk, actor=actor, action="inspections.set_weights"
    ) as w:
        if w.obj.state != PlanState.DRAFT:
            raise Conflict("计划已报送，不能修改权重", code="invalid_state")
        w.obj.risk_weights = {**w.obj.weights, **clean}
        if uniform_share is not None:
            w.obj.uniform_share = _share(uniform_share)
    return w.obj  # type: ignore[no-any-return]


def add_round(
    *,
    actor: Actor,
    plan: InspectionPlan,
    quarter: int,
    kind: str,
    title: str,
    item_ids: list[int],
    sampling: str = Sampling.RANDOM,
    industries: list[str] | None = None,
    statuses: list[str] | None = None,
    amount_min: Any = None,
    amount_max: Any = None,
    award_from: dt.date | None = None,
    award_to: dt.date | None = None,
) -> PlanRound:
    _require(is_unit_staff(plan.organisation_id, actor), "只能修改本单位的检查计划")
    if plan.state != PlanState.DRAFT:
        raise Conflict("计划已报送，不能再增加轮次", code="invalid_state")
    if quarter not in (1, 2, 3, 4):
        raise ValidationFailed("季度须为1～4", field="quarter")
    if kind not in RoundKind.values:
        raise ValidationFailed("请选择日常抽查或专项检查", field="kind")
    if sampling not in Sampling.values:
        raise ValidationFailed("请选择抽查比例规则", field="sampling")
    bad = set(industries or []) - set(Industry.values)
    if bad:
        raise ValidationFailed("行业不正确", field="industries")
    if amount_min is not None and amount_max is not None and amount_min > amount_max:
        raise ValidationFailed("金额下限不能高于上限", field="amount_min")
    visible = WorkItem.objects.visible_to(actor).filter(pk__in=item_ids, year=plan.year)
    if not item_ids or visible.count() != len(set(item_ids)):
        raise ValidationFailed("请选择本年度清单中的检查事项", field="item_ids")
    with transaction.atomic():
        r = PlanRound.objects.create(
            plan=plan,
            quarter=quarter,
            kind=kind,
            title=writes.text(title, field="title", label="轮次名称", max_len=200),
            sampling=sampling,
            industries=sorted(industries or []),
            statuses=sorted(statuses or []),
            amount_min=amount_min,
            amount_max=amount_max,
            award_from=award_from,
            award_to=award_to,
        )
        r.items.set(visible)
        writes.created(
            r, actor=actor, action="inspections.add_round", after={"item_ids": sorted(item_ids)}
        )
    return r


def has_special(plan: InspectionPlan, a: Actor | None = None) -> bool:
    """R-INS-01: at least one special inspection (专项检查) a year."""
    return plan.rounds.filter(kind=RoundKind.SPECIAL).exists()


NO_SPECIAL = "全年至少安排一次专项检查：本计划尚无专项检查轮次，不能报批或批准"


def submit_plan(*, actor: Actor, obj: InspectionPlan, **_: Any) -> InspectionPlan:
    from .steps_draw import SUBMIT

    with steps.write(SUBMIT, obj, actor) as w:
        w.obj.state = PlanState.SUBMITTED
        w.obj.submitted_at = clock.now()
    return w.obj  # type: ignore[no-any-return]


def approve_plan(*, actor: Actor, obj: InspectionPlan, note: str = "") -> InspectionPlan:
    from .steps_draw import APPROVE

    with steps.write(APPROVE, obj, actor) as w:
        w.obj.state = PlanState.APPROVED
        w.obj.approved_at = clock.now()
        w.obj.approved_by_name = actor.display_name
        w.obj.approval_note = (note or "")[:500]
    return w.obj  # type: ignore[no-any-return]


def return_plan(*, actor: Actor, obj: InspectionPlan, note: str) -> InspectionPlan:
    from .steps_draw import RETURN

    note = writes.text(note, field="note", label="退回理由", max_len=500)
    with steps.write(RETURN, obj, actor) as w:
        w.obj.state = PlanState.DRAFT
        w.obj.approval_note = note
    return w.obj  # type: ignore[no-any-return]


# --- the pools (R-INS-02, R-INS-04, R-INS-09) ----------------------------------------------------


def district_of(org: Organisation) -> str:
    return org.path.split("/", 1)[0] + "/"


def pool_projects(r: PlanRound) -> list[Project]:
    """The projects of the round's rule, from the project registry."""
    plan = r.plan
    qs = Project.objects.select_related("industry_authority")
    if plan.joint:
        qs = qs.filter(industry_authority__path__startswith=district_of(plan.organisation))
    else:
        qs = qs.filter(industry_authority_id=plan.organisation_id)
    if r.industries:
        qs = qs.filter(industry__in=r.industries)
    if r.statuses:
        qs = qs.filter(status__in=r.statuses)
    if r.amount_min is not None:
        qs = qs.filter(contract_amount__gte=r.amount_min)
    if r.amount_max is not None:
        qs = qs.filter(contract_amount__lte=r.amount_max)
    if r.award_from:
        qs = qs.filter(award_date__gte=r.award_from)
    if r.award_to:
        qs = qs.filter(award_date__lte=r.award_to)
    return list(qs.order_by("id"))


def risk_facts(projects: list[Project], on: dt.date) -> dict[int, dict[str, int]]:
    """Complaints, alerts (red ones apart), cases and credit points in force,
    per project (R-INS-04), read from the other apps' models."""
    from postaward.alerts.models import Alert
    from postaward.complaints.models import Complaint
    from postaward.credit.choices import RecordState as CreditState
    from postaward.credit.models import CreditRecord
    from postaward.projects.models import Participant

    ids = [p.pk for p in projects]
    facts: dict[int, dict[str, int]] = {pid: {} for pid in ids}
    for row in (
        Complaint.objects.filter(project_id__in=ids).values("project_id").annotate(n=Count("id"))
    ):
        facts[row["project_id"]]["complaints"] = row["n"]
    for row in (
        Alert.objects.filter(project_id__in=ids)
        .values("project_id")
        .annotate(n=Count("id"), red=Count("id", filter=Q(severity=4)))
    ):
        facts[row["project_id"]]["alerts"] = row["n"]
        facts[row["project_id"]]["red_alerts"] = row["red"]
    for row in Case.objects.filter(project_id__in=ids).values("project_id").annotate(n=Count("id")):
        facts[row["project_id"]]["cases"] = row["n"]
    units: dict[int, set[int]] = {p.pk: {p.owner_id} if p.owner_id else set() for p in projects}
    for pid, org in Participant.objects.filter(project_id__in=ids).values_list(
        "project_id", "organisation_id"
    ):
        units[pid].add(org)
    points = dict(
        CreditRecord.objects.filter(state=CreditState.EFFECTIVE, valid_until__gte=on)
        .exclude(subject_org=None)
        .values("subject_org_id")
        .annotate(p=Sum("points"))
        .values_list("subject_org_id", "p")
    )
    for pid, orgs in units.items():
        total = sum(points.get(o, 0) or 0 for o in orgs)
        if total:
            facts[pid]["credit_points"] = int(total)
    return facts


def project_pool(r: PlanRound, on: dt.date) -> tuple[dict[str, Any], list[Project]]:
    projects = pool_projects(r)
    facts = risk_facts(projects, on)
    weights = r.plan.weights
    rows = []
    for p in projects:
        w, why = algo.risk_weight(facts[p.pk], weights)
        rows.append(
            {
                "id": p.pk,
                "code": p.code,
                "name": p.name,
                "industry": p.industry,
                "department_id": p.industry_authority_id,
                "department": p.industry_authority.name if p.industry_authority else "",
                "weight": w,
                "why": why,
            }
        )
    pool = {
        "rule": round_rule(r),
        "on": on.isoformat(),
        "weights": weights,
        "projects": rows,
    }
    return pool, projects


def round_rule(r: PlanRound) -> dict[str, Any]:
    return {
        "industries": r.industries,
        "statuses": r.statuses,
        "amount_min": str(r.amount_min) if r.amount_min is not None else None,
        "amount_max": str(r.amount_max) if r.amount_max is not None else None,
        "award_from": r.award_from.isoformat() if r.award_from else None,
        "award_to": r.award_to.isoformat() if r.award_to else None,
    }


def pool_departments(plan: InspectionPlan) -> list[int]:
    if not plan.joint:
        return [plan.organisation_id]
    return list(
        Organisation.objects.filter(
            Q(pk=plan.organisation_id)
            | Q(
                kind=OrgKind.INDUSTRY_AUTHORITY,
                path__startswith=district_of(plan.organisation),
            )
        ).values_list("pk", flat=True)
    )


def inspector_pool(plan: InspectionPlan, projects: list[Project], on: dt.date) -> dict[str, Any]:
    """Valid enforcement certificates of the plan's departments, and for every
    project of the pool who may not inspect it and why (conflicts.py)."""
    certs = [
        c
        for c in EnforcementCertificate.objects.select_related("person", "department")
        .filter(department_id__in=pool_departments(plan))
        .order_by("id")
        if conflicts.certificate_problem(c, on) is None
    ]
    exclusions: dict[str, dict[str, list[str]]] = {}
    for p in projects:
        relevant = [
            c for c in certs if c.department_id in (p.industry_authority_id, plan.organisation_id)
        ]
        found = conflicts.exclusions(relevant, p, on)
        if found:
            exclusions[str(p.pk)] = {str(k): v for k, v in sorted(found.items())}
    return {
        "on": on.isoformat(),
        "inspectors": [
            {
                "id": c.pk,
                "person_id": c.person_id,
                "name": c.person.name,
                "number": c.number,
                "department_id": c.department_id,
                "department": c.department.name,
                "valid_until": c.valid_until.isoformat(),
            }
            for c in certs
        ],
        "exclusions": exclusions,
    }


# --- commit → draw → reveal (R-INS-02) -----------------------------------------------------------


def _params(r: PlanRound, sample_size: int | None) -> dict[str, Any]:
    return {
        "algorithm": algo.ALGORITHM,
        "sampling": r.sampling,
        "sample_size": sample_size,
        "uniform_share": str(r.plan.uniform_share),
        "team_size": max(r.plan.team_size, conflicts.MIN_INSPECTORS),
        "lead_org_id": r.plan.organisation_id,
    }


def _number(office: Organisation, year: int) -> str:
    n = Draw.objects.filter(office=office, number__startswith=f"CJ-{year}-").count() + 1
    return f"CJ-{year}-{n:04d}"


def may_commit(r: PlanRound, a: Actor) -> bool:
    office = office_of(r.plan.organisation)
    return office is not None and a.organisation_id == office.pk and is_office(a)


def office_of(org: Organisation) -> Organisation | None:
    if org.kind == OrgKind.SUPERVISION_OFFICE:
        return org
    return Organisation.objects.filter(
        kind=OrgKind.SUPERVISION_OFFICE, path__startswith=district_of(org)
    ).first()


def commit(
    *,
    actor: Actor,
    round: PlanRound,
    sample_size: int | None = None,
    seed: str = "",
    supersedes: Draw | None = None,
    reason: str = "",
) -> Draw:
    """Freeze both pools, hash them, generate the secret seed and publish the
    commitment (the pools' hashes and the seed's hash). Refuses a pool of 0, a
    sample larger than the pool, a project with fewer than two eligible
    inspectors — nothing is stored then."""
    round = PlanRound.objects.select_related("plan__organisation").get(pk=round.pk)
    _require(may_commit(round, actor), "只有监管办工作人员可以公布抽取承诺")
    if round.plan.state != PlanState.APPROVED:
        raise Conflict("检查计划尚未批准，不能抽取", code="invalid_state")
    if sample_size is not None and sample_size < 1:
        raise ValidationFailed("抽取数量须为正整数", field="sample_size")
    live = round.draws.exclude(state=DrawState.SUPERSEDED).first()
    if live is not None:
        raise Conflict(
            f"本轮次已有抽取（{live.number}），重新抽取须由监管办负责人说明理由",
            code="already_committed",
        )
    on = clock.today()
    pool, projects = project_pool(round, on)
    inspectors = inspector_pool(round.plan, projects, on)
    params = _params(round, sample_size)
    # A dry run with a throwaway seed: refuses every bad input before anything is stored.
    try:
        algo.run(pool, inspectors, params, secrets.token_hex(32))
    except algo.DrawRefused as exc:
        raise Conflict(str(exc), code="draw_refused") from None
    seed = seed or secrets.token_hex(32)
    office = office_of(round.plan.organisation)
    assert office is not None
    with transaction.atomic():
        writes.lock(PlanRound, round.pk)
        d = Draw.objects.create(
            number=_number(office, on.year),
            round=round,
            office=office,
            on_date=on,
            project_pool=pool,
            project_pool_hash=algo.pool_hash(pool),
            inspector_pool=inspectors,
            inspector_pool_hash=algo.pool_hash(inspectors),
            params=params,
            seed=seed,
            seed_hash=algo.seed_hash(seed),
            committed_by_name=actor.display_name,
            supersedes=supersedes,
            redraw_reason=reason,
        )
        writes.created(
            d,
            actor=actor,
            action="inspections.commit_draw",
            snapshot=draw_snapshot,
            after={"params": params, "projects": len(pool["projects"])},
        )
    return d


def run_draw(*, actor: Actor, obj: Draw, **_: Any) -> Draw:
    """Draw with the committed seed and store the selections."""
    from .steps_draw import DRAW

    with steps.write(DRAW, obj, actor) as w:
        d = w.obj
        try:
            result = algo.run(d.project_pool, d.inspector_pool, d.params, d.seed)
        except algo.DrawRefused as exc:
            raise Conflict(str(exc), code="draw_refused") from None
        d.result = result
        d.result_hash = algo.result_hash(result)
        d.state = DrawState.DRAWN
        d.drawn_at = clock.now()
        d.save()
        item_ids = list(d.round.items.values_list("pk", flat=True))
        for s in result["selections"]:
            sel = DrawSelection.objects.create(
                draw=d,
                project_id=s["project_id"],
                department_id=s["department_id"] or d.round.plan.organisation_id,
                rank=s["rank"],
                part=s["part"],
                weight=Decimal(str(s["weight"])),
                key=s["key"],
            )
            sel.inspectors.set(s["inspectors"])
            sel.items.set(item_ids)
        w.after["result_hash"] = d.result_hash
        w.after["selected"] = [s["code"] for s in result["selections"]]
    return w.obj  # type: ignore[no-any-return]


def reveal(*, actor: Actor, obj: Draw, seed: str = "") -> Draw:
    """Publish the seed. A seed entered here (e.g. from an external ceremony)
    must match the committed hash, else it is refused."""
    from .steps_draw import REVEAL

    seed = (seed or "").strip()
    if seed and algo.seed_hash(seed) != obj.seed_hash:
        raise Conflict("种子与抽取前公布的种子哈希不一致，不能公布", code="seed_mismatch")
    with steps.write(REVEAL, obj, actor) as w:
        if algo.seed_hash(w.obj.seed) != w.obj.seed_hash:
            raise Conflict("种子与抽取前公布的种子哈希不一致，不能公布", code="seed_mismatch")
        w.obj.state = DrawState.REVEALED
        w.obj.revealed_at = clock.now()
        w.after["scheduled"] = [i.number for i in schedule_selections(w.obj, actor)]
    return w.obj  # type: ignore[no-any-return]


def redraw(*, actor: Actor, obj: Draw, reason: str) -> Draw:
    """A new commitment for the same round; the old draw stays, superseded
    (its seed is revealed so the public can check it too)."""
    from .steps_draw import REDRAW

    reason = writes.text(reason, field="reason", label="重抽理由", min_len=4, max_len=500)
    with transaction.atomic():
        with steps.write(REDRAW, obj, actor) as w:
            w.obj.state = DrawState.SUPERSEDED
            if w.obj.revealed_at is None:
                w.obj.revealed_at = clock.now()
            w.after["reason"] = reason
        return commit(actor=actor, round=obj.round, supersedes=w.obj, reason=reason)


def verify_draw(d: Draw, *, seed: str | None = None) -> algo.Verification:
    """Recompute a draw from its published inputs (the revealed seed, or the
    one given)."""
    return algo.verify(
        project_pool=d.project_pool,
        project_pool_hash=d.project_pool_hash,
        inspector_pool=d.inspector_pool,
        inspector_pool_hash=d.inspector_pool_hash,
        params=d.params,
        seed=d.seed_public if seed is None else seed,
        committed_seed_hash=d.seed_hash,
        published=d.result,
    )


def verify_draw_public(d: Draw, *, seed: str | None = None) -> algo.Verification:
    """``verify_draw`` for the public page: the outcome is kept for ten
    minutes under the hash of everything it was computed from (the stored
    pools, hashes, parameters, result and the seed), so a changed row is
    recomputed at once while repeated visits cost one hash of the inputs, not
    the draw again (bench/draw: about 25 times less on 10,000 projects)."""
    from django.core.cache import cache

    used = d.seed_public if seed is None else seed
    key = "inspections:verify:" + algo.sha256_hex(
        algo.canonical(
            [
                d.project_pool,
                d.project_pool_hash,
                d.inspector_pool,
                d.inspector_pool_hash,
                d.params,
                d.seed_hash,
                d.result,
                used,
            ]
        )
    )
    hit = cache.get(key)
    if hit is None:
        hit = verify_draw(d, seed=seed)
        cache.set(key, hit, 600)
    return hit  # type: ignore[no-any-return]


def hand_over(d: Draw) -> list[DrawSelection]:
    """The selections of a drawn draw still to be scheduled as inspections."""
    if d.state not in (DrawState.DRAWN, DrawState.REVEALED):
        return []
    return list(
        d.selections.filter(scheduled=False)
        .select_related("project", "department")
        .prefetch_related("inspectors__person", "inspectors__department", "items")
        .order_by("rank")
    )


def quarter_period(year: int, quarter: int, on: dt.date) -> tuple[dt.date, dt.date]:
    """The days a round's inspections fall in: its quarter, from ``on`` if
    the draw is made within it; a round drawn late runs from the draw day to
    the end of the quarter the draw day is in."""

    def bounds(y: int, q: int) -> tuple[dt.date, dt.date]:
        start = dt.date(y, 3 * q - 2, 1)
        end = dt.date(y, 12, 31) if q == 4 else dt.date(y, 3 * q + 1, 1) - dt.timedelta(days=1)
        return start, end

    start, end = bounds(year, quarter)
    if on > end:
        return on, bounds(on.year, (on.month - 1) // 3 + 1)[1]
    return max(start, on), end


def schedule_selections(d: Draw, actor: Actor) -> list[Any]:
    """Once the seed is public the draw is final (ADR 0704): each selection
    becomes an inspection of the visits part, with the drawn inspectors, the
    round's items (their legal basis and method), the round's quarter, and
    unannounced when any of its items is to be checked without notice; the
    visits part checks the team again (``conflicts.team_problem``). In the
    reveal's transaction: a refused team refuses the reveal."""
    from .models import InspectionKind, InspectionSource
    from .services_visits import ChecklistItem, schedule_inspection

    r = d.round
    kind = InspectionKind.SPECIAL if r.kind == RoundKind.SPECIAL else InspectionKind.RANDOM
    start, end = quarter_period(r.plan.year, r.quarter, clock.local_date(clock.now()))
    out = []
    for s in hand_over(d):
        items = list(s.items.all())
        inspection = schedule_inspection(
            actor,
            project=s.project,
            department=s.department,
            inspectors=list(s.inspectors.all()),
            items=[
                ChecklistItem(
                    name=i.name,
                    basis=i.basis_text,
                    method=i.get_method_display(),
                    stage=i.get_stage_display(),
                    item_key=f"work-item:{i.pk}",
                )
                for i in items
            ],
            period_start=start,
            period_end=end,
            announced=not any(i.unannounced for i in items),
            kind=kind,
            source=InspectionSource.DRAW,
            source_ref=f"{d.number} 第{s.rank}号",
        )
        s.scheduled = True
        s.inspection = inspection
        s.save(update_fields=["scheduled", "inspection"])
        out.append(inspection)
    return out
