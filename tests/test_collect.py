"""Roster import and `course collect` on the generated class and on awkward downloads: every file is
collected or listed with its reason, students are matched by a stable id, and each submission keeps
its real time. Gradebook only (no kernel, no nbgrader run): the assignment row is made by
`course deadline`, as an instructor may do before releasing."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from course.cli import main
from course.paths import course_root
from course.pipeline.collect import collect
from course.pipeline.roster import import_roster, load_roster
from tests.helpers import in_process
from tests.lms_class import build

A = "00-orientation"
NOTEBOOKS = [f"{A}.ipynb"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("class")
    return out, build(out, course_root(), A)


def new_course(where: Path, gradebook_db: Path | None = None) -> Path:
    """A course copy whose time zone is the generated class's (its LMS times are Berlin time)."""
    where.mkdir(parents=True, exist_ok=True)
    config = (course_root() / "nbgrader_config.py").read_text()
    (where / "nbgrader_config.py").write_text(config + '\nc.Deadlines.timezone = "Europe/Berlin"\n')
    shutil.copytree(course_root() / "notebooks" / A, where / "notebooks" / A)
    if gradebook_db:
        shutil.copy2(gradebook_db, where / "gradebook.db")
    return where


def run(course: Path, monkeypatch, capsys, *args: str) -> str:
    """`course ARGS` in `course`, in this process (the same parsing and printing as the command)."""
    monkeypatch.chdir(course)
    assert main(list(args)) == 0
    return capsys.readouterr().out


def gradebook(course: Path) -> Gradebook:
    return Gradebook(f"sqlite:///{course / 'gradebook.db'}")


def test_roster_from_canvas_then_moodle_keeps_ids_and_adds_emails(tmp_path, generated, empty_gradebook):
    out, expected = generated
    course = new_course(tmp_path / "course", empty_gradebook)
    report = import_roster(course, out / "canvas" / "gradebook-export.csv")
    assert report.kind == "Canvas gradebook export" and len(report.added) == 12 and not report.skipped
    with gradebook(course) as gb:
        students = {s.id: s for s in gb.students}
        assert set(students) == {k for k, v in expected["students"].items() if v["on_roster"]}
        mueller = students["S2025002"]
        assert (mueller.first_name, mueller.last_name, mueller.lms_user_id) == ("Jürgen", "Müller", "4821102")
        assert students["S2025003"].last_name == "Smith-Jones"
    roster = load_roster(course)
    assert roster.by_id("S2025005").section == "HIST 210 B" and roster.by_id("S2025005").sis_login_id == "sobrien"
    # the Moodle worksheet names the same people by email: matched, not added twice
    report = import_roster(course, out / "moodle" / "Grades-HIST 210-00-orientation-4417.csv")
    assert report.kind == "Moodle grading worksheet" and not report.added and len(report.updated) == 12
    assert all("SIS login = email local part" in line for line in report.updated)
    with gradebook(course) as gb:
        assert gb.find_student("S2025002").email == "jmueller@example.edu"
        assert gb.find_student("S2025002").first_name == "Jürgen"  # the Canvas split is kept


def test_roster_rows_that_cannot_be_imported_are_listed(tmp_path, empty_gradebook):
    course = new_course(tmp_path / "course", empty_gradebook)
    listing = tmp_path / "students.csv"
    listing.write_text(
        "id,first_name,last_name,email\nok1,Ada,Lovelace,ada@example.edu\n../evil,Eve,Hacker,\n,No,Id,\nok1,Ada,Again,\n",
        encoding="utf-8",
    )
    report = import_roster(course, listing)
    assert [line.split(":")[0] for line in report.added] == ["ok1"]
    reasons = "\n".join(report.skipped)
    assert "Eve Hacker: no usable student id" in reasons and "No Id: no usable student id" in reasons
    assert "appears twice" in reasons
    with pytest.raises(Exception, match="not a roster"):
        bad = tmp_path / "bad.csv"
        bad.write_text("a,b\n1,2\n", encoding="utf-8")
        import_roster(course, bad)


