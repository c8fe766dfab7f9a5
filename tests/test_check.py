"""Does `course check` grade a learner's notebook against the full tests, as `course grade` would,
and tell the learner the same thing in the terminal and in the checked copy, without showing
hidden tests?"""

from __future__ import annotations

import html
import re
import shutil

import nbformat
import pytest

from course.nbgrader_run import run_nbgrader
from course.pipeline.check import CheckLine, HideTestCode, report_text, summary_cell, write_html
from tests.conftest import make_course_copy
from tests.helpers import course_ok, run_course
from tests.mistakes import MISTAKES

A = "00-orientation"


def check(notebook) -> str:
    return course_ok(None, "check", str(notebook), timeout=300)


def _with_answer(notebook_path, grade_id: str, code: str, target) -> None:
    nb = nbformat.read(notebook_path, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = code
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)


@pytest.mark.slow
def test_solution_and_blank(tmp_path):
    course = make_course_copy(tmp_path / "course", [A])
    run_nbgrader(course, "generate_assignment", A, "--force", "--no-db")
    for version in ("notebooks", "release"):
        (tmp_path / version / A).mkdir(parents=True)
        shutil.copy2(course / version / A / f"{A}.ipynb", tmp_path / version / A)
    solved = check(tmp_path / "notebooks" / A / f"{A}.ipynb")
    assert "automatic score: 10 of 10" in solved and "FAIL" not in solved
    blank = check(tmp_path / "release" / A / f"{A}.ipynb")
    assert "automatic score: 0 of 10" in blank
    first = blank.splitlines()[blank.splitlines().index("FAIL  ex1-test       0/2") + 1]
    assert "n_korea_2018" in first
    assert "ex6-answer" in blank and "not answered yet" in blank
    page = (tmp_path / "release" / A / f"{A}-checked.html").read_text()
    assert "Your check: 0 of 10 automatic points" in page
    assert "BEGIN HIDDEN TESTS" not in page and "_expect_equal" not in page and "near_misses" not in page


@pytest.mark.slow
def test_a_wrong_answer_gets_the_same_hint_in_the_terminal_and_the_page(tmp_path):
    """Issue 16: the terminal dropped the hint the page showed, and the page showed the hidden
    tests with their expected values, even for an untouched notebook. The mistake is the first
    one of module 00 that tests/mistakes.py records with its hidden test's message."""
    source = make_course_copy(tmp_path / "course", [A]) / "notebooks" / A / f"{A}.ipynb"
    answer_id, (_, code, test_id, fragment) = next(
        (answer_id, m) for answer_id, mistakes in MISTAKES[A].items() for m in mistakes if len(m) > 3
    )
    mine = tmp_path / "mine" / A / f"{A}.ipynb"
    _with_answer(source, answer_id, code, mine)
    out = check(mine).splitlines()
    at = next(i for i, line in enumerate(out) if line.startswith(f"FAIL  {test_id:<14} 0/"))
    message = [line.strip() for line in out[at + 1 :] if line.startswith("      ")]
    message = message[: next((i for i, line in enumerate(message) if line.startswith("Hint: ")), len(message)) + 1]
    assert message[0].startswith("Not yet: ") and fragment in " ".join(message)
    earned, total = re.search(r"automatic score: (\S+) of (\S+)", "\n".join(out)).groups()
    page = (mine.parent / f"{A}-checked.html").read_text()
    assert f"Your check: {earned} of {total} automatic points" in page
    summary = html.unescape(page[page.index("course-check-summary") : page.index("</table>")])
    for line in message:
        assert line in summary, line
    assert "BEGIN HIDDEN TESTS" not in page and "_expect_equal" not in page and "near_misses" not in page
    assert "Traceback" not in page


