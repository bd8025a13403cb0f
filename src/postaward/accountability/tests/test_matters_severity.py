"""Severity (R-ACT-04, QZ 附件2 arts. 9-11; ADR 0811): the circumstances as
checkboxes, "accountable twice or more within one year" derived from the
person's earlier decisions (a rolling 365 days back from the new act's date),
retaliation against a complainant (R-CMP-04, art. 11(七)) and obstruction
(art. 11(六)) pre-ticking "serious"."""

from __future__ import annotations

import datetime as dt

import pytest

from postaward.core import clock

from .. import services_matters
from ..choices_matters import severity_of
from ..forms_matters import decide_form
from ..models import MatterPerson
from . import factories_matters as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("codes", "severity"),
    [
        ([], "general"),
        (["9-1"], "lighter"),
        (["9-1", "10-2"], "heavier"),
        (["10-5", "9-2", "11-7"], "serious"),
        (["11-6"], "serious"),
    ],
)
def test_r_act_04_severity_is_the_heaviest_article_ticked(codes, severity):
    assert severity_of(codes) == severity


def _second(district, earlier_day: dt.date, gap_days: int) -> MatterPerson:
    """The person was decided on ``earlier_day``; the new act happened
    ``gap_days`` later."""
    f.decided_on(district, earlier_day)
    m = f.matter(district, occurred_on=earlier_day + dt.timedelta(days=gap_days))
    return MatterPerson.objects.select_related("matter").get(matter=m)


@pytest.mark.parametrize(("gap", "ticked"), [(364, True), (365, True), (366, False)])
def test_r_act_04_twice_within_a_year_is_a_rolling_365_days_back_from_the_new_act(
    district, gap, ticked
):
    earlier = clock.today() - dt.timedelta(days=400)
    mp = _second(district, earlier, gap)
    codes, notes, found = services_matters.derived_circumstances(mp)
    assert ("10-2" in codes) is ticked
    assert bool(found) is ticked
    if ticked:
        assert found[0].matter.number in notes["10-2"]


def test_r_act_04_only_decided_matters_count(district):
    """An earlier matter still pending is not a time the person was held to account."""
    f.pending(district)
    mp = f.pending(district)
    assert "10-2" not in services_matters.derived_circumstances(mp)[0]


def test_r_act_04_a_second_matter_pre_ticks_heavier_on_the_page_with_the_earlier_listed(
    district,
):
    first = f.decided(district)
    mp = f.pending(district)
    form = decide_form(mp, district.actor("edu_admin"))
    assert form.initial["circumstances"] == ["10-2"]
    page = district.client("edu_admin").get(f"/accountability/matters/{mp.matter_id}/")
    text = page.content.decode()
    assert 'data-testid="earlier"' in text and first.matter.number in text
    assert 'value="10-2"' in text
    done = f.decide(district, mp, circumstances=["10-2"])
    assert done.severity == "heavier" and done.earlier == [first.matter.number]


def test_r_act_04_circumstances_keep_their_evidence_notes(district):
    mp = f.decide(
        district,
        f.pending(district),
        circumstances=["9-1", "10-3"],
        circumstance_notes={"9-1": "已主动整改并验收", "10-3": "发生一般质量事故", "11-1": "x"},
    )
    assert mp.severity == "heavier"
    assert mp.circumstance_notes == {"9-1": "已主动整改并验收", "10-3": "发生一般质量事故"}


def test_r_act_04_obstructing_the_investigation_pre_ticks_serious(district):
    mp = f.pending(district)
    services_matters.record_obstruction(
        actor=district.actor("office_staff"), obj=mp, note="拒不提供验收资料，阻碍调查"
    )
    mp = MatterPerson.objects.select_related("matter").get(pk=mp.pk)
    codes, notes, _ = services_matters.derived_circumstances(mp)
    assert codes == ["11-6"] and "阻碍调查" in notes["11-6"]
    assert severity_of(codes) == "serious"


def test_r_cmp_04_retaliation_against_a_complainant_pre_ticks_serious(district):
    from postaward.complaints.models import Complaint
    from postaward.complaints.tests import factories as complaints

    c = complaints.received(district, subject_text="第一中学 school_leader")
    mp = f.pending(district)
    assert "11-7" not in services_matters.derived_circumstances(mp)[0]
    Complaint.objects.filter(pk=c.pk).update(
        retaliation=True, retaliation_note="被投诉人school_leader威胁投诉人"
    )
    codes, notes, _ = services_matters.derived_circumstances(mp)
    assert "11-7" in codes and c.receipt_number in notes["11-7"]
    assert "王小明" not in notes["11-7"]  # never the complainant (R-CMP-04)
    assert severity_of(codes) == "serious"


def test_r_cmp_04_retaliation_naming_someone_else_ticks_nothing(district):
    from postaward.complaints.models import Complaint
    from postaward.complaints.tests import factories as complaints

    c = complaints.received(district, subject_text="甲建设有限公司")
    Complaint.objects.filter(pk=c.pk).update(retaliation=True, retaliation_note="项目经理威胁")
    assert services_matters.derived_circumstances(f.pending(district))[0] == []
