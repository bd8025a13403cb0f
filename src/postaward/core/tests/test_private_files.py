"""Private files (ADR 0010): one upload service, one download path, no /media/.

Regression tests of the stored-XSS and public-media findings (issue 10 §1) and of
the upload inputs that used to give a 500 (§5). R-ORG-03, R-ORG-04 (scope),
R-CMP-04 (complainants' files live in the same storage).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse

from postaward.core import clock, files
from postaward.core.errors import ValidationFailed
from postaward.core.files import PrivateStorage, minimal_image, minimal_pdf

NOW = dt.datetime(2026, 6, 15, 9, 30, tzinfo=clock.LOCAL_TZ)
SCRIPT_HTML = (
    b"<!doctype html><html><body><script>fetch('/api/v1/tokens',{method:'POST',"
    b"body:JSON.stringify({days:366})})</script></body></html>"
)
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares ``width``×``height`` pixels in a few bytes (a bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def bad_exif_jpeg() -> bytes:
    """A sound JPEG whose EXIF says GPS 0/0 and 9999:12:31 with offset -12:00."""
    from PIL import Image, TiffImagePlugin

    img = Image.new("RGB", (64, 48), (90, 100, 110))
    exif = Image.Exif()
    exif[0x0132] = "9999:12:31 23:59:59"
    sub = exif.get_ifd(0x8769)
    sub[36867] = "9999:12:31 23:59:59"
    sub[36881] = "-12:00"
    gps = exif.get_ifd(0x8825)
    zero = TiffImagePlugin.IFDRational(0, 0)
    gps[1], gps[2] = "N", (zero, zero, zero)
    gps[3], gps[4] = "E", (zero, zero, zero)
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def stored_files() -> list[Path]:
    root = Path(settings.PRIVATE_FILES_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def d(frozen, district, settings, tmp_path):
    from postaward.approvals.tests.factories import extras

    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return extras(district)


# --- the upload service ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("审批单.html", SCRIPT_HTML, "只接受"),
        ("审批单.pdf", SCRIPT_HTML, "只接受"),  # the name does not decide
        ("图纸.svg", SVG, "只接受"),
        ("照片.png", png_header(30000, 30000), "图片尺寸过大"),
        ("照片.png", png_header(9000, 9000), "图片尺寸过大"),  # 81 MP: the warning band
        ("照片.jpg", b"\xff\xd8\xff\xe0 truncated", "图片已损坏"),
        ("合同.png", minimal_pdf(["x"]), "不符"),
        ("空.pdf", b"", "文件为空"),
    ],
)
def test_the_upload_service_refuses_by_content(name, data, message):  # R-ORG-03
    with pytest.raises(ValidationFailed, match=message):
        files.check_upload(SimpleUploadedFile(name, data), field="approval_form")


def test_images_are_reencoded_without_metadata():
    from PIL import Image

    checked = files.check_upload(SimpleUploadedFile("现场.jpg", bad_exif_jpeg()))
    assert checked.content_type == files.JPEG and checked.data != checked.original
    with Image.open(io.BytesIO(checked.data)) as img:
        assert len(img.getexif()) == 0
    assert checked.random_name().endswith(".jpg") and "现场" not in checked.random_name()


def test_impossible_exif_is_ignored_with_a_warning_not_a_500(d):  # R-HID-02
    """GPS 0/0 (NaN in Pillow) and 9999-12-31 at -12:00 (an overflow in local
    time) are ignored: no NaN reaches the audit JSON, the photo is kept."""
    from postaward.approvals import exif

    result = exif.check(
        bad_exif_jpeg(), day=NOW.date(), site=d.projects["p_school"].site, uploaded_at=NOW
    )
    assert "照片 EXIF 中的拍摄时间不合理，已忽略" in result.warnings
    assert "照片 EXIF 中的拍摄位置不合理，已忽略" in result.warnings
    assert result.facts.lon is None and result.facts.lat is None
    assert result.facts.taken_at == NOW
    json.dumps([result.facts.lon, result.facts.lat], allow_nan=False)


def _approve_leave_page(d, name: str, data: bytes) -> Any:
    from postaward.attendance import services as attendance

    from ...attendance.models import LeaveRequest
    from ...projects.models import KeyPersonAssignment

    a = KeyPersonAssignment.objects.filter(
        project=d.projects["p_school"], person=d.users["pm_a"].person, ended_on=None
    ).first()
    leave = attendance.request_leave(
        actor=d.actor("pm_a"),
        assignment=a,
        starts_on=clock.today() + dt.timedelta(days=1),
        ends_on=clock.today() + dt.timedelta(days=1),
        reason="就医",
    )
    r = d.client("school_leader").post(
        f"/attendance/leave/{leave.pk}/steps/approve/",
        {
            "approval_form": SimpleUploadedFile(name, data, content_type="application/pdf"),
            "evidence": SimpleUploadedFile("证明.pdf", minimal_pdf(["x"])),
        },
    )
    return r, LeaveRequest.objects.get(pk=leave.pk)


def test_a_script_named_approval_form_is_refused_and_nothing_is_stored(d):  # R-ORG-03
    """The stored-XSS finding: 审批单.html with a script used to be stored and
    served inline as text/html to the supervision office."""
    r, leave = _approve_leave_page(d, "审批单.html", SCRIPT_HTML)
    assert r.status_code == 422 and "只接受" in r.content.decode()
    assert leave.state == "pending" and not leave.approval_form and stored_files() == []


def test_leave_files_keep_their_name_as_data_and_a_random_path(d):  # R-ORG-03
    r, leave = _approve_leave_page(d, "请假审批单.pdf", minimal_pdf(["ok"]))
    assert r.status_code == 302 and leave.state == "approved"
    assert leave.approval_form_name == "请假审批单.pdf"
    assert "请假审批单" not in leave.approval_form.name
    assert len(stored_files()) == 2
    url = reverse("attendance_file", args=["leave", leave.pk, "approval_form"])
    served = d.client("school_leader").get(url)
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    assert "%E8%AF%B7%E5%81%87" in served["Content-Disposition"]  # 请假 (the kept name)


def test_a_photo_bomb_through_the_api_is_a_clear_422(d, frozen):  # R-HID-02
    import base64

    from postaward.approvals.tests import factories as f

    hw = f.hidden_work(d, days_ahead=1)
    frozen.shift(dt.timedelta(days=1))
    client = d.client("chief_a")
    body = {
        "opinion": "验收合格",
        "before": {
            "filename": "前.png",
            "content_base64": base64.b64encode(png_header(30000, 30000)).decode(),
        },
    }
    r = client.post(
        f"/api/v1/approvals/hidden-works/{hw.pk}/photos",
        data=json.dumps(body),
        content_type="application/json",
    )
    assert r.status_code == 422, r.content
    assert "图片尺寸过大" in r.json()["message"] + json.dumps(r.json(), ensure_ascii=False)
    assert stored_files() == []


def test_media_is_not_served(client, d):  # R-ORG-03
    """The public-media finding: /media/… answered 200 to anyone."""
    legacy = Path(settings.VAR_DIR) / "media"
    assert client.get("/media/attendance/leave/2026/12/请假审批单.pdf").status_code == 404
    assert d.client("office_admin").get("/media/x.pdf").status_code == 404
    assert not str(settings.PRIVATE_FILES_ROOT).startswith(str(legacy))
    with pytest.raises(ValueError):
        files.private_storage.url("x.pdf")


# --- the watermark (ADR 0011) ----------------------------------------------------------------


def test_a_photo_is_stamped_with_time_place_project_and_person(d, frozen):  # R-HID-02
    from PIL import Image, ImageChops

    from postaward.approvals import exif, services
    from postaward.approvals.tests import factories as f

    hw = f.hidden_work(d, days_ahead=1)
    frozen.shift(dt.timedelta(days=1))
    now = clock.now()
    site = d.projects["p_school"].site
    lon, lat = site.center_lon, site.center_lat
    plain = minimal_image("JPEG", (800, 600))
    capture = exif.parse_capture(
        json.dumps({"t": (now - dt.timedelta(minutes=2)).isoformat(), "lon": lon, "lat": lat})
    )
    services.record_standby(
        actor=d.actor("chief_a"),
        hidden_work=hw,
        opinion="验收合格",
        photos={"before": SimpleUploadedFile("前.jpg", plain)},
        captures={"before": capture},
    )
    photo = services.current_photos(hw)[0]
    # No EXIF is no warning: the page recorded the time and the position on site.
    assert photo.warnings == [] and photo.distance_m == 0
    assert photo.captured_at == now - dt.timedelta(minutes=2) and photo.capture_lon == lon
    assert photo.taken_at == photo.captured_at and photo.lon == lon
    with photo.file.open("rb") as fh, Image.open(fh) as stored:
        stored.load()
        original = Image.open(io.BytesIO(plain)).convert("RGB")
        band = (0, stored.height - 40, stored.width, stored.height)
        top = (0, 0, stored.width, 40)
        diff_band = ImageChops.difference(stored.crop(band), original.crop(band)).getbbox()
        diff_top = ImageChops.difference(stored.crop(top), original.crop(top)).getextrema()
    assert diff_band is not None  # the stamp is drawn at the bottom
    assert max(hi for _, hi in diff_top) < 16  # the rest is the picture (JPEG noise only)
    lines = services.hidden._stamp(
        hw, d.actor("chief_a"), exif.check(plain, day=now.date(), site=site, capture=capture)
    )  # type: ignore[attr-defined]
    assert lines[0].startswith("时间 2026-06-16 09:28（北京时间）") and "东经" in lines[0]
    assert d.projects["p_school"].code in lines[1] and "上传人" in lines[3]


def test_exif_that_disagrees_with_the_capture_is_a_warning(d):  # R-HID-02
    from postaward.approvals import exif
    from postaward.approvals.tests import factories as f

    site = d.projects["p_school"].site
    data = f.jpeg("x.jpg", taken=NOW - dt.timedelta(hours=5)).read()
    capture = exif.Capture(taken_at=NOW, lon=site.center_lon + 0.05, lat=site.center_lat)
    warnings = exif.check(data, day=NOW.date(), site=site, capture=capture).warnings
    assert any("与页面记录的拍摄时间" in w for w in warnings)
    assert any("与页面记录的位置相距" in w for w in warnings)


def test_the_api_takes_the_capture_with_the_photo(d, frozen):  # R-HID-02
    import base64

    from postaward.approvals.models import HiddenWorkPhoto
    from postaward.approvals.tests import factories as f

    hw = f.hidden_work(d, days_ahead=1)
    frozen.shift(dt.timedelta(days=1))
    site = d.projects["p_school"].site
    capture = {"t": clock.now().isoformat(), "lon": site.center_lon, "lat": site.center_lat}
    body = {
        "opinion": "验收合格",
        "before": {
            "filename": "前.jpg",
            "content_base64": base64.b64encode(minimal_image()).decode(),
        },
        "before_capture": json.dumps(capture),
    }
    r = d.client("chief_a").post(
        f"/api/v1/approvals/hidden-works/{hw.pk}/photos",
        data=json.dumps(body),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    photo = HiddenWorkPhoto.objects.get(hidden_work=hw)
    assert photo.captured_at == clock.now() and photo.warnings == []


def test_a_malformed_capture_field_is_ignored():
    from postaward.approvals import exif

    for raw in ("", "[1]", "{", '{"t": "9999-12-31T23:59:59-12:00", "lon": "NaN", "lat": 0}'):
        c = exif.parse_capture(raw)
        assert c.taken_at is None and c.lon is None and c.lat is None


# --- every FileField of every model ------------------------------------------------------------


def _school_assignment(d):  # type: ignore[no-untyped-def]
    from postaward.projects.models import KeyPersonAssignment

    return KeyPersonAssignment.objects.filter(project=d.projects["p_school"]).first()


def _project_document(d):  # type: ignore[no-untyped-def]
    from postaward.projects.models import ProjectDocument

    doc = ProjectDocument(
        project=d.projects["p_school"], category="other", title="资料", uploaded_at=NOW
    )
    return doc, "file", lambda o: reverse("project_document", args=[o.project_id, o.pk])


def _approval_document(d):  # type: ignore[no-untyped-def]
    from postaward.approvals.models import ApprovalDocument

    p = d.projects["p_school"]
    doc = ApprovalDocument(
        project=p, subject_type="projects.project", subject_id=str(p.pk), kind="change_basis"
    )
    return doc, "file", lambda o: reverse("approval_document", args=[o.pk])


def _hidden_photo(d):  # type: ignore[no-untyped-def]
    from postaward.approvals.models import HiddenWorkPhoto
    from postaward.approvals.tests import factories as f

    hw = f.hidden_work(d, days_ahead=1)
    photo = HiddenWorkPhoto(project=hw.project, hidden_work=hw, kind="before")
    return photo, "file", lambda o: reverse("approval_photo", args=[o.pk])


def _alert_attachment(d):  # type: ignore[no-untyped-def]
    from postaward.alerts import services as alerts
    from postaward.alerts.models import Alert, AlertAttachment
    from postaward.alerts.tests.test_alerts import _hit, _ind

    alerts.record_hit(_ind(d), _hit(d))
    att = AlertAttachment(alert=Alert.objects.get())
    return att, "file", lambda o: reverse("alerts_attachment", args=[o.alert_id, o.pk])


def _complaint_file(d):  # type: ignore[no-untyped-def]
    from postaward.complaints.models import ComplaintFile
    from postaward.complaints.tests.factories import received

    att = ComplaintFile(complaint=received(d), role="evidence")
    return att, "file", lambda o: reverse("complaints_file", args=[o.complaint_id, o.pk])


def _complaint_document(which: str) -> Callable[[Any], Any]:
    def make(d):  # type: ignore[no-untyped-def]
        from postaward.complaints.models import ComplaintDocument
        from postaward.complaints.tests.factories import received

        doc = ComplaintDocument(
            complaint=received(d),
            kind="acceptance",
            year=2026,
            seq=1,
            number="受理告字〔2026〕第1号",
            addressee="投诉人（举报人）",
            to_complainant=True,
        )
        name = "complaints_document_word" if which == "docx" else "complaints_document"
        return doc, which, lambda o: reverse(name, args=[o.complaint_id, o.pk])

    return make


def _case_delivery(d):  # type: ignore[no-untyped-def]
    from postaward.cases.models import CaseDelivery
    from postaward.cases.tests.factories import registered

    row = CaseDelivery(
        case=registered(d),
        method="post",
        delivered_on=NOW.date(),
        recipient="甲建设有限公司",
        recorded_by_name="测试",
    )
    return row, "proof", lambda o: reverse("cases_proof", args=[o.pk])


def _inspection_evidence(d):  # type: ignore[no-untyped-def]
    from postaward.inspections.models.visits import Evidence
    from postaward.inspections.tests import factories_visits as fv

    i = fv.on_site(d)
    row = Evidence(
        inspection=i, item=i.items.first(), content_type="image/png", uploaded_by_name="测试"
    )
    return row, "file", lambda o: reverse("inspections_evidence", args=[o.pk])


def _rectification_reply(d):  # type: ignore[no-untyped-def]
    from postaward.inspections.models.visits import RectificationReply
    from postaward.inspections.tests import factories_visits as fv

    row = RectificationReply(order=fv.order(d), round=1, text="已整改", replied_by_name="测试")
    return row, "file", lambda o: reverse("inspections_reply_file", args=[o.pk])


def _score_evidence(d):  # type: ignore[no-untyped-def]
    from postaward.credit.tests import factories_scores as fs

    ev = fs.scored(d)
    return ev, "evidence", lambda o: reverse("credit_score_evidence", args=[o.pk])


def _credit_request_evidence(d):  # type: ignore[no-untyped-def]
    from postaward.credit.tests import factories as fc
    from postaward.credit.tests.contract import contract_events

    with contract_events():
        q = fc.objection(d)
    return q, "evidence", lambda o: reverse("credit_repair_evidence", args=[o.pk])


def _leave(which: str) -> Callable[[Any], Any]:
    def make(d):  # type: ignore[no-untyped-def]
        from postaward.attendance.models import LeaveRequest

        a = _school_assignment(d)
        lv = LeaveRequest(
            person=a.person,
            project=a.project,
            assignment=a,
            starts_on=NOW.date(),
            ends_on=NOW.date(),
            reason="就医",
            requested_at=NOW,
        )
        return lv, which, lambda o: reverse("attendance_file", args=["leave", o.pk, which])

    return make


def _interview(d):  # type: ignore[no-untyped-def]
    from postaward.attendance.models import AttendanceInterview

    a = _school_assignment(d)
    it = AttendanceInterview(
        kind="cheat",
        key="files-test",
        project=a.project,
        person=a.person,
        organisation=a.participant.organisation,
        trigger={},
        summary="考勤作弊",
    )
    return it, "record", lambda o: reverse("attendance_file", args=["interview", o.pk, "record"])


def _issued_document(which: str) -> Callable[[Any], Any]:
    def make(d):  # type: ignore[no-untyped-def]
        import datetime as dt

        from postaward.core.models import IssuedDocument

        doc = IssuedDocument(
            kind="complaints.acceptance",
            title="受理告知书",
            number="清监办受理告字〔2026〕1号",
            year=2026,
            seq=1,
            issuer_abbr="清监办",
            issuer="测试区监管办",
            addressee="甲建设有限公司",
            issued_on=dt.date(2026, 3, 2),
            subject_type="projects.project",
            subject_id=d.projects["p_school"].pk,
            subject_name=d.projects["p_school"].name,
            state=IssuedDocument.State.DONE,
            created_by="测试",
        )
        return doc, which, lambda o: reverse("document_file", args=[o.pk, which])

    return make


def _document_template(d):  # type: ignore[no-untyped-def]
    from postaward.core.models import DocumentTemplate

    row = DocumentTemplate(
        kind="complaints.acceptance", version=1, original_name="模板.docx", uploaded_by="测试"
    )
    return row, "docx", lambda o: reverse("document_template_file", args=[o.kind, o.version])


def _interference_record(d):  # type: ignore[no-untyped-def]
    import datetime as dt

    from postaward.accountability.models import InterferenceRecord

    r = InterferenceRecord(
        number="GYDJ20269999",
        office=d.orgs["office"],
        intervener_kind="leader",
        intervener_name="王某",
        occurred_on=dt.date(2026, 3, 1),
        kind="greeting",
        stage="bidding",
        request_text="打招呼",
        channel="staff",
        submitted_at=NOW,
        digest="0" * 64,
    )
    return (
        r,
        "evidence_file",
        lambda o: reverse("accountability_interference_evidence", args=[o.pk]),
    )


def _interference_addition(d):  # type: ignore[no-untyped-def]
    from postaward.accountability.models import InterferenceAddition
    from postaward.accountability.tests import factories_interference as fi

    r = fi.staff_record(d)
    a = InterferenceAddition(record=r, seq=1, by="reporter", text="补充", added_at=NOW)
    a.prev_digest = a.digest = "0" * 64
    return (
        a,
        "evidence_file",
        lambda o: reverse(
            "accountability_interference_addition_evidence", args=[o.record_id, o.pk]
        ),
    )


def _integrity_rule(d):  # type: ignore[no-untyped-def]
    import datetime as dt

    from postaward.accountability.models import IntegrityRule

    rule = IntegrityRule(
        unit=d.orgs["school"],
        office=d.orgs["office"],
        kind="integrity",
        title="廉政风险防控制度",
        effective_on=dt.date(2026, 3, 1),
        filed_by_name="测试",
        filed_at=NOW,
    )
    return rule, "file", lambda o: reverse("accountability_integrity_rule_file", args=[o.pk])


def _export_job(d):  # type: ignore[no-untyped-def]
    """A large export done in the worker: the requester's file only (ADR 0934)."""
    from postaward.core.models import ExportJob

    job = ExportJob(
        user=d.users["office_admin"],
        title="事中监管及整改台账",
        path="/reports/ledgers/in-process/",
        state=ExportJob.State.DONE,
        total=1,
        done=1,
        filename="事中监管及整改台账.xlsx",
    )
    return job, "file", lambda o: reverse("export_job_file", args=[o.pk])


