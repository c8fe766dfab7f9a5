"""Are the committed notebooks clean sources that nbgrader accepts?

Outputs stripped (no answers or personal paths leak into git), minimal metadata, exactly one
H1 title, and nbgrader metadata that nbgrader's own validator accepts (no duplicate grade ids).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbgrader.nbgraderformat import MetadataValidator

from course.paths import course_root

NOTEBOOKS = sorted(
    p
    for folder in ("notebooks", "examples")
    for p in (course_root() / folder).rglob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts
)
IDS = [str(p.relative_to(course_root())) for p in NOTEBOOKS]
H1 = re.compile(r"^# \S", re.M)


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no notebooks"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_outputs_are_stripped(path: Path):
    nb = nbformat.read(path, as_version=4)
    dirty = [
        i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count is not None)
    ]
    assert not dirty, f"{path.name}: cells {dirty} have outputs or execution counts; clear them before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_metadata_is_minimal(path: Path):
    nb = nbformat.read(path, as_version=4)
    assert set(nb.metadata) <= {"kernelspec", "language_info"}, (
        f"{path.name}: stray notebook metadata {set(nb.metadata)}"
    )
    for i, cell in enumerate(nb.cells):
        extra = set(cell.metadata) - {"nbgrader", "tags", "editable", "deletable"}
        assert not extra, f"{path.name}: cell {i} carries editor metadata {extra}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_exactly_one_h1(path: Path):
    nb = nbformat.read(path, as_version=4)
    titles = [m for c in nb.cells if c.cell_type == "markdown" for m in H1.findall(c.source)]
    assert len(titles) == 1, f"{path.name}: expected one '# Title', found {len(titles)}"
    assert nb.cells[0].cell_type == "markdown" and H1.match(nb.cells[0].source), f"{path.name}: the title comes first"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_nbgrader_metadata_is_valid(path: Path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    MetadataValidator().validate_nb(nb)
    grade_ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.metadata]
    assert len(grade_ids) == len(set(grade_ids)), f"{path.name}: duplicate grade ids"
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9-]*", g) for g in grade_ids), (
        f"{path.name}: grade ids are hand-written kebab-case"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_solution_cells_are_marked(path: Path):
    """Does every solution cell wrap its answer in BEGIN/END SOLUTION, so students never see it?"""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source, meta["grade_id"]
