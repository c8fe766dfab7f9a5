"""course.autograder.verdicts: what an executed notebook earns (test-cell scores) and whether a
written answer was attempted (compared with the stub students received)."""

from __future__ import annotations

import copy

import nbformat
import pytest
from nbgrader.utils import determine_grade

from course.autograder import verdicts
from tests.unit_fixtures import TEXT_STUB, answer, by_id, graded_test, make_course, released, template_cells, written

v4 = nbformat.v4


def ran_with(*outputs, points: float = 2):
    cell = graded_test("t", "check()", points=points)
    cell.outputs = list(outputs)
    return cell


def result(text: str):
    return v4.new_output("execute_result", data={"text/plain": text}, execution_count=1)


def error():
    return v4.new_output("error", ename="AssertionError", evalue="wrong", traceback=[])


def test_a_test_cell_that_raised_scores_zero():
    assert verdicts.score_test_cell(ran_with(error()), ran=True) == 0


def test_a_test_cell_that_did_not_run_scores_zero():
    assert verdicts.score_test_cell(ran_with(), ran=False) == 0


def test_a_test_cell_that_ran_without_error_earns_its_points():
    assert verdicts.score_test_cell(ran_with(points=3), ran=True) == 3
    printed = v4.new_output("stream", name="stdout", text="well done")
    assert verdicts.score_test_cell(ran_with(printed, points=3), ran=True) == 3


@pytest.mark.parametrize(("shown", "earned"), [("1.5", 1.5), ("0", 0.0), ("7", 2.0), ("-3", 0.0), ("2", 2.0)])
def test_a_numeric_result_is_partial_credit_within_zero_and_the_points(shown, earned):
    assert verdicts.score_test_cell(ran_with(result(shown), points=2), ran=True) == earned


def test_a_result_that_is_not_a_number_earns_full_points():
    assert verdicts.score_test_cell(ran_with(result("'passed'"), points=2), ran=True) == 2
    image_only = v4.new_output("execute_result", data={"image/png": "iVBOR"}, execution_count=1)
    assert verdicts.score_test_cell(ran_with(image_only, points=2), ran=True) == 2


def test_an_error_counts_even_after_a_numeric_result():
    assert verdicts.score_test_cell(ran_with(result("2"), error(), points=2), ran=True) == 0


def test_a_warning_on_stderr_costs_nothing_unlike_in_nbgrader():
    """The deliberate difference from nbgrader's rule, stated in the module's docstring."""
    cell = ran_with(v4.new_output("stream", name="stderr", text="FutureWarning: ..."), points=2)
    assert verdicts.score_test_cell(cell, ran=True) == 2
    assert determine_grade(cell)[0] == 0  # nbgrader's own rule would give nothing


def test_scores_by_grade_id_and_cells_after_executed_upto_earn_nothing():
    nb = v4.new_notebook(
        cells=[
            answer("a1", "x = 1"),  # 0
            graded_test("t1", "assert x", points=2),  # 1: ran, passed
            v4.new_markdown_cell("notes"),  # 2
            graded_test("t2", "assert y", points=1),  # 3: ran, failed
            graded_test("t3", "assert z", points=4),  # 4: never ran (the budget ran out)
            written("w1", "my answer"),  # 5: not a test
        ]
    )
    nb.cells[3].outputs = [error()]
    assert verdicts.test_scores(nb, executed_upto=3) == {"t1": 2.0, "t2": 0.0, "t3": 0.0}
    assert verdicts.test_scores(nb, executed_upto=-1) == {"t1": 0.0, "t2": 0.0, "t3": 0.0}
    assert verdicts.test_scores(nb, executed_upto=4)["t3"] == 4.0


@pytest.fixture
def course(tmp_path):
    return make_course(tmp_path / "course", {"a1": {"nb.ipynb": template_cells()}})


@pytest.fixture
def checksums(course):
    template = nbformat.read(course / "notebooks" / "a1" / "nb.ipynb", as_version=4)
    return verdicts.released_checksums(template, course)


def written_cell_with(text: str):
    cell = copy.deepcopy(by_id(released(template_cells()))["ex3-answer"])
    cell.source = text
    return cell


def test_released_checksums_cover_the_written_answers_only(checksums):
    assert list(checksums) == ["ex3-answer"]


def test_the_stub_students_received_is_not_an_answer(checksums):
    stub = by_id(released(template_cells()))["ex3-answer"]
    assert stub.source == TEXT_STUB  # nbgrader's ClearSolutions with the course's stub
    assert not verdicts.responded(stub, checksums["ex3-answer"])


@pytest.mark.parametrize("blank", ["", "   \n\t"])
def test_a_blank_written_answer_is_not_an_answer(checksums, blank):
    assert not verdicts.responded(written_cell_with(blank), checksums["ex3-answer"])


def test_an_edited_written_answer_is_an_answer(checksums):
    assert verdicts.responded(written_cell_with(TEXT_STUB + " Xinhua was there."), checksums["ex3-answer"])
    assert verdicts.responded(written_cell_with("My answer."), None)  # no checksum known: any text counts


def test_the_stub_is_read_from_the_courses_config(checksums):
    """nbgrader's default stub is not this course's stub, so under this course it is an answer."""
    assert verdicts.responded(written_cell_with("YOUR ANSWER HERE"), checksums["ex3-answer"])


def test_a_course_without_a_stub_setting_uses_nbgrader_s_default(tmp_path):
    course = make_course(tmp_path / "plain", {"a1": {"nb.ipynb": template_cells()}}, config="c = get_config()\n")
    template = nbformat.read(course / "notebooks" / "a1" / "nb.ipynb", as_version=4)
    sums = verdicts.released_checksums(template, course)
    assert not verdicts.responded(written_cell_with("YOUR ANSWER HERE"), sums["ex3-answer"])


def test_written_responses_by_grade_id(checksums):
    nb = v4.new_notebook(
        cells=[
            written_cell_with("An answer."),
            answer("ex1-answer", "x = 1"),  # not a written answer: not listed
        ]
    )
    second = written_cell_with(TEXT_STUB)
    second.metadata["nbgrader"]["grade_id"] = "ex9-answer"  # no released checksum: the stub is text
    nb.cells.append(second)
    assert verdicts.written_responses(nb, checksums) == {"ex3-answer": True, "ex9-answer": True}
    nb.cells[0].source = TEXT_STUB
    assert verdicts.written_responses(nb, checksums)["ex3-answer"] is False
