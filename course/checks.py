"""Friendly, tamper-resistant checks for nbgrader test cells.

Visible tests teach: they check the *form* of an answer (type, columns, plausible range,
order) and say what to fix, without giving the answer away. Hidden tests check the value and,
for the mistakes students commonly make (counting both ends, filtering the wrong case,
forgetting to sort), say which mistake it looks like.

What a learner sees when a check fails is one block, never a traceback:

    Not yet: n_korea_2018 should be a whole number (int), but it is the text '31'.
    Hint: use len(...) on the filtered table

`FeedbackError._render_traceback_` gives IPython those lines instead of the frames (IPython asks
an exception for its own rendering before formatting frames; ipykernel sends the lines as the
`traceback` of an ordinary `error` output). The output stays an error, so nbgrader still scores
the cell 0 and Run All still stops there. Values are described in words ("a table with 28 rows",
"the number 5"), never by their repr. Nothing is printed to stderr: nbgrader scores a cell with
any stderr output as failed.

A test cell starts with `expect_defined("name")` for each answer variable: a missing name then
gets advice ("run the answer cell above first", "the name must be exactly ...") instead of a
NameError traceback. See `expect_defined` for what it remembers between cells, and why the
checks work without it (a grading kernel has no history).

Why the strictness: a test cell runs in the student's namespace. These functions keep their
own references (this module's imports, not the notebook's `len` or `pd`), accept answers by
exact type (so an object whose `__eq__` always returns True, or a subclass of int or str, does
not pass), and turn accepted answers into plain Python values before comparing them.
Every failure is a `FeedbackError`, an `AssertionError`, which nbgrader scores as a failed test.
"""

from __future__ import annotations

import ast as _ast
import datetime as _dt
import difflib as _difflib
import math as _math
import re as _re
import sys as _sys
from collections.abc import Iterable, Mapping
from itertools import pairwise as _pairwise

import numpy as _np
import pandas as _pd

__all__ = [
    "DATE",
    "INTEGER",
    "NUMBER",
    "TEXT",
    "FeedbackError",
    "describe",
    "expect_between",
    "expect_close",
    "expect_columns",
    "expect_date",
    "expect_defined",
    "expect_equal",
    "expect_frame",
    "expect_one_of",
    "expect_sequence",
    "expect_sorted",
    "expect_true",
    "expect_type",
    "passed",
]

# Exact types accepted for each kind of answer. bool is deliberately not an integer here.
INTEGER = (int, _np.int8, _np.int16, _np.int32, _np.int64, _np.uint8, _np.uint16, _np.uint32, _np.uint64)
NUMBER = (*INTEGER, float, _np.float16, _np.float32, _np.float64)
TEXT = (str,)
DATE = (_pd.Timestamp, _dt.date, _dt.datetime, _np.datetime64)

_KIND_NAMES = {
    INTEGER: "a whole number (int)",
    NUMBER: "a number",
    TEXT: "text in quotes (a str)",
    DATE: "a date (a pandas Timestamp)",
}
# The hint a failed type check gives when the test cell does not give its own.
_KIND_HINTS = {
    INTEGER: "a whole number is written without quotes, e.g. 12; len(...) and .days give one, "
    "and int(...) turns a value read from a table into one",
    NUMBER: "a number is written without quotes, e.g. 0.25; a share is a count divided by a total",
    TEXT: 'text goes in quotes, e.g. "B"',
    DATE: 'a date read from a table is already a Timestamp; pd.Timestamp("2018-05-26") makes one',
}
# The words a failed value check is written with. The report (course.pipeline.report) reads
# graded notebooks' error outputs back into near misses and wrong answers by these, so they are
# named once, here.
NOT_YET = "Not yet: "
NOT_RIGHT = "which is not right: "
NOT_EXPECTED = "which is not the expected answer."

_VALUE_HINT = "re-read the exercise: which rows, which column, which unit?"


