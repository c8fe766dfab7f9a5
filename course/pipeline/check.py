"""`course check`: a learner grades their own notebook against the full tests.

Self-study learners have no instructor to run the hidden tests, so this runs them locally, in
the same way `course grade` does (the notebook rebuilt around the course's version, executed in
a fresh sandboxed kernel, scored by the same rules), prints what passed and why the rest did not,
and writes an HTML copy of the checked notebook beside it. Nothing is recorded anywhere.

What the learner reads is the same in both places: the terminal (`report_text`) and the top of the
checked copy (`summary_cell`) list every exercise with its whole message, hint included. The copy
never shows hidden tests: the notebook was rebuilt around the course's version, hidden tests
included, so their code is cut from the test cells before anything is written, and tracebacks of
test cells shrink to their message (the course's messages state no expected value).
"""

from __future__ import annotations

import html
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor

from course.autograder.limits import Limits
from course.autograder.rebuild import ROLE_TEST, ROLE_WRITTEN, grade_id, role_of
from course.autograder.sandbox import require_kernel_uid
from course.autograder.verdicts import released_checksums
from course.autograder.worker import Job, grade_submission, new_uid_base, read_notebook, sandbox_paths
from course.errors import SubmissionError, UsageError
from course.paths import assignment_dir, assignments, course_root
from course.pipeline.redact import RedactTestTracebacks

HIDDEN_TESTS_BEGIN = "BEGIN HIDDEN TESTS"


@dataclass
class CheckLine:
    grade_id: str
    kind: str  # "test" or "written"
    points: float
    earned: float | None
    message: str  # every line of the test's message, hint included ("" when it passed)

    @property
    def passed(self) -> bool:
        return self.kind == "test" and self.earned == self.points

    @property
    def title(self) -> str:
        """ "Exercise 2" for ex2-test or ex2-answer; the grade id otherwise."""
        match = re.fullmatch(r"ex(\d+)-(?:test|answer)", self.grade_id)
        return f"Exercise {match.group(1)}" if match else self.grade_id


def error_message(output) -> str:
    """What a failed test says: the course's own message as it is ("Not yet: ...\nHint: ..."),
    any other error as "Type: message"."""
    if output.get("ename") == "FeedbackError":
        return output.get("evalue", "")
    return f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"


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
            message = error_message(errors[0]) if errors else ""
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


def report_text(lines: list[CheckLine], problems: list[str]) -> str:
    """What `course check` prints: one line per graded cell and, under each failed test, its whole
    message (hint included), the same words as the checked copy."""
    out = []
    for line in lines:
        if line.kind == "test":
            out.append(f"{'PASS' if line.passed else 'FAIL'}  {line.grade_id:<14} {line.earned:g}/{line.points:g}")
            out.extend(f"      {text}" for text in line.message.splitlines())
        else:
            out.append(f"TODO  {line.grade_id:<14} {line.points:g} points by rubric: {line.message}")
    out.extend(f"note  {problem}" for problem in problems)
    auto = [line for line in lines if line.kind == "test"]
    out.append(f"automatic score: {sum(line.earned or 0 for line in auto):g} of {sum(line.points for line in auto):g}")
    return "\n".join(out)


def summary_cell(lines: list[CheckLine]) -> nbformat.NotebookNode:
    """The top of the checked copy: the score, and one row per graded cell with its message."""
    auto = [line for line in lines if line.kind == "test"]
    earned, total = sum(line.earned or 0 for line in auto), sum(line.points for line in auto)
    rows = []
    for line in lines:
        if line.kind == "test":
            status = "passed" if line.passed else "not yet"
            points = f"{line.earned:g} of {line.points:g}"
            text = "<br>".join(html.escape(t) for t in line.message.splitlines()) or "&#10003;"
        else:
            status, points, text = "to mark", f"{line.points:g} by rubric", html.escape(line.message)
        rows.append(
            f"<tr><th scope='row'>{html.escape(line.title)}</th><td>{status}</td><td>{points}</td><td>{text}</td></tr>"
        )
    table = (
        "<table class='course-check-summary'><caption>Every exercise, as the grader sees it</caption>"
        "<thead><tr><th scope='col'>exercise</th><th scope='col'>result</th><th scope='col'>points</th>"
        f"<th scope='col'>what the test says</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    return nbformat.v4.new_markdown_cell(
        f"# Your check: {earned:g} of {total:g} automatic points\n\n"
        "Written answers are marked by you, with the rubric under each question.\n\n" + table
    )


class HideTestCode(Preprocessor):
    """Cut the hidden part of every test cell (the course's cells: the notebook was rebuilt around
    them). Only test cells are touched, so a learner's own cell mentioning the marker cannot break
    the page. nbgrader's ClearHiddenTests does the same for feedback, but raises on such a cell."""

    enabled = True

    def preprocess_cell(self, cell, resources, index):
        if role_of(cell) == ROLE_TEST and HIDDEN_TESTS_BEGIN in cell.source:
            visible = cell.source.split(HIDDEN_TESTS_BEGIN, 1)[0]
            cell.source = visible.rsplit("\n", 1)[0] if "\n" in visible else ""
        return cell, resources


class FriendlyTestErrors(RedactTestTracebacks):
    """A failed check's own lines ("Not yet: ...", "Hint: ..."; they hold no code); every other
    error of a test cell shrinks to one line, as in feedback."""

    def preprocess_cell(self, cell, resources, index):
        cell, resources = super().preprocess_cell(cell, resources, index)
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and output.get("ename") == "FeedbackError":
                output["traceback"] = output.get("evalue", "").splitlines()
        return cell, resources


def write_html(notebook: nbformat.NotebookNode, target: Path, lines: list[CheckLine] | None = None) -> None:
    """The checked copy: score summary first, hidden test code removed, friendly test messages."""
    notebook = nbformat.from_dict(notebook)  # a copy: the caller's notebook keeps its cells
    if lines is not None:
        notebook.cells.insert(0, summary_cell(lines))
    exporter = HTMLExporter()
    exporter.register_preprocessor(HideTestCode(), enabled=True)
    exporter.register_preprocessor(FriendlyTestErrors(), enabled=True)
    body, _ = exporter.from_notebook_node(notebook)
    target.write_text(body, encoding="utf-8")
