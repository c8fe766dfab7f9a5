"""course.pipeline.release: the nbgrader commands `course release` runs, and with which gradebook.
nbgrader itself is not run here (tests/test_grading_pipeline.py runs it)."""

from __future__ import annotations

import pytest

from course.pipeline import release as release_module
from course.pipeline.release import db_arguments, release


@pytest.fixture
def nbgrader_calls(monkeypatch):
    """Every `nbgrader ...` the module would run, as (course folder, arguments)."""
    calls = []
    monkeypatch.setattr(release_module, "run_nbgrader", lambda root, *args: calls.append((root, list(args))) or "")
    return calls


def test_the_gradebook_option_follows_the_courses_choice(tmp_path):
    assert db_arguments(tmp_path, None) == [f"--CourseDirectory.db_url=sqlite:///{tmp_path / 'gradebook.db'}"]
    assert db_arguments(tmp_path, "postgresql://h/c") == ["--CourseDirectory.db_url=postgresql://h/c"]
    (tmp_path / "nbgrader_config.py").write_text('c.CourseDirectory.db_url = "postgresql://cfg/c"\n')
    assert db_arguments(tmp_path, None) == ["--CourseDirectory.db_url=postgresql://cfg/c"]


def test_release_generates_the_student_version_into_release(tmp_path, nbgrader_calls):
    assert release(tmp_path, "a1") == tmp_path / "release" / "a1"
    assert nbgrader_calls == [(tmp_path, ["generate_assignment", "a1", "--force", *db_arguments(tmp_path, None)])]


def test_release_to_the_exchange_publishes_it_too(tmp_path, nbgrader_calls):
    release(tmp_path, "a1", "postgresql://h/c", to_exchange=True)
    db = ["--CourseDirectory.db_url=postgresql://h/c"]
    assert nbgrader_calls == [
        (tmp_path, ["generate_assignment", "a1", "--force", *db]),
        (tmp_path, ["release_assignment", "a1", "--force", *db]),
    ]
