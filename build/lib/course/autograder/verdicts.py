"""What an executed notebook earns: test-cell scores and whether written answers were attempted.

Scores follow nbgrader's rule for test cells (an error scores zero; a numeric result gives partial
credit; otherwise full marks), with one deliberate difference: text on stderr, such as a warning,
does not cost points. A written answer counts as attempted when its text differs from the stub
students received, compared by nbgrader's own cell checksum, as the gradebook records it at
release; `course check`, which has no gradebook, computes the same checksums from the course's
version of the notebook (`released_checksums`).
"""

from __future__ import annotations

import copy
from pathlib import Path

from nbformat import NotebookNode
from nbgrader.preprocessors import ClearSolutions
from nbgrader.utils import compute_checksum

from course.autograder.rebuild import ROLE_TEST, ROLE_WRITTEN, grade_id, role_of
from course.config import load_config


def score_test_cell(cell: NotebookNode, ran: bool) -> float:
    """Points earned by one test cell (nbgrader's rule, without the stderr penalty)."""
    points = float(cell.metadata["nbgrader"]["points"])
    if not ran:
        return 0.0
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            return 0.0
    for output in cell.get("outputs", []):
        if output.output_type == "execute_result":
            try:
                return max(0.0, min(float(output.data["text/plain"]), points))
            except (KeyError, ValueError, TypeError):
                pass
    return points


def test_scores(notebook: NotebookNode, executed_upto: int) -> dict[str, float]:
    """Auto scores of the test cells, by grade id; cells after `executed_upto` did not run."""
    return {
        grade_id(cell): score_test_cell(cell, index <= executed_upto)
        for index, cell in enumerate(notebook.cells)
        if role_of(cell) == ROLE_TEST
    }


def responded(cell: NotebookNode, released_checksum: str | None) -> bool:
    """Did the student write an answer in this written-answer cell (not blank, not the stub)?"""
    return bool(cell.source.strip()) and compute_checksum(cell) != released_checksum


def written_responses(notebook: NotebookNode, released: dict[str, str]) -> dict[str, bool]:
    """For each written-answer cell, by grade id: attempted or not."""
    return {
        grade_id(cell): responded(cell, released.get(grade_id(cell)))
        for cell in notebook.cells
        if role_of(cell) == ROLE_WRITTEN
    }


def released_checksums(template: NotebookNode, root: Path) -> dict[str, str]:
    """Checksums of the written-answer cells as `nbgrader generate_assignment` releases them
    (solutions replaced by the stubs configured in `root`'s nbgrader_config.py)."""
    released = ClearSolutions(config=load_config(root)).preprocess(copy.deepcopy(template), {})[0]
    return {grade_id(cell): compute_checksum(cell) for cell in released.cells if role_of(cell) == ROLE_WRITTEN}
