"""Recording a graded submission in the gradebook.

`write_result` is where a graded submission is recorded, so it is also where nbgrader's late
penalty is applied (as nbgrader's AssignLatePenalties does right after SaveAutoGrades), where an
unreadable notebook is recorded as such, and where a regrade decides which hand-given scores
still stand. It sits above the roster and the deadlines (which it uses), which sit above the
gradebook's connection (course.pipeline.gradebook).
"""

from __future__ import annotations

import contextlib
import functools
import json
import shutil
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.utils import parse_utc

from course.autograder.limits import Limits
from course.config import CONFIG_FILE
from course.pipeline.answers import fingerprints
from course.pipeline.deadlines import apply_extension, apply_late_penalties, ensure_submission, late_plugin
from course.pipeline.unreadable import check_readable, feedback_notebook


def _fingerprints_of(text: str) -> dict[str, str]:
    """Answer fingerprints of a graded notebook's JSON ({} when it cannot be read). No validation:
    the parent grades while kernels run, so it keeps its own work small."""
    with contextlib.suppress(Exception):
        return fingerprints(nbformat.v4.reads(text))  # parse and join the cells' source lines, no validation
    return {}


def _hand_graded(gb: Gradebook, assignment: str, student: str) -> bool:
    try:
        submission = gb.find_submission(assignment, student)
    except MissingEntry:
        return False
    return any(g.manual_score is not None for nb in submission.notebooks for g in nb.grades)


@functools.lru_cache(maxsize=8)
def _plugin(root: str, config_mtime: int):
    return late_plugin(Path(root))


def course_late_plugin(root: Path):
    """The course's late-submission plugin (built once per version of nbgrader_config.py)."""
    config = root / CONFIG_FILE
    return _plugin(str(root), config.stat().st_mtime_ns if config.is_file() else 0)


def check_grading_setup(root: Path) -> None:
    """Fail before a batch starts, not in the middle, when the late-penalty plugin cannot be built."""
    course_late_plugin(root)


