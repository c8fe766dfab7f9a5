"""`course check`: a learner grades their own notebook against the full tests.

Self-study learners have no instructor to run the hidden tests, so this runs them locally, in
the same way `course grade` does (the notebook rebuilt around the course's version, executed in
a fresh sandboxed kernel, scored by the same rules), prints what passed and why the rest did not,
and writes an HTML copy of the checked notebook beside it. Nothing is recorded anywhere.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from course.autograder.limits import Limits
from course.autograder.rebuild import ROLE_TEST, ROLE_WRITTEN, grade_id, role_of
from course.autograder.sandbox import require_kernel_uid
from course.autograder.verdicts import released_checksums
from course.autograder.worker import Job, grade_submission, new_uid_base, read_notebook, sandbox_paths
from course.errors import SubmissionError, UsageError
from course.paths import assignment_dir, assignments, course_root
from course.pipeline.redact import RedactTestTracebacks


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
        raise UsageError(
            f"cannot tell which module {notebook} belongs to; pass --assignment (one of {', '.join(assignments())})"
        )
    folder = assignment_dir(assignment)
    candidates = sorted(folder.glob("*.ipynb"))
    exact = folder / notebook.name
    if exact.is_file():
        return exact
    if len(candidates) == 1:
        return candidates[0]
    raise UsageError(f"{notebook.name} is not one of {[c.name for c in candidates]}")


def check_notebook(
    notebook: Path, assignment: str | None = None, limits: Limits | None = None
) -> tuple[list[CheckLine], list[str], nbformat.NotebookNode]:
    """Grade `notebook` against the full tests; (one line per graded cell, problems, the executed notebook)."""
    limits = limits or Limits.from_config(course_root())
    require_kernel_uid()  # a learner running as root without namespaces: never kernels as root
    template_path = find_template(notebook, assignment)
    try:
        read_notebook(notebook, limits)  # an unreadable file stops here, with the reason
    except SubmissionError as exc:
        raise SubmissionError(f"{notebook}: {exc}") from None
    template = nbformat.read(template_path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="course-check-") as tmp:
        # The same path as `course grade`: scratch copy, sandboxed kernel, leftover processes ended.
        submission, scratch_root = Path(tmp) / "submission", Path(tmp) / "scratch"
        submission.mkdir()
        scratch_root.mkdir()
        shutil.copyfile(notebook, submission / template_path.name)
        hide, keep = sandbox_paths(notebook.resolve().parent, scratch_root)
        checksums = {template_path.name: released_checksums(template, course_root())}
        job = Job(
            new_uid_base(),
            "learner",
            submission,
            {template_path.name: [dict(c) for c in template.cells]},
            checksums,
            scratch_root,
            limits,
            hide,
            keep,
            alone=True,
        )
        result = grade_submission(job)
    if not result.notebooks or not result.notebooks[0].graded_json:
        raise SubmissionError(f"{notebook}: {'; '.join(result.all_problems) or 'could not be checked'}")
    outcome = result.notebooks[0]
    executed = nbformat.reads(outcome.graded_json, as_version=4)
    lines = []
    for cell in executed.cells:
        role = role_of(cell)
        if role == ROLE_TEST:
            gid = grade_id(cell)
            errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
            message = f"{errors[0].ename}: {errors[0].evalue}" if errors else ""
            lines.append(
                CheckLine(gid, "test", float(cell.metadata["nbgrader"]["points"]), outcome.scores[gid], message)
            )
        elif role == ROLE_WRITTEN:
            gid = grade_id(cell)
            lines.append(
                CheckLine(
                    gid,
                    "written",
                    float(cell.metadata["nbgrader"]["points"]),
                    None,
                    "answered: mark it yourself with the rubric under the question"
                    if outcome.responded[gid]
                    else "not answered yet",
                )
            )
    return lines, result.all_problems, executed


def write_html(notebook: nbformat.NotebookNode, target: Path) -> None:
    exporter = HTMLExporter()
    exporter.register_preprocessor(RedactTestTracebacks(), enabled=True)
    body, _ = exporter.from_notebook_node(notebook)
    target.write_text(body, encoding="utf-8")
