"""Bring course notebooks to the conventions of issue 16 (feedback a beginner can read, nothing
given away). Mechanical and idempotent: run it after any notebook lands; a second run changes
nothing.

    .venv/bin/python scripts/migrate_notebooks_issue16.py            # every notebooks/*/*.ipynb
    .venv/bin/python scripts/migrate_notebooks_issue16.py PATH...    # these notebooks
    .venv/bin/python scripts/migrate_notebooks_issue16.py --check    # exit 1 if anything would change

What it does, cell by cell (notebooks are read and written with nbformat, so cell ids and
metadata survive; every code cell it changes is formatted with ruff, as `make format` would):

1. Widgets never set variables: `globals()` (or `namespace=globals()`) is dropped from calls to
   `multiple_choice`, `numeric_question`, `ordering_question` and `comparison_matrix`.
2. Test cells (nbgrader `grade` without `solution`), in their visible part only (above
   `### BEGIN HIDDEN TESTS`, which stays as it is):
   - after the docstring, one `expect_defined("name")` per answer variable: a name the exercise's
     solution cell (the nearest solution cell above) assigns and the test cell reads but does not
     assign itself. A missing name then gets advice instead of a NameError traceback;
   - `assert condition, "message"` becomes `expect_true(condition, "message")`: one friendly block
     instead of a traceback. (Hidden tests keep `assert`: a name looked up in the student's
     namespace there could be rebound by the student.)
3. The notebook's `from course.checks import ...` gains `expect_defined` / `expect_true` when its
   test cells use them.
4. Markdown: "red triangles" (module 06; the cycle simulator draws black downward triangles) and
   mentions of `data/README.md` (which the learner's JupyterLab cannot open) become the figure's
   real marker and a link to the copy `course workspace` puts in `course-docs/`.
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
WIDGETS_WITHOUT_NAMESPACE = {"multiple_choice", "numeric_question", "ordering_question", "comparison_matrix"}
HIDDEN = "BEGIN HIDDEN TESTS"
SPOILER_WORDS = "black downward triangles (▼)"  # course.widgets.cycle.SPOILER_WORDS (a test keeps them equal)
README_LINK = "[the data README](../course-docs/data-README.md)"
MARKDOWN_RULES = [
    (re.compile(r"\bred triangles\b"), SPOILER_WORDS),
    (re.compile(r"\bRed triangles\b"), SPOILER_WORDS[0].upper() + SPOILER_WORDS[1:]),
    (re.compile(r"`data/README\.md`"), README_LINK),
]


# --- helpers over source text ---------------------------------------------------------------------


def _offsets(source: str) -> list[int]:
    """Absolute offset of the start of each line (1-based line numbers index it with -1)."""
    starts, total = [], 0
    for line in source.splitlines(keepends=True):
        starts.append(total)
        total += len(line)
    return [*starts, total]


def _span(source: str, node: ast.AST) -> tuple[int, int]:
    starts = _offsets(source)
    return starts[node.lineno - 1] + node.col_offset, starts[node.end_lineno - 1] + node.end_col_offset


def _replace(source: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, text in sorted(edits, reverse=True):
        source = source[:start] + text + source[end:]
    return source


def _is_globals_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "globals" and not node.args
    )


def _called_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    return node.func.attr if isinstance(node.func, ast.Attribute) else None


# --- 1. widgets never set variables -----------------------------------------------------------------


def drop_globals(source: str) -> str:
    """`multiple_choice("q", "Q?", {...}, globals())` -> `multiple_choice("q", "Q?", {...})`."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    edits = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _called_name(node) in WIDGETS_WITHOUT_NAMESPACE):
            continue
        arguments = sorted([*node.args, *node.keywords], key=lambda a: (a.lineno, a.col_offset))
        for i, argument in enumerate(arguments):
            value = argument.value if isinstance(argument, ast.keyword) else argument
            if isinstance(argument, ast.keyword) and argument.arg != "namespace":
                continue
            if not _is_globals_call(value):
                continue
            start, end = _span(source, argument)
            if i > 0:  # from the end of the argument before it: ", globals()" goes, newline and all
                start = _span(source, arguments[i - 1])[1]
            else:  # the first argument: it and the comma after it
                rest = re.match(r"\s*,\s*", source[end:])
                end += rest.end() if rest else 0
            edits.append((start, end, ""))
    return _replace(source, edits)


# --- 2. test cells ------------------------------------------------------------------------------------


