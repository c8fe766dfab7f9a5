"""Shared fixtures: the repository root, throw-away copies of the course directory, and for the unit
tests a small course whose gradebook has an assignment released (its builders are in
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


@pytest.fixture(scope="session")
def empty_gradebook(tmp_path_factory) -> Path:
    """A new, empty nbgrader gradebook to copy, made once per session; every other gradebook the
    tests build starts as a copy of it. nbgrader runs the `alembic` command to learn the schema
    version whenever it creates a database (seconds on a busy machine); a fixed version is recorded
    instead, which nothing in the course reads."""
    import nbgrader.api

    from course.pipeline.gradebook import open_gradebook

    root = tmp_path_factory.mktemp("gradebook")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(nbgrader.api, "get_alembic_version", lambda: "unit-test")
        with open_gradebook(root):
            pass
    return root / "gradebook.db"


@pytest.fixture(scope="session")
def released_gradebook(tmp_path_factory, empty_gradebook) -> Path:
    """A gradebook file in which the assignment of tests/unit_fixtures.py is released, filled with
    nbgrader's API as `nbgrader generate_assignment` fills it (built once per session from
    `empty_gradebook`; `released_course` hands each test a copy)."""
    from tests.unit_fixtures import ASSIGNMENT, NOTEBOOK, record_release, template_cells

    path = tmp_path_factory.mktemp("released") / "gradebook.db"
    shutil.copyfile(empty_gradebook, path)
    record_release(f"sqlite:///{path}", ASSIGNMENT, {NOTEBOOK: template_cells()})
    return path


@pytest.fixture
def released_course(tmp_path, released_gradebook) -> Path:
    """A course root with the template of tests/unit_fixtures.py as notebooks/a1/nb.ipynb and a
    gradebook (gradebook.db) in which a1 is released and nothing is graded yet."""
    from tests.unit_fixtures import copy_released_course

    return copy_released_course(tmp_path / "course", released_gradebook)