class FeedbackError(AssertionError):
    """A check failed; the message is written for the student.

    `name` is the answer variable (or a phrase such as "each item of my_types"; empty when the
    problem names it itself), `problem` what is wrong, `hint` what to try. `str(exc)` is the
    whole message (the `evalue` of the error output, what `course check` prints), and
    `_render_traceback_` the same lines, with the first words in bold, for JupyterLab.

    A hidden test may also raise it with one ready-made message, as notebooks did before hints
    had their own line: `FeedbackError("`x` is not right: ...")` (a leading `name` in backticks
    becomes the name, a "Hint: ..." line the hint).
    """

    def __init__(self, name: str, problem: str | None = None, hint: str = ""):
        if problem is None:
            message, _, given_hint = str(name).partition("\nHint: ")
            named = _re.match(r"`([^`]+)`:? (.*)", message, _re.S)
            name, problem = (named.group(1), named.group(2)) if named else ("", message)
            hint = hint or given_hint
        self.name, self.problem, self.hint = name, problem, hint
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        first = f"{NOT_YET}{self.name} {self.problem}" if self.name else f"{NOT_YET}{self.problem}"
        return [first] + ([f"Hint: {self.hint}"] if self.hint else [])

    def _render_traceback_(self) -> list[str]:
        # bold only (ANSI 1): a colour on the error output's tinted background could fall
        # below the contrast axe-core asks for
        bold = lambda text: f"\x1b[1m{text}\x1b[0m"
        first = bold("Not yet:") + (f" {bold(self.name)} {self.problem}" if self.name else f" {self.problem}")
        return [first] + ([bold("Hint:") + f" {self.hint}"] if self.hint else [])


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def describe(value: object) -> str:
    """What a value is, in a learner's words and briefly: "a table with 28 rows and 3 columns",
    "the number 5", "the text 'B'". Never a repr of a table or a NumPy type name."""
    if value is None:
        return "None (nothing was stored: did the cell use `=`?)"
    kind = type(value)
    if kind is bool or kind is _np.bool_:
        return f"{bool(value)} (a yes/no value)"
    if isinstance(value, (int, _np.integer)):
        return f"the number {int(value):,}"
    if isinstance(value, (float, _np.floating)):
        number = float(value)
        return "not a number (NaN)" if _math.isnan(number) else f"the decimal number {number:,.6g}"
    if isinstance(value, str):
        return f"the text {value if len(value) <= 40 else value[:37] + '...'!r}"
    if isinstance(value, _pd.DataFrame):
        return f"a table with {_count(len(value), 'row')} and {_count(value.shape[1], 'column')}"
    if isinstance(value, _pd.Series):
        return f"a column (Series) of {_count(len(value), 'value')}"
    if isinstance(value, _pd.Timedelta):
        whole = value == _pd.Timedelta(days=value.days)
        return f"a time span (Timedelta) of {_count(value.days, 'day')}" if whole else "a time span (Timedelta)"
    if isinstance(value, (_pd.Timestamp, _dt.datetime, _dt.date, _np.datetime64)):
        return f"the date {_pd.Timestamp(value):%Y-%m-%d}"
    if isinstance(value, dict):
        return f"a dictionary of {_count(len(value), 'item')}"
    if isinstance(value, (list, tuple, set)):
        return f"a {kind.__name__} of {_count(len(value), 'item')}"
    if isinstance(value, _np.ndarray):
        return f"an array of {_count(value.size, 'value')}"
    if isinstance(value, type):
        return f"the type {value.__name__} itself (call it, or store a value of that type)"
    if callable(value):
        return "a function (did you forget the brackets that call it?)"
    return f"an object of type {kind.__name__}"


def _fail(name: str, problem: str, hint: str = "") -> None:
    raise FeedbackError(name, problem, hint)


def passed(name: str, what: str = "has the right form") -> None:
    """Tell the student a visible check passed (hidden tests may still check the value)."""
    print(f"OK: {name} {what}.")


def expect_true(condition: object, problem: str, hint: str = "") -> None:
    """A check written as a sentence: fail with `problem` (which names the variable itself,
    e.g. "my_types should be a list of four strings") unless `condition` holds. Test cells use it
    where they would use `assert`, whose failure shows a traceback instead of one block."""
    if not condition:
        _fail("", problem, hint or "the exercise text says what the answer must look like; compare it with yours")


