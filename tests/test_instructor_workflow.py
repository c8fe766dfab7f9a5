"""The instructor guide's Canvas walk-through, end to end, on a generated 12-student class
(tests/lms_class.py): a late student, one with an extension, unicode, hyphenated and digit names, a
resubmission, two uploads in one attempt, an HTML upload, a corrupt notebook, a blank written answer,
Canvas's Test Student and a student who sent nothing.

roster import → deadline → extensions import → collect (with Canvas's submission times) → grade →
(hand grading, as the formgrader saves it) → regrade → feedback with Canvas and Moodle zips → export
for Canvas and Moodle → report → similarity. Every number is checked against the class's ground truth,
and `course grade`'s late penalties against stock `nbgrader autograde` on the same submissions."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from course.nbgrader_run import run_nbgrader
from course.paths import course_root
from tests.conftest import make_course_copy
from tests.helpers import course_ok, in_process
from tests.lms_class import (
    build,
    canvas_feedback_ids,
    canvas_import_accepts,
    mistake_message,
    moodle_feedback_participant,
)

pytestmark = pytest.mark.slow
A = "00-orientation"
# points of each auto-graded exercise, from the source notebook's test cells
POINTS = {
    cell.metadata["nbgrader"]["grade_id"].removesuffix("-test"): cell.metadata["nbgrader"]["points"]
    for cell in nbformat.read(course_root() / "notebooks" / A / f"{A}.ipynb", as_version=4).cells
    if cell.metadata.get("nbgrader", {}).get("grade_id", "").endswith("-test")
}
# what the graders give the written answer (ex6, 3 points) in the formgrader; Lee2's is blank (0 by
# the grader itself) and García's notebook cannot be read
MANUAL = {
    "S2025001": 3.0,
    "S2025002": 2.0,
    "S2025003": 1.0,
    "S2025005": 3.0,
    "S2025006": 2.0,
    "S2025007": 2.0,
    "S2025008": 2.0,
    "S2025009": 1.0,
}
STOCK_BATCH = ["S2025001", "S2025006", "S2025007"]  # on time, late, late in Canvas but within an extension


def read_csv(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def hand_grade(course: Path, scores: dict[str, float]) -> None:
    """What the formgrader's save does (nbgrader/server_extensions/formgrader/apihandlers.py)."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student, score in scores.items():
            grade = gb.find_grade("ex6-answer", A, A, student)
            grade.manual_score = score
            grade.needs_manual_grade = False
        gb.db.commit()


def expected_totals(expected: dict) -> dict[str, dict]:
    """Raw score, penalty and net total of every roster student, from the class's ground truth alone."""
    totals = {}
    for sid, student in expected["students"].items():
        if not student["on_roster"]:
            continue
        if not student["gradable_notebook"] and not student["unreadable"]:
            totals[sid] = None  # nothing to grade
            continue
        wrong = {k.removesuffix("-answer") for k in student["answers"] if k != "ex6-answer"}  # recorded mistakes
        auto = sum(POINTS.values()) - sum(POINTS[ex] for ex in wrong)
        raw = 0.0 if student["unreadable"] else auto + MANUAL.get(sid, 0.0)
        penalty = raw if student["seconds_late"] > 0 else 0.0  # c.LateSubmissionPlugin.penalty_method = "zero"
        totals[sid] = {"raw": raw, "penalty": penalty, "net": raw - penalty}
    return totals


