"""`course roster import FILE`: the class list, from the LMS, into the gradebook and roster.csv.

Reads any of the files an instructor can download:

- a Canvas gradebook export (`Student, ID, SIS User ID, SIS Login ID, Section, ...`; the student is
  "Last, First"; the Points Possible and Manual Posting rows are skipped);
- a Moodle grading worksheet (`Identifier, Full name, Email address, ...`), or a Moodle gradebook /
  participants export (`First name, Last name, ID number, Email address, ...`);
- nbgrader's own student CSV (`id, first_name, last_name, email, lms_user_id`).

Where things go: nbgrader's gradebook keeps what it has fields for (`Student.first_name`,
`last_name`, `email`, and `lms_user_id` = the Canvas user id), so the formgrader's "Show names"
shows names and `nbgrader export` has them too. Everything else (SIS user id, SIS login, section) is
kept in `roster.csv` in the course root, one row per student, beside the gradebook; it holds
personal data and is git-ignored like the gradebook.

The student id (the folder name under submitted/, the gradebook key) must stay the same for the
whole term, so it comes from something stable: the SIS user id (Canvas) or ID number (Moodle) where
there is one, else the SIS login, else the email address, else the Canvas user id. Never the Moodle
participant id, which Moodle allocates afresh for every assignment. Importing again (another
export, or the Moodle worksheet of a Canvas-imported class) updates the students already there,
matched by any key they share, and keeps their ids.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from course.errors import UsageError
from course.pipeline.lms import read_csv_rows, split_sortable_name, unquote_formula
from course.pipeline.students import usable_student_id

ROSTER_FILE = "roster.csv"


@dataclass
class Person:
    id: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    lms_user_id: str = ""  # the Canvas user id (nbgrader's Student.lms_user_id)
    sis_user_id: str = ""  # Canvas SIS User ID / Moodle ID number
    sis_login_id: str = ""  # Canvas SIS Login ID / Moodle username
    section: str = ""

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    def keys(self) -> dict[str, str]:
        """Every value another file may use to name this student, by kind."""
        local = self.email.split("@")[0] if "@" in self.email else ""
        return {
            k: v
            for k, v in {
                "id": self.id,
                "lms_user_id": self.lms_user_id,
                "sis_user_id": self.sis_user_id,
                "sis_login_id": self.sis_login_id,
                "email": self.email.casefold(),
                "email_local": local.casefold(),
            }.items()
            if v
        }


COLUMNS = [f.name for f in fields(Person)]


def folded(text: str) -> str:
    """A name compared the way people read it: Unicode-normalised, case-insensitive, single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@dataclass
class Roster:
    people: list[Person] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.people)

    def by_id(self, student: str) -> Person | None:
        return next((p for p in self.people if p.id == student), None)

    def by_lms_user_id(self, user_id: str) -> Person | None:
        return next((p for p in self.people if p.lms_user_id and p.lms_user_id == user_id), None)

    def find(self, key: str) -> Person | None:
        """The student a value names: course id, SIS id, login, email or Canvas user id."""
        key = key.strip()
        for kind in ("id", "sis_user_id", "sis_login_id", "lms_user_id", "email", "email_local"):
            found = [p for p in self.people if p.keys().get(kind) == (key.casefold() if "email" in kind else key)]
            if len(found) == 1:
                return found[0]
        return None

    def match(self, person: Person) -> tuple[Person, str] | None:
        """The roster's entry for someone described by another file, and the key that matched."""
        theirs = person.keys()
        theirs.pop("id", None)
        for kind, value in theirs.items():
            for mine in self.people:
                ours = mine.keys()
                if ours.get(kind) == value:
                    return mine, kind
                # a Moodle email whose local part is the Canvas SIS login, or the reverse
                if kind == "email_local" and ours.get("sis_login_id", "").casefold() == value:
                    return mine, "SIS login = email local part"
                if kind == "sis_login_id" and ours.get("email_local") == value.casefold():
                    return mine, "SIS login = email local part"
        if person.name:
            same = [p for p in self.people if folded(p.name) == folded(person.name)]
            if len(same) == 1:
                return same[0], "full name"
        return None

    def match_name(self, name: str) -> Person | None:
        same = [p for p in self.people if folded(p.name) == folded(name)]
        return same[0] if len(same) == 1 else None


