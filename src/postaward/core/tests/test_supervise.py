"""``postaward serve`` keeps the web server and the worker alive (issue 10 §6).

Before: killing the worker also stopped the web server, and nothing restarted
either. Now a dead child is logged and restarted with back-off, the other one
goes on, and SIGTERM / Ctrl-C stop both. The waits below are bounded so that a
regression fails instead of hanging.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from postaward.core.supervise import Child, Supervisor

PY = sys.executable


def _wait_for(predicate, seconds: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its parent) counts as dead.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(") ", 1)[1][0] != "Z"


def _poll_until(sup: Supervisor, predicate, seconds: float, what: str):  # type: ignore[no-untyped-def]
    def step():  # type: ignore[no-untyped-def]
        sup.poll()
        return predicate()

    return _wait_for(step, seconds, what)


# --- the supervisor on its own -----------------------------------------------------------------


def test_a_killed_child_is_restarted_and_logged_while_the_other_goes_on(caplog):
    caplog.set_level(logging.INFO, logger="postaward.serve")
    sleeper = [PY, "-c", "import time; time.sleep(120)"]
    worker, web = Child("后台任务", sleeper), Child("网站", sleeper)
    sup = Supervisor([worker, web], min_backoff=0.05, max_backoff=0.4)
    sup.start_all()
    try:
        first, web_pid = worker.pids[0], web.pids[0]
        os.kill(first, signal.SIGKILL)
        _poll_until(sup, lambda: len(worker.pids) == 2, 30, "the worker's restart")
        assert _alive(worker.pids[1]) and not _alive(first)
        assert web.pids == [web_pid] and _alive(web_pid)  # untouched
        assert f"后台任务进程（进程号 {first}）意外退出（退出码 -9）" in caplog.text
        assert f"后台任务进程已启动（进程号 {worker.pids[1]}）" in caplog.text
    finally:
        sup.stop()
    assert not any(_alive(pid) for pid in worker.pids + web.pids)


def test_a_child_that_keeps_dying_is_restarted_with_growing_back_off():
    crasher = Child("后台任务", [PY, "-c", "raise SystemExit(3)"])
    sup = Supervisor([crasher], min_backoff=0.05, max_backoff=0.2)
    sup.start_all()
    try:
        _poll_until(sup, lambda: crasher.restarts >= 4, 60, "four restarts")
        assert crasher.backoff == 0.2  # 0.05 → 0.1 → 0.2, capped
    finally:
        sup.stop()


def test_stop_escalates_to_sigkill_for_a_child_that_ignores_its_signal():
    stubborn = Child(
        "后台任务",
        [
            PY,
            "-c",
            "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN);"
            " print('ready', flush=True); time.sleep(120)",
        ],
    )
    sup = Supervisor([stubborn], stop_timeout=0.5)
    sup.start_all()
    time.sleep(0.5)  # let it install its handler
    sup.stop()
    assert not _alive(stubborn.pids[0])
    assert sup.stopping
    sup.poll()  # a stopping supervisor restarts nothing
    assert stubborn.pids == [stubborn.pids[0]]


# --- the real command --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310  # our own loopback server
            return bool(r.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _started(log: Path, name: str) -> list[int]:
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    return [int(p) for p in re.findall(rf"{name}进程已启动（进程号 (\d+)）", text)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process groups, /proc")
def test_serve_restarts_a_killed_worker_and_web_server_and_stops_cleanly(tmp_path):
    port = _free_port()
    log = tmp_path / "serve.log"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL") and not k.startswith("PYTEST")
    }
    env |= {
        "POSTAWARD_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "postaward.settings",
        "POSTAWARD_LOG_LEVEL": "INFO",
        # Plain static storage: collectstatic copies instead of compressing every
        # file (minutes on a busy machine); the processes supervised are the same.
        "POSTAWARD_DEBUG": "1",
    }
    url = f"http://127.0.0.1:{port}/accounts/login/"
    with log.open("w") as out:
        serve = subprocess.Popen(
            [
                PY,
                "-m",
                "postaward.cli",
                "serve",
                "--no-demo",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "2",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        # Fresh SQLite: migrate and collectstatic come first.
        _wait_for(lambda: _answers(url), 300, "the web server")
        worker = _wait_for(lambda: _started(log, "后台任务"), 30, "the worker")[0]
        web = _started(log, "网站")[0]

        os.kill(worker, signal.SIGKILL)
        _wait_for(lambda: len(_started(log, "后台任务")) == 2, 60, "the worker's restart")
        assert serve.poll() is None
        assert _answers(url)  # the web server never went away
        assert _started(log, "网站") == [web]
        new_worker = _started(log, "后台任务")[1]
        assert new_worker != worker and _alive(new_worker)
        assert "后台任务进程" in log.read_text() and "意外退出" in log.read_text()

        os.kill(web, signal.SIGKILL)
        _wait_for(lambda: len(_started(log, "网站")) == 2, 60, "the web server's restart")
        _wait_for(lambda: _answers(url), 120, "the restarted web server")
        assert _alive(new_worker)

        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=60) == 0
        children = _started(log, "后台任务") + _started(log, "网站")
        _wait_for(lambda: not any(_alive(p) for p in children), 30, "the children to exit")
        assert not _answers(url)
        assert "已停止全部进程" in log.read_text()
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
