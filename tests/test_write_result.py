"""Recording a graded submission (course.pipeline.results.write_result) without a kernel: a regrade keeps
hand-given scores and flags only changed answers; an unreadable notebook is recorded with its reason."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from sqlalchemy.exc import SAWarning

from course.autograder.worker import NotebookResult, SubmissionResult
from course.paths import course_root
from course.pipeline.results import write_result
from tests.unit_fixtures import record_release

NB = "work.ipynb"


def cell(kind: str, source: str, **nbgrader) -> nbformat.NotebookNode:
    made = nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
    made.metadata["nbgrader"] = {"schema_version": 3, "locked": False, "grade": False, "solution": False, **nbgrader}
    return made


def graded(answer: str, written: str) -> str:
    """A graded notebook as the worker returns it: an answer, its test, a written answer."""
    return nbformat.writes(
        nbformat.v4.new_notebook(
            cells=[
                cell("code", answer, grade_id="a1", solution=True),
                cell("code", "assert x == 42", grade_id="t1", grade=True, points=2, locked=True),
                cell("markdown", written, grade_id="w1", grade=True, solution=True, points=3),
            ]
        )
    )


@pytest.fixture()
def course(tmp_path, empty_gradebook) -> Path:
    """Assignment a released with work.ipynb (the cells of `graded`), as nbgrader's generate_assignment
    records it (tests/unit_fixtures.record_release)."""
    shutil.copy2(course_root() / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    shutil.copy2(empty_gradebook, tmp_path / "gradebook.db")
    record_release(f"sqlite:///{tmp_path / 'gradebook.db'}", "a", {NB: nbformat.reads(graded("", ""), 4).cells})
    (tmp_path / "submitted" / "amy" / "a").mkdir(parents=True)
    return tmp_path


def record(course: Path, answer: str, written: str, problems: list[str] | None = None, file: str | None = None):
    folder = course / "submitted" / "amy" / "a"
    (folder / NB).write_text(file if file is not None else graded(answer, written))
    result = SubmissionResult(
        "amy",
        [NotebookResult(NB, {"t1": 2.0}, {"w1": bool(written)}, graded(answer, written), problems or [])],
    )
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        return write_result(gb, course, "a", folder, result)


def grade(course: Path, name: str):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        found = gb.find_grade(name, "work", "a", "amy")
        return found.auto_score, found.manual_score, found.needs_manual_grade


def hand_grade(course: Path, name: str, score: float) -> None:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        found = gb.find_grade(name, "work", "a", "amy")
        found.manual_score, found.needs_manual_grade = score, False
        gb.db.commit()


def test_a_regrade_keeps_hand_grades_of_unchanged_answers(course):
    record(course, "x = 42", "My answer.")
    assert grade(course, "w1") == (None, None, True)  # waits for a grader
    hand_grade(course, "w1", 2.0)
    hand_grade(course, "t1", 1.0)  # a grader overrode the test's score too
    report = record(course, "x = 42", "My answer.")
    assert grade(course, "w1") == (None, 2.0, False) and grade(course, "t1") == (2.0, 1.0, False)
    assert report["manual_grades"] == {"kept": ["work/t1", "work/w1"], "answer_changed": []}
    report = record(course, "x = 42", "My better answer.")  # the written answer changed
    assert grade(course, "w1") == (None, 2.0, True) and grade(course, "t1") == (2.0, 1.0, False)
    assert report["manual_grades"]["answer_changed"] == ["work/w1"]
    report = record(course, "x = 6 * 7", "My better answer.")  # the code answer changed: its test's grade too
    assert grade(course, "t1") == (2.0, 1.0, True)
    assert grade(course, "w1") == (None, 2.0, True)  # still waiting for the grader since the last change
    assert report["manual_grades"]["answer_changed"] == ["work/t1", "work/w1"]


def test_an_unreadable_notebook_is_recorded_with_its_reason(course):
    truncated = graded("x = 42", "My answer.")[:300]
    report = record(course, "", "", problems=["not valid notebook JSON (line 9: Unterminated string)"], file=truncated)
    assert grade(course, "t1") == (0.0, None, False) and grade(course, "w1") == (0.0, None, False)
    problem = report["unreadable"][NB]
    assert problem["reason"].startswith("not valid notebook JSON")
    assert "cut short" in problem["summary"]
    saved = json.loads((course / "autograded" / "amy" / "a" / "grading-report.json").read_text())
    assert saved["unreadable"] == report["unreadable"]
    shown = nbformat.read(course / "autograded" / "amy" / "a" / NB, as_version=4)
    assert shown.cells[0].source.startswith(f"## We could not read your notebook `{NB}`")
    assert problem["reason"] in shown.cells[0].source
    assert all(not c.get("outputs") for c in shown.cells if c.cell_type == "code")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        comment = gb.find_comment("w1", "work", "a", "amy").auto_comment
    assert comment.startswith("Not graded: your notebook could not be read")
