"""The out-of-kernel verdict, piece by piece (fast): which names a test reads, answers as data only,
and the grader's check of what a hostile kernel exported."""

from __future__ import annotations

import datetime as dt
import json
import math
import os

import numpy as np
import pandas as pd
import pytest

from course.autograder import values as V
from course.autograder.reads import cell_reads
from course.autograder.rebuild import Template, role_of
from course.autograder.verdict import plan
from course.paths import assignments, source_notebooks
from tests.test_adversarial import source_notebook

# --- which names a test reads ------------------------------------------------------------------


def test_every_course_test_reads_exactly_its_answers():
    """Each test cell of the course reads the names its exercise asks for, plus (02 ex2, ex5 and ex6,
    03 ex7) a table or list an instructor's plain cell defines; never a setup name, never its own
    helpers."""
    import nbformat

    extra = {
        ("02-spring-2018", "ex2-test"): {"days"},
        ("02-spring-2018", "ex5-test"): {"shuffled"},
        ("02-spring-2018", "ex6-test"): {"shuffled"},
        ("03-crisis-management", "ex7-test"): {"candidates"},
    }
    for assignment in assignments():
        for path in source_notebooks(assignment):
            nb = nbformat.read(path, as_version=4)
            answers = set()
            for cell in nb.cells:
                if role_of(cell) == "answer":
                    answers |= {
                        line.split("=")[0].strip()
                        for line in cell.source.splitlines()
                        if "=" in line and not line.startswith((" ", "#"))
                    }
            for gid, reads in plan(Template(path.name, nb.cells)).reads.items():
                assert set(reads.required) - answers <= extra.get((assignment, gid), set()), (assignment, gid, reads)
                assert reads.required and not reads.optional, (assignment, gid, reads)


def test_reads_follow_statement_order_and_scopes():
    source = (
        "for item in answer:\n    check(item)\n"
        "total = sum(v for v in values if v > limit)\n"
        "def f(x):\n    return x + offset\n"
        "y = y + 1\n"
        "assert double(3) == 6 and double(x=-2) == -4 and double(k) == 0\n"
    )
    reads = cell_reads(source, provided={"check"})
    assert set(reads.required) == {"answer", "values", "limit", "offset", "double", "k"}
    assert reads.optional == ["y"]  # read before the cell binds it
    assert reads.calls["double"] == ["3", "x=-2"]
    assert reads.uncallable["double"] == "double(k)"


def test_a_function_answer_is_checked_on_the_tests_literal_arguments():
    the_plan = plan(Template("adv.ipynb", source_notebook().cells))
    assert the_plan.reads["test-double"].calls == {"double": ["3", "-2"]}


# --- answers as data -----------------------------------------------------------------------------


def _round_trip(value):
    document = {
        "format": V.FORMAT,
        "test": "t",
        "values": {"x": V.encode(value, "x")},
        "tables": {},
        "missing": [],
        "refused": {},
    }
    checked = V.check(json.dumps(document, allow_nan=False).encode(), "t", ["x"], [], {})
    return V.decode(json.loads(json.dumps(checked))["values"]["x"])


def _frames():
    from course import data

    return [getattr(data, name)() for name in data.__all__ if name.startswith("load_")]


@pytest.mark.parametrize(
    "value",
    [
        5,
        10**40,
        -0.0,
        0.1,
        True,
        None,
        "héllo\u2603",
        [1, "a", None, [2.5, (3, 4)]],
        (1, 2),
        {1, "x"},
        frozenset({(1, 2)}),
        {"a": 1, 2: [3], (1, "b"): {"x": None}},
        dt.date(2018, 4, 27),
        dt.datetime(2018, 4, 27, 9, 30, 1, 5),
        dt.timedelta(days=44, seconds=3),
        np.int64(44),
        np.uint8(7),
        np.float32(0.1),
        np.bool_(True),
        np.datetime64("2018-04-27", "D"),
        pd.Timestamp("2018-04-27 10:00:00.000000001"),
        pd.Timestamp("2018-04-27 10:00", tz="Asia/Seoul"),
        pd.Timedelta(days=44),
        np.arange(6).reshape(2, 3),
    ],
    ids=repr,
)
def test_plain_values_round_trip_with_their_exact_type(value):
    got = _round_trip(value)
    if isinstance(value, np.ndarray):
        assert got.dtype == value.dtype and (got == value).all()
    else:
        assert type(got) is type(value) and got == value


def test_special_floats_round_trip():
    assert math.isnan(_round_trip(float("nan"))) and _round_trip(float("-inf")) == float("-inf")


