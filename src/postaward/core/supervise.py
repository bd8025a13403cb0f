"""A small process supervisor for ``postaward serve`` (ADR 0028).

``postaward serve`` runs the web server (gunicorn) and the background worker
(huey) side by side on one machine. Either may die -- killed by the OOM killer,
by an operator, by a crash -- and the other must go on while the dead one is
started again:

- a child that exits while the supervisor is running is logged (name, pid,
  exit code) and restarted after a back-off that doubles from ``min_backoff``
  up to ``max_backoff`` seconds, and falls back to ``min_backoff`` once the
  child has stayed up ``stable_after`` seconds;
- SIGINT (Ctrl-C) and SIGTERM stop the supervisor: every child gets its own
  graceful stop signal, then SIGKILL (to its whole process group) if it has not
  exited within ``stop_timeout`` seconds. Children run in their own sessions,
  so a Ctrl-C in the terminal reaches only the supervisor, which stops them in
  order instead of leaving them to race it.

Production deployments use systemd or the container runtime instead
(docs/operations.md); this keeps ``make run`` and single-machine installs alive.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger("postaward.serve")


@dataclass
class Child:
    """One supervised program."""

    name: str
    argv: Sequence[str]
    stop_signal: int = signal.SIGTERM
    proc: subprocess.Popen[Any] | None = None
    started_at: float = 0.0
    restart_at: float | None = None
    backoff: float = 0.0
    restarts: int = 0
    pids: list[int] = field(default_factory=list)


class Supervisor:
    def __init__(
        self,
        children: Sequence[Child],
        *,
        env: dict[str, str] | None = None,
        min_backoff: float = 1.0,
        max_backoff: float = 30.0,
        stable_after: float = 60.0,
        stop_timeout: float = 15.0,
        poll_interval: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.children = list(children)
        self.env = env
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self.stable_after = stable_after
        self.stop_timeout = stop_timeout
        self.poll_interval = poll_interval
        self.clock = clock
        self.stopping = False
        for child in self.children:
            child.backoff = min_backoff

    # --- lifecycle ------------------------------------------------------------------------

    def start(self, child: Child) -> None:
        child.proc = subprocess.Popen(child.argv, env=self.env, start_new_session=True)
        child.started_at = self.clock()
        child.restart_at = None
        child.pids.append(child.proc.pid)
        logger.info("%s进程已启动（进程号 %s）", child.name, child.proc.pid)

    def start_all(self) -> None:
        for child in self.children:
            self.start(child)

    def poll(self) -> None:
        """Notice exited children and restart those whose back-off has passed."""
        now = self.clock()
        for child in self.children:
            if self.stopping:
                return
            if child.proc is not None and child.restart_at is None:
                code = child.proc.poll()
                if code is None:
                    continue
                if now - child.started_at >= self.stable_after:
                    child.backoff = self.min_backoff
                child.restart_at = now + child.backoff
                logger.warning(
                    "%s进程（进程号 %s）意外退出（退出码 %s），%.0f 秒后重启（第 %s 次）",
                    child.name,
                    child.proc.pid,
                    code,
                    child.backoff,
                    child.restarts + 1,
                )
                child.backoff = min(child.backoff * 2, self.max_backoff)
            if child.restart_at is not None and now >= child.restart_at:
                child.restarts += 1
                try:
                    self.start(child)
                except OSError as exc:  # e.g. the program vanished: keep trying
                    logger.error("%s进程无法启动：%s", child.name, exc)
                    child.restart_at = now + child.backoff
                    child.backoff = min(child.backoff * 2, self.max_backoff)

    def request_stop(self, *_: object) -> None:
        self.stopping = True

    def stop(self) -> None:
        """Stop every child gracefully, then forcibly after ``stop_timeout``."""
        self.stopping = True
        live = [c for c in self.children if c.proc is not None and c.proc.poll() is None]
        for child in live:
            assert child.proc is not None
            with contextlib.suppress(ProcessLookupError):
                child.proc.send_signal(child.stop_signal)
        deadline = self.clock() + self.stop_timeout
        for child in live:
            assert child.proc is not None
            try:
                child.proc.wait(timeout=max(0.1, deadline - self.clock()))
            except subprocess.TimeoutExpired:
                logger.warning("%s进程未按时退出，强制结束", child.name)
                # Not reaped yet, so its process group is still its own: the
                # child's helpers (gunicorn's workers) go with it.
                try:
                    os.killpg(child.proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    child.proc.kill()
                child.proc.wait()
        for child in self.children:
            if child.proc is not None:
                child.proc.poll()  # reap one that died during the stop
        logger.info("已停止全部进程")

    def run(self, *, install_signals: bool = True) -> None:
        """Start the children and supervise them until SIGINT or SIGTERM."""
        if install_signals:
            signal.signal(signal.SIGINT, self.request_stop)
            signal.signal(signal.SIGTERM, self.request_stop)
        try:
            self.start_all()
            while not self.stopping:
                self.poll()
                time.sleep(self.poll_interval)
        finally:
            self.stop()
