"""course.pipeline.feedback: what `course feedback` does before and when it runs nbgrader (nbgrader
itself is run by tests/test_grading_pipeline.py, which checks the hidden tests are gone from the
pages, and tests/test_instructor_workflow.py, which checks the feedback zips)."""

from __future__ import annotations

import datetime as dt

from nbgrader.api import Gradebook

from course.pipeline import feedback as feedback_module
from course.pipeline.feedback import feedback
from course.pipeline.gradebook import open_gradebook
from tests.unit_fixtures import ASSIGNMENT, record_graded


def test_feedback_is_generated_for_the_courses_gradebook_with_penalties_on_the_current_scores(
    released_course, monkeypatch
):
    """A late submission penalised at grading time (policy "zero": the whole score) and graded by hand
    afterwards: nbgrader's generate_feedback shows the penalty stored in the gradebook, so `course
    feedback` recomputes it on the current score first, says so, and gives nbgrader the same --db."""
    root = released_course
    with open(root / "nbgrader_config.py", "a") as config:
        config.write('c.LateSubmissionPlugin.penalty_method = "zero"\n')
    with open_gradebook(root) as gb:
        gb.find_assignment(ASSIGNMENT).duedate = dt.datetime(2024, 3, 1, 12)
        gb.db.commit()
    folder = root / "submitted" / "1001" / ASSIGNMENT
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").write_text("2024-03-02 12:00:00.000000 UTC")  # a day late
    record_graded(root, "1001", {"ex1-test": 2.0, "ex2-test": 1.0}, {"ex3-answer": True}, {"ex3-answer": "Mine."})
    url = f"sqlite:///{root / 'elsewhere.db'}"  # a --db that is not the course's default
    (root / "gradebook.db").rename(root / "elsewhere.db")
    with Gradebook(url) as gb:
        assert gb.find_submission_notebook("nb", ASSIGNMENT, "1001").late_submission_penalty == 3.0
        grade = gb.find_grade("ex3-answer", "nb", ASSIGNMENT, "1001")
        grade.manual_score, grade.needs_manual_grade = 2.0, False
        gb.db.commit()

    calls = []

    def nbgrader(course, *args):
        with Gradebook(url) as gb:  # what nbgrader will read when it runs
            calls.append(
                (course, list(args), gb.find_submission_notebook("nb", ASSIGNMENT, "1001").late_submission_penalty)
            )
        return ""

    monkeypatch.setattr(feedback_module, "run_nbgrader", nbgrader)
    pages, changed = feedback(root, ASSIGNMENT, url)
    assert pages == root / "feedback"
    assert changed == ["1001 nb: late penalty 3 -> 5 (recomputed on the current score 5)"]
    assert calls == [(root, ["generate_feedback", ASSIGNMENT, "--force", f"--CourseDirectory.db_url={url}"], 5.0)]