def test_course_tables_and_typical_answers_round_trip_dtype_for_dtype():
    from course.data import load_events

    frames = _frames()
    events = load_events()
    answers = [
        *frames,
        events[events["case"] == "korea"][["date", "event_id", "title"]].sort_values("date"),
        events.set_index("event_id")["date"],
        events["case"].value_counts(),
        events.groupby(["case", "date_precision"], observed=True).size().to_frame("n"),
        pd.DataFrame({"a": pd.array(["x", None], dtype="str"), "n": pd.array([1, None], dtype="Int64")}),
        pd.DataFrame([[1, 2]], columns=["a", "a"]),
        pd.DataFrame({"t": pd.date_range("2018", periods=2, tz="UTC")}),
    ]
    for value in answers:
        got = _round_trip(value)
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(got, value, check_dtype=True, check_index_type=True, check_freq=False)
        else:
            pd.testing.assert_series_equal(got, value, check_dtype=True, check_index_type=True, check_freq=False)


class _Lies:
    __class__ = property(lambda self: int)

    def __eq__(self, other):
        return True

    def __hash__(self):
        return 0


class _LyingInt(int):
    def __eq__(self, other):
        return True


@pytest.mark.parametrize(
    "value, message",
    [
        (_Lies(), "_Lies"),
        (_LyingInt(3), "_LyingInt"),
        (len, "is a function"),
        (lambda: 1, "is a function"),
        ([1, _Lies()], "`x[1]` is a "),
        (pd.DataFrame({"a": [_Lies()]}), "`x['a'][0]`"),
        ({_Lies(): 1}, "key"),
        (type("F", (pd.DataFrame,), {})({"a": [1]}), "F: store"),
        (1j, "is a complex"),
        (os, "is a module"),
    ],
)
def test_impostors_and_objects_are_refused_with_a_message(value, message):
    with pytest.raises(V.Refused, match=message.replace("[", r"\[").replace("]", r"\]")):
        V.encode(value, "x")


# --- the grader's check of an export ------------------------------------------------------------


def _document(values, **extra):
    return json.dumps(
        {"format": V.FORMAT, "test": "t", "values": values, "tables": {}, "missing": [], "refused": {}, **extra}
    ).encode()


@pytest.mark.parametrize(
    "node",
    [
        {"$": "pickle", "v": "gASV"},
        {"$": "code", "v": "__import__('os')"},
        {"$": "int", "v": "5"},
        {"$": "float", "v": "1e5"},
        {"$": "str", "v": 5},
        {"$": "list", "v": {"a": 1}},
        {
            "$": "DataFrame",
            "columns": {"$": "RangeIndex", "start": 0, "stop": 1, "step": 1, "name": {"$": "none"}},
            "index": {"$": "RangeIndex", "start": 0, "stop": 10**9, "step": 1, "name": {"$": "none"}},
            "cols": [],
        },
        {"$": "Timestamp", "v": 0, "unit": "us", "tz": "../../etc/passwd"},
        {
            "$": "Series",
            "name": {"$": "none"},
            "index": {"$": "RangeIndex", "start": 0, "stop": 2, "step": 1, "name": {"$": "none"}},
            "col": {"dtype": "object", "v": [{"$": "int", "v": 1}]},
        },
    ],
)
def test_forged_values_are_rejected(node):
    with pytest.raises(V.Invalid):
        V.check(_document({"x": node}), "t", ["x"], [], {})


def test_deep_nesting_and_non_json_are_rejected():
    deep = "[" * 100_000 + "]" * 100_000
    for raw in (deep.encode(), b'{"format": 1, "values": NaN}', b"\xff\xfe", b"null"):
        with pytest.raises(V.Invalid):
            V.check(raw, "t", ["x"], [], {})


def test_only_the_names_a_test_reads_pass_the_check():
    checked = V.check(
        _document(
            {"x": {"$": "int", "v": 1}, "expect_equal": {"$": "int", "v": 0}}, refused={"y": "`y` is a function"}
        ),
        "t",
        ["x"],
        [],
        {},
    )
    assert set(checked["values"]) == {"x"} and checked["refused"] == {}


def test_export_files_are_read_without_following_links(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "link.json").symlink_to("/etc/passwd")
    os.mkfifo(folder / "fifo.json")
    with open(folder / "big.json", "wb") as big:
        big.truncate(2_000_000)
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for name in ("link", "fifo", "big"):
            with pytest.raises(V.Invalid):
                V.read_export(fd, name, max_bytes=1_000_000)
        assert V.read_export(fd, "absent", max_bytes=1_000_000) is None
    finally:
        os.close(fd)


def test_a_function_answer_becomes_a_table_of_its_results(tmp_path):
    namespace = {"double": lambda x: 2 * x}
    namespace["double"] = eval("lambda x: 2 * x")  # a plain function, as a notebook defines it
    V.export(namespace, "t", ["double"], [], {"double": ["3", "-2"]}, folder=str(tmp_path))
    raw = (tmp_path / "t.json").read_bytes()
    checked = V.check(raw, "t", ["double"], [], {"double": ["3", "-2"]})
    values = tmp_path / "values.json"
    values.write_text(json.dumps({"t": checked}))
    target: dict = {}
    V.load(target, str(values), "t")
    assert target["double"](3) == 6 and target["double"](-2) == -4
    with pytest.raises(LookupError):
        target["double"](5)