def expect_type(name: str, value: object, kinds: tuple[type, ...], hint: str = "") -> None:
    """Fail unless `type(value)` is exactly one of `kinds` (no subclasses, no impostors)."""
    if type(value) not in kinds:
        wanted = _KIND_NAMES.get(kinds) or " or ".join(k.__name__ for k in kinds)
        default = _KIND_HINTS.get(kinds, "the exercise text says which kind of value to store")
        _fail(name, f"should be {wanted}, but it is {describe(value)}.", hint or default)


def expect_between(name: str, value: object, low: float, high: float, hint: str = "") -> None:
    """A plausibility check for visible tests: a number in [low, high]. `hint` is for a value out
    of range; a value of the wrong type gets the type's own hint."""
    expect_type(name, value, NUMBER)
    number = float(value)
    if _math.isnan(number) or not (low <= number <= high):
        _fail(
            name,
            f"is {describe(value)}, which is not plausible here (expected something between {low:g} and {high:g}).",
            hint or _VALUE_HINT,
        )


def _options_text(options: list[str]) -> str:
    quoted = [f'"{o}"' for o in options]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def expect_one_of(name: str, value: object, options: Iterable[str], hint: str = "") -> None:
    """For choice questions: the answer must be one of the offered option labels."""
    options = [str(o) for o in options]
    expect_type(name, value, TEXT, f"write one of {_options_text(options)}, in quotes")
    if str.__str__(value) not in options:
        _fail(
            name,
            f"is {describe(str.__str__(value))}, which is not one of the options {', '.join(options)}.",
            hint or f"write one of {_options_text(options)}, exactly as shown (capitals count)",
        )


def _frame(name: str, frame: object, hint: str) -> _pd.DataFrame:
    if type(frame) is not _pd.DataFrame:
        _fail(
            name,
            f"should be a table (a pandas DataFrame), but it is {describe(frame)}.",
            hint or "filtering a table, or selecting columns with a list (table[[...]]), gives a table",
        )
    return frame


def expect_columns(name: str, frame: object, columns: Iterable[str], hint: str = "", exact: bool = True) -> None:
    """A DataFrame with these columns (in this order when `exact`)."""
    frame = _frame(name, frame, hint)
    wanted, have = list(columns), [str(c) for c in frame.columns]
    select = "select the columns with a list, in this order: table[[" + ", ".join(f'"{c}"' for c in wanted) + "]]"
    if exact and have != wanted:
        _fail(
            name,
            f"should have exactly the columns {', '.join(wanted)}, in that order; it has {', '.join(have)}.",
            hint or select,
        )
    missing = [c for c in wanted if c not in have]
    if missing:
        _fail(name, f"is missing the column(s) {', '.join(missing)}; it has {', '.join(have)}.", hint or select)


def expect_sorted(name: str, frame: object, by: str, hint: str = "") -> None:
    """Rows in ascending order of column `by`."""
    frame = _frame(name, frame, hint)
    if by not in [str(c) for c in frame.columns]:
        _fail(name, f"has no column {by!r} to sort by.", hint or f"keep the column {by!r} in the table")
    values = list(frame[by])
    if any(b < a for a, b in _pairwise(values)):
        _fail(name, f"has its rows out of order: they should go up by {by!r}.", hint or f"use .sort_values({by!r})")


def _plain(value: object) -> object:
    """A comparable plain-Python value for an already type-checked answer."""
    if type(value) in INTEGER:
        return int(value)
    if type(value) in NUMBER:
        return float(value)
    if type(value) in TEXT:
        return str.__str__(value)
    if type(value) in DATE:
        return _pd.Timestamp(value)
    return value


def expect_equal(
    name: str,
    value: object,
    expected: object,
    kinds: tuple[type, ...],
    hint: str = "",
    near_misses: Mapping[object, str] | None = None,
) -> None:
    """Hidden-test check: exact type from `kinds`, then equality with `expected`.

    `near_misses` maps a typical wrong answer to the mistake it reveals, e.g. {30: "you
    counted both the first and the last day"}. The message never states `expected`.
    """
    expect_type(name, value, kinds, hint)
    got = _plain(value)
    if got != expected:
        for wrong, explanation in (near_misses or {}).items():
            if got == wrong:
                _fail(name, f"is {describe(got)}, {NOT_RIGHT}{explanation}", hint or _VALUE_HINT)
        _fail(name, f"is {describe(got)}, {NOT_EXPECTED}", hint or _VALUE_HINT)


