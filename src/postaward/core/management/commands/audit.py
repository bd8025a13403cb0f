"""postaward audit verify [--anchor SEQ:HASH] [--no-anchors] | head | anchor"""

from __future__ import annotations

import re

from django.core.management.base import BaseCommand, CommandError

from postaward.core import anchors, audit

_ANCHOR = re.compile(r"^(\d+)[:\s]([0-9a-f]{64})$")


class Command(BaseCommand):
    help = (
        "校验或查看操作日志哈希链：verify 校验完整性（默认对照外部锚点文件）；"
        "head 输出链头；anchor 把当前链头追加到外部锚点文件"
    )
    # An integrity check must run even when an unrelated part of the site is
    # misconfigured (the system checks import every URLconf and view).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("action", choices=["verify", "head", "anchor"])
        parser.add_argument(
            "--anchor",
            default="",
            help="外部存档的链头“序号:哈希”（audit head 的输出），校验链未被整体改写",
        )
        parser.add_argument(
            "--no-anchors",
            action="store_true",
            help="不对照锚点文件（POSTAWARD_ANCHOR_DIR）中的锚点",
        )

    def handle(self, *args, action: str, anchor: str, no_anchors: bool, **options) -> None:  # type: ignore[no-untyped-def]
        if action == "head":
            seq, digest = audit.head()
            self.stdout.write(f"{seq} {digest}")
            return
        if action == "anchor":
            result, written = anchors.anchor_if_intact()
            if written is None:
                raise CommandError(f"{result}；未写入锚点")
            self.stdout.write(
                f"已写入锚点：第 {written.seq} 条 {written.hash} → {anchors.anchor_path()}"
            )
            return
        parsed: tuple[int, str] | None = None
        if anchor:
            m = _ANCHOR.match(anchor.strip().lower())
            if not m:
                raise CommandError("--anchor 格式应为“序号:哈希”，如 42:66c7f0…（64位十六进制）")
            parsed = (int(m.group(1)), m.group(2))
        result = audit.verify(anchor=parsed, external_anchors=not no_anchors)
        if not result.ok:
            raise CommandError(str(result))
        self.stdout.write(self.style.SUCCESS(str(result)))
