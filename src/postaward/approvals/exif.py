"""When and where a photo was taken, and how that compares with the day of the
hidden works and the project site (R-HID-02; DESIGN "Photos keep their EXIF
time and position, checked against the claim"; ADR 0011).

The page records the browser's time and position when the photo is taken or
picked (``Capture``); the EXIF is used only when present, because phone
browsers and WeChat strip it. Missing EXIF is not a warning; EXIF that is
present but impossible (year 9999, GPS 0/0) is ignored with a warning, and EXIF
that disagrees with the capture, the day or the site is a warning. A warning
never refuses the photo: the owner sees it when reviewing (R-HID-03).
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass, field
from typing import Any

from postaward.core import clock
from postaward.core.geo import haversine_m

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
DATETIME = 0x0132
DATETIME_ORIGINAL = 36867
OFFSET_TIME_ORIGINAL = 36881

# How far outside the site fence a photo may have been taken (GPS error on a
# building site, the fence drawn around the main works only).
SITE_TOLERANCE_M = 100.0
# How far the EXIF may disagree with what the browser recorded at capture.
CAPTURE_TOLERANCE_M = 500.0
CAPTURE_TOLERANCE = dt.timedelta(minutes=30)
# Times outside this window are not a photo of a running project (and year 9999
# with a negative offset would overflow on conversion).
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST_AHEAD = dt.timedelta(days=2)


@dataclass
class PhotoFacts:
    taken_at: dt.datetime | None = None
    lon: float | None = None
    lat: float | None = None
    readable: bool = True
    invalid: list[str] = field(default_factory=list)


@dataclass
class Capture:
    """What the browser recorded when the photo was taken or picked."""

    taken_at: dt.datetime | None = None
    lon: float | None = None
    lat: float | None = None


@dataclass
class PhotoCheck:
    facts: PhotoFacts
    distance_m: float | None = None
    warnings: list[str] = field(default_factory=list)


def _ratio(value: Any) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        num, den = value
        out = float(num) / float(den)
    if not math.isfinite(out):  # Pillow reads 0/0 as NaN
        raise ValueError("not a finite number")
    return out


def sane_position(lon: Any, lat: Any) -> tuple[float, float] | None:
    """A WGS-84 position, or None for anything not finite, out of range or 0/0."""
    try:
        lon_f, lat_f = float(lon), float(lat)
    except (TypeError, ValueError, OverflowError):
        return None
    if not (math.isfinite(lon_f) and math.isfinite(lat_f)):
        return None
    if abs(lon_f) > 180 or abs(lat_f) > 90 or (lon_f == 0 and lat_f == 0):
        return None
    return lon_f, lat_f


def sane_time(value: dt.datetime | None) -> dt.datetime | None:
    """An aware time between 2000 and two days from now, else None."""
    if value is None or value.tzinfo is None:
        return None
    try:
        utc = value.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None
    if utc < EARLIEST or utc > clock.now() + LATEST_AHEAD:
        return None
    return utc


def _dms(values: Any, ref: Any) -> float | None:
    try:
        d, m, s = (_ratio(v) for v in values)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    out = d + m / 60 + s / 3600
    ref = ref.decode() if isinstance(ref, bytes) else str(ref or "")
    return -out if ref.strip().upper() in ("S", "W") else out


def _time(text: Any, offset: Any) -> dt.datetime | None:
    if isinstance(text, bytes):
        text = text.decode(errors="ignore")
    try:
        naive = dt.datetime.strptime(str(text).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    if isinstance(offset, bytes):
        offset = offset.decode(errors="ignore")
    if offset:
        try:
            sign = -1 if str(offset).startswith("-") else 1
            hours, minutes = str(offset).strip("\x00 ").lstrip("+-").split(":")
            tz = dt.timezone(sign * dt.timedelta(hours=int(hours), minutes=int(minutes)))
            return naive.replace(tzinfo=tz)
        except (ValueError, OverflowError):
            pass
    # Phones write local time without an offset: the site is in China.
    return naive.replace(tzinfo=clock.LOCAL_TZ)


def read(data: bytes) -> PhotoFacts:
    """The shooting time (aware) and WGS-84 position from the EXIF of ``data``."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            exif = img.getexif()
    except (UnidentifiedImageError, OSError, ValueError):
        return PhotoFacts(readable=False)
    out = PhotoFacts()
    try:
        sub = exif.get_ifd(EXIF_IFD)
        gps = exif.get_ifd(GPS_IFD)
    except Exception:  # a malformed IFD is no EXIF at all
        return PhotoFacts(readable=False)
    raw_time = sub.get(DATETIME_ORIGINAL) or exif.get(DATETIME)
    if raw_time:
        out.taken_at = sane_time(_time(raw_time, sub.get(OFFSET_TIME_ORIGINAL)))
        if out.taken_at is None:
            out.invalid.append("照片 EXIF 中的拍摄时间不合理，已忽略")
    if gps.get(2) or gps.get(4):
        lat = _dms(gps.get(2), gps.get(1)) if gps.get(2) else None
        lon = _dms(gps.get(4), gps.get(3)) if gps.get(4) else None
        position = sane_position(lon, lat)
        if position is None:
            out.invalid.append("照片 EXIF 中的拍摄位置不合理，已忽略")
        else:
            out.lon, out.lat = position
    return out


