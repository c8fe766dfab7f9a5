"""The report's reading of test messages and its item statistics, the similarity ranking and page, and the
padded rubric tables in the formgrader's pages. No kernels: messages come from the course's own checks."""

from __future__ import annotations

import re

import nbformat
import pandas as pd
import pytest

from course import checks
from course.config import load_config
from course.errors import UsageError
from course.paths import course_root
from course.pipeline.pagestyle import TABLE_CSS
from course.pipeline.report import classify_failure, item_analysis, mistake_tables
from course.pipeline.similarity import Answer, compare, marked, normalise, render_html


def message(check, *args, **kwargs) -> tuple[str, str]:
    """(ename, evalue) as a test cell's error output records them, from the real check."""
    try:
        check(*args, **kwargs)
    except Exception as exc:
        return type(exc).__name__, str(exc)
    raise AssertionError("the check passed")


def test_near_misses_wrong_answers_and_form_problems_are_told_apart():
    near = {30: "you counted both the first and the last day; count the days between."}
    got = classify_failure(*message(checks.expect_equal, "days", 30, 29, checks.INTEGER, "use .days", near))
    assert got == ("near miss", "you counted both the first and the last day; count the days between.")
    got = classify_failure(*message(checks.expect_equal, "days", 12, 29, checks.INTEGER, "use .days", near))
    assert got == ("wrong answer", checks.describe(12))
    got = classify_failure(*message(checks.expect_equal, "answer", "A", "B", checks.TEXT, near_misses={"C": "no"}))
    assert got == ("wrong answer", checks.describe("A"))
    ready_made = checks.FeedbackError("`answer` is not right: the summit was in April\nHint: look at the date")
    assert classify_failure("FeedbackError", str(ready_made)) == ("near miss", "the summit was in April")
    got = classify_failure(*message(checks.expect_close, "share", 0.66, 0.3, 1e-9, near_misses={0.66: "secondary"}))
    assert got == ("near miss", "secondary")
    kind, detail = classify_failure(*message(checks.expect_type, "n", 3.5, checks.INTEGER, "use len(...)"))
    assert kind == "form" and detail.startswith("n should be a whole number") and "Hint" not in detail
    assert classify_failure("NameError", "name 'n_korea_2018' is not defined")[0] == "missing"
    assert classify_failure("ZeroDivisionError", "division by zero") == ("error", "ZeroDivisionError")


def test_mistakes_are_counted_over_counted_students_only():
    failures = {
        "a": {"ex1-test": ("near miss", "context events too")},
        "b": {"ex1-test": ("near miss", "context events too"), "ex2-test": ("wrong answer", "12")},
        "c": {"ex1-test": ("wrong answer", "40")},
        "blank": {"ex1-test": ("missing", "")},
    }
    tables = mistake_tables(failures, counted={"a", "b", "c"})
    assert tables["ex1-test"]["near miss"]["context events too"] == 2
    assert tables["ex1-test"]["wrong answer"]["40"] == 1
    assert tables["ex1-test"]["missing"] == 0  # the blank submission is not counted
    assert tables["ex2-test"]["wrong answer"]["12"] == 1


def test_item_statistics_leave_out_non_attempts_and_ungraded_answers():
    rows = []
    for student, ex1, ex6, pending in [("a", 2, 3, False), ("b", 2, 1, False), ("c", 0, 2, False), ("d", 0, 0, True)]:
        rows.append(
            {
                "student": student,
                "question": "ex1-test",
                "kind": "auto",
                "score": ex1,
                "max_score": 2,
                "needs_manual_grade": False,
            }
        )
        rows.append(
            {
                "student": student,
                "question": "ex6-answer",
                "kind": "manual",
                "score": ex6,
                "max_score": 3,
                "needs_manual_grade": pending,
            }
        )
    touched = {
        "a": {"ex1-test": True, "ex6-answer": True},
        "b": {"ex1-test": True, "ex6-answer": True},
        "c": {"ex1-test": False, "ex6-answer": True},
        "d": {"ex1-test": True, "ex6-answer": True},
    }
    items = item_analysis(pd.DataFrame(rows), touched).set_index("question")
    assert items.loc["ex1-test", "attempted"] == 3 and items.loc["ex1-test", "not_attempted"] == 1
    assert items.loc["ex1-test", "difficulty"] == pytest.approx((2 + 2 + 0) / 3 / 2)
    assert items.loc["ex6-answer", "not_yet_graded"] == 1 and items.loc["ex6-answer", "attempted"] == 3
    assert items.loc["ex6-answer", "difficulty"] == pytest.approx((3 + 1 + 2) / 3 / 3)


