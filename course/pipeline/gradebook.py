"""The gradebook: nbgrader's own database, through nbgrader's API.

SQLite (gradebook.db in the course root) by default, as nbgrader does; `--db URL` or
`c.CourseDirectory.db_url` in nbgrader_config.py selects another database, e.g.
`postgresql+psycopg2://user@host/course` for a class on JupyterHub. Only the parent process of
`course grade` writes, one submission at a time.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import warnings
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.utils import parse_utc
from sqlalchemy.exc import SAWarning

from course.config import setting
from course.errors import NotReleasedError


def database_url(root: Path, db_url: str | None = None) -> str:
    """--db, else the course config's CourseDirectory.db_url, else nbgrader's SQLite default."""
    return db_url or str(setting(root, "CourseDirectory", "db_url") or f"sqlite:///{root / 'gradebook.db'}")


@contextlib.contextmanager
def open_gradebook(root: Path, db_url: str | None = None):
    gb = Gradebook(database_url(root, db_url))
    try:
        yield gb
    finally:
        gb.close()


def find_released(gb: Gradebook, assignment: str):
    """The gradebook's record of `assignment`; NotReleasedError (not nbgrader's MissingEntry, which
    the command line would show as a traceback) when the gradebook does not know it."""
    try:
        return gb.find_assignment(assignment)
    except MissingEntry:
        raise NotReleasedError(
            f"assignment {assignment!r} is not in the gradebook: run `course release {assignment}` first"
        ) from None


def release_checksums(gb: Gradebook, assignment: str, notebooks: list[str]) -> dict[str, dict[str, str]]:
    """Checksums of the released written-answer cells, to tell an untouched answer from a response."""
    record = find_released(gb, assignment)
    found = {nb.name + ".ipynb": {cell.name: cell.checksum for cell in nb.source_cells} for nb in record.notebooks}
    missing = set(notebooks) - set(found)
    if missing:
        raise NotReleasedError(
            f"the gradebook does not know {sorted(missing)}: run `course release {assignment}` again"
        )
    return found


def write_result(gb: Gradebook, root: Path, assignment: str, folder: Path, result) -> None:
    """Record one graded submission: autograded/ files and the gradebook's scores."""
    timestamp = None
    stamp = folder / "timestamp.txt"
    if stamp.is_file() and not stamp.is_symlink():
        with contextlib.suppress(Exception):
            timestamp = parse_utc(stamp.read_text(encoding="utf-8", errors="replace")[:64].strip())
    target = root / "autograded" / result.student / assignment
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
    for notebook in result.notebooks:
        if notebook.graded_json:
            (target / notebook.name).write_text(notebook.graded_json, encoding="utf-8")
    if timestamp is not None:
        (target / "timestamp.txt").write_text(
            stamp.read_text(encoding="utf-8", errors="replace")[:64], encoding="utf-8"
        )
    (target / "grading-report.json").write_text(
        json.dumps({"problems": result.all_problems, "seconds": round(result.seconds, 2)}, indent=2)
    )

    gb.update_or_create_student(result.student)
    with warnings.catch_warnings():
        # nbgrader builds the submission's rows before adding them to the session; SQLAlchemy 2
        # warns about that order, but the rows are saved (checked by the grading tests).
        warnings.simplefilter("ignore", SAWarning)
        submission = gb.update_or_create_submission(assignment, result.student, timestamp=timestamp)
    by_name = {n.name.removesuffix(".ipynb"): n for n in result.notebooks}
    for submitted in submission.notebooks:
        outcome = by_name.get(submitted.name)
        for grade in submitted.grades:
            if grade.cell.cell_type == "code":
                grade.auto_score = float(outcome.scores.get(grade.name, 0.0)) if outcome else 0.0
            else:
                responded = bool(outcome and outcome.responded.get(grade.name))
                grade.auto_score = None if responded else 0.0
            grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
        for comment in submitted.comments:  # as nbgrader's autograde: set when untouched, cleared when answered
            if outcome and comment.name in outcome.responded:
                comment.auto_comment = None if outcome.responded[comment.name] else "No response."
    gb.db.commit()
