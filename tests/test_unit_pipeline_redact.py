"""course.pipeline.redact: in feedback, a test cell's error shrinks to one line (its traceback can
quote hidden tests); everything else is left as it is."""

from __future__ import annotations

import copy

import nbformat
from traitlets.utils.importstring import import_item

from course.config import load_config
from course.paths import course_root
from course.pipeline.redact import RedactTestTracebacks
from tests.unit_fixtures import answer, graded_cell, graded_test, written

v4 = nbformat.v4
TRACEBACK = [
    "---------------------------------------------------------------------------",
    "AssertionError                            Traceback (most recent call last)",
    "Cell In[7], line 4\n----> 4 _expect_equal('n_korea_2018', n_korea_2018, 40)  # hidden test",
    "AssertionError: n_korea_2018 is not right",
]


def failed(cell):
    cell.outputs = [
        v4.new_output("stream", name="stdout", text="checking...\n"),
        v4.new_output("error", ename="AssertionError", evalue="n_korea_2018 is not right", traceback=list(TRACEBACK)),
    ]
    return cell


def redact(cell):
    return RedactTestTracebacks().preprocess_cell(cell, {}, 0)[0]


def test_a_test_cells_traceback_becomes_its_last_line():
    cell = redact(failed(graded_test("ex1-test", "check()", hidden="_expect_equal(...)")))
    assert cell.outputs[1].traceback == ["AssertionError: n_korea_2018 is not right"]
    assert cell.outputs[0].text == "checking...\n"  # other output stays


def test_an_answer_cells_traceback_is_the_students_own_and_stays_whole():
    cell = redact(failed(answer("ex1-answer", "n_korea_2018 = len(x)")))
    assert cell.outputs[1].traceback == TRACEBACK


def test_a_code_answer_graded_by_hand_keeps_its_traceback():
    """A code cell with points that is also a solution is the student's answer, not a test."""
    cell = redact(failed(graded_cell("code", "my_plot()", "ex4-answer", grade=True, solution=True, points=2)))
    assert cell.outputs[1].traceback == TRACEBACK


def test_other_cells_are_untouched():
    plain = failed(v4.new_code_cell("1 / 0"))
    assert redact(copy.deepcopy(plain)) == plain
    prose = written("ex3-answer", "My answer.")
    assert redact(copy.deepcopy(prose)) == prose


def test_a_whole_notebook_is_redacted_cell_by_cell():
    nb = v4.new_notebook(cells=[failed(answer("a", "x")), failed(graded_test("t", "check()"))])
    redacted, _ = RedactTestTracebacks().preprocess(nb, {})
    assert redacted.cells[0].outputs[1].traceback == TRACEBACK
    assert len(redacted.cells[1].outputs[1].traceback) == 1


def test_the_courses_feedback_step_uses_it():
    """nbgrader_config.py names the preprocessor by its dotted path, so a move breaks feedback."""
    configured = load_config(course_root()).GenerateFeedback.preprocessors
    assert RedactTestTracebacks in [import_item(name) for name in configured]
