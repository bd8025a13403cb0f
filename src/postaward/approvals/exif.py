"""What a photo's EXIF says about when and where it was taken, and how that
compares with the day of the hidden works and the project site (R-HID-02;
DESIGN "Photos keep their EXIF time and position, checked against the claim").

Missing or disagreeing data does not refuse the photo: it is stored with clear
warnings that the owner sees when reviewing the images (R-HID-03).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from postaward.core import clock

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
DATETIME = 0x0132
DATETIME_ORIGINAL = 36867
OFFSET_TIME_ORIGINAL = 36881

# How far outside the site fence a photo may have been taken (GPS error on a
# building site, the fence drawn around the main works only).
SITE_TOLERANCE_M = 100.0


@dataclass
class PhotoFacts:
    taken_at: dt.datetime | None = None
    lon: float | None = None
    lat: float | None = None
    readable: bool = True


@dataclass
class PhotoCheck:
    facts: PhotoFacts
    distance_m: float | None = None
    warnings: list[str] = field(default_factory=list)


def _ratio(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        num, den = value
        return float(num) / float(den)


def _dms(values: Any, ref: Any) -> float | None:
    try:
        d, m, s = (_ratio(v) for v in values)
    except (TypeError, ValueError, ZeroDivisionError):
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
            hours, minutes = str(offset).lstrip("+-").split(":")
            tz = dt.timezone(sign * dt.timedelta(hours=int(hours), minutes=int(minutes)))
            return naive.replace(tzinfo=tz)
        except ValueError:
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
    sub = exif.get_ifd(EXIF_IFD)
    taken = _time(sub.get(DATETIME_ORIGINAL) or exif.get(DATETIME), sub.get(OFFSET_TIME_ORIGINAL))
    gps = exif.get_ifd(GPS_IFD)
    lat = _dms(gps.get(2), gps.get(1)) if gps.get(2) else None
    lon = _dms(gps.get(4), gps.get(3)) if gps.get(4) else None
    if lat is None or lon is None or (lat == 0 and lon == 0):
        lat = lon = None
    return PhotoFacts(taken_at=taken, lon=lon, lat=lat)


def check(data: bytes, *, day: dt.date, site: Any) -> PhotoCheck:
    """Compare the EXIF with the day of the works and the project site."""
    facts = read(data)
    out = PhotoCheck(facts=facts)
    if not facts.readable:
        out.warnings.append("照片无法读取 EXIF 信息，无法核验拍摄时间和位置")
        return out
    if facts.taken_at is None:
        out.warnings.append("照片缺少拍摄时间（EXIF），无法核验是否为隐蔽工程施工当天拍摄")
    else:
        taken_day = clock.local_date(facts.taken_at)
        if taken_day != day:
            out.warnings.append(
                f"拍摄时间 {clock.localtime(facts.taken_at):%Y-%m-%d %H:%M} "
                f"不是隐蔽工程施工当天（{day:%Y-%m-%d}）"
            )
    if facts.lon is None or facts.lat is None:
        out.warnings.append("照片缺少拍摄位置（EXIF GPS），无法核验是否在项目现场拍摄")
    elif site is None:
        out.warnings.append("项目未设置场地范围，无法核验拍摄位置")
    else:
        distance = site.distance_m(facts.lon, facts.lat)
        out.distance_m = round(distance, 1)
        if distance > SITE_TOLERANCE_M:
            out.warnings.append(f"拍摄位置距项目场地约 {distance:,.0f} 米，不在项目现场")
    return out