def assigned_names(source: str) -> set[str]:
    """Names a cell assigns at its top level (through if/for/with/try blocks, not inside functions
    or comprehensions), and the functions and classes it defines."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names: set[str] = set()

    def targets(node: ast.AST) -> None:
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for element in node.elts:
                targets(element)
        elif isinstance(node, ast.Starred):
            targets(node.value)

    def visit(statements: list[ast.stmt]) -> None:
        for statement in statements:
            if isinstance(statement, ast.Assign):
                for target in statement.targets:
                    targets(target)
            elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
                targets(statement.target)
            elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(statement.name)
            elif isinstance(statement, (ast.For, ast.AsyncFor)):
                targets(statement.target)
            for block in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(statement, block, None)
                if inner and not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    visit([s for s in inner if isinstance(s, ast.stmt)])
                    for handler in (h for h in inner if isinstance(h, ast.ExceptHandler)):
                        visit(handler.body)

    visit(tree.body)
    return {n for n in names if not n.startswith("_")}


def _loaded_in_order(source: str) -> list[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    loads = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]
    ordered = []
    for node in sorted(loads, key=lambda n: (n.lineno, n.col_offset)):
        if node.id not in ordered:
            ordered.append(node.id)
    return ordered


def _split_hidden(source: str) -> tuple[str, str]:
    """(visible part, hidden part from the marker's line on)."""
    lines = source.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if HIDDEN in line:
            return "".join(lines[:i]), "".join(lines[i:])
    return source, ""


def asserts_to_checks(visible: str) -> str:
    """`assert cond, "message"` -> `expect_true(cond, "message")` (a message-less assert gets one)."""
    try:
        tree = ast.parse(visible)
    except SyntaxError:
        return visible
    edits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            condition = ast.get_source_segment(visible, node.test)
            message = (
                ast.get_source_segment(visible, node.msg)
                if node.msg is not None
                else repr(f"this check failed: {ast.unparse(node.test)}")
            )
            start, end = _span(visible, node)
            edits.append((start, end, f"expect_true({condition}, {message})"))
    return _replace(visible, edits)


def add_expect_defined(visible: str, names: list[str]) -> str:
    """One `expect_defined("name")` per name not already checked, after the docstring."""
    missing = [n for n in names if f'expect_defined("{n}")' not in visible]
    if not missing:
        return visible
    lines = "".join(f'expect_defined("{n}")\n' for n in missing)
    try:
        tree = ast.parse(visible)
    except SyntaxError:
        return visible
    first = tree.body[0] if tree.body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        at = _span(visible, first)[1]
        newline = visible.find("\n", at)
        at = len(visible) if newline == -1 else newline + 1
        head = visible[:at] if visible[:at].endswith("\n") else visible[:at] + "\n"
        return head + lines + visible[at:]
    return lines + visible


def migrate_test_cell(source: str, answer_names: set[str]) -> str:
    visible, hidden = _split_hidden(source)
    visible = asserts_to_checks(visible)
    stored_here = assigned_names(source)
    names = [n for n in _loaded_in_order(source) if n in answer_names and n not in stored_here]
    visible = add_expect_defined(visible, names)
    if hidden and visible and not visible.endswith("\n"):
        visible += "\n"
    return visible + hidden


# --- 3. imports ---------------------------------------------------------------------------------------


def add_check_imports(source: str, needed: set[str]) -> str:
    """Add `needed` names to the cell's `from course.checks import ...`, sorted as ruff sorts them."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "course.checks" and not node.level:
            have = {a.name if a.asname is None else f"{a.name} as {a.asname}" for a in node.names}
            if needed <= {a.name for a in node.names}:
                return source
            names = sorted(have | needed, key=lambda n: (not n.split()[0].isupper(), n))
            one_line = f"from course.checks import {', '.join(names)}"
            text = (
                one_line
                if len(one_line) <= 120
                else "from course.checks import (\n" + "".join(f"    {n},\n" for n in names) + ")"
            )
            start, end = _span(source, node)
            return source[:start] + text + source[end:]
    return source


# --- the notebook ---------------------------------------------------------------------------------------


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _format(sources: dict[int, str]) -> dict[int, str]:
    """ruff format for the changed code cells, in one call on a scratch notebook (so ruff treats
    them exactly as `make format` treats the course's notebooks); a cell it cannot parse stays as is."""
    if not sources:
        return {}
    order = sorted(sources)
    scratch = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(sources[i]) for i in order])
    scratch.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cells.ipynb"
        nbformat.write(scratch, path)
        ruff = Path(sys.executable).parent / "ruff"
        subprocess.run(
            [
                str(ruff if ruff.exists() else "ruff"),
                "format",
                "--quiet",
                "--config",
                str(ROOT / "pyproject.toml"),
                str(path),
            ],
            check=False,
            capture_output=True,
        )
        formatted = nbformat.read(path, as_version=4)
    return {i: cell.source for i, cell in zip(order, formatted.cells, strict=True)}


def _label(cell, index: int) -> str:
    return _nbgrader(cell).get("grade_id") or cell.get("id") or str(index)


def migrate(nb: nbformat.NotebookNode) -> list[str]:
    """Change `nb` in place; return what changed, one line per cell."""
    changes: list[str] = []
    code: dict[int, str] = {}
    answer_names: set[str] = set()
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            text = cell.source
            for pattern, replacement in MARKDOWN_RULES:
                text = pattern.sub(replacement, text)
            if text != cell.source:
                cell.source = text
                changes.append(f"{_label(cell, index)}: wording")
        elif cell.cell_type == "code":
            meta = _nbgrader(cell)
            new = drop_globals(cell.source)
            if meta.get("solution"):
                answer_names = assigned_names(new)
            elif meta.get("grade"):
                new = migrate_test_cell(new, answer_names)
            code[index] = new
    needed = {f for f in ("expect_defined", "expect_true") if any(f"{f}(" in source for source in code.values())}
    setup = next((i for i, source in code.items() if "from course.checks import" in source), None)
    if setup is not None:
        code[setup] = add_check_imports(code[setup], needed)
    changed = {i: source for i, source in code.items() if source != nb.cells[i].source}
    for index, source in _format(changed).items():
        if source != nb.cells[index].source:
            nb.cells[index].source = source
            changes.append(f"{_label(nb.cells[index], index)}: code")
    return changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a notebook would change")
    args = parser.parse_args(argv)
    paths = args.paths or sorted((ROOT / "notebooks").glob("*/*.ipynb"))
    pending = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        before = nbformat.writes(nb)
        changes = migrate(nb)
        after = nbformat.writes(nb)
        if after == before:
            continue
        pending += 1
        print(f"{path}: " + ", ".join(changes))
        if not args.check:
            nbformat.write(nb, path)
    if args.check and pending:
        print(f"{pending} notebook(s) do not follow the issue-16 conventions yet; run this script without --check")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
