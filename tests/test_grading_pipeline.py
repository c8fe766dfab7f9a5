"""The instructor's pipeline end to end, through the `course` command, on a copy of the course:
release, collect a Canvas download, grade, feedback, export, report. `course grade` must agree
with stock `nbgrader autograde` on every automatic score."""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

import nbformat
import pytest

from course.nbgrader_run import run_nbgrader
from course.pipeline.collect import collect
from tests.conftest import make_course_copy
from tests.helpers import course_ok as course_cli
from tests.helpers import gradebook_scores

pytestmark = pytest.mark.slow
A = "00-orientation"


def scores(course: Path) -> dict:
    return gradebook_scores(course, A)


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    course = make_course_copy(tmp_path_factory.mktemp("pipeline"), [A])
    course_cli(course, "release", A)
    source = nbformat.read(course / "notebooks" / A / f"{A}.ipynb", as_version=4)
    blank = nbformat.read(course / "release" / A / f"{A}.ipynb", as_version=4)
    mistaken = nbformat.from_dict(source)
    for cell in mistaken.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "ex5-answer":
            cell.source = 'precision_answer = "A"'
    download = tmp_path_factory.mktemp("lms") / "submissions.zip"
    with zipfile.ZipFile(download, "w") as zf:
        zf.writestr(f"doejane_1001_5001_{A}.ipynb", nbformat.writes(source))
        zf.writestr(f"roeeric_LATE_1002_5002_{A}-1.ipynb", nbformat.writes(blank))
        zf.writestr(f"kimmin_1003_5003_{A}.ipynb", nbformat.writes(mistaken))
        zf.writestr("../../escape.ipynb", "{}")
    collected = course_cli(course, "collect", A, "--from", str(download))
    stock = tmp_path_factory.mktemp("stock")
    shutil.copytree(course, stock, dirs_exist_ok=True)
    graded = course_cli(course, "grade", A, "--jobs", "2")
    run_nbgrader(stock, "autograde", A, "--force")
    return {"course": course, "stock": stock, "collected": collected, "graded": graded}


def test_collect_reads_the_canvas_download(pipeline):
    submitted = pipeline["course"] / "submitted"
    assert sorted(p.name for p in submitted.iterdir()) == ["1001", "1002", "1003"]
    assert (submitted / "1002" / A / f"{A}.ipynb").is_file()  # "-1" resubmission renamed
    assert "unsafe path" in pipeline["collected"]
    assert not (pipeline["course"].parent / "escape.ipynb").exists()


def test_grade_reports_and_scores(pipeline):
    assert "graded 3 submission(s)" in pipeline["graded"] and "no problems" in pipeline["graded"]
    got = scores(pipeline["course"])
    assert got[("1001", "ex1-test")] == 2 and got[("1001", "ex6-answer")] is None
    assert all(v == 0 for (student, _), v in got.items() if student == "1002")
    assert got[("1003", "ex5-test")] == 0 and got[("1003", "ex4-test")] == 2


def test_course_grade_agrees_with_stock_nbgrader(pipeline):
    ours, stock = scores(pipeline["course"]), scores(pipeline["stock"])
    assert ours == stock


def test_feedback_hides_the_hidden_tests(pipeline):
    course_cli(pipeline["course"], "feedback", A)
    for student in ("1001", "1002", "1003"):
        page = (pipeline["course"] / "feedback" / student / A / f"{A}.html").read_text()
        assert "BEGIN HIDDEN TESTS" not in page and "_expect_equal" not in page
        assert "Check that n_korea_2018" in page  # the visible test is shown
    assert (
        "is not right: a month-precision date"
        in (pipeline["course"] / "feedback" / "1003" / A / f"{A}.html").read_text()
    )


def test_export_has_one_row_per_student_and_question(pipeline):
    course_cli(pipeline["course"], "export", "--output", "grades.csv")
    with open(pipeline["course"] / "grades.csv") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 3 * 6
    assert {r["question"] for r in rows} == {"ex1-test", "ex2-test", "ex3-test", "ex4-test", "ex5-test", "ex6-answer"}
    row = next(r for r in rows if r["student"] == "1003" and r["question"] == "ex5-test")
    assert float(row["score"]) == 0 and float(row["max_score"]) == 2 and row["kind"] == "auto"


def test_report_has_item_analysis_and_quiz_answers(pipeline):
    course_cli(pipeline["course"], "report", A)
    page = (pipeline["course"] / "reports" / f"{A}.html").read_text()
    # 1002 handed in the released notebook unchanged: a non-attempt, counted and left out
    assert "3 graded submissions. <strong>2 counted</strong>" in page and "1 blank" in page and "1002" in page
    assert '<img src="data:image/png;base64,' in page and 'alt="Total score of 2 students' in page
    assert "discrimination" in page and "Full marks for nobody" in page
    assert "C (right)" in page and ">A<" in page
    assert "a month-precision date is stored as the first day of the month" in page  # the near miss 1003 made


def test_collect_reads_moodle_folders(tmp_path):
    download = tmp_path / "moodle"
    (download / "Jane Doe_77_assignsubmission_file_").mkdir(parents=True)
    (download / "Jane Doe_77_assignsubmission_file_" / "my work.ipynb").write_text("{}")
    (download / "Bad Link_78_assignsubmission_file_").mkdir()
    (download / "Bad Link_78_assignsubmission_file_" / "x.ipynb").symlink_to("/etc/passwd")
    report = collect(A, download, tmp_path / "course", [f"{A}.ipynb"])
    assert list(report.collected) == ["77"]  # no roster: the participant id, with a warning
    assert any("changes for every assignment" in note for note in report.notes)
    assert any("a link, not a file" in line for line in report.skipped)
    assert (tmp_path / "course" / "submitted" / "77" / A / f"{A}.ipynb").is_file()


def test_progress_estimates_from_the_pace_after_start_up(monkeypatch):
    """Start-up (workers, the zygote) happens once: the estimate uses the pace after the first result."""
    import io

    from course.autograder.worker import SubmissionResult
    from course.pipeline import grade as autograde

    clock = iter([100.0, 104.0, 105.0, 106.0])  # start; results at +4 s, +5 s, +6 s
    monkeypatch.setattr(autograde.time, "monotonic", lambda: next(clock))
    stream = io.StringIO()
    meter = autograde.Progress(10, stream=stream)
    for student in ("a", "b", "c"):
        meter.update(SubmissionResult(student))
    last = stream.getvalue().splitlines()[-1]
    assert "3/10" in last and "ETA    7s" in last, last  # 1 s each for the 7 left, not (6 s / 3) * 7 = 14 s
