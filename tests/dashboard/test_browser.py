"""One real browser: Debian's Chromium, driven by Playwright, against `policyradar dashboard`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from policyradar.store import Store

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def dashboard_url(app_env: Store, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    log = (tmp_path / "dashboard.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "policyradar.cli", "dashboard", "--port", str(port)],
        env={**os.environ},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # the server is up when its health endpoint answers
            if proc.poll() is not None:
                raise AssertionError((tmp_path / "dashboard.log").read_text())
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_search_in_a_real_browser(dashboard_url: str, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian chromium is missing: `make test` installs it (apt-get install chromium)"
        )
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(dashboard_url, wait_until="domcontentloaded")
            box = page.get_by_label("Search", exact=True)
            expect(box).to_be_visible(timeout=60_000)
            box.fill('"Claude Mythos"')
            box.press("Enter")
            expect(page.get_by_text(" documents").first).to_be_visible(timeout=60_000)
            expect(page.get_by_role("link", name="Original page").first).to_be_visible()
            expect(page.get_by_text("Download these results (CSV)")).to_be_visible()
            assert "q=" in page.url  # the query is in the shareable URL
            shot = tmp_path / "search.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
        finally:
            browser.close()