def _clue_evidence(d):  # type: ignore[no-untyped-def]
    from postaward.accountability.tests import factories_clues as fa

    c = fa.clue(d)
    return c, "evidence_file", lambda o: reverse("accountability_clue_evidence", args=[o.pk])


def _proposal_evidence(d):  # type: ignore[no-untyped-def]
    from postaward.accountability.tests import factories_proposals as fp

    p = fp.proposal(d)
    return p, "evidence_file", lambda o: reverse("accountability_proposal_evidence", args=[o.pk])


MAKERS: dict[tuple[str, str], Callable[[Any], Any]] = {
    ("accountability.proposal", "evidence_file"): _proposal_evidence,
    ("accountability.clue", "evidence_file"): _clue_evidence,
    ("core.issueddocument", "pdf"): _issued_document("pdf"),
    ("core.issueddocument", "docx"): _issued_document("docx"),
    ("core.documenttemplate", "docx"): _document_template,
    ("projects.projectdocument", "file"): _project_document,
    ("approvals.approvaldocument", "file"): _approval_document,
    ("approvals.hiddenworkphoto", "file"): _hidden_photo,
    ("alerts.alertattachment", "file"): _alert_attachment,
    ("complaints.complaintfile", "file"): _complaint_file,
    ("complaints.complaintdocument", "pdf"): _complaint_document("pdf"),
    ("complaints.complaintdocument", "docx"): _complaint_document("docx"),
    ("cases.casedelivery", "proof"): _case_delivery,
    ("attendance.leaverequest", "approval_form"): _leave("approval_form"),
    ("attendance.leaverequest", "evidence"): _leave("evidence"),
    ("attendance.attendanceinterview", "record"): _interview,
    ("inspections.evidence", "file"): _inspection_evidence,
    ("inspections.rectificationreply", "file"): _rectification_reply,
    ("credit.scoreevent", "evidence"): _score_evidence,
    ("credit.creditrequest", "evidence"): _credit_request_evidence,
    ("accountability.interferencerecord", "evidence_file"): _interference_record,
    ("accountability.interferenceaddition", "evidence_file"): _interference_addition,
    ("accountability.integrityrule", "file"): _integrity_rule,
    ("core.exportjob", "file"): _export_job,
}

