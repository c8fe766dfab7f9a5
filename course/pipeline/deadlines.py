"""`course deadline` and `course extensions`: due dates, per-student extensions, late penalties.

Stored where nbgrader keeps them, so stock `nbgrader autograde`, `nbgrader export` and the
formgrader see the same dates:

- an assignment's due date is `Assignment.duedate` (naive UTC, as nbgrader stores it); a due date
  written without a zone is read in the course's time zone, `c.Deadlines.timezone` in
  nbgrader_config.py;
- a student's extension is `SubmittedAssignment.extension`. nbgrader keeps it on the submission
  row, which exists only once something was submitted, so the imported extensions are also kept in
  `extensions.csv` in the course root and written to the gradebook as soon as the row exists:
  by the import for submissions already there, by `course collect` and by `course grade`.

Late penalties are nbgrader's: `c.AssignLatePenalties.plugin_class` (default
`LateSubmissionPlugin`, with `c.LateSubmissionPlugin.penalty_method` 'none' or 'zero') is built
from the course's config and called exactly as nbgrader's AssignLatePenalties preprocessor calls
it, once per notebook after its grades are saved, with the notebook's score at that moment and the
submission's seconds late; the result is clamped to [0, score]. `PerDayPenalty` below is a plugin
for the common "a share per started day" policy, usable by stock nbgrader too.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import BasePlugin, LateSubmissionPlugin
from sqlalchemy.exc import SAWarning
from traitlets import Float
from traitlets.config import Config
from traitlets.utils.importstring import import_item

from course.config import load_config, setting
from course.errors import ConfigError, UsageError
from course.pipeline.lms import read_csv_rows

EXTENSIONS_FILE = "extensions.csv"
EXTENSION_COLUMNS = ["assignment", "student", "seconds", "given_as", "reason"]


class PerDayPenalty(BasePlugin):
    """A share of the notebook's score for every started day late (e.g. 0.1 = 10 % a day).

    Use it with `c.AssignLatePenalties.plugin_class = "course.pipeline.deadlines.PerDayPenalty"` and
    `c.PerDayPenalty.per_day = 0.1`; nbgrader clamps the penalty to the score."""

    per_day = Float(0.1, help="share of the score taken per started day late").tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float | None:
        if total_seconds_late <= 0:
            return None
        return score * self.per_day * math.ceil(total_seconds_late / 86400)


# --- time zones and dates -----------------------------------------------------------------------


def course_timezone(root: Path, override: str | None = None) -> ZoneInfo:
    """The zone that due dates and LMS times without a zone are read in."""
    name = override or setting(root, "Deadlines", "timezone", "UTC")
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"unknown time zone {name!r} (use a name like 'Europe/Berlin' or 'America/New_York')"
        ) from None


def parse_when(text: str, zone: ZoneInfo) -> dt.datetime:
    """A date and time as an instructor writes it: ISO 8601 with or without a zone offset
    ('2025-10-06 23:59', '2025-10-06T23:59:00+02:00'); a date alone means the end of that day."""
    text = text.strip()
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"cannot read the date {text!r}: write it like 2025-10-06 23:59 or 2025-10-06T23:59+02:00"
        ) from None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        when = when.replace(hour=23, minute=59, second=59)
    return when if when.tzinfo else when.replace(tzinfo=zone)


def naive_utc(when: dt.datetime) -> dt.datetime:
    """How nbgrader stores times: naive, in UTC."""
    return when.astimezone(dt.UTC).replace(tzinfo=None)


def timestamp_text(when: dt.datetime) -> str:
    """timestamp.txt in the nbgrader exchange's format (Exchange.timestamp_format, in UTC)."""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def describe_seconds(seconds: float) -> str:
    """'3 h 12 min', '2 d 1 h', '45 s'."""
    seconds = round(seconds)
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count} {unit}")
    if seconds and not parts:
        parts.append(f"{seconds} s")
    return " ".join(parts[:2]) or "0 s"


EXTENSION = re.compile(
    r"^\s*(?:(?P<w>\d+(?:\.\d+)?)\s*w)?\s*(?:(?P<d>\d+(?:\.\d+)?)\s*d)?\s*(?:(?P<h>\d+(?:\.\d+)?)\s*h)?\s*(?:(?P<m>\d+(?:\.\d+)?)\s*m(?:in)?)?\s*$"
)


