"""course.pipeline.collect: LMS downloads and plain folders into submitted/<id>/<assignment>/,
with every file collected or skipped with its reason, and nothing written outside the course
(submitted/ and the account in reports/). No roster and no gradebook here: students are named by
their LMS number or folder (tests/test_collect.py covers rosters, times and the gradebook)."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

import pytest

from course.errors import UsageError
from course.pipeline import collect as collect_module
from course.pipeline.collect import COLLECT_RECORD, collect

A = "00-orientation"
NB = f"{A}.ipynb"


def make_zip(path: Path, entries: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in entries.items():
            zf.writestr(name, text)
    return path


def submitted(root: Path) -> dict[str, str]:
    """Every file under submitted/, relative path -> text, but for the time (timestamp.txt) and the
    record of where each file and the time came from (collect.json), checked where they matter."""
    base = root / "submitted"
    return {
        str(p.relative_to(base)): p.read_text()
        for p in sorted(base.rglob("*"))
        if p.is_file() and p.name not in ("timestamp.txt", COLLECT_RECORD)
    }


def record(root: Path, student: str) -> dict:
    return json.loads((root / "submitted" / student / A / COLLECT_RECORD).read_text())


def everything(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_a_canvas_download(tmp_path):
    download = make_zip(
        tmp_path / "canvas.zip",
        {
            f"doejane_1001_5001_{NB}": "jane",
            f"roeeric_LATE_1002_5002_{A}-1.ipynb": "eric, late, renamed by Canvas",
        },
    )
    course = tmp_path / "course"
    report = collect(A, download, course, [NB])
    assert report.collected == {"1001": [NB], "1002": [NB]} and report.skipped == []
    assert submitted(course) == {
        f"1001/{A}/{NB}": "jane",
        f"1002/{A}/{NB}": "eric, late, renamed by Canvas",
    }
    details = {row.entry: row.detail.split(";")[0] for row in report.files}  # (the text is no notebook)
    assert details[f"roeeric_LATE_1002_5002_{A}-1.ipynb"] == f"collected as {NB} (renamed from {A}-1.ipynb)"
    # A Canvas zip carries no submission times (every entry has the time the zip was built): no
    # timestamp.txt, and the record beside the submission keeps what Canvas did say.
    assert not list((course / "submitted").glob("*/*/timestamp.txt"))
    eric = record(course, "1002")
    assert eric["time"] is None and eric["late_mark"] is True
    assert eric["files"] == {NB: f"roeeric_LATE_1002_5002_{A}-1.ipynb"}
    assert eric["lms"]["canvas_attachment_id"] == "5002" and eric["lms"]["canvas_prefix"] == "roeeric_LATE_1002"
    assert record(course, "1001")["late_mark"] is False


def test_the_latest_canvas_submission_wins(tmp_path):
    download = make_zip(
        tmp_path / "canvas.zip",
        {
            f"doejane_1001_900_{NB}": "second attempt",  # 900 > 99 as a number, not as text
            f"doejane_1001_99_{NB}": "first attempt",
            f"doejane_1001_50_{A}-1.ipynb": "an even older one",
        },
    )
    report = collect(A, download, tmp_path / "course", [NB])
    assert submitted(tmp_path / "course") == {f"1001/{A}/{NB}": "second attempt"}
    assert report.skipped == [
        f"doejane_1001_50_{A}-1.ipynb: an older upload of the same notebook (attachment 900 is later): the latest wins",
        f"doejane_1001_99_{NB}: an older upload of the same notebook (attachment 900 is later): the latest wins",
    ]


@pytest.mark.parametrize("name", ["../../escape.ipynb", "/tmp/absolute.ipynb", "x/../../escape.ipynb"])
def test_unsafe_paths_in_a_zip_are_skipped_and_reported(tmp_path, name):
    download = make_zip(tmp_path / "canvas.zip", {name: "evil", f"doejane_1001_5001_{NB}": "jane"})
    course = tmp_path / "deep" / "course"
    report = collect(A, download, course, [NB])
    assert report.collected == {"1001": [NB]}
    assert any(line.startswith(f"{name}: unsafe path") for line in report.skipped)
    assert everything(tmp_path) == {
        "canvas.zip",
        "deep",
        "deep/course",
        "deep/course/reports",
        f"deep/course/reports/{A}-collect.csv",
        "deep/course/submitted",
        "deep/course/submitted/1001",
        f"deep/course/submitted/1001/{A}",
        f"deep/course/submitted/1001/{A}/{NB}",
        f"deep/course/submitted/1001/{A}/{COLLECT_RECORD}",
    }


def test_a_link_in_a_zip_is_skipped(tmp_path):
    download = tmp_path / "canvas.zip"
    with zipfile.ZipFile(download, "w") as zf:
        link = zipfile.ZipInfo(f"doejane_1001_5001_{NB}")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    report = collect(A, download, tmp_path / "course", [NB])
    assert report.collected == {} and report.skipped == [f"doejane_1001_5001_{NB}: unsafe path or link in the archive"]


def test_oversized_entries_are_skipped(tmp_path, monkeypatch):
    monkeypatch.setattr(collect_module, "MAX_FILE_BYTES", 10)
    download = make_zip(tmp_path / "canvas.zip", {f"doejane_1001_5001_{NB}": "x" * 11, f"roeeric_1002_5002_{NB}": "ok"})
    report = collect(A, download, tmp_path / "course", [NB])
    assert list(report.collected) == ["1002"]
    assert report.skipped == [f"doejane_1001_5001_{NB}: too large (11 bytes; the limit is 10 bytes a file)"]


def test_entries_beyond_the_total_size_are_skipped(tmp_path, monkeypatch):
    monkeypatch.setattr(collect_module, "MAX_TOTAL_BYTES", 15)
    download = make_zip(
        tmp_path / "canvas.zip", {f"aaa_1001_1_{NB}": "x" * 10, f"bbb_1002_2_{NB}": "y" * 10, f"ccc_1003_3_{NB}": "z"}
    )
    report = collect(A, download, tmp_path / "course", [NB])
    assert sorted(report.collected) == ["1001", "1003"]
    assert report.skipped == [
        f"bbb_1002_2_{NB}: not extracted: the download's files add up to more than 15 bytes, "
        "the limit for one collection"
    ]


def test_a_damaged_entry_is_skipped_and_the_rest_collected(tmp_path):
    """A zip whose compressed data is damaged (a cut-short or corrupted download): zipfile raises
    zlib.error for that entry, which must not end the whole collection."""
    download = tmp_path / "canvas.zip"
    with zipfile.ZipFile(download, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"doejane_1001_5001_{NB}", "jane " * 200)
        zf.writestr(f"roeeric_1002_5002_{NB}", "eric")
    data = bytearray(download.read_bytes())
    start = data.find(f"doejane_1001_5001_{NB}".encode()) + len(f"doejane_1001_5001_{NB}")
    data[start + 4 : start + 8] = bytes(b ^ 0xFF for b in data[start + 4 : start + 8])  # inside jane's data
    download.write_bytes(bytes(data))
    report = collect(A, download, tmp_path / "course", [NB])
    assert report.collected == {"1002": [NB]}
    assert len(report.skipped) == 1 and report.skipped[0].startswith(
        f"doejane_1001_5001_{NB}: cannot be extracted from the zip (Error -3 while decompressing data"
    )
    assert report.skipped[0].endswith("): download it again")


def test_a_moodle_folder(tmp_path):
    download = tmp_path / "moodle"
    (download / "Jane Doe_77_assignsubmission_file_").mkdir(parents=True)
    (download / "Jane Doe_77_assignsubmission_file_" / "my work.ipynb").write_text("jane")
    (download / "Eric Roe_78_assignsubmission_file").mkdir()
    (download / "Eric Roe_78_assignsubmission_file" / "whatever.ipynb").write_text("eric")
    report = collect(A, download, tmp_path / "course", [NB])
    assert report.collected == {"77": [NB], "78": [NB]}
    assert submitted(tmp_path / "course") == {f"77/{A}/{NB}": "jane", f"78/{A}/{NB}": "eric"}


def test_a_moodle_zip(tmp_path):
    download = make_zip(tmp_path / "moodle.zip", {"Jane Doe_77_assignsubmission_file_/any.ipynb": "jane"})
    collect(A, download, tmp_path / "course", [NB])
    assert submitted(tmp_path / "course") == {f"77/{A}/{NB}": "jane"}


def test_a_plain_folder_per_student(tmp_path):
    download = tmp_path / "plain"
    for student in ("alice", "bob"):
        (download / student).mkdir(parents=True)
        (download / student / NB).write_text(student)
    (download / "stray.ipynb").write_text("not in a student's folder")
    (download / "alice" / ".ipynb_checkpoints").mkdir()
    (download / "alice" / ".ipynb_checkpoints" / f"{A}-checkpoint.ipynb").write_text("autosave")
    (download / "bob" / f"._{NB}").write_text("macOS resource fork")
    report = collect(A, download, tmp_path / "course", [NB])
    assert report.collected == {"alice": [NB], "bob": [NB]}
    system = "a system file (macOS or Windows metadata, a checkpoint), not a submission"
    assert report.skipped == [
        f"alice/.ipynb_checkpoints/{A}-checkpoint.ipynb: {system}",
        f"bob/._{NB}: {system}",
        "stray.ipynb: not in a student's folder, and not named the way Canvas or Moodle name their downloads",
    ]
    assert submitted(tmp_path / "course") == {f"alice/{A}/{NB}": "alice", f"bob/{A}/{NB}": "bob"}


@pytest.mark.parametrize("student", [".hidden", "jane doe", "x" * 101, "-rf"])
def test_unusable_student_ids_are_skipped_with_the_reason(tmp_path, student):
    download = tmp_path / "plain"
    (download / student).mkdir(parents=True)
    (download / student / NB).write_text("x")
    (download / "ok").mkdir()
    (download / "ok" / NB).write_text("fine")
    report = collect(A, download, tmp_path / "course", [NB])
    assert list(report.collected) == ["ok"]
    assert report.skipped == [
        f"{student}/{NB}: {student!r} is not a usable student id (a folder name nbgrader can use)"
    ]
    assert sorted(p.name for p in (tmp_path / "course" / "submitted").iterdir()) == ["ok"]


def test_symlinks_are_ignored(tmp_path):
    secret = tmp_path / "secret.ipynb"
    secret.write_text("the instructor's solutions")
    download = tmp_path / "plain"
    (download / "alice").mkdir(parents=True)
    (download / "alice" / NB).symlink_to(secret)
    (download / "bob").mkdir()
    (download / "bob" / NB).write_text("bob")
    report = collect(A, download, tmp_path / "course", [NB])
    assert list(report.collected) == ["bob"]
    assert "the instructor's solutions" not in submitted(tmp_path / "course").values()
    assert report.skipped == [f"alice/{NB}: a link, not a file (links are not followed)"]


def test_an_assignment_with_several_notebooks_is_matched_by_name(tmp_path):
    expected = ["part-a.ipynb", "part-b.ipynb"]
    download = make_zip(
        tmp_path / "canvas.zip",
        {
            "doejane_1001_5001_part-a.ipynb": "jane a",
            "doejane_1001_5001_part-b-1.ipynb": "jane b, resubmitted",
            "doejane_1001_5001_notes.ipynb": "not part of the assignment",
            "roeeric_1002_5002_part-b.ipynb": "eric b only",
            "kimmin_1003_5003_homework.ipynb": "nothing that matches",
        },
    )
    report = collect(A, download, tmp_path / "course", expected)
    assert report.collected == {"1001": expected, "1002": ["part-b.ipynb"]}
    assert report.skipped == [
        "doejane_1001_5001_notes.ipynb: not one of this assignment's notebooks (part-a.ipynb, part-b.ipynb)",
        "kimmin_1003_5003_homework.ipynb: not one of this assignment's notebooks (part-a.ipynb, part-b.ipynb)",
    ]
    assert "1003 (kimmin): the download holds no notebook of this assignment" in report.notes
    assert submitted(tmp_path / "course") == {
        f"1001/{A}/part-a.ipynb": "jane a",
        f"1001/{A}/part-b.ipynb": "jane b, resubmitted",
        f"1002/{A}/part-b.ipynb": "eric b only",
    }


def test_collecting_again_replaces_a_students_earlier_copy(tmp_path):
    course = tmp_path / "course"
    collect(
        A,
        make_zip(tmp_path / "one.zip", {f"doejane_1001_1_{NB}": "old", "doejane_1001_1_extra.ipynb": "x"}),
        course,
        [NB],
    )
    stale = course / "submitted" / "1001" / A / "leftover.txt"
    stale.write_text("from the first collection")
    collect(A, make_zip(tmp_path / "two.zip", {f"doejane_1001_2_{NB}": "new"}), course, [NB])
    assert submitted(course) == {f"1001/{A}/{NB}": "new"}


def test_a_source_that_is_neither_a_folder_nor_a_zip(tmp_path):
    (tmp_path / "grades.csv").write_text("a,b")
    for source in (tmp_path / "grades.csv", tmp_path / "missing"):
        with pytest.raises(UsageError, match="neither a folder nor a zip file"):
            collect(A, source, tmp_path / "course", [NB])


@pytest.mark.parametrize(
    "name", ["04-ukraine-1991-96.ipynb", "04-ukraine-1991-96-1.ipynb"], ids=["as released", "canvas resubmission"]
)
def test_a_notebook_whose_name_ends_in_digits_is_matched_by_name(tmp_path, name):
    """Module 04's notebook ends in "-96", which looks like the "-1" Canvas adds to a resubmission.
    The student handed in a scratch notebook as well, so only the name can tell which is which."""
    assignment, expected = "04-ukraine-1991-96", "04-ukraine-1991-96.ipynb"
    download = make_zip(
        tmp_path / "canvas.zip", {f"doejane_1001_5001_{name}": "the work", "doejane_1001_5001_scratch.ipynb": "notes"}
    )
    report = collect(assignment, download, tmp_path / "course", [expected])
    assert report.collected == {"1001": [expected]}
    assert report.skipped == [f"doejane_1001_5001_scratch.ipynb: not one of this assignment's notebooks ({expected})"]
    assert submitted(tmp_path / "course") == {f"1001/{assignment}/{expected}": "the work"}


@pytest.mark.parametrize("layout", ["plain folder", "canvas"])
def test_numbered_notebooks_of_one_assignment_are_told_apart(tmp_path, layout):
    """ "part-1.ipynb" is a notebook of its own, not a Canvas re-upload of "part.ipynb"; a re-upload
    of "part-2.ipynb" ("part-2-1.ipynb") is still part 2."""
    expected = ["part-1.ipynb", "part-2.ipynb"]
    if layout == "canvas":
        download = make_zip(
            tmp_path / "canvas.zip",
            {
                "alice_1001_7_part-1.ipynb": "one",
                "alice_1001_8_part-2.ipynb": "two",
                "alice_1001_9_part-2-1.ipynb": "2b",
            },
        )
        student, second = "1001", "2b"
    else:
        download = tmp_path / "plain"
        (download / "alice").mkdir(parents=True)
        (download / "alice" / "part-1.ipynb").write_text("one")
        (download / "alice" / "part-2.ipynb").write_text("two")
        student, second = "alice", "two"
    report = collect(A, download, tmp_path / "course", expected)
    assert report.collected == {student: expected}
    assert submitted(tmp_path / "course") == {
        f"{student}/{A}/part-1.ipynb": "one",
        f"{student}/{A}/part-2.ipynb": second,
    }
    assert all("older upload" in line for line in report.skipped) and len(report.skipped) == (layout == "canvas")
