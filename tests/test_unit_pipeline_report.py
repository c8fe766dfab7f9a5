"""course.pipeline.report: item analysis on hand-made scores, the answers given to choice
questions, and the HTML page (an empty gradebook, and escaping of what students control)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from course.pipeline.report import _assigned_literal, build_report, item_analysis, quiz_answers
from tests.unit_fixtures import ASSIGNMENT, copy_released_course, record_graded, write_autograded

# Three students, four questions, chosen so every statistic is known exactly:
# q1 rises with the rest of the total (discrimination 1), q4 falls with it (-1), nobody earns q2
# (no variance), and the rest of q3 is the same for everyone (no variance either).
SCORES = {
    #       q1   q2   q3   q4
    "a": (1.0, 0.0, 2.0, 0.0),
    "b": (0.5, 0.0, 1.0, 0.5),
    "c": (0.0, 0.0, 0.0, 1.0),
}
MAXIMA = {"q1": 1.0, "q2": 1.0, "q3": 2.0, "q4": 1.0}


def frame(scores: dict = SCORES, leave_out: tuple = ()) -> pd.DataFrame:
    rows = [
        {"student": s, "question": q, "score": v, "max_score": MAXIMA[q]}
        for s, values in scores.items()
        for q, v in zip(MAXIMA, values, strict=True)
        if (s, q) not in leave_out
    ]
    return pd.DataFrame(rows).sample(frac=1, random_state=1)  # the order of the rows does not matter


@pytest.fixture
def items():
    return item_analysis(frame()).set_index("question")


def test_one_row_per_question_in_order():
    assert item_analysis(frame())["question"].tolist() == ["q1", "q2", "q3", "q4"]


def test_difficulty_is_the_mean_share_of_points(items):
    assert items["difficulty"].to_dict() == {"q1": 0.5, "q2": 0.0, "q3": 0.5, "q4": 0.5}
    assert items["max_score"].to_dict() == MAXIMA


def test_discrimination_is_the_correlation_with_the_rest_of_the_total(items):
    assert items.loc["q1", "discrimination"] == pytest.approx(1.0)
    assert items.loc["q4", "discrimination"] == pytest.approx(-1.0)


@pytest.mark.filterwarnings("error")  # undefined by design, not by numpy dividing by zero
def test_discrimination_is_undefined_without_variance(items):
    assert math.isnan(items.loc["q2", "discrimination"])  # the question's scores do not vary
    assert math.isnan(items.loc["q3", "discrimination"])  # the rest of the total does not vary


def test_full_marks_and_zero_counts(items):
    assert items["full_marks"].to_dict() == {"q1": 1, "q2": 0, "q3": 1, "q4": 1}
    assert items["zero"].to_dict() == {"q1": 1, "q2": 3, "q3": 1, "q4": 1}
    assert set(items["students"]) == {3}


def test_a_missing_score_counts_as_zero():
    with_zero = {**SCORES, "d": (1.0, 0.0, 0.0, 0.0)}
    missing = item_analysis(frame(with_zero, leave_out=(("d", "q3"), ("d", "q4"))))
    assert missing.equals(item_analysis(frame(with_zero)))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('answer = "B"', ("answer", "B")),
        ("x = [1, 2.5, 'c']", ("x", [1, 2.5, "c"])),
        ('import math\nchoice = "A"  # my pick\nchoice', ("choice", "A")),
        ("n = -3", ("n", -3)),
    ],
)
def test_a_single_assignment_of_a_literal_is_read(source, expected):
    assert _assigned_literal(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        'a = "A"\nb = "B"',  # two assignments
        'a = b = "A"',  # two targets
        'answer: str = "B"',  # annotated
        "answer = pick()",  # not a literal
        'answer = "B',  # not Python
        "answer.value = 'B'",  # not a plain name
        "",
    ],
)
def test_anything_else_is_not_read(source):
    assert _assigned_literal(source) is None


def test_quiz_answers_read_the_autograded_notebooks(released_course):
    """ex2-answer's solution assigns "B" to `choice` (tests/unit_fixtures.template_cells); ex1's
    assigns a number, so it is not a choice question."""
    write_autograded(released_course, "1001", {"ex2-answer": 'choice = "B"'})
    write_autograded(released_course, "1002", {"ex2-answer": "choice = 'A'"})
    write_autograded(released_course, "1003", {"ex2-answer": "choice = input()"})
    write_autograded(released_course, "1004", {"ex2-answer": 'answer = "B"'})  # wrong variable
    write_autograded(released_course, "1005", {}).write_text("{broken")  # unreadable: skipped
    quiz = quiz_answers(released_course, ASSIGNMENT)
    assert quiz.to_dict("records") == [
        {"question": "ex2-answer", "variable": "choice", "student": "1001", "answer": "B", "correct": True},
        {"question": "ex2-answer", "variable": "choice", "student": "1002", "answer": "A", "correct": False},
        {
            "question": "ex2-answer",
            "variable": "choice",
            "student": "1003",
            "answer": "(no valid answer)",
            "correct": False,
        },
        {
            "question": "ex2-answer",
            "variable": "choice",
            "student": "1004",
            "answer": "(no valid answer)",
            "correct": False,
        },
    ]


def test_no_autograded_notebooks_no_quiz_answers(released_course):
    assert quiz_answers(released_course, ASSIGNMENT).empty


def test_a_report_before_any_grading_says_so(released_course):
    page = build_report(released_course, ASSIGNMENT)
    assert "No graded submissions yet." in page and "Grade report: a1" in page
    assert "<h2>Questions</h2>" not in page


ATTACK = "<script>alert('x')</script>"


@pytest.fixture(scope="module")
def page(tmp_path_factory, released_gradebook):
    """The report of two graded submissions: 1001 answered everything (choice "B", right), and the
    grader quoted a script in its problems; 1002 left the written answer untouched and gave an
    HTML tag as its choice. Both passed ex1-test and failed ex2-test."""
    root = copy_released_course(tmp_path_factory.mktemp("report") / "course", released_gradebook)
    scores = {"ex1-test": 2.0, "ex2-test": 0.0}
    problems = [f"the kernel's last error output: {ATTACK}"]
    record_graded(root, "1001", scores, {"ex3-answer": True}, {"ex2-answer": 'choice = "B"'}, problems)
    record_graded(
        root, "1002", scores, {"ex3-answer": False}, {"ex2-answer": 'choice = "<img src=x onerror=alert(1)>"'}
    )
    return build_report(root, ASSIGNMENT)


def test_a_report_counts_submissions_and_open_written_answers(page):
    assert "2 graded submissions; 1 written answers still to grade by hand." in page
    assert 'alt="Automatic scores of 2 students out of 3' in page


def test_a_report_names_the_tests_everyone_failed_or_passed(page):
    assert "<strong>Tests every student failed:</strong> ex2-test." in page
    assert "<strong>Tests every student passed:</strong> ex1-test." in page


def test_a_report_shows_the_choices_and_the_problems(page):
    assert "B (right)" in page
    assert "<li>1001: " in page and "<li>1002" not in page  # only those with problems are listed


def test_what_students_control_is_escaped(page):
    """A problem message can quote a student's output, and a quiz answer is the student's text."""
    assert ATTACK not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_quiz_answers_are_read_for_this_assignment_only(released_course):
    write_autograded(released_course, "1001", {"ex2-answer": 'choice = "B"'})
    write_autograded(released_course, "1001", {"ex2-answer": 'choice = "A"'}, assignment="a2")
    assert quiz_answers(released_course, ASSIGNMENT)["answer"].tolist() == ["B"]


@pytest.mark.parametrize("source", ["choice = {[]: 1}", "choice = {[1], 2}", "choice = {{}}"])
def test_a_literal_python_cannot_build_is_not_read(source):
    """ast.literal_eval raises TypeError (not ValueError) for an unhashable key or member."""
    assert _assigned_literal(source) is None


def test_one_students_odd_answer_does_not_stop_the_report(released_course):
    record_graded(released_course, "1001", {"ex1-test": 2.0}, answers={"ex2-answer": "choice = {[]: 'B'}"})
    record_graded(released_course, "1002", {"ex1-test": 0.0}, answers={"ex2-answer": 'choice = "B"'})
    assert quiz_answers(released_course, ASSIGNMENT)["answer"].tolist() == ["(no valid answer)", "B"]
    assert "B (right)" in build_report(released_course, ASSIGNMENT)
