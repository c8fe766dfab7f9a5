"""In a real browser: open the widget gallery in JupyterLab, run all cells, move a slider with the
keyboard, and check that the figure (and its text alternative) changed.

Needs Debian's chromium (.ci/run installs it). Without it the test is skipped on a developer's
machine but fails in CI, so a missing browser can never pass silently.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from course.nbgrader_run import environment_for_tools
from course.paths import course_root

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run must install it")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    home = tmp_path_factory.mktemp("lab")
    shutil.copy2(course_root() / "examples" / "widget-gallery.ipynb", home / "widget-gallery.ipynb")
    port, token = _free_port(), "course-browser-test"
    env = environment_for_tools() | {
        "JUPYTER_CONFIG_DIR": str(home / ".config"),
        "JUPYTER_RUNTIME_DIR": str(home / ".runtime"),
        "HOME": str(home),
    }
    with open(home / "server.log", "w") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyterlab",
                "--no-browser",
                "--allow-root",
                f"--ServerApp.port={port}",
                "--ServerApp.ip=127.0.0.1",
                f"--IdentityProvider.token={token}",
                f"--ServerApp.root_dir={home}",
                f"--LabApp.user_settings_dir={home / '.settings'}",
                f"--LabApp.workspaces_dir={home / '.workspaces'}",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"JupyterLab exited: {(home / 'server.log').read_text()[-2000:]}")
                time.sleep(0.5)
        else:
            server.kill()
            pytest.fail("JupyterLab did not start within 90 s")
        yield base, token
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def test_gallery_runs_and_slider_redraws(jupyterlab):
    from playwright.sync_api import expect, sync_playwright

    base, token = jupyterlab
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{base}/lab/tree/widget-gallery.ipynb?token={token}")
            page.locator(".jp-Notebook").wait_for(timeout=60_000)
            # the kernel is connected once the status bar reads "... | Idle"
            expect(page.locator(".jp-StatusBar-TextItem", has_text="| Idle").first).to_be_visible(timeout=60_000)
            page.locator("li.lm-MenuBar-item", has_text="Run").click()
            page.locator("li.lm-Menu-item[data-command='runmenu:run-all']").click()
            # execution really started: the first code cell gets an execution count
            expect(page.locator(".jp-InputArea-prompt", has_text="[1]:").first).to_be_visible(timeout=60_000)

            arsenal_figure = page.locator("img[alt^='On ']").first
            try:
                expect(arsenal_figure).to_be_visible(timeout=90_000)
            except AssertionError:
                page.screenshot(
                    path=str(Path(os.environ.get("COURSE_SCREENSHOT_DIR", "/tmp")) / "widget-gallery-failure.png")
                )
                raise
            before = arsenal_figure.get_attribute("alt")
            assert before.startswith("On 1 January 1994")
            # every other widget rendered too
            expect(page.locator("img[alt^='Timeline of']")).to_have_count(1, timeout=60_000)
            expect(page.locator("img[alt^='Over ']")).to_have_count(1, timeout=60_000)

            handle = page.locator(".widget-hslider .noUi-handle").first
            handle.focus()
            page.keyboard.press("ArrowRight")
            expect(arsenal_figure).not_to_have_attribute("alt", before, timeout=30_000)
            assert arsenal_figure.get_attribute("alt").startswith("On 1 February 1994")
            page.screenshot(path=str(Path(os.environ.get("COURSE_SCREENSHOT_DIR", "/tmp")) / "widget-gallery.png"))
        finally:
            browser.close()
