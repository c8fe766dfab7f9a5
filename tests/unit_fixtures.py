"""Builders the fast unit tests share: nbgrader cells and notebooks made by hand, a throw-away
course folder, a gradebook filled the way `nbgrader generate_assignment` fills it, and a way to
run a few lines in a forked child. No kernel, no server, no nbgrader subprocess.

The pytest fixtures built on these are in tests/conftest.py: `released_course` (a course folder
whose gradebook has ASSIGNMENT released, nothing graded yet), `released_gradebook` (the session's
pristine gradebook it copies) and `empty_gradebook` (the new gradebook every other one starts from:
copy it, then fill it with `record_release` or nbgrader's API).
"""

from __future__ import annotations

import copy
import json
import os
import select
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbgrader.api import Gradebook
from nbgrader.preprocessors import ClearSolutions
from nbgrader.utils import compute_checksum

v4 = nbformat.v4

# The assignment and notebook `record_release` puts in the `released_course` fixture's gradebook.
ASSIGNMENT, NOTEBOOK = "a1", "nb.ipynb"

# The stub students see in place of a written answer, in every course made by `make_course`. It
# differs from nbgrader's default ("YOUR ANSWER HERE") so a test can tell the config was read.
TEXT_STUB = "WRITE YOUR ANSWER HERE"
CONFIG = f"""c = get_config()  # noqa: F821
c.CourseDirectory.source_directory = "notebooks"
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}
c.ClearSolutions.text_stub = "{TEXT_STUB}"
"""


# --- cells and notebooks -----------------------------------------------------------------------


def graded_cell(
    kind: str,
    source: str,
    grade_id: str,
    *,
    grade: bool = False,
    solution: bool = False,
    locked: bool = False,
    points: float | None = None,
) -> NotebookNode:
    """A cell with nbgrader metadata, as nbgrader's create-assignment toolbar writes it."""
    maker = {"code": v4.new_code_cell, "markdown": v4.new_markdown_cell}[kind]
    cell = maker(source)
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if points is not None:
        meta["points"] = points
    cell.metadata["nbgrader"] = meta
    return cell


def answer(grade_id: str, source: str) -> NotebookNode:
    """An auto-graded answer cell (code, solution)."""
    return graded_cell("code", source, grade_id, solution=True)


def graded_test(grade_id: str, visible: str, hidden: str = "", points: float = 1) -> NotebookNode:
    """A test cell: visible tests, then (when given) hidden ones between nbgrader's markers."""
    source = visible
    if hidden:
        source = (visible + "\n" if visible else "") + f"### BEGIN HIDDEN TESTS\n{hidden}\n### END HIDDEN TESTS"
    return graded_cell("code", source, grade_id, grade=True, locked=True, points=points)


def locked(grade_id: str, source: str, kind: str = "markdown") -> NotebookNode:
    """A read-only cell (instructions, set-up code)."""
    return graded_cell(kind, source, grade_id, locked=True)


def written(grade_id: str, source: str, points: float = 3) -> NotebookNode:
    """A written answer graded by hand (markdown, grade and solution)."""
    return graded_cell("markdown", source, grade_id, grade=True, solution=True, points=points)


def notebook(cells: list[NotebookNode]) -> NotebookNode:
    return v4.new_notebook(cells=[copy.deepcopy(c) for c in cells])


def template_cells() -> list[NotebookNode]:
    """A small instructor's notebook: instructions, set-up, two exercises (the second tested by
    hidden tests only), a written answer and a recap."""
    return [
        locked("intro", "# Exercises"),
        locked("setup", "import math", kind="code"),
        answer("ex1-answer", "### BEGIN SOLUTION\nx = 1\n### END SOLUTION\nx"),
        graded_test("ex1-test", 'assert isinstance(x, int), "x is a whole number"', hidden="assert x == 1", points=2),
        answer("ex2-answer", '### BEGIN SOLUTION\nchoice = "B"\n### END SOLUTION'),
        graded_test("ex2-test", "", hidden='assert choice == "B"', points=1),
        written("ex3-answer", "### BEGIN SOLUTION\nA model answer.\n### END SOLUTION", points=3),
        locked("recap", "## Recap"),
    ]


def released(cells: list[NotebookNode], text_stub: str = TEXT_STUB) -> NotebookNode:
    """The student version of a template, as nbgrader releases it: solutions replaced by stubs,
    hidden tests removed (nbgrader's own preprocessors, with this module's stubs)."""
    from nbgrader.preprocessors import ClearHiddenTests
    from traitlets.config import Config

    config = Config()
    config.ClearSolutions.text_stub = text_stub
    nb = ClearSolutions(config=config).preprocess(notebook(cells), {})[0]
    return ClearHiddenTests().preprocess(nb, {})[0]


def by_id(nb: NotebookNode) -> dict[str, NotebookNode]:
    """The cells of `nb` that carry a grade id, by grade id."""
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}


def ids(nb: NotebookNode) -> list[str | None]:
    """Each cell's grade id in order (None for a cell without nbgrader metadata)."""
    return [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]


# --- a course folder and its gradebook ------------------------------------------------------------


