"""Anti-abuse limits of the public window that do not hurt a citizen
(R-CMP-05): filings per address and per mobile, failed tracking tries per
address, verification codes per mobile and per address (ADR 0521). Counted from the stored rows (durable across processes), never from
memory."""

from __future__ import annotations

import datetime as dt

from postaward.core import clock, crypto
from postaward.core.errors import DomainError

from .models import Complaint, MobileCode, TrackAttempt

FILINGS_PER_HOUR_PER_ADDRESS = 5
FILINGS_PER_DAY_PER_ADDRESS = 20
FILINGS_PER_DAY_PER_MOBILE = 5
FAILED_TRACKS_PER_15_MIN = 10
# verification codes (ADR 0521)
CODE_MINUTES = 10
CODE_TRIES = 5
CODE_INTERVAL_SECONDS = 60
CODES_PER_DAY_PER_MOBILE = 10
CODES_PER_HOUR_PER_ADDRESS = 10


class TooMany(DomainError):
    status = 429
    code = "rate_limited"


def address_digest(ip: str) -> str:
    """A keyed digest of the client address (the address itself is not kept)."""
    return crypto.blind_index(f"ip:{ip or '-'}")


def check_filing(*, source: str, mobile_index: str) -> None:
    now = clock.now()
    recent = Complaint.objects.filter(created_at__gte=now - dt.timedelta(days=1))
    if source:
        per_day = recent.filter(source_ip_hash=source)
        if (
            per_day.filter(created_at__gte=now - dt.timedelta(hours=1)).count()
            >= (FILINGS_PER_HOUR_PER_ADDRESS)
            or per_day.count() >= FILINGS_PER_DAY_PER_ADDRESS
        ):
            raise TooMany("提交过于频繁，请稍后再试；如情况紧急请拨打监管办电话")
    if mobile_index and recent.filter(mobile_index=mobile_index).count() >= (
        FILINGS_PER_DAY_PER_MOBILE
    ):
        raise TooMany("该手机号码今日提交次数已达上限，请明日再试或拨打监管办电话", field="mobile")


def check_tracking(source: str) -> None:
    since = clock.now() - dt.timedelta(minutes=15)
    if (
        TrackAttempt.objects.filter(ip_hash=source, ok=False, at__gte=since).count()
        >= FAILED_TRACKS_PER_15_MIN
    ):
        raise TooMany("查询失败次数过多，请 15 分钟后再试")


def record_tracking(source: str, ok: bool) -> None:
    TrackAttempt.objects.create(ip_hash=source, ok=ok)


def check_code_request(*, source: str, mobile_index: str) -> None:
    """A new verification code: one a minute and 10 a day per mobile, 10 an
    hour per address (counted from the stored codes)."""
    now = clock.now()
    sent = MobileCode.objects.filter(created_at__gte=now - dt.timedelta(days=1))
    per_mobile = sent.filter(mobile_index=mobile_index)
    if per_mobile.filter(
        created_at__gte=now - dt.timedelta(seconds=CODE_INTERVAL_SECONDS)
    ).exists():
        raise TooMany("验证码已发送，请 1 分钟后再重新获取", field="mobile")
    if per_mobile.count() >= CODES_PER_DAY_PER_MOBILE:
        raise TooMany(
            "该手机号码今日获取验证码次数已达上限，请明日再试或拨打监管办电话", field="mobile"
        )
    if (
        source
        and sent.filter(ip_hash=source, created_at__gte=now - dt.timedelta(hours=1)).count()
        >= CODES_PER_HOUR_PER_ADDRESS
    ):
        raise TooMany("获取验证码过于频繁，请稍后再试；如情况紧急请拨打监管办电话", field="mobile")