def expect_close(
    name: str,
    value: object,
    expected: float,
    tolerance: float = 1e-6,
    hint: str = "",
    near_misses: Mapping[float, str] | None = None,
) -> None:
    """Hidden-test check for decimals: within `tolerance` of `expected`."""
    expect_type(name, value, NUMBER, hint)
    got = float(value)
    if not abs(got - expected) <= tolerance:
        for wrong, explanation in (near_misses or {}).items():
            if abs(got - wrong) <= tolerance:
                _fail(name, f"is {describe(got)}, {NOT_RIGHT}{explanation}", hint or _VALUE_HINT)
        _fail(name, f"is {describe(got)}, {NOT_EXPECTED}", hint or _VALUE_HINT)


def expect_date(name: str, value: object, expected: str, hint: str = "") -> None:
    """Hidden-test check for a date, compared by calendar day."""
    expect_type(name, value, DATE, hint)
    if _pd.Timestamp(value).normalize() != _pd.Timestamp(expected):
        _fail(name, f"is {describe(value)}, which is not the expected date.", hint or _VALUE_HINT)


def expect_sequence(name: str, value: object, expected: list[str], hint: str = "", ordered: bool = True) -> None:
    """A list of labels, e.g. an ordering question: exact list of str, in order when `ordered`."""
    if type(value) not in (list, tuple):
        _fail(name, f"should be a list, but it is {describe(value)}.", hint or 'a list is written ["a", "b"]')
    items = list(value)
    for item in items:
        expect_type(f"each item of {name}", item, TEXT, hint)
    got = [str.__str__(i) for i in items]
    if sorted(got) != sorted(expected):
        _fail(
            name,
            f"should contain {len(expected)} items, each listed once; check which items you included.",
            hint or _VALUE_HINT,
        )
    if ordered and got != list(expected):
        first_wrong = next(i for i, (a, b) in enumerate(zip(got, expected, strict=True)) if a != b)
        _fail(
            name,
            f"has the right items, but the order is not right (first difference at position {first_wrong + 1}).",
            hint or _VALUE_HINT,
        )


def expect_frame(name: str, frame: object, expected: _pd.DataFrame, hint: str = "", check_order: bool = True) -> None:
    """Hidden-test check: same columns, same rows (in order unless `check_order=False`), same values."""
    frame = _frame(name, frame, hint)
    expect_columns(name, frame, [str(c) for c in expected.columns], hint)
    if len(frame) != len(expected):
        _fail(name, f"has {_count(len(frame), 'row')}; a different number was expected.", hint or "check your filter")

    def rows(df: _pd.DataFrame) -> list[tuple]:
        plain = df.reset_index(drop=True).astype(object).where(df.reset_index(drop=True).notna(), None)
        return [
            tuple(_pd.Timestamp(v) if isinstance(v, (_dt.date, _np.datetime64)) else v for v in row)
            for row in plain.itertuples(index=False, name=None)
        ]

    got, want = rows(frame), rows(expected)
    if not check_order:
        got, want = sorted(got, key=repr), sorted(want, key=repr)
    if got != want:
        if sorted(got, key=repr) == sorted(want, key=repr):
            _fail(name, "has the right rows in the wrong order.", hint or "sort the rows as the exercise asks")
        _fail(name, "has the right shape but some values differ from the expected ones.", hint or _VALUE_HINT)


# --- expect_defined: a test cell's first line, turning "name is not defined" into advice --------
#
# A bare `n_korea_2018` in a test cell raises NameError, with a traceback, before any check runs.
# `expect_defined("n_korea_2018")` looks the name up first and says what went wrong.
#
# What it remembers, and why nothing depends on it: a post_run_cell hook, registered when this
# module is imported inside an IPython kernel (the notebook's locked setup cell), keeps the source
# and the error (type and message, as text: never the exception, which would keep the cell's
# objects alive) of the last 50 cells run. With it, the check can say "the cell that sets it
# stopped with NameError: name 'B' is not defined" even when an older value of the variable is
# still in memory, or "the cell still raises NotImplementedError". Without it the messages fall
# back to what the namespace alone tells: the name is there (the check passes) or it is not ("run
# the answer cell above first"). That is the case wherever the history is not the student's:
# a grading kernel forked from the pre-imported zygote (imported before any shell exists), a
# restarted kernel, or a kernel that only runs test cells and receives the answers as data.

