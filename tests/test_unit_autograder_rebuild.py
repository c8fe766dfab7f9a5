"""course.autograder.rebuild: the instructor's template is the authority over a submission's
structure; the student's answers and extra cells are kept."""

from __future__ import annotations

import copy

import nbformat
import pytest

from course.autograder.rebuild import Template, rebuild, released_text
from tests.unit_fixtures import answer, by_id, graded_cell, graded_test, ids, notebook, released, template_cells

v4 = nbformat.v4
TEMPLATE_ORDER = ["intro", "setup", "ex1-answer", "ex1-test", "ex2-answer", "ex2-test", "ex3-answer", "recap"]


@pytest.fixture
def template() -> Template:
    return Template("nb.ipynb", template_cells())


@pytest.fixture
def submission():
    """What a student hands in: the released notebook with every exercise answered."""
    nb = released(template_cells())
    cells = by_id(nb)
    cells["ex1-answer"].source = "x = 1\nx"
    cells["ex2-answer"].source = 'choice = "B"'
    cells["ex3-answer"].source = "My own answer."
    return nb


def meta(cell):
    return cell.metadata.get("nbgrader")


def test_the_template_order_survives_an_untouched_submission(template, submission):
    assert ids(rebuild(submission, template)) == TEMPLATE_ORDER


def test_answers_are_kept_by_grade_id_under_the_templates_metadata(template, submission):
    """A student who edits an answer cell's metadata (points, turning it into a test) changes nothing."""
    forged = by_id(submission)["ex1-answer"]
    forged.metadata["nbgrader"].update(points=100, grade=True, solution=False, locked=True)
    rebuilt = by_id(rebuild(submission, template))
    assert rebuilt["ex1-answer"].source == "x = 1\nx"
    assert meta(rebuilt["ex1-answer"]) == meta(by_id(template)["ex1-answer"])
    assert rebuilt["ex3-answer"].source == "My own answer."
    assert rebuilt["ex3-answer"].cell_type == "markdown"


def test_test_and_read_only_cells_always_come_from_the_template(template, submission):
    """An edited test cell (its code, its points) and an edited set-up cell are replaced."""
    cells = by_id(submission)
    cells["ex1-test"].source = "pass"
    cells["ex1-test"].metadata["nbgrader"]["points"] = 100
    cells["setup"].source = "import os; os.system('rm -rf /')"
    rebuilt = by_id(rebuild(submission, template))
    original = by_id(template)
    assert rebuilt["ex1-test"].source == original["ex1-test"].source
    assert "### BEGIN HIDDEN TESTS" in rebuilt["ex1-test"].source  # the hidden tests are back
    assert meta(rebuilt["ex1-test"])["points"] == 2
    assert rebuilt["setup"].source == "import math"


def test_a_cell_with_forged_grade_flags_is_kept_as_a_plain_cell(template, submission):
    """A new cell claiming to be a graded test with points of its own earns nothing: it is plain."""
    forged = graded_cell("code", "print('free points')", "bonus", grade=True, locked=True, points=50)
    submission.cells.insert(3, forged)
    rebuilt = rebuild(submission, template)
    assert "bonus" not in ids(rebuilt)
    plain = [c for c in rebuilt.cells if c.source == "print('free points')"]
    assert len(plain) == 1 and "nbgrader" not in plain[0].metadata


@pytest.mark.parametrize("deleted", ["ex1-test", "ex2-test", "setup", "recap", "intro"])
def test_a_deleted_test_or_read_only_cell_is_restored_where_the_template_has_it(template, submission, deleted):
    submission.cells = [c for c in submission.cells if meta(c)["grade_id"] != deleted]
    rebuilt = rebuild(submission, template)
    assert ids(rebuilt) == TEMPLATE_ORDER
    assert by_id(rebuilt)[deleted].source == by_id(template)[deleted].source


