"""Shared fixtures: the repository root, throw-away copies of the course directory, and a gradebook
that can be created without nbgrader's `alembic` subprocess (the unit tests' builders are in
tests/unit_fixtures.py)."""

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


@pytest.fixture
def fast_gradebook(monkeypatch):
    """nbgrader's Gradebook runs the `alembic` command to learn the schema version whenever it
    creates a database (seconds on a busy machine); unit tests record a fixed version instead.
    Nothing in the course reads it."""
    import nbgrader.api

    monkeypatch.setattr(nbgrader.api, "get_alembic_version", lambda: "unit-test")
