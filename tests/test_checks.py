"""Do the feedback checks teach, and are they hard to fool?"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course import checks as fb


class EqualsEverything:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __lt__(self, other):
        return False

    __le__ = __ge__ = __eq__
    __gt__ = __lt__

    def __float__(self):
        return 31.0


class SneakyInt(int):
    def __eq__(self, other):
        return True

    __hash__ = int.__hash__


class SneakyStr(str):
    def __eq__(self, other):
        return True

    __hash__ = str.__hash__


@pytest.mark.parametrize("impostor", [EqualsEverything(), SneakyInt(3), True, "31", 31.0, None])
def test_impostors_do_not_pass_an_integer_check(impostor):
    with pytest.raises(AssertionError):
        fb.expect_equal("n", impostor, 31, fb.INTEGER)


def test_plain_and_numpy_integers_pass():
    fb.expect_equal("n", 31, 31, fb.INTEGER)
    fb.expect_equal("n", np.int64(31), 31, fb.INTEGER)


def test_impostor_strings_and_choices():
    with pytest.raises(AssertionError):
        fb.expect_equal("answer", SneakyStr("A"), "B", fb.TEXT)
    with pytest.raises(AssertionError, match="should be a string"):
        fb.expect_one_of("answer", SneakyStr("A"), ["A", "B"])
    with pytest.raises(AssertionError, match="not one of the options"):
        fb.expect_one_of("answer", "Z", ["A", "B"])
    with pytest.raises(AssertionError):
        fb.expect_one_of("answer", EqualsEverything(), ["A", "B"])


def test_near_miss_message_names_the_mistake():
    with pytest.raises(AssertionError, match="counted both ends") as info:
        fb.expect_equal("days", 30, 29, fb.INTEGER, near_misses={30: "you counted both ends"})
    assert "29" not in str(info.value), "a hint must not give the answer away"


def test_type_message_is_friendly():
    with pytest.raises(
        AssertionError, match=r"(?s)`days`: should be a whole number \(int\), but it is Timedelta.*Hint: take \.days"
    ):
        fb.expect_type("days", pd.Timedelta(days=29), fb.INTEGER, "take .days")


def test_between_rejects_nan_and_out_of_range():
    fb.expect_between("share", 0.2, 0, 1)
    for bad in (float("nan"), 20.7, -0.1):
        with pytest.raises(AssertionError):
            fb.expect_between("share", bad, 0, 1)


def test_close_and_date():
    fb.expect_close("share", 0.2073170731, 17 / 82, 1e-9)
    with pytest.raises(AssertionError, match="percentage"):
        fb.expect_close("share", 20.73170731707317, 17 / 82, 1e-9, near_misses={100 * 17 / 82: "a percentage"})
    fb.expect_date("d", pd.Timestamp("2018-05-26 15:00"), "2018-05-26")
    with pytest.raises(AssertionError):
        fb.expect_date("d", "2018-05-26", "2018-05-26")


def test_frame_checks():
    want = pd.DataFrame({"date": pd.to_datetime(["2018-05-24", "2018-05-26"]), "event_id": ["KOR-16", "KOR-20"]})
    fb.expect_frame("t", want.copy(), want)
    with pytest.raises(AssertionError, match="wrong order"):
        fb.expect_frame("t", want.iloc[::-1], want)
    with pytest.raises(AssertionError, match="rows"):
        fb.expect_frame("t", want.iloc[:1], want)
    with pytest.raises(AssertionError, match="exactly the columns"):
        fb.expect_frame("t", want.assign(extra=1), want)
    with pytest.raises(AssertionError, match="DataFrame"):
        fb.expect_frame("t", want["date"], want)
    with pytest.raises(AssertionError, match="ascending"):
        fb.expect_sorted("t", want.iloc[::-1], "date")


def test_sequences():
    fb.expect_sequence("order", ["a", "b", "c"], ["a", "b", "c"])
    with pytest.raises(AssertionError, match="order is not"):
        fb.expect_sequence("order", ["b", "a", "c"], ["a", "b", "c"])
    with pytest.raises(AssertionError, match="contain 3 items"):
        fb.expect_sequence("order", ["a", "b"], ["a", "b", "c"])


def test_rebinding_names_in_a_namespace_does_not_change_the_checks():
    """A student who rebinds len, pd or the check itself in the notebook cannot make a hidden test pass."""
    namespace = {"len": lambda x: 0, "pd": None, "expect_equal": lambda *a, **k: None, "INTEGER": (object,)}
    code = (
        "from course.checks import INTEGER as _INTEGER, expect_equal as _expect_equal\n"
        "_expect_equal('n', answer, 31, _INTEGER)"
    )
    namespace["answer"] = EqualsEverything()
    with pytest.raises(AssertionError):
        exec(code, namespace)
    namespace["answer"] = 31
    exec(code, namespace)
