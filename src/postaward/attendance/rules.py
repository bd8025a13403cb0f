"""The attendance rules as pure functions: the geofence decision, the valid day,
and the cheat signals. No database access here, so each rule is tested at its
edges directly (R-ATT-02, R-ATT-04)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from postaward.core.clock import LOCAL_TZ
from postaward.core.geo import Site, haversine_m

from .choices import (
    ACCURACY_CREDIT_MAX_M,
    CLIENT_CLOCK_SKEW,
    DELAYED_UPLOAD_SCORE,
    FENCE_MARGIN_M,
    IMPOSSIBLE_MIN_DISTANCE_M,
    IMPOSSIBLE_SPEED_KMH,
    MAX_ACCURACY_M,
    SUSPICION_THRESHOLD,
    VALID_DAY_SPAN,
    Refusal,
)

# --- geofence ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FenceDecision:
    inside: bool
    distance_m: float | None
    tolerance_m: float
    refusal: str = ""
    detail: str = ""


def fence_decision(site: Site | None, lon: float, lat: float, accuracy_m: float) -> FenceDecision:
    """Inside when distance-to-fence <= 30 m + min(accuracy, 50 m); a fix worse
    than 150 m is refused outright (ADR 0200)."""
    tolerance = FENCE_MARGIN_M + min(max(accuracy_m, 0.0), ACCURACY_CREDIT_MAX_M)
    if site is None:
        return FenceDecision(
            False, None, tolerance, Refusal.NO_SITE, "请建设单位先在项目中设置施工场地范围"
        )
    distance = site.distance_m(lon, lat)
    if accuracy_m > MAX_ACCURACY_M:
        return FenceDecision(
            False,
            distance,
            tolerance,
            Refusal.POOR_ACCURACY,
            f"当前定位精度约 ±{accuracy_m:.0f} 米，须优于 ±{MAX_ACCURACY_M:.0f} 米",
        )
    if distance > tolerance:
        return FenceDecision(
            False,
            distance,
            tolerance,
            Refusal.OUT_OF_FENCE,
            f"距施工场地 {distance:.0f} 米，超出允许范围 {tolerance:.0f} 米",
        )
    return FenceDecision(True, distance, tolerance)


# --- valid day ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayResult:
    valid: bool
    first_at: dt.datetime | None
    last_at: dt.datetime | None
    count: int
    reason: str


def valid_day(times: Sequence[dt.datetime]) -> DayResult:
    """R-ATT-02: two check-ins on the same local date at least 4 hours apart.

    ``times`` are the counted check-ins of one person on one project and one
    local date. Exactly 4:00:00 apart is valid; 3:59:59 is not.
    """
    if not times:
        return DayResult(False, None, None, 0, "当日无有效打卡")
    first, last = min(times), max(times)
    if len(times) < 2:
        return DayResult(False, first, last, 1, "当日仅打卡1次（须2次且间隔不少于4小时）")
    span = last - first
    if span < VALID_DAY_SPAN:
        minutes = int(span.total_seconds() // 60)
        return DayResult(
            False,
            first,
            last,
            len(times),
            f"两次打卡间隔 {minutes // 60} 小时 {minutes % 60} 分，不足4小时",
        )
    return DayResult(True, first, last, len(times), "")


# --- cheat signals (R-ATT-04) ------------------------------------------------------------------


@dataclass(frozen=True)
class Signal:
    code: str
    score: int
    explanation: str


@dataclass(frozen=True)
class PriorCheckIn:
    """What the signals need to know about an earlier check-in of the same person."""

    at: dt.datetime
    project_id: int
    lon: float
    lat: float
    accuracy_m: float
    accepted: bool
    client_at: dt.datetime | None
    device_id: str


@dataclass
class Candidate:
    at: dt.datetime
    project_id: int
    lon: float
    lat: float
    accuracy_m: float
    client_at: dt.datetime | None
    device_id: str
    mock_location: bool
    local_date: dt.date
    signals: list[Signal] = field(default_factory=list)
    #: Queued on the phone without a network and sent when it returned.
    delayed: bool = False


def _decimals(value: float) -> int:
    text = repr(float(value))
    return len(text.split(".", 1)[1]) if "." in text and "e" not in text else 0


def _good_fix(accuracy_m: float | None) -> bool:
    """A position precise enough to be judged by the fence (ADR 0200)."""
    return accuracy_m is not None and 0 <= accuracy_m <= MAX_ACCURACY_M


def cheat_signals(  # noqa: C901 — one independent branch per cheat signal, read as the list of signals
    c: Candidate, prior: Sequence[PriorCheckIn], *, device_users_today: int, local_date_of
) -> list[Signal]:  # type: ignore[no-untyped-def]
    """Each signal scored and explained. ``prior``: the person's recent
    check-ins, newest first; ``device_users_today``: other people who used the
    same device on the same local date."""
    out: list[Signal] = []
    if c.mock_location:
        out.append(Signal("mock_location", 100, "客户端报告启用了模拟定位（虚拟定位软件）"))
    if c.accuracy_m <= 1.0:
        out.append(
            Signal(
                "perfect_accuracy",
                30,
                f"定位精度为 {c.accuracy_m:g} 米：真实卫星定位通常在 3 米以上，疑似虚拟定位",
            )
        )
    if device_users_today > 0 and c.device_id:
        out.append(
            Signal("shared_device", 50, f"同一设备当日已被其他 {device_users_today} 人用于打卡")
        )
    if c.delayed:
        # A check-in kept on the phone while offline and sent later: the server's
        # time still decides; the delay is evidence for the reviewer, not a refusal.
        if c.client_at is not None:
            minutes = int(max((c.at - c.client_at).total_seconds(), 0) // 60)
            out.append(
                Signal(
                    "delayed_upload",
                    DELAYED_UPLOAD_SCORE,
                    f"离线打卡、网络恢复后补传：手机记录于 "
                    f"{c.client_at.astimezone(LOCAL_TZ):%m-%d %H:%M}，"
                    f"服务器 {c.at.astimezone(LOCAL_TZ):%m-%d %H:%M} 收到（延迟 {minutes} 分钟）",
                )
            )
        else:
            out.append(
                Signal(
                    "delayed_upload", DELAYED_UPLOAD_SCORE, "离线打卡、网络恢复后补传（无手机时间）"
                )
            )
    elif c.client_at is not None and abs(c.client_at - c.at) > CLIENT_CLOCK_SKEW:
        minutes = int(abs(c.client_at - c.at).total_seconds() // 60)
        out.append(
            Signal("clock_skew", 20, f"手机时间与服务器相差 {minutes} 分钟，疑似修改时间或重放")
        )
    # Impossible travel: against the person's previous check-in with a good fix,
    # accepted or refused (a refusal far away is the very evidence: the phone
    # was there). A fix too poor to be accepted anywhere proves no position.
    last = next((p for p in prior if _good_fix(p.accuracy_m)), None)
    if last is not None and _good_fix(c.accuracy_m):
        distance = haversine_m(c.lon, c.lat, last.lon, last.lat)
        hours = max((c.at - last.at).total_seconds() / 3600, 1 / 3600)
        speed = distance / 1000 / hours
        if distance >= IMPOSSIBLE_MIN_DISTANCE_M and speed > IMPOSSIBLE_SPEED_KMH:
            out.append(
                Signal(
                    "impossible_travel",
                    60,
                    f"距上次打卡 {distance / 1000:.1f} 公里、间隔 {hours * 60:.0f} 分钟，"
                    f"需时速 {speed:.0f} 公里以上",
                )
            )
    if min(_decimals(c.lon), _decimals(c.lat)) >= 6:
        for p in prior:
            if p.lon == c.lon and p.lat == c.lat:
                out.append(
                    Signal(
                        "repeated_coordinates",
                        40,
                        f"坐标与 {p.at.astimezone(LOCAL_TZ):%m-%d %H:%M} 的打卡完全相同（精确到小数点后6位以上）",
                    )
                )
                break
    for p in prior:
        if p.accepted and p.project_id != c.project_id and local_date_of(p.at) == c.local_date:
            out.append(Signal("two_sites_same_day", 40, "同一人当日已在另一项目打卡"))
            break
    if c.client_at is not None:
        for p in prior:
            if p.client_at == c.client_at and p.lon == c.lon and p.lat == c.lat:
                out.append(
                    Signal("replay", 80, "与此前一次打卡的手机时间和坐标完全相同，疑似重放请求")
                )
                break
    return out


def total_score(signals: Sequence[Signal]) -> int:
    return min(sum(s.score for s in signals), 999)


def is_suspicious(signals: Sequence[Signal]) -> bool:
    return total_score(signals) >= SUSPICION_THRESHOLD
