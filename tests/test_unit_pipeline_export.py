"""course.pipeline.export: one row per student and question from nbgrader's gradebook."""

from __future__ import annotations

import csv

import pytest

from course.errors import NotReleasedError
from course.pipeline.export import COLUMNS, export_csv, question_scores
from tests.unit_fixtures import ASSIGNMENT, record_graded

QUESTIONS = ["ex1-test", "ex2-test", "ex3-answer"]  # the graded cells of tests/unit_fixtures.template_cells


def test_an_assignment_nobody_submitted_has_no_rows(released_course):
    frame = question_scores(released_course, assignment=ASSIGNMENT)
    assert frame.empty and list(frame.columns) == COLUMNS


def test_one_row_per_student_and_question_in_order(released_course):
    record_graded(released_course, "1002", {"ex1-test": 0.0, "ex2-test": 1.0}, {"ex3-answer": False})
    record_graded(released_course, "1001", {"ex1-test": 2.0, "ex2-test": 0.0}, {"ex3-answer": True})
    frame = question_scores(released_course)
    assert list(zip(frame["student"], frame["question"], strict=True)) == [
        (s, q) for s in ("1001", "1002") for q in QUESTIONS
    ]
    row = frame.set_index(["student", "question"])
    assert row.loc[("1001", "ex1-test"), ["score", "max_score", "kind"]].tolist() == [2.0, 2.0, "auto"]
    assert row.loc[("1002", "ex2-test"), "score"] == 1.0
    assert row.loc[("1001", "ex3-answer"), "kind"] == "manual"
    assert bool(row.loc[("1001", "ex3-answer"), "needs_manual_grade"]) is True  # answered: a human grades it
    assert bool(row.loc[("1002", "ex3-answer"), "needs_manual_grade"]) is False  # untouched: zero
    assert set(frame["assignment"]) == {ASSIGNMENT} and set(frame["notebook"]) == {"nb"}


def test_an_unknown_assignment_is_reported(released_course):
    with pytest.raises(NotReleasedError, match="'a9' is not in the gradebook"):
        question_scores(released_course, assignment="a9")


def test_export_writes_the_rows_as_csv(released_course, tmp_path):
    record_graded(released_course, "1001", {"ex1-test": 2.0, "ex2-test": 1.0}, {"ex3-answer": True})
    target = tmp_path / "out" / "grades.csv"
    assert export_csv(released_course, target, assignment=ASSIGNMENT) == 3
    with open(target, newline="") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == COLUMNS
    assert [(r["question"], r["score"], r["auto_score"], r["needs_manual_grade"]) for r in rows] == [
        ("ex1-test", "2.0", "2.0", "False"),
        ("ex2-test", "1.0", "1.0", "False"),
        ("ex3-answer", "0.0", "", "True"),  # answered, not graded by hand yet: nbgrader counts 0 so far
    ]