# Files only ever handed over as a download (an export is opened in Excel, not
# shown in the browser).
ATTACHMENT_ONLY = {("core.exportjob", "file")}


def every_file_field() -> list[tuple[str, str]]:
    return sorted(
        (m._meta.label_lower, f.name)
        for m in apps.get_models()
        for f in m._meta.get_fields()
        if isinstance(f, models.FileField)
    )


def test_every_file_field_is_known_and_private():
    """A new FileField fails here until it is private and walked below."""
    assert every_file_field() == sorted(MAKERS)
    for label, name in every_file_field():
        field = apps.get_model(label)._meta.get_field(name)
        assert isinstance(field.storage, PrivateStorage), (label, name)


@pytest.mark.parametrize("key", sorted(MAKERS), ids=lambda k: f"{k[0]}.{k[1]}")
@pytest.mark.parametrize(
    "name,data,served_as",
    [
        ("照片.png", minimal_image("PNG"), "image/png"),
        ("说明.pdf", minimal_pdf(["x"]), "application/pdf"),
        # What an older install may hold (stored before the checks): never HTML.
        ("审批单.html", SCRIPT_HTML, "application/octet-stream"),
    ],
)
def test_every_file_is_private_scoped_and_safe(d, key, name, data, served_as):  # R-ORG-04
    obj, field, url_of = MAKERS[key](d)
    if served_as == "application/octet-stream":
        getattr(obj, field).save("legacy.html", io.BytesIO(SCRIPT_HTML), save=False)
    else:
        files.save(getattr(obj, field), files.check_upload(SimpleUploadedFile(name, data)))
    facts = {"original_name": name, f"{field}_name": name, "size": len(data), "sha256": "0" * 64}
    for attr, value in facts.items():
        if hasattr(obj, attr):
            setattr(obj, attr, value)
    obj.save()
    assert str(Path(getattr(obj, field).path)).startswith(str(settings.PRIVATE_FILES_ROOT))
    url = url_of(obj)

    anonymous = Client().get(url)
    assert anonymous.status_code in (302, 401, 404)
    assert "/accounts/login/" in anonymous.get("Location", "/accounts/login/")
    assert d.client("hospital_admin").get(url).status_code == 404  # out of scope
    assert d.client("contractor_b_admin").get(url).status_code in (403, 404)

    r = d.client("office_admin").get(url)
    assert r.status_code == 200, (key, r.status_code)
    assert r["Content-Type"] == served_as
    assert r["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in r["Content-Security-Policy"]
    assert served_as == "application/pdf" or "sandbox" in r["Content-Security-Policy"]
    expected = (
        "attachment"
        if served_as == "application/octet-stream" or key in ATTACHMENT_ONLY
        else "inline"
    )
    assert r["Content-Disposition"].startswith(expected)
    body = b"".join(r.streaming_content)
    assert served_as == "application/octet-stream" or not body.lstrip().lower().startswith(
        (b"<!doctype html", b"<html", b"<svg", b"<?xml")
    )


def test_files_of_an_older_install_move_out_of_media(d, settings, tmp_path):
    """The data migrations move var/media files into private storage; attendance
    files lose their guessable name, which is kept as data."""
    from postaward.attendance.models import LeaveRequest

    settings.LEGACY_MEDIA_ROOT = tmp_path / "media"
    old = "attendance/leave/2026/12/请假审批单.pdf"
    (tmp_path / "media" / old).parent.mkdir(parents=True)
    (tmp_path / "media" / old).write_bytes(minimal_pdf(["old"]))
    lv, _, _ = _leave("approval_form")(d)
    lv.approval_form.name = old
    lv.save()
    moved = files.move_out_of_media(
        LeaveRequest, ["approval_form"], names={"approval_form": "approval_form_name"}
    )
    lv.refresh_from_db()
    assert moved == 1 and lv.approval_form_name == "请假审批单.pdf"
    assert "请假" not in lv.approval_form.name and lv.approval_form.name.startswith(
        "attendance/leave/"
    )
    assert files.private_storage.exists(lv.approval_form.name)
    assert not (tmp_path / "media" / old).exists()
    assert files.move_out_of_media(LeaveRequest, ["approval_form"]) == 0  # idempotent
