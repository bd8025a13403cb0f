"""postaward demo: build the demo district into an empty database."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from postaward import demo
from postaward.core import events
from postaward.orgs.models import Organisation


class Command(BaseCommand):
    help = "装入演示区县（仅当数据库为空时）；--logins 只打印演示账号"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--projects", type=int, default=150)
        parser.add_argument("--logins", action="store_true", help="只打印演示账号")
        parser.add_argument("--if-empty", action="store_true", help="已有数据时静默跳过")

    def handle(self, *args, projects: int, logins: bool, if_empty: bool, **options) -> None:  # type: ignore[no-untyped-def]
        if not logins:
            if Organisation.objects.exists():
                if not if_empty:
                    self.stderr.write("数据库中已有数据，未装入演示区县（--if-empty 可静默跳过）")
                    return
                self.stdout.write("数据库中已有数据，保留现有数据。")
                self.print_logins()
                return
            self.stdout.write(f"正在装入演示区县（{projects} 个项目）……")
            demo.build(projects=projects)
            self.stdout.write("正在处理演示数据产生的事件（预警、待办、通知）……")
            delivered = events.drain()
            self.stdout.write(self.style.SUCCESS(f"演示区县已装入（处理事件 {delivered} 条）。"))
        self.print_logins()

    def print_logins(self) -> None:
        rows = demo.demo_logins()
        if not rows:
            return
        self.stdout.write(f"\n演示账号（密码均为 {demo.DEMO_PASSWORD}）：")
        for row in rows:
            self.stdout.write(f"  {row.username:<18} {row.role_label:<22} {row.organisation}")