@pytest.fixture(scope="module")
def flow(tmp_path_factory):
    out = tmp_path_factory.mktemp("class")
    expected = build(out, course_root(), A)
    course = make_course_copy(tmp_path_factory.mktemp("course"), [A])
    with open(course / "nbgrader_config.py", "a") as config:
        config.write('\nc.Deadlines.timezone = "Europe/Berlin"\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    canvas, moodle = out / "canvas", out / "moodle"
    worksheet = moodle / "Grades-HIST 210-00-orientation-4417.csv"
    seconds: dict[str, float] = {}
    clock = time.monotonic()

    def lap(step: str) -> None:
        nonlocal clock
        seconds[step] = round(time.monotonic() - clock, 1)
        clock = time.monotonic()

    printed = {"release": course_ok(course, "release", A)}
    lap("release")
    printed["roster"] = in_process(course, "roster", "import", str(canvas / "gradebook-export.csv"))
    printed["deadline"] = in_process(course, "deadline", "--from", str(out / "deadlines.csv"))
    printed["extensions"] = in_process(course, "extensions", "import", str(out / "extensions.csv"))
    zip_path = canvas / "HIST_210-00-orientation_submissions.zip"
    printed["collect"] = in_process(
        course, "collect", A, "--from", str(zip_path), "--times", str(canvas / "submissions-api.json")
    )

    lap("roster, deadline, extensions, collect")
    stock = tmp_path_factory.mktemp("stock")
    shutil.copytree(course, stock, dirs_exist_ok=True)
    for folder in (stock / "submitted").iterdir():
        if folder.name not in STOCK_BATCH:
            shutil.rmtree(folder)
    run_nbgrader(stock, "autograde", A, "--force")
    lap("stock nbgrader autograde (3)")
    printed["grade"] = course_ok(course, "grade", A, "--jobs", "2")
    lap("course grade (10)")

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        before = {
            s.student.id: (s.score, {nb.name: nb.late_submission_penalty for nb in s.notebooks})
            for s in gb.find_assignment(A).submissions
        }
    hand_grade(course, MANUAL)
    # Rossi uploads again after being graded by hand: a changed answer; Müller's stays the same
    rossi = course / "submitted" / "S2025008" / A / f"{A}.ipynb"
    notebook = nbformat.read(rossi, as_version=4)
    for cell in notebook.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "ex6-answer":
            cell.source += " I would also ask the IAEA."
    nbformat.write(notebook, rossi)
    printed["regrade"] = course_ok(course, "grade", A, "--student", "S2025002", "--student", "S2025008")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        regraded = {
            s: (g.manual_score, g.needs_manual_grade)
            for s in ("S2025002", "S2025008")
            for g in [gb.find_grade("ex6-answer", A, A, s)]
        }
    hand_grade(course, {"S2025008": 2.0})  # the grader reads Rossi's new answer and keeps 2
    lap("regrade (2)")

    printed["feedback"] = in_process(
        course, "feedback", A, "--zip", "canvas", "--zip", "moodle", "--worksheet", str(worksheet)
    )
    lap("feedback and zips")
    printed["canvas"] = in_process(
        course,
        "export",
        "--assignment",
        A,
        "--format",
        "canvas",
        "--canvas-export",
        str(canvas / "gradebook-export.csv"),
    )
    printed["moodle"] = in_process(
        course, "export", "--assignment", A, "--format", "moodle", "--worksheet", str(worksheet)
    )
    printed["report"] = in_process(course, "report", A)
    printed["similarity"] = in_process(course, "similarity", A)
    lap("exports, report, similarity")
    print(f"\ninstructor workflow, seconds per step: {seconds}")
    return {
        "course": course,
        "stock": stock,
        "out": out,
        "expected": expected,
        "printed": printed,
        "before": before,
        "regraded": regraded,
        "worksheet": worksheet,
    }


def test_nothing_in_the_download_is_lost_or_unexplained(flow):
    course, expected = flow["course"], flow["expected"]
    with open(course / "reports" / f"{A}-collect.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    entries = {r["entry"]: r for r in rows if r["entry"]}
    assert set(entries) == set(expected["canvas_files"])  # all 13 files, each once
    for entry, truth in expected["canvas_files"].items():
        assert entries[entry]["outcome"] == truth["outcome"].split(":")[0].split(" ")[0], entry
        assert entries[entry]["detail"], entry  # a reason or what it became
    roster = {sid for sid, s in expected["students"].items() if s["on_roster"]}
    collected = {r["student"] for r in rows if r["outcome"] == "collected"}
    missing = {r["student"] for r in rows if r["outcome"] == "no submission"}
    assert collected | missing == roster and not collected & missing
    assert missing == {"S2025011", "S2025012"}
    assert "not on the roster  Canvas user 4821199" in flow["printed"]["collect"]
    assert (
        "10 submission(s)" in flow["printed"]["collect"]
        and "13 file(s) in the download: 10 used, 3 skipped" in flow["printed"]["collect"]
    )


def test_names_reach_the_gradebook(flow):
    with Gradebook(f"sqlite:///{flow['course'] / 'gradebook.db'}") as gb:
        for sid, student in flow["expected"]["students"].items():
            if student["on_roster"]:
                record = gb.find_student(sid)
                assert f"{record.first_name} {record.last_name}" == student["name"]
                assert record.lms_user_id == str(student["canvas_id"])


def test_lateness_and_extensions(flow):
    with Gradebook(f"sqlite:///{flow['course'] / 'gradebook.db'}") as gb:
        for sid, student in flow["expected"]["students"].items():
            if student["on_roster"] and (student["gradable_notebook"] or student["unreadable"]):
                submission = gb.find_submission(A, sid)
                assert submission.total_seconds_late == student["seconds_late"], sid
                assert (submission.extension.days if submission.extension else 0) == student["extension_days"], sid
    assert flow["expected"]["students"]["S2025006"]["seconds_late"] == 11520  # Nguyen: 3 h 12 min
    assert "late      S2025006: 3 h 12 min late; penalty 8" in flow["printed"]["grade"]


def test_course_grade_gives_the_same_penalties_as_nbgrader_autograde(flow):
    with Gradebook(f"sqlite:///{flow['stock'] / 'gradebook.db'}") as gb:
        stock = {
            s.student.id: (s.score, {nb.name: nb.late_submission_penalty for nb in s.notebooks})
            for s in gb.find_assignment(A).submissions
            if s.student.id in STOCK_BATCH
        }
    ours = {sid: flow["before"][sid] for sid in STOCK_BATCH}
    assert ours == stock
    assert stock["S2025006"] == (8.0, {A: 8.0})  # 'zero': the whole score, late by 3 h 12 min
    assert stock["S2025007"][1] == {A: None} and stock["S2025001"][1] == {A: None}


def test_unreadable_notebook_feedback_says_why_and_what_to_do(flow):
    course = flow["course"]
    page = (course / "feedback" / "S2025010" / A / f"{A}.html").read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    assert "We could not read your notebook" in text and "What to do:" in text
    assert "cut short" in text  # the file stops in the middle: what probably happened
    reason = json.loads((course / "autograded" / "S2025010" / A / "grading-report.json").read_text())
    assert reason["unreadable"][f"{A}.ipynb"]["reason"] in text  # the grader's reason reaches the page
    assert "NameError" not in page and "No response." not in page
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        grades = gb.find_submission_notebook(A, A, "S2025010").grades
        assert all(g.auto_score == 0 and not g.needs_manual_grade for g in grades)


def test_a_regrade_keeps_hand_grades_and_flags_changed_answers(flow):
    assert flow["regraded"]["S2025002"] == (2.0, False)  # same answer: still graded
    assert flow["regraded"]["S2025008"] == (2.0, True)  # changed: score kept, back in the queue
    assert (
        f"re-grade  S2025008: {A}/ex6-answer: the answer changed since it was graded by hand"
        in flow["printed"]["regrade"]
    )
    assert "S2025002" not in flow["printed"]["regrade"].split("re-grade")[-1]


def test_canvas_upload_file(flow):
    totals = expected_totals(flow["expected"])
    text = (flow["course"] / "lms" / f"{A}-canvas-grades.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert canvas_import_accepts(rows[0])
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{A} (88231)"]
    assert rows[1] == ["    Points Possible", "", "", "", "", "13.00"]
    export = read_csv(flow["out"] / "canvas" / "gradebook-export.csv")[2:]
    assert [r[:5] for r in rows[2:]] == [r[:5] for r in export]  # Canvas's rows, in Canvas's order
    by_canvas_id = {str(s["canvas_id"]): sid for sid, s in flow["expected"]["students"].items()}
    for row in rows[2:]:
        total = totals[by_canvas_id[row[1]]]
        assert row[5] == ("" if total is None else f"{total['net']:.2f}"), row
    assert {r[1]: r[5] for r in rows[2:]}["4821106"] == "0.00"  # Nguyen, late under 'zero', after hand grading
    # nbgrader froze Nguyen's penalty at 8 (his score before hand grading); feedback and export recompute it
    assert (
        "S2025006 00-orientation: late penalty 8 -> 10 (recomputed on the current score 10)"
        in flow["printed"]["feedback"]
    )
    assert "late penalty: S2025006 (Bao Nguyen) 10 - 10 = 0" in flow["printed"]["canvas"]


def test_moodle_upload_file(flow):
    totals = expected_totals(flow["expected"])
    original = read_csv(flow["worksheet"])
    filled = read_csv(flow["course"] / "lms" / f"{A}-moodle-grades.csv")
    header = original[0]
    assert filled[0] == header and len(filled) == len(original)
    grade, comment = header.index("Grade"), header.index("Feedback comments")
    by_email = {s["email"]: sid for sid, s in flow["expected"]["students"].items()}
    for before, after in zip(original[1:], filled[1:], strict=True):
        unchanged = [i for i in range(len(header)) if i not in (grade, comment)]
        assert [before[i] for i in unchanged] == [after[i] for i in unchanged]  # Identifier, Last modified (grade)...
        total = totals[by_email[before[header.index("Email address")]]]
        assert after[grade] == ("" if total is None else f"{total['net']:.2f}"), after


def test_feedback_zips_are_named_for_each_lms(flow):
    expected = flow["expected"]
    with zipfile.ZipFile(flow["course"] / "lms" / f"{A}-canvas-feedback.zip") as zf:
        canvas = zf.namelist()
    collected = {
        truth["student"]: str(truth["attachment_id"])
        for truth in expected["canvas_files"].values()
        if truth["outcome"].startswith("collected")
    }
    assert len(canvas) == len(collected) == 10
    for name in canvas:
        user, attachment = canvas_feedback_ids(name)
        sid = next(s for s, v in expected["students"].items() if str(v["canvas_id"]) == user)
        assert attachment == collected[sid], name
        assert name.endswith(f"{A}-feedback.html")
    with zipfile.ZipFile(flow["course"] / "lms" / f"{A}-moodle-feedback.zip") as zf:
        moodle = zf.namelist()
    participants = {str(v["moodle_participant"]) for s, v in expected["students"].items() if s in collected}
    assert {moodle_feedback_participant(name) for name in moodle} == participants
    late = (flow["course"] / "feedback" / "S2025006" / A / f"{A}.html").read_text(encoding="utf-8")
    assert "Late submission penalty (Score: -10.0)" in late


def test_report_teaches(flow):
    page = (flow["course"] / "reports" / f"{A}.html").read_text(encoding="utf-8")
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert "10 graded submissions. 9 counted" in text and "1 unreadable: S2025010" in text
    assert "ex6-answer manual 3.00 8 1 0" in text  # written question: 8 attempted, Lee2's blank answer not
    # each near miss the class made, once: the message the student saw, counted
    for grade_id, label in [
        ("ex1-answer", "wrong-filter-context"),
        ("ex2-answer", "earlier-statement"),
        ("ex3-answer", "bibliography-share"),
        ("ex5-answer", "literal-reading"),
        ("ex5-answer", "precision-alone"),
    ]:
        fragment = re.escape(mistake_message(grade_id, label))
        assert re.search(rf"near miss (?:(?!near miss).)*{fragment}(?:(?!near miss).)*? 1\b", text), label
    assert "form n_korea_2018 should be a whole number (int), but it is the text" in text  # Rossi's str(len(...))


def test_similarity_finds_the_planted_cases(flow):
    flagged = set()
    for line in flow["printed"]["similarity"].splitlines():
        if line.startswith("flagged"):
            a, b = re.search(r"ex6-answer\s+(.+?) / (\S+)\s+similarity", line).groups()
            flagged.add(frozenset((a, b)))
    assert flagged == {
        frozenset(("model answer", "S2025001")),  # Adams: the published model answer, lightly edited
        frozenset(("S2025003", "S2025005")),  # Smith-Jones copied O'Brien
        frozenset(("S2025002", "S2025009")),  # Kowalski paraphrased Müller
    }
    page = (flow["course"] / "reports" / f"{A}-similarity.html").read_text(encoding="utf-8")
    assert page.count('<section id="pair-') == 3 and "<mark>" in page
