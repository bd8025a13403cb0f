"""The credit pages of the public site (信用公示, 黑名单; R-SCO-03, R-SCO-04;
ADR 0670-0672): anonymous, enterprises only, final score events only, the
blacklist and 停业整顿 in force (the removed ones as 已移出, without their
reasons), persons never named, a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from postaward.core import clock
from postaward.core.tests.test_pages_plain_chinese import _check
from postaward.orgs.choices import OrgKind
from postaward.testing import District, org, person

from .. import annual, services_sanctions
from ..choices import Colour, ScoreState, SubjectKind
from ..models import AnnualScore, RuleItem, ScoreEvent, subject_key
from . import factories_annual as fa
from . import factories_sanctions as fs

pytestmark = pytest.mark.django_db

PERSON = "王小明"
BASIS = "《聊城市人民政府办公室关于规范公共资源交易招标投标工作的意见》"


@pytest.fixture(autouse=True)
def _after_the_year():
    with time_machine.travel(fa.AFTER_YEAR, tick=False):
        yield


def _blacklist(d: District, org_key: str, reason: str, start: dt.date, end: dt.date) -> Any:
    return services_sanctions.record_sanction(
        actor=d.actor("housing_staff"),
        kind="blacklisted",
        subject_org_id=d.orgs[org_key].pk,
        reason=reason,
        basis_document=BASIS,
        basis_article="第三部分",
        decided_on=start,
        period_from=start,
        period_to=end,
    )


def _world(d: District) -> dict[str, Any]:
    """丙建设有限公司 scored in 2026 (ADR 0650's worked example) with a
    provisional (−8 on P1, counting: 80.29, blue) and a withdrawn event besides; a person scored and
    fined; 乙 blacklisted now (its reason names its project manager), 丁
    blacklisted until ten days ago, 戊 blacklisted and revoked; 甲 ordered to
    stop business."""
    ex = fa.two_projects(d)
    for n, item in enumerate(
        RuleItem.objects.filter(rule_set__in=[ex["housing"], ex["transport"]])
    ):
        item.code = f"ZQ{n:02d}"  # a code the pages must never show
        item.description = f"工程质量评分事项{n}"
        item.save()
    for e, text in zip(
        ex["events"], ("基坑支护未按方案施工", "路基压实度不合格", "拒不配合平台监管"), strict=True
    ):
        ScoreEvent.objects.filter(pk=e.pk).update(summary=text)
    provisional = fa.event(
        d, ex["housing"], "ZQ00", subject=ex["unit"], project=ex["p1"], state=ScoreState.PROVISIONAL
    )
    withdrawn = fa.event(d, ex["housing"], "ZQ02", subject=ex["unit"], state=ScoreState.WITHDRAWN)
    ScoreEvent.objects.filter(pk=provisional.pk).update(summary="公示期内的记分事由")
    ScoreEvent.objects.filter(pk=withdrawn.pk).update(summary="已撤销的记分事由")
    score = annual.compute_annual(ex["key"], 2026, reason="测试")

    # a person: scored, annual score, fined (never on the public pages)
    man = person(d.orgs["contractor_b"], PERSON)
    item = RuleItem.objects.get(rule_set=ex["housing"], code="ZQ00")
    ScoreEvent.objects.create(
        item=item,
        authority=ex["housing"].authority,
        district=d.orgs["office"],
        industry=ex["housing"].industry,
        subject_kind=SubjectKind.PERSON,
        subject_key=subject_key(person_id=man.pk),
        subject_person=man,
        subject_name=man.name,
        fact="manual",
        fact_key="test:person",
        summary="个人记分事由（人员）",
        raw_points=Decimal("-8"),
        points=Decimal("-8"),
        occurred_on=dt.date(2026, 7, 1),
        year=2026,
        state=ScoreState.FINAL,
        notified_on=dt.date(2026, 7, 1),
        objection_until=dt.date(2026, 7, 15),
        created_at=clock.now(),
    )
    annual.compute_annual(subject_key(person_id=man.pk), 2026, reason="测试")
    services_sanctions.record_sanction(
        actor=d.actor("housing_staff"),
        kind="fine",
        subject_person_id=man.pk,
        reason="个人罚款事由，无证上岗",
        basis_document=BASIS,
        basis_article="第三部分",
        decided_on=clock.today(),
        amount_yuan="5000",
    )

    today = clock.today()
    black = _blacklist(
        d,
        "contractor_b",
        f"项目经理{PERSON}（电话13812345678）伪造业绩，串通投标，经查属实",
        today - dt.timedelta(days=5),
        today + dt.timedelta(days=360),
    )
    d.orgs["ding"] = org(d.orgs["office"], "丁工程咨询有限公司", OrgKind.CONTRACTOR)
    d.orgs["wu"] = org(d.orgs["office"], "戊市政工程有限公司", OrgKind.CONTRACTOR)
    expired = _blacklist(
        d,
        "ding",
        "期满的黑名单事由",
        today - dt.timedelta(days=100),
        today - dt.timedelta(days=10),
    )
    revoked = _blacklist(
        d, "wu", "被撤销的黑名单事由", today - dt.timedelta(days=20), today + dt.timedelta(days=300)
    )
    services_sanctions.revoke_sanction(
        actor=d.actor("housing_staff"), obj=revoked, reason="行政复议撤销该决定"
    )
    suspension = fs.suspension(d, days=30)
    return {
        **ex,
        "score": score,
        "man": man,
        "black": black,
        "expired": expired,
        "revoked": revoked,
        "suspension": suspension,
    }


def _page(url: str) -> str:
    r = Client().get(url)
    assert r.status_code == 200, (url, r.status_code)
    html = r.content.decode()
    _check(url, html)  # no requirement ID, dict, ISO time on the page
    return html.split("<main", 1)[-1]


def test_r_sco_03_anyone_reads_the_annual_scores_and_colours_of_the_latest_year(district):
    w = _world(district)
    html = _page("/public/credit/")
    assert "丙建设有限公司" in html and "80.29" in html and "蓝码" in html
    assert w["unit"].uscc in html
    assert re.search(r'data-testid="colour-count-blue">1<', html)
    assert re.search(r'data-testid="colour-count-green">0<', html)
    assert 'value="2026" selected' in html  # the latest year scored by default
    assert f"/public/credit/enterprises/{w['unit'].uscc}/?year=2026" in html
    # the filters and the search narrow the list
    assert "丙建设有限公司" not in _page("/public/credit/?colour=red")
    assert "丙建设有限公司" not in _page("/public/credit/?year=2025")
    assert "丙建设有限公司" not in _page("/public/credit/?kind=supervising_firm")
    assert "丙建设有限公司" in _page(f"/public/credit/?q={w['unit'].uscc}")
    assert "丙建设有限公司" not in _page("/public/credit/?q=不存在的单位")
    # no export for anonymous visitors: the page answers, never a workbook
    r = Client().get("/public/credit/?export=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/html")
    assert "public" in r["Cache-Control"]


def test_r_sco_03_the_enterprise_page_matches_its_annual_score_and_shows_final_events_only(
    district,
):
    w = _world(district)
    score: AnnualScore = w["score"]
    # P1: 100 − 8 (final) − 8 (provisional, counting until withdrawn) = 84; P2: 80;
    # (12 × 84 + 9 × 80) / 21 − 2 = 80.29
    assert (score.score, score.colour) == (Decimal("80.29"), Colour.BLUE)
    html = _page(f"/public/credit/enterprises/{w['unit'].uscc}/")
    assert re.search(r'data-testid="score">80.29<', html)
    assert 'data-testid="colour-blue">蓝码<' in html
    for reason in score.colour_reasons:
        assert reason in html
    # the computation per project (project names are public)
    assert html.count('data-testid="computation-row"') == 2
    assert "丙公司承建的教学楼工程" in html and "丙公司承建的道路工程" in html
    assert "57.14%" in html and "84.00" in html and "80.00" in html
    # the final events with their 事由 and basis (document + article)
    assert html.count('data-testid="public-event"') == 3
    for text in ("基坑支护未按方案施工", "路基压实度不合格", "拒不配合平台监管"):
        assert text in html
    assert "《上虞区政府投资（国有建设）项目监督管理实施细则（试行）》第四十条" in html
    # a provisional or a withdrawn event is not shown; the pending one is counted
    assert "公示期内的记分事由" not in html and "已撤销的记分事由" not in html
    assert "另有 1 项记分尚在公示期或异议处理中" in html
    assert "ZQ0" not in html  # never a rule item's code
    # an unknown code, a unit that is not an enterprise: not found
    assert Client().get("/public/credit/enterprises/91330000XXXXXXXXXX/").status_code == 404
    school = district.orgs["school"].uscc
    assert Client().get(f"/public/credit/enterprises/{school}/").status_code == 404


def test_r_sco_04_the_measures_in_force_show_on_the_enterprise_page(district):
    w = _world(district)
    a = _page(f"/public/credit/enterprises/{district.orgs['contractor_a'].uscc}/")
    assert "责令停业整顿" in a and "期间禁止参与区内招投标" in a
    assert "违约情节严重，造成国家重大损失" in a and "第四十四条" in a
    b = _page(f"/public/credit/enterprises/{district.orgs['contractor_b'].uscc}/")
    assert "列入黑名单" in b and "伪造业绩" in b
    assert PERSON not in b and "王*明" in b and "138****5678" in b
    # expired or revoked: the enterprise has nothing in force (no score either)
    for key in ("ding", "wu"):
        assert Client().get(
            f"/public/credit/enterprises/{district.orgs[key].uscc}/"
        ).status_code == (404)
    assert w["expired"].reason not in b


def test_r_sco_04_the_blacklist_lists_entries_in_force_and_removals_without_reasons(district):
    w = _world(district)
    html = _page("/public/credit/blacklist/")
    assert html.count('data-testid="public-ban"') == 1
    assert "乙建设有限公司" in html and "伪造业绩，串通投标" in html
    assert "测试区住建局" in html and f"{BASIS}第三部分" in html
    today = clock.today()
    start, end = today - dt.timedelta(days=5), today + dt.timedelta(days=360)
    assert f"{start:%Y}年{start.month}月{start.day}日 至 {end:%Y}年{end.month}月{end.day}日" in html
    assert PERSON not in html and "王*明" in html
    assert "丁工程咨询有限公司" not in html and "戊市政工程有限公司" not in html
    assert re.search(r'data-testid="tab-count-blacklist">1<', html)
    assert re.search(r'data-testid="tab-count-suspended">1<', html)
    assert re.search(r'data-testid="tab-count-removed">2<', html)
    suspended = _page("/public/credit/blacklist/?tab=suspended")
    assert "甲建设有限公司" in suspended and "期间禁止参与区内招投标" in suspended
    assert "乙建设有限公司" not in suspended
    removed = _page("/public/credit/blacklist/?tab=removed")
    assert removed.count('data-testid="removed-row"') == 2
    assert "丁工程咨询有限公司" in removed and "期满移出" in removed
    assert "戊市政工程有限公司" in removed and "提前移出" in removed
    for text in (w["expired"].reason, w["revoked"].reason, "行政复议撤销该决定"):
        assert text not in html + suspended + removed
    assert "乙建设有限公司" not in _page("/public/credit/blacklist/?q=丁工程")


def test_r_sco_03_r_sco_04_a_person_never_appears_on_the_public_pages(district):
    w = _world(district)
    urls = [
        "/public/credit/",
        "/public/credit/?year=2026&kind=",
        "/public/credit/blacklist/",
        "/public/credit/blacklist/?tab=suspended",
        "/public/credit/blacklist/?tab=removed",
        f"/public/credit/enterprises/{w['unit'].uscc}/",
        f"/public/credit/enterprises/{district.orgs['contractor_a'].uscc}/",
        f"/public/credit/enterprises/{district.orgs['contractor_b'].uscc}/",
    ]
    for url in urls:
        html = _page(url)
        for text in (PERSON, "个人记分事由", "个人罚款事由", "13812345678"):
            assert text not in html, (url, text)
    assert AnnualScore.objects.filter(subject_person=w["man"], current=True).exists()
    assert (
        Client()
        .get("/public/credit/?kind=person")
        .content.decode()
        .count('data-testid="public-credit-row"')
        == 1
    )  # an unknown kind is ignored: the enterprises, not the person


def _more_rows(d: District, n: int) -> None:
    """``n`` more scored enterprises and ``n`` more blacklist entries."""
    today = clock.today()
    for i in range(n):
        unit = org(d.orgs["office"], f"测试{i}建设有限公司", OrgKind.CONTRACTOR)
        AnnualScore.objects.create(
            district=d.orgs["office"],
            subject_kind=SubjectKind.CONTRACTOR,
            subject_key=subject_key(org_id=unit.pk),
            subject_org=unit,
            subject_name=unit.name,
            year=2026,
            score=Decimal(70 + i),
            colour=Colour.YELLOW,
            colour_reasons=["测试"],
            computation={"projects": []},
            computed_at=clock.now(),
        )
        d.orgs[f"more{i}"] = unit
        _blacklist(d, f"more{i}", "测试黑名单事由", today, today + dt.timedelta(days=30))


def _count(url: str) -> int:
    cache.clear()  # the page rendered, not the public page cache's copy (ADR 0921)
    with CaptureQueriesContext(connection) as ctx:
        assert Client().get(url).status_code == 200
    return len(ctx.captured_queries)


def test_r_sco_03_r_sco_04_the_public_pages_take_a_fixed_number_of_queries(
    district, django_assert_max_num_queries
):
    w = _world(district)
    urls = [
        "/public/credit/",
        "/public/credit/blacklist/",
        "/public/credit/blacklist/?tab=removed",
        f"/public/credit/enterprises/{w['unit'].uscc}/",
        f"/public/credit/enterprises/{district.orgs['contractor_b'].uscc}/",
    ]
    before = {u: _count(u) for u in urls}
    _more_rows(district, 8)
    for url in urls:
        cache.clear()  # a miss: the page rendered (8) plus its cache stamp (3, ADR 0921)
        with django_assert_max_num_queries(11):
            Client().get(url)
        assert _count(url) == before[url], url


def test_r_sco_04_a_blacklisted_enterprise_is_red_with_the_blacklist_as_its_reason(district):
    """The blacklist turns the colour red (ADR 0660); the public list and page
    show the red code and the reason the annual score carries."""
    _world(district)
    b = district.orgs["contractor_b"]
    row = annual.compute_annual(subject_key(org_id=b.pk), 2027, reason="测试")
    assert row.colour == Colour.RED
    html = _page("/public/credit/")  # 2027 is now the latest year scored
    assert 'value="2027" selected' in html and "乙建设有限公司" in html
    assert "丙建设有限公司" not in html  # scored in 2026 only
    assert re.search(r'data-testid="colour-count-red">1<', html)
    page = _page(f"/public/credit/enterprises/{b.uscc}/")
    assert 'data-testid="colour-red">红码<' in page
    assert any("列入黑名单" in r for r in row.colour_reasons)
    for reason in row.colour_reasons:
        assert reason in page


def test_r_sco_04_an_entry_revoked_before_its_period_was_never_listed_nor_removed(district):
    today = clock.today()
    d = district
    d.orgs["ji"] = org(d.orgs["office"], "己园林绿化有限公司", OrgKind.CONTRACTOR)
    s = services_sanctions.record_sanction(
        actor=d.actor("housing_staff"),
        kind="blacklisted",
        subject_org_id=d.orgs["ji"].pk,
        reason="尚未开始执行即被撤销的事由",
        basis_document=BASIS,
        basis_article="第三部分",
        decided_on=today,
        period_from=today + dt.timedelta(days=10),
        period_to=today + dt.timedelta(days=100),
    )
    assert "己园林绿化有限公司" not in _page("/public/credit/blacklist/")  # not yet in force
    services_sanctions.revoke_sanction(actor=d.actor("housing_staff"), obj=s, reason="决定有误")
    for tab in ("blacklist", "removed"):
        assert "己园林绿化有限公司" not in _page(f"/public/credit/blacklist/?tab={tab}")
