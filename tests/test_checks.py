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
    with pytest.raises(AssertionError, match="should be text in quotes"):
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
    with pytest.raises(fb.FeedbackError) as info:
        fb.expect_type("days", pd.Timedelta(days=29), fb.INTEGER, "take .days")
    assert str(info.value) == (
        "Not yet: days should be a whole number (int), but it is a time span (Timedelta) of 29 days.\nHint: take .days"
    )


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
    with pytest.raises(AssertionError, match="has 1 row;"):
        fb.expect_frame("t", want.iloc[:1], want)
    with pytest.raises(AssertionError, match="exactly the columns"):
        fb.expect_frame("t", want.assign(extra=1), want)
    with pytest.raises(AssertionError, match="DataFrame"):
        fb.expect_frame("t", want["date"], want)
    with pytest.raises(AssertionError, match="out of order"):
        fb.expect_sorted("t", want.iloc[::-1], "date")


def test_sequences():
    fb.expect_sequence("order", ["a", "b", "c"], ["a", "b", "c"])
    with pytest.raises(AssertionError, match="the order is not right"):
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


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (np.int32(5), "the number 5"),
        (5, "the number 5"),
        (20.731707, "the decimal number 20.7317"),
        ("31", "the text '31'"),
        ("x" * 80, "the text '" + "x" * 37 + "...'"),
        (pd.DataFrame({"a": range(28), "b": 1, "c": 2}), "a table with 28 rows and 3 columns"),
        (pd.DataFrame({"a": [1]}), "a table with 1 row and 1 column"),
        (pd.Series([1, 2]), "a column (Series) of 2 values"),
        (pd.Timestamp("2018-05-26 15:00"), "the date 2018-05-26"),
        (pd.Timedelta(days=1), "a time span (Timedelta) of 1 day"),
        ([1, 2, 3], "a list of 3 items"),
        ({"a": 1}, "a dictionary of 1 item"),
        (None, "None (nothing was stored: did the cell use `=`?)"),
        (True, "True (a yes/no value)"),
        (float("nan"), "not a number (NaN)"),
        (len, "a function (did you forget the brackets that call it?)"),
    ],
)
def test_values_are_described_in_words(value, words):
    assert fb.describe(value) == words


def test_a_table_is_never_shown_as_its_repr():
    table = pd.DataFrame({"event_id": ["KOR-01"] * 36, "title": ["a long title " * 5] * 36})
    with pytest.raises(fb.FeedbackError) as info:
        fb.expect_type("n", table, fb.INTEGER)
    message = str(info.value)
    assert "a table with 36 rows and 2 columns" in message and "KOR-01" not in message and "\\" not in message


def test_every_failure_is_one_block_with_a_hint():
    """Whatever fails, the learner gets two lines: what is wrong, and a hint (given or default)."""
    table = pd.DataFrame({"date": pd.to_datetime(["2018-05-26", "2018-05-24"]), "event_id": ["b", "a"]})
    failing = [
        lambda: fb.expect_type("n", "3", fb.INTEGER),
        lambda: fb.expect_type("n", 3, fb.TEXT),
        lambda: fb.expect_type("n", 3, fb.DATE),
        lambda: fb.expect_between("n", 500, 1, 70),
        lambda: fb.expect_between("n", pd.Timedelta(days=3), 1, 70, "a range hint"),
        lambda: fb.expect_one_of("q", "b", ["A", "B", "C"]),
        lambda: fb.expect_one_of("q", 2, ["A", "B"]),
        lambda: fb.expect_columns("t", table, ["date"]),
        lambda: fb.expect_columns("t", "not a table", ["date"]),
        lambda: fb.expect_sorted("t", table, "date"),
        lambda: fb.expect_sorted("t", table, "missing"),
        lambda: fb.expect_equal("n", 4, 3, fb.INTEGER),
        lambda: fb.expect_close("n", 0.5, 0.25),
        lambda: fb.expect_date("d", pd.Timestamp("2018-01-01"), "2018-01-02"),
        lambda: fb.expect_sequence("o", "abc", ["a"]),
        lambda: fb.expect_frame("t", table.iloc[:1], table),
        lambda: fb.expect_true(False, "my_types should be a list of four strings"),
        lambda: fb.expect_defined("n_korea_2018", {}),
    ]
    for check in failing:
        with pytest.raises(fb.FeedbackError) as info:
            check()
        lines = str(info.value).splitlines()
        assert len(lines) == 2 and lines[0].startswith("Not yet: ") and lines[1].startswith("Hint: "), lines
        assert info.value._render_traceback_()[1].endswith(lines[1][len("Hint:") :])


