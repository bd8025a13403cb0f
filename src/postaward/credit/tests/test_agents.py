"""Tender agents: the office's yearly appraisal with four eyes (R-SCO-05), the
ranking of best-rated agents, and the owner's choice of an agent, justified in
writing and filed with the discipline inspection group exactly when the agent
is not best-rated (R-SCO-09, LC 三)."""

from __future__ import annotations

import pytest

from postaward.alerts.models import Notification
from postaward.core import steps
from postaward.core.errors import Conflict, DomainError, Forbidden, ValidationFailed
from postaward.core.models import AuditRecord

from .. import services_agents as svc
from ..models import AgentChoice, AppraisalState
from ..steps_agents import APPROVE, RETURN
from . import factories_agents as f

pytestmark = pytest.mark.django_db

WHY = "该机构熟悉本校项目前期情况，经班子集体研究决定选用"


def _choose(d, agent, **kw):
    data = dict(
        project_id=d.projects["p_school"].pk, agent_id=agent.pk, method="比选", justification=""
    )
    data.update(kw)
    return svc.choose_agent(actor=d.actor("school_admin"), **data)


def test_r_sco_05_an_appraisal_counts_once_another_office_account_approves_it(district):
    x = f.submitted_appraisal(district)
    assert x.state == AppraisalState.SUBMITTED
    assert svc.best_rated(x.agent_id) == (False, "无已审定的年度考评结果")
    with pytest.raises(Forbidden):  # the recorder may not approve his own appraisal
        steps.take(APPROVE, x, district.actor("office_staff"))
    steps.take(APPROVE, x, district.actor("office_admin"))
    x.refresh_from_db()
    assert x.state == AppraisalState.APPROVED and x.approved_by_name
    ok, note = svc.best_rated(x.agent_id)
    assert ok and "优秀" in note and x.number in note
    assert AuditRecord.objects.filter(action="credit.appraisal_approved").exists()


def test_r_sco_05_a_returned_appraisal_does_not_count(district):
    x = f.submitted_appraisal(district)
    steps.take(RETURN, x, district.actor("office_admin"), {"reason": "考评理由不充分"})
    x.refresh_from_db()
    assert x.state == AppraisalState.RETURNED
    assert svc.best_rated(x.agent_id)[0] is False


def test_r_sco_05_one_appraisal_per_agent_per_year_and_only_the_office(district):
    good, _ = f.rated_agents(district)
    year = good.agent_appraisals.get().year
    with pytest.raises(Conflict, match="已有考评"):
        svc.record_appraisal(
            actor=district.actor("office_staff"),
            agent_id=good.pk,
            year=year,
            grade="fail",
            reasons="重复登记的考评结果",
        )
    with pytest.raises(Forbidden):
        svc.record_appraisal(
            actor=district.actor("housing_staff"),
            agent_id=good.pk,
            year=year - 1,
            grade="fail",
            reasons="主管部门不能登记考评",
        )
    with pytest.raises(ValidationFailed, match="招标代理机构"):
        svc.record_appraisal(
            actor=district.actor("office_staff"),
            agent_id=district.orgs["contractor_a"].pk,
            year=year,
            grade="good",
            reasons="施工单位不是代理机构",
        )


def test_r_sco_05_the_latest_approved_year_decides_and_ranks(district):
    good, poor = f.rated_agents(district)
    last = good.agent_appraisals.get().year
    # an older 优秀 does not lift 乙 whose latest (last year) is 合格
    f.appraisal(district, poor, "excellent", year=last - 1)
    assert svc.best_rated(poor.pk)[0] is False
    order = [r["agent"].pk for r in svc.ranking()]
    assert order.index(good.pk) < order.index(poor.pk)
    # a newer 不合格 takes 甲 out
    f.appraisal(district, good, "fail", year=last + 1)  # the year running
    assert svc.best_rated(good.pk) == (
        False,
        f"{last + 1}年度考评不合格（{good.agent_appraisals.get(year=last + 1).number}）",
    )


def test_r_sco_09_a_best_rated_agent_is_chosen_without_justification(district):
    good, _ = f.rated_agents(district)
    c = _choose(district, good)
    assert c.best_rated and c.justification == "" and c.discipline is None
    assert "良好" in c.rating_note
    assert not Notification.objects.filter(recipient=district.users["discipline"]).exists()
    assert AuditRecord.objects.filter(action="credit.agent_chosen", object_id=str(c.pk)).exists()


@pytest.mark.parametrize("text", ["", "   ", "领导定的"])
def test_r_sco_09_an_agent_not_best_rated_needs_a_written_justification(district, text):
    _, poor = f.rated_agents(district)
    with pytest.raises(ValidationFailed, match="书面说明") as exc:
        _choose(district, poor, justification=text)
    assert exc.value.field == "justification" and "合格" in exc.value.message
    assert not AgentChoice.objects.exists()


