"""Monthly reports (月度报告, YJ 四(三); R-REP-02, ADR 0920).

Every reporting department (the industry authorities and public security of
the district, ADR 0920) reports month M by the 20th of M+1; the coordinating
body (the DRC of the district, else the office) sends the district summary by
the 25th. The platform opens the month (``open_month``: one report per
department and the summary, each with its clock in ``core/deadlines``),
drafts each department's report from its own data (``draft``: the counts of
the four ledgers and the typical cases of the month, read through the
department's scope), assembles the summary from the submitted reports
(``assemble``); the reports are edited (``edit``) and submitted (the step
``submit``, which stops the clock: late if after the due day).
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from postaward.core import clock, deadlines, idempotency, writes
from postaward.core.actor import SYSTEM, Actor
from postaward.core.errors import Forbidden, NotFound, ValidationFailed
from postaward.orgs.choices import OrgKind, Role
from postaward.orgs.models import Organisation

from . import delivery, documents_monthly, services_units
from . import monthly_dates as md
from .choices import MONTHLY_SECTIONS, MonthlyState
from .models import MonthlyReport, TypicalCase, snapshot_monthly
from .periods import Period

# The reporting departments and the coordinating body are data (ADR 0933):
# ``services_units`` (the office administrator's directory, defaulting to
# ADR 0920's rule).
DEPARTMENT_KINDS = services_units.DEPARTMENT_KINDS
WRITER_ROLES = frozenset(
    {
        Role.ADMIN,
        Role.UNIT_LEADER,
        Role.OFFICE_STAFF,
        Role.AUTHORITY_STAFF,
        Role.DRC_OFFICER,
        Role.POLICE_OFFICER,
    }
)
EDITABLE = (MonthlyState.DRAFT, MonthlyState.RETURNED)
SECTION_NAMES = tuple(name for name, _ in MONTHLY_SECTIONS)


def period(year: int, month: int) -> Period:
    end = calendar.monthrange(year, month)[1]
    return Period(dt.date(year, month, 1), dt.date(year, month, end), f"{year}年{month}月")


def last_month(today: dt.date | None = None) -> tuple[int, int]:
    today = today or clock.today()
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def reporting_departments(office: Organisation) -> QuerySet[Organisation]:
    """The active reporting departments of the directory (ADR 0933)."""
    return services_units.departments(office)


def coordinating_body(office: Organisation) -> Organisation:
    """The directory's active coordinating body (by default the district's DRC,
    区发改局, YJ 四(三)); the office if none is active (ADR 0933)."""
    return services_units.coordinator(office)


def district_office(org_path: str) -> Organisation | None:
    root = org_path.split("/", 1)[0] + "/" if org_path else ""
    return (
        Organisation.objects.filter(path__startswith=root, kind=OrgKind.SUPERVISION_OFFICE)
        .order_by("path")
        .first()
        if root
        else None
    )


def is_coordinator(actor: Actor, office: Organisation) -> bool:
    return (
        actor.user_id is not None
        and actor.organisation_id in (office.pk, coordinating_body(office).pk)
        and bool(actor.roles & WRITER_ROLES)
    )


def may_write(actor: Actor, report: MonthlyReport) -> bool:
    """The reporting unit's own staff (for the summary: the coordinating body)."""
    return (
        actor.user_id is not None
        and actor.organisation_id == report.department_id
        and bool(actor.roles & WRITER_ROLES)
    )


# --- opening a month ----------------------------------------------------------------------------


def open_month(office: Organisation, year: int, month: int) -> list[MonthlyReport]:
    """One report per reporting department and the summary, each with its
    clock (``reports.monthly_report`` / ``reports.monthly_summary``). Opening
    a month twice opens nothing more."""
    made: list[MonthlyReport] = []
    units = [(d, False) for d in reporting_departments(office)]
    units.append((coordinating_body(office), True))
    with transaction.atomic():
        for unit, summary in units:
            if MonthlyReport.objects.filter(department=unit, year=year, month=month).exists():
                continue
            made.append(_open(office, unit, year, month, summary=summary))
    return made


def _open(
    office: Organisation, unit: Organisation, year: int, month: int, *, summary: bool
) -> MonthlyReport:
    kind = md.MONTHLY_SUMMARY if summary else md.MONTHLY_REPORT
    report = MonthlyReport.objects.create(
        office=office,
        department=unit,
        year=year,
        month=month,
        summary=summary,
        due_on=md.due_on(year, month, summary=summary),
    )
    d = deadlines.open_deadline(
        kind=kind.kind,
        subject=report,
        length=md.length(summary),
        unit=md.UNIT,
        basis=kind.basis,
        organisation_id=unit.pk,
        start=md.start_at(year, month),
    )
    report.due_on = deadlines.last_day(d)
    report.save(update_fields=["due_on"])
    writes.created(report, actor=SYSTEM, action="reports.monthly_opened", snapshot=snapshot_monthly)
    return report


