"""Run a source notebook's code in this process, to read what its exercises expect.

Why in-process and not in a kernel: the content tests need the value of every answer the
solutions compute (to check that no later text states it) and every `near_misses` table the
hidden tests build (to check that each can fire), for all eight notebooks, within the fast test
run. Executing the cells with `exec` in one namespace per notebook takes a few seconds in all;
a kernel per notebook would take longer than the whole fast suite may.

What is recorded: after each solution cell, the values of the names it assigns; and for every
call of `expect_equal` or `expect_close` made by a test cell, the expected value, the near
misses, the tolerance and the line of the call in that cell. The checks are wrapped, not
replaced: the real check still runs, so a solution that fails its own test fails here too.
"""

from __future__ import annotations

import ast
import os
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import nbformat

from course import checks
from course.paths import course_root


@dataclass
class CheckCall:
    function: str  # "expect_equal" or "expect_close"
    cell: str  # grade_id of the test cell
    line: int  # line of the call within the cell
    expected: Any
    near_misses: dict
    tolerance: float = 0.0


@dataclass
class NotebookRun:
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)  # solution grade_id -> name -> value
    calls: list[CheckCall] = field(default_factory=list)
    near_tables: dict[str, list[tuple[dict, Any]]] = field(default_factory=dict)  # test id -> [(_near, _want)]


def nbgrader_meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def notebook(assignment: str) -> nbformat.NotebookNode:
    (path,) = sorted((course_root() / "notebooks" / assignment).glob("*.ipynb"))
    return nbformat.read(path, as_version=4)


def solution_region(source: str) -> str:
    """The code between BEGIN and END SOLUTION (the whole cell if there are no markers)."""
    if "### BEGIN SOLUTION" not in source:
        return source
    return source.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0]


def assigned_names(code: str) -> list[str]:
    """Names bound at the top level of `code` (assignments and function definitions)."""
    names = []
    for node in ast.parse(code).body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        for target in targets:
            if isinstance(target, ast.Name) and target.id not in names:
                names.append(target.id)
    return names


def _recording(run: NotebookRun, where: dict, name: str):
    real = getattr(checks, name)

    def wrapper(label, value, expected, *args, **kwargs):
        # after `expected`: (kinds, hint, near_misses) for expect_equal, (tolerance, hint, near_misses) for
        # expect_close
        frame = sys._getframe(1)
        tolerance = (args[0] if args else kwargs.get("tolerance", 1e-6)) if name == "expect_close" else 0.0
        near = kwargs.get("near_misses", args[2] if len(args) > 2 else None)
        line = frame.f_lineno if frame.f_code.co_filename == where["file"] else -1
        run.calls.append(CheckCall(name, where["cell"], line, expected, dict(near or {}), float(tolerance)))
        return real(label, value, expected, *args, **kwargs)

    return wrapper


@cache
def run_notebook(assignment: str) -> NotebookRun:
    """Execute every code cell of the source notebook in order, in one namespace, recording as above."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    run = NotebookRun()
    where = {"file": f"<{assignment}>", "cell": ""}
    namespace: dict[str, Any] = {"__name__": "__main__"}
    originals = {name: getattr(checks, name) for name in ("expect_equal", "expect_close")}
    cwd = Path.cwd()
    folder = course_root() / "notebooks" / assignment
    try:
        for name in originals:
            setattr(checks, name, _recording(run, where, name))
        os.chdir(folder)
        for cell in notebook(assignment).cells:
            if cell.cell_type != "code":
                continue
            meta = nbgrader_meta(cell)
            where["cell"] = meta.get("grade_id", "")
            before = set(namespace)
            exec(compile(cell.source, where["file"], "exec"), namespace)
            if meta.get("solution"):
                run.answers[meta["grade_id"]] = {
                    n: namespace[n] for n in assigned_names(solution_region(cell.source)) if n in namespace
                }
            if meta.get("grade") and "_near" in namespace and "_near" not in before:
                run.near_tables.setdefault(meta["grade_id"], []).append((namespace["_near"], namespace.get("_want")))
            if meta.get("grade"):
                for private in [n for n in namespace if n.startswith("_") and n not in before and n != "__builtins__"]:
                    del namespace[private]
    finally:
        os.chdir(cwd)
        for name, real in originals.items():
            setattr(checks, name, real)
    return run
