"""Uploaded documents: what is accepted and how it is checked.

A contract, report or record is a PDF or a photo/scan (JPEG, PNG). The type is
decided by the file's first bytes, not by the name or the browser's claim, and
the name must agree with it; the size is limited. Files are stored under
MEDIA_ROOT with a random name and served only through a scope-checked view.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property

from postaward.core.errors import ValidationFailed

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@deconstructible(path="postaward.projects.files.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """Project documents live beside MEDIA_ROOT (``…/private``), never under it:
    no /media/ route or proxy rule can reach them, and they have no URL. They are
    served only by the views that check the project scope (archive.file_response)."""

    @cached_property
    def base_location(self) -> str:  # type: ignore[override]
        return os.path.join(os.path.dirname(os.path.abspath(settings.MEDIA_ROOT)), "private")

    @cached_property
    def base_url(self) -> None:  # type: ignore[override]
        return None


private_storage = PrivateStorage()

# content type -> (magic prefix, accepted extensions)
ACCEPTED = {
    "application/pdf": (b"%PDF-", ("pdf",)),
    "image/jpeg": (b"\xff\xd8\xff", ("jpg", "jpeg")),
    "image/png": (b"\x89PNG\r\n\x1a\n", ("png",)),
}
ACCEPT_ATTR = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
HELP_TEXT = "PDF 或 JPG/PNG 图片，不超过 20 MB"


@dataclass(frozen=True)
class CheckedUpload:
    upload: Any
    name: str
    content_type: str
    size: int
    sha256: str


def sniff(head: bytes) -> str | None:
    for content_type, (magic, _) in ACCEPTED.items():
        if head.startswith(magic):
            return content_type
    return None


def check_upload(upload: Any, *, field: str = "file") -> CheckedUpload:
    """Refuse empty, oversized, or non-PDF/JPEG/PNG files (by content)."""
    if upload is None:
        raise ValidationFailed("请上传文件", field=field)
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    size = int(getattr(upload, "size", 0) or 0)
    if size <= 0:
        raise ValidationFailed("文件为空", field=field)
    if size > MAX_UPLOAD_BYTES:
        raise ValidationFailed(
            f"文件过大（{size / 1024 / 1024:.1f} MB），不能超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB",
            field=field,
        )
    upload.seek(0)
    head = upload.read(16)
    content_type = sniff(head)
    if content_type is None:
        raise ValidationFailed("只接受 PDF 或 JPG/PNG 图片文件", field=field)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ACCEPTED[content_type][1]:
        raise ValidationFailed(
            f"文件扩展名“.{ext or '（无）'}”与文件内容（{content_type}）不符", field=field
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(upload, name, content_type, size, digest.hexdigest())


def minimal_pdf(lines: list[str]) -> bytes:
    """A small valid one-page PDF (ASCII text) for the demo and tests."""
    text = "\n".join(
        f"BT /F1 11 Tf 50 {760 - 16 * i} Td ({_pdf_escape(line)}) Tj ET"
        for i, line in enumerate(lines)
    ).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(text)).encode() + b" >>\nstream\n" + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