# --- drafting -----------------------------------------------------------------------------------


def reader_for(unit: Organisation) -> Actor:
    """The department's own view of the data (its leaders' scope), for counting."""
    return Actor(
        user_id=0,
        username=f"monthly:{unit.pk}",
        display_name=unit.name,
        organisation_id=unit.pk,
        org_path=unit.path,
        org_kind=unit.kind,
        org_name=unit.name,
        roles=frozenset({Role.ADMIN, Role.UNIT_LEADER}),
    )


def figures(unit: Organisation, year: int, month: int) -> dict[str, Any]:
    """The month's numbers of ``unit``: the counts of the four ledgers (as the
    ledgers count them) and the typical cases marked in the month."""
    from . import ledgers

    reader = reader_for(unit)
    p = period(year, month)
    out: dict[str, Any] = {}
    for kind in ("in-process", "post-award", "complaints", "verified"):
        ledger = ledgers.get(kind)
        assert ledger is not None
        out[kind] = [[label, n] for label, n in ledger.summary(ledger.rows(reader, p))]
    start, end = p.bounds()
    cases = (
        TypicalCase.objects.visible_to(reader)
        .filter(marked_at__gte=start, marked_at__lt=end)
        .select_related("project")
        .order_by("marked_at", "pk")
    )
    out["cases"] = [[c.number, c.project.name, c.problem, c.measures] for c in cases]
    return out


def _counts(pairs: list[list[Any]]) -> str:
    return "，".join(f"{label}{n}" for label, n in pairs)


def drafted_sections(
    unit: Organisation, year: int, month: int, f: dict[str, Any]
) -> dict[str, str]:
    label = f"{year}年{month}月"
    cases = f["cases"]
    return {
        "work": (
            f"{label}，{unit.name}按照系统治理工作安排，对本行业招投标项目开展事中监管和事后检查。"
            f"事中监管预警：{_counts(f['in-process'])}；"
            f"核查项目：{_counts(f['verified'])}。"
        ),
        "problems": (
            f"事后检查发现问题：{_counts(f['post-award'])}；信访举报：{_counts(f['complaints'])}。"
        ),
        "cases": (
            "\n".join(
                f"{n}：{project}，{problem}；督办措施：{m}" for n, project, problem, m in cases
            )
            if cases
            else "本月无新列入督办的典型案例。"
        ),
        "experience": "",
        "plan": "",
    }


def draft(*, actor: Actor, report: MonthlyReport) -> MonthlyReport:
    """Fill the report from the platform's data (a department's report from
    its own numbers; the summary from the submitted reports). Overwrites the
    sections; only while the report is a draft or returned."""
    if not may_write(actor, report):
        raise Forbidden("仅报送单位可以生成本单位的月度报告")
    if report.state not in EDITABLE:
        raise ValidationFailed("报告已报送，不能重新生成")
    with writes.audited(
        MonthlyReport.objects.select_related("department"),
        pk=report.pk,
        actor=actor,
        action="reports.monthly_drafted",
        snapshot=snapshot_monthly,
    ) as w:
        r = w.obj
        if r.summary:
            texts, figs = assemble(r)
        else:
            figs = figures(r.department, r.year, r.month)
            texts = drafted_sections(r.department, r.year, r.month, figs)
        for name in SECTION_NAMES:
            setattr(r, name, texts[name])
        r.figures = figs
        r.drafted_at = clock.now()
    return w.obj  # type: ignore[no-any-return]


def department_reports(summary: MonthlyReport) -> QuerySet[MonthlyReport]:
    return (
        MonthlyReport.objects.filter(
            office=summary.office, year=summary.year, month=summary.month, summary=False
        )
        .select_related("department")
        .order_by("department__path")
    )


def assemble(summary: MonthlyReport) -> tuple[dict[str, str], dict[str, Any]]:
    """The district summary from the departments' submitted reports: each
    section the departments' sections in turn, headed by the department; the
    departments that have not submitted are named."""
    reports = list(department_reports(summary))
    done = [r for r in reports if r.state == MonthlyState.SUBMITTED]
    missing = [r.department.name for r in reports if r.state != MonthlyState.SUBMITTED]
    texts: dict[str, str] = {}
    for name in SECTION_NAMES:
        parts = [f"【{r.department.name}】{getattr(r, name).strip()}" for r in done]
        texts[name] = "\n".join(p for p in parts if not p.endswith("】"))
    head = f"本月应报送单位{len(reports)}个，已报送{len(done)}个"
    head += f"（未报送：{'、'.join(missing)}）。" if missing else "。"
    texts["work"] = head + ("\n" + texts["work"] if texts["work"] else "")
    figs = {
        "departments": len(reports),
        "submitted": len(done),
        "late": sum(1 for r in done if r.late),
        "missing": missing,
    }
    return texts, figs


# --- editing and submitting ---------------------------------------------------------------------


