"""A realistic 12-student class as Canvas and Moodle hand it to an instructor, for the tests.

    python -m tests.lms_class OUT [--repo PATH]

Deterministic (fixed dates, ids and answers; nothing random, nothing from the network). The naming
rules are written here from the LMS source code, independently of course.pipeline.lms, so the tests
check the course against the LMS rather than against itself.

writes, for 00-orientation (taken from PATH/notebooks/; the answers are that module's recorded mistakes):

  OUT/canvas/<course>-<assignment>_submissions.zip   Canvas "Download Submissions"
  OUT/canvas/gradebook-export.csv                     Canvas Gradebook "Export" (the roster input)
  OUT/canvas/submissions-api.json                     Canvas Submissions API (submitted_at, late,
                                                      seconds_late, attachments): the only place
                                                      Canvas gives submission times
  OUT/moodle/<course>-<assignment>-<cmid>.zip          Moodle "Download all submissions" (folders)
  OUT/moodle/Grades-<course>-<assignment>-<cmid>.csv   Moodle "Download grading worksheet"
  OUT/extensions.csv, OUT/deadlines.csv               the course's own inputs
  OUT/expected.json                                   ground truth for tests: what collect, grade,
                                                      lateness, export must find for every file and
                                                      every student

Naming follows the LMS source code:

* Canvas (lib/content_zipper.rb, ContentZipper#get_filename / #add_upload_submission):
  `<sortable name, downcased, every non-[[:word:]] character removed>[_LATE]_<user id>_<attachment id>_<display name>`
  where `_<digits>_` inside the name is collapsed first (sanitize_user_name), the display name has
  only `\\0 / \\ : * ? " < > |` replaced by `_`, and text entries are `<base>_text.html`. Zip entry
  times are the time the zip was built (rubyzip's Entry default, DOSTime.now), not submission times.
* Moodle >= 4.1 (mod/assign/classes/downloader.php, get_student_prefix / load_submissionplugin_filelist):
  `<fullname with "_" -> " ", then clean_filename>_<participant id>_assignsubmission_file/<path><file>`
  (Moodle < 4.1 appended a trailing `_` to the folder); clean_filename removes control characters and
  & < > " ` | ' : \\ /. Participant ids are per assignment (assign_user_mapping).

Only the standard library and nbformat are needed; nothing is executed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

import nbformat

TZ = ZoneInfo("Europe/Berlin")
UTC = dt.UTC
COURSE = "HIST 210"
CANVAS_COURSE_SLUG = "HIST_210"
CANVAS_ASSIGNMENT_ID = 88231
MOODLE_CMID = 4417
DUE = dt.datetime(2025, 10, 6, 23, 59, tzinfo=TZ)
DOWNLOADED = dt.datetime(2025, 10, 7, 9, 14, 5, tzinfo=TZ)  # when the instructor clicked "Download"
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
TEXT_STUB = "YOUR ANSWER HERE"


# --- the class --------------------------------------------------------------------------------


@dataclass
class Student:
    first: str
    last: str
    canvas_id: int
    sis_user_id: str
    login: str
    section: str
    scenario: str  # what this student tests, in words
    submitted: dt.datetime | None = None  # real submission time (None: no submission)
    # answer cell -> a recorded mistake's label (tests/mistakes.py) or a WRITTEN key; other cells: the model answer
    answers: dict[str, str] = field(default_factory=dict)
    files: list[tuple[str, str]] = field(default_factory=list)  # (display name, kind) in upload order
    extension: dt.timedelta | None = None
    on_roster: bool = True

    @property
    def name(self) -> str:  # Canvas User#name / Moodle fullname ("firstname lastname")
        return f"{self.first} {self.last}"

    @property
    def sortable(self) -> str:  # Canvas User#sortable_name: "Surname, Given"
        return f"{self.last}, {self.first}"

    @property
    def email(self) -> str:
        return f"{self.login}@example.edu"


WRITTEN = {
    # a student's own answer, later copied (nearly verbatim) by another student
    "obrien": "Xinhua was at the site, so it saw the explosions itself, but it is China's state agency and China is "
    "close to Pyongyang, so it could present the demolition as a generous gesture. I would check whether "
    "the tunnels were really destroyed and whether any independent inspectors were there. A Reuters or AP "
    "report from a journalist who was present, or a satellite-imagery analysis by an expert group, would "
    "give another viewpoint.",
    # a student's own answer, later paraphrased by another student
    "mueller": "Before using KOR-16 I would like to confirm the exact date and the order of the blasts, because the "
    "only source is a state news agency. Chinese state media has reasons to show North Korea in a good "
    "light. I would look for a South Korean or Western news agency that had reporters at Punggye-ri, or "
    "for a statement from the IAEA about whether the site can still be used.",
    "adams": "The Xinhua report might be accurate but it comes from a government that supports the DPRK. I want to "
    "know if experts could verify that the test site was made unusable and not just the entrances. A "
    "report from 38 North, which studies satellite pictures, would be a good independent check.",
    "lee2": "",  # left blank: a non-attempt
    "nguyen": "I would confirm who was invited to watch. Xinhua only reports what the government let it see, so the "
    "event may be staged. A second source such as the South Korean government or the Yonhap agency could "
    "tell whether outside journalists were allowed in and what they saw.",
    "okafor": "The key question is whether the demolition was real disarmament or a show. Chinese state media "
    "cannot be treated as neutral on North Korea. I would look for an assessment from an arms-control "
    "research group or from the IAEA, and compare dates with a Western wire service.",
    "rossi": "I would check that the event happened on 24 May and that foreign reporters saw it, since Xinhua is "
    "controlled by the Chinese state. An independent monitoring body or a wire service like AP would be the "
    "kind of source I want.",
    "garcia": "(unreadable notebook)",
}
# copied: near-verbatim copy of O'Brien (a word or two changed, one clause dropped)
WRITTEN["smithjones"] = (
    WRITTEN["obrien"]
    .replace("so it saw", "so it saw")
    .replace("could present the demolition as a generous gesture", "could show the demolition as a generous gesture")
    .replace(" or a satellite-imagery analysis by an expert group,", ",")
)
# paraphrased: Kowalski rewrote Müller's answer with synonyms and swapped sentences
WRITTEN["kowalski"] = (
    "Chinese state media have reasons to present North Korea in a positive light, and the only source "
    "for KOR-16 is such a state news agency. So before relying on it I would want to verify the precise "
    "date and the sequence of the explosions. I would search for a Western or South Korean news agency "
    "with journalists at Punggye-ri, or for an IAEA statement on whether the site is still usable."
)
# close to the published model answer (the model answer is in the source notebook)
WRITTEN["adams_model"] = None  # filled from the source notebook below

# Code answers: the model answer from the source notebook, or one of the common mistakes recorded in
# tests/mistakes.py (by its label), so the class follows the notebook when an exercise changes.
ASSIGNMENT = "00-orientation"


def mistake_code(grade_id: str, label: str) -> str:
    """The code of the recorded mistake `label` for the answer cell `grade_id` of ASSIGNMENT."""
    from tests.mistakes import MISTAKES

    return next(m[1] for m in MISTAKES[ASSIGNMENT][grade_id] if m[0] == label)


def mistake_message(grade_id: str, label: str) -> str:
    """The fragment of the feedback the student who makes that mistake must see."""
    from tests.mistakes import MISTAKES

    return next(m[3] for m in MISTAKES[ASSIGNMENT][grade_id] if m[0] == label)


def the_class() -> list[Student]:
    """12 students on the roster (11 with something in the download), plus Canvas's Test Student."""
    at = lambda days=0, hours=0, minutes=0: DUE + dt.timedelta(days=days, hours=hours, minutes=minutes)
    nb = "{a}.ipynb"
    s = [
        Student(
            "Grace",
            "Adams",
            4821101,
            "S2025001",
            "gadams",
            "HIST 210 A",
            "on time; written answer close to the model answer",
            at(hours=-20),
            {"ex6-answer": "adams_model"},
            [(nb, "solution")],
        ),
        Student(
            "Jürgen",
            "Müller",
            4821102,
            "S2025002",
            "jmueller",
            "HIST 210 A",
            "unicode name; near miss ex1 (context events)",
            at(hours=-3),
            {"ex1-answer": "wrong-filter-context", "ex6-answer": "mueller"},
            [(nb, "solution")],
        ),
        Student(
            "Anna",
            "Smith-Jones",
            4821103,
            "S2025003",
            "asmithjones",
            "HIST 210 A",
            "hyphenated name; near miss ex2 (an earlier statement); written answer copied from O'Brien",
            at(hours=-1),
            {"ex2-answer": "earlier-statement", "ex6-answer": "smithjones"},
            [(nb, "solution")],
        ),
        Student(
            "Ji",
            "Lee2",
            4821104,
            "S2025004",
            "jlee2",
            "HIST 210 B",
            "digit in the name; ex5 answered A; written answer blank",
            at(hours=-30),
            {"ex5-answer": "literal-reading", "ex6-answer": "lee2"},
            [(nb, "solution")],
        ),
        Student(
            "Seán",
            "O'Brien",
            4821105,
            "S2025005",
            "sobrien",
            "HIST 210 B",
            "apostrophe and accent in the name; original written answer",
            at(days=-2),
            {"ex6-answer": "obrien"},
            [(nb, "solution")],
        ),
        Student(
            "Bao",
            "Nguyen",
            4821106,
            "S2025006",
            "bnguyen",
            "HIST 210 B",
            "LATE: 3 h 12 min after the due date",
            at(hours=3, minutes=12),
            {"ex3-answer": "bibliography-share", "ex6-answer": "nguyen"},
            [(nb, "solution")],
        ),
        Student(
            "Chidi",
            "Okafor",
            4821107,
            "S2025007",
            "cokafor",
            "HIST 210 A",
            "extension of 3 days; submitted 2 days after the due date (Canvas marks it LATE)",
            at(days=2, hours=1),
            {"ex6-answer": "okafor"},
            [(nb, "solution")],
            extension=dt.timedelta(days=3),
        ),
        Student(
            "Marta",
            "Rossi",
            4821108,
            "S2025008",
            "mrossi",
            "HIST 210 A",
            "resubmission: Canvas renamed the file to -1; ex1 stored as text (a form problem)",
            at(hours=-5),
            {"ex1-answer": "wrong-type-str", "ex6-answer": "rossi"},
            [("{a}-1.ipynb", "solution")],
        ),
        Student(
            "Piotr",
            "Kowalski",
            4821109,
            "S2025009",
            "pkowalski",
            "HIST 210 B",
            "two notebooks in one attempt: the later upload wins; written answer paraphrases Müller's",
            at(hours=-8),
            {"ex5-answer": "precision-alone", "ex6-answer": "kowalski"},
            [(nb, "blank"), ("{a}-1.ipynb", "solution")],
        ),
        Student(
            "Lucía",
            "García",
            4821110,
            "S2025010",
            "lgarcia",
            "HIST 210 B",
            "corrupt notebook (truncated JSON)",
            at(hours=-2),
            {},
            [(nb, "corrupt")],
        ),
        Student(
            "Tom",
            "Brown",
            4821111,
            "S2025011",
            "tbrown",
            "HIST 210 A",
            "uploaded an HTML export instead of the notebook",
            at(hours=-4),
            {},
            [("{a}.html", "html")],
        ),
        Student("Ana", "Silva", 4821112, "S2025012", "asilva", "HIST 210 B", "no submission"),
        Student(
            "Test",
            "Student",
            4821199,
            "",
            "",
            "",
            "Canvas's Test Student (Student View): in the download, not on the roster",
            at(hours=-6),
            {},
            [(nb, "blank")],
            on_roster=False,
        ),
    ]
    return s


