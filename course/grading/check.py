"""`course check`: a learner grades their own notebook against the full tests.

Self-study learners have no instructor to run the hidden tests, so this runs them locally, in
the same way `course grade` does (the notebook rebuilt around the course's version, executed in
a fresh sandboxed kernel), prints what passed and why the rest did not, and writes an HTML copy
of the checked notebook beside it. Nothing is recorded anywhere.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from course.grading.autograde import Job, SubmissionError, grade_submission, new_uid_base, read_notebook, sandbox_paths
from course.grading.execute import Limits
from course.grading.rebuild import ROLE_TEST, ROLE_WRITTEN, role_of
from course.grading.redact import RedactTestTracebacks
from course.paths import assignments, course_root


@dataclass
class CheckLine:
    grade_id: str
    kind: str  # "test" or "written"
    points: float
    earned: float | None
    message: str


def find_template(notebook: Path, assignment: str | None = None) -> Path:
    """The course's version of the learner's notebook: by assignment folder, then by file name."""
    assignment = assignment or notebook.resolve().parent.name
    if assignment not in assignments():
        raise SystemExit(f"cannot tell which module {notebook} belongs to; pass --assignment (one of {', '.join(assignments())})")
    folder = course_root() / "notebooks" / assignment
    candidates = sorted(folder.glob("*.ipynb"))
    exact = folder / notebook.name
    if exact.is_file():
        return exact
    if len(candidates) == 1:
        return candidates[0]
    raise SystemExit(f"{notebook.name} is not one of {[c.name for c in candidates]}")


def check_notebook(notebook: Path, assignment: str | None = None, limits: Limits = Limits()) -> tuple[list[CheckLine], list[str], nbformat.NotebookNode]:
    template_path = find_template(notebook, assignment)
    try:
        read_notebook(notebook, limits)  # an unreadable file stops here, with the reason
    except SubmissionError as exc:
        raise SystemExit(f"{notebook}: {exc}") from None
    with tempfile.TemporaryDirectory(prefix="course-check-") as tmp:
        # The same path as `course grade`: scratch copy, sandboxed kernel, leftover processes ended.
        submission, scratch_root = Path(tmp) / "submission", Path(tmp) / "scratch"
        submission.mkdir()
        scratch_root.mkdir()
        shutil.copyfile(notebook, submission / template_path.name)
        hide, keep = sandbox_paths(notebook.resolve().parent, scratch_root)
        cells = [dict(c) for c in nbformat.read(template_path, as_version=4).cells]
        job = Job(new_uid_base(), "learner", submission, {template_path.name: cells}, {}, scratch_root, limits, hide, keep,
                  alone=True)
        result = grade_submission(job)
    if not result.notebooks or not result.notebooks[0].graded_json:
        raise SystemExit(f"{notebook}: {'; '.join(result.all_problems) or 'could not be checked'}")
    outcome = result.notebooks[0]
    executed = nbformat.reads(outcome.graded_json, as_version=4)
    earned = outcome.scores
    lines = []
    for cell in executed.cells:
        role = role_of(cell)
        if role == ROLE_TEST:
            gid = cell.metadata["nbgrader"]["grade_id"]
            errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
            message = f"{errors[0].ename}: {errors[0].evalue}" if errors else ""
            lines.append(CheckLine(gid, "test", float(cell.metadata["nbgrader"]["points"]), earned[gid], message))
        elif role == ROLE_WRITTEN:
            answered = bool(cell.source.strip()) and "YOUR ANSWER HERE" not in cell.source
            lines.append(CheckLine(cell.metadata["nbgrader"]["grade_id"], "written", float(cell.metadata["nbgrader"]["points"]),
                                   None, "answered: mark it yourself with the rubric under the question" if answered
                                   else "not answered yet"))
    return lines, result.all_problems, executed


def write_html(notebook: nbformat.NotebookNode, target: Path) -> None:
    exporter = HTMLExporter()
    exporter.register_preprocessor(RedactTestTracebacks(), enabled=True)
    body, _ = exporter.from_notebook_node(notebook)
    target.write_text(body, encoding="utf-8")
