"""course.pipeline.report: item analysis on hand-made scores, the answers given to choice
questions, and the HTML page (an empty gradebook, and escaping of what students control)."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from course import checks
from course.pipeline.gradebook import open_gradebook
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
    """The scores as course.pipeline.export.question_scores gives them: automatic questions, each
    score final (none waits for a grader)."""
    rows = [
        {"student": s, "question": q, "kind": "auto", "score": v, "max_score": MAXIMA[q], "needs_manual_grade": False}
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
    assert set(items["attempted"]) == {3}
    assert set(items["not_attempted"]) == {0} and set(items["not_yet_graded"]) == {0}


def test_a_missing_score_leaves_the_student_out_of_that_question_only():
    """Issue 12: a question's statistics are over the students with a score for it (a missing score
    is not a zero, as an answer not attempted or not yet graded by hand is not); the student's
    other questions, and their total in the rest of the total, still count."""
    with_zero = {**SCORES, "d": (1.0, 0.0, 0.0, 0.0)}
    missing = item_analysis(frame(with_zero, leave_out=(("d", "q3"), ("d", "q4")))).set_index("question")
    assert missing.loc[["q1", "q2"]].equals(item_analysis(frame(with_zero)).set_index("question").loc[["q1", "q2"]])
    assert missing.loc[["q3", "q4"]].equals(item_analysis(frame(SCORES)).set_index("question").loc[["q3", "q4"]])
    assert missing.loc["q1", "attempted"] == 4 and missing.loc["q3", "attempted"] == 3


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


def failure_message(check, *args) -> str:
    """The evalue a failed check leaves in a graded notebook: the real check's own words."""
    try:
        check(*args)
    except checks.FeedbackError as failure:
        return str(failure)
    raise AssertionError("the check passed")


ATTACK = "<script>alert('x')</script>"
CHOICE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory, released_gradebook):
    """Three submissions recorded as `course grade` records them, and their report. All three got
    ex1 right. 1001 chose "B" (right) and wrote an answer not graded by hand yet; the grader quoted
    a script in its problems. 1002 gave an HTML tag as its choice (the test's message quotes it
    back) and left the written answer as released. 1003 wrote a choice Python cannot build (the
    cell raised, so the test found no `choice`), and its written answer was graded 1.5 of 3."""
    root = copy_released_course(tmp_path_factory.mktemp("report") / "course", released_gradebook)
    record_graded(
        root,
        "1001",
        {"ex1-test": 2.0, "ex2-test": 1.0},
        {"ex3-answer": True},
        {"ex1-answer": "x = 1", "ex2-answer": 'choice = "B"', "ex3-answer": "My answer."},
        problems=[f"the kernel's last error output: {ATTACK}"],
    )
    record_graded(
        root,
        "1002",
        {"ex1-test": 2.0, "ex2-test": 0.0},
        {"ex3-answer": False},
        {"ex1-answer": "x = 1", "ex2-answer": f'choice = "{CHOICE}"'},
        failures={
            "ex2-test": ("FeedbackError", failure_message(checks.expect_equal, "choice", CHOICE, "B", checks.TEXT))
        },
    )
    record_graded(
        root,
        "1003",
        {"ex1-test": 2.0, "ex2-test": 0.0},
        {"ex3-answer": True},
        {"ex1-answer": "x = 1", "ex2-answer": "choice = {[]: 'B'}", "ex3-answer": "Another answer."},
        failures={"ex2-test": ("NameError", "name 'choice' is not defined")},
    )
    with open_gradebook(root) as gb:
        grade = gb.find_grade("ex3-answer", "nb", ASSIGNMENT, "1003")
        grade.manual_score, grade.needs_manual_grade = 1.5, False
        gb.db.commit()
    return root, build_report(root, ASSIGNMENT)


@pytest.fixture(scope="module")
def page(graded_class) -> str:
    return graded_class[1]


def test_a_report_counts_submissions_and_open_written_answers(page):
    assert "3 graded submissions. <strong>3 counted</strong> in the statistics below;" in page
    assert "\n0 blank (no answer changed from the released notebook);\n0 unreadable." in page
    assert "\n1 written answers still to grade by hand.</p>" in page
    # totals now include written answers: 2+1+0, 2+0+0 and 2+0+1.5 of 6
    assert 'alt="Total score of 3 students out of 6: median 3, lowest 2, highest 3.5."' in page


def test_a_report_names_the_questions_nobody_got_right_or_everybody_scored_on(page):
    """Over the students who attempted each question: the written answer counts only 1003's hand-given
    score (1001's waits for a grader, 1002 left it as released)."""
    assert "<strong>Full marks for nobody:</strong> ex3-answer." in page
    assert "<strong>Nobody scored zero:</strong> ex1-test, ex3-answer." in page
    # question, kind, points, attempted, not attempted, not yet graded
    assert re.search(
        r"<td>ex3-answer</td>\s*<td>manual</td>\s*<td>3.00</td>\s*<td>1</td>\s*<td>1</td>\s*<td>1</td>", page
    )


def test_a_report_shows_the_choices_and_the_problems(page):
    assert "B (right)" in page
    assert "<li>1001: " in page and "<li>1002" not in page  # only those with problems are listed


def test_what_students_control_is_escaped(page):
    """A problem message can quote a student's output, a quiz answer is the student's text, and a
    test's message quotes the student's answer back."""
    assert ATTACK not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert (
        "<td>wrong answer</td><td><code>the text &#39;&lt;img src=x onerror=alert(1)&gt;&#39;</code></td><td>1</td>"
        in page
    )


def test_quiz_answers_are_read_for_this_assignment_only(released_course):
    write_autograded(released_course, "1001", {"ex2-answer": 'choice = "B"'})
    write_autograded(released_course, "1001", {"ex2-answer": 'choice = "A"'}, assignment="a2")
    assert quiz_answers(released_course, ASSIGNMENT)["answer"].tolist() == ["B"]


@pytest.mark.parametrize("source", ["choice = {[]: 1}", "choice = {[1], 2}", "choice = {{}}"])
def test_a_literal_python_cannot_build_is_not_read(source):
    """ast.literal_eval raises TypeError (not ValueError) for an unhashable key or member."""
    assert _assigned_literal(source) is None


def test_one_students_odd_answer_does_not_stop_the_report(graded_class):
    root, page = graded_class
    assert quiz_answers(root, ASSIGNMENT)["answer"].tolist() == ["B", CHOICE, "(no valid answer)"]
    assert "B (right)" in page and "<td>(no valid answer)</td>" in page
