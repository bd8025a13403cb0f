"""Checks of Chinese identifiers, by python-stdnum and phonenumbers.

- Resident identity number (居民身份证号码, GB 11643): length, birth date and
  ISO 7064 check digit are errors; an unknown area code is only a warning, since
  real cards issued under since-renamed counties fail it.
- Unified social credit code (统一社会信用代码, GB 32100): check digit.
- Mobile number: a valid mainland China mobile number.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import phonenumbers
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError

from . import clock


@dataclass(frozen=True)
class Checked:
    value: str
    error: str = ""
    warning: str = ""
    birth_date: dt.date | None = None

    @property
    def ok(self) -> bool:
        return not self.error


def check_resident_id(raw: str) -> Checked:
    # People group the digits (6-8-4) with spaces or hyphens: drop them all.
    value = "".join((raw or "").split()).replace("-", "").upper()
    if len(value) != 18:
        return Checked(value, error="身份证号码应为18位")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return Checked(value, error="身份证号码格式不正确（前17位为数字，末位为数字或X）")
    if value[-1] != ric.calc_check_digit(value):
        return Checked(value, error="身份证号码校验位不正确")
    try:
        birth = ric.get_birth_date(value)
    except ValidationError:
        return Checked(value, error="身份证号码中的出生日期无效")
    if birth > clock.today() or birth.year < 1900:
        return Checked(value, error="身份证号码中的出生日期无效")
    warning = ""
    if not _known_birth_place(value[:6], birth.year):
        # Real cards keep the code of a county renamed or merged since: warn only.
        warning = (
            f"行政区划代码 {value[:6]} 与出生年份不符或未在区划库中找到（可能为已撤并区县），请核对"
        )
    return Checked(value, warning=warning, birth_date=birth)


@functools.lru_cache(maxsize=4096)
def _known_birth_place(area: str, year: int) -> bool:
    """The area code is in stdnum's division database for the birth year (the
    lookup reads the database each time: cached per area code and year, all
    the answer depends on; any valid date of the year stands for the birth)."""
    try:
        ric.get_birth_place(f"{area}{year:04d}01010000")
    except (ValidationError, KeyError, ValueError):
        return False
    return True


def check_uscc(raw: str) -> Checked:
    value = (raw or "").strip().upper().replace(" ", "")
    try:
        uscc.validate(value)
    except InvalidLength:
        return Checked(value, error="统一社会信用代码应为18位")
    except InvalidFormat:
        return Checked(value, error="统一社会信用代码含有不允许的字符")
    except InvalidChecksum:
        return Checked(value, error="统一社会信用代码校验位不正确")
    except ValidationError:
        return Checked(value, error="统一社会信用代码无效")
    return Checked(value)


def check_mobile(raw: str) -> Checked:
    value = (raw or "").strip().replace(" ", "").replace("-", "")
    try:
        parsed = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        return Checked(value, error="手机号码格式不正确")
    if parsed.country_code != 86 or not phonenumbers.is_valid_number(parsed):
        return Checked(value, error="不是有效的中国大陆手机号码")
    if phonenumbers.number_type(parsed) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return Checked(value, error="请填写手机号码（非固定电话）")
    return Checked(str(parsed.national_number))


def make_resident_id(area: str, birth: dt.date, serial: int) -> str:
    """A well-formed number for demo data and tests (not a real person)."""
    body = f"{area}{birth:%Y%m%d}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_uscc(body17: str) -> str:
    """Append the GB 32100 check character to 17 characters."""
    return body17 + uscc.calc_check_digit(body17)


def mask_resident_id(value: str) -> str:
    return value[:4] + "*" * 10 + value[-4:] if len(value) == 18 else value


def mask_mobile(value: str) -> str:
    return value[:3] + "****" + value[-4:] if len(value) == 11 else value
