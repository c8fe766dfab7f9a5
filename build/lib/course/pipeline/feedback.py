"""`course feedback`: HTML feedback for every graded submission, hidden test code removed.

The preprocessors that remove hidden tests and shorten test tracebacks are set in
nbgrader_config.py (course.pipeline.redact), so plain `nbgrader generate_feedback` removes them too.
"""

from __future__ import annotations

from pathlib import Path

from course.nbgrader_run import run_nbgrader
from course.pipeline.release import db_arguments


def feedback(root: Path, assignment: str, db_url: str | None = None) -> Path:
    """Generate feedback/<student>/<assignment>/*.html for every autograded submission."""
    run_nbgrader(root, "generate_feedback", assignment, "--force", *db_arguments(root, db_url))
    return root / "feedback"
