"""Hand grading: `course lab` serves the formgrader at the course root, rubric tables are padded in a real
browser, and feedback shows widgets as figures. Fast checks of the command line come first."""

from __future__ import annotations

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

import nbformat
import pytest

from course.errors import UsageError
from course.nbgrader_run import environment_for_tools
from course.paths import course_root
from course.pipeline.lab import lab_command
from tests.conftest import make_course_copy
from tests.helpers import course_argv, course_ok

A = "00-orientation"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_lab_command_serves_the_course_root(tmp_path):
    course = make_course_copy(tmp_path / "course", [A])
    command = lab_command(course, 8899, "none")
    assert f"--ServerApp.root_dir={course}" in command and "--no-browser" in command
    assert "--ServerApp.port=8899" in command
    with pytest.raises(UsageError, match=r"no nbgrader_config\.py"):
        lab_command(tmp_path, None, None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read().decode("utf-8")


@pytest.mark.slow
def test_course_lab_opens_the_formgrader_at_the_course_root(tmp_path, empty_gradebook):
    course = make_course_copy(tmp_path / "course", [A])
    shutil.copy2(empty_gradebook, course / "gradebook.db")
    course_ok(course, "deadline", A, "2025-10-06 23:59")
    home = tmp_path / "home"
    home.mkdir()
    port, token = _free_port(), "course-lab-test"
    env = environment_for_tools() | {
        "JUPYTER_TOKEN": token,
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
        "JUPYTER_RUNTIME_DIR": str(home / ".runtime"),
    }
    env.pop("JUPYTER_CONFIG_PATH", None)
    with open(tmp_path / "server.log", "w") as log:
        # started from elsewhere on purpose: `course lab` must find the course and serve its root
        server = subprocess.Popen(
            [*course_argv("lab", "--browser", "none", "--port", str(port))],
            cwd=course,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _get(f"{base}/api/status?token={token}")
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "server.log").read_text()[-3000:]
                assert time.monotonic() < deadline, "JupyterLab did not start within 120 s"
                time.sleep(0.5)
        status, page = _get(f"{base}/formgrader/manage_assignments?token={token}")
        assert status == 200 and 'var url_prefix = ".";' in page  # the course root is the server's root
        status, listing = _get(f"{base}/formgrader/api/assignments?token={token}")
        assignments = {a["name"]: a for a in json.loads(listing)}
        assert assignments[A]["duedate"] == "2025-10-06T23:59:00"  # c.Deadlines.timezone is UTC here
        # the formgrader's links (url_prefix + "/notebooks/...") open the source notebooks in Lab
        status, _ = _get(f"{base}/api/contents/notebooks/{A}/{A}.ipynb?token={token}&content=0")
        assert status == 200
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _render(template: str, padded: bool) -> str:
    """A page as the formgrader (formgrade template) or `nbgrader generate_feedback` (feedback template)
    render the orientation notebook, with or without the course's table style."""
    from nbconvert.exporters import HTMLExporter
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.server_extensions.formgrader import handlers
    from traitlets.config import Config

    from course.pipeline.pagestyle import TableStyle

    config = Config()
    config.HTMLExporter.template_name = template
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    bootstrap = Path(handlers.static_path) / "node_modules" / "bootstrap" / "dist" / "css"
    config.HTMLExporter.extra_template_paths = [str(bootstrap)]
    exporter = HTMLExporter(config=config)
    exporter.register_preprocessor(CSSHTMLHeaderPreprocessor(), enabled=True)
    if padded:
        exporter.register_preprocessor(TableStyle(), enabled=True)
    notebook = nbformat.read(course_root() / "notebooks" / A / f"{A}.ipynb", as_version=4)
    for cell in notebook.cells:  # what nbgrader's GetGrades adds before the feedback template renders
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            meta["score"] = 0.0
    resources = {
        "base_url": "",
        "index": 0,
        "total": 1,
        "notebook_id": A,
        "assignment_id": A,
        "submission_id": "x",
        "student": "s",
        "last_name": "",
        "first_name": "",
        "notebook_path": "",
        "nbgrader": {"notebook": A, "score": 0, "max_score": 13, "late_penalty": 0},
    }
    return exporter.from_notebook_node(notebook, resources=resources)[0]


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("template", ["formgrade", "feedback"])
def test_rubric_cells_have_padding_in_a_browser(tmp_path, template):
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run must install it")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    measured = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            for padded in (False, True):
                target = tmp_path / f"{template}-{padded}.html"
                target.write_text(_render(template, padded), encoding="utf-8")
                page.goto(target.as_uri())
                cell = page.locator("td", has_text="names a concrete thing to confirm").first
                measured[padded] = cell.evaluate(
                    "td => { const s = getComputedStyle(td);"
                    " return [parseFloat(s.paddingLeft), parseFloat(s.paddingTop)]; }"
                )
                cell.locator("xpath=ancestor::table").screenshot(path=str(tmp_path / f"{template}-{padded}.png"))
        finally:
            browser.close()
    assert measured[False][0] < 2  # what the issue saw: no padding from nbgrader's templates
    assert measured[True][0] >= 8 and measured[True][1] >= 4  # 0.75em / 0.35em at the page's font size


@pytest.mark.slow
def test_feedback_shows_widgets_as_figures_not_reprs(tmp_path):
    """A module with an explorer (02: the timeline), graded and turned into feedback: the page shows the
    widget's figure with its text alternative, never the widget's Python repr."""
    module = "02-spring-2018"
    course = make_course_copy(tmp_path / "course", [module])
    course_ok(course, "release", module)
    folder = course / "submitted" / "amy" / module
    folder.mkdir(parents=True)
    shutil.copy2(course / "notebooks" / module / f"{module}.ipynb", folder / f"{module}.ipynb")
    course_ok(course, "grade", module)
    course_ok(course, "feedback", module)
    page = (course / "feedback" / "amy" / module / f"{module}.html").read_text(encoding="utf-8")
    assert "VBox(" not in page and "HTML(value=" not in page
    figures = re.findall(r"<(?:img|svg)\b[^>]*>", page)
    assert figures, "the explorer's figure is in the feedback page"
    assert all(re.search(r'\b(?:alt|aria-label)="[^"]+"', tag) for tag in figures), figures


def test_course_argv_is_this_interpreter():
    assert course_argv("lab")[:3] == [sys.executable, "-m", "course.cli"]