def write_result(gb: Gradebook, root: Path, assignment: str, folder: Path, result) -> dict:
    """Record one graded submission: autograded/ files, the gradebook's scores, the late penalty
    (nbgrader's plugin, as `nbgrader autograde` applies it), and grading-report.json.

    A regrade keeps every hand-given score. It stays resolved while the answer it was given for is
    unchanged (nbgrader itself flags every hand-graded answer again); when the answer changed, the
    score is kept but flagged for grading and listed. An unreadable notebook is graded 0 with the
    reason on its feedback page instead of running an empty notebook."""
    timestamp = None
    stamp = folder / "timestamp.txt"
    if stamp.is_file() and not stamp.is_symlink():
        with contextlib.suppress(Exception):
            timestamp = parse_utc(stamp.read_text(encoding="utf-8", errors="replace")[:64].strip())
    target = root / "autograded" / result.student / assignment
    # what the last grading saw, for the hand-given scores (read before autograded/ is replaced)
    hand_graded = _hand_graded(gb, assignment, result.student)
    previous = {}
    for n in result.notebooks if hand_graded else []:
        path = target / n.name
        if path.is_file() and not path.is_symlink():
            previous[n.name] = _fingerprints_of(path.read_text(encoding="utf-8", errors="replace"))
    # the reader raised for a notebook only if the worker reported a problem with it
    limits = Limits.from_config(root)
    unreadable = {
        n.name: problem
        for n in result.notebooks
        if n.problems and (problem := check_readable(folder / n.name, limits)) is not None
    }
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    graded = {n.name for n in result.notebooks if n.graded_json}
    # Like nbgrader's autograde, keep the submission's other files (submission_secret.txt, which
    # `nbgrader release_feedback` needs, data files a student added): regular files only, bounded.
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.name in graded or path.name == "timestamp.txt" or path.is_symlink() or not path.is_file():
            continue
        if path.stat().st_size <= 5_000_000:
            shutil.copyfile(path, target / path.name)
    current = {}
    for notebook in result.notebooks:
        if notebook.graded_json:
            text = notebook.graded_json
            if notebook.name in unreadable:
                text = feedback_notebook(text, unreadable[notebook.name])
            (target / notebook.name).write_text(text, encoding="utf-8")
            if hand_graded:
                current[notebook.name] = _fingerprints_of(notebook.graded_json)
    if timestamp is not None:
        (target / "timestamp.txt").write_text(
            stamp.read_text(encoding="utf-8", errors="replace")[:64], encoding="utf-8"
        )

    submission = ensure_submission(gb, assignment, result.student, timestamp)
    extension = apply_extension(gb, root, assignment, result.student)
    by_name = {n.name.removesuffix(".ipynb"): n for n in result.notebooks}
    kept, changed = [], []
    for submitted in submission.notebooks:
        outcome = by_name.get(submitted.name)
        problem = unreadable.get(submitted.name + ".ipynb")
        before = previous.get(submitted.name + ".ipynb", {})
        now = current.get(submitted.name + ".ipynb", {})
        for grade in submitted.grades:
            if problem is not None:
                grade.auto_score = 0.0
            elif grade.cell.cell_type == "code":
                grade.auto_score = float(outcome.scores.get(grade.name, 0.0)) if outcome else 0.0
            else:
                responded = bool(outcome and outcome.responded.get(grade.name))
                grade.auto_score = None if responded else 0.0
            if grade.manual_score is not None:
                item = f"{submitted.name}/{grade.name}"
                # resolved by the grader, and the answer is the one the grader saw: it stays resolved;
                # a score flagged by an earlier regrade stays flagged until the grader resolves it
                same = (
                    not grade.needs_manual_grade
                    and grade.name in before
                    and before.get(grade.name) == now.get(grade.name)
                )
                grade.needs_manual_grade = not same
                if same:
                    kept.append(item)
                else:
                    changed.append(item if grade.name in now else f"{item} (not graded this time: cannot compare)")
            else:
                grade.needs_manual_grade = grade.auto_score is None
        for comment in submitted.comments:  # as nbgrader's autograde: set when untouched, cleared when answered
            if problem is not None:
                comment.auto_comment = problem.comment()
            elif outcome and comment.name in outcome.responded:
                comment.auto_comment = None if outcome.responded[comment.name] else "No response."
    gb.db.commit()
    penalties = apply_late_penalties(gb, assignment, result.student, course_late_plugin(root))
    gb.db.refresh(submission)
    record = {
        "problems": result.all_problems,
        "seconds": round(result.seconds, 2),
        "unreadable": {name: {"reason": p.reason, "summary": p.summary} for name, p in unreadable.items()},
        "manual_grades": {"kept": kept, "answer_changed": changed},
        "lateness": {
            "submitted": submission.timestamp.isoformat() if submission.timestamp else None,
            "due": submission.duedate.isoformat() if submission.duedate else None,
            "extension_seconds": submission.extension.total_seconds() if submission.extension else 0,
            "extension_given_as": extension.given_as if extension else "",
            "seconds_late": submission.total_seconds_late,
            "penalties": penalties,
        },
    }
    # ASCII: a problem may quote what a submission holds, lone surrogates included
    (target / "grading-report.json").write_text(json.dumps(record, indent=2), encoding="utf-8")
    return record


def grading_notes(root: Path, assignment: str, students: list[str]) -> list[str]:
    """What a batch's summary should say besides problems: late submissions and their penalties,
    unreadable notebooks, hand-graded answers that changed since they were graded."""
    from course.pipeline.deadlines import describe_seconds

    notes = []
    for student in sorted(students):
        path = root / "autograded" / student / assignment / "grading-report.json"
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        late = record.get("lateness", {})
        if late.get("seconds_late"):
            penalty = sum(p or 0 for p in late.get("penalties", {}).values())
            extension = (
                f", after an extension of {late['extension_given_as']}" if late.get("extension_given_as") else ""
            )
            notes.append(
                f"late      {student}: {describe_seconds(late['seconds_late'])} late{extension}; "
                f"penalty {penalty:g} (c.AssignLatePenalties)"
            )
        for name, problem in record.get("unreadable", {}).items():
            notes.append(f"unreadable {student}: {name}: {problem['reason']} (graded 0; the feedback says why)")
        for item in record.get("manual_grades", {}).get("answer_changed", []):
            notes.append(f"re-grade  {student}: {item}: the answer changed since it was graded by hand (score kept)")
    return notes
