"""The gradebook: nbgrader's own database, through nbgrader's API.

SQLite (gradebook.db in the course root) by default, as nbgrader does; `--db URL` or
`c.CourseDirectory.db_url` in nbgrader_config.py selects another database (course.config.database_url),
e.g. `postgresql+psycopg2://user@host/course` for a class on JupyterHub. Only the parent process of
`course grade` writes, one submission at a time (course.pipeline.results).
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from course.config import database_url
from course.errors import NotReleasedError


@contextlib.contextmanager
def open_gradebook(root: Path, db_url: str | None = None):
    # nbgrader creates a new gradebook by running `alembic` by name: it must be this environment's,
    # also when the course command runs from .venv/bin without the environment activated
    tools = str(Path(sys.executable).parent)
    if tools not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([tools, os.environ.get("PATH", "")])
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
