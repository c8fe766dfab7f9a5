"""course.config: the course's nbgrader_config.py, read the way nbgrader reads it."""

from __future__ import annotations

import pytest

from course.config import load_config, setting
from course.errors import ConfigError


def write(tmp_path, text: str):
    (tmp_path / "nbgrader_config.py").write_text(text)
    return tmp_path


def test_no_config_file_is_an_empty_config(tmp_path):
    assert load_config(tmp_path) == {}
    (tmp_path / "nbgrader_config.py").mkdir()  # not a file either
    assert load_config(tmp_path) == {}


def test_sections_nbgrader_does_not_know_are_read_too(tmp_path):
    config = load_config(write(tmp_path, "c = get_config()\nc.GradingLimits.memory_mb = 512\nc.Execute.timeout = 9\n"))
    assert config.GradingLimits.memory_mb == 512 and config.Execute.timeout == 9


@pytest.mark.parametrize(
    ("text", "kind"),
    [("c.Execute.timeout = (\n", "SyntaxError"), ("c.Execute.timeout = undefined_name\n", "NameError")],
)
def test_a_broken_config_names_the_file_and_the_error(tmp_path, text, kind):
    with pytest.raises(ConfigError) as raised:
        load_config(write(tmp_path, text))
    message = str(raised.value)
    assert str(tmp_path / "nbgrader_config.py") in message and kind in message


def test_setting_reads_one_value_or_the_default(tmp_path):
    root = write(tmp_path, 'c.CourseDirectory.db_url = "sqlite:////x.db"\n')
    assert setting(root, "CourseDirectory", "db_url") == "sqlite:////x.db"
    assert setting(root, "CourseDirectory", "course_id", default="none") == "none"
    assert setting(root, "Exchange", "root") is None
    assert setting(tmp_path / "elsewhere", "CourseDirectory", "db_url", default="d") == "d"


def test_the_config_is_read_afresh_each_time(tmp_path):
    """An instructor who edits nbgrader_config.py between two commands gets the new value."""
    root = write(tmp_path, "c.Execute.timeout = 9\n")
    assert setting(root, "Execute", "timeout") == 9
    write(tmp_path, "c.Execute.timeout = 11\n")
    assert setting(root, "Execute", "timeout") == 11
