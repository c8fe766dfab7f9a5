"""`course collect`: bring submissions into nbgrader's submitted/<student>/<assignment>/, losing nothing.

Sources:
- a Canvas "Download Submissions" zip (`<name>[_LATE]_<user id>_<attachment id>_<file>`), matched
  to the roster by the Canvas user id (the name part is only shown);
- a Moodle "Download all submissions" zip or folder (`<Full Name>_<participant id>_assignsubmission_file/`),
  matched through the grading worksheet (`--worksheet`: participant id -> email -> roster), else by
  the full name; never by the participant id, which Moodle changes for every assignment;
- a plain folder or zip with one subfolder per student id (an nbgrader `submitted/` copy too);
- the nbgrader exchange (`--from exchange`), through `nbgrader collect`.

Every file in the download is accounted for: collected, or skipped with its reason (not a notebook,
an older upload of the same notebook, a student who is not on the roster, a system file, an unsafe
path, a file too large or damaged in the zip). Each roster student without a submission and each
submission without a roster student is listed. The whole account is printed and written to
reports/<assignment>-collect.csv.

Times. nbgrader judges lateness by submitted/<id>/<a>/timestamp.txt, so it is written only with a
real time, and collect.json beside it says where the time came from: the exchange's timestamp; the
Canvas Submissions API JSON (`--times`) or Moodle worksheet (`--worksheet`); Canvas's LATE mark when
there is nothing better (counted as one second late, which is exact for the 'none' and 'zero'
policies; a student with an extension Canvas does not know about needs `--times`); the file's own
time for a plain folder. An LMS zip's file times are when the zip was built, never used.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import tempfile
import zipfile
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

from nbgrader.api import MissingEntry
from nbgrader.utils import parse_utc

from course.errors import SubmissionError, UsageError
from course.pipeline.deadlines import (
    apply_extension,
    course_timezone,
    describe_seconds,
    ensure_submission,
    extension_for,
    naive_utc,
    timestamp_text,
)
from course.pipeline.lms import (
    parse_canvas_entry,
    parse_moodle_path,
    parse_moodle_time,
    read_canvas_times,
    read_moodle_worksheet,
)
from course.pipeline.roster import Person, Roster, load_roster
from course.pipeline.students import usable_student_id

MAX_FILE_BYTES = 50_000_000
MAX_TOTAL_BYTES = 2_000_000_000
SYSTEM_FILES = {".DS_Store", "Thumbs.db", "desktop.ini"}
COLLECT_RECORD = "collect.json"


@dataclass
class FileRow:
    """What became of one file of the download."""

    entry: str
    student: str
    outcome: str  # collected | skipped | used
    detail: str


@dataclass
class Submission:
    """One student's collected submission."""

    student: str
    name: str
    files: dict[str, str]  # notebook name -> entry in the download
    time: str | None  # ISO 8601, UTC; None when unknown
    time_source: str
    late_mark: bool = False
    seconds_late: float | None = None
    extension: str = ""
    notes: list[str] = field(default_factory=list)
    lms: dict[str, str] = field(default_factory=dict)  # canvas_user_id, attachment_id, canvas_prefix, moodle_folder...


@dataclass
class CollectReport:
    assignment: str
    source: str
    files: list[FileRow] = field(default_factory=list)
    submissions: dict[str, Submission] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # roster students without a submission
    unknown: list[str] = field(default_factory=list)  # submissions without a roster student
    notes: list[str] = field(default_factory=list)

    @property
    def collected(self) -> dict[str, list[str]]:
        return {s: sorted(sub.files) for s, sub in self.submissions.items()}

    @property
    def skipped(self) -> list[str]:
        return [f"{row.entry}: {row.detail}" for row in self.files if row.outcome == "skipped"]

    def skip(self, entry: str, reason: str, student: str = "") -> None:
        self.files.append(FileRow(entry, student, "skipped", reason))


# --- reading the download -----------------------------------------------------------------------


@dataclass
class Found:
    path: Path
    entry: str  # path inside the download, as the LMS named it
    modified: dt.datetime | None  # the file's own time (zip entry time or mtime), naive local


def _size(n: float) -> str:
    return f"{n / 1e9:.1f} GB" if n >= 1e9 else f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n:.0f} bytes"