@pytest.mark.slow
def test_widgets_appear_in_the_checked_copy_as_figures_not_reprs(tmp_path):
    """Issue 16: exported pages showed `VBox(children=(HTML(value=...` for every widget."""
    module = "04-ukraine-1991-96"
    course = make_course_copy(tmp_path / "course", [module])
    mine = tmp_path / "mine" / module / f"{module}.ipynb"
    mine.parent.mkdir(parents=True)
    shutil.copy2(course / "notebooks" / module / f"{module}.ipynb", mine)
    check(mine)
    page = (mine.parent / f"{module}-checked.html").read_text()
    assert "VBox(" not in page and "HTML(value=" not in page
    figure = re.search(r'<img [^>]*alt="On \d{1,2} \w+ \d{4}, remaining on Ukrainian territory[^>]*>', page)
    assert figure and 'src="data:image/png;base64,' in figure.group(0)
    assert "Text alternative:" in page and "Data behind this figure" in page


@pytest.mark.slow
def test_unreadable_notebook_stops_with_the_reason(tmp_path):
    (tmp_path / A).mkdir()
    (tmp_path / A / f"{A}.ipynb").write_text("{broken")
    result = run_course(None, "check", str(tmp_path / A / f"{A}.ipynb"), timeout=120)
    assert result.returncode != 0 and "not valid notebook JSON" in result.stderr


LINES = [
    CheckLine("ex1-test", "test", 2, 2, ""),
    CheckLine(
        "ex2-test", "test", 2, 0, "Not yet: d is the number 30, which is not right: both ends.\nHint: count once"
    ),
    CheckLine("ex6-answer", "written", 3, None, "not answered yet"),
]


def test_the_terminal_prints_every_line_of_the_message():
    text = report_text(LINES, ["a note"])
    assert text.splitlines() == [
        "PASS  ex1-test       2/2",
        "FAIL  ex2-test       0/2",
        "      Not yet: d is the number 30, which is not right: both ends.",
        "      Hint: count once",
        "TODO  ex6-answer     3 points by rubric: not answered yet",
        "note  a note",
        "automatic score: 2 of 4",
    ]


def test_the_summary_lists_every_exercise_with_the_same_words():
    cell = summary_cell(LINES)
    assert cell.source.startswith("# Your check: 2 of 4 automatic points")
    rows = re.findall(
        r"<tr><th scope='row'>([^<]+)</th><td>([^<]+)</td><td>([^<]+)</td><td>(.*?)</td></tr>", cell.source
    )
    assert [r[:3] for r in rows] == [
        ("Exercise 1", "passed", "2 of 2"),
        ("Exercise 2", "not yet", "0 of 2"),
        ("Exercise 6", "to mark", "3 by rubric"),
    ]
    assert rows[1][3] == "Not yet: d is the number 30, which is not right: both ends.<br>Hint: count once"


def test_hidden_test_code_is_cut_from_test_cells_only(tmp_path):
    test = nbformat.v4.new_code_cell(
        'expect_type("n", n, INTEGER)\n### BEGIN HIDDEN TESTS\n'
        '_expect_equal("n", n, 31, _INTEGER)\n### END HIDDEN TESTS',
        metadata={"nbgrader": {"grade": True, "solution": False, "locked": True, "grade_id": "t", "points": 1}},
    )
    mine = nbformat.v4.new_code_cell("# my notes: BEGIN HIDDEN TESTS is a marker nbgrader uses\nn = 31")
    test.outputs = [
        nbformat.v4.new_output(
            "error", ename="FeedbackError", evalue="Not yet: n is wrong.\nHint: try", traceback=["\x1b[1mNot yet:..."]
        )
    ]
    nb = nbformat.v4.new_notebook(cells=[mine, test])
    target = tmp_path / "checked.html"
    write_html(nb, target, LINES)
    page = target.read_text()
    assert "_expect_equal" not in page and "31, _INTEGER" not in page
    assert "my notes: BEGIN HIDDEN TESTS is a marker" in page, "a learner's own cell is left alone"
    assert "Not yet: n is wrong." in page and "Hint: try" in page
    assert nb.cells[1].source.count("HIDDEN") == 2, "the caller's notebook is not changed"
    cell, _ = HideTestCode().preprocess_cell(nbformat.from_dict(test), {}, 0)
    assert cell.source == 'expect_type("n", n, INTEGER)'
