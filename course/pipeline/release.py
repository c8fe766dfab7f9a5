"""`course release`: generate the student version of an assignment, with the course's settings."""

from __future__ import annotations

from pathlib import Path

from course.config import database_url
from course.nbgrader_run import run_nbgrader


def db_arguments(root: Path, db_url: str | None) -> list[str]:
    """nbgrader's option for the course's gradebook (--db, else nbgrader_config.py, else SQLite)."""
    return [f"--CourseDirectory.db_url={database_url(root, db_url)}"]


def release(root: Path, assignment: str, db_url: str | None = None, to_exchange: bool = False) -> Path:
    """Generate the student version into release/ (recording the assignment in the gradebook);
    with `to_exchange`, also release it to the nbgrader exchange for students to fetch."""
    run_nbgrader(root, "generate_assignment", assignment, "--force", *db_arguments(root, db_url))
    if to_exchange:
        run_nbgrader(root, "release_assignment", assignment, "--force", *db_arguments(root, db_url))
    return root / "release" / assignment
