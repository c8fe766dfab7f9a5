"""course.cli with course.errors: a mistake the user can fix is one line on stderr, "course <verb>:
...", and the error's exit code; never a traceback. Run in-process on throw-away course folders,
for verbs that fail before any kernel or nbgrader process would start."""

from __future__ import annotations

import pytest

from course import errors
from course.cli import main
from course.pipeline import check
from tests.unit_fixtures import make_course, template_cells


def one_line(capsys, verb: str) -> str:
    """What the command printed on stderr, insisting it is one line from `verb` and no traceback."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"course {verb}: "), err
    return lines[0]


def test_checking_a_notebook_of_no_module_is_a_usage_error(capsys):
    assert main(["check", "/tmp/nowhere/x.ipynb"]) == 2
    assert "cannot tell which module" in one_line(capsys, "check")


def test_grading_an_assignment_without_notebooks(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(make_course(tmp_path, {"a1": {"nb.ipynb": template_cells()}}))
    assert main(["grade", "a9"]) == 2
    assert "no source notebooks for 'a9'" in one_line(capsys, "grade")


def test_a_bad_grading_limit_names_the_setting(tmp_path, monkeypatch, capsys):
    root = make_course(tmp_path, {"a1": {"nb.ipynb": template_cells()}})
    with open(root / "nbgrader_config.py", "a") as config:
        config.write("c.GradingLimits.memory_gb = 4\n")
    monkeypatch.chdir(root)
    assert main(["grade", "a1"]) == 2
    assert "c.GradingLimits.memory_gb, which is not a limit" in one_line(capsys, "grade")


def test_a_bad_option_is_refused_before_anything_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(make_course(tmp_path, {"a1": {"nb.ipynb": template_cells()}}))
    assert main(["grade", "a1", "--cell-timeout", "0"]) == 2
    assert "cell_timeout must be a positive number" in one_line(capsys, "grade")


def test_grading_an_assignment_the_gradebook_does_not_know(released_course, monkeypatch, capsys):
    make_course(released_course, {"a2": {"nb.ipynb": template_cells()}})  # a source, never released
    monkeypatch.chdir(released_course)
    assert main(["grade", "a2"]) == 1
    assert "run `course release a2` first" in one_line(capsys, "grade")


def test_collecting_from_nothing(released_course, monkeypatch, capsys):
    monkeypatch.chdir(released_course)
    assert main(["collect", "a1", "--from", "no-such-download.zip"]) == 2
    assert "neither a folder nor a zip file" in one_line(capsys, "collect")
    assert not (released_course / "submitted").exists()


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (errors.UsageError, 2),
        (errors.ConfigError, 2),
        (errors.NotReleasedError, 1),
        (errors.DataError, 1),
        (errors.SubmissionError, 1),
        (errors.NbgraderError, 1),
        (errors.ZygoteError, 1),
        (errors.CourseError, 1),
    ],
)
def test_each_course_error_is_one_line_and_its_exit_code(monkeypatch, capsys, error, code):
    """A mistake in the command or the configuration exits 2, like argparse's; any other failure 1."""

    def fail(*_args, **_kwargs):
        raise error("what went wrong, and what to do")

    monkeypatch.setattr(check, "check_notebook", fail)
    assert main(["check", "x.ipynb"]) == code
    assert one_line(capsys, "check") == "course check: what went wrong, and what to do"


def test_an_interrupt_says_what_is_kept(monkeypatch, capsys):
    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(check, "check_notebook", interrupted)
    assert main(["check", "x.ipynb"]) == 130
    assert "what was finished is kept" in capsys.readouterr().err


def test_a_bug_is_not_disguised_as_a_user_error(monkeypatch):
    """Only CourseErrors are the user's to fix; anything else keeps its traceback for a bug report."""

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(check, "check_notebook", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        main(["check", "x.ipynb"])


def test_a_missing_argument_is_argparse_s_usage_error(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["grade"])
    assert raised.value.code == 2 and "assignment" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["export", "--assignment", "a9"], ["report", "a9"]], ids=["export", "report"])
def test_an_assignment_the_gradebook_does_not_know_is_one_line(released_course, monkeypatch, capsys, argv):
    """A typo in the assignment's name, or an assignment not released yet."""
    monkeypatch.chdir(released_course)
    assert main(argv) == 1
    assert "'a9' is not in the gradebook" in one_line(capsys, argv[0])
    assert not (released_course / "reports").exists() or not list((released_course / "reports").iterdir())
