"""postaward import FILE: import awarded projects from an OCDS JSON or CSV file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from postaward.core.actor import SYSTEM
from postaward.core.errors import DomainError
from postaward.projects import imports
from postaward.projects.choices import ImportChannel, ImportFormat


class Command(BaseCommand):
    help = (
        "导入中标项目：OCDS 发布包（.json）或 CSV 模板（.csv）。逐行导入，错误行不写入并逐行报告；"
        "重复导入只更新变化的内容。格式见 docs/import-format.md"
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("file", help="要导入的文件（- 表示标准输入）")
        parser.add_argument("--format", choices=ImportFormat.values, help="默认按扩展名判断")
        parser.add_argument(
            "--as", dest="username", help="以该账号（监管办或对接账号）的身份导入；默认为平台"
        )

    def handle(self, *args, file: str, format: str | None, username: str | None, **options) -> None:  # type: ignore[no-untyped-def]
        import sys

        if file == "-":
            data, name = sys.stdin.buffer.read(), "stdin"
        else:
            path = Path(file)
            if not path.is_file():
                raise CommandError(f"文件不存在：{file}")
            data, name = path.read_bytes(), path.name
        actor = SYSTEM
        if username:
            from postaward.orgs.actors import actor_for_username
            from postaward.orgs.models import User

            try:
                actor = actor_for_username(username)
            except User.DoesNotExist as exc:
                raise CommandError(f"账号不存在：{username}") from exc
        fmt = format or imports.format_of(name, data)
        try:
            report = imports.import_awards(
                actor=actor, data=data, fmt=fmt, channel=ImportChannel.CLI, filename=name
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for row in report.rows:
            label = {"created": "新增", "updated": "更新", "unchanged": "无变化", "failed": "失败"}[
                row["result"]
            ]
            self.stdout.write(f"  第 {row['row']} 行  {row.get('key') or '—'}  {label}")
        if report.errors:
            self.stdout.write("错误报告（以下行未导入）：")
            for e in report.errors:
                where = f"第 {e['row']} 行" if e["row"] else "文件"
                self.stdout.write(f"  {where}  {e['key'] or '—'}  {e['field']}：{e['reason']}")
        summary = report.summary()
        if report.ok:
            self.stdout.write(self.style.SUCCESS(summary))
        else:
            self.stdout.write(self.style.WARNING(summary))
            raise CommandError("部分行未导入，见上方错误报告", returncode=1)
