"""Engineering changes and hidden works through the API: what the pages show
and do beyond the first routes — the basis documents of a change, the contract's
change ledger, the detail of hidden works, the photos in Base64 with their EXIF
checks, the files served through the scope check (R-CHG-01, 02, 05, R-HID-01..03)."""

from __future__ import annotations

import datetime as dt

import pytest

from postaward.core import clock

from . import factories as f
from .apiclient import b64, get, post, refused

pytestmark = pytest.mark.django_db


def change_body(d, **kw):  # type: ignore[no-untyped-def]
    p = d.projects["p_school"]
    return {
        "project_id": p.pk,
        "participant_id": f.participant(p).pk,
        "category": "site_instruction",
        "title": "基础换填",
        "reason": "地勘与实际不符，需换填",
        "scope": "A区基础换填级配碎石",
        "cost_delta": "85000.00",
        "days_delta": 2,
        "work_date": (clock.today() + dt.timedelta(days=5)).isoformat(),
        **kw,
    }


def test_a_change_runs_through_the_api_with_its_basis_and_ledger(d):  # R-CHG-01, R-CHG-02
    pm = d.token_client("pm_a")
    c = post(pm, "/changes", change_body(d, documents=[b64(f.pdf("签证单.pdf"))]), status=201)
    assert [doc["kind"] for doc in c["documents"]] == ["change_basis"]
    assert c["actions"] == ["withdraw"] and c["raised_by_org"] == "甲建设有限公司"
    url = f"/changes/{c['id']}"
    chief = d.client("chief_a")
    assert get(chief, url)["actions"] == ["review", "reject"]
    refused(
        d.client("school_leader"),
        f"{url}/review",
        {},
        status=403,
        message="监理单位方可监理审核通过",
    )
    post(chief, f"{url}/review", {"opinion": "同意"})
    approved = post(d.token_client("school_leader"), f"{url}/approve", {"opinion": "同意"})
    assert approved["state"] == "approved" and not approved["after_the_fact"]
    assert [s["action"] for s in approved["steps"]] == [
        "raise_change",
        "review_by_supervisor",
        "approve_by_owner",
    ]
    # multipart works too (the page's form): a second change, then the ledger
    form = {k: str(v) for k, v in change_body(d, title="楼梯间调整").items()}
    second = post(pm, "/changes", form={**form, "documents": f.pdf("图纸.pdf")}, status=201)
    assert second["title"] == "楼梯间调整" and len(second["documents"]) == 1
    history = get(pm, f"/contracts/{c['participant_id']}/change-history")
    assert history["count"] == 1 and history["cumulative_cost"] == "85000.00"
    assert history["cumulative_days"] == 2 and history["price_with_extension_ids"] == [c["id"]]
    assert history["pending_ids"] == [second["id"]] and not history["third_change"]
    get(d.client("contractor_b_admin"), f"/contracts/{c['participant_id']}/change-history", 404)
    # the basis document is served to the project's units only
    doc = c["documents"][0]
    assert d.client("school_leader").get(doc["url"]).status_code == 200
    assert d.client("contractor_b_admin").get(doc["url"]).status_code == 404


def test_a_change_of_accepted_hidden_works_is_refused_to_the_contractor(d, frozen):  # R-CHG-01
    hw = f.hidden_work(d, days_ahead=1)
    frozen.shift(dt.timedelta(days=1))
    from .. import services

    services.record_standby(
        actor=d.actor("chief_a"), hidden_work=hw, opinion="验收合格", photos=f.photos()
    )
    data = refused(
        d.client("pm_a"),
        "/changes",
        change_body(d, hidden_work_ids=[hw.pk]),
        status=422,
        message="已验收，原则上不得变更",
    )
    assert data["code"] == "hidden_works_accepted"


def test_hidden_works_detail_and_photos_in_base64(d, frozen):  # R-HID-01, R-HID-02, R-HID-03
    hw = post(
        d.token_client("pm_a"),
        "/hidden-works",
        {
            "project_id": d.projects["p_school"].pk,
            "part_name": "一层梁板钢筋",
            "description": "钢筋规格、间距、保护层",
            "work_date": "2026-06-16",
        },
        status=201,
    )
    url = f"/hidden-works/{hw['id']}"
    assert get(d.client("pm_a"), url)["actions"] == ["withdraw"]
    assert get(d.client("school_leader"), url)["actions"] == ["important"]
    refused(
        d.client("chief_a"),
        f"{url}/photos",
        {"opinion": "验收合格", **{k: b64(v) for k, v in f.photos().items()}},
        status=422,
        message="监理旁站验收须在隐蔽工程施工当天（2026-06-16）记录",
    )
    frozen.move_to(dt.datetime(2026, 6, 16, 10, 0, tzinfo=clock.LOCAL_TZ))
    chief = d.token_client("chief_a")
    # JSON with the three photos in Base64; the EXIF is read from the decoded bytes
    photos = f.photos()
    photos["scale"] = f.jpeg("scale.jpg", taken=None, lon=120.90, lat=30.05)
    done = post(
        chief,
        f"{url}/photos",
        {"opinion": "钢筋隐蔽验收合格", **{k: b64(v) for k, v in photos.items()}},
    )
    assert done["state"] == "accepted" and done["supervisor_opinion"] == "钢筋隐蔽验收合格"
    by_kind = {p["kind"]: p for p in done["photos"]}
    assert set(by_kind) == {"before", "after", "scale"}
    assert by_kind["before"]["taken_at"] and by_kind["before"]["warnings"] == []
    assert any("不在项目现场" in w for w in by_kind["scale"]["warnings"])
    photo_url = done["photo_urls"][str(by_kind["before"]["id"])]
    r = d.client("school_leader").get(photo_url)
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"\xff\xd8\xff")
    assert d.client("contractor_b_admin").get(photo_url).status_code == 404
    leader = d.client("school_leader")
    assert set(get(leader, url)["actions"]) == {"approve", "return"}
    returned = post(leader, f"{url}/return", {"opinion": "标尺照片缺少拍摄时间，请补传"})
    assert returned["state"] == "returned"
    # half an hour later the supervisor replaces the photo (multipart) and resubmits
    frozen.shift(dt.timedelta(minutes=30))
    post(chief, f"{url}/photos", form={"scale": f.jpeg("scale2.jpg", taken=clock.now())})
    again = post(chief, f"{url}/resubmit", {})
    assert again["state"] == "accepted"
    assert {p["kind"]: p["warnings"] for p in again["photos"]}["scale"] == []
    get(d.client("contractor_b_admin"), url, status=404)
