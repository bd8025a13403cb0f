"""Checks of Chinese identifiers: resident ID (GB 11643), unified social credit
code (GB 32100), mobile numbers, with which key personnel and organisations
are registered (format checks only, not the organisation or role rules).

The check characters are recomputed here from the standards, independently of
python-stdnum, so a wrong library call cannot pass unnoticed.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from postaward.core import idcheck

# --- independent implementations of the check characters ----------------------------------------


def gb11643_check(body17: str) -> str:
    """ISO 7064 MOD 11-2: weights 2^(17-i) mod 11; check = (12 - sum mod 11) mod 11."""
    total = sum(int(c) * (2 ** (17 - i) % 11) for i, c in enumerate(body17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def gb32100_check(body17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


# --- resident identity number --------------------------------------------------------------------


def test_the_standard_example_is_valid():
    # the example of GB 11643-1999: Beijing Chaoyang, born 1949-12-31
    checked = idcheck.check_resident_id("11010519491231002X")
    assert checked.ok
    assert checked.warning == ""
    assert checked.birth_date == dt.date(1949, 12, 31)
    assert gb11643_check("11010519491231002") == "X"


def test_lower_case_x_spaces_and_hyphens_are_accepted():
    for raw in (" 110105 19491231 002x ", "110105-19491231-002X", "11010519491231002x"):
        checked = idcheck.check_resident_id(raw)
        assert checked.ok, raw
        assert checked.value == "11010519491231002X"


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("", "应为18位"),
        ("11010519491231002", "应为18位"),
        ("11010519491231002XX", "应为18位"),
        ("1101051949123100AX", "格式不正确"),
        ("110105194912310021", "校验位不正确"),
        ("110105194912310029", "校验位不正确"),
    ],
)
def test_malformed_numbers_are_errors(raw, error):
    checked = idcheck.check_resident_id(raw)
    assert not checked.ok
    assert error in checked.error


def test_an_impossible_birth_date_is_an_error_even_with_a_right_check_digit():
    body = "11010519490230002"  # 30 February
    checked = idcheck.check_resident_id(body + gb11643_check(body))
    assert not checked.ok
    assert "出生日期无效" in checked.error


def test_a_birth_date_in_the_future_of_the_platform_clock_is_an_error():
    body = "11010520261201001"
    number = body + gb11643_check(body)
    with time_machine.travel(dt.datetime(2026, 11, 30, tzinfo=dt.UTC), tick=False):
        assert "出生日期无效" in idcheck.check_resident_id(number).error
    with time_machine.travel(dt.datetime(2026, 12, 2, tzinfo=dt.UTC), tick=False):
        assert idcheck.check_resident_id(number).ok


def test_an_unknown_or_outdated_area_code_is_only_a_warning():
    body = "99999919800101001"  # no such area
    checked = idcheck.check_resident_id(body + gb11643_check(body))
    assert checked.ok
    assert "行政区划代码 999999" in checked.warning
    assert checked.birth_date == dt.date(1980, 1, 1)


def test_an_area_code_is_judged_against_the_birth_year():
    # 330682 was 上虞市 from 1992 to 2013 (before: 330622 上虞县; after: 330604 上虞区)
    before = "33068219850601001"
    checked = idcheck.check_resident_id(before + gb11643_check(before))
    assert checked.ok
    assert "行政区划代码 330682 与出生年份不符" in checked.warning
    during = "33068219950601001"
    assert idcheck.check_resident_id(during + gb11643_check(during)).warning == ""
    assert idcheck.check_resident_id("11010519491231002X").warning == ""


@given(
    birth=st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2005, 12, 31)),
    serial=st.integers(min_value=0, max_value=999),
)
def test_made_numbers_are_valid_and_carry_the_standard_check(birth, serial):
    number = idcheck.make_resident_id("110105", birth, serial)
    assert number[-1] == gb11643_check(number[:17])
    checked = idcheck.check_resident_id(number)
    assert checked.ok, checked
    assert checked.birth_date == birth


@given(
    birth=st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2005, 12, 31)),
    serial=st.integers(min_value=0, max_value=999),
    position=st.integers(min_value=0, max_value=16),
    delta=st.integers(min_value=1, max_value=9),
)
def test_any_single_digit_error_is_caught(birth, serial, position, delta):
    number = idcheck.make_resident_id("330682", birth, serial)
    digit = (int(number[position]) + delta) % 10
    altered = number[:position] + str(digit) + number[position + 1 :]
    assert not idcheck.check_resident_id(altered).ok


def test_masking():
    assert idcheck.mask_resident_id("11010519491231002X") == "1101**********002X"
    assert idcheck.mask_resident_id("short") == "short"


# --- unified social credit code ------------------------------------------------------------------


def test_a_published_code_is_valid():
    assert idcheck.check_uscc("91110000600037341L").ok
    assert gb32100_check("91110000600037341") == "L"


def test_spaces_and_lower_case_are_normalised():
    checked = idcheck.check_uscc(" 91110000 600037341l ")
    assert checked.ok
    assert checked.value == "91110000600037341L"


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("", "应为18位"),
        ("9111000060003734", "应为18位"),
        ("A1110000600037341L", "不允许的字符"),
        ("91110000600037341I", "不允许的字符"),  # I is not in the alphabet
        ("91110000600037341M", "校验位不正确"),
    ],
)
def test_bad_codes_are_errors(raw, error):
    checked = idcheck.check_uscc(raw)
    assert not checked.ok
    assert error in checked.error


@given(st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9))
def test_made_codes_are_valid(tail):
    body = "91330604" + tail
    code = idcheck.make_uscc(body)
    assert code[-1] == gb32100_check(body)
    assert idcheck.check_uscc(code).ok


# --- mobile numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "+8619912345678"]
)
def test_mainland_mobiles_are_accepted_and_normalised(raw):
    checked = idcheck.check_mobile(raw)
    assert checked.ok, checked
    assert checked.value in ("13812345678", "19912345678")


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("", "格式不正确"),
        ("abc", "格式不正确"),
        ("12345", "不是有效"),
        ("10012345678", "不是有效"),
        ("+1 650 253 0000", "不是有效的中国大陆"),
        ("+852 6123 4567", "不是有效的中国大陆"),
        ("0571-87654321", "非固定电话"),
    ],
)
def test_other_numbers_are_refused(raw, error):
    checked = idcheck.check_mobile(raw)
    assert not checked.ok
    assert error in checked.error


def test_mobile_masking():
    assert idcheck.mask_mobile("13812345678") == "138****5678"
