"""course.pipeline.feedback: the nbgrader command `course feedback` runs (nbgrader itself is run
by tests/test_grading_pipeline.py, which checks the hidden tests are gone from the pages)."""

from __future__ import annotations

from course.pipeline import feedback as feedback_module
from course.pipeline.feedback import feedback
from course.pipeline.release import db_arguments


def test_feedback_is_generated_for_the_courses_gradebook(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(feedback_module, "run_nbgrader", lambda root, *args: calls.append((root, list(args))) or "")
    assert feedback(tmp_path, "a1", "postgresql://h/c") == tmp_path / "feedback"
    assert calls == [(tmp_path, ["generate_feedback", "a1", "--force", *db_arguments(tmp_path, "postgresql://h/c")])]
