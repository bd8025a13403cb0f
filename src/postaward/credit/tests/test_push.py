"""The push of each record change to the credit platforms (R-CAS-04, HC 附件
三(五): 公示并同步推送到信用湖北): an outbox row per change, the log backend
by default, an HTTP backend against a real local server that fails, is
retried later and then succeeds; a failed push shows on the record's page."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import time_machine

from postaward.core import clock

from .. import push
from ..choices import PushState
from ..models import CreditPush
from . import factories as f

pytestmark = pytest.mark.django_db


class _Platform(BaseHTTPRequestHandler):
    """A credit platform: answers 500 while ``failing``, records the bodies."""

    failing = True
    received: list[dict[str, Any]] = []
    tokens: list[str] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        type(self).tokens.append(self.headers.get("Authorization", ""))
        if type(self).failing:
            self.send_response(500)
            self.end_headers()
            return
        type(self).received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def platform(settings) -> Iterator[type[_Platform]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Platform)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Platform.failing, _Platform.received, _Platform.tokens = True, [], []
    settings.POSTAWARD_CREDIT_PUSH = {
        "BACKEND": "postaward.credit.push.HttpBackend",
        "URL": f"http://127.0.0.1:{server.server_port}/credit",
        "TOKEN": "t0ken",
        "PLATFORMS": ["信用湖北"],
    }
    try:
        yield _Platform
    finally:
        server.shutdown()
        server.server_close()


def test_r_cas_04_log_backend_sends_the_record_after_the_entry(district):
    push.outbox.clear()
    r = f.record(district, case_id=9301)
    row = CreditPush.objects.get(record=r)
    assert (row.state, row.attempts) == (PushState.PENDING, 0)  # queued with the entry
    assert push.send_due() == 1  # the worker (after the commit, then every minute)
    row.refresh_from_db()
    assert (row.state, row.attempts) == (PushState.SENT, 1)
    assert row.sent_at is not None
    sent = [p for p in push.outbox if p["record_key"] == r.case_number]
    assert sent and sent[0]["points"] == 6 and sent[0]["action"] == "create"
    assert sent[0]["platforms"] == ["湖北省公共资源招标投标信用信息平台", "信用湖北"]


def test_r_cas_04_failing_platform_is_retried_until_it_answers(district, platform):
    start = dt.datetime(2026, 3, 10, 10, 0, tzinfo=clock.LOCAL_TZ)
    with time_machine.travel(start, tick=False):
        r = f.record(district, case_id=9302)
        assert push.send_due() == 0
        row = CreditPush.objects.get(record=r)
        assert row.state == PushState.FAILED and row.attempts == 1
        assert "500" in row.last_error
        assert row.next_try_at == clock.now() + dt.timedelta(minutes=1)
        # not due yet: the worker leaves it
        assert push.send_due() == 0
        page = district.client("office_staff").get(f"/credit/{r.pk}/").content.decode()
        assert "推送失败，待重试" in page and "500" in page
    with time_machine.travel(start + dt.timedelta(minutes=1), tick=False):
        assert push.send_due() == 0  # still failing: the wait doubles
        row.refresh_from_db()
        assert row.attempts == 2
        assert row.next_try_at == clock.now() + dt.timedelta(minutes=2)
    platform.failing = False
    with time_machine.travel(start + dt.timedelta(minutes=3), tick=False):
        assert push.send_due() == 1
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (PushState.SENT, 3, "")
    assert platform.received[0]["decision_number"] == r.decision_number
    assert platform.received[0]["subject_name"] == "甲建设有限公司"
    assert set(platform.tokens) == {"Bearer t0ken"}
    assert push.send_due() == 0  # sent once, never again


def test_r_cas_04_backoff_is_capped_at_six_hours():
    assert push.backoff(1) == dt.timedelta(minutes=1)
    assert push.backoff(4) == dt.timedelta(minutes=8)
    assert push.backoff(30) == dt.timedelta(hours=6)
