"""In a real browser, in the learner's JupyterLab (as `make lab` starts it), one server for every
test here:

- each module's student version (built by `course workspace`): it opens unmodified; a misspelled
  answer name, a common mistake (tests/mistakes.py) and the right answer each get the feedback they
  should, on screen; the self-check quiz says right and wrong; after Run All, axe-core finds no
  serious or critical accessibility violation in the outputs;
- the widget gallery: sliders found by their labels and moved with the keyboard, labels not cut,
  tracks of constant width, the timeline chart used by keyboard and mouse, no axe violation;
- the lab itself: no instructor tools, no news pop-up.

Needs Debian's chromium and axe-core from npm (`npm ci` in tests/browser; `make test` and .ci/run
do it). Without them the tests are skipped on a developer's machine but fail in CI, so a missing
browser can never pass silently. The exercise each module test uses is found from the notebook
(its first auto-graded exercise), so content changes do not break the test.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import statistics
import time

import nbformat
import pytest

from course.paths import assignments, course_root
from scripts.migrate_notebooks_issue16 import _loaded_in_order, assigned_names
from tests.browser import lab
from tests.helpers import course_ok
from tests.mistakes import MISTAKES

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SERIOUS = ("serious", "critical")


def _require(condition: bool, what: str) -> None:
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(f"{what} is missing; .ci/run must install it")
        pytest.skip(f"{what} is missing")


@pytest.fixture(scope="module")
def learner_lab(tmp_path_factory):
    """The learner's workspace, built by `course workspace`, served by the learner's JupyterLab."""
    _require(lab.CHROMIUM is not None, "chromium (apt-get install chromium)")
    _require(lab.AXE.is_file(), "axe-core (make test runs `npm ci` in tests/browser)")
    root = tmp_path_factory.mktemp("lab-root")
    course_ok(None, "workspace", "--dest", str(root), timeout=900)
    shutil.copy2(course_root() / "examples" / "widget-gallery.ipynb", root / "widget-gallery.ipynb")
    with lab.running_lab(root, tmp_path_factory.mktemp("lab-scratch")) as base:
        yield base, root


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = lab.launch_browser(p)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, learner_lab, request):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    yield page
    lab.screenshot(page, f"browser-{request.node.name}")  # the last state, for a failure's post-mortem
    page.close()
    lab.shutdown_kernels(learner_lab[0])


# --- each module, as a learner meets it --------------------------------------------------------------


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _solution(cell) -> str:
    return "\n".join(
        line for line in cell.source.splitlines() if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line
    )


def first_exercise(source: nbformat.NotebookNode) -> tuple[str, str, str, str]:
    """(answer cell's grade id, test cell's grade id, answer variable, solution code) of the first
    auto-graded exercise whose test reads a variable its answer cell sets."""
    answer = None
    for cell in source.cells:
        meta = _meta(cell)
        if cell.cell_type != "code":
            continue
        if meta.get("solution"):
            answer = cell
        elif meta.get("grade") and answer is not None:
            stored = assigned_names(answer.source) - assigned_names(cell.source)
            names = [n for n in _loaded_in_order(cell.source) if n in stored]
            if names:
                return _meta(answer)["grade_id"], meta["grade_id"], names[0], _solution(answer)
            answer = None
    raise AssertionError("no auto-graded exercise found")


def _prepare(root, module: str, keep_blank: str) -> tuple[str, dict[str, int]]:
    """The learner's notebook with every exercise answered (from the course's solutions) except
    `keep_blank`, as if they had worked through it; returns its path and grade id -> cell index."""
    (student_path,) = sorted((root / module).glob("*.ipynb"))
    source = nbformat.read(next((course_root() / "notebooks" / module).glob("*.ipynb")), as_version=4)
    solutions = {_meta(c)["grade_id"]: _solution(c) for c in source.cells if _meta(c).get("solution")}
    student = nbformat.read(student_path, as_version=4)
    for cell in student.cells:
        gid = _meta(cell).get("grade_id")
        if cell.cell_type == "code" and _meta(cell).get("solution") and gid != keep_blank and gid in solutions:
            cell.source = solutions[gid]
    nbformat.write(student, student_path)
    index = {_meta(c)["grade_id"]: i for i, c in enumerate(student.cells) if _meta(c).get("grade_id")}
    return str(student_path.relative_to(root)), index


def _quiz(source: nbformat.NotebookNode) -> tuple[str, str, str, list[str]] | None:
    """(variable, question, right option, other options) of the notebook's first multiple-choice
    quiz whose answer a solution cell gives as a literal."""
    answers = {}
    for cell in source.cells:
        if _meta(cell).get("solution"):
            for line in _solution(cell).splitlines():
                match = re.fullmatch(r'(\w+) = "([^"]+)"', line.strip())
                if match:
                    answers[match.group(1)] = match.group(2)
    for cell in source.cells:
        if cell.cell_type != "code" or "multiple_choice(" not in cell.source:
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "multiple_choice":
                name, question, options = (ast.literal_eval(a) for a in node.args[:3])
                if name in answers:
                    return name, question, answers[name], [o for o in options if o != answers[name]]
    return None


def _one_block(text: str, name: str) -> list[str]:
    """The friendly block: "Not yet: ... <name> ...", then "Hint: ...", and nothing else."""
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 2, f"expected two lines, got {lines}"
    assert lines[0].startswith("Not yet: ") and name in lines[0], lines
    assert lines[1].startswith("Hint: "), lines
    assert not re.search(r"Traceback|File \"|\.py\b|course/|site-packages", text), text
    return lines


@pytest.mark.parametrize("module", assignments())
def test_module_feedback_quiz_and_accessibility(module, learner_lab, page):
    base, root = learner_lab
    source = nbformat.read(next((course_root() / "notebooks" / module).glob("*.ipynb")), as_version=4)
    answer_id, test_id, name, solution = first_exercise(source)
    path, index = _prepare(root, module, keep_blank=answer_id)
    answer, test = index[answer_id], index[test_id]

    lab.open_notebook(page, base, path)
    page.wait_for_timeout(1500)  # let extensions and the kernel's language_info arrive
    assert not lab.is_dirty(page), "the notebook is marked modified as soon as it opens"

    lab.run_all(page)  # stops at the blank answer cell

    # 1. the answer stored under a misspelled name
    lab.set_source(page, answer, re.sub(rf"\b{name}\b", f"{name}_", solution))
    lab.run_cell(page, answer)
    lab.run_cell(page, test)
    (shown,) = lab.outputs(page, test, lab.STDERR)
    first, hint = _one_block(shown, name)
    assert first == f"Not yet: {name} does not exist yet, but there is a variable called {name}_."
    assert hint.startswith(f"Hint: the name must be exactly {name}")

    # 2. a common mistake that the visible test catches (tests/mistakes.py, in order)
    caught = None
    for label, code, *_ in MISTAKES.get(module, {}).get(answer_id, []):
        lab.set_source(page, answer, code)
        lab.run_cell(page, answer)
        lab.run_cell(page, test)
        errors = lab.outputs(page, test, lab.STDERR)
        if errors:
            _one_block(errors[0], name)
            caught = label
            break
    if caught is None:  # none fails the visible test: the beginner's `name = print(...)`, which stores None
        lab.set_source(page, answer, f"{name} = None")
        lab.run_cell(page, answer)
        lab.run_cell(page, test)
        (shown,) = lab.outputs(page, test, lab.STDERR)
        _one_block(shown, name)
        caught = "None stored"
    print(f"{module}: {answer_id} wrong answer shown: {caught}")

    # 3. the right answer
    lab.set_source(page, answer, solution)
    lab.run_cell(page, answer)
    lab.run_cell(page, test)
    assert not lab.outputs(page, test, lab.STDERR)
    assert any(line.startswith(f"OK: {name}") for line in "\n".join(lab.outputs(page, test, lab.STDOUT)).splitlines())

    # the rest of the notebook, then the self-check quiz and the audit
    lab.run_all_below(page, test)
    assert lab.error_outputs_on_page(page) == []
    quiz = _quiz(source)
    if quiz is not None:
        variable, question, right, others = quiz
        box = page.locator(".jp-OutputArea-output", has=page.get_by_role("button", name="Check")).filter(
            has_text=question
        )
        box.get_by_role("radio", name=re.compile(rf"^{re.escape(others[0])}: ")).check()
        box.get_by_role("button", name="Check").click()
        status = box.get_by_role("status")
        status.filter(has_text="Not quite.").wait_for(timeout=15_000)
        box.get_by_role("radio", name=re.compile(rf"^{re.escape(right)}: ")).check()
        box.get_by_role("button", name="Check").click()
        status.filter(has_text="Right.").wait_for(timeout=15_000)
        assert f'{variable} = "{right}"' in status.inner_text()
    violations = lab.axe_violations(page)
    counts = {impact: sum(1 for v in violations if v["impact"] == impact) for impact in (*SERIOUS, "moderate", "minor")}
    print(f"{module}: axe on outputs: {counts} {[v['id'] for v in violations]}")
    assert [v for v in violations if v["impact"] in SERIOUS] == []


# --- the widget gallery ----------------------------------------------------------------------------------


def _time_until(page, before_js: str, changed_js: str, press: str, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        before = page.evaluate(before_js)
        start = time.perf_counter()
        page.keyboard.press(press)
        page.wait_for_function(changed_js, arg=before, timeout=30_000)
        times.append((time.perf_counter() - start) * 1000)
    return times


def test_gallery_widgets_by_keyboard_and_mouse(learner_lab, page):
    from playwright.sync_api import expect

    base, _ = learner_lab
    lab.open_notebook(page, base, "widget-gallery.ipynb")
    lab.run_all(page)
    assert lab.error_outputs_on_page(page) == []

    # the arsenal: the slider is found by its label and moves with the arrow keys
    figure = "document.querySelector(\"img[alt^='On ']\").getAttribute('alt')"
    assert page.evaluate(figure).startswith("On 14 January 1994,")
    slider = page.get_by_label("Date", exact=True)
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => {figure}.startsWith('On 1 February 1994,')", timeout=30_000)
    assert slider.evaluate("el => el === document.activeElement"), "focus stays on the slider after a redraw"
    assert slider.get_attribute("aria-valuetext") == "Feb 1994"
    arsenal_ms = _time_until(page, f"() => {figure}", f"old => {figure} !== old", "ArrowRight", 8)

    # the comparison: whole labels, and a track whose width does not follow the value
    for similarity in page.get_by_label(re.compile(r": similarity$")).all():
        label = page.locator(f"label[for='{similarity.get_attribute('id')}']")
        assert label.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), label.inner_text()
        width = similarity.bounding_box()["width"]
        similarity.focus()
        page.keyboard.press("End")
        expect(similarity).to_have_attribute("aria-valuetext", "4: very similar")
        assert abs(similarity.bounding_box()["width"] - width) < 0.5

    # the timeline: one tab stop, arrows move, Enter selects, a click selects, labels stay inside
    chart = page.get_by_role("listbox", name=re.compile("^Timeline chart"))
    details = page.locator(".widget-html-content h3").first
    chart.focus()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    last_point = chart.locator("[role=option]").last
    expect(last_point).to_have_attribute("aria-selected", "true", timeout=30_000)  # the chart is redrawn
    expect(details).to_have_text(last_point.get_attribute("aria-label").split(": ", 1)[1], timeout=30_000)
    page.keyboard.press("Home")
    tooltip = page.locator(".course-timeline-tip")
    expect(tooltip).to_be_visible()
    first_label = chart.locator("[role=option]").first.get_attribute("aria-label")
    assert tooltip.inner_text() == first_label
    timeline_ms = _time_until(
        page,
        "() => document.querySelector('.widget-html-content h3').textContent",
        "old => document.querySelector('.widget-html-content h3').textContent !== old",
        "Enter",
        1,
    )
    first_point = chart.locator("[role=option]").first
    expect(first_point).to_have_attribute("aria-selected", "true", timeout=30_000)  # the chart is redrawn
    event_id = first_point.get_attribute("data-id")
    label_box = page.locator(f".course-timeline text[data-for='{event_id}']").bounding_box()
    svg_box = page.locator(".course-timeline svg").bounding_box()
    assert label_box["x"] >= svg_box["x"] and label_box["x"] + label_box["width"] <= svg_box["x"] + svg_box["width"]
    point = chart.locator("[role=option]").nth(5)
    point.click()
    expect(details).to_have_text(point.get_attribute("aria-label").split(": ", 1)[1], timeout=30_000)

    violations = lab.axe_violations(page)
    print(
        f"gallery: arsenal key -> new figure median {statistics.median(arsenal_ms):.0f} ms "
        f"({min(arsenal_ms):.0f}-{max(arsenal_ms):.0f}); timeline Enter -> details {timeline_ms[0]:.0f} ms; "
        f"axe: {[(v['id'], v['impact']) for v in violations]}"
    )
    assert [v for v in violations if v["impact"] in SERIOUS] == []


# --- the lab itself -----------------------------------------------------------------------------------


def test_the_learners_lab_has_no_instructor_tools_and_no_news(learner_lab, page):
    base, _ = learner_lab
    page.goto(f"{base}/lab?reset&token={lab.TOKEN}")
    page.locator(".jp-LauncherCard").first.wait_for(timeout=90_000)
    page.wait_for_timeout(3000)  # the news question, when there is one, comes a moment after start
    menus = [m.strip() for m in page.locator("li.lm-MenuBar-item").all_inner_texts()]
    assert "File" in menus and "Nbgrader" not in menus, menus
    assert page.get_by_text("official Jupyter news").count() == 0
    assert page.locator(".jp-LauncherCard", has_text="Formgrader").count() == 0