def test_r_sco_09_an_agent_never_appraised_is_not_best_rated(district):
    new = f.agent(district, "agent_new", "丙招标代理有限公司")
    with pytest.raises(ValidationFailed, match="无已审定的年度考评结果"):
        _choose(district, new)


def test_r_sco_09_the_justification_is_filed_with_the_discipline_group(district):
    _, poor = f.rated_agents(district)
    c = _choose(district, poor, justification=WHY, tender="一标段")
    assert not c.best_rated and c.justification == WHY
    assert c.discipline == district.orgs["discipline"]
    n = Notification.objects.get(recipient=district.users["discipline"])
    assert "不择优" in n.title and WHY in n.body
    # the discipline group reads it; another owner does not
    assert AgentChoice.objects.visible_to(district.actor("discipline")).filter(pk=c.pk).exists()
    assert not AgentChoice.objects.visible_to(district.actor("hospital_admin")).exists()


def test_r_sco_09_one_choice_per_project_tender_and_only_its_owner(district):
    good, _ = f.rated_agents(district)
    _choose(district, good)
    with pytest.raises(Conflict, match="已登记"):
        _choose(district, good)
    with pytest.raises(DomainError):  # another owner's project: not visible (404) or refused
        svc.choose_agent(
            actor=district.actor("school_admin"),
            project_id=district.projects["p_hospital"].pk,
            agent_id=good.pk,
            method="比选",
        )
    with pytest.raises(Forbidden):
        svc.choose_agent(
            actor=district.actor("office_staff"),
            project_id=district.projects["p_school"].pk,
            agent_id=good.pk,
            method="比选",
        )


def test_r_sco_05_the_agent_files_its_disclosure_and_the_office_checks_it(district):
    from ..models import DisclosureState
    from ..steps_agents import CHECK, SEND_BACK

    x = f.disclosure(district)
    assert x.state == DisclosureState.SUBMITTED and x.staff_count == 24
    assert x.office == district.orgs["office"]
    steps.take(SEND_BACK, x, district.actor("office_staff"), {"note": "人数与人员库不符"})
    x.refresh_from_db()
    assert x.state == DisclosureState.RETURNED
    # refiling goes back to the office; the old check note is cleared
    x = svc.save_disclosure(
        actor=district.actor("agent_admin"), **{**f.DISCLOSURE, "staff_count": 12}
    )
    assert x.state == DisclosureState.SUBMITTED and x.check_note == "" and x.staff_count == 12
    steps.take(CHECK, x, district.actor("office_staff"), {"note": "与人员库核对一致"})
    x.refresh_from_db()
    assert x.state == DisclosureState.CHECKED and x.checked_by_name
    assert AuditRecord.objects.filter(action="credit.disclosure_filed").count() == 2
    assert AuditRecord.objects.filter(action="credit.disclosure_check").exists()


def test_r_sco_05_only_the_agent_admin_files_and_the_numbers_are_checked(district):
    with pytest.raises(Forbidden):
        svc.save_disclosure(actor=district.actor("contractor_a_admin"), **f.DISCLOSURE)
    f.agent_admin(district)
    with pytest.raises(ValidationFailed, match="不能多于"):
        svc.save_disclosure(
            actor=district.actor("agent_admin"), **{**f.DISCLOSURE, "registered_count": 30}
        )


def test_r_sco_05_the_register_card_reads_appraisal_credit_and_registries(district):
    from postaward.testing import person

    good, _ = f.rated_agents(district)
    person(good, name="招标员甲")
    card = svc.agent_card(good)
    assert card["people"] == 1 and card["projects"] == 0
    assert card["best_rated"][0] is True and [a.grade for a in card["appraisals"]] == ["good"]
    assert card["annual"] is None and card["sanctions"] == []


def test_r_sco_05_the_public_register_shows_only_checked_disclosures(district):
    from ..steps_agents import CHECK

    f.rated_agents(district)
    x = f.disclosure(district)
    rows = {r["name"]: r for r in svc.public_agent_register()}
    good = rows["甲招标代理有限公司"]
    assert good["best_rated"] and good["appraisal_grade"] == "良好" and good["disclosure"] is None
    assert rows["乙招标代理有限公司"]["best_rated"] is False
    steps.take(CHECK, x, district.actor("office_staff"), {"note": "与人员库核对一致"})
    good = next(r for r in svc.public_agent_register() if r["name"] == "甲招标代理有限公司")
    assert good["disclosure"]["staff_count"] == 24
    assert "id" not in good and "agent_id" not in good
