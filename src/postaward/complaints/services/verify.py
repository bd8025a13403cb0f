"""The mobile verification code of a public filing (ADR 0521, R-CMP-05).

``send_code`` checks the number and the limits, stores the code's keyed digest
(HMAC-SM3 under the field key, bound to the mobile's blind index) and sends
the six digits through the kernel's SMS interface (``core.sms``).
``check_code`` is called by the filing before anything is stored: the latest
code of that mobile, not expired, fewer than ``CODE_TRIES`` wrong tries; a
wrong code counts a try. The filing marks the code used in its transaction
(``consume``); a retry of the same filing (ADR 0501) may carry it again.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from postaward.core import clock, crypto, idcheck, sms
from postaward.core.errors import ValidationFailed

from .. import identity, limits
from ..models import MobileCode

CODE_LENGTH = 6
FIELD = "sms_code"


def _digest(mobile_index: str, code: str) -> str:
    return crypto.hmac_sm3_hex(crypto.field_key(), f"sms:{mobile_index}:{code.strip()}")


def _mobile(mobile: str) -> str:
    m = idcheck.check_mobile(mobile or "")
    if not (mobile or "").strip():
        raise ValidationFailed("请填写手机号码", field="mobile")
    if not m.ok:
        raise ValidationFailed(m.error, field="mobile")
    return m.value


def send_code(*, mobile: str, source: str) -> str:
    """Send a new code to ``mobile``; the code is returned only for the demo's
    echo (the console backend) and never logged in clear."""
    number = _mobile(mobile)
    index = identity.mobile_index(number)
    limits.check_code_request(source=source, mobile_index=index)
    code = f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"
    now = clock.now()
    MobileCode.objects.create(
        mobile_index=index,
        code_hash=_digest(index, code),
        ip_hash=source,
        created_at=now,
        expires_at=now + dt.timedelta(minutes=limits.CODE_MINUTES),
    )
    sms.send(
        number,
        f"您的验证码为 {code}，{limits.CODE_MINUTES} 分钟内有效，用于提交投诉举报。"
        "如非本人操作，请忽略本短信。",
        purpose="verify",
        secrets=(code,),
    )
    return code


def check_code(*, mobile: str, code: str) -> MobileCode:
    """The code given with a filing: right, or a Chinese error on ``sms_code``
    (a wrong try is counted and kept even though the filing is refused)."""
    given = (code or "").strip()
    if not given:
        raise ValidationFailed("请填写手机验证码（点击“获取验证码”）", field=FIELD)
    index = identity.mobile_index(mobile)
    row = MobileCode.objects.filter(mobile_index=index).order_by("-created_at", "-pk").first()
    if row is None or row.expires_at <= clock.now():
        raise ValidationFailed("验证码已过期或尚未获取，请重新获取", field=FIELD)
    if row.tries >= limits.CODE_TRIES:
        raise ValidationFailed("验证码错误次数过多，请重新获取", field=FIELD)
    if not hmac.compare_digest(_digest(index, given), row.code_hash):
        MobileCode.objects.filter(pk=row.pk).update(tries=row.tries + 1)
        left = limits.CODE_TRIES - row.tries - 1
        raise ValidationFailed(
            f"验证码不正确，还可尝试 {left} 次" if left else "验证码错误次数过多，请重新获取",
            field=FIELD,
        )
    return row


def consume(row: MobileCode) -> None:
    """Mark the code used (in the filing's transaction): a used code files
    nothing new."""
    if MobileCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=clock.now()) != 1:
        raise ValidationFailed("验证码已使用，请重新获取", field=FIELD)
