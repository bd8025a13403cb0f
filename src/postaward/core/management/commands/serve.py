"""postaward serve: the one command behind ``make run``.

Migrates, collects static files, loads the demo district into an empty database,
then runs the web server (gunicorn) and the background worker (huey) together
under a supervisor (``core.supervise``) that restarts either one when it dies,
until interrupted (Ctrl-C or SIGTERM stop both). Running it again keeps the data.
"""

from __future__ import annotations

import os
import signal
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from postaward.core.supervise import Child, Supervisor


class Command(BaseCommand):
    help = "迁移数据库、装入演示数据（空库时），并同时启动网站和后台任务"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--bind", default=os.environ.get("POSTAWARD_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("POSTAWARD_WEB_WORKERS", "2"))
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("POSTAWARD_WEB_THREADS", "8"))
        )
        parser.add_argument("--no-demo", action="store_true")
        parser.add_argument("--no-worker", action="store_true")

    def handle(
        self,
        *args,
        bind: str,
        workers: int,
        threads: int,
        no_demo: bool,
        no_worker: bool,  # type: ignore[no-untyped-def]
        **options,
    ) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("数据库已迁移。")
        call_command("collectstatic", interactive=False, verbosity=0)
        if not no_demo:
            call_command("demo", if_empty=True, stdout=self.stdout)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "postaward.settings"}
        children: list[Child] = []
        if not no_worker:
            # SIGINT is huey's graceful stop (running tasks finish); SIGTERM is immediate.
            children.append(
                Child(
                    "后台任务",
                    [sys.executable, "-m", "postaward.cli", "run_huey", "--quiet"],
                    stop_signal=signal.SIGINT,
                )
            )
        children.append(
            Child(
                "网站",
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "postaward.wsgi:application",
                    "--bind",
                    bind,
                    "--workers",
                    str(workers),
                    "--threads",
                    str(threads),
                    "--access-logfile",
                    "-",
                    "--timeout",
                    "120",
                    "--graceful-timeout",
                    "10",
                ],
                stop_signal=signal.SIGTERM,
            )
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"\n标后监管平台已启动：http://{bind}/  （数据库：{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}，"
                f"后台任务：{'已启动' if not no_worker else '未启动'}）  按 Ctrl+C 停止。\n"
                "网站或后台任务进程意外退出时自动重启。\n"
            )
        )
        self.stdout.flush()
        Supervisor(children, env=env).run()
