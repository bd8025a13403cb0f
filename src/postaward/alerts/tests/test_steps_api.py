"""The alert's steps through the API (ADR 0060; R-ALR-02): the listing with
reasons, a step with evidence as multipart or Base64 JSON, and a retried step
with the same Idempotency-Key taken once."""

from __future__ import annotations

import base64
import json

from django.core.files.uploadedfile import SimpleUploadedFile

from postaward.alerts.models import Alert, AlertAttachment
from postaward.core.files import minimal_pdf
from postaward.core.models import AuditRecord

from . import authz_rows as rows


def _school(d) -> Alert:  # type: ignore[no-untyped-def]
    d.ctx = {}
    rows.alerts(d)
    return d.ctx["school_alert"]


def test_r_alr_02_listing_says_allowed_or_refused_with_the_reason(district):
    """R-ALR-02: the handling unit may dispose; the review step is refused
    with the state, a wrong role with who may take it."""
    a = _school(district)
    url = f"/api/v1/alerts/{a.pk}/steps"
    owner = {r["name"]: r for r in district.client("school_admin").get(url).json()}
    assert owner["dispose"]["allowed"] and owner["dispose"]["to_state"] == "disposed"
    assert "第二十九条" in owner["dispose"]["basis"]
    assert not owner["close"]["allowed"]
    assert owner["close"]["reason"] == "上一级审核单位方可审核办结"
    line = {r["name"]: r for r in district.client("line_supervisor").get(url).json()}
    assert line["close"]["code"] == "invalid_state"
    assert line["close"]["reason"] == "预警当前状态为“待处置”，不能审核办结"
    assert "escalate" not in owner  # the platform's steps are not offered
    detail = district.client("school_admin").get(f"/api/v1/alerts/{a.pk}").json()
    assert detail["actions"] == ["dispose"]


def test_r_alr_02_dispose_with_evidence_as_multipart(district):
    """R-ALR-02: the evidence goes with the step through the API too."""
    a = _school(district)
    pdf = SimpleUploadedFile("约谈记录.pdf", minimal_pdf(["record"]), "application/pdf")
    r = district.client("school_admin").post(
        f"/api/v1/alerts/{a.pk}/steps/dispose",
        {"finding": "confirmed", "note": "已约谈项目经理", "evidence": [pdf]},
    )
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "disposed"
    assert AlertAttachment.objects.get(alert=a).original_name == "约谈记录.pdf"


def test_r_alr_02_a_retried_step_is_taken_once(district):
    """R-ALR-02: the same Idempotency-Key replays the first answer; the same
    key with another body is refused."""
    a = _school(district)
    client = district.client("school_admin")
    url = f"/api/v1/alerts/{a.pk}/steps/dispose"
    pdf = base64.b64encode(minimal_pdf(["x"])).decode()
    body = {
        "finding": "confirmed",
        "note": "已约谈项目经理",
        "evidence": [{"filename": "记录.pdf", "content_base64": pdf}],
    }

    def post(b):  # type: ignore[no-untyped-def]
        return client.post(
            url, json.dumps(b), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
        )

    first, again = post(body), post(body)
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert AuditRecord.objects.filter(action="alerts.dispose_alert").count() == 1
    assert AlertAttachment.objects.filter(alert=a).count() == 1
    other = post({**body, "note": "另一份说明"})
    assert other.status_code == 409, (other.json(), other.headers)
    assert other.json()["code"] == "idempotency_mismatch"


def test_r_alr_02_unknown_or_platform_step_is_404(district):
    a = _school(district)
    client = district.client("office_admin")
    for name in ("escalate", "withdraw", "no_such_step"):
        r = client.post(
            f"/api/v1/alerts/{a.pk}/steps/{name}", "{}", content_type="application/json"
        )
        assert r.status_code == 404, (name, r.content)