def make_course(root: Path, notebooks: dict[str, dict[str, list[NotebookNode]]], config: str = CONFIG) -> Path:
    """A course folder: nbgrader_config.py and notebooks/<assignment>/<name> for each
    {assignment: {notebook name: cells}}."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(config)
    for assignment, files in notebooks.items():
        folder = root / "notebooks" / assignment
        folder.mkdir(parents=True, exist_ok=True)
        for name, cells in files.items():
            nbformat.write(notebook(cells), folder / name)
    return root


def copy_released_course(root: Path, released_gradebook: Path) -> Path:
    """A course root with the template as notebooks/ASSIGNMENT/NOTEBOOK and a copy of the session's
    `released_gradebook` (tests/conftest.py) as its gradebook.db: released, nothing graded yet."""
    make_course(root, {ASSIGNMENT: {NOTEBOOK: template_cells()}})
    shutil.copyfile(released_gradebook, root / "gradebook.db")
    return root


def record_release(db_url: str, assignment: str, notebooks: dict[str, list[NotebookNode]]) -> None:
    """Record an assignment in the gradebook as `nbgrader generate_assignment` does (its SaveCells
    step): the notebook, its grade and solution cells, and every graded, solution or read-only
    cell as a source cell with the checksum of its released version."""
    with Gradebook(db_url) as gb:
        gb.update_or_create_assignment(assignment)
        for name, cells in notebooks.items():
            stem = name.removesuffix(".ipynb")
            gb.update_or_create_notebook(stem, assignment)
            for cell in released(cells).cells:
                meta = cell.metadata.get("nbgrader")
                if not meta:
                    continue
                gid = meta["grade_id"]
                if meta.get("grade"):
                    gb.update_or_create_grade_cell(
                        gid, stem, assignment, max_score=float(meta["points"]), cell_type=cell.cell_type
                    )
                if meta.get("solution"):
                    gb.update_or_create_solution_cell(gid, stem, assignment)
                gb.update_or_create_source_cell(
                    gid,
                    stem,
                    assignment,
                    cell_type=cell.cell_type,
                    locked=bool(meta.get("locked")),
                    source=cell.source,
                    checksum=compute_checksum(cell),
                )


# --- a forked child ----------------------------------------------------------------------------


def in_child(body: Callable[[], object], timeout: float = 10.0) -> object:
    """Run `body` in a forked child and return what it returned (JSON-able). The child never
    returns into pytest: it ends with os._exit whatever happens. An exception in the child is
    raised here as an AssertionError carrying its message."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        try:
            os.close(read)
            try:
                message = {"value": body()}
            except BaseException as exc:
                message = {"error": f"{type(exc).__name__}: {exc}"}
            os.write(write, json.dumps(message, default=str).encode())
        finally:
            os._exit(0)
    os.close(write)
    text = _read_all(read, pid, timeout)
    os.waitpid(pid, 0)
    message = json.loads(text) if text else {"error": "the child wrote nothing"}
    if "error" in message:
        raise AssertionError(f"in the child: {message['error']}")
    return message["value"]


def child_output(body: Callable[[], None], timeout: float = 10.0) -> tuple[str, int]:
    """Run `body` in a forked child whose standard output is a pipe (for code that ends in exec or
    exit); returns what it printed and its exit code."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 70
        try:
            os.close(read)
            os.dup2(write, 1)
            os.dup2(write, 2)
            body()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            code = 71
        finally:
            os._exit(code)
    os.close(write)
    out = _read_all(read, pid, timeout)
    _, status = os.waitpid(pid, 0)
    return out, os.waitstatus_to_exitcode(status)


def _read_all(fd: int, pid: int, timeout: float) -> str:
    chunks, deadline = [], time.monotonic() + timeout
    with os.fdopen(fd, "rb") as pipe:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([pipe], [], [], left)[0]:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                raise AssertionError(f"the child did not finish within {timeout} s")
            chunk = os.read(pipe.fileno(), 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks).decode(errors="replace")


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll `condition` every 10 ms until it holds (True) or `timeout` passes (False)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def graded_notebook(
    answers: dict[str, str] | None = None, failures: dict[str, tuple[str, str]] | None = None
) -> NotebookNode:
    """An autograded notebook as `course grade` leaves it: the template's cells, each answer cell
    holding `answers[grade id]`, or the stub it was released with when not given (an answer left
    untouched, which the report counts as not attempted), and under each test cell of `failures`
    (grade id -> (ename, evalue)) the error output a failing test leaves. No other outputs."""
    graded = notebook(template_cells())
    stubs = by_id(released(template_cells()))
    for cell in graded.cells:
        meta = cell.metadata["nbgrader"]
        gid = meta["grade_id"]
        if gid in (answers or {}):
            cell.source = answers[gid]
        elif meta.get("solution"):
            cell.source = stubs[gid].source
        if gid in (failures or {}):
            ename, evalue = failures[gid]
            cell.outputs = [v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])]
    return graded


def write_autograded(root: Path, student: str, answers: dict[str, str], assignment: str = ASSIGNMENT) -> Path:
    """Only the autograded notebook of a student (no gradebook): what course.pipeline.report reads
    for the answers to choice questions."""
    path = root / "autograded" / student / assignment / NOTEBOOK
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(graded_notebook(answers), path)
    return path


def record_graded(
    root: Path,
    student: str,
    scores: dict[str, float],
    responded: dict[str, bool] | None = None,
    answers: dict[str, str] | None = None,
    problems: list[str] | None = None,
    failures: dict[str, tuple[str, str]] | None = None,
) -> None:
    """Record one graded submission of ASSIGNMENT in `root` as `course grade` does
    (course.pipeline.results.write_result): scores by grade id, written answers attempted or
    not, the answer cells' text and the failed tests' errors in the autograded notebook (see
    `graded_notebook`), and the grader's problems."""
    from course.autograder.worker import NotebookResult, SubmissionResult
    from course.pipeline.gradebook import open_gradebook
    from course.pipeline.results import write_result

    graded = graded_notebook(answers, failures)
    folder = root / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    result = SubmissionResult(
        student,
        notebooks=[NotebookResult(NOTEBOOK, scores, responded or {}, nbformat.writes(graded))],
        problems=problems or [],
    )
    with open_gradebook(root) as gb:
        write_result(gb, root, ASSIGNMENT, folder, result)
