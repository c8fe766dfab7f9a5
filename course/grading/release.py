"""`course release` and `course feedback`: nbgrader's own steps, with the course's settings."""

from __future__ import annotations

from pathlib import Path

from course.grading.gradebook import database_url
from course.grading.nbgrader_run import run_nbgrader


def _db_args(root: Path, db_url: str | None) -> list[str]:
    return [f"--CourseDirectory.db_url={database_url(root, db_url)}"]


def release(root: Path, assignment: str, db_url: str | None = None, to_exchange: bool = False) -> Path:
    """Generate the student version into release/ (recording the assignment in the gradebook);
    with `to_exchange`, also release it to the nbgrader exchange for students to fetch."""
    run_nbgrader(root, "generate_assignment", assignment, "--force", *_db_args(root, db_url))
    if to_exchange:
        run_nbgrader(root, "release_assignment", assignment, "--force", *_db_args(root, db_url))
    return root / "release" / assignment


def feedback(root: Path, assignment: str, db_url: str | None = None) -> Path:
    """HTML feedback for every graded submission, hidden test code removed (the preprocessors are
    set in nbgrader_config.py, so plain `nbgrader generate_feedback` removes them too)."""
    run_nbgrader(root, "generate_feedback", assignment, "--force", *_db_args(root, db_url))
    return root / "feedback"