def _extract(archive: Path, into: Path, report: CollectReport) -> list[Found]:
    found, total = [], 0
    with zipfile.ZipFile(archive) as zf:
        for index, info in enumerate(zf.infolist()):
            name = PurePosixPath(info.filename)
            if info.is_dir():
                continue
            if name.is_absolute() or ".." in name.parts or (info.external_attr >> 16) & 0o170000 == 0o120000:
                report.skip(info.filename, "unsafe path or link in the archive")
                continue
            if info.file_size > MAX_FILE_BYTES:
                report.skip(
                    info.filename, f"too large ({_size(info.file_size)}; the limit is {_size(MAX_FILE_BYTES)} a file)"
                )
                continue
            if total + info.file_size > MAX_TOTAL_BYTES:
                report.skip(
                    info.filename,
                    f"not extracted: the download's files add up to more than {_size(MAX_TOTAL_BYTES)}, "
                    "the limit for one collection",
                )
                continue
            total += info.file_size
            # extracted under a neutral name: entry names are the LMS's, any characters at all
            target = into / f"{index:06d}"
            try:
                with zf.open(info) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst, length=1 << 20)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
                # a damaged, encrypted or oddly compressed entry: this file is lost, not the collection
                target.unlink(missing_ok=True)
                report.skip(info.filename, f"cannot be extracted from the zip ({exc}): download it again")
                continue
            found.append(Found(target, info.filename, dt.datetime(*info.date_time)))
    return found


def _walk(folder: Path, report: CollectReport) -> list[Found]:
    found = []
    for path in sorted(folder.rglob("*")):
        entry = path.relative_to(folder).as_posix()
        if path.is_symlink():
            report.skip(entry, "a link, not a file (links are not followed)")
        elif path.is_file():
            found.append(Found(path, entry, dt.datetime.fromtimestamp(path.stat().st_mtime)))
    return found


def _system_file(parts: tuple[str, ...]) -> bool:
    return (
        "__MACOSX" in parts or ".ipynb_checkpoints" in parts or parts[-1].startswith("._") or parts[-1] in SYSTEM_FILES
    )


def _not_a_notebook(entry: str, kind: str | None) -> str:
    if kind == "text":
        return "a text entry typed into Canvas, not a file: nothing to grade"
    if kind == "link":
        return "a URL submitted in Canvas, not a file: nothing to grade"
    suffix = PurePosixPath(entry).suffix.lower()
    if suffix in (".html", ".htm"):
        return "an HTML export, not a notebook: ask the student to upload the .ipynb file"
    if suffix == ".pdf":
        return "a PDF, not a notebook: ask the student to upload the .ipynb file"
    return f"not a notebook ({suffix or 'no extension'}): only .ipynb files are graded"


# --- the collection -----------------------------------------------------------------------------


@dataclass
class Candidate:
    found: Found
    key: tuple[str, str]  # (source kind, LMS id or folder name)
    lms_name: str
    order: tuple  # later uploads sort higher
    canvas: object | None = None
    moodle: object | None = None
    in_folder: str = ""  # the file's path inside the student's own folder


def collect(
    assignment: str,
    source: Path,
    root: Path,
    notebooks: list[str],
    times: Path | None = None,
    worksheet: Path | None = None,
    db_url: str | None = None,
) -> CollectReport:
    """Copy each student's notebooks into submitted/<id>/<assignment>/ and account for every file."""
    report = CollectReport(assignment, str(source))
    roster = load_roster(root)
    zone = course_timezone(root)
    canvas_times = read_canvas_times(times) if times else {}
    moodle_rows = _worksheet_people(worksheet, zone) if worksheet else {}
    if not roster:
        report.notes.append(
            "no roster: students are named by their LMS number (import one with `course roster import`)"
        )
    with tempfile.TemporaryDirectory(prefix="course-collect-") as tmp:
        if source.is_file() and zipfile.is_zipfile(source):
            found = _extract(source, Path(tmp), report)
            from_zip = True
        elif source.is_dir():
            found = _walk(source, report)
            from_zip = False
        else:
            raise UsageError(f"{source} is neither a folder nor a zip file")
        groups = _group(found, assignment, report, canvas_times)
        with _gradebook(root, db_url) as opened:
            released, due = _due(opened, assignment)
            gb = opened if released else None  # no rows to write before `course release`
            if opened is not None and not released:
                report.notes.append(
                    f"{assignment} is not in the gradebook yet: times are kept in timestamp.txt, and the "
                    "gradebook rows (with extensions) are written by `course grade` after `course release`"
                )
            for key, candidates in sorted(groups.items()):
                person, name = _resolve(key, candidates, roster, moodle_rows, report)
                if person is None:
                    continue
                _collect_one(
                    assignment,
                    root,
                    notebooks,
                    key,
                    person,
                    name,
                    candidates,
                    report,
                    gb,
                    due,
                    canvas_times,
                    moodle_rows,
                    from_zip,
                    zone,
                )
    _list_missing(report, roster)
    write_collect_csv(root, report, roster)
    return report


