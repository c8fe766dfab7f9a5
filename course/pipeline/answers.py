"""Which cells hold the answer to each graded item, and whether the student answered it.

A written question is graded in its own cell. A code exercise is graded by a test cell, and its
answer is the solution cell(s) between the previous graded cell and that test. The regrade
(keep a hand-given score while the answer is unchanged) and the report (leave out questions a
student never touched) both need this mapping, so it lives here once.

Cells are compared by nbgrader's own checksum (`nbgrader.utils.compute_checksum`, which covers the
cell's source, type and grading metadata), the same value the gradebook records for every released
cell.
"""

from __future__ import annotations

from nbformat import NotebookNode
from nbgrader.utils import compute_checksum

from course.autograder.rebuild import ROLE_ANSWER, ROLE_TEST, ROLE_WRITTEN, grade_id, role_of


def answer_cells(notebook: NotebookNode) -> dict[str, list[NotebookNode]]:
    """Graded item (grade id) -> the cells holding the student's answer to it."""
    found: dict[str, list[NotebookNode]] = {}
    pending: list[NotebookNode] = []
    for cell in notebook.cells:
        role = role_of(cell)
        if role == ROLE_ANSWER:
            pending.append(cell)
        elif role == ROLE_TEST:
            found[grade_id(cell)] = pending
            pending = []
        elif role == ROLE_WRITTEN:
            found[grade_id(cell)] = [cell]
            pending = []
    return found


def fingerprint(cells: list[NotebookNode]) -> str:
    """One value that changes whenever any of the answer cells changes."""
    return "|".join(compute_checksum(cell) for cell in cells)


def fingerprints(notebook: NotebookNode) -> dict[str, str]:
    return {gid: fingerprint(cells) for gid, cells in answer_cells(notebook).items()}


def attempted(cells: list[NotebookNode], released: dict[str, str]) -> bool:
    """Did the student change any answer cell from what was released (and leave it not blank)?"""
    for cell in cells:
        checksum = released.get(grade_id(cell))
        if cell.source.strip() and compute_checksum(cell) != checksum:
            return True
    return False
