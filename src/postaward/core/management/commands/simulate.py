"""postaward simulate --days N"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from postaward import simulate


class Command(BaseCommand):
    help = "推进演示区县 N 天：生成考勤、审批、投诉等日常活动并运行定时扫描，平台时钟随之前移"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--days", type=int, default=1)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, days: int, seed: int, **options) -> None:  # type: ignore[no-untyped-def]
        if not settings.POSTAWARD["ALLOW_CLOCK_SHIFT"]:
            raise CommandError(
                "本环境禁止调整平台时钟（POSTAWARD_ALLOW_CLOCK_SHIFT=0），不能运行模拟器"
            )
        if not 1 <= days <= 366:
            raise CommandError("--days 应在 1 至 366 之间")
        last = simulate.run(days, seed=seed, log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"模拟完成，平台日期现为 {last:%Y-%m-%d}"))