def roster_path(root: Path) -> Path:
    return root / ROSTER_FILE


def load_roster(root: Path) -> Roster:
    """The course's roster (empty when none was imported)."""
    path = roster_path(root)
    if not path.is_file():
        return Roster()
    with open(path, newline="", encoding="utf-8") as fh:
        return Roster([Person(**{k: (row.get(k) or "") for k in COLUMNS}) for row in csv.DictReader(fh)])


def save_roster(root: Path, roster: Roster) -> None:
    path = roster_path(root)
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for person in sorted(roster.people, key=lambda p: (folded(p.last_name), folded(p.first_name), p.id)):
            writer.writerow(asdict(person))
    tmp.replace(path)


# --- reading the LMS's files ---------------------------------------------------------------------


def _cell(record: dict[str, str], *names: str) -> str:
    for name in names:
        if record.get(name, "").strip():
            return unquote_formula(record[name].strip())
    return ""


def read_people(path: Path) -> tuple[str, list[Person], list[str]]:
    """(format, the people in the file, rows skipped with why)."""
    header, rows = read_csv_rows(path)
    records = [dict(zip(header, row + [""] * (len(header) - len(row)), strict=False)) for row in rows]
    skipped: list[str] = []
    people: list[Person] = []
    if header[:2] == ["LastName", "FirstName"] or (header and "Student" in header[0] and "ID" in header[1:2]):
        kind = "Canvas gradebook export"
        for number, record in enumerate(records, start=2):
            label = _cell(record, "Student", "LastName")
            if label in ("Points Possible", "Manual Posting") or "Points Possible" in label:
                continue
            if not _cell(record, "ID"):
                skipped.append(f"row {number} ({label or 'no name'}): no Canvas user id")
                continue
            if "Student" in record:
                first, last = split_sortable_name(record["Student"])
            else:
                first, last = _cell(record, "FirstName"), _cell(record, "LastName")
            people.append(
                Person(
                    first_name=first,
                    last_name=last,
                    lms_user_id=_cell(record, "ID"),
                    sis_user_id=_cell(record, "SIS User ID"),
                    sis_login_id=_cell(record, "SIS Login ID"),
                    section=_cell(record, "Section"),
                    email=_cell(record, "Email", "Email address"),
                )
            )
    elif "Identifier" in header and "Full name" in header:
        kind = "Moodle grading worksheet"
        for record in records:
            full = _cell(record, "Full name")
            first, _, last = full.rpartition(" ")
            people.append(
                Person(
                    first_name=first or full,
                    last_name=last if first else "",
                    email=_cell(record, "Email address", "Email"),
                    sis_user_id=_cell(record, "ID number"),
                    sis_login_id=_cell(record, "Username"),
                )
            )
    elif "First name" in header and "Last name" in header:
        kind = "Moodle gradebook or participants export"
        for record in records:
            people.append(
                Person(
                    first_name=_cell(record, "First name"),
                    last_name=_cell(record, "Last name"),
                    email=_cell(record, "Email address", "Email"),
                    sis_user_id=_cell(record, "ID number"),
                    sis_login_id=_cell(record, "Username"),
                    section=_cell(record, "Groups", "Group"),
                )
            )
    elif "id" in header:
        kind = "nbgrader student list"
        for record in records:
            people.append(
                Person(
                    id=_cell(record, "id"),
                    first_name=_cell(record, "first_name"),
                    last_name=_cell(record, "last_name"),
                    email=_cell(record, "email"),
                    lms_user_id=_cell(record, "lms_user_id"),
                    sis_user_id=_cell(record, "sis_user_id"),
                    sis_login_id=_cell(record, "sis_login_id"),
                    section=_cell(record, "section"),
                )
            )
    else:
        raise UsageError(
            f"{path}: not a roster this command knows (Canvas gradebook export, Moodle worksheet or "
            f"gradebook export, or nbgrader's id,first_name,... list); its header is {header}"
        )
    return kind, people, skipped


