"""What to tell a student whose notebook could not be read, and what the grader records for it.

The grader's reader (course.autograder.worker.read_notebook) decides whether a file is a notebook
and says why not in terms an instructor can act on ("not valid notebook JSON (line 412: ...)").
A student needs something else: that the file could not be read, what that probably means, and
what to do. Without this, their feedback is the template run with no answers: a NameError under
every test and "No response." under every written question, which says nothing about the cause.

The kind of problem is read from the file itself (its first bytes, where the JSON stops), never
from the wording of the reader's message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import nbformat

from course.errors import SubmissionError

WHAT_TO_DO = (
    "**What to do:** open your notebook in JupyterLab. If it opens, save it (*File → Save Notebook*), "
    "check that your answers are there, and submit that `.ipynb` file again. If it does not open, submit "
    "the copy you worked in (in your workspace or on the hub), or write to your instructor, who can grade "
    "it once a readable file arrives."
)


@dataclass(frozen=True)
class Unreadable:
    notebook: str
    reason: str  # the reader's own message: what the instructor's reports show
    summary: str  # what probably happened, for the student

    def banner(self) -> str:
        """The markdown cell that opens the student's feedback."""
        return (
            f"## We could not read your notebook `{self.notebook}`\n\n"
            f"{self.summary} Because the file could not be read, **none of your work in it was graded**: "
            f"every question shows 0 for that reason, not because your answers were wrong.\n\n"
            f"{WHAT_TO_DO}\n\n"
            f"*For your instructor: {self.reason}.*"
        )

    def comment(self) -> str:
        return f"Not graded: your notebook could not be read ({self.summary.rstrip('.')})."


def _summary(path: Path, max_bytes: int) -> str:
    """A plain sentence on what probably happened, from the file's content."""
    if not path.exists() and not path.is_symlink():
        return "We did not receive this notebook in your submission."
    if path.is_symlink() or not path.is_file():
        return "What was submitted under this name is not a regular file."
    if path.stat().st_size > max_bytes:
        return "The notebook is too large to grade (usually because of very large outputs: clear them and save)."
    raw = path.read_bytes()[:2_000_000]
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:200].lower()
    if not raw.strip():
        return "The file is empty: the upload probably failed."
    if head.startswith(b"<") or b"<html" in head:
        return "The file is a web page (an HTML export of the notebook), not the notebook itself."
    if head.startswith(b"%pdf"):
        return "The file is a PDF, not the notebook itself."
    if head.startswith(b"pk"):
        return "The file is a zip archive (or a Word document), not the notebook itself."
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "The file is not text (it may be a different kind of file renamed to .ipynb)."
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # the parser reached the end of the text in the middle of a value, or of a string (json only
        # says "Unterminated string" when no closing quote follows before the end)
        if exc.pos >= len(text.rstrip()) - 1 or exc.msg.startswith("Unterminated string"):
            return "The file ends in the middle of the notebook: the upload (or a save) was probably cut short."
        return "The file was changed outside JupyterLab and is no longer a valid notebook."
    if not isinstance(data, dict) or ("cells" not in data and "worksheets" not in data):
        return "The file is not a notebook (it holds other data)."
    return "The notebook uses a format version this course cannot read."


def explain(path: Path, reason: str, max_bytes: int) -> Unreadable:
    return Unreadable(path.name, reason, _summary(path, max_bytes))


def check_readable(path: Path, limits) -> Unreadable | None:
    """None when the grader can read `path`; else what to tell the student and the instructor."""
    from course.autograder.worker import read_notebook

    try:
        read_notebook(path, limits)
    except SubmissionError as exc:
        return explain(path, str(exc), limits.max_notebook_bytes)
    return None


def feedback_notebook(graded_json: str, problem: Unreadable) -> str:
    """The notebook the formgrader and the feedback show for an unreadable submission: the
    assignment's questions with no outputs (nothing ran on the student's work), opened by the banner."""
    notebook = nbformat.reads(graded_json, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    banner = nbformat.v4.new_markdown_cell(problem.banner())
    banner.metadata["course"] = {"unreadable": True}
    notebook.cells.insert(0, banner)
    return nbformat.writes(notebook)
