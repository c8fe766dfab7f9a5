"""What Canvas and Moodle put in their downloads and accept in their uploads, in one place.

Every rule here comes from the LMS's own source code (file and method named with each rule), so
that `course collect`, `course export` and `course feedback --zip` agree with what the LMS does
rather than with a guess from one sample download:

- Canvas "Download Submissions" (lib/content_zipper.rb, ContentZipper#get_filename and
  #add_upload_submission): `<name>[_LATE]_<user id>_<attachment id>_<display name>`, where the name
  is the sortable name downcased with every non-word character removed (`müllerjürgen`,
  `smithjonesanna`, `lee2ji`), the second number is the *attachment* (file) id, anonymous grading
  writes `[LATE_]anon_<id>`, and text entries and URLs are `<name>_<user id>_text.html` /
  `_link.html`. A re-upload of a same-named file is renamed `<stem>-1.ipynb`
  (Attachment.make_unique_filename). The zip holds no submission times (every entry carries the
  time the zip was built): only the LATE mark.
- Canvas bulk feedback ("Re-Upload Submissions", AbstractAssignment#infer_comment_context_from_filename):
  the first two all-digit `_` parts of a file name are the user id and the attachment id, which must
  be a file of that student's current submission.
- Canvas grade import (lib/gradebook_importer.rb, #header? and #update_column_count): the header
  starts `Student,ID`, then `SIS User ID,SIS Login ID` (both or neither), and the student columns
  end with `Section`; assignments are matched by their `Title (id)`; the `Points Possible` row sets
  each listed assignment's points.
- Moodle "Download all submissions" (mod/assign/classes/downloader.php, #get_student_prefix): one
  folder per student, `<full name, "_" as space, cleaned>_<participant id>_assignsubmission_file`
  (Moodle < 4.1 added a trailing `_`). The participant id is allocated per assignment
  (assign_user_mapping), so it never names a student across assignments.
- Moodle feedback zip (mod/assign/feedback/file/importziplib.php, #is_valid_filename_for_import):
  the first path part that splits on `_` into name, participant id, plugin type and plugin name
  identifies the student; the rest is the feedback file's name.
- Moodle grading worksheet (mod/assign/gradingtable.php; import in
  mod/assign/feedback/offline/importgradeslib.php): `Identifier` is `Participant <id>`; an upload
  needs `Identifier`, `Grade` and `Last modified (grade)` as downloaded, so grades go back by filling
  in the downloaded worksheet, never by writing a new one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

from course.errors import UsageError

# --- Canvas ------------------------------------------------------------------------------------

CANVAS_ENTRY = re.compile(
    r"^(?:(?P<name>.*?)_)??(?:(?P<late>LATE)_)?(?:(?P<uid>\d+)|anon_(?P<anon>[^_]+))_"
    r"(?:(?P<aid>\d+)_(?P<file>.+)|(?P<kind>text|link)\.html)$"
)
RESUBMISSION = re.compile(r"-\d+$")  # Attachment.make_unique_filename: "x.ipynb" uploaded again is "x-1.ipynb"
CANVAS_STUDENT_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
POINTS_POSSIBLE = "    Points Possible"  # GradebookExporter writes it with four leading spaces
CANVAS_TITLE_WITH_ID = re.compile(r"^(?P<title>.*)\s\((?P<id>\d+)\)$")  # Assignment.title_and_id


@dataclass(frozen=True)
class CanvasEntry:
    """One file of a Canvas submissions zip, as named by ContentZipper."""

    name: str  # the sanitised sortable name ("" for anonymous grading)
    late: bool
    user_id: str | None
    anonymous_id: str | None
    attachment_id: str | None
    display_name: str | None  # what the student uploaded (None for text entries and URLs)
    kind: str  # "file", "text" or "link"

    @property
    def prefix(self) -> str:
        """The entry's name up to the user id, as Canvas wrote it (LATE mark included)."""
        who = self.user_id if self.user_id else f"anon_{self.anonymous_id}"
        return "_".join(p for p in (self.name, "LATE" if self.late else "", who) if p)

    @property
    def notebook_name(self) -> str | None:
        """The uploaded file's name without Canvas's re-upload suffix: `x-1.ipynb` -> `x.ipynb`."""
        if not self.display_name:
            return None
        path = PurePosixPath(self.display_name)
        return RESUBMISSION.sub("", path.stem) + path.suffix


def parse_canvas_entry(filename: str) -> CanvasEntry | None:
    """The parts of a Canvas zip entry's name, or None when Canvas did not name it."""
    match = CANVAS_ENTRY.match(filename)
    if not match:
        return None
    return CanvasEntry(
        name=match["name"] or "",
        late=bool(match["late"]),
        user_id=match["uid"],
        anonymous_id=match["anon"],
        attachment_id=match["aid"],
        display_name=match["file"],
        kind="file" if match["aid"] else match["kind"],
    )


