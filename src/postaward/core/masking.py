"""Masking personal data in text published to the public (R-CAS-05).

The one helper for every text the platform publishes on the public site: a
person's name becomes ``张*`` (two characters) or ``张*三`` (three or more: the
first and the last kept), a resident identity number keeps its first four and
last four characters (``idcheck.mask_resident_id``), a mobile number its first
three and last four (``idcheck.mask_mobile``), a fixed-line number its area code
and last two digits. An organisation's name is public and never masked.

Names are masked where they are known (``names``: the party when a person) and
where the text labels them (``当事人：张三``, ``法定代表人：李四`` …).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .idcheck import mask_mobile, mask_resident_id

_CJK = r"\u4e00-\u9fa5"
_ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_LANDLINE_RE = re.compile(r"(?<!\d)(0\d{2,3})[-\s]?(\d{5,6})(\d{2})(?!\d)")
_LABELS = (
    "当事人",
    "法定代表人",
    "负责人",
    "项目负责人",
    "项目经理",
    "总监理工程师",
    "姓名",
    "联系人",
    "投诉人",
    "举报人",
    "违法行为人",
)
_LABELLED_RE = re.compile(
    r"((?:" + "|".join(sorted(_LABELS, key=len, reverse=True)) + r")\s*[：:]\s*)"
    rf"([{_CJK}·]{{2,4}})(?=[，,。；;、\s（(]|$)"
)
# Endings of an organisation's name (its name is public, R-CAS-05)
ORG_ENDINGS = (
    "公司",
    "集团",
    "局",
    "院",
    "中心",
    "厂",
    "所",
    "部",
    "社",
    "站",
    "队",
    "处",
    "委",
    "会",
    "办",
    "店",
    "行",
    "校",
    "学",
    "室",
    "馆",
    "场",
    "合作社",
    "事务所",
    "工作室",
)


def mask_name(name: str) -> str:
    """张三 → 张*；张小三 → 张*三；欧阳小明 → 欧**明."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def looks_like_person(name: str) -> bool:
    """A party written as a person's name (two to four Chinese characters, or a
    name with the middle dot) rather than an organisation's."""
    name = (name or "").strip()
    if not name or name.endswith(ORG_ENDINGS):
        return False
    return bool(re.fullmatch(rf"[{_CJK}]{{2,4}}|[{_CJK}]{{1,6}}·[{_CJK}]{{1,6}}", name))


def public_party_name(name: str, *, is_person: bool | None = None) -> str:
    """The party as the public site shows it: an organisation in full, a
    person masked."""
    person = looks_like_person(name) if is_person is None else is_person
    return mask_name(name) if person else name


def _landline(m: re.Match[str]) -> str:
    return f"{m.group(1)}-{'*' * len(m.group(2))}{m.group(3)}"


def mask_text(text: str, names: Iterable[str] = ()) -> str:
    """``text`` with the given persons' names, labelled names, ID numbers and
    phone numbers masked."""
    out = text or ""
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        if len(name) >= 2:
            out = out.replace(name, mask_name(name))
    out = _LABELLED_RE.sub(
        lambda m: m.group(1) + (mask_name(m.group(2)) if "*" not in m.group(2) else m.group(2)),
        out,
    )
    out = _ID_RE.sub(lambda m: mask_resident_id(m.group(0).upper()), out)
    out = _MOBILE_RE.sub(lambda m: mask_mobile(m.group(0)), out)
    return _LANDLINE_RE.sub(_landline, out)


__all__ = ["looks_like_person", "mask_name", "mask_text", "public_party_name"]
