"""Does `course workspace` (run by `make lab`) build student versions without ever losing work?"""

from __future__ import annotations

import nbformat
import pytest

from course.cli import main
from course.paths import assignments

pytestmark = pytest.mark.slow


def test_builds_student_versions_and_keeps_existing_work(tmp_path, capsys):
    workspace = tmp_path / "workspace"
    assert main(["workspace", "--dest", str(workspace)]) == 0
    for assignment in assignments():
        notebooks = list((workspace / assignment).glob("*.ipynb"))
        assert notebooks, f"no student notebook for {assignment}"
        for path in notebooks:
            text = path.read_text()
            assert "### BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
            assert "raise NotImplementedError()" in text

    mine = next((workspace / assignments()[0]).glob("*.ipynb"))
    nb = nbformat.read(mine, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("my own notes"))
    nbformat.write(nb, mine)
    capsys.readouterr()
    assert main(["workspace", "--dest", str(workspace)]) == 0
    assert "my own notes" in mine.read_text()
    assert "your work is never overwritten" in capsys.readouterr().out
