"""Where the course's files are, in one place.

The package is installed in editable mode from the repository (`make lab`, `make test`,
`pip install -e .`), so the repository root is the parent of this package. A deployment that
installs the package elsewhere (e.g. a JupyterHub image) sets COURSE_ROOT or COURSE_DATA_DIR
(see course.settings).

Two roots matter: `course_root()` is the repository the package belongs to (its notebooks are the
course's own, with solutions); `grading_root()` is the nbgrader course an instructor command acts
on, which may be a copy elsewhere. Functions that read a course's files take the root they act on.
"""

from __future__ import annotations

from pathlib import Path

from course import settings

SOURCE_FOLDER = "notebooks"  # nbgrader's source step (c.CourseDirectory.source_directory)


def course_root() -> Path:
    """The repository root: holds nbgrader_config.py, notebooks/ and data/."""
    override = settings.ROOT.get()
    return Path(override).resolve() if override else Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The folder with the CSV tables and datapackage.json."""
    override = settings.DATA_DIR.get()
    return Path(override).resolve() if override else course_root() / "data"


def source_dir(root: Path | None = None) -> Path:
    """nbgrader's source step of the course at `root` (default: the repository): one folder per assignment."""
    return (root or course_root()) / SOURCE_FOLDER


def assignment_dir(assignment: str, root: Path | None = None) -> Path:
    """The instructor's version of one assignment: its source notebooks."""
    return source_dir(root) / assignment


def source_notebooks(assignment: str, root: Path | None = None) -> list[Path]:
    """The instructor's notebooks of one assignment, by name."""
    return sorted(assignment_dir(assignment, root).glob("*.ipynb"))


def assignments(root: Path | None = None) -> list[str]:
    """Assignment ids in course order: every folder of the source step that holds a notebook."""
    return sorted(
        p.name
        for p in source_dir(root).iterdir()
        if p.is_dir() and not p.name.startswith(".") and any(p.glob("*.ipynb"))
    )


def grading_root() -> Path:
    """The nbgrader course the instructor commands act on: the current folder when it has an
    nbgrader_config.py (as with nbgrader itself), otherwise the repository root."""
    here = Path.cwd()
    return here.resolve() if (here / "nbgrader_config.py").is_file() else course_root()
