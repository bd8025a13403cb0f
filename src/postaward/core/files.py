"""Uploaded files: the one way in and the one way out (ADR 0010).

In: :func:`check_upload` decides the type from the file's first bytes (never
the name or the browser's claim), allows only what the caller asks for (PDF,
JPEG, PNG by default; never HTML or SVG), limits the size and the pixels, and
re-encodes images with Pillow (which drops everything but the pixels: EXIF is
read first by the caller through ``original``). :func:`save` stores the result
under a random name in :class:`PrivateStorage`, outside MEDIA_ROOT and without
a URL; the original name is kept as data by the caller.

Out: :func:`download` loads the owning object through the actor's data scope
(404 otherwise) and :func:`file_response` answers with the type sniffed again
from the stored bytes, ``attachment`` unless it is a PDF or image,
``X-Content-Type-Options: nosniff`` and a sandboxing Content-Security-Policy.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import uuid
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property

from postaward.core.errors import NotFound, ValidationFailed

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# A 50-megapixel phone photo passes; a 30000×30000 header (a decompression bomb) does not.
MAX_PIXELS = 60_000_000
# Re-encoded images are kept at most this long on their longer side.
MAX_SIDE = 4096

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
# Word templates of the document service (core.documents, ADR 0090): accepted only where
# asked for (``allowed={DOCX}``), then opened by docxtpl before anything is stored.
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Workbooks the platform writes itself (the large exports, ADR 0934): served, never accepted.
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCUMENTS: frozenset[str] = frozenset({PDF, JPEG, PNG})
IMAGES: frozenset[str] = frozenset({JPEG, PNG})

# content type -> (magic prefix, accepted extensions, label); nothing else is ever accepted.
KNOWN: dict[str, tuple[bytes, tuple[str, ...], str]] = {
    PDF: (b"%PDF-", ("pdf",), "PDF"),
    JPEG: (b"\xff\xd8\xff", ("jpg", "jpeg"), "JPG"),
    PNG: (b"\x89PNG\r\n\x1a\n", ("png",), "PNG"),
    DOCX: (b"PK\x03\x04", ("docx",), "Word（.docx）"),
}
EXTENSION = {PDF: "pdf", JPEG: "jpg", PNG: "png", DOCX: "docx"}
ACCEPT_ATTR = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
ACCEPT_IMAGES = ".jpg,.jpeg,.png,image/jpeg,image/png"
HELP_TEXT = "PDF 或 JPG/PNG 图片，不超过 20 MB"

# Served files run nothing and load nothing, even when opened inline. PDFs are not
# sandboxed: Chromium's PDF viewer refuses sandboxed documents, and a PDF's own
# scripts run inside the viewer, never in the platform's origin.
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
PDF_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'self'"

# Fonts for the watermark, in order: Debian's fonts-noto-cjk, then fonts-wqy.
CJK_FONTS = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
)


def _set_pillow_limit() -> None:
    from PIL import Image

    # Pillow warns above the limit and refuses above twice it; warnings are errors below.
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS


_set_pillow_limit()


# --- storage ------------------------------------------------------------------------------------


@deconstructible(path="postaward.core.files.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """Every uploaded file lives under ``settings.PRIVATE_FILES_ROOT`` (by default
    ``var/private``), never under MEDIA_ROOT or STATIC_ROOT: no route or proxy rule
    can reach it and it has no URL. It is read only by :func:`file_response`."""

    @cached_property
    def base_location(self) -> str:  # type: ignore[override]
        return os.path.abspath(str(settings.PRIVATE_FILES_ROOT))

    @cached_property
    def location(self) -> str:
        return self.base_location

    @cached_property
    def base_url(self) -> None:  # type: ignore[override]
        return None

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no URL; serve them through core.files.download")

    def _clear_cached_properties(self, setting: str, **kwargs: Any) -> None:
        if setting in ("PRIVATE_FILES_ROOT", "MEDIA_ROOT"):
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)
        super()._clear_cached_properties(setting, **kwargs)  # type: ignore[arg-type]


private_storage = PrivateStorage()


# --- in -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedUpload:
    """A file that passed the checks: ``data`` is what will be stored (images
    re-encoded, watermarked if asked), ``original`` what was sent (for EXIF)."""

    name: str
    content_type: str
    data: bytes
    original: bytes = field(repr=False)
    width: int | None = None
    height: int | None = None

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGES

    def random_name(self) -> str:
        return f"{uuid.uuid4().hex}.{EXTENSION[self.content_type]}"


def sniff(head: bytes) -> str | None:
    """The type of a file from its first bytes (PDF, JPEG or PNG), else None."""
    for content_type, (magic, _, _) in KNOWN.items():
        if head.startswith(magic):
            return content_type
    return None


def _labels(allowed: frozenset[str]) -> str:
    parts = [KNOWN[t][2] for t in (PDF, JPEG, PNG) if t in allowed]
    images = [p for p in parts if p in ("JPG", "PNG")]
    text = "PDF" if "PDF" in parts else ""
    if images:
        text = (text + " 或 " if text else "") + "/".join(images) + " 图片"
    if DOCX in allowed:
        text = (text + " 或 " if text else "") + KNOWN[DOCX][2]
    return text


def clean_name(name: str) -> str:
    """The file's own name (no folders, no control characters), kept as data."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in "\"'<>")
    return base.strip()[:200] or "文件"


