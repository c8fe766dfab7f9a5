"""course.autograder.limits: the grader's limits, from nbgrader_config.py and the command line."""

from __future__ import annotations

import re

import pytest

from course.autograder.limits import Limits
from course.errors import ConfigError
from course.paths import course_root


def config(tmp_path, *lines: str):
    (tmp_path / "nbgrader_config.py").write_text("\n".join(["c = get_config()", *lines]) + "\n")
    return tmp_path


def test_without_a_config_the_defaults_apply(tmp_path):
    assert Limits.from_config(tmp_path) == Limits()


def test_the_documented_defaults_are_the_real_ones():
    """The README and `course grade --help` quote the defaults; they must be the code's."""
    from course.cli import build_parser

    readme = (course_root() / "README.md").read_text()
    cell, submission = re.search(r"time per cell \((\d+) s\) and per submission \((\d+) s\)", readme).groups()
    assert (float(cell), float(submission)) == (Limits().cell_timeout, Limits().submission_timeout)
    grade = build_parser()._subparsers._group_actions[0].choices["grade"]
    helps = {a.dest: a.help for a in grade._actions}
    assert helps["cell_timeout"].endswith(f"else {Limits().cell_timeout:g})")
    assert helps["submission_timeout"].endswith(f"else {Limits().submission_timeout:g})")
    assert helps["memory_mb"].endswith(f"else {Limits().memory_mb})")


def test_the_courses_own_config_is_valid_and_sets_the_cell_timeout_from_nbgrader():
    from course.config import setting

    limits = Limits.from_config(course_root())
    assert limits.cell_timeout == float(setting(course_root(), "Execute", "timeout"))


def test_execute_timeout_is_the_cell_timeout(tmp_path):
    assert Limits.from_config(config(tmp_path, "c.Execute.timeout = 12")).cell_timeout == 12.0


@pytest.mark.parametrize("unset", ["None", "0"])
def test_an_unset_execute_timeout_keeps_the_default(tmp_path, unset):
    assert Limits.from_config(config(tmp_path, f"c.Execute.timeout = {unset}")).cell_timeout == Limits().cell_timeout


def test_grading_limits_are_read(tmp_path):
    limits = Limits.from_config(
        config(tmp_path, "c.GradingLimits.memory_mb = 512", "c.GradingLimits.submission_timeout = 42.5")
    )
    assert (limits.memory_mb, limits.submission_timeout) == (512, 42.5)
    assert limits.max_processes == Limits().max_processes  # not set: default


def test_overrides_win_and_none_overrides_are_ignored(tmp_path):
    root = config(tmp_path, "c.Execute.timeout = 12", "c.GradingLimits.memory_mb = 512")
    limits = Limits.from_config(root, cell_timeout=5, memory_mb=None, submission_timeout=None)
    assert (limits.cell_timeout, limits.memory_mb, limits.submission_timeout) == (5, 512, Limits().submission_timeout)


def test_an_unknown_grading_limit_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"c\.GradingLimits\.memory_gb, which is not a limit") as raised:
        Limits.from_config(config(tmp_path, "c.GradingLimits.memory_gb = 2"))
    assert "memory_mb" in str(raised.value)  # and the real names are listed


@pytest.mark.parametrize("value", ["0", "-1", "True", "'2048'", "None"])
def test_a_limit_must_be_a_positive_number(tmp_path, value):
    with pytest.raises(ConfigError, match="memory_mb must be a positive number"):
        Limits.from_config(config(tmp_path, f"c.GradingLimits.memory_mb = {value}"))


@pytest.mark.parametrize("value", [0, -5.0, False, "60"])
def test_a_bad_override_is_refused_too(tmp_path, value):
    with pytest.raises(ConfigError, match="cell_timeout"):
        Limits.from_config(tmp_path, cell_timeout=value)


def test_a_broken_config_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match=r"nbgrader_config\.py"):
        Limits.from_config(config(tmp_path, "c.GradingLimits.memory_mb = (("))


def test_as_dict_and_from_dict_round_trip():
    limits = Limits(cell_timeout=7.5, memory_mb=300, max_output_bytes=99)
    assert Limits.from_dict(limits.as_dict()) == limits


def test_from_dict_ignores_unknown_keys_and_keeps_defaults_for_missing_ones():
    limits = Limits.from_dict({"memory_mb": 300, "not_a_limit": 1})
    assert limits.memory_mb == 300 and limits.cell_timeout == Limits().cell_timeout


@pytest.mark.parametrize("seconds", [1, 59.9, 300])
def test_cpu_time_is_a_backstop_beyond_the_wall_time(seconds):
    assert Limits(submission_timeout=seconds).cpu_seconds > seconds
