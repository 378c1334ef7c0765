"""What the browser tests share: Debian's Chromium, a live server, screenshots."""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import fixture_library, make_app

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# This machine's network is closed: no background connections, no first-run chores.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run",
               "--disable-quic"]


def chromium_present() -> bool:
    return Path(CHROMIUM).exists()


def playwright_or_skip():
    """Playwright's sync API; called at a browser test module's top, it skips the module
    when Playwright or Chromium is missing."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    if not chromium_present():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)",
                    allow_module_level=True)
    return sync_api


def initialised_app(tmp_path: Path):
    """An app on the seed document with one question of each type, initialised and served
    as in production (TESTING off), ready for a live server."""
    app = make_app(tmp_path, questions_dir=fixture_library(tmp_path, "all_types.yaml"),
                   TESTING=False)
    assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0
    return app


@contextmanager
def serve(app) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@contextmanager
def chromium(sync_api, **options):
    """A headless Chromium browser from Playwright's sync API."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=LAUNCH_ARGS, **options)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def browser_page(sync_api, viewport: dict):
    with chromium(sync_api) as browser:
        context = browser.new_context(viewport=viewport)
        try:
            yield context.new_page()
        finally:
            context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