ORIGINAL = (
    "Xinhua was at the site, so it saw the explosions itself, but it is China's state agency and China is close "
    "to Pyongyang, so it could present the demolition as a generous gesture. I would check whether the tunnels "
    "were really destroyed and whether any independent inspectors were there."
)
INDEPENDENT = (
    "Before relying on KOR-16 I want the exact date from a South Korean source such as Yonhap, because a state "
    "agency reports what its government wants. Satellite pictures from 38 North would show the damage."
)


def test_copies_are_flagged_and_independent_answers_are_not():
    answers = [
        Answer("s1", "ex6-answer", ORIGINAL, normalise(ORIGINAL)),
        Answer("s2", "ex6-answer", ORIGINAL.replace("present", "show"), normalise(ORIGINAL.replace("present", "show"))),
        Answer("s3", "ex6-answer", INDEPENDENT, normalise(INDEPENDENT)),
        Answer("s4", "ex6-answer", "", normalise("YOUR ANSWER HERE")),
        Answer("s5", "ex6-answer", "YOUR ANSWER HERE", normalise("YOUR ANSWER HERE")),
    ]
    model = Answer("model answer", "ex6-answer", INDEPENDENT, normalise(INDEPENDENT))
    pairs = compare(answers, {"ex6-answer": model}, threshold=70)
    flagged = {(p.a.student, p.b.student) for p in pairs if p.flagged}
    assert flagged == {("s1", "s2"), ("model answer", "s3")}
    assert [p.rank for p in pairs] == list(range(1, len(pairs) + 1))
    assert all("s4" not in (p.a.student, p.b.student) for p in pairs)  # blank answers are not compared
    assert pairs[0].score >= pairs[-1].score
    with pytest.raises(UsageError, match="0 to 100"):
        compare(answers, threshold=170)


def test_the_side_by_side_page_escapes_everything():
    hostile = "<script>alert(1)</script> " + ORIGINAL
    a = Answer("s1", "ex6-answer", hostile, normalise(hostile))
    b = Answer("<b>s2</b>", "ex6-answer", ORIGINAL, normalise(ORIGINAL))
    left, right = marked(a, b)
    assert "<script>" not in left and "&lt;script&gt;" in left and "<mark>" in right
    page = render_html("00-orientation", compare([a, b]), [a, b], 70, {"s1": "<i>Eve</i>"})
    assert "<script>" not in page and "<b>s2</b>" not in page and "<i>Eve</i>" not in page
    assert "&lt;i&gt;Eve&lt;/i&gt;" in page and 'href="#pair-1"' in page and 'id="pair-1"' in page


def test_rubric_tables_are_padded_in_the_formgraders_pages(tmp_path):
    """The formgrader renders with an HTMLExporter built from nbgrader_config.py and the formgrade template."""
    from nbconvert.exporters import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers

    config = load_config(course_root())
    config.HTMLExporter.template_name = "formgrade"  # FormgradeExtension.build_extra_config
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    source = nbformat.read(course_root() / "notebooks" / "00-orientation" / "00-orientation.ipynb", as_version=4)
    resources = {
        "assignment_id": "00-orientation",
        "notebook_id": "00-orientation",
        "submission_id": "x",
        "index": 0,
        "total": 1,
        "base_url": "",
        "student": "s",
        "last_name": "",
        "first_name": "",
        "notebook_path": "",
    }
    page, _ = HTMLExporter(config=config).from_notebook_node(source, resources=resources)
    assert TABLE_CSS in page
    assert re.search(r"<td[^>]*>names a concrete thing to confirm", page)  # the rubric is a table
