"""postaward audit verify [--anchor SEQ:HASH] | head"""

from __future__ import annotations

import re

from django.core.management.base import BaseCommand, CommandError

from postaward.core import audit

_ANCHOR = re.compile(r"^(\d+)[:\s]([0-9a-f]{64})$")


class Command(BaseCommand):
    help = "校验或查看操作日志哈希链：verify 校验完整性；head 输出链头（可抄送存档）"
    # An integrity check must run even when an unrelated part of the site is
    # misconfigured (the system checks import every URLconf and view).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("action", choices=["verify", "head"])
        parser.add_argument(
            "--anchor",
            default="",
            help="外部存档的链头“序号:哈希”（audit head 的输出），校验链未被整体改写",
        )

    def handle(self, *args, action: str, anchor: str, **options) -> None:  # type: ignore[no-untyped-def]
        if action == "head":
            seq, digest = audit.head()
            self.stdout.write(f"{seq} {digest}")
            return
        parsed: tuple[int, str] | None = None
        if anchor:
            m = _ANCHOR.match(anchor.strip().lower())
            if not m:
                raise CommandError("--anchor 格式应为“序号:哈希”，如 42:66c7f0…（64位十六进制）")
            parsed = (int(m.group(1)), m.group(2))
        result = audit.verify(anchor=parsed)
        if not result.ok:
            raise CommandError(str(result))
        self.stdout.write(self.style.SUCCESS(str(result)))