# --- notebooks ----------------------------------------------------------------------------------


def student_version(source: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """What nbgrader generate_assignment releases: solutions replaced by stubs, hidden tests removed."""
    nb = nbformat.reads(nbformat.writes(source), as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            stub = CODE_STUB if cell.cell_type == "code" else TEXT_STUB
            cell.source = re.sub(r"### BEGIN SOLUTION.*?### END SOLUTION", stub, cell.source, flags=re.S)
        cell.source = re.sub(r"\n?### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", "", cell.source, flags=re.S)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def model_answer(source: nbformat.NotebookNode, grade_id: str) -> str:
    for cell in source.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            body = re.search(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, flags=re.S)
            return body.group(1).strip() if body else cell.source
    raise KeyError(grade_id)


def filled(source: nbformat.NotebookNode, student: Student, kind: str) -> bytes:
    released = student_version(source)
    if kind == "blank":
        return nbformat.writes(released).encode()
    for cell in released.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if not cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        key = student.answers.get(gid)
        if cell.cell_type == "code":
            cell.source = mistake_code(gid, key) if key else _solution(source, gid)
        else:
            text = WRITTEN.get(key, "") if key else ""
            cell.source = text if text else TEXT_STUB
    data = nbformat.writes(released).encode()
    if kind == "corrupt":
        return data[: len(data) * 2 // 3]  # a download cut short: not valid JSON
    return data


def _solution(source, grade_id: str) -> str:
    return model_answer(source, grade_id)


def html_export(assignment: str) -> bytes:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{assignment}</title></head>"
        f"<body><h1>{assignment}</h1><p>(File &gt; Save and Export Notebook As &gt; HTML)</p></body></html>"
    ).encode()


# --- Canvas -------------------------------------------------------------------------------------


def canvas_word_chars(text: str) -> str:
    """Ruby's gsub(/[^[[:word:]]]/, ""): keep letters, marks, decimal digits and connector punctuation."""
    return "".join(c for c in text if unicodedata.category(c)[0] in "LM" or unicodedata.category(c) in ("Nd", "Pc"))


def canvas_user_name(sortable: str) -> str:
    """ContentZipper#sanitize_user_name: collapse `_<digits>_`, then downcase."""
    name = re.sub(r"_(\d+)_", r"\1", sortable)
    return name.lower()


def canvas_prefix(student: Student, late: bool) -> str:
    """ContentZipper#get_filename: [name, LATE?, user_id].join('_') with non-word characters removed."""
    parts = [canvas_user_name(student.sortable)] + (["LATE"] if late else []) + [str(student.canvas_id)]
    return canvas_word_chars("_".join(parts))


def canvas_attachment_name(display_name: str) -> str:
    """ContentZipper#sanitize_attachment_filename."""
    return re.sub(r'[\x00/\\:*?"<>|]+', "_", display_name)


def canvas_late(student: Student) -> bool:
    """Canvas knows the due date but not our extension CSV: its LATE mark ignores the extension
    (an instructor could also enter the extension in Canvas as an assignment override)."""
    return student.submitted is not None and student.submitted > DUE


def zipinfo(name: str, when: dt.datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


# --- Moodle -------------------------------------------------------------------------------------


def moodle_clean_filename(text: str) -> str:
    """clean_param(PARAM_FILE): remove control characters and & < > " ` | ' : \\ /."""
    text = "".join(c for c in text if unicodedata.category(c) != "Cc")
    return re.sub(r"[&<>\"`|':\\/]", "", text)


def moodle_folder(student: Student, participant: int) -> str:
    prefix = moodle_clean_filename(student.name.replace("_", " ") + "_" + str(participant))
    return moodle_clean_filename(prefix + "_assignsubmission_file")


def moodle_userdate(when: dt.datetime) -> str:
    """userdate() with strftimedaydatetime '%A, %d %B %Y, %I:%M %p', leading zeros of day and hour dropped."""
    local = when.astimezone(TZ)
    return f"{local:%A}, {local.day} {local:%B %Y}, {int(local.strftime('%I'))}:{local:%M %p}"


def moodle_format_time(seconds: float) -> str:
    """format_time(): the largest two units, e.g. '3 hours 12 mins', '2 days 1 hour'."""
    seconds = int(seconds)
    units = [("day", "days", 86400), ("hour", "hours", 3600), ("min", "mins", 60), ("sec", "secs", 1)]
    out = []
    for one, many, size in units:
        n, seconds = divmod(seconds, size)
        if n:
            out.append(f"{n} {one if n == 1 else many}")
        if len(out) == 2:
            break
    return " ".join(out) or "now"


# --- writing everything ------------------------------------------------------------------------


def build(out: Path, repo: Path, assignment: str) -> dict:
    if assignment != ASSIGNMENT:
        raise ValueError(f"the class's answers are {ASSIGNMENT}'s recorded mistakes, not {assignment}'s")
    source = nbformat.read(repo / "notebooks" / assignment / f"{assignment}.ipynb", as_version=4)
    WRITTEN["adams_model"] = (
        model_answer(source, "ex6-answer")
        .replace("*Model answer.* ", "")
        .replace("I would confirm", "I would want to confirm")
        .replace("above all", "most importantly")
    )
    students = the_class()
    expected: dict = {
        "assignment": assignment,
        "due": DUE.isoformat(),
        "timezone": str(TZ),
        "downloaded": DOWNLOADED.isoformat(),
        "students": {},
        "canvas_files": {},
        "moodle_files": {},
    }
    (out / "canvas").mkdir(parents=True, exist_ok=True)
    (out / "moodle").mkdir(parents=True, exist_ok=True)

    # Canvas: the download, the API's view of the same submissions, the gradebook export
    attachment_id = 61400000
    api = []
    zip_name = f"{CANVAS_COURSE_SLUG}-{assignment}_submissions.zip"
    with zipfile.ZipFile(out / "canvas" / zip_name, "w") as zf:
        for st in students:
            if st.submitted is None:
                continue
            attachments = []
            for i, (display, kind) in enumerate(st.files):
                attachment_id += 7
                display = display.format(a=assignment)
                entry = f"{canvas_prefix(st, canvas_late(st))}_{attachment_id}_{canvas_attachment_name(display)}"
                content = html_export(assignment) if kind == "html" else filled(source, st, kind)
                zf.writestr(zipinfo(entry, DOWNLOADED), content)
                uploaded = st.submitted - dt.timedelta(minutes=5 * (len(st.files) - 1 - i))
                attachments.append(
                    {
                        "id": attachment_id,
                        "display_name": display,
                        "filename": display,
                        "content-type": "text/html" if kind == "html" else "application/x-ipynb+json",
                        "created_at": uploaded.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    }
                )
                expected["canvas_files"][entry] = _expected_file(
                    st, display, kind, attachment_id, i, len(st.files), assignment
                )
            late = canvas_late(st)
            api.append(
                {
                    "id": 9900000 + st.canvas_id % 1000,
                    "assignment_id": CANVAS_ASSIGNMENT_ID,
                    "user_id": st.canvas_id,
                    "submission_type": "online_upload",
                    "workflow_state": "submitted",
                    "attempt": 2 if "-1" in st.files[-1][0] else 1,
                    "submitted_at": st.submitted.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "cached_due_date": DUE.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "late": late,
                    "missing": False,
                    "excused": None,
                    "seconds_late": int((st.submitted - DUE).total_seconds()) if late else 0,
                    "attachments": attachments,
                }
            )
    (out / "canvas" / "submissions-api.json").write_text(
        json.dumps(api, indent=1, ensure_ascii=False), encoding="utf-8"
    )

    title = f"{assignment} ({CANVAS_ASSIGNMENT_ID})"
    with open(out / "canvas" / "gradebook-export.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "Student",
                "ID",
                "SIS User ID",
                "SIS Login ID",
                "Section",
                title,
                "Current Points",
                "Final Points",
                "Current Score",
                "Unposted Current Score",
                "Final Score",
                "Unposted Final Score",
            ]
        )
        w.writerow(["    Points Possible", "", "", "", "", "13.00"] + ["(read only)"] * 6)
        for st in students:
            if st.on_roster:
                w.writerow([st.sortable, st.canvas_id, st.sis_user_id, st.login, st.section, ""] + [""] * 6)

    # Moodle: folders per student in a zip, and the grading worksheet
    participants = {st.login or st.name: 1390000 + 37 * i + 11 for i, st in enumerate(students)}
    zip_name = moodle_clean_filename(f"{COURSE}-{assignment}-{MOODLE_CMID}.zip")
    with zipfile.ZipFile(out / "moodle" / zip_name, "w") as zf:
        for st in students:
            if st.submitted is None or not st.on_roster:
                continue  # Moodle's download lists enrolled students only
            folder = moodle_folder(st, participants[st.login])
            display, kind = st.files[-1]  # Moodle keeps one file per name: a resubmission replaces it
            display = display.format(a=assignment).replace("-1.ipynb", ".ipynb")
            content = html_export(assignment) if kind == "html" else filled(source, st, kind)
            entry = f"{folder}/{display}"
            zf.writestr(zipinfo(entry, DOWNLOADED), content)
            expected["moodle_files"][entry] = _expected_file(st, display, kind, None, 0, 1, assignment)
    with open(
        out / "moodle" / moodle_clean_filename(f"Grades-{COURSE}-{assignment}-{MOODLE_CMID}.csv"),
        "w",
        newline="",
        encoding="utf-8",
    ) as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "Identifier",
                "Full name",
                "Email address",
                "Status",
                "Grade",
                "Maximum grade",
                "Grade can be changed",
                "Last modified (submission)",
                "Last modified (grade)",
                "Feedback comments",
            ]
        )
        for st in students:
            if not st.on_roster:
                continue
            due = DUE + (st.extension or dt.timedelta())
            if st.submitted is None:
                status = "No submission - " + f"Overdue by: {moodle_format_time((DOWNLOADED - DUE).total_seconds())}"
            else:
                status = "Submitted for grading"
                if st.submitted > due:
                    status += f" - {moodle_format_time((st.submitted - due).total_seconds())} late"
            if st.extension:
                status += f" - Extension granted until: {moodle_userdate(due)}"
            w.writerow(
                [
                    f"Participant {participants[st.login]}",
                    st.name,
                    st.email,
                    status,
                    "",
                    "13.00",
                    "Yes",
                    moodle_userdate(st.submitted) if st.submitted else "-",
                    "-",
                    "",
                ]
            )

    with open(out / "extensions.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["assignment", "student", "extension", "reason"])
        for st in students:
            if st.extension:
                w.writerow([assignment, st.sis_user_id, f"{st.extension.days}d", "medical certificate"])
    with open(out / "deadlines.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["assignment", "due"])
        w.writerow([assignment, DUE.isoformat()])

    for st in students:
        due = DUE + (st.extension or dt.timedelta())
        seconds_late = max(0.0, (st.submitted - due).total_seconds()) if st.submitted else 0.0
        gradable = bool(st.files) and st.files[-1][1] in ("solution", "blank")
        expected["students"][st.sis_user_id or st.name] = {
            "name": st.name,
            "sortable_name": st.sortable,
            "canvas_id": st.canvas_id,
            "login": st.login,
            "email": st.email if st.login else "",
            "section": st.section,
            "on_roster": st.on_roster,
            "moodle_participant": participants[st.login or st.name],
            "scenario": st.scenario,
            "submitted_at": st.submitted.astimezone(UTC).isoformat() if st.submitted else None,
            "canvas_late_mark": canvas_late(st),
            "extension_days": st.extension.days if st.extension else 0,
            "seconds_late": seconds_late,
            "gradable_notebook": gradable,
            "unreadable": bool(st.files) and st.files[-1][1] == "corrupt",
            "answers": {k: v for k, v in st.answers.items()},
        }
    (out / "expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False), encoding="utf-8")
    return expected


def _expected_file(
    st: Student, display: str, kind: str, attachment: int | None, index: int, count: int, assignment: str
) -> dict:
    if not st.on_roster:
        outcome = "skipped: no student on the roster has this LMS id (Canvas's Test Student)"
    elif kind == "html":
        outcome = "skipped: an HTML export, not a notebook (the student is told to upload the .ipynb)"
    elif index < count - 1:
        outcome = "skipped: an older upload of the same notebook; the later one is collected"
    elif kind == "corrupt":
        outcome = "collected: unreadable (not valid JSON); graded 0 with feedback that says so"
    else:
        outcome = f"collected as {assignment}.ipynb" + (
            " (renamed from a Canvas resubmission name)" if "-1" in display else ""
        )
    return {
        "student": st.sis_user_id or st.name,
        "display_name": display,
        "attachment_id": attachment,
        "kind": kind,
        "outcome": outcome,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    expected = build(args.out, args.repo.resolve(), ASSIGNMENT)
    for entry, info in sorted(expected["canvas_files"].items()):
        print(f"canvas  {entry}\n        -> {info['outcome']}")
    for entry, info in sorted(expected["moodle_files"].items()):
        print(f"moodle  {entry}\n        -> {info['outcome']}")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


# --- what the LMS accepts, written from its source (for the tests' checks) ---------------------------


def canvas_import_accepts(header: list[str]) -> bool:
    """Canvas's GradebookImporter#header? (lib/gradebook_importer.rb): `Student` and `ID` first, then
    optionally `SIS User ID` *and* `SIS Login ID` (or `SIS Login ID` alone), and the last student
    column must be `Section`."""
    if not (len(header) > 3 and re.search("Student", header[0]) and re.search("ID", header[1])):
        return False
    columns = 3
    if re.search(r"SIS\s+Login\s+ID", header[2]):
        columns += 1
    elif re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3]):
        columns += 2
        if len(header) > 4 and re.search(r"Root\s+Account", header[4]):
            columns += 1
    return bool(re.search("Section", header[columns - 1]))


def canvas_feedback_ids(filename: str) -> tuple[str, str] | None:
    """AbstractAssignment#infer_comment_context_from_filename: the first two all-digit `_` parts of
    the file's base name are the user id and the attachment id."""
    parts = [p for p in PurePosixPath(filename).name.split("_") if p != "LATE"]
    digits = [p for p in parts if re.fullmatch(r"\d+", p)]
    return (digits[0], digits[1]) if len(digits) >= 2 else None


def moodle_feedback_participant(path: str) -> str | None:
    """assignfeedback_file_zip_importer#is_valid_filename_for_import (Moodle >= 4.1): the first path
    part that splits on `_` into at least 4 pieces with a numeric second piece and a known plugin."""
    for part in path.split("/"):
        info = part.split("_", 4)
        if (
            len(info) >= 4
            and info[1].isdigit()
            and f"{info[2]}_{info[3]}" in ("assignsubmission_file", "assignfeedback_file")
        ):
            return info[1]
    return None