@pytest.fixture()
def canvas_course(tmp_path, generated, monkeypatch, capsys, empty_gradebook):
    out, expected = generated
    course = new_course(tmp_path / "course", empty_gradebook)
    run(course, monkeypatch, capsys, "roster", "import", str(out / "canvas" / "gradebook-export.csv"))
    printed = run(course, monkeypatch, capsys, "deadline", "--from", str(out / "deadlines.csv"))
    assert "2025-10-06 21:59 UTC" in printed
    printed = run(course, monkeypatch, capsys, "extensions", "import", str(out / "extensions.csv"))
    assert "pending   00-orientation S2025007: +3 d" in printed
    return course, out, expected


@pytest.fixture(scope="module")
def collected_with_times(tmp_path_factory, generated, empty_gradebook):
    """The guide's Canvas steps up to collect, with Canvas's submission times (shared, read-only)."""
    out, expected = generated
    course = new_course(tmp_path_factory.mktemp("canvas") / "course", empty_gradebook)
    in_process(course, "roster", "import", str(out / "canvas" / "gradebook-export.csv"))
    in_process(course, "deadline", "--from", str(out / "deadlines.csv"))
    in_process(course, "extensions", "import", str(out / "extensions.csv"))
    zip_path = out / "canvas" / "HIST_210-00-orientation_submissions.zip"
    printed = in_process(
        course, "collect", A, "--from", str(zip_path), "--times", str(out / "canvas" / "submissions-api.json")
    )
    return course, out, expected, printed