def _group(found: list[Found], assignment: str, report: CollectReport, canvas_times) -> dict:
    groups: dict[tuple[str, str], list[Candidate]] = {}
    for item in found:
        parts = PurePosixPath(item.entry).parts
        if _system_file(parts):
            report.skip(item.entry, "a system file (macOS or Windows metadata, a checkpoint), not a submission")
            continue
        canvas = parse_canvas_entry(parts[-1]) if len(parts) == 1 else None
        moodle = None if canvas else parse_moodle_path(parts)
        if canvas:
            who = canvas.user_id or f"anon_{canvas.anonymous_id}"
            uploaded = canvas_times.get(canvas.user_id or "", None)
            created = uploaded.attachments.get(canvas.attachment_id or "") if uploaded else None
            order = (int(canvas.attachment_id or 0), created.timestamp() if created else 0)
            candidate = Candidate(item, ("canvas", who), canvas.name, order, canvas=canvas, in_folder=parts[-1])
        elif moodle:
            order = (item.modified.timestamp() if item.modified else 0, item.entry)
            candidate = Candidate(
                item, ("moodle", moodle.participant), moodle.name, order, moodle=moodle, in_folder=moodle.filename
            )
        elif len(parts) >= 2:
            inner = parts[2:] if len(parts) >= 3 and parts[1] == assignment else parts[1:]
            order = (item.modified.timestamp() if item.modified else 0, item.entry)
            candidate = Candidate(item, ("folder", parts[0]), parts[0], order, in_folder="/".join(inner))
        else:
            report.skip(
                item.entry,
                "not in a student's folder, and not named the way Canvas or Moodle name their downloads",
            )
            continue
        groups.setdefault(candidate.key, []).append(candidate)
    return groups


def _worksheet_people(worksheet: Path, zone) -> dict[str, dict]:
    """Moodle participant id -> the worksheet's row (name, email, submission time)."""
    sheet = read_moodle_worksheet(worksheet)
    people = {}
    for record in sheet.records():
        participant = sheet.participant(record.get("Identifier", ""))
        if participant:
            people[participant] = {
                "name": record.get("Full name", ""),
                "email": record.get("Email address", ""),
                "submitted": parse_moodle_time(record.get("Last modified (submission)", ""), zone),
                "status": record.get("Status", ""),
            }
    return people


def _resolve(key, candidates, roster: Roster, moodle_rows, report: CollectReport) -> tuple[Person | None, str]:
    """The roster student a group of files belongs to (a Person with at least an id), or None."""
    kind, value = key
    entries = [c.found.entry for c in candidates]
    shown = candidates[0].lms_name
    if kind == "canvas":
        person = roster.by_lms_user_id(value) if roster else Person(id=value)
        if person is None and roster and not any(p.lms_user_id for p in roster.people):
            note = "the roster has no Canvas user ids: import Canvas's gradebook export (`course roster import`)"
            if note not in report.notes:
                report.notes.append(note)
        if person is None:
            why = f"no student on the roster has Canvas user id {value} (name in the file: {shown!r})"
            report.unknown.append(f"Canvas user {value} ({shown}): {len(entries)} file(s), not collected")
    elif kind == "moodle":
        row = moodle_rows.get(value)
        if not roster:
            person = Person(id=value)
            report.notes.append(
                f"Moodle participant {value} ({shown}) collected under its participant id, which Moodle changes "
                "for every assignment: import a roster and pass --worksheet"
            )
        elif row:
            found = roster.match(Person(email=row["email"], first_name=row["name"]))
            person = found[0] if found else None
        else:
            person = roster.match_name(shown)
            if person:
                report.notes.append(f"{person.id}: matched by the folder's full name {shown!r} (no --worksheet)")
        if person is None:
            why = f"no student on the roster matches Moodle participant {value} ({shown!r})"
            report.unknown.append(f"Moodle participant {value} ({shown}): {len(entries)} file(s), not collected")
    else:
        if not usable_student_id(value):
            for entry in entries:
                report.skip(entry, f"{value!r} is not a usable student id (a folder name nbgrader can use)")
            return None, ""
        person = (roster.find(value) if roster else None) or Person(id=value)
        if roster and not roster.find(value):
            report.unknown.append(f"{value}: collected, but not on the roster")
        elif person.id != value:
            report.notes.append(f"folder {value!r} collected as {person.id}, the roster's id for {person.name}")
    if person is None:
        for entry in entries:
            report.skip(entry, why)
        return None, ""
    return person, person.name or shown