def edit(*, actor: Actor, report: MonthlyReport, **sections: Any) -> MonthlyReport:
    """Change sections of a draft (or a returned report)."""
    if not may_write(actor, report):
        raise Forbidden("仅报送单位可以修改本单位的月度报告")
    if report.state not in EDITABLE:
        raise ValidationFailed("报告已报送，不能修改")
    unknown = set(sections) - set(SECTION_NAMES)
    if unknown:
        raise ValidationFailed("报告没有该部分", field=sorted(unknown)[0])
    clean = {
        name: writes.text(value, field=name, label=dict(MONTHLY_SECTIONS)[name], max_len=20000)
        if (value or "").strip()
        else ""
        for name, value in sections.items()
    }
    with writes.audited(
        MonthlyReport.objects.select_related("department"),
        pk=report.pk,
        actor=actor,
        action="reports.monthly_edited",
        snapshot=snapshot_monthly,
    ) as w:
        for name, value in clean.items():
            setattr(w.obj, name, value)
        w.unchanged = all(getattr(report, n) == v for n, v in clean.items())
    return w.obj  # type: ignore[no-any-return]


def submit(*, actor: Actor, obj: MonthlyReport) -> MonthlyReport:
    """报送 (the ``submit`` step): the clock stops; after the due day the
    report is late (and the deadline closes as missed, raised once)."""
    from postaward.core import steps

    from .steps_monthly import SUBMIT

    if not (obj.work or "").strip():
        raise ValidationFailed("请先填写工作开展情况及主要做法", field="work")
    with steps.write(SUBMIT, obj, actor) as w:
        now = clock.now()
        w.obj.state = MonthlyState.SUBMITTED
        w.obj.submitted_at = now
        w.obj.submitted_by_name = actor.display_name or actor.username
        w.obj.late = now > clock.end_of_day(w.obj.due_on)
        kind = md.MONTHLY_SUMMARY if w.obj.summary else md.MONTHLY_REPORT
        deadlines.close_deadline(kind=kind.kind, subject=w.obj)
        w.obj.document = documents_monthly.issue(w.obj, actor=actor)
        w.obj.delivered_to = documents_monthly.addressees(w.obj)
        report_id = w.obj.pk
        transaction.on_commit(lambda: _deliver(report_id))
    return w.obj  # type: ignore[no-any-return]


def _deliver(report_id: int) -> None:
    """After the commit: hand the submitted report to the outbound adapter and
    record when it was delivered (a failure leaves ``delivered_at`` empty)."""
    r = MonthlyReport.objects.select_related("department", "document").get(pk=report_id)
    payload = {
        "title": r.title,
        "from": r.department.name,
        "to": r.delivered_to,
        "year": r.year,
        "month": r.month,
        "number": r.document.number if r.document else "",
        "pdf_sha256": r.document.sha256 if r.document else "",
        "submitted_at": clock.localtime(r.submitted_at).isoformat() if r.submitted_at else "",
    }
    if delivery.deliver(payload):
        MonthlyReport.objects.filter(pk=r.pk).update(delivered_at=clock.now())


def return_report(*, actor: Actor, obj: MonthlyReport, note: str) -> MonthlyReport:
    """退回 (the ``return`` step): the coordinating body sends a department's
    submitted report back for rework; the clock does not restart."""
    from postaward.core import steps

    from .steps_monthly import RETURN

    body = writes.text(note, field="note", label="退回意见", min_len=4, max_len=2000)
    with steps.write(RETURN, obj, actor) as w:
        w.obj.state = MonthlyState.RETURNED
        w.obj.return_note = body
    return w.obj  # type: ignore[no-any-return]


def create(
    *, actor: Actor, year: int, month: int, idempotency_key: str | None = None
) -> MonthlyReport:
    """POST: open (if not yet) and draft the actor's own report for the month."""
    if actor.user_id is None or not (actor.roles & WRITER_ROLES):
        raise Forbidden("仅报送单位可以生成月度报告")
    if not (1 <= int(month) <= 12) or not (2000 <= int(year) <= clock.today().year):
        raise ValidationFailed("月份不正确", field="month")
    office = district_office(actor.org_path)
    if office is None:
        raise NotFound()
    payload = {"year": int(year), "month": int(month)}

    def run() -> tuple[int, Any]:
        open_month(office, payload["year"], payload["month"])
        r = MonthlyReport.objects.filter(
            department_id=actor.organisation_id, year=payload["year"], month=payload["month"]
        ).first()
        if r is None:
            raise Forbidden("本单位不是月度报告的报送单位")
        return 201, draft(actor=actor, report=r).pk

    with transaction.atomic():
        _, pk, _ = idempotency.run(
            user_id=actor.user_id,
            scope="reports.monthly_report",
            key=idempotency_key,
            payload=payload,
            fn=run,
        )
    return MonthlyReport.objects.select_related("department").get(pk=pk)
