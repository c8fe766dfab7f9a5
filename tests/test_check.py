"""Does `course check` grade a learner's notebook against the full tests, as `course grade` would?"""

from __future__ import annotations

import shutil

import pytest

from course.nbgrader_run import run_nbgrader
from tests.conftest import make_course_copy
from tests.helpers import course_ok, run_course

pytestmark = pytest.mark.slow
A = "00-orientation"


def check(notebook) -> str:
    return course_ok(None, "check", str(notebook), timeout=300)


def test_solution_and_blank(tmp_path):
    course = make_course_copy(tmp_path / "course", [A])
    run_nbgrader(course, "generate_assignment", A, "--force", "--no-db")
    for version in ("notebooks", "release"):
        (tmp_path / version / A).mkdir(parents=True)
        shutil.copy2(course / version / A / f"{A}.ipynb", tmp_path / version / A)
    solved = check(tmp_path / "notebooks" / A / f"{A}.ipynb")
    assert "automatic score: 10 of 10" in solved and "FAIL" not in solved
    blank = check(tmp_path / "release" / A / f"{A}.ipynb")
    assert "automatic score: 0 of 10" in blank
    assert "FAIL  ex1-test       0/2  NameError: name 'n_korea_2018' is not defined" in blank
    assert "ex6-answer" in blank and "not answered yet" in blank
    assert (tmp_path / "release" / A / f"{A}-checked.html").is_file()


def test_unreadable_notebook_stops_with_the_reason(tmp_path):
    (tmp_path / A).mkdir()
    (tmp_path / A / f"{A}.ipynb").write_text("{broken")
    result = run_course(None, "check", str(tmp_path / A / f"{A}.ipynb"), timeout=120)
    assert result.returncode != 0 and "not valid notebook JSON" in result.stderr