def _collect_one(
    assignment,
    root,
    notebooks,
    key,
    person,
    name,
    candidates,
    report,
    gb,
    due,
    canvas_times,
    moodle_rows,
    from_zip,
    zone,
) -> None:
    student = person.id
    notebook_files = [c for c in candidates if c.in_folder.lower().endswith(".ipynb")]
    others = [c for c in candidates if c not in notebook_files]
    for c in others:
        if key[0] == "folder" and c.in_folder == "timestamp.txt":
            continue  # read below as the submission's time
        report.skip(c.found.entry, _not_a_notebook(c.in_folder, c.canvas.kind if c.canvas else None), student)
    chosen: dict[str, Candidate] = {}
    notes: list[str] = []
    used: set[int] = set()
    for expected in notebooks:
        same = [c for c in notebook_files if _which_notebook(c, notebooks) == expected]
        if not same and len(notebooks) == 1:
            same = notebook_files  # an assignment with one notebook takes any single notebook
        if not same:
            continue
        same.sort(key=lambda c: c.order)
        winner = same[-1]
        chosen[expected] = winner
        used.update(id(c) for c in same)
        for older in same[:-1]:
            later = (
                f"attachment {winner.canvas.attachment_id} is later"
                if winner.canvas
                else f"{winner.found.entry} is newer"
            )
            report.skip(older.found.entry, f"an older upload of the same notebook ({later}): the latest wins", student)
            notes.append(f"resubmission: {older.found.entry} replaced by {winner.found.entry}")
    for c in notebook_files:
        if id(c) not in used:
            report.skip(c.found.entry, f"not one of this assignment's notebooks ({', '.join(notebooks)})", student)
    if not chosen:
        report.notes.append(f"{student} ({name}): the download holds no notebook of this assignment")
        return

    target = root / "submitted" / student / assignment
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for expected, c in chosen.items():
        shutil.copyfile(c.found.path, target / expected)
        detail = f"collected as {expected}"
        original = c.canvas.display_name if c.canvas else PurePosixPath(c.in_folder).name
        if original != expected:
            detail += f" (renamed from {original})"
        readable = _readability(target / expected, root)
        if readable:
            detail += f"; unreadable ({readable}): graded 0, and the feedback tells the student why"
            notes.append(f"{expected} is unreadable: {readable}")
        report.files.append(FileRow(c.found.entry, student, "collected", detail))

    when, source, late_mark = _time(key, candidates, chosen, canvas_times, moodle_rows, from_zip, zone, report)
    extension = extension_for(root, assignment, student)
    sub_lms: dict[str, str] = {}
    first = next(iter(chosen.values()))
    if first.canvas:
        sub_lms = {
            "canvas_user_id": first.canvas.user_id or "",
            "canvas_attachment_id": first.canvas.attachment_id or "",
            "canvas_prefix": first.canvas.prefix,
            "canvas_display_name": first.canvas.display_name or "",
        }
    elif first.moodle:
        sub_lms = {
            "moodle_participant": first.moodle.participant,
            "moodle_folder": first.moodle.folder or "",
            "moodle_name": first.moodle.name,
        }
    if late_mark and when is None:
        if due is None:
            source = "Canvas LATE mark, but this assignment has no due date here (`course deadline`): counted on time"
        elif extension:
            source = (
                "Canvas LATE mark, but the student has an extension Canvas does not know about: time unknown, "
                "counted on time (give --times with Canvas's Submissions API JSON for the real time)"
            )
        else:
            when = due.replace(tzinfo=dt.UTC) + dt.timedelta(seconds=1)
            source = "Canvas LATE mark, time unknown: counted as 1 s late (give --times for the real time)"
    if when is not None:
        (target / "timestamp.txt").write_text(timestamp_text(when), encoding="utf-8")
    sub = Submission(
        student,
        name,
        {k: c.found.entry for k, c in chosen.items()},
        when.astimezone(dt.UTC).isoformat() if when else None,
        source,
        late_mark,
        extension=describe_seconds(extension.seconds) if extension else "",
        notes=notes,
        lms=sub_lms,
    )
    if gb is not None:
        submission = ensure_submission(gb, assignment, student, naive_utc(when) if when else None)
        submission.timestamp = naive_utc(when) if when else None  # a re-collect replaces an older time
        gb.db.commit()
        apply_extension(gb, root, assignment, student)
        gb.db.refresh(submission)
        sub.seconds_late = submission.total_seconds_late
        details = {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "lms_user_id": person.lms_user_id,
        }
        if any(details.values()):
            gb.update_or_create_student(student, **{k: v for k, v in details.items() if v})
    (target / COLLECT_RECORD).write_text(json.dumps(asdict(sub), indent=1, ensure_ascii=False), encoding="utf-8")
    report.submissions[student] = sub