def test_canvas_download_every_file_accounted_for(collected_with_times):
    course, out, expected, printed = collected_with_times
    zip_path = out / "canvas" / "HIST_210-00-orientation_submissions.zip"
    with open(course / "reports" / f"{A}-collect.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_entry = {r["entry"]: r for r in rows if r["entry"]}
    with zipfile.ZipFile(zip_path) as zf:
        assert set(by_entry) == set(zf.namelist())  # every file of the download, once
    for entry, truth in expected["canvas_files"].items():
        row = by_entry[entry]
        wanted = truth["outcome"].split(":")[0].split(" ")[0]  # "collected" or "skipped"
        assert row["outcome"] == wanted, (entry, row)
        if truth["kind"] == "html":
            assert "HTML export" in row["detail"]
        if "older upload" in truth["outcome"]:
            assert "older upload of the same notebook" in row["detail"] and "latest wins" in row["detail"]
        if truth["kind"] == "corrupt":
            assert "unreadable (not valid notebook JSON" in row["detail"]
        if "renamed" in truth["outcome"]:
            assert f"renamed from {truth['display_name']}" in row["detail"]
        if truth["student"] in expected["students"] and expected["students"][truth["student"]]["on_roster"]:
            assert row["student"] == truth["student"]
    no_submission = {r["student"] for r in rows if r["outcome"] == "no submission"}
    assert no_submission == {"S2025011", "S2025012"}  # the HTML-only upload and the student who sent nothing
    assert "not on the roster  Canvas user 4821199 (studenttest)" in printed
    assert "no submission      S2025012 (Ana Silva)" in printed
    # unicode, hyphenated and digit names collected under their ids, with their names
    for student in ("S2025002", "S2025003", "S2025004", "S2025005"):
        assert (course / "submitted" / student / A / f"{A}.ipynb").is_file()
    # the later of Kowalski's two uploads is the one collected
    kowalski = nbformat.read(course / "submitted" / "S2025009" / A / f"{A}.ipynb", as_version=4)
    assert any(
        "KOR-16" in c.source
        for c in kowalski.cells
        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "ex6-answer"
    )


def test_canvas_times_lateness_and_extensions(collected_with_times):
    course, _, expected, _ = collected_with_times
    with gradebook(course) as gb:
        for sid, truth in expected["students"].items():
            if not truth["on_roster"] or (not truth["gradable_notebook"] and not truth["unreadable"]):
                continue
            submission = gb.find_submission(A, sid)
            assert submission.timestamp.replace(tzinfo=dt.UTC) == dt.datetime.fromisoformat(truth["submitted_at"]), sid
            assert submission.total_seconds_late == truth["seconds_late"], sid
            assert (submission.extension or dt.timedelta()).days == truth["extension_days"], sid
    nguyen = json.loads((course / "submitted" / "S2025006" / A / "collect.json").read_text())
    assert nguyen["time_source"] == "Canvas Submissions API (submitted_at)" and nguyen["seconds_late"] == 11520
    assert nguyen["lms"]["canvas_attachment_id"] == "61400042"
    stamp = (course / "submitted" / "S2025006" / A / "timestamp.txt").read_text()
    assert stamp == "2025-10-07 01:11:00.000000 UTC"


def test_canvas_without_times_uses_the_late_mark_and_says_so(canvas_course, monkeypatch, capsys):
    course, out, _ = canvas_course
    printed = run(
        course,
        monkeypatch,
        capsys,
        "collect",
        A,
        "--from",
        str(out / "canvas" / "HIST_210-00-orientation_submissions.zip"),
    )
    assert "Canvas LATE mark, time unknown: counted as 1 s late" in printed
    assert "extension Canvas does not know about" in printed  # Okafor: LATE in Canvas, extended here
    with gradebook(course) as gb:
        assert gb.find_submission(A, "S2025006").total_seconds_late == 1
        assert gb.find_submission(A, "S2025007").total_seconds_late == 0
        assert gb.find_submission(A, "S2025001").timestamp is None  # no time in the zip, not marked late
    assert not (course / "submitted" / "S2025001" / A / "timestamp.txt").exists()  # never the zip's own times


def test_moodle_download_matched_through_the_worksheet(tmp_path, generated, monkeypatch, capsys, empty_gradebook):
    out, expected = generated
    course = new_course(tmp_path / "course", empty_gradebook)
    run(course, monkeypatch, capsys, "roster", "import", str(out / "canvas" / "gradebook-export.csv"))
    sheet = out / "moodle" / "Grades-HIST 210-00-orientation-4417.csv"
    zip_path = out / "moodle" / "HIST 210-00-orientation-4417.zip"
    run(course, monkeypatch, capsys, "collect", A, "--from", str(zip_path), "--worksheet", str(sheet))
    with open(course / "reports" / f"{A}-collect.csv", encoding="utf-8") as fh:
        rows = {r["entry"]: r for r in csv.DictReader(fh) if r["entry"]}
    assert set(rows) == set(expected["moodle_files"])
    for entry, truth in expected["moodle_files"].items():
        assert rows[entry]["student"] == truth["student"], entry  # by email, never by the participant id
        assert rows[entry]["outcome"] == truth["outcome"].split(":")[0].split(" ")[0]
        student = expected["students"][truth["student"]]
        if rows[entry]["outcome"] == "collected":
            assert rows[entry]["time_utc"] == dt.datetime.fromisoformat(student["submitted_at"]).isoformat()
            assert rows[entry]["time_source"] == "Moodle grading worksheet (Last modified (submission))"
            record = json.loads((course / "submitted" / truth["student"] / A / "collect.json").read_text())
            assert record["lms"]["moodle_participant"] == str(student["moodle_participant"])


def test_moodle_without_worksheet_matches_by_full_name(tmp_path, generated, monkeypatch, capsys, empty_gradebook):
    out, _ = generated
    course = new_course(tmp_path / "course", empty_gradebook)
    run(course, monkeypatch, capsys, "roster", "import", str(out / "canvas" / "gradebook-export.csv"))
    printed = run(
        course, monkeypatch, capsys, "collect", A, "--from", str(out / "moodle" / "HIST 210-00-orientation-4417.zip")
    )
    assert "S2025002: matched by the folder's full name 'Jürgen Müller'" in printed
    assert "no time in the download (give --worksheet" in printed
    # Moodle's clean_filename drops the apostrophe: "Seán OBrien" is not "Seán O'Brien"
    assert "not on the roster  Moodle participant 1390159 (Seán OBrien)" in printed
    assert "no submission      S2025005 (Seán O'Brien)" in printed


def test_an_awkward_download(tmp_path, empty_gradebook):
    """System files, links, unsafe paths, several notebooks, text entries, other file types: each listed."""
    course = new_course(tmp_path / "course", empty_gradebook)
    notebook = nbformat.writes(nbformat.v4.new_notebook())
    download = tmp_path / "download.zip"
    with zipfile.ZipFile(download, "w") as zf:
        zf.writestr(f"doejane_1001_5001_{A}.ipynb", notebook)
        zf.writestr(f"doejane_1001_5002_{A}.ipynb", notebook)  # duplicate upload in one attempt
        zf.writestr("doejane_1001_5003_notes.pdf", b"%PDF-1.4")
        zf.writestr("roeeric_LATE_1002_text.html", "<p>my answer</p>")
        zf.writestr(f"__MACOSX/._doejane_1001_5001_{A}.ipynb", b"\0")
        zf.writestr(".DS_Store", b"\0")
        zf.writestr("../../escape.ipynb", "{}")
        zf.writestr("loose.ipynb", notebook)
    report = collect(A, download, course, NOTEBOOKS)
    outcome = {row.entry: (row.outcome, row.detail) for row in report.files}
    assert outcome[f"doejane_1001_5002_{A}.ipynb"][0] == "collected"
    assert "attachment 5002 is later" in outcome[f"doejane_1001_5001_{A}.ipynb"][1]
    assert "a PDF, not a notebook" in outcome["doejane_1001_5003_notes.pdf"][1]
    assert "a text entry typed into Canvas" in outcome["roeeric_LATE_1002_text.html"][1]
    assert "system file" in outcome[f"__MACOSX/._doejane_1001_5001_{A}.ipynb"][1]
    assert "system file" in outcome[".DS_Store"][1]
    assert "unsafe path" in outcome["../../escape.ipynb"][1]
    assert "not in a student's folder" in outcome["loose.ipynb"][1]
    assert len(outcome) == 8  # nothing without a line
    assert list(report.submissions) == ["1001"]  # no roster: the Canvas user id names the student
    assert "no roster" in report.notes[0]
    assert not (tmp_path / "escape.ipynb").exists()


def test_plain_folders_keep_their_times_and_say_where_they_came_from(tmp_path, empty_gradebook):
    course = new_course(tmp_path / "course", empty_gradebook)
    download = tmp_path / "download"
    (download / "amy" / A).mkdir(parents=True)
    (download / "amy" / A / f"{A}.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
    (download / "amy" / A / "timestamp.txt").write_text("2025-10-06 20:00:00.000000 UTC")
    (download / "bob").mkdir()
    (download / "bob" / "whatever.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
    (download / "bob" / "data.csv").write_text("a\n1\n")
    report = collect(A, download, course, NOTEBOOKS)
    assert report.submissions["amy"].time_source == "timestamp.txt (nbgrader exchange)"
    assert report.submissions["amy"].time == "2025-10-06T20:00:00+00:00"
    assert report.submissions["bob"].time_source.startswith("the file's own time (file modification time")
    assert (course / "submitted" / "bob" / A / f"{A}.ipynb").is_file()
    assert any(r.entry == "bob/data.csv" and "not a notebook (.csv)" in r.detail for r in report.files)


def test_a_hub_class_keeps_the_hub_user_names(tmp_path, generated, empty_gradebook):
    """On JupyterHub the ids must be the hub's user names (nbgrader routes feedback by them): --id login."""
    out, _ = generated
    course = new_course(tmp_path / "course", empty_gradebook)
    report = import_roster(course, out / "canvas" / "gradebook-export.csv", prefer="login")
    assert report.id_sources == {"SIS login": 12}
    assert load_roster(course).by_id("jmueller").sis_user_id == "S2025002"
    # a plain folder named by another roster key is collected under the roster's id, and said so
    download = tmp_path / "download"
    (download / "S2025002").mkdir(parents=True)
    (download / "S2025002" / f"{A}.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
    collected = collect(A, download, course, NOTEBOOKS)
    assert list(collected.submissions) == ["jmueller"]
    assert any("folder 'S2025002' collected as jmueller" in note for note in collected.notes)
