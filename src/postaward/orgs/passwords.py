"""Password rules: length >= 8 with at least three character classes, applied
to the NFKC form of the password (the form that is stored and checked)."""

from __future__ import annotations

import secrets
import string
import unicodedata

from django.core.exceptions import ValidationError


def normalise_password(raw: str | None) -> str | None:
    """NFKC: a full-width ``Ｐａｓｓｗｏｒｄ１２`` is ``Password12``. Passwords are
    hashed, checked and judged by the rules in this form, so look-alike input
    neither dodges the common-password list nor locks out a phone keyboard."""
    return None if raw is None else unicodedata.normalize("NFKC", raw)


def character_classes(password: str) -> int:
    classes = [
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ]
    return sum(classes)


class CharacterClassValidator:
    """At least ``min_classes`` of: lower case, upper case, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: object = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                f"密码须包含小写字母、大写字母、数字、符号中的至少 {self.min_classes} 类",
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return f"密码至少8位，并包含小写字母、大写字母、数字、符号中的至少 {self.min_classes} 类。"


def generate_initial_password() -> str:
    """A random initial password that satisfies the rules (must be changed at first login)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        body = "".join(secrets.choice(alphabet) for _ in range(10))
        candidate = body + secrets.choice("!@#$%&*")
        if character_classes(candidate) >= 4:
            return candidate