def canvas_feedback_name(prefix: str, attachment_id: str, stem: str) -> str:
    """A feedback file name Canvas's bulk upload attaches to the right student and submission:
    the download's own prefix, the attachment id, then a name without an all-digit part first."""
    return f"{prefix}_{attachment_id}_{stem}-feedback.html"


def canvas_feedback_target(filename: str) -> tuple[str, str] | None:
    """(user id, attachment id) as Canvas's upload reads them from a file name (for checks)."""
    parts = [p for p in filename.split("_") if p != "LATE"]
    digits = [p for p in parts if p.isdigit()]
    return (digits[0], digits[1]) if len(digits) >= 2 else None


@dataclass(frozen=True)
class CanvasTimes:
    """What the Canvas Submissions API says about one student's submission."""

    submitted_at: dt.datetime | None
    late: bool
    seconds_late: float
    attachments: dict[str, dt.datetime | None]  # attachment id -> when it was uploaded


def _utc(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.UTC)


def read_canvas_times(path: Path) -> dict[str, CanvasTimes]:
    """Canvas user id -> times, from the JSON of `GET /api/v1/courses/:c/assignments/:a/submissions`
    (the only place Canvas gives submission times)."""
    try:
        records = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path} is not the JSON of Canvas's Submissions API: {exc}") from exc
    if isinstance(records, dict):  # some tools save {"submissions": [...]}
        records = records.get("submissions", [])
    if not isinstance(records, list):
        raise UsageError(f"{path}: expected a list of submissions")
    times = {}
    for record in records:
        if not isinstance(record, dict) or "user_id" not in record:
            continue
        attachments = {
            str(a["id"]): _utc(a.get("created_at")) for a in record.get("attachments") or [] if isinstance(a, dict)
        }
        times[str(record["user_id"])] = CanvasTimes(
            submitted_at=_utc(record.get("submitted_at")),
            late=bool(record.get("late")),
            seconds_late=float(record.get("seconds_late") or 0),
            attachments=attachments,
        )
    return times


def split_sortable_name(sortable: str) -> tuple[str, str]:
    """(first, last) from Canvas's "Last, First" (User#last_name_first)."""
    sortable = unquote_formula(sortable).strip()
    if ", " in sortable:
        last, first = sortable.split(", ", 1)
        return first.strip(), last.strip()
    parts = sortable.rsplit(" ", 1)
    return (parts[0], parts[1]) if len(parts) == 2 else ("", sortable)


def unquote_formula(text: str) -> str:
    """Canvas exports a name that starts with "=" as `="..."` so spreadsheets do not run it."""
    match = re.fullmatch(r'="(.*)"', text.strip())
    return match.group(1) if match else text


@dataclass
class CanvasGradebook:
    """A Canvas gradebook export: its student rows and assignment columns, in its order."""

    header: list[str]
    points: dict[str, str]  # assignment column -> points possible, as Canvas wrote them
    rows: list[dict[str, str]]

    def column_for(self, assignment: str, explicit: str | None = None) -> str:
        """The export's column of `assignment`: `explicit` if given, else the one titled so."""
        columns = [c for c in self.header if c not in CANVAS_STUDENT_COLUMNS]
        if explicit:
            if explicit not in columns:
                raise UsageError(f"the Canvas export has no column {explicit!r}; it has {columns}")
            return explicit
        found = [c for c in columns if (m := CANVAS_TITLE_WITH_ID.match(c)) and m["title"] == assignment]
        found = found or [c for c in columns if c == assignment]
        if len(found) != 1:
            raise UsageError(
                f"the Canvas export has {len(found)} column(s) titled {assignment!r}: "
                f"name it with --canvas-column (its columns: {columns})"
            )
        return found[0]


def read_csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV as an LMS writes it: UTF-8 with or without a byte-order mark,
    `,` or `;` (Canvas and Moodle both use `;` in some languages)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path} cannot be read as UTF-8 text: {exc}") from exc
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if any(cell.strip() for cell in row)]
    if not rows:
        raise UsageError(f"{path} is empty")
    return [h.strip() for h in rows[0]], rows[1:]


def read_canvas_gradebook(path: Path) -> CanvasGradebook:
    header, rows = read_csv_rows(path)
    if len(header) < 2 or "Student" not in header[0] or "ID" not in header[1]:
        raise UsageError(f"{path} is not a Canvas gradebook export (it starts {header[:3]})")
    points: dict[str, str] = {}
    students = []
    for row in rows:
        record = dict(zip(header, row + [""] * (len(header) - len(row)), strict=False))
        label = record.get("Student", "").strip()
        if label == "Points Possible":
            points = {k: v for k, v in record.items() if k not in CANVAS_STUDENT_COLUMNS}
        elif label in ("Manual Posting",) or not record.get("ID", "").strip():
            continue  # the optional posting-policy row, and rows without a Canvas user id
        else:
            students.append(record)
    return CanvasGradebook(header, points, students)