def test_several_deleted_cells_in_a_row_come_back_in_the_templates_order(template, submission):
    gone = {"ex1-test", "ex2-answer", "ex2-test"}
    submission.cells = [c for c in submission.cells if meta(c)["grade_id"] not in gone]
    assert ids(rebuild(submission, template)) == TEMPLATE_ORDER


def test_a_deleted_answer_becomes_an_empty_answer(template, submission):
    submission.cells = [c for c in submission.cells if meta(c)["grade_id"] not in ("ex2-answer", "ex3-answer")]
    rebuilt = rebuild(submission, template)
    assert ids(rebuilt) == TEMPLATE_ORDER
    cells = by_id(rebuilt)
    assert cells["ex2-answer"].source == "" and cells["ex3-answer"].source == ""
    assert meta(cells["ex2-answer"]) == meta(by_id(template)["ex2-answer"])


def test_an_empty_submission_becomes_the_template_with_empty_answers(template):
    rebuilt = rebuild(v4.new_notebook(), template)
    assert ids(rebuilt) == TEMPLATE_ORDER
    assert [c.source for c in rebuilt.cells if meta(c).get("solution")] == ["", "", ""]


def test_copies_of_a_test_cell_are_dropped(template, submission):
    """A duplicated test cell runs once, where its first copy is."""
    copy_of_test = copy.deepcopy(by_id(submission)["ex1-test"])
    submission.cells.append(copy_of_test)  # a second copy at the end
    rebuilt = rebuild(submission, template)
    assert ids(rebuilt) == TEMPLATE_ORDER


def test_a_test_cell_pasted_without_metadata_is_recognised_by_its_text(template, submission):
    """A student who rebuilt their notebook by copy and paste lost the metadata: the visible test's
    text finds the cell, which gets the template's hidden tests, and the students' order holds."""
    visible = by_id(submission)["ex1-test"].source
    submission.cells = [c for c in submission.cells if meta(c)["grade_id"] != "ex1-test"]
    submission.cells.insert(3, v4.new_code_cell("\n" + visible + "\n"))  # where it was, spacing changed
    rebuilt = rebuild(submission, template)
    assert ids(rebuilt) == TEMPLATE_ORDER
    assert by_id(rebuilt)["ex1-test"].source == by_id(template)["ex1-test"].source


def test_a_pasted_test_cell_that_still_has_the_hidden_tests_is_recognised(template, submission):
    full = by_id(template)["ex1-test"].source
    submission.cells = [c for c in submission.cells if meta(c)["grade_id"] != "ex1-test"]
    submission.cells.insert(3, v4.new_code_cell(full.replace("assert x == 1", "pass  # edited")))
    rebuilt = rebuild(submission, template)
    assert ids(rebuilt) == TEMPLATE_ORDER
    assert "assert x == 1" in by_id(rebuilt)["ex1-test"].source


def test_a_moved_test_cell_stays_where_the_student_put_it(template, submission):
    cells = by_id(submission)
    order = ["intro", "setup", "ex1-test", "ex1-answer", "ex2-answer", "ex2-test", "ex3-answer", "recap"]
    submission.cells = [cells[g] for g in order]
    assert ids(rebuild(submission, template)) == order


def test_extra_student_cells_are_kept_in_order_as_plain_cells(template, submission):
    scratch = v4.new_code_cell("helper = lambda v: v + 1")
    notes = v4.new_markdown_cell("my notes")
    raw = v4.new_raw_cell("raw text")
    submission.cells[3:3] = [scratch, notes]  # between ex1-answer and ex1-test
    submission.cells.append(raw)
    rebuilt = rebuild(submission, template)
    assert ids(rebuilt) == [*TEMPLATE_ORDER[:3], None, None, *TEMPLATE_ORDER[3:], None]
    extra = [c for c in rebuilt.cells if "nbgrader" not in c.metadata]
    assert [(c.cell_type, c.source) for c in extra] == [
        ("code", "helper = lambda v: v + 1"),
        ("markdown", "my notes"),
        ("raw", "raw text"),
    ]


