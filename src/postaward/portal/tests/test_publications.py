"""Results published on the public site (R-CAS-05, HC 附件 二(五): 审签同意后
10个工作日内向社会公布): from the sign-off event, the clock across a weekend and
National Day (core's calendar), a missed clock raising the alert, the office
reviewing and publishing the masked text, the public pages showing published
items only, with personal data masked, without an account."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from postaward.alerts.models import Alert
from postaward.core import clock, deadlines, events
from postaward.core.models import Todo
from postaward.credit.tests.contract import SIGNED_OFF, contract_events, publish, signed_off

from .. import publications
from ..models import Publication
from . import pub_factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _events():
    with contract_events():
        yield


def _last_day(p: Publication) -> dt.date:
    return deadlines.last_day(deadlines.deadlines_of(p)[0])


def test_r_cas_05_publication_due_10_working_days_after_a_friday_sign_off(district):
    # signed off Friday 2026-03-06 10:00 local: Mar 9-13, 16-20 → Friday 03-20, 24:00
    p = f.pending(district, signed_off_at="2026-03-06T02:00:00+00:00")
    assert _last_day(p) == dt.date(2026, 3, 20)
    assert (
        Todo.objects.visible_to(district.actor("office_staff"))
        .filter(kind="portal.publication", state=Todo.State.OPEN)
        .exists()
    )


def test_r_cas_05_publication_due_across_national_day_and_a_make_up_day(district):
    # signed off Tuesday 2026-09-29: 09-30, 10-08, 10-09, 10-10 (调休), 10-12..16, 10-19
    p = f.pending(district, signed_off_at="2026-09-29T02:00:00+00:00")
    assert _last_day(p) == dt.date(2026, 10, 19)


def test_r_cas_05_publication_created_once_from_a_replayed_event(district):
    payload = signed_off(district, case_id=8801)
    publish(SIGNED_OFF, **payload)
    publish(SIGNED_OFF, **payload)
    assert Publication.objects.filter(case_id=8801).count() == 1
    p = Publication.objects.get(case_id=8801)
    assert len(deadlines.deadlines_of(p)) == 1


def test_r_cas_05_missed_publication_raises_the_alert(district):
    p = f.pending(district, signed_off_at="2026-03-06T02:00:00+00:00")
    with time_machine.travel(dt.datetime(2026, 3, 21, 9, 0, tzinfo=clock.LOCAL_TZ), tick=False):
        deadlines.sweep()
        events.dispatch_pending(limit=10_000)
    alert = Alert.objects.filter(indicator__code=f"deadline.{publications.PUBLICATION_DUE.kind}")
    assert alert.count() == 1
    assert deadlines.deadlines_of(p)[0].state == "missed"


def test_r_cas_05_person_party_masked_organisation_public(district):
    p = f.pending(district)
    assert p.subject_public == "张*三"
    assert p.title == "关于张*三行政处罚决定的公示"
    for secret in ("张小三", "330602198001011234", "13812345678"):
        assert secret not in p.masked_text
    assert "当事人：张*三" in p.masked_text and "3306**********1234" in p.masked_text
    assert "甲建设有限公司" in p.masked_text  # an organisation's name is public
    org = f.pending(
        district,
        title="关于甲建设有限公司行政处罚决定的公示",
        subject_name="甲建设有限公司",
        text="甲建设有限公司未按规定配备项目经理，项目经理李四长期不在岗，联系电话13900001111。",
    )
    assert org.subject_public == "甲建设有限公司"
    assert "13900001111" not in org.masked_text and "139****1111" in org.masked_text


@time_machine.travel(dt.datetime(2026, 3, 9, 10, 0, tzinfo=clock.LOCAL_TZ), tick=False)
def test_r_cas_05_office_reviews_and_publishes_the_masked_text(district):
    p = f.pending(district)
    url = f"/portal/publications/{p.pk}/"
    assert district.client(None).get(url).status_code == 302
    assert district.client("housing_staff").get(url).status_code == 404
    assert district.client("contractor_a_admin").get("/portal/publications/").status_code == 403
    assert district.client("office_staff").get("/portal/publications/").status_code == 200
    page = district.client("office_staff").get(url)
    assert page.status_code == 200 and "发布公示" in page.content.decode()
    # the reviewer's edit is masked again before it goes out
    done = district.client("office_staff").post(
        f"/portal/publications/{p.pk}/steps/publish/",
        {"masked_text": "当事人：张小三，电话13812345678，决定罚款2万元。"},
    )
    assert done.status_code == 302
    p.refresh_from_db()
    assert p.state == Publication.State.PUBLISHED
    assert p.masked_text == "当事人：张*三，电话138****5678，决定罚款2万元。"
    assert deadlines.deadlines_of(p)[0].state == "met"


def test_r_cas_05_public_pages_show_published_items_only(district, client):
    pending = f.pending(district, title="关于王五行政处罚决定的公示", subject_name="王五")
    shown = f.published(district)
    listing = client.get("/public/publications/")
    text = listing.content.decode()
    assert listing.status_code == 200
    assert 'name="viewport"' in text  # readable on a phone
    assert "关于张*三行政处罚决定的公示" in text and shown.decision_number in text
    assert "王*" not in text and pending.decision_number not in text
    detail = client.get(f"/public/publications/{shown.pk}/").content.decode()
    assert "张*三" in detail and "张小三" not in detail and "138****5678" in detail
    assert client.get(f"/public/publications/{pending.pk}/").status_code == 404
    assert "结果公示" in client.get("/public/").content.decode()