def _which_notebook(c: Candidate, notebooks: list[str]) -> str | None:
    """The assignment's notebook a file is: the one of its exact name, else the one of its name
    without the "-1" Canvas adds to a re-uploaded file ("x-1.ipynb" is "x.ipynb"). The exact name
    comes first because a notebook's own name may end in digits too ("04-ukraine-1991-96.ipynb",
    "part-2.ipynb")."""
    if c.canvas:
        exact, renamed = c.canvas.display_name or "", c.canvas.notebook_name or ""
    else:
        exact = renamed = PurePosixPath(c.in_folder).name
    if exact in notebooks:
        return exact
    return renamed if renamed in notebooks else None


def _readability(path: Path, root: Path) -> str:
    """'' for a notebook the grader can read, else why not (the grader's own reader decides)."""
    from course.autograder.limits import Limits
    from course.autograder.worker import read_notebook

    try:
        read_notebook(path, Limits.from_config(root))
    except SubmissionError as exc:
        return str(exc)
    return ""


def _time(key, candidates, chosen, canvas_times, moodle_rows, from_zip, zone, report):
    """(submission time or None, where it came from, Canvas LATE mark)."""
    kind, value = key
    late_mark = any(c.canvas and c.canvas.late for c in chosen.values())
    if kind == "canvas":
        api = canvas_times.get(value)
        if api and api.submitted_at:
            return api.submitted_at, "Canvas Submissions API (submitted_at)", late_mark
        if late_mark:
            return None, "Canvas LATE mark", True
        return None, "no time in the download; Canvas did not mark it late (counted on time)", False
    if kind == "moodle":
        row = moodle_rows.get(value)
        if row and row["submitted"]:
            return row["submitted"], "Moodle grading worksheet (Last modified (submission))", False
        return None, "no time in the download (give --worksheet with Moodle's grading worksheet)", False
    stamp = next((c for c in candidates if c.in_folder == "timestamp.txt"), None)
    if stamp:
        try:
            when = parse_utc(stamp.found.path.read_text(encoding="utf-8", errors="replace")[:64].strip())
            report.files.append(FileRow(stamp.found.entry, "", "used", "the submission's time (nbgrader timestamp)"))
            return when.replace(tzinfo=dt.UTC), "timestamp.txt (nbgrader exchange)", False
        except (ValueError, OverflowError):
            report.skip(stamp.found.entry, "timestamp.txt cannot be read as a time")
    times = [c.found.modified for c in chosen.values() if c.found.modified]
    if times:
        what = "zip entry time" if from_zip else "file modification time"
        return max(times).replace(tzinfo=zone), f"the file's own time ({what}; not proof of submission)", False
    return None, "no time known", False


