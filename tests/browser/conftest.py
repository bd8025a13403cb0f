"""Browser tests: Debian's Chromium driven by playwright (never `playwright install`).

Each test gets a live server (a real HTTP server over the test database) and a
fresh browser context. Tests take screenshots of what they check; they land in
var/screenshots/ so that a test run leaves the tree clean, and in
docs/screenshots/ (the pictures the docs show) with `make screenshots`
(POSTAWARD_SCREENSHOTS=docs).
"""

from __future__ import annotations

import os
import select
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("POSTAWARD_CHROMIUM", "/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = (
    REPO / ("docs" if os.environ.get("POSTAWARD_SCREENSHOTS") == "docs" else "var") / "screenshots"
)
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Each page counts its requests in flight (fetch and XMLHttpRequest, which htmx
# uses); ``settle`` waits until none is left. Playwright's "networkidle" waited
# for half a second without any request after every step: half of the browser
# tests' time (ADR 0091). Injected before the page's own scripts, past the CSP.
IN_FLIGHT = """
(() => {
  let pending = 0;
  Object.defineProperty(window, "__pendingRequests", { get: () => pending });
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    pending += 1;
    this.addEventListener("loadend", () => { pending -= 1; }, { once: true });
    try {
      return send.apply(this, args);
    } catch (error) {
      pending -= 1;
      throw error;
    }
  };
  const fetch = window.fetch;
  window.fetch = function (...args) {
    pending += 1;
    let answer;
    try {
      answer = fetch.apply(this, args);
    } catch (error) {
      pending -= 1;
      throw error;
    }
    return answer.finally(() => { pending -= 1; });
  };
})();
"""

# Playwright's sync API runs an event loop; Django must allow ORM calls from the test body.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make browser-deps` (installs Debian's chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


class ServedConnections:
    """The live server's connections accepted and not yet finished.

    Under SQLite the server's threads share the test's in-memory connection
    (Django's live server: one connection, one transaction state). A request
    the page still had on the wire when the test ended (a fetch after the last
    assertion, such as the check-in page's refresh of the day's list) would run
    its queries and its session save inside the teardown's flush and break it:
    a flush failure, and the next tests of the worker find the last test's rows.
    After a test, once its browser contexts are closed (no new requests), the
    ``answered`` fixture waits until the server has answered every connection
    it has received, including the ones still waiting to be accepted (ADR 0084).
    """

    def __init__(self, httpd: Any) -> None:
        self.httpd = httpd
        self.open = 0
        self.changed = threading.Condition()
        # One request at a time holds the database, and the test's own
        # queries wait for it (see ``serialised``).
        self.database = threading.RLock()
        accept, serve = httpd.get_request, httpd.process_request_thread
        app = httpd.get_app()

        def locked_app(environ: Any, start_response: Any) -> Any:
            with self.database:
                return app(environ, start_response)

        httpd.set_app(locked_app)

        def counted_accept() -> Any:
            # Counted before the accept: a connection is always either waiting
            # on the listening socket or counted here.
            with self.changed:
                self.open += 1
            try:
                return accept()
            except BaseException:
                self._finished()
                raise

        def counted_serve(request: Any, client_address: Any) -> None:
            try:
                serve(request, client_address)
            finally:
                self._finished()

        httpd.get_request = counted_accept
        httpd.process_request_thread = counted_serve

    def _finished(self) -> None:
        with self.changed:
            self.open -= 1
            self.changed.notify_all()

    def wait_until_answered(self, patience_s: float = 30.0) -> None:
        """Return once no connection waits to be accepted and none is being served."""
        give_up = time.monotonic() + patience_s
        while True:
            waiting, _, _ = select.select([self.httpd.socket], [], [], 0)
            with self.changed:
                if not waiting and self.open == 0:
                    return
                self.changed.wait(0.01)
            if time.monotonic() > give_up:
                pytest.fail(f"the live server still serves {self.open} connection(s)")

    def serialised(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        """A query of the test's own thread waits for the request being served.

        Under SQLite the test body and the server's threads use one connection
        and one transaction state: a query the test makes while a request is
        half-way through its atomic block (the page still submitting when the
        test reads the database) runs inside that block and can break it for
        both (CI, ``test_a_hidden_works_acceptance_through_every_step``:
        "You can't execute queries until the end of the 'atomic' block" and a
        failed flush). The server holds ``database`` for each request; the
        test's queries take it too (ADR 0076)."""
        with self.database:
            return execute(sql, params, many, context)


@pytest.fixture(scope="session")
def served(live_server) -> ServedConnections:  # type: ignore[no-untyped-def]
    return ServedConnections(live_server.thread.httpd)


@pytest.fixture
def answered(served: ServedConnections) -> Iterator[None]:
    """Serialises the test's queries with the live server's requests and waits,
    after the test, until the server has answered everything.

    The page fixtures depend on it, so it is torn down after all of them: once
    every browser context of the test is closed (an open context keeps its
    connections alive)."""
    from django.db import connection

    connection.execute_wrappers.append(served.serialised)
    try:
        yield
    finally:
        connection.execute_wrappers.remove(served.serialised)
    served.wait_until_answered()


@pytest.fixture
def page(browser, live_server, answered):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 1366, "height": 860},
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        # Bootstrap drops its transitions under reduced motion: a control inside a
        # collapse is clickable as soon as it is shown, not 350 ms later.
        reduced_motion="reduce",
    )
    context.add_init_script(IN_FLIGHT)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    pg.base_url = live_server.url  # type: ignore[attr-defined]
    # Every page must pass the site-wide CSP (ADR 0012): a violation is a failure.
    violations: list[str] = []
    pg.on(
        "console",
        lambda msg: (
            violations.append(f"{pg.url}: {msg.text}")
            if "Content Security Policy" in msg.text
            else None
        ),
    )
    yield pg
    context.close()
    assert violations == [], "CSP violations:\n" + "\n".join(violations)


# A phone on the school's site (p_school: a 200 m circle), about 36 m from the centre.
INSIDE = {"longitude": 120.8703, "latitude": 30.0302, "accuracy": 12}


@pytest.fixture
def phone(browser, live_server, answered):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        reduced_motion="reduce",
    )
    context.grant_permissions(["geolocation"])
    context.set_geolocation(INSIDE)
    context.add_init_script(IN_FLIGHT)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    pg.base_url = live_server.url  # type: ignore[attr-defined]
    yield pg
    context.close()


def login(page, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    submit(page, "button[type=submit]")


def submit(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    """Click a form's submit button and wait for the page the form leads to.

    ``wait_for_load_state`` alone can return on the page being left, before
    the browser has sent the form; a test that then reads the database would
    read it before the request."""
    with page.expect_navigation():
        page.click(selector)
    settle(page)


def settle(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until the page has loaded and has no request of its own in flight
    (``IN_FLIGHT``): what it fetched after loading (an htmx fragment, a chart's
    data, the day's check-ins) has been answered."""
    page.wait_for_load_state("load")
    page.wait_for_function("() => window.__pendingRequests === 0")


def screenshot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    settle(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def answer_captcha(page) -> None:  # type: ignore[no-untyped-def]
    """Fill the public form's captcha with its stored answer (django-simple-captcha)."""
    from captcha.models import CaptchaStore

    key = page.input_value("input[name=captcha_0]")
    page.fill("input[name=captcha_1]", CaptchaStore.objects.get(hashkey=key).response)
