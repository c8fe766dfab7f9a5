"""What the student is told about a notebook the grader cannot read (course.pipeline.unreadable):
the likely cause, from the file itself."""

from __future__ import annotations

import nbformat
import pytest

from course.paths import course_root
from course.pipeline.unreadable import _summary

LIMIT = 50_000_000


def released() -> bytes:
    return (course_root() / "notebooks" / "00-orientation" / "00-orientation.ipynb").read_bytes()


@pytest.mark.parametrize("fraction", [0.1, 0.25, 0.5, 2 / 3, 0.9, 0.999])
def test_a_download_cut_short_anywhere_is_named_as_such(tmp_path, fraction):
    """Wherever the cut falls (between values, or inside a string), the reason is the same."""
    data = released()
    path = tmp_path / "nb.ipynb"
    path.write_bytes(data[: int(len(data) * fraction)])
    assert "cut short" in _summary(path, LIMIT)


def test_a_quote_deleted_by_hand_is_not_called_cut_short(tmp_path):
    text = nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]))
    path = tmp_path / "nb.ipynb"
    path.write_text(text.replace('"cell_type"', "cell_type", 1), encoding="utf-8")
    assert _summary(path, LIMIT) == "The file was changed outside JupyterLab and is no longer a valid notebook."


@pytest.mark.parametrize(
    "content, words",
    [
        (b"", "empty"),
        (b"<!DOCTYPE html><html>", "web page"),
        (b"%PDF-1.7", "PDF"),
        (b"PK\x03\x04", "zip"),
        (b"\xff\xfe\x00\x01", "not text"),
        (b"[1, 2]", "not a notebook"),
    ],
)
def test_other_files_renamed_to_ipynb(tmp_path, content, words):
    path = tmp_path / "nb.ipynb"
    path.write_bytes(content)
    assert words in _summary(path, LIMIT)