class _NoGradebook:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def _gradebook(root: Path, db_url: str | None):
    """The gradebook, once the assignment is released (collect before release writes no rows)."""
    from course.config import database_url
    from course.pipeline.gradebook import open_gradebook

    url = database_url(root, db_url)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        return _NoGradebook()
    return open_gradebook(root, db_url)


def _due(gb, assignment: str) -> tuple[bool, dt.datetime | None]:
    """(is the assignment in the gradebook, its due date)."""
    if gb is None:
        return False, None
    try:
        return True, gb.find_assignment(assignment).duedate
    except MissingEntry:
        return False, None


def _list_missing(report: CollectReport, roster: Roster) -> None:
    for person in roster.people:
        if person.id not in report.submissions:
            report.missing.append(f"{person.id} ({person.name})")


def write_collect_csv(root: Path, report: CollectReport, roster: Roster) -> Path:
    """reports/<assignment>-collect.csv: one row per file of the download and per roster student
    without a submission."""
    target = root / "reports" / f"{report.assignment}-collect.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["entry", "student", "name", "outcome", "detail", "time_utc", "time_source", "seconds_late"])
        for row in report.files:
            sub = report.submissions.get(row.student)
            person = roster.by_id(row.student) if row.student else None
            writer.writerow(
                [
                    row.entry,
                    row.student,
                    (sub.name if sub else person.name if person else ""),
                    row.outcome,
                    row.detail,
                    sub.time if sub and row.outcome == "collected" else "",
                    sub.time_source if sub and row.outcome == "collected" else "",
                    ""
                    if not sub or sub.seconds_late is None or row.outcome != "collected"
                    else f"{sub.seconds_late:g}",
                ]
            )
        for line in report.missing:
            student = line.split(" ", 1)[0]
            person = roster.by_id(student)
            writer.writerow(["", student, person.name if person else "", "no submission", "", "", "", ""])
    return target


def collect_exchange(assignment: str, root: Path, db_url: str | None = None) -> CollectReport:
    """`nbgrader collect --update`, then the same account as for a download: roster matches,
    times (the exchange's timestamp.txt), extensions written to the gradebook."""
    from course.nbgrader_run import run_nbgrader

    run_nbgrader(root, "collect", assignment, "--update")
    report = CollectReport(assignment, "exchange")
    roster = load_roster(root)
    with _gradebook(root, db_url) as opened:
        gb = opened if _due(opened, assignment)[0] else None
        for folder in sorted((root / "submitted").glob(f"*/{assignment}")):
            student = folder.parent.name
            person = roster.find(student) if roster else None
            if roster and person is None:
                report.unknown.append(f"{student}: collected, but not on the roster")
            elif person is not None and person.id != student:
                report.unknown.append(
                    f"{student}: collected under the hub's user name, which the roster knows as {person.id} "
                    "(import the roster with `--id login` so the ids are the hub's user names)"
                )
            files = {p.name: f"{student}/{assignment}/{p.name}" for p in sorted(folder.glob("*.ipynb"))}
            for entry in files.values():
                report.files.append(FileRow(entry, student, "collected", "from the exchange"))
            when = None
            stamp = folder / "timestamp.txt"
            if stamp.is_file():
                try:
                    when = parse_utc(stamp.read_text(encoding="utf-8")[:64].strip()).replace(tzinfo=dt.UTC)
                except ValueError:
                    report.notes.append(f"{student}: timestamp.txt cannot be read")
            sub = Submission(
                student,
                person.name if person else student,
                files,
                when.isoformat() if when else None,
                "timestamp.txt (nbgrader exchange)" if when else "no timestamp from the exchange",
            )
            if gb is not None:
                submission = ensure_submission(gb, assignment, student, naive_utc(when) if when else None)
                apply_extension(gb, root, assignment, student)
                gb.db.refresh(submission)
                sub.seconds_late = submission.total_seconds_late
            (folder / COLLECT_RECORD).write_text(
                json.dumps(asdict(sub), indent=1, ensure_ascii=False), encoding="utf-8"
            )
            report.submissions[student] = sub
    _list_missing(report, roster)
    write_collect_csv(root, report, roster)
    return report


def read_collect_record(folder: Path) -> dict:
    """A submission's collect.json ({} when it was collected some other way)."""
    path = folder / COLLECT_RECORD
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except ValueError:
        return {}
