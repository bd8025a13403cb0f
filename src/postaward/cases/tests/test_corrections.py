"""R-CAS-06: a document is never regenerated silently: the issuing unit
corrects it on its page, which makes a new version under the same number with
the reason, and the old version stays, marked superseded."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from postaward.core import clock, documents
from postaward.core.models import AuditRecord, IssuedDocument
from postaward.testing import db_fingerprint

from ..choices import DocumentKind, State
from ..models import CaseDocument
from . import factories as f

pytestmark = pytest.mark.django_db


def _decision(district):  # type: ignore[no-untyped-def]
    when = dt.datetime(2026, 3, 10, 10, 0, tzinfo=clock.LOCAL_TZ)
    with time_machine.travel(when, tick=False):
        c = f.at(district, State.DECIDED)
    return c, CaseDocument.objects.get(case=c, kind=DocumentKind.DECISION).issued


def test_r_cas_06_the_issuing_unit_corrects_a_decision_as_a_new_version(district):
    _c, doc = _decision(district)
    url = f"/documents/{doc.pk}/"
    page = district.client("housing_staff").get(url).content.decode()
    assert 'data-testid="correction-form"' in page and "处罚依据" in page
    before = db_fingerprint()
    # another unit reads the case but did not issue the decision; the party has
    # not been served yet; no reason: refused, nothing changes
    assert (
        'data-testid="correction-form"'
        not in district.client("office_staff").get(url).content.decode()
    )
    data = {"f_basis": "《建设工程质量管理条例》第六十一条", "reason": "援引条款有误"}
    assert district.client("office_staff").post(f"{url}correct/", data).status_code == 403
    assert district.client("contractor_a_admin").post(f"{url}correct/", data).status_code == 404
    anon = district.client(None).post(f"{url}correct/", data)
    assert anon.status_code == 302 and "login" in anon["Location"]
    bad = district.client("housing_staff").post(f"{url}correct/", {**data, "reason": ""})
    assert bad.status_code == 422 and "更正理由" in bad.content.decode()
    assert db_fingerprint() == before
    ok = district.client("housing_head").post(f"{url}correct/", data)
    assert ok.status_code == 302
    new = IssuedDocument.objects.get(replaces=doc)
    doc.refresh_from_db()
    assert doc.superseded and not new.superseded
    assert (new.number, new.version, new.correction_reason) == (doc.number, 2, "援引条款有误")
    assert new.context["basis"] == "《建设工程质量管理条例》第六十一条"
    assert documents.verify(new).ok and documents.verify(doc).ok
    assert AuditRecord.objects.filter(action="core.correct_document").exists()
    # only the latest version is corrected
    again = district.client("housing_head").post(f"{url}correct/", data)
    assert again.status_code == 403
