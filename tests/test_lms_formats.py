"""course.pipeline.lms against what Canvas and Moodle write and accept (the rules in tests/lms_class.py,
written from the LMS source independently of the course's code). No kernels, no nbgrader runs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest

from course.errors import UsageError
from course.pipeline import lms
from tests.lms_class import (
    build,
    canvas_feedback_ids,
    canvas_import_accepts,
    moodle_feedback_participant,
)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("class")
    from course.paths import course_root

    return out, build(out, course_root(), "00-orientation")


def test_every_canvas_entry_of_the_generated_class_parses(generated):
    out, expected = generated
    with zipfile.ZipFile(out / "canvas" / "HIST_210-00-orientation_submissions.zip") as zf:
        names = zf.namelist()
    assert len(names) == len(expected["canvas_files"]) == 13
    for name in names:
        entry = lms.parse_canvas_entry(name)
        truth = expected["canvas_files"][name]
        student = expected["students"][truth["student"]]
        assert entry is not None, name
        assert entry.user_id == str(student["canvas_id"]), name
        assert entry.attachment_id == str(truth["attachment_id"]), name
        assert entry.display_name == truth["display_name"], name
        assert entry.late == student["canvas_late_mark"], name
        assert canvas_feedback_ids(name) == (entry.user_id, entry.attachment_id)


@pytest.mark.parametrize(
    ("name", "user", "attachment", "late", "display", "notebook"),
    [
        (
            "müllerjürgen_4821102_61400014_00-orientation.ipynb",
            "4821102",
            "61400014",
            False,
            "00-orientation.ipynb",
            "00-orientation.ipynb",
        ),
        (
            "smithjonesanna_LATE_4821103_61400021_00-orientation-1.ipynb",
            "4821103",
            "61400021",
            True,
            "00-orientation-1.ipynb",
            "00-orientation.ipynb",
        ),
        ("lee2ji_4821104_61400028_my_work_2.ipynb", "4821104", "61400028", False, "my_work_2.ipynb", "my_work_2.ipynb"),
        (
            "obrienseán_4821105_61400035_00-orientation.html",
            "4821105",
            "61400035",
            False,
            "00-orientation.html",
            "00-orientation.html",
        ),
    ],
)
def test_canvas_names(name, user, attachment, late, display, notebook):
    entry = lms.parse_canvas_entry(name)
    assert (entry.user_id, entry.attachment_id, entry.late, entry.display_name) == (user, attachment, late, display)
    assert entry.notebook_name == notebook
    assert entry.kind == "file"


def test_canvas_text_entries_and_anonymous_grading():
    text = lms.parse_canvas_entry("doejane_LATE_1001_text.html")
    assert (text.kind, text.user_id, text.late, text.attachment_id) == ("text", "1001", True, None)
    anonymous = lms.parse_canvas_entry("LATE_anon_x9f2_61400049_00-orientation.ipynb")
    assert (anonymous.anonymous_id, anonymous.user_id, anonymous.late) == ("x9f2", None, True)
    assert anonymous.prefix == "LATE_anon_x9f2"
    assert lms.parse_canvas_entry("00-orientation.ipynb") is None
    assert lms.parse_canvas_entry("notes_for_me.txt") is None


def test_canvas_feedback_name_reaches_the_right_submission():
    name = lms.canvas_feedback_name("nguyenbao_LATE_4821106", "61400042", "00-orientation")
    assert name == "nguyenbao_LATE_4821106_61400042_00-orientation-feedback.html"
    assert canvas_feedback_ids(name) == ("4821106", "61400042")
    assert lms.canvas_feedback_target(name) == ("4821106", "61400042")


def test_moodle_paths_of_the_generated_class(generated):
    out, expected = generated
    with zipfile.ZipFile(out / "moodle" / "HIST 210-00-orientation-4417.zip") as zf:
        names = zf.namelist()
    assert len(names) == len(expected["moodle_files"]) == 11
    for name in names:
        entry = lms.parse_moodle_path(tuple(name.split("/")))
        student = expected["students"][expected["moodle_files"][name]["student"]]
        assert entry.participant == str(student["moodle_participant"])
        assert entry.plugin == "assignsubmission_file"
        assert entry.filename == expected["moodle_files"][name]["display_name"]


def test_moodle_old_and_flat_layouts():
    old = lms.parse_moodle_path(("Jane Doe_77_assignsubmission_file_", "sub", "my work.ipynb"))
    assert (old.name, old.participant, old.folder, old.filename) == (
        "Jane Doe",
        "77",
        "Jane Doe_77_assignsubmission_file_",
        "sub/my work.ipynb",
    )
    flat = lms.parse_moodle_path(("Jane Doe_77_assignsubmission_file_my work.ipynb",))
    assert (flat.participant, flat.folder, flat.filename) == ("77", None, "my work.ipynb")
    assert lms.parse_moodle_path(("Jane Doe", "x.ipynb")) is None


def test_moodle_feedback_path_is_read_back_by_moodles_rule():
    path = lms.moodle_feedback_path("Seán O'Brien", "1390159", "00-orientation")
    assert path == "Seán OBrien_1390159_assignsubmission_file/00-orientation-feedback.html"
    assert moodle_feedback_participant(path) == "1390159"
    # a name with "_" (Moodle writes it as a space, so the participant id stays the second part)
    assert moodle_feedback_participant(lms.moodle_feedback_path("Ann_Marie Lee", "42", "x")) == "42"


def test_canvas_grades_csv_is_what_canvas_imports():
    text = lms.canvas_grades_csv(
        "00-orientation (88231)",
        "13.00",
        [("Müller, Jürgen", "4821102", "S2025002", "jmueller", "HIST 210 A", "10.00")],
    )
    rows = list(csv.reader(io.StringIO(text)))
    assert canvas_import_accepts(rows[0])
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "00-orientation (88231)"]
    assert rows[1][0] == "    Points Possible" and rows[1][5] == "13.00"
    assert rows[2] == ["Müller, Jürgen", "4821102", "S2025002", "jmueller", "HIST 210 A", "10.00"]
    # the header the issue first proposed is one Canvas rejects
    assert not canvas_import_accepts(["Student", "ID", "SIS User ID", "Section", "A"])


def test_the_canvas_export_is_read_in_its_order(generated):
    out, _ = generated
    book = lms.read_canvas_gradebook(out / "canvas" / "gradebook-export.csv")
    assert len(book.rows) == 12 and book.rows[0]["Student"] == "Adams, Grace"
    assert book.column_for("00-orientation") == "00-orientation (88231)"
    assert book.points["00-orientation (88231)"] == "13.00"
    with pytest.raises(UsageError, match="no column"):
        book.column_for("00-orientation", "Missing (1)")
    assert lms.split_sortable_name("Smith-Jones, Anna") == ("Anna", "Smith-Jones")
    assert lms.split_sortable_name('="=Eve, Adam"') == ("Adam", "=Eve")


def test_moodle_worksheet_times_and_round_trip(generated):
    out, expected = generated
    path = out / "moodle" / "Grades-HIST 210-00-orientation-4417.csv"
    sheet = lms.read_moodle_worksheet(path)
    assert sheet.to_csv() == path.read_text(encoding="utf-8")  # unchanged cells stay byte for byte
    zone = ZoneInfo(expected["timezone"])
    for record in sheet.records():
        student = next(s for s in expected["students"].values() if s["name"] == record["Full name"])
        assert sheet.participant(record["Identifier"]) == str(student["moodle_participant"])
        when = lms.parse_moodle_time(record["Last modified (submission)"], zone)
        want = dt.datetime.fromisoformat(student["submitted_at"]) if student["submitted_at"] else None
        assert when == want


def test_moodle_time_in_another_language_is_refused_plainly():
    with pytest.raises(UsageError, match="English dates"):
        lms.parse_moodle_time("lundi, 6 octobre 2025, 23:59", ZoneInfo("Europe/Paris"))
    assert lms.parse_moodle_time("-", ZoneInfo("UTC")) is None


def test_canvas_submission_times(generated):
    out, expected = generated
    times = lms.read_canvas_times(out / "canvas" / "submissions-api.json")
    nguyen = expected["students"]["S2025006"]
    record = times[str(nguyen["canvas_id"])]
    assert record.submitted_at == dt.datetime.fromisoformat(nguyen["submitted_at"])
    assert record.late and record.seconds_late == 11520
