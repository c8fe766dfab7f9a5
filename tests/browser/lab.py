"""Drive a real JupyterLab with Playwright and Debian's chromium, as a learner would: menus and
keys, not the REST API. Shared by tests/test_browser.py.

`running_lab(root)` starts JupyterLab the way `make lab` does (course/lab on JUPYTER_CONFIG_PATH:
no instructor tools, no news), with throw-away config, runtime, settings and workspace folders, so
nothing a developer set in ~/.jupyter leaks in. The only user setting it writes is the notebook's
windowing mode, `none`: every cell stays in the page, so the tests find cells by position and
axe-core sees every output.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from course.nbgrader_run import environment_for_tools
from course.workspace import LAB_CONFIG

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
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
TOKEN = "course-browser-test"
STDERR = "application/vnd.jupyter.stderr"
STDOUT = "application/vnd.jupyter.stdout"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_lab(root: Path, scratch: Path):
    """Yield the base URL of a learner's JupyterLab serving `root`; `scratch` holds its settings."""
    settings = scratch / "user-settings" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(json.dumps({"windowingMode": "none"}))
    port = _free_port()
    env = environment_for_tools() | {
        "JUPYTER_CONFIG_DIR": str(scratch / "config"),
        "JUPYTER_CONFIG_PATH": str(LAB_CONFIG),
        "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
        "HOME": str(scratch),
    }
    args = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        f"--ServerApp.port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={scratch / 'user-settings'}",
        f"--LabApp.workspaces_dir={scratch / 'workspaces'}",
    ]
    with open(scratch / "server.log", "w") as log:
        server = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2).close()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(
                            "JupyterLab did not start:\n" + (scratch / "server.log").read_text()[-3000:]
                        ) from None
                    time.sleep(0.5)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def open_notebook(page, base: str, path: str) -> None:
    """Open `path` (relative to the lab's root) and wait until its kernel is idle."""
    from playwright.sync_api import expect

    page.goto(f"{base}/lab/tree/{path}?reset&token={TOKEN}")  # reset: do not restore earlier tabs
    page.locator(".jp-Notebook:visible").first.wait_for(timeout=90_000)
    expect(page.locator(".jp-StatusBar-TextItem", has_text="| Idle").first).to_be_visible(timeout=90_000)


def is_dirty(page) -> bool:
    """Does the current notebook's tab show the unsaved-changes mark?"""
    return page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current.jp-mod-dirty").count() > 0


def cells(page):
    return page.locator(".jp-Notebook:visible .jp-Cell")


def _menu(page, menu: str, command: str) -> None:
    page.locator("li.lm-MenuBar-item", has_text=menu).click()
    page.locator(f"li.lm-Menu-item[data-command='{command}']").click()


def _busy(page) -> bool:
    return page.evaluate(
        """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')]
               .some(p => p.textContent.includes('*'))"""
    )


def wait_until_done(page, timeout: float = 240, settle: float = 1.0) -> None:
    """Wait until no cell is queued or running and the kernel is idle, then let widgets render."""
    deadline = time.monotonic() + timeout
    page.wait_for_timeout(300)
    while time.monotonic() < deadline:
        if not _busy(page) and page.locator(".jp-StatusBar-TextItem", has_text="| Idle").count() > 0:
            page.wait_for_timeout(int(settle * 1000))
            if not _busy(page):
                return
        page.wait_for_timeout(200)
    raise TimeoutError("cells still running")


def run_all(page) -> None:
    """Run > Run All Cells, and wait until it is done (it stops at the first error)."""
    cells(page).first.click(position={"x": 5, "y": 5})  # the notebook has focus: the menu acts on it
    _menu(page, "Run", "runmenu:run-all")
    page.wait_for_function(
        """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')]
               .some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))""",
        timeout=60_000,
    )
    wait_until_done(page)


def run_all_below(page, index: int) -> None:
    """Select cell `index`, then Run > Run Selected Cell and All Below."""
    cells(page).nth(index).locator(".jp-InputPrompt").click()
    _menu(page, "Run", "notebook:run-all-below")
    wait_until_done(page)


def set_source(page, index: int, code: str) -> None:
    """Replace the text of cell `index` as a learner would: click, select all, type (pasted, so
    the editor adds no indentation of its own)."""
    editor = cells(page).nth(index).locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)
    page.keyboard.press("Escape")  # back to command mode


def run_cell(page, index: int) -> None:
    """Run cell `index` (Ctrl+Enter) and wait until it has a new execution count."""
    cell = cells(page).nth(index)
    prompt = cell.locator(".jp-InputPrompt")
    before = prompt.inner_text()
    prompt.click()
    page.keyboard.press("Control+Enter")
    deadline = time.monotonic() + 60
    while not re.fullmatch(r"\[\d+\]:", prompt.inner_text().strip()) or prompt.inner_text() == before:
        if time.monotonic() > deadline:
            raise TimeoutError(f"cell {index} did not run")
        page.wait_for_timeout(100)
    wait_until_done(page, settle=0.3)


def outputs(page, index: int, mime: str) -> list[str]:
    return cells(page).nth(index).locator(f".jp-OutputArea-output[data-mime-type='{mime}']").all_inner_texts()


def error_outputs_on_page(page) -> list[str]:
    return page.locator(f".jp-Notebook:visible .jp-OutputArea-output[data-mime-type='{STDERR}']").all_inner_texts()


def axe_violations(page, include: str = ".jp-OutputArea-output") -> list[dict]:
    """axe-core's violations inside `include` (the course's outputs; JupyterLab's own page is not ours)."""
    page.add_script_tag(path=str(AXE))
    if page.locator(include).count() == 0:
        return []
    return page.evaluate(
        """async (selector) => {
               const r = await axe.run({include: [[selector]]}, {resultTypes: ['violations']});
               return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                   nodes: v.nodes.map(n => n.target.join(' ') + '  ' + n.html.slice(0, 160))}));
           }""",
        include,
    )


def shutdown_kernels(base: str) -> None:
    """Shut every kernel of the lab down (one kernel at a time on a 2-core machine)."""
    with urllib.request.urlopen(f"{base}/api/kernels?token={TOKEN}") as response:
        kernels = json.load(response)
    for kernel in kernels:
        request = urllib.request.Request(f"{base}/api/kernels/{kernel['id']}?token={TOKEN}", method="DELETE")
        urllib.request.urlopen(request).close()


def screenshot(page, name: str) -> None:
    folder = Path(os.environ.get("COURSE_SCREENSHOT_DIR", "/tmp"))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
