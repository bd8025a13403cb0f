"""postaward inspections verify-draw <number> [--seed SEED] [--inputs FILE]

Recomputes a draw from its published inputs (the pools, their hashes, the
seed and its committed hash) with the documented algorithm (``draw.py``) and
says 一致 / 不一致 (R-INS-02). ``--inputs`` re-runs from a downloaded JSON
file (the public page's 公开数据) instead of the database."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from postaward.inspections import draw as algo


class Command(BaseCommand):
    help = "双随机检查：verify-draw <抽取编号> 按公开算法重算并核对抽取结果"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("action", choices=["verify-draw"])
        parser.add_argument("number", help="抽取编号，如 CJ-2026-0001")
        parser.add_argument("--seed", default="", help="用这个种子核对（默认：已公布的种子）")
        parser.add_argument("--inputs", default="", help="从下载的公开数据（JSON 文件）核对")

    def handle(self, *args, action: str, number: str, seed: str, inputs: str, **options) -> None:  # type: ignore[no-untyped-def]
        if inputs:
            try:
                with open(inputs, encoding="utf-8") as fh:
                    data = json.load(fh)
            except (OSError, ValueError) as exc:
                raise CommandError(f"无法读取公开数据文件：{exc}") from None
        else:
            from postaward.inspections.models import Draw
            from postaward.inspections.views_draw import inputs_of

            d = Draw.objects.filter(number=number).first()
            if d is None:
                raise CommandError(f"没有编号为 {number} 的抽取")
            data = inputs_of(d)
            data["result"] = d.result
        seed = seed or data.get("seed") or ""
        if not seed:
            raise CommandError("种子尚未公布，无法核对（可用 --seed 指定）")
        v = algo.verify(
            project_pool=data["project_pool"],
            project_pool_hash=data["project_pool_hash"],
            inspector_pool=data["inspector_pool"],
            inspector_pool_hash=data["inspector_pool_hash"],
            params=data["params"],
            seed=seed,
            committed_seed_hash=data["seed_hash"],
            published=data.get("result"),
        )
        for label, ok in v.checks:
            self.stdout.write(f"{'✓' if ok else '✗'} {label}")
        if v.result is not None:
            for s in v.result["selections"]:
                self.stdout.write(f"{s['rank']:>3} {s['code']} {s['name']}")
        if not v.ok:
            raise CommandError(f"{number}：{v.label}")
        self.stdout.write(self.style.SUCCESS(f"{number}：{v.label}"))