def test_a_ready_made_message_still_makes_one_block():
    """Hidden tests written before names and hints had their own arguments raise it with one message."""
    error = fb.FeedbackError("`told_out_of_order` is not right: compare each claim with the one before it.")
    assert str(error) == "Not yet: told_out_of_order is not right: compare each claim with the one before it."
    error = fb.FeedbackError("a plain sentence.\nHint: try this")
    assert (error.name, error.problem, error.hint) == ("", "a plain sentence.", "try this")
    assert str(error).splitlines() == ["Not yet: a plain sentence.", "Hint: try this"]


def test_rendered_block_has_no_frames_and_no_colour():
    error = fb.FeedbackError("n_korea_2018", "does not exist yet.", "run the answer cell above first")
    rendered = error._render_traceback_()
    plain = [line.replace("\x1b[1m", "").replace("\x1b[0m", "") for line in rendered]
    assert plain == str(error).splitlines()
    assert not any("\x1b[3" in line for line in rendered), "bold only: a colour may fail the contrast check"
    assert isinstance(error, AssertionError)


def test_expect_defined_advice_from_the_namespace():
    assert fb.expect_defined("x", {"x": 3}) == 3
    with pytest.raises(fb.FeedbackError, match="run the answer cell above first") as info:
        fb.expect_defined("n_korea_2018", {"events": None})
    assert "n_korea_2018 = ..." in str(info.value)
    with pytest.raises(fb.FeedbackError, match="there is a variable called days_between_summit") as info:
        fb.expect_defined("days_between_summits", {"days_between_summit": 29})
    assert "the name must be exactly days_between_summits" in str(info.value)
    n_from_the_callers_globals = 4  # noqa: F841 - a local is not a notebook variable
    with pytest.raises(fb.FeedbackError):
        fb.expect_defined("n_from_the_callers_globals")


class _Cell:
    """What IPython passes to post_run_cell hooks (an ExecutionResult), reduced to what is read."""

    def __init__(self, source: str, error: BaseException | None = None, cell_id: str | None = None):
        self.info = type("Info", (), {"raw_cell": source, "cell_id": cell_id})()
        self.error_before_exec, self.error_in_exec = None, error


@pytest.fixture
def history(monkeypatch):
    monkeypatch.setattr(fb, "_recent", [])
    return lambda source, error=None, cell_id=None: fb._remember(_Cell(source, error, cell_id))


def test_a_broken_answer_cell_is_named_even_with_an_old_value_in_memory(history):
    """The issue's sequence: the variable holds "B" from before, then the answer cell fails."""
    history('precision_answer = "B"')
    history("precision_answer = B", NameError("name 'B' is not defined"))
    with pytest.raises(fb.FeedbackError) as info:
        fb.expect_defined("precision_answer", {"precision_answer": "B"})
    assert "stopped with an error (NameError: name 'B' is not defined)" in str(info.value)
    history('precision_answer = "B"')
    assert fb.expect_defined("precision_answer", {"precision_answer": "B"}) == "B"


def test_an_untouched_answer_cell_says_what_to_delete(history):
    history("# YOUR CODE HERE\nraise NotImplementedError()\nn_korea_2018", NotImplementedError())
    with pytest.raises(fb.FeedbackError, match="still raises NotImplementedError") as info:
        fb.expect_defined("n_korea_2018", {})
    assert "delete the line raise NotImplementedError()" in str(info.value)


