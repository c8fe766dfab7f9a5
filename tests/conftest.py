"""Shared fixtures: the repository root, and throw-away copies of the course directory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from course.paths import course_root


@pytest.fixture(scope="session")
def root() -> Path:
    return course_root()


def make_course_copy(destination: Path, assignments: list[str]) -> Path:
    """A minimal nbgrader course directory: the config and the chosen source assignments."""
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy2(course_root() / "nbgrader_config.py", destination / "nbgrader_config.py")
    for assignment in assignments:
        shutil.copytree(course_root() / "notebooks" / assignment, destination / "notebooks" / assignment)
    return destination


@pytest.fixture(scope="session")
def empty_gradebook(tmp_path_factory) -> Path:
    """A new, empty nbgrader gradebook to copy: nbgrader creates each new one with an `alembic` subprocess
    (seconds), so tests that only need a gradebook copy this one."""
    from course.pipeline.gradebook import open_gradebook

    root = tmp_path_factory.mktemp("gradebook")
    with open_gradebook(root):
        pass
    return root / "gradebook.db"
