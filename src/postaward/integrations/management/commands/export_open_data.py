"""``manage.py export_open_data --month 2026-11 [--out DIR]``: write the month's
OCDS release package (the releases dated in that month) to a file, for a mirror
or an archive (ADR 0912). The API serves the same package on request."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from postaward.core import clock
from postaward.integrations import ocds_export, queries


class Command(BaseCommand):
    help = "导出某月的 OCDS 发布包（开放数据按月批量文件）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--month", help="月份 YYYY-MM（默认上个月）")
        parser.add_argument("--out", default=".", help="输出目录")

    def handle(self, *args: Any, **opts: Any) -> None:
        month = opts["month"]
        if not month:
            first = clock.today().replace(day=1)
            prev = (
                first.replace(year=first.year - 1, month=12)
                if first.month == 1
                else first.replace(month=first.month - 1)
            )
            month = f"{prev:%Y-%m}"
        m = re.fullmatch(r"(\d{4})-(\d{2})", month)
        if not m or not 1 <= int(m[2]) <= 12:
            raise CommandError("月份格式应为 YYYY-MM")
        rels = queries.month(int(m[1]), int(m[2]))
        out = Path(opts["out"]) / f"releases-{month}.json"
        uri = f"/api/v1/open/bulk/{month}/releases.json"
        pkg = {**ocds_export.package_meta(uri, clock.now()), "releases": rels}
        out.write_text(json.dumps(pkg, ensure_ascii=False, indent=1), encoding="utf-8")
        self.stdout.write(f"{out}：{len(rels)} 个发布")
