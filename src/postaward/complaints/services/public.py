"""What a complainant does after filing, with the receipt number and the query
code: report retaliation (R-CMP-04)."""

from __future__ import annotations

from postaward.core import clock
from postaward.core.actor import Actor
from postaward.core.writes import audited, text

from .. import selectors
from ..events import RetaliationReported
from ..models import Complaint, snapshot


def report_retaliation(
    *, actor: Actor, number: str, code: str, note: str, source: str
) -> Complaint:
    """The complainant marks that they suffered retaliation: the case is
    flagged to the office and the fact recorded for accountability (a serious
    circumstance). Number + code as for tracking (rate limited)."""
    what = text(note, field="note", label="遭受打击报复的情况", min_len=10, max_len=2000)
    c = selectors.track(number=number, code=code, source=source)
    with audited(
        Complaint.objects.all(),
        pk=c.pk,
        actor=actor,
        action="complaints.report_retaliation",
        snapshot=snapshot,
    ) as w:
        day = clock.today()
        w.obj.retaliation = True
        w.obj.retaliation_note = (f"{w.obj.retaliation_note}\n{day:%Y-%m-%d}：{what}".strip())[
            :5000
        ]
        w.publish(
            RetaliationReported(
                complaint_id=w.obj.pk,
                receipt_number=w.obj.receipt_number,
                office_id=w.obj.office_id,
                project_id=w.obj.project_id,
                subject_text=w.obj.subject_text,
            )
        )
    return w.obj  # type: ignore[no-any-return]