def parse_extension(text: str, due: dt.datetime | None, zone: ZoneInfo) -> dt.timedelta:
    """'3d', '36h', '1d12h', '90m', '2w', or a new due time (which needs the assignment's due date)."""
    match = EXTENSION.match(text or "")
    if match and any(match.groupdict().values()):
        units = {k: float(v) for k, v in match.groupdict().items() if v}
        return dt.timedelta(
            weeks=units.get("w", 0), days=units.get("d", 0), hours=units.get("h", 0), minutes=units.get("m", 0)
        )
    new_due = parse_when(text, zone)
    if due is None:
        raise UsageError(f"{text!r} is a new due time, but the assignment has no due date yet (`course deadline`)")
    extension = new_due - due.replace(tzinfo=dt.UTC)
    if extension.total_seconds() < 0:
        raise UsageError(f"{text!r} is before the assignment's due date")
    return extension


# --- due dates ----------------------------------------------------------------------------------


def set_due(gb: Gradebook, assignment: str, due: dt.datetime | None) -> None:
    """Record an assignment's due date (None clears it) as nbgrader does (`nbgrader db assignment add --duedate`)."""
    gb.update_or_create_assignment(assignment, duedate=naive_utc(due) if due else None)


def import_deadlines(gb: Gradebook, path: Path, zone: ZoneInfo) -> list[tuple[str, dt.datetime]]:
    """A CSV with `assignment,due` per row."""
    header, rows = read_csv_rows(path)
    if "assignment" not in header or "due" not in header:
        raise UsageError(f"{path}: expected the columns assignment,due (it has {header})")
    done = []
    for row in rows:
        record = dict(zip(header, row, strict=False))
        due = parse_when(record["due"], zone)
        set_due(gb, record["assignment"].strip(), due)
        done.append((record["assignment"].strip(), due))
    return done


# --- extensions ---------------------------------------------------------------------------------


@dataclass
class Extension:
    assignment: str
    student: str
    seconds: float
    given_as: str
    reason: str = ""

    @property
    def delta(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.seconds)


def load_extensions(root: Path) -> list[Extension]:
    path = root / EXTENSIONS_FILE
    if not path.is_file():
        return []
    with open(path, newline="", encoding="utf-8") as fh:
        return [
            Extension(r["assignment"], r["student"], float(r["seconds"]), r.get("given_as", ""), r.get("reason", ""))
            for r in csv.DictReader(fh)
        ]


def save_extensions(root: Path, extensions: list[Extension]) -> None:
    path = root / EXTENSIONS_FILE
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(EXTENSION_COLUMNS)
        for e in sorted(extensions, key=lambda e: (e.assignment, e.student)):
            writer.writerow([e.assignment, e.student, f"{e.seconds:g}", e.given_as, e.reason])
    tmp.replace(path)


def extension_for(root: Path, assignment: str, student: str) -> Extension | None:
    return next((e for e in load_extensions(root) if e.assignment == assignment and e.student == student), None)


def apply_extension(gb: Gradebook, root: Path, assignment: str, student: str) -> Extension | None:
    """Write the student's imported extension to their submission row, if both exist."""
    extension = extension_for(root, assignment, student)
    if extension is None:
        return None
    try:
        submission = gb.find_submission(assignment, student)
    except MissingEntry:
        return extension
    submission.extension = extension.delta
    gb.db.commit()
    return extension


