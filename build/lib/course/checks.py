"""Friendly, tamper-resistant checks for nbgrader test cells.

Visible tests teach: they check the *form* of an answer (type, columns, plausible range,
order) and say what to fix, without giving the answer away. Hidden tests check the value and,
for the mistakes students commonly make (counting both ends, filtering the wrong case,
forgetting to sort), say which mistake it looks like.

Why the strictness: a test cell runs in the student's namespace. These functions keep their
own references (this module's imports, not the notebook's `len` or `pd`), accept answers by
exact type (so an object whose `__eq__` always returns True, or a subclass of int or str, does
not pass), and turn accepted answers into plain Python values before comparing them.
Every failure is an `AssertionError`, which nbgrader scores as a failed test.
"""

from __future__ import annotations

import datetime as _dt
import math as _math
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
    "expect_between",
    "expect_close",
    "expect_columns",
    "expect_date",
    "expect_equal",
    "expect_frame",
    "expect_one_of",
    "expect_sequence",
    "expect_sorted",
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
    TEXT: "a string (text in quotes)",
    DATE: "a date (pandas Timestamp)",
}


class FeedbackError(AssertionError):
    """A test failed; the message is written for the student."""


def _describe(value: object) -> str:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{type(value).__name__} {shown}"


def _fail(name: str, problem: str, hint: str = "") -> None:
    message = f"`{name}`: {problem}"
    if hint:
        message += f"\nHint: {hint}"
    raise FeedbackError(message)


def passed(name: str, what: str = "has the right form") -> None:
    """Tell the student a visible check passed (hidden tests may still check the value)."""
    print(f"OK: `{name}` {what}.")


def expect_type(name: str, value: object, kinds: tuple[type, ...], hint: str = "") -> None:
    """Fail unless `type(value)` is exactly one of `kinds` (no subclasses, no impostors)."""
    if type(value) not in kinds:
        wanted = _KIND_NAMES.get(kinds) or " or ".join(k.__name__ for k in kinds)
        _fail(name, f"should be {wanted}, but it is {_describe(value)}.", hint)


def expect_between(name: str, value: object, low: float, high: float, hint: str = "") -> None:
    """A plausibility check for visible tests: a number in [low, high]."""
    expect_type(name, value, NUMBER, hint)
    number = float(value)
    if _math.isnan(number) or not (low <= number <= high):
        _fail(name, f"{number:g} is not plausible here (expected something between {low:g} and {high:g}).", hint)


def expect_one_of(name: str, value: object, options: Iterable[str], hint: str = "") -> None:
    """For choice questions: the answer must be one of the offered option labels."""
    options = [str(o) for o in options]
    expect_type(name, value, TEXT, f"write one of {options} in quotes")
    if str.__str__(value) not in options:
        _fail(name, f"{value!r} is not one of the options {options}.", hint)


def _frame(name: str, frame: object, hint: str) -> _pd.DataFrame:
    if type(frame) is not _pd.DataFrame:
        _fail(name, f"should be a pandas DataFrame, but it is {_describe(frame)}.", hint)
    return frame


def expect_columns(name: str, frame: object, columns: Iterable[str], hint: str = "", exact: bool = True) -> None:
    """A DataFrame with these columns (in this order when `exact`)."""
    frame = _frame(name, frame, hint)
    wanted, have = list(columns), [str(c) for c in frame.columns]
    if exact and have != wanted:
        _fail(name, f"should have exactly the columns {wanted}, in that order; it has {have}.", hint)
    missing = [c for c in wanted if c not in have]
    if missing:
        _fail(name, f"is missing the column(s) {missing}; it has {have}.", hint)


def expect_sorted(name: str, frame: object, by: str, hint: str = "") -> None:
    """Rows in ascending order of column `by`."""
    frame = _frame(name, frame, hint)
    values = list(frame[by])
    if any(b < a for a, b in _pairwise(values)):
        _fail(name, f"rows are not in ascending order of '{by}'.", hint or f"use .sort_values('{by}')")


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
    counted both the first and the last day"}.
    """
    expect_type(name, value, kinds, hint)
    got = _plain(value)
    if got != expected:
        for wrong, explanation in (near_misses or {}).items():
            if got == wrong:
                _fail(name, f"{got!r} is not right: {explanation}", hint)
        _fail(name, f"{got!r} is not the expected answer.", hint)


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
                _fail(name, f"{got:g} is not right: {explanation}", hint)
        _fail(name, f"{got:g} is not the expected answer.", hint)


def expect_date(name: str, value: object, expected: str, hint: str = "") -> None:
    """Hidden-test check for a date, compared by calendar day."""
    expect_type(name, value, DATE, hint)
    if _pd.Timestamp(value).normalize() != _pd.Timestamp(expected):
        _fail(name, f"{_pd.Timestamp(value).date()} is not the expected date.", hint)


def expect_sequence(name: str, value: object, expected: list[str], hint: str = "", ordered: bool = True) -> None:
    """A list of labels, e.g. an ordering question: exact list of str, in order when `ordered`."""
    if type(value) not in (list, tuple):
        _fail(name, f"should be a list, but it is {_describe(value)}.", hint)
    items = list(value)
    for item in items:
        expect_type(name, item, TEXT, hint)
    got = [str.__str__(i) for i in items]
    if sorted(got) != sorted(expected):
        _fail(name, f"should contain {len(expected)} items, each listed once; check which items you included.", hint)
    if ordered and got != list(expected):
        first_wrong = next(i for i, (a, b) in enumerate(zip(got, expected, strict=True)) if a != b)
        _fail(name, f"the items are right but the order is not (first difference at position {first_wrong + 1}).", hint)


def expect_frame(name: str, frame: object, expected: _pd.DataFrame, hint: str = "", check_order: bool = True) -> None:
    """Hidden-test check: same columns, same rows (in order unless `check_order=False`), same values."""
    frame = _frame(name, frame, hint)
    expect_columns(name, frame, [str(c) for c in expected.columns], hint)
    if len(frame) != len(expected):
        _fail(name, f"has {len(frame)} rows; a different number was expected. Check your filter.", hint)

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
        _fail(name, "has the right shape but some values differ from the expected ones.", hint)