def canvas_grades_csv(title: str, points: str, rows: list[tuple[str, str, str, str, str, str]]) -> str:
    """The CSV Canvas's gradebook import accepts: the student columns with `Section` last, one
    assignment column, and the Points Possible row (rows: name, id, SIS user id, login, section, grade)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*CANVAS_STUDENT_COLUMNS, title])
    writer.writerow([POINTS_POSSIBLE, "", "", "", "", points])
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


# --- Moodle ------------------------------------------------------------------------------------

MOODLE_FOLDER = re.compile(r"^(?P<name>[^_]+)_(?P<pid>\d+)_(?P<plugin>assign(?:submission|feedback)_[a-z]+)_?$")
MOODLE_FLAT = re.compile(r"^(?P<name>[^_]+)_(?P<pid>\d+)_(?P<plugin>assignsubmission_[a-z]+)_(?P<file>.+)$")
MOODLE_TIME_FORMAT = "%A, %d %B %Y, %I:%M %p"  # userdate() with strftimedaydatetime, English


@dataclass(frozen=True)
class MoodleEntry:
    """One file of a Moodle "Download all submissions" zip or folder."""

    name: str  # the student's full name as Moodle cleaned it
    participant: str  # the per-assignment participant id
    plugin: str  # assignsubmission_file, assignsubmission_onlinetext, ...
    folder: str | None  # the student's folder as downloaded (None in the one-folder layout)
    filename: str


def parse_moodle_path(parts: tuple[str, ...]) -> MoodleEntry | None:
    """The student part of a Moodle download path, or None when Moodle did not name it."""
    for index, part in enumerate(parts[:-1]):
        match = MOODLE_FOLDER.match(part)
        if match:
            return MoodleEntry(match["name"], match["pid"], match["plugin"], part, "/".join(parts[index + 1 :]))
    match = MOODLE_FLAT.match(parts[-1])
    if match:
        return MoodleEntry(match["name"], match["pid"], match["plugin"], None, match["file"])
    return None


def moodle_clean_filename(text: str) -> str:
    """clean_param(PARAM_FILE) (lib/moodlelib.php): control characters and & < > " ` | ' : \\ / go."""
    text = "".join(c for c in text if unicodedata.category(c) != "Cc")
    return re.sub(r"[&<>\"`|':\\/]", "", text)


def moodle_feedback_path(full_name: str, participant: str, stem: str) -> str:
    """Where a feedback file goes in Moodle's "Upload multiple feedback files in a zip": the
    student's download folder, whose second `_` part is the participant id."""
    folder = moodle_clean_filename(f"{full_name.replace('_', ' ')}_{participant}_assignsubmission_file")
    return f"{folder}/{stem}-feedback.html"


def moodle_feedback_target(path: str) -> str | None:
    """The participant id Moodle's importer reads from a path (for checks)."""
    for part in path.split("/"):
        info = part.split("_", 4)
        if len(info) >= 4 and info[1].isdigit() and info[2] in ("assignsubmission", "assignfeedback"):
            return info[1]
    return None


@dataclass
class MoodleWorksheet:
    """A Moodle offline grading worksheet, kept whole so it can be filled in and uploaded again."""

    header: list[str]
    rows: list[list[str]]
    delimiter: str = ","

    def column(self, name: str) -> int:
        try:
            return self.header.index(name)
        except ValueError:
            raise UsageError(
                f"the Moodle worksheet has no {name!r} column (download it in English, or rename the column); "
                f"its columns: {self.header}"
            ) from None

    def records(self) -> list[dict[str, str]]:
        return [dict(zip(self.header, row + [""] * (len(self.header) - len(row)), strict=False)) for row in self.rows]

    @staticmethod
    def participant(identifier: str) -> str | None:
        match = re.search(r"(\d+)\s*$", identifier or "")
        return match.group(1) if match else None

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=self.delimiter, lineterminator="\n")
        writer.writerow(self.header)
        writer.writerows(self.rows)
        return out.getvalue()


def read_moodle_worksheet(path: Path) -> MoodleWorksheet:
    header, rows = read_csv_rows(path)
    if "Identifier" not in header:
        raise UsageError(f"{path} is not a Moodle grading worksheet (no 'Identifier' column; it has {header[:4]})")
    first = path.read_text(encoding="utf-8-sig").splitlines()[0]
    return MoodleWorksheet(header, rows, ";" if first.count(";") > first.count(",") else ",")


def parse_moodle_time(text: str, zone: ZoneInfo) -> dt.datetime | None:
    """A worksheet time ("Monday, 6 October 2025, 11:59 PM", in the downloader's time zone) in UTC;
    None for "-" (never)."""
    text = (text or "").strip()
    if not text or text == "-":
        return None
    try:
        local = dt.datetime.strptime(text, MOODLE_TIME_FORMAT)
    except ValueError:
        raise UsageError(
            f"cannot read the Moodle time {text!r}: download the worksheet with English dates "
            f"(expected like 'Monday, 6 October 2025, 11:59 PM')"
        ) from None
    return local.replace(tzinfo=zone).astimezone(dt.UTC)
