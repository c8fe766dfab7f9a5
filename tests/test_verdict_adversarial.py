"""Whatever a submission does to its own kernel, it changes its own answers, never whether a test
passes (course.autograder.verdict). Every case of tests/adversarial_cases.py, added to a blank
notebook, scores zero; added to a correct one, full marks; honest students graded before, among
and after them in the same batch are unaffected. Runs in the isolation this machine gives
(namespaces as root, Landlock otherwise); CI runs it both ways."""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest
from nbgrader.api import Gradebook

from course.autograder.limits import Limits
from course.autograder.rebuild import Template
from course.autograder.verdict import plan
from course.nbgrader_run import run_nbgrader
from course.paths import course_root
from course.pipeline.grade import grade_assignment
from tests.adversarial_cases import CASES
from tests.test_adversarial import ASSIGNMENT, TESTS, source_notebook

pytestmark = pytest.mark.slow
FULL = dict.fromkeys(TESTS, 1.0)
ZERO = dict.fromkeys(TESTS, 0.0)


def _with(code: str, where: str, notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    notebook = nbformat.from_dict(json.loads(json.dumps(notebook)))
    cell = nbformat.v4.new_code_cell(code)
    notebook.cells.insert(0, cell) if where == "top" else notebook.cells.append(cell)
    return notebook


def _blank() -> nbformat.NotebookNode:
    notebook = source_notebook()
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            cell.source = "# YOUR CODE HERE\nraise NotImplementedError()"
    return notebook


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    course = tmp_path_factory.mktemp("verdict-course")
    shutil.copy2(course_root() / "nbgrader_config.py", course)
    (course / "notebooks" / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(source_notebook(), course / "notebooks" / ASSIGNMENT / "adv.ipynb")
    run_nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    names = [n for r in plan(Template("adv.ipynb", source_notebook().cells)).reads.values() for n in r.required]
    expected = {"aa-honest": FULL, "mm-honest": FULL, "zz-honest": FULL}
    submissions = {student: source_notebook() for student in expected}
    for name, case in CASES.items():
        code = case["code"].replace("NAMES", repr(names))
        if case.get("blank"):
            submissions[f"case-{name}-blank"] = _with(code, case["where"], _blank())
            expected[f"case-{name}-blank"] = ZERO
        if case.get("solution"):
            submissions[f"case-{name}-solution"] = _with(code, case["where"], source_notebook())
            expected[f"case-{name}-solution"] = FULL
    for student, notebook in submissions.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / "adv.ipynb")
    report = grade_assignment(
        ASSIGNMENT,
        root=course,
        jobs=3,
        progress=False,
        limits=Limits(cell_timeout=10, submission_timeout=60, memory_mb=1024, max_processes=64),
    )
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = {
            (s.student.id, g.name): g.auto_score
            for s in gb.find_assignment(ASSIGNMENT).submissions
            for nb in s.notebooks
            for g in nb.grades
        }
    return {"report": report, "scores": scores, "expected": expected}


def test_there_are_enough_cases():
    assert len(CASES) >= 20


@pytest.mark.parametrize(
    "student",
    ["aa-honest", "mm-honest", "zz-honest"]
    + [f"case-{n}-{v}" for n, c in CASES.items() for v in ("blank", "solution") if c.get(v)],
)
def test_verdict(batch, student):
    got = {t: batch["scores"][(student, t)] for t in TESTS}
    problems = next(r for r in batch["report"].results if r.student == student).all_problems
    assert got == batch["expected"][student], (student, got, problems)
