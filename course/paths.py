"""Where the course's files are, in one place.

The package is installed in editable mode from the repository (`make lab`, `make test`,
`pip install -e .`), so the repository root is the parent of this package. A deployment that
installs the package elsewhere (e.g. a JupyterHub image) sets COURSE_ROOT or COURSE_DATA_DIR.
"""

from __future__ import annotations

import os
from pathlib import Path


def course_root() -> Path:
    """The repository root: holds nbgrader_config.py, notebooks/ and data/."""
    override = os.environ.get("COURSE_ROOT")
    return Path(override).resolve() if override else Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The folder with the CSV tables and datapackage.json."""
    override = os.environ.get("COURSE_DATA_DIR")
    return Path(override).resolve() if override else course_root() / "data"


def source_dir() -> Path:
    """nbgrader's source step: one folder per assignment."""
    return course_root() / "notebooks"


def assignments() -> list[str]:
    """Assignment ids in course order: every folder of notebooks/ that holds a notebook."""
    return sorted(
        p.name for p in source_dir().iterdir()
        if p.is_dir() and not p.name.startswith(".") and any(p.glob("*.ipynb"))
    )


def grading_root() -> Path:
    """The nbgrader course the instructor commands act on: the current folder when it has an
    nbgrader_config.py (as with nbgrader itself), otherwise the repository root."""
    here = Path.cwd()
    return here.resolve() if (here / "nbgrader_config.py").is_file() else course_root()