_HISTORY_LENGTH = 50
# (cell id or None, cell source, "ErrorType: message" or None), oldest first; a cell run again
# replaces its earlier run (JupyterLab sends each cell's id with the code)
_recent: list[tuple[str | None, str, str | None]] = []


def _remember(result) -> None:
    error = result.error_before_exec or result.error_in_exec
    summary = None if error is None else f"{type(error).__name__}: {error}"
    cell_id = getattr(result.info, "cell_id", None)
    if cell_id is not None:
        _recent[:] = [entry for entry in _recent if entry[0] != cell_id]
    _recent.append((cell_id, getattr(result.info, "raw_cell", "") or "", summary))
    del _recent[:-_HISTORY_LENGTH]


def _install_history_hook() -> None:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency; plain Python has no cells
        return
    shell = get_ipython()
    if shell is not None and _remember not in shell.events.callbacks["post_run_cell"]:
        shell.events.register("post_run_cell", _remember)


_install_history_hook()


def _names_in(source: str) -> tuple[set[str], set[str]]:
    """(names the cell assigns, names it reads); by regular expression if it does not parse."""
    try:
        tree = _ast.parse(source)
    except SyntaxError:
        words = set(_re.findall(r"[A-Za-z_]\w*", source))
        return {w for w in words if _re.search(rf"\b{w}\s*=(?!=)", source)}, words
    stored, loaded = set(), set()
    for node in _ast.walk(tree):
        if isinstance(node, _ast.Name):
            (stored if isinstance(node.ctx, _ast.Store) else loaded).add(node.id)
        elif isinstance(node, (_ast.FunctionDef, _ast.ClassDef)):
            stored.add(node.name)
    return stored, loaded


def _last_attempt(name: str) -> tuple[str, str | None] | None:
    """The most recent cell that assigns `name`, else the most recent that mentions it (test cells
    and failed checks aside): (how it relates to the name, its error or None)."""
    mentioning = None
    for _cell, source, error in reversed(_recent):
        if "expect_defined(" in source or (error or "").startswith("FeedbackError"):
            continue
        stored, loaded = _names_in(source)
        if name in stored:
            return "sets", error
        if mentioning is None and name in loaded:
            mentioning = ("mentions", error)
    return mentioning


def expect_defined(name: str, namespace: Mapping[str, object] | None = None) -> object:
    """Fail with advice unless the answer variable `name` exists; return its value.

    `namespace` defaults to the caller's globals (the notebook's, in a test cell).
    """
    namespace = _sys._getframe(1).f_globals if namespace is None else namespace
    attempt = _last_attempt(name)
    if attempt is not None and attempt[1] is not None:
        relation, error = attempt
        if error.startswith("NotImplementedError"):
            if name not in namespace:
                _fail(
                    name,
                    "has no answer yet: the cell above still raises NotImplementedError.",
                    f"delete the line raise NotImplementedError(), write your answer as {name} = ..., "
                    "run the cell (Shift+Enter), then run this test",
                )
        elif relation == "sets":
            _fail(
                name,
                f"was not stored: the cell that sets it stopped with an error ({error.splitlines()[0]}).",
                "fix the error in that cell and run it again (Shift+Enter), then run this test",
            )
    if name in namespace:
        return namespace[name]
    visible = [k for k in namespace if isinstance(k, str) and not k.startswith("_")]
    similar = _difflib.get_close_matches(name, visible, n=1, cutoff=0.75)
    if similar:
        _fail(
            name,
            f"does not exist yet, but there is a variable called {similar[0]}.",
            f"the name must be exactly {name}: rename your variable in the answer cell, run it, then this test",
        )
    _fail(
        name,
        "does not exist yet.",
        "run the answer cell above first (Shift+Enter); if it shows an error, fix that first. "
        f"The answer must be stored under exactly this name: {name} = ...",
    )