def check(
    data: bytes,
    *,
    day: dt.date,
    site: Any,
    capture: Capture | None = None,
    uploaded_at: dt.datetime | None = None,
) -> PhotoCheck:
    """Compare when and where the photo was taken (EXIF when present, else the
    browser's capture, else the upload time) with the day and the site."""
    facts = read(data)
    out = PhotoCheck(facts=facts)
    out.warnings.extend(facts.invalid)
    capture = capture or Capture()
    if facts.taken_at and capture.taken_at:
        gap = abs(facts.taken_at - capture.taken_at)
        if gap > CAPTURE_TOLERANCE:
            out.warnings.append(
                f"照片 EXIF 拍摄时间 {clock.localtime(facts.taken_at):%Y-%m-%d %H:%M} "
                f"与页面记录的拍摄时间 {clock.localtime(capture.taken_at):%Y-%m-%d %H:%M} 不一致"
            )
    when, source = facts.taken_at, "EXIF"
    if when is None:
        when, source = capture.taken_at, "页面记录"
    if when is None:
        when, source = uploaded_at or clock.now(), "上传时间"
    facts.taken_at = when
    if clock.local_date(when) != day:
        out.warnings.append(
            f"拍摄时间（{source}）{clock.localtime(when):%Y-%m-%d %H:%M} "
            f"不是隐蔽工程施工当天（{day:%Y-%m-%d}）"
        )
    position = None
    if facts.lon is not None and facts.lat is not None:
        position = (facts.lon, facts.lat)
        if capture.lon is not None and capture.lat is not None:
            gap_m = haversine_m(*position, capture.lon, capture.lat)
            if gap_m > CAPTURE_TOLERANCE_M:
                out.warnings.append(
                    f"照片 EXIF 拍摄位置与页面记录的位置相距约 {gap_m:,.0f} 米，不一致"
                )
    elif capture.lon is not None and capture.lat is not None:
        position = (capture.lon, capture.lat)
        facts.lon, facts.lat = position
    if position is None:
        out.warnings.append("未取得拍摄位置（未授权定位），无法核验是否在项目现场拍摄")
    elif site is None:
        out.warnings.append("项目未设置场地范围，无法核验拍摄位置")
    else:
        distance = site.distance_m(*position)
        out.distance_m = round(distance, 1)
        if distance > SITE_TOLERANCE_M:
            out.warnings.append(f"拍摄位置距项目场地约 {distance:,.0f} 米，不在项目现场")
    return out


def parse_capture(raw: Any) -> Capture:
    """The hidden field the page fills at capture (JSON ``{"t", "lon", "lat"}``);
    anything malformed or impossible is ignored (the server never trusts it
    beyond a hint, and never fails on it)."""
    import json

    if not raw:
        return Capture()
    try:
        data = json.loads(str(raw)[:500])
    except ValueError:
        return Capture()
    if not isinstance(data, dict):
        return Capture()
    out = Capture()
    t = data.get("t")
    if isinstance(t, str):
        try:
            out.taken_at = sane_time(dt.datetime.fromisoformat(t.replace("Z", "+00:00")))
        except ValueError:
            out.taken_at = None
    position = sane_position(data.get("lon"), data.get("lat"))
    if position is not None and not isinstance(data.get("lon"), bool):
        out.lon, out.lat = position
    return out