ID_CHOICES = {"sis": "SIS user id", "login": "SIS login", "email": "email", "canvas": "Canvas user id"}


def new_id(person: Person, prefer: str | None = None) -> tuple[str, str]:
    """A stable, folder-safe student id for someone new, and what it was taken from. `prefer`
    ('sis', 'login', 'email' or 'canvas') puts one kind first: on JupyterHub the ids must be the
    hub's user names, which are usually the SIS login."""
    local = person.email.split("@")[0] if "@" in person.email else ""
    candidates = [
        ("id", person.id),
        ("SIS user id", person.sis_user_id),
        ("SIS login", person.sis_login_id),
        ("email", person.email),
        ("email local part", local),
        ("Canvas user id", person.lms_user_id),
    ]
    if prefer:
        first = ID_CHOICES[prefer]
        candidates.sort(key=lambda c: c[0] != first)
    for source, value in candidates:
        if value and usable_student_id(value):
            return value, source
    return "", ""


# --- importing ----------------------------------------------------------------------------------


@dataclass
class ImportReport:
    kind: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    id_sources: dict[str, int] = field(default_factory=dict)


def import_roster(root: Path, path: Path, db_url: str | None = None, prefer: str | None = None) -> ImportReport:
    """Merge the people in `path` into roster.csv and the gradebook's students (new students' ids
    from the `prefer`red kind of key when they have one)."""
    from course.pipeline.gradebook import open_gradebook

    kind, incoming, skipped = read_people(path)
    roster = load_roster(root)
    report = ImportReport(kind, skipped=skipped)
    seen: dict[str, str] = {}
    for person in incoming:
        label = person.name or person.email or person.lms_user_id or "(no name)"
        found = (roster.by_id(person.id), "id") if person.id and roster.by_id(person.id) else roster.match(person)
        if found:
            mine, key = found
            for name in COLUMNS[1:]:
                value = getattr(person, name)
                if value and name not in ("first_name", "last_name"):
                    setattr(mine, name, value)
            # a worksheet's "Full name" is split at the last space: keep the better split we have
            if person.first_name and not (mine.first_name or mine.last_name):
                mine.first_name, mine.last_name = person.first_name, person.last_name
            if kind.startswith("Canvas") or kind.startswith("nbgrader"):
                mine.first_name, mine.last_name = (
                    person.first_name or mine.first_name,
                    person.last_name or mine.last_name,
                )
            report.updated.append(f"{mine.id}: {label} (matched by {key})")
            target = mine
        else:
            student, source = new_id(person, prefer)
            if not student:
                report.skipped.append(
                    f"{label}: no usable student id (SIS id, login, email and LMS id are all missing or contain "
                    "characters a folder name cannot have)"
                )
                continue
            if roster.by_id(student):
                report.skipped.append(f"{label}: the id {student!r} already belongs to {roster.by_id(student).name}")
                continue
            person.id = student
            roster.people.append(person)
            report.added.append(f"{student}: {label}")
            report.id_sources[source] = report.id_sources.get(source, 0) + 1
            target = person
        if target.id in seen:
            report.skipped.append(f"{label}: appears twice in {path.name} (also as {seen[target.id]})")
        seen[target.id] = label
    save_roster(root, roster)
    with open_gradebook(root, db_url) as gb:
        for person in roster.people:
            details = {
                "first_name": person.first_name or None,
                "last_name": person.last_name or None,
                "email": person.email or None,
                "lms_user_id": person.lms_user_id or None,
            }
            gb.update_or_create_student(person.id, **{k: v for k, v in details.items() if v})
    return report
