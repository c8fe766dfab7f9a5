"""Does scripts/migrate_notebooks_issue16.py apply the issue-16 conventions mechanically, leave
hidden tests alone, and change nothing on a second run?"""

from __future__ import annotations

import shutil

import nbformat

from course.paths import course_root
from scripts.migrate_notebooks_issue16 import SPOILER_WORDS, main, migrate

TEST = {"grade": True, "solution": False, "locked": True, "points": 1, "schema_version": 3}


def _cell(source: str, grade_id: str | None = None, solution: bool = False, test: bool = False):
    cell = nbformat.v4.new_code_cell(source)
    if test:
        cell.metadata["nbgrader"] = {**TEST, "grade_id": grade_id}
    elif solution:
        cell.metadata["nbgrader"] = {"grade": False, "solution": True, "locked": False, "grade_id": grade_id}
    return cell


def _notebook():
    return nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("The red triangles are spoilers; see `data/README.md`."),
            _cell("from course.checks import INTEGER, expect_type, passed\nfrom course.widgets import multiple_choice"),
            _cell(
                "### BEGIN SOLUTION\nhelper = 3\nanswer_list = [helper]\n### END SOLUTION", "ex1-answer", solution=True
            ),
            _cell(
                '"""Check answer_list."""\n'
                'assert isinstance(answer_list, list), "answer_list should be a list"\n'
                "for item in answer_list:\n"
                '    expect_type("each item", item, INTEGER)\n'
                'passed("answer_list")\n'
                "### BEGIN HIDDEN TESTS\n"
                "assert answer_list == [3]\n"
                "### END HIDDEN TESTS",
                "ex1-test",
                test=True,
            ),
            _cell('multiple_choice("q", "Which?", {"A": "a", "B": "b"}, globals())'),
            _cell('multiple_choice(namespace=globals(), name="q", question="?", options={})'),
            _cell("comparison_matrix(globals())"),
            _cell('### BEGIN SOLUTION\nq = "B"\n### END SOLUTION', "ex2-answer", solution=True),
            _cell('expect_type("q", q, str)', "ex2-test", test=True),
        ]
    )


def test_each_convention_is_applied():
    nb = _notebook()
    changes = migrate(nb)
    sources = [c.source for c in nb.cells]
    assert sources[0] == (
        "The black downward triangles (▼) are spoilers; see [the data README](../course-docs/data-README.md)."
    )
    assert sources[1].splitlines()[0] == (
        "from course.checks import INTEGER, expect_defined, expect_true, expect_type, passed"
    )
    assert sources[3] == (
        '"""Check answer_list."""\n'
        'expect_defined("answer_list")\n'
        'expect_true(isinstance(answer_list, list), "answer_list should be a list")\n'
        "for item in answer_list:\n"
        '    expect_type("each item", item, INTEGER)\n'
        'passed("answer_list")\n'
        "### BEGIN HIDDEN TESTS\n"
        "assert answer_list == [3]\n"
        "### END HIDDEN TESTS"
    ), "helper is not an answer the test reads; `item` is the test's own; the hidden assert stays"
    assert sources[4] == 'multiple_choice("q", "Which?", {"A": "a", "B": "b"})'
    assert sources[5] == 'multiple_choice(name="q", question="?", options={})'
    assert sources[6] == "comparison_matrix()"
    assert sources[8] == 'expect_defined("q")\nexpect_type("q", q, str)'
    assert "ex1-test: code" in changes and "ex2-answer: code" not in changes


def test_a_second_run_changes_nothing(tmp_path):
    nb = _notebook()
    migrate(nb)
    once = nbformat.writes(nb)
    assert migrate(nb) == [] and nbformat.writes(nb) == once
    copy = tmp_path / "notebooks"
    shutil.copytree(course_root() / "notebooks", copy)
    paths = sorted(copy.glob("*/*.ipynb"))
    assert main([str(p) for p in paths]) == 0
    first = {p: p.read_text() for p in paths}
    assert main(["--check", *map(str, paths)]) == 0
    assert main([str(p) for p in paths]) == 0 and {p: p.read_text() for p in paths} == first
    for path in paths:  # cell ids and nbgrader metadata survive
        before = nbformat.read(course_root() / "notebooks" / path.relative_to(copy), as_version=4)
        after = nbformat.read(path, as_version=4)
        assert [(c.get("id"), c.metadata) for c in after.cells] == [(c.get("id"), c.metadata) for c in before.cells]


def test_the_course_notebooks_follow_the_conventions():
    """After a notebook lands, run the script (see its docstring); this says which notebooks need it."""
    assert main(["--check"]) == 0


def test_module_06_names_the_markers_the_figure_draws():
    """Issue 16: 06 said "red triangles" for the (orange) spoiler markers."""
    from course.figures import OKABE_ITO
    from course.widgets import cycle

    text = "\n".join(
        c.source for c in nbformat.read(next((course_root() / "notebooks" / "06-the-cycle").glob("*.ipynb")), 4).cells
    )
    assert "red triangle" not in text.lower()
    if "triangle" in text:
        assert cycle.SPOILER_WORDS in text
    assert ("v", OKABE_ITO["black"]) == (cycle.SPOILER_MARKER, cycle.SPOILER_COLOUR)
    assert cycle.SPOILER_WORDS == SPOILER_WORDS, "the script writes what the figure draws"