def test_failed_tests_and_unrelated_errors_are_not_blamed(history):
    history("x = 5")
    history('expect_defined("x")\nexpect_type("x", x, INTEGER)', fb.FeedbackError("x", "is wrong"))
    history("print(x.nothing)", AttributeError("'int' object has no attribute 'nothing'"))
    assert fb.expect_defined("x", {"x": 5}) == 5


def test_a_cell_run_again_replaces_its_earlier_run(history):
    """The untouched answer cell failed; then the learner wrote an answer with a typo in the name:
    the advice is about the name, not about the old NotImplementedError."""
    history("# YOUR CODE HERE\nraise NotImplementedError()\nn_korea_2018", NotImplementedError(), cell_id="c8")
    history("n_korea2018 = 31\nn_korea2018", cell_id="c8")
    with pytest.raises(fb.FeedbackError, match="there is a variable called n_korea2018") as info:
        fb.expect_defined("n_korea_2018", {"n_korea2018": 31})
    assert "the name must be exactly n_korea_2018" in str(info.value)


def test_history_keeps_text_only_and_is_bounded(history):
    for i in range(fb._HISTORY_LENGTH + 10):
        history(f"y = {i}", ValueError(f"bad {i}"))
    assert len(fb._recent) == fb._HISTORY_LENGTH
    assert all(isinstance(error, str) for _, _, error in fb._recent)


@pytest.mark.slow
def test_a_real_kernel_shows_one_block_and_nbgrader_scores_it_zero():
    """In ipykernel, a failed check is an `error` output whose traceback is the friendly lines only
    (no frames of course/, no test code), nothing goes to stderr, and nbgrader scores it 0."""
    import nbformat
    from nbclient import NotebookClient
    from nbgrader.utils import determine_grade

    test_cell = 'expect_defined("precision_answer")\nexpect_type("precision_answer", precision_answer, TEXT)'
    cells = [
        "from course.checks import TEXT, INTEGER, expect_defined, expect_type, passed",
        'precision_answer = "B"',  # an earlier, right answer is still in memory...
        "precision_answer = B",  # ...when the answer cell is changed and fails
        test_cell,
        "table_answer = __import__('pandas').DataFrame({'a': range(28)})",
        'expect_defined("table_answer")\nexpect_type("table_answer", table_answer, INTEGER)',
        'precision_answer = "B"',
        test_cell + '\npassed("precision_answer")',
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    for index in (3, 5, 7):
        nb.cells[index].metadata["nbgrader"] = {
            "grade": True,
            "solution": False,
            "locked": True,
            "points": 1,
            "grade_id": f"t{index}",
            "schema_version": 3,
        }
    NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=60).execute()

    def error_lines(cell):
        (error,) = [o for o in cell.outputs if o.output_type == "error"]
        assert not [o for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"]
        return [line.replace("\x1b[1m", "").replace("\x1b[0m", "") for line in error.traceback], error

    lines, error = error_lines(nb.cells[3])
    assert error.ename == "FeedbackError"
    assert lines == [
        "Not yet: precision_answer was not stored: the cell that sets it stopped with an error "
        "(NameError: name 'B' is not defined).",
        "Hint: fix the error in that cell and run it again (Shift+Enter), then run this test",
    ]
    lines, _ = error_lines(nb.cells[5])
    assert lines[0] == (
        "Not yet: table_answer should be a whole number (int), but it is a table with 28 rows and 1 column."
    )
    assert not any("course/" in line or "File " in line for line in lines)
    assert determine_grade(nb.cells[3])[0] == 0 and determine_grade(nb.cells[5])[0] == 0
    assert nb.cells[7].outputs == [
        nbformat.v4.new_output("stream", name="stdout", text="OK: precision_answer has the right form.\n")
    ]
    assert determine_grade(nb.cells[7])[0] == 1
