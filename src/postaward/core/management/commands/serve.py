"""postaward serve: the one command behind ``make run``.

Migrates, collects static files, loads the demo district into an empty database,
then runs the web server (gunicorn) and the background worker (huey) together
until interrupted. Running it again keeps the data.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


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
        procs: list[subprocess.Popen] = []
        if not no_worker:
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "postaward.cli", "run_huey", "--quiet"], env=env
                )
            )
        procs.append(
            subprocess.Popen(
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
                env=env,
            )
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"\n标后监管平台已启动：http://{bind}/  （数据库：{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}，"
                f"后台任务：{'已启动' if not no_worker else '未启动'}）  按 Ctrl+C 停止。\n"
            )
        )

        def stop(*_: object) -> None:
            for p in procs:
                if p.poll() is None:
                    p.terminate()

        def on_signal(*_: object) -> None:
            stop()
            sys.exit(0)

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        try:
            while all(p.poll() is None for p in procs):
                time.sleep(1)
        finally:
            stop()
            for p in procs:
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
        failed = [p for p in procs if p.returncode not in (0, -signal.SIGTERM, None)]
        if failed:
            sys.exit(1)
