"""postaward simulate --days N

On a fresh database it first migrates and loads the demo district (as
``postaward serve`` does), so a newcomer's first ``make simulate`` works."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from postaward import simulate


class Command(BaseCommand):
    help = "推进演示区县 N 天：生成考勤、审批、投诉等日常活动并运行定时扫描，平台时钟随之前移"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--days", type=int, default=1)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--demo-projects",
            type=int,
            default=150,
            help="数据库为空时先装入的演示项目数",
        )

    def handle(self, *args, days: int, seed: int, demo_projects: int, **options) -> None:  # type: ignore[no-untyped-def]
        if not settings.POSTAWARD["ALLOW_CLOCK_SHIFT"]:
            raise CommandError(
                "本环境禁止调整平台时钟（POSTAWARD_ALLOW_CLOCK_SHIFT=0），不能运行模拟器"
            )
        if not 1 <= days <= 366:
            raise CommandError("--days 应在 1 至 366 之间")
        call_command("migrate", interactive=False, verbosity=0)
        from postaward.orgs.models import Organisation

        if not Organisation.objects.exists():
            self.stdout.write("数据库为空：先装入演示区县。")
            call_command("demo", if_empty=True, projects=demo_projects, stdout=self.stdout)
        last = simulate.run(days, seed=seed, log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"模拟完成，平台日期现为 {last:%Y-%m-%d}"))