def check_upload(
    upload: Any,
    *,
    field: str = "file",
    allowed: frozenset[str] = DOCUMENTS,
    max_bytes: int | None = None,
    stamp: Sequence[str] = (),
) -> CheckedUpload:
    """Refuse what is empty, too large, not of an allowed type (by content), or
    not a sound image; re-encode images (with a visible ``stamp`` if given)."""
    max_bytes = max_bytes or MAX_UPLOAD_BYTES
    if upload is None or upload == "":
        raise ValidationFailed("请上传文件", field=field)
    name = clean_name(getattr(upload, "name", "") or "")
    size = getattr(upload, "size", None)
    if size is not None and int(size) > max_bytes:
        raise _too_large(int(size), max_bytes, field)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(max_bytes + 1) if hasattr(upload, "read") else bytes(upload)
    if hasattr(upload, "seek"):
        upload.seek(0)
    if not data:
        raise ValidationFailed("文件为空", field=field)
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes, field)
    content_type = sniff(data[:16])
    if content_type is None or content_type not in allowed:
        raise ValidationFailed(f"只接受 {_labels(allowed)}文件", field=field)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in KNOWN[content_type][1]:
        raise ValidationFailed(
            f"文件扩展名“.{ext or '（无）'}”与文件内容（{KNOWN[content_type][2]}）不符", field=field
        )
    if content_type in IMAGES:
        stored, width, height = reencode(data, content_type, field=field, stamp=stamp)
        return CheckedUpload(name, content_type, stored, data, width, height)
    return CheckedUpload(name, content_type, data, data)


def _too_large(size: int, max_bytes: int, field: str) -> ValidationFailed:
    return ValidationFailed(
        f"文件过大（{size / 1024 / 1024:.1f} MB），不能超过 {max_bytes // 1024 // 1024} MB",
        field=field,
    )