def test_a_copied_answer_cell_is_kept_as_plain_work_and_the_first_is_the_answer(template, submission):
    second = copy.deepcopy(by_id(submission)["ex1-answer"])
    second.source = "x = 2"
    submission.cells.insert(3, second)
    rebuilt = rebuild(submission, template)
    assert by_id(rebuilt)["ex1-answer"].source == "x = 1\nx"
    assert ids(rebuilt)[3] is None and rebuilt.cells[3].source == "x = 2"


def test_outputs_and_kernel_of_the_submission_are_not_kept(template, submission):
    """Stale outputs could carry a forged result, and a forged kernelspec could pick another kernel."""
    submission.metadata["kernelspec"] = {"name": "bash", "display_name": "Bash", "language": "bash"}
    by_id(submission)["ex1-test"].outputs = [v4.new_output("execute_result", data={"text/plain": "2"})]
    by_id(submission)["ex1-answer"].outputs = [v4.new_output("stream", name="stdout", text="1")]
    rebuilt = rebuild(submission, template)
    assert rebuilt.metadata["kernelspec"]["name"] == "python3"
    assert all(c.get("outputs", []) == [] for c in rebuilt.cells)


def test_cells_of_unknown_types_are_left_out(template, submission):
    odd = v4.new_markdown_cell("odd")
    odd["cell_type"] = "heading"
    submission.cells.insert(0, odd)
    rebuilt = rebuild(submission, template)
    assert ids(rebuilt) == TEMPLATE_ORDER


def test_released_text_strips_the_hidden_tests():
    cells = {c.metadata["nbgrader"]["grade_id"]: c for c in template_cells()}
    assert released_text(cells["ex1-test"]) == 'assert isinstance(x, int), "x is a whole number"'
    assert released_text(cells["ex2-test"]) == ""  # hidden tests only
    assert released_text(cells["intro"]) == "# Exercises"


def test_an_empty_student_cell_is_not_taken_for_a_test_made_only_of_hidden_tests(template, submission):
    """ex2-test is released empty (all its tests are hidden). An empty cell the student left at the
    top must stay a plain cell: taken for ex2-test, it would run the test before the answer."""
    submission.cells.insert(0, v4.new_code_cell(""))
    rebuilt = rebuild(submission, template)
    assert ids(rebuilt) == [None, *TEMPLATE_ORDER]


@pytest.mark.parametrize(
    "garbage",
    [
        {"nbgrader": "ex1-answer"},  # not a mapping
        {"nbgrader": {"grade_id": ["ex1-answer"]}},  # an id that is not text
        {"nbgrader": {"grade_id": {"id": 1}}},
    ],
    ids=["string", "list-id", "dict-id"],
)
def test_malformed_nbgrader_metadata_on_a_students_cell_is_ignored(template, submission, garbage):
    """Forged metadata has no effect, even when it is not the shape nbgrader writes: the cell is
    kept as plain work and the rest of the notebook is graded as usual."""
    extra = v4.new_code_cell("y = 2")
    extra.metadata.update(garbage)
    submission.cells.insert(4, extra)
    rebuilt = rebuild(submission, template)
    assert ids(rebuilt) == [*TEMPLATE_ORDER[:4], None, *TEMPLATE_ORDER[4:]]
    assert rebuilt.cells[4].source == "y = 2"


def test_the_template_is_not_changed_by_a_rebuild(template, submission):
    before = copy.deepcopy(template.cells)
    by_id(rebuild(submission, template))["ex1-answer"].source = "changed"
    assert template.cells == before


def test_a_single_answer_template_and_the_answer_as_the_only_cell():
    """The smallest case: the answer is taken, and the test is added after it."""
    tpl = Template("t.ipynb", [answer("a", "x = 1"), graded_test("t", "assert x")])
    rebuilt = rebuild(notebook([answer("a", "x = 5")]), tpl)
    assert ids(rebuilt) == ["a", "t"] and rebuilt.cells[0].source == "x = 5"
