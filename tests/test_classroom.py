"""A class on one machine, through nbgrader's real exchange: the instructor releases, two students
(separate home folders, named as on Zero to JupyterHub by JUPYTERHUB_USER; see tests/as_student.py)
fetch, work and submit; the instructor collects, grades and returns feedback; each student fetches
only their own feedback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course.nbgrader_run import environment_for_tools
from tests.conftest import make_course_copy

pytestmark = pytest.mark.slow
A = "00-orientation"
COURSE_ID = "summits-and-warheads"


def run(cwd: Path, *command: str, user: str | None = None, home: Path | None = None) -> str:
    env = environment_for_tools()
    if user:
        env |= {"JUPYTERHUB_USER": user, "HOME": str(home), "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    result = subprocess.run(list(command), cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def nbgrader(cwd, *args, **who):
    if who:  # a student: nbgrader as on a Zero to JupyterHub single-user server
        return run(cwd, sys.executable, "-m", "tests.as_student", *args, **who)
    return run(cwd, sys.executable, "-m", "nbgrader", *args)


def course(cwd, *args):
    return run(cwd, sys.executable, "-m", "course.cli", *args)


def work_on(notebook: Path, source: Path, marker: str, wrong_answer: bool) -> None:
    """The student answers: the instructor's solutions, one of them wrong for bob, a signed essay."""
    answers = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in nbformat.read(source, as_version=4).cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
        if grade_id == "ex6-answer":
            cell.source = f"My answer, written by {marker}."
        if wrong_answer and grade_id == "ex5-answer":
            cell.source = 'precision_answer = "B"'
    nbformat.write(nb, notebook)


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    base = tmp_path_factory.mktemp("classroom")
    exchange = base / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)
    instructor = make_course_copy(base / "instructor" / COURSE_ID, [A])
    with open(instructor / "nbgrader_config.py", "a") as config:
        config.write(f"\nc.Exchange.root = {str(exchange)!r}\n")
    course(instructor, "release", A, "--exchange")
    homes = {}
    for student, wrong in (("alice", False), ("bob", True)):
        home = base / "home" / student
        home.mkdir(parents=True)
        homes[student] = home
        who = {"user": student, "home": home}
        nbgrader(home, "list", "--course", COURSE_ID, f"--Exchange.root={exchange}", **who)
        nbgrader(home, "fetch_assignment", A, "--course", COURSE_ID, f"--Exchange.root={exchange}", **who)
        work_on(home / A / f"{A}.ipynb", instructor / "notebooks" / A / f"{A}.ipynb", f"{student}-was-here", wrong)
        nbgrader(home, "submit", A, "--course", COURSE_ID, f"--Exchange.root={exchange}", **who)
    course(instructor, "collect", A, "--from", "exchange")
    graded = course(instructor, "grade", A)
    course(instructor, "feedback", A)
    nbgrader(instructor, "release_feedback", A)
    for student, home in homes.items():
        nbgrader(
            home, "fetch_feedback", A, "--course", COURSE_ID, f"--Exchange.root={exchange}", user=student, home=home
        )
    return {"instructor": instructor, "homes": homes, "graded": graded}


def test_both_submissions_were_collected_and_graded(classroom):
    submitted = classroom["instructor"] / "submitted"
    assert sorted(p.name for p in submitted.iterdir()) == ["alice", "bob"]
    assert "graded 2 submission(s)" in classroom["graded"]


def _feedback_pages(home: Path) -> list[Path]:
    return sorted((home / A / "feedback").rglob("*.html"))


def test_each_student_sees_only_their_own_feedback(classroom):
    for student, other in (("alice", "bob"), ("bob", "alice")):
        pages = _feedback_pages(classroom["homes"][student])
        assert len(pages) == 1, f"{student} should have one feedback page, has {pages}"
        text = pages[0].read_text()
        assert f"{student}-was-here" in text and f"{other}-was-here" not in text
        assert "BEGIN HIDDEN TESTS" not in text


def test_feedback_reports_each_students_score(classroom):
    alice = _feedback_pages(classroom["homes"]["alice"])[0].read_text()
    bob = _feedback_pages(classroom["homes"]["bob"])[0].read_text()
    assert "a precision is itself a claim" in bob and "a precision is itself" not in alice


def test_students_receive_their_feedback_pages_and_not_the_graders_report(classroom):
    """nbgrader's generate_feedback copies every other file of autograded/ into feedback/, so the
    grader's grading-report.json (problems, timings, hand-grade notes) is there on the instructor's
    side; release_feedback must send the HTML pages only."""
    assert (classroom["instructor"] / "feedback" / "alice" / A / "grading-report.json").is_file()
    for student, home in classroom["homes"].items():
        fetched = [p for p in (home / A / "feedback").rglob("*") if p.is_file()]
        assert fetched and all(p.suffix == ".html" for p in fetched), (student, fetched)