def reencode(
    data: bytes, content_type: str, *, field: str = "file", stamp: Sequence[str] = ()
) -> tuple[bytes, int, int]:
    """Verify an image with Pillow under the pixel limit and draw it again
    (orientation applied, metadata dropped, the longer side at most MAX_SIDE)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    bad = ValidationFailed("图片已损坏或格式不正确，无法读取", field=field)
    huge = ValidationFailed(
        f"图片尺寸过大（超过 {MAX_PIXELS // 1_000_000} 百万像素），请压缩后再上传", field=field
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                if probe.width * probe.height > MAX_PIXELS:
                    raise huge
                probe.verify()
            with Image.open(io.BytesIO(data)) as opened:
                opened.load()
                img: Any = ImageOps.exif_transpose(opened) or opened
                if content_type == JPEG or img.mode not in ("RGB", "RGBA", "L", "LA"):
                    img = img.convert("RGBA" if "A" in img.mode and content_type == PNG else "RGB")
                if max(img.size) > MAX_SIDE:
                    img.thumbnail((MAX_SIDE, MAX_SIDE))
                if stamp:
                    img = watermark(img, stamp)
                out = io.BytesIO()
                if content_type == JPEG:
                    img.save(out, "JPEG", quality=88, optimize=True)
                else:
                    img.save(out, "PNG")
                return out.getvalue(), img.width, img.height
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise huge from exc
        except ValidationFailed:
            raise
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
            raise bad from exc


def _font(size: int) -> Any:
    from PIL import ImageFont

    for path, index in CJK_FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size, index=index)
    log.warning("no CJK font found for watermarks: install fonts-noto-cjk")
    return ImageFont.load_default(size)


def watermark(img: Any, lines: Sequence[str]) -> Any:
    """Draw ``lines`` in white on a dark band across the bottom of the image."""
    from PIL import Image, ImageDraw

    base = img.convert("RGBA")
    size = max(14, min(base.width, base.height) // 28)
    font = _font(size)
    pad = size // 2
    line_h = int(size * 1.35)
    band_h = pad * 2 + line_h * len(lines)
    overlay = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    top = max(0, base.height - band_h)
    draw.rectangle((0, top, base.width, base.height), fill=(0, 0, 0, 150))
    for i, line in enumerate(lines):
        draw.text((pad, top + pad + i * line_h), line, font=font, fill=(255, 255, 255, 255))
    out = Image.alpha_composite(base, overlay)
    return out.convert(img.mode if img.mode in ("RGB", "RGBA") else "RGB")


def stamped(checked: CheckedUpload, lines: Sequence[str]) -> CheckedUpload:
    """The checked image again with a visible watermark of ``lines`` (time,
    position, project, person) drawn across its bottom."""
    if not checked.is_image:
        return checked
    data, width, height = reencode(checked.data, checked.content_type, stamp=lines)
    return CheckedUpload(checked.name, checked.content_type, data, checked.original, width, height)


def save(field_file: Any, checked: CheckedUpload) -> None:
    """Put the checked bytes into a model's FileField under a random name (the
    model is saved by the caller)."""
    field_file.save(checked.random_name(), ContentFile(checked.data), save=False)


# --- out ----------------------------------------------------------------------------------------


def file_response(field_file: Any, name: str, *, download: bool = False) -> FileResponse:
    """The stored file with safe headers. The type is sniffed again from the
    stored bytes; anything but a PDF or an image is an opaque attachment."""
    if not field_file:
        raise NotFound()
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise NotFound() from exc
    head = handle.read(16)
    handle.seek(0)
    content_type = sniff(head) or "application/octet-stream"
    if content_type == DOCX and name.lower().endswith(".xlsx"):
        # the same ZIP container: the platform's own workbook, named by the platform
        content_type = XLSX
    inline = not download and content_type in DOCUMENTS
    response = FileResponse(handle, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(clean_name(name))}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = PDF_CSP if inline and content_type == PDF else FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response


def download(
    queryset: Any,
    actor: Any,
    pk: Any,
    *,
    field: str = "file",
    name: Any = "original_name",
    download: bool = False,
    **lookup: Any,
) -> FileResponse:
    """The one download path: load the owner through the actor's scope (404 if
    out of scope or missing) and answer its file with :func:`file_response`.
    ``name`` is the attribute holding the original name, or a callable."""
    if not hasattr(queryset, "visible_to"):
        raise TypeError("downloads need a scoped queryset (visible_to)")
    obj = queryset.visible_to(actor).filter(pk=pk, **lookup).first()
    if obj is None:
        raise NotFound()
    field_file = getattr(obj, field)
    shown = name(obj) if callable(name) else (getattr(obj, name, "") or "")
    if not shown and field_file:
        shown = str(field_file.name).rsplit("/", 1)[-1]
    return file_response(field_file, str(shown), download=download)


# --- demo and tests -----------------------------------------------------------------------------


def minimal_image(fmt: str = "JPEG", size: tuple[int, int] = (64, 48)) -> bytes:
    """A small plain image (JPEG or PNG) for the demo and tests."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, (120, 130, 140)).save(buf, fmt)
    return buf.getvalue()


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


# --- installs from before ADR 0010 --------------------------------------------------------------


def move_out_of_media(
    model: Any, fields: Sequence[str], *, names: dict[str, str] | None = None
) -> int:
    """For a data migration: move the files of ``model`` that still sit under
    the old public ``var/media`` into private storage (under a random name when
    the old one was the original name, which is then kept in ``names[field]``).
    Files already private are left alone; missing files are skipped. Returns
    how many were moved."""
    legacy = Path(getattr(settings, "LEGACY_MEDIA_ROOT", settings.VAR_DIR / "media"))
    moved = 0
    if not legacy.is_dir():
        return 0
    for obj in model.objects.all().iterator():
        changed: list[str] = []
        for name in fields:
            f = getattr(obj, name)
            if not f or private_storage.exists(f.name):
                continue
            source = legacy / f.name
            if not source.is_file():
                continue
            old = f.name
            if names and name in names:
                ext = old.rsplit(".", 1)[-1].lower() if "." in old else "bin"
                folder = old.rsplit("/", 1)[0] if "/" in old else ""
                target = f"{folder}/{uuid.uuid4().hex}.{ext}".lstrip("/")
                setattr(obj, names[name], clean_name(old))
                changed.append(names[name])
            else:
                target = old
            with source.open("rb") as fh:
                saved = private_storage.save(target, fh)
            source.unlink()
            setattr(obj, name, saved)
            changed.append(name)
            moved += 1
        if changed:
            obj.save(update_fields=changed)
    return moved
