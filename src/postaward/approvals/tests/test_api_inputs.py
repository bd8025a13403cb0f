"""The two request formats of the routes that take files (ADR 0303), their
strictness, the OpenAPI description of both, and the supervision office's
settings through the API (R-CHG-05, R-HID-03)."""

from __future__ import annotations

import pytest

from postaward.testing import person

from ..models import ApprovalPolicy, Inspection, PersonnelChange
from . import factories as f
from .apiclient import BASE, b64, get, refused, send

pytestmark = pytest.mark.django_db


def inspection(d, **kw):  # type: ignore[no-untyped-def]
    return {
        "project_id": d.projects["p_school"].pk,
        "inspected_on": "2026-06-15",
        "inspectors": "张三",
        "aspects": ["quality"],
        "findings": "检查质量情况良好",
        "result": "ok",
        **kw,
    }


def fields(data):  # type: ignore[no-untyped-def]
    return {e["field"]: e["message"] for e in data["errors"]}


def test_json_is_strict(d):
    leader = d.client("school_leader")
    data = refused(
        leader,
        "/inspections",
        inspection(d, project_id=str(d.projects["p_school"].pk)),
        status=422,
        message="请求数据不符合要求",
    )
    assert fields(data) == {"project_id": "应为整数"}
    data = refused(
        leader,
        "/inspections",
        inspection(d, inspector="张三"),
        status=422,
        message="请求数据不符合要求",
    )
    assert fields(data) == {"inspector": "不允许的字段"}
    data = refused(
        leader,
        "/inspections",
        inspection(d, record={"filename": "记录.pdf", "content_base64": "不是base64"}),
        status=422,
        message="文件内容不是有效的 Base64",
    )
    assert fields(data) == {"record.content_base64": "文件内容不是有效的 Base64"}
    data = refused(
        leader,
        "/inspections",
        inspection(d, record={"filename": "记录.pdf"}),
        status=422,
        message="请求数据不符合要求",
    )
    assert fields(data) == {"record.content_base64": "必填"}
    # the file is checked by its content, whatever its name says
    refused(
        leader,
        "/inspections",
        inspection(d, record=b64(f.pdf("记录.png"))),
        status=422,
        message="与文件内容（PDF）不符",
    )
    r = leader.post(BASE + "/inspections", data="[1, 2]", content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "bad_request"
    r = leader.post(BASE + "/inspections", data="{", content_type="application/json")
    assert r.status_code == 400 and "应为 JSON" in r.json()["message"]
    assert not Inspection.objects.exists()


def test_multipart_is_read_by_the_same_schema(d):
    leader = d.client("school_leader")
    form = {k: v for k, v in inspection(d).items()}
    data = refused(
        leader,
        "/inspections",
        form={**form, "project_id": "甲"},
        status=422,
        message="请求数据不符合要求",
    )
    assert fields(data) == {"project_id": "应为整数"}
    data = refused(
        leader,
        "/inspections",
        form={**form, "aspects": ["quality", "weather"]},
        status=422,
        message="请求数据不符合要求",
    )
    assert fields(data) == {"aspects.1": "取值不在允许范围内"}
    data = refused(
        leader,
        "/inspections",
        form={**form, "photo": f.pdf()},
        status=422,
        message="请求数据不符合要求",
    )
    assert fields(data) == {"photo": "不允许的字段"}
    # a file field sent as text is not a file
    data = refused(
        leader,
        "/inspections",
        form={**form, "record": "记录.pdf"},
        status=422,
        message="请求数据不符合要求",
    )
    assert fields(data) == {"record": "不允许的字段"}
    r = send(leader, "post", "/inspections", form={**form, "record": f.pdf("检查记录.pdf")})
    assert r.status_code == 201, r.content[:400]
    assert Inspection.objects.get().aspects == ["quality"]


def test_a_retried_multipart_upload_is_replayed_not_repeated(d):  # R-CHG-03
    new = person(d.orgs["contractor_a"], name="李四")
    from postaward.projects.models import KeyPersonAssignment

    a = KeyPersonAssignment.objects.get(person=d.users["pm_a"].person, ended_on__isnull=True)

    def form(text="社保"):  # type: ignore[no-untyped-def]
        return {
            "assignment_id": str(a.pk),
            "replacement_id": str(new.pk),
            "reason_kind": "resignation",
            "reason": "原项目经理离职",
            "qualification_document": f.pdf("资格.pdf"),
            "social_insurance": f.pdf("社保.pdf", text=text),
        }

    admin = d.token_client("contractor_a_admin")
    first = send(admin, "post", "/personnel", form=form(), key="mp-1")
    again = send(admin, "post", "/personnel", form=form(), key="mp-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert PersonnelChange.objects.count() == 1
    other = send(admin, "post", "/personnel", form=form(text="另一份"), key="mp-1")
    assert other.status_code == 409 and other.json()["code"] == "idempotency_mismatch"


def test_openapi_describes_both_formats(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/approvals/personnel",
        "/api/v1/approvals/personnel/{personnel_change_id}/complete",
        "/api/v1/approvals/notices/{notice_id}/reply",
        "/api/v1/approvals/acceptance/{acceptance_id}/conclude",
        "/api/v1/approvals/hidden-works/{hidden_work_id}/photos",
    ):
        content = schema["paths"][path]["post"]["requestBody"]["content"]
        assert set(content) == {"application/json", "multipart/form-data"}, path
        assert "$defs" not in str(content) and "$ref" not in str(content), path
    reply = schema["paths"]["/api/v1/approvals/notices/{notice_id}/reply"]["post"]["requestBody"]
    form = reply["content"]["multipart/form-data"]["schema"]["properties"]
    assert form["evidence"] == {"type": "array", "items": {"type": "string", "format": "binary"}}
    js = reply["content"]["application/json"]["schema"]["properties"]["evidence"]
    assert js["items"]["required"] == ["filename", "content_base64"]


def test_the_settings_are_read_by_all_and_kept_by_the_office_administrator(d):  # R-CHG-05, R-HID-03
    policy = get(d.token_client("pm_a"), "/policy")
    assert policy["major_change_amount"] == "1000000.00" and policy["hidden_review_days"] == 3
    body = {
        "major_change_amount": "2000000.00",
        "major_change_ratio": "15.00",
        "hidden_review_days": 5,
        "hidden_review_unit": "calendar_days",
    }
    for user in ("office_staff", "housing_admin"):
        refused(
            d.client(user),
            "/policy",
            body,
            status=403,
            message="仅监管办总管可以设置流程审批参数",
            method="put",
        )
    refused(
        d.client("office_admin"),
        "/policy",
        {**body, "major_change_ratio": "150.00"},
        status=422,
        message="比例应在 0-100 之间",
        method="put",
    )
    r = send(d.client("office_admin"), "put", "/policy", body)
    assert r.status_code == 200, r.content[:400]
    assert r.json()["updated_by_name"] == "office_admin"
    current = ApprovalPolicy.current()
    assert (
        current.major_change_amount,
        current.hidden_review_days,
        current.hidden_review_unit,
    ) == (
        2000000,
        5,
        "calendar_days",
    )
