"""Salted-hash keys for the self-check quizzes (course.widgets.quiz explains why, and their limits).

A key is `v1:<salt>:<first 12 hex digits of SHA-256("<salt>:<variable>:<answer>")>`. No widget
library is imported here: `course workspace` computes the keys on every `make lab`, and must stay
fast when there is nothing else to do (notebooks are read as plain JSON for the same reason).
"""

from __future__ import annotations

import ast
import hashlib
import secrets

KEY_FILE = ".quiz-keys.json"  # beside the learner's notebook, written by `course workspace`
QUIZ_FACTORIES = {"multiple_choice": "choice", "numeric_question": "numeric", "ordering_question": "ordering"}


def _normalise(kind: str, answer, decimals: int = 0) -> str:
    if kind == "numeric":
        return f"{round(float(answer), decimals):.{decimals}f}"
    if kind == "ordering":
        return "\x1f".join(str(a) for a in answer)
    return str(answer)


def _digest(salt: str, name: str, normalised: str) -> str:
    return hashlib.sha256(f"{salt}:{name}:{normalised}".encode()).hexdigest()[:12]


def make_key(name: str, kind: str, answer, decimals: int = 0, salt: str | None = None) -> str:
    """The key of a question whose right answer is `answer` (for authors and `course workspace`)."""
    salt = salt or secrets.token_hex(4)
    return f"v1:{salt}:{_digest(salt, name, _normalise(kind, answer, decimals))}"


def key_matches(key: str, name: str, kind: str, answer, decimals: int = 0) -> bool:
    """Is `answer` the one `key` was made from? False for a malformed key."""
    try:
        version, salt, digest = key.split(":")
    except (AttributeError, ValueError):
        return False
    return version == "v1" and secrets.compare_digest(_digest(salt, name, _normalise(kind, answer, decimals)), digest)


def _literal_assignments(source: str) -> dict[str, object]:
    """name -> value of every `name = <literal>` at the top level of a cell."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                found[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return found


def _quiz_calls(source: str) -> list[tuple[str, str, int]]:
    """(variable, kind, decimals) of every quiz built in a cell, read from its call."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    calls = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in QUIZ_FACTORIES):
            continue
        first = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "name"), None)
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            decimals = next(
                (k.value.value for k in node.keywords if k.arg == "decimals" and isinstance(k.value, ast.Constant)), 0
            )
            calls.append((first.value, QUIZ_FACTORIES[node.func.id], int(decimals)))
    return calls


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def quiz_keys(notebook: dict, previous: dict[str, str] | None = None) -> dict[str, str]:
    """Keys for every quiz in a course notebook (nbformat's node, or the notebook's JSON as a
    dict): the answer is the literal the quiz's variable is set to in a solution cell. A key in
    `previous` that still matches is kept, so the file changes only when an answer does."""
    quizzes, answers = [], {}
    for cell in notebook["cells"]:
        if cell.get("cell_type") != "code":
            continue
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            answers.update(_literal_assignments(_source(cell)))
        else:
            quizzes.extend(_quiz_calls(_source(cell)))
    keys = {}
    for name, kind, decimals in quizzes:
        if name not in answers:
            continue
        old = (previous or {}).get(name)
        if old and key_matches(old, name, kind, answers[name], decimals):
            keys[name] = old
        else:
            keys[name] = make_key(name, kind, answers[name], decimals)
    return keys
