"""Rebuild a submitted notebook around the instructor's template before grading.

Why not trust the submission's structure: students delete, duplicate and split cells, edit
metadata, or change a test. nbgrader restores test cells only where the submission still has
them. Here the instructor's template is the authority:

- every test and read-only cell comes from the template (with its hidden tests), placed where
  the student left it, or, if the student deleted it, where the template has it;
- every answer cell keeps the student's text, matched by grade id, under the template's
  metadata (points or roles the student edited do not count);
- cells the student added (scratch work, helper functions, a split answer) are kept in order
  as plain cells: honest extra work is never penalised; copies of test cells are dropped;
- a missing answer cell becomes an empty answer (no credit, nothing else breaks).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

import nbformat
from nbformat import NotebookNode
from nbformat.corpus.words import generate_corpus_id

ROLE_TEST, ROLE_LOCKED, ROLE_ANSWER, ROLE_WRITTEN = "test", "locked", "answer", "written"


def grade_id(cell: NotebookNode) -> str:
    """The nbgrader grade id of a cell that has nbgrader metadata."""
    return cell.metadata["nbgrader"]["grade_id"]


def role_of(cell: NotebookNode) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader")
    if not meta:
        return None
    if meta.get("grade") and not meta.get("solution"):
        return ROLE_TEST
    if meta.get("solution"):
        return ROLE_WRITTEN if cell.cell_type == "markdown" and meta.get("grade") else ROLE_ANSWER
    if meta.get("locked"):
        return ROLE_LOCKED
    return None


@dataclass
class Template:
    """The instructor's version of one notebook: cell order, roles, points."""

    name: str
    cells: list[NotebookNode]

    @property
    def by_id(self) -> dict[str, NotebookNode]:
        return {grade_id(c): c for c in self.cells if role_of(c)}


def new_cell(kind: str, source: str) -> NotebookNode:
    """A cell as nbformat.v4's new_code_cell, new_markdown_cell or new_raw_cell make it, less their
    schema check: the grader builds every cell of every notebook it runs this way, from a string,
    and checking each one took a fifth of a worker's CPU. The graded notebook is still checked
    whole when it is written (nbformat.writes)."""
    kind = kind if kind in ("code", "markdown") else "raw"
    cell = NotebookNode(id=generate_corpus_id(), cell_type=kind, metadata=NotebookNode(), source=source)
    if kind == "code":
        cell.execution_count, cell.outputs = None, []
    return cell


def new_notebook(cells: list[NotebookNode]) -> NotebookNode:
    """nbformat.v4.new_notebook(cells=cells) without its schema check of every cell (see new_cell)."""
    return NotebookNode(
        nbformat=nbformat.v4.nbformat, nbformat_minor=nbformat.v4.nbformat_minor, metadata=NotebookNode(), cells=cells
    )


def _clean_copy(cell: NotebookNode, source: str | None = None, cell_type: str | None = None) -> NotebookNode:
    fresh = new_cell(cell_type or cell.cell_type, cell.source if source is None else source)
    if "nbgrader" in cell.get("metadata", {}):
        fresh.metadata["nbgrader"] = copy.deepcopy(cell.metadata["nbgrader"])
    return fresh


def _as_text(source) -> str:
    return "".join(source) if isinstance(source, list) else str(source or "")


HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[ \t]*$\n?", re.M | re.S)


def released_text(cell: NotebookNode) -> str:
    """A test or read-only cell as students received it (hidden tests removed), for matching."""
    return HIDDEN.sub("", cell.source).strip()


def _claimed_id(cell: NotebookNode) -> str | None:
    """The grade id a submitted cell claims, if its metadata has the shape nbgrader writes (a
    student can put anything there; anything else claims nothing)."""
    meta = cell.get("metadata")
    nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
    gid = nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None
    return gid if isinstance(gid, str) else None


def rebuild(submitted: NotebookNode, template: Template) -> NotebookNode:
    """The notebook to execute: the student's answers and extra cells inside the template."""
    by_id = template.by_id
    # A copy of a test or read-only cell whose metadata was lost (pasted into a new notebook)
    # is recognised by its text, so it keeps its place. A cell released empty (a test made only of
    # hidden tests) cannot be recognised that way: any empty cell would be taken for it.
    by_text = {
        text: gid for gid, c in by_id.items() if role_of(c) in (ROLE_TEST, ROLE_LOCKED) and (text := released_text(c))
    }
    out: list[tuple[str | None, NotebookNode]] = []  # (template grade id or None, cell)
    placed: set[str] = set()
    for cell in submitted.get("cells", []):
        kind = cell.get("cell_type")
        if kind not in ("code", "markdown", "raw"):
            continue
        gid = _claimed_id(cell)
        source = _as_text(cell.get("source", ""))
        if gid not in by_id and HIDDEN.sub("", source).strip() in by_text:
            gid = by_text[HIDDEN.sub("", source).strip()]
        if gid in by_id and gid not in placed:
            model = by_id[gid]
            if role_of(model) in (ROLE_TEST, ROLE_LOCKED):
                out.append((gid, _clean_copy(model)))
            else:
                out.append((gid, _clean_copy(model, source=source)))
            placed.add(gid)
        elif gid in by_id and role_of(by_id[gid]) in (ROLE_TEST, ROLE_LOCKED):
            continue  # a copy of a test or read-only cell: the template's copy is already placed
        else:
            out.append((None, new_cell(kind, source)))
    order = [grade_id(c) if role_of(c) else None for c in template.cells]
    for index, model in enumerate(template.cells):
        gid = order[index]
        if gid is None or gid in placed:
            continue
        earlier = [g for g in order[:index] if g in placed]
        position = next((i + 1 for i, (g, _) in reversed(list(enumerate(out))) if earlier and g == earlier[-1]), 0)
        empty = "" if role_of(model) in (ROLE_ANSWER, ROLE_WRITTEN) else None
        out.insert(position, (gid, _clean_copy(model, source=empty)))
        placed.add(gid)
    notebook = new_notebook([cell for _, cell in out])
    notebook.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    return notebook
