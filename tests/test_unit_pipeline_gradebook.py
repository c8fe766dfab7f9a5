"""course.pipeline.gradebook and .results: which database, the released checksums, and recording one graded
submission (files under autograded/ and the scores in nbgrader's gradebook). The gradebook is
nbgrader's own, built in-process with its API as `nbgrader generate_assignment` would fill it."""

from __future__ import annotations

import json

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.utils import compute_checksum

from course.autograder.worker import NotebookResult, SubmissionResult
from course.config import database_url
from course.errors import ConfigError, NotReleasedError
from course.pipeline.gradebook import open_gradebook, release_checksums
from course.pipeline.results import write_result
from tests.unit_fixtures import ASSIGNMENT as A
from tests.unit_fixtures import NOTEBOOK as NB
from tests.unit_fixtures import by_id, copy_released_course, released, template_cells


def test_the_db_option_comes_first(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text('c.CourseDirectory.db_url = "sqlite:////config.db"\n')
    assert database_url(tmp_path, "postgresql://host/course") == "postgresql://host/course"


def test_then_the_courses_config(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text('c.CourseDirectory.db_url = "postgresql+psycopg2://u@h/c"\n')
    assert database_url(tmp_path) == "postgresql+psycopg2://u@h/c"


def test_then_sqlite_in_the_course_root(tmp_path):
    assert database_url(tmp_path) == f"sqlite:///{tmp_path / 'gradebook.db'}"
    (tmp_path / "nbgrader_config.py").write_text('c.CourseDirectory.course_id = "x"\n')
    assert database_url(tmp_path) == f"sqlite:///{tmp_path / 'gradebook.db'}"


def test_a_broken_config_is_reported_not_ignored(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("c.CourseDirectory.db_url = \n")
    with pytest.raises(ConfigError):
        database_url(tmp_path)


@pytest.fixture
def course(released_course):
    """A course whose gradebook knows assignment a1 with nb.ipynb (the template of
    tests/unit_fixtures.py: tests ex1-test (2 points) and ex2-test (1), written ex3-answer (3))."""
    return released_course


def test_release_checksums_are_the_released_written_answers(course):
    with open_gradebook(course) as gb:
        checksums = release_checksums(gb, A, [NB])
    assert set(checksums) == {NB}
    stub = by_id(released(template_cells()))["ex3-answer"]
    assert checksums[NB]["ex3-answer"] == compute_checksum(stub)


def test_an_unreleased_assignment_is_a_not_released_error(course):
    with open_gradebook(course) as gb, pytest.raises(NotReleasedError, match="course release a9"):
        release_checksums(gb, "a9", [NB])


def test_an_unreleased_notebook_is_a_not_released_error(course):
    with open_gradebook(course) as gb, pytest.raises(NotReleasedError, match=r"\['other\.ipynb'\]"):
        release_checksums(gb, A, [NB, "other.ipynb"])


def graded(student: str, scores: dict, responded: dict, problems: list[str] | None = None) -> SubmissionResult:
    notebook = NotebookResult(
        NB, scores=scores, responded=responded, graded_json=nbformat.writes(released(template_cells()))
    )
    notebook.problems = problems or []
    return SubmissionResult(student, notebooks=[notebook], seconds=1.234)


def submission_folder(base, student: str = "1001"):
    """A collected submission: the released notebook (write_result reads it again with the grader's
    reader when the worker reported a problem with it) and its time."""
    folder = base / "submitted" / student / A
    folder.mkdir(parents=True)
    nbformat.write(released(template_cells()), folder / NB)
    (folder / "timestamp.txt").write_text("2024-03-01 12:00:00.000000 UTC")
    return folder


def grades(root, student: str) -> dict[str, tuple]:
    """grade id -> (auto score, needs manual grade) of the student's submission, and the written
    answer's automatic comment under "comment"."""
    with Gradebook(database_url(root)) as gb:
        notebook = gb.find_submission_notebook(NB.removesuffix(".ipynb"), A, student)
        found = {g.name: (g.auto_score, g.needs_manual_grade) for g in notebook.grades}
        found["comment"] = {c.name: c.auto_comment for c in notebook.comments}
        found["timestamp"] = gb.find_submission(A, student).timestamp
    return found


def record(root, folder, result) -> None:
    with open_gradebook(root) as gb:
        write_result(gb, root, A, folder, result)


@pytest.fixture(scope="module")
def batch(tmp_path_factory, released_gradebook):
    """One course, four submissions recorded as `course grade` records them, read by the tests
    below (which only look): 1001 answered everything and handed in other files; 1002 left the
    written answer untouched and has no score for ex2-test; 1003's submission could not be graded
    at all; 1004's timestamp is unreadable."""
    base = tmp_path_factory.mktemp("batch")
    root = copy_released_course(base / "course", released_gradebook)
    first = submission_folder(base, "1001")
    (first / "submission_secret.txt").write_text("secret for release_feedback")
    (first / "big.bin").write_bytes(b"0" * 5_000_001)
    (first / "passwords").symlink_to("/etc/passwd")
    (first / "data").mkdir()
    (first / "data" / "x.csv").write_text("a")
    results = {
        "1001": graded(
            "1001", {"ex1-test": 2.0, "ex2-test": 0.0}, {"ex3-answer": True}, problems=["cell #4 ran longer than 60 s"]
        ),
        "1002": graded("1002", {"ex1-test": 0.0}, {"ex3-answer": False}),
        "1003": SubmissionResult("1003", problems=["the submission folder is too large"]),
        "1004": graded("1004", {}, {}),
    }
    folders = {"1001": first, **{s: submission_folder(base, s) for s in ("1002", "1003", "1004")}}
    (folders["1004"] / "timestamp.txt").write_text("not a date at all")
    with open_gradebook(root) as gb:
        for student, result in results.items():
            write_result(gb, root, A, folders[student], result)
    return root, results, {s: grades(root, s) for s in results}


def test_write_result_records_auto_scores_and_an_answer_for_a_human(batch):
    found = batch[2]["1001"]
    assert found["ex1-test"] == (2.0, False) and found["ex2-test"] == (0.0, False)
    assert found["ex3-answer"] == (None, True)  # written, answered: a human grades it
    assert found["comment"]["ex3-answer"] is None
    assert found["timestamp"].isoformat() == "2024-03-01T12:00:00"


def test_an_untouched_written_answer_scores_zero_with_no_response(batch):
    found = batch[2]["1002"]
    assert found["ex3-answer"] == (0.0, False)
    assert found["comment"]["ex3-answer"] == "No response."
    assert found["ex2-test"] == (0.0, False)  # a test missing from the scores did not pass


def test_a_submission_without_graded_notebooks_scores_zero_everywhere(batch):
    found = batch[2]["1003"]
    assert (found["ex1-test"], found["ex2-test"], found["ex3-answer"]) == ((0.0, False),) * 3


def test_write_result_writes_the_graded_notebook_and_the_report(batch):
    root, results, _ = batch
    target = root / "autograded" / "1001" / A
    assert (target / NB).read_text() == results["1001"].notebooks[0].graded_json
    assert (target / "timestamp.txt").read_text() == "2024-03-01 12:00:00.000000 UTC"
    report = json.loads((target / "grading-report.json").read_text())
    assert report == {
        "problems": [f"{NB}: cell #4 ran longer than 60 s"],
        "seconds": 1.23,
        "unreadable": {},  # a problem while running is not an unreadable notebook
        "manual_grades": {"kept": [], "answer_changed": []},
        "lateness": {
            "submitted": "2024-03-01T12:00:00",
            "due": None,
            "extension_seconds": 0,
            "extension_given_as": "",
            "seconds_late": 0,
            "penalties": {"nb": None},  # not late: no penalty, as nbgrader leaves it
        },
    }
    failed = json.loads((root / "autograded" / "1003" / A / "grading-report.json").read_text())
    assert failed["problems"] == ["the submission folder is too large"]


def test_other_regular_files_are_copied_and_links_and_folders_are_not(batch):
    kept = sorted(p.name for p in (batch[0] / "autograded" / "1001" / A).iterdir())
    assert kept == ["grading-report.json", NB, "submission_secret.txt", "timestamp.txt"]


def test_an_unreadable_timestamp_is_left_out(batch):
    assert batch[2]["1004"]["timestamp"] is None
    assert not (batch[0] / "autograded" / "1004" / A / "timestamp.txt").exists()


def test_students_are_recorded_apart(batch):
    root, _, found = batch
    assert found["1001"]["ex1-test"] == (2.0, False) and found["1002"]["ex1-test"] == (0.0, False)
    assert sorted(p.name for p in (root / "autograded").iterdir()) == ["1001", "1002", "1003", "1004"]


def test_grading_again_replaces_the_earlier_files(course, tmp_path):
    folder = submission_folder(tmp_path)
    record(course, folder, graded("1001", {}, {}))
    stale = course / "autograded" / "1001" / A / "stale.txt"
    stale.write_text("from the first run")
    record(course, folder, graded("1001", {"ex1-test": 1.0}, {}))
    assert not stale.exists() and grades(course, "1001")["ex1-test"] == (1.0, False)


def test_an_answer_given_on_resubmission_loses_the_earlier_no_response(course, tmp_path):
    """Graded once with the written answer untouched ("No response."), then again after the student
    answered: the comment must go, or the feedback says "No response." next to the answer."""
    folder = submission_folder(tmp_path)
    record(course, folder, graded("1001", {}, {"ex3-answer": False}))
    assert grades(course, "1001")["comment"]["ex3-answer"] == "No response."
    record(course, folder, graded("1001", {}, {"ex3-answer": True}))
    found = grades(course, "1001")
    assert found["ex3-answer"] == (None, True)
    assert found["comment"]["ex3-answer"] is None