@dataclass
class ExtensionReport:
    applied: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def import_extensions(root: Path, path: Path, gb: Gradebook, zone: ZoneInfo) -> ExtensionReport:
    """A CSV with `assignment,student,extension[,reason]`; `student` may be any roster key (course
    id, SIS id, login, email or Canvas user id); `extension` is '3d', '36h' or a new due time."""
    from course.pipeline.roster import load_roster

    header, rows = read_csv_rows(path)
    missing = {"assignment", "student", "extension"} - set(header)
    if missing:
        raise UsageError(f"{path}: missing the column(s) {sorted(missing)} (it has {header})")
    roster = load_roster(root)
    known = {s.id for s in gb.students}
    table = {(e.assignment, e.student): e for e in load_extensions(root)}
    report = ExtensionReport()
    for number, row in enumerate(rows, start=2):
        record = dict(zip(header, row + [""] * (len(header) - len(row)), strict=False))
        assignment, who = record["assignment"].strip(), record["student"].strip()
        person = roster.find(who)
        student = person.id if person else (who if who in known else None)
        if student is None:
            report.skipped.append(f"row {number}: no student {who!r} on the roster or in the gradebook")
            continue
        try:
            record_assignment = gb.find_assignment(assignment)
        except MissingEntry:
            report.skipped.append(f"row {number}: no assignment {assignment!r} in the gradebook (`course release` it)")
            continue
        due = record_assignment.duedate
        try:
            delta = parse_extension(record["extension"], due, zone)
        except UsageError as exc:
            report.skipped.append(f"row {number} ({student}): {exc}")
            continue
        table[(assignment, student)] = Extension(
            assignment, student, delta.total_seconds(), record["extension"].strip(), record.get("reason", "").strip()
        )
        save_extensions(root, list(table.values()))
        label = f"{assignment} {student}: +{describe_seconds(delta.total_seconds())}"
        try:
            gb.find_submission(assignment, student)
        except MissingEntry:
            report.pending.append(label + " (written to the gradebook when the submission is collected)")
        else:
            apply_extension(gb, root, assignment, student)
            report.applied.append(label)
    return report


# --- late penalties -----------------------------------------------------------------------------


def late_plugin(root: Path, config: Config | None = None) -> BasePlugin:
    """The plugin `nbgrader autograde` would use, with the course's settings.

    nbgrader builds `AssignLatePenalties.plugin_class(parent=preprocessor)`; built with the course's
    config it sees the same trait values. A plugin module in the course folder is importable, as it
    is for nbgrader run from the course root."""
    config = config if config is not None else load_config(root)
    cls = config.get("AssignLatePenalties", {}).get("plugin_class", LateSubmissionPlugin)
    if isinstance(cls, str):
        if str(root) not in sys.path:
            sys.path.append(str(root))
        try:
            cls = import_item(cls)
        except Exception as exc:
            raise ConfigError(f"c.AssignLatePenalties.plugin_class = {cls!r} cannot be imported: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, BasePlugin)):
        raise ConfigError(f"c.AssignLatePenalties.plugin_class must be an nbgrader BasePlugin, not {cls!r}")
    return cls(config=config)


def notebook_penalty(plugin: BasePlugin, student: str, score: float, seconds_late: float) -> float | None:
    """One notebook's penalty, by nbgrader's rule (AssignLatePenalties.preprocess and _check_late_penalty)."""
    if seconds_late <= 0:
        return None
    penalty = plugin.late_submission_penalty(student, score, seconds_late)
    if penalty is None:
        return None
    return 0 if penalty < 0 else min(penalty, score)


def apply_late_penalties(gb: Gradebook, assignment: str, student: str, plugin: BasePlugin) -> dict[str, float | None]:
    """Set every notebook's late_submission_penalty as `nbgrader autograde` would; return them.
    Call once the submission's time, extension and grades are in the gradebook."""
    submission = gb.find_submission(assignment, student)
    seconds_late = submission.total_seconds_late
    penalties = {}
    for notebook in submission.notebooks:
        gb.db.refresh(notebook)  # score is a SQL expression over the grades: read it fresh
        notebook.late_submission_penalty = notebook_penalty(plugin, student, notebook.score, seconds_late)
        penalties[notebook.name] = notebook.late_submission_penalty
    gb.db.commit()
    return penalties


def ensure_submission(gb: Gradebook, assignment: str, student: str, timestamp: dt.datetime | None):
    """The submission row nbgrader's autograde would create (with the time, when known)."""
    gb.update_or_create_student(student)
    with warnings.catch_warnings():
        # nbgrader builds the submission's rows before adding them to the session; SQLAlchemy 2
        # warns about that order, but the rows are saved.
        warnings.simplefilter("ignore", SAWarning)
        if timestamp is None:
            return gb.update_or_create_submission(assignment, student)
        return gb.update_or_create_submission(assignment, student, timestamp=timestamp)
