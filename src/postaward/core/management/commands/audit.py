"""postaward audit verify | head"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from postaward.core import audit


class Command(BaseCommand):
    help = "校验或查看操作日志哈希链：verify 校验完整性；head 输出链头（可抄送存档）"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("action", choices=["verify", "head"])

    def handle(self, *args, action: str, **options) -> None:  # type: ignore[no-untyped-def]
        if action == "head":
            seq, digest = audit.head()
            self.stdout.write(f"{seq} {digest}")
            return
        result = audit.verify()
        if not result.ok:
            raise CommandError(str(result))
        self.stdout.write(self.style.SUCCESS(str(result)))
