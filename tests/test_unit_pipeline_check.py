"""course.pipeline.check.find_template: which of the course's notebooks a learner's notebook is a
copy of. Checking itself runs a kernel: tests/test_check.py."""

from __future__ import annotations

import pytest

from course.errors import UsageError
from course.paths import assignment_dir, assignments, course_root
from course.pipeline.check import find_template
from tests.unit_fixtures import make_course, template_cells

A = "00-orientation"  # one notebook, named like its module


def test_the_module_is_the_notebooks_folder_and_the_file_its_name(tmp_path):
    mine = tmp_path / "workspace" / A / f"{A}.ipynb"
    assert find_template(mine) == course_root() / "notebooks" / A / f"{A}.ipynb"


def test_a_renamed_copy_in_a_single_notebook_module_is_that_notebook(tmp_path):
    mine = tmp_path / A / f"{A} (copy 2).ipynb"
    assert find_template(mine) == assignment_dir(A) / f"{A}.ipynb"


def test_the_module_can_be_named_when_the_folder_does_not_say(tmp_path):
    other = assignments()[1]
    mine = tmp_path / "Downloads" / "homework.ipynb"
    assert find_template(mine, other).parent == assignment_dir(other)


def test_an_unknown_module_is_a_usage_error_that_lists_the_modules(tmp_path):
    with pytest.raises(UsageError, match="pass --assignment") as raised:
        find_template(tmp_path / "nowhere" / "x.ipynb")
    assert A in str(raised.value)
    with pytest.raises(UsageError):
        find_template(tmp_path / A / "x.ipynb", "99-no-such-module")


@pytest.fixture
def two_notebook_course(tmp_path, monkeypatch):
    """A course (COURSE_ROOT) whose module m1 has two notebooks."""
    root = make_course(
        tmp_path / "course", {"m1": {"part-a.ipynb": template_cells(), "part-b.ipynb": template_cells()}}
    )
    monkeypatch.setenv("COURSE_ROOT", str(root))
    return root


def test_in_a_module_with_several_notebooks_the_name_decides(two_notebook_course, tmp_path):
    assert (
        find_template(tmp_path / "m1" / "part-b.ipynb") == two_notebook_course.resolve() / "notebooks/m1/part-b.ipynb"
    )
    with pytest.raises(UsageError, match=r"mine\.ipynb is not one of \['part-a\.ipynb', 'part-b\.ipynb'\]"):
        find_template(tmp_path / "m1" / "mine.ipynb")
