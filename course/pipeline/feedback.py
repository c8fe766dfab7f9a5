"""`course feedback`: HTML feedback for every graded submission, and a zip for the LMS.

The preprocessors that remove hidden tests, shorten test tracebacks and pad rubric tables are set
in nbgrader_config.py (course.pipeline.redact, course.pipeline.pagestyle), so plain
`nbgrader generate_feedback` does the same. A notebook that could not be read carries its
explanation as the first cell of its autograded copy (course.pipeline.unreadable), so the page
says so first.

`--zip canvas` names each page as Canvas's "Re-Upload Submissions" attaches it to the student's
submission: the download's own prefix with the user id and the attachment id of the file the
student uploaded (kept by `course collect`). `--zip moodle` puts each page in the student's
download folder (`<Full name>_<participant id>_assignsubmission_file/`), as Moodle's "Upload
multiple feedback files in a zip" expects; with `--worksheet` the folders come from the grading
worksheet, so it works whichever download the submissions were collected from.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from course.errors import UsageError
from course.nbgrader_run import run_nbgrader
from course.pipeline.collect import read_collect_record
from course.pipeline.export import refresh_penalties
from course.pipeline.lms import canvas_feedback_name, moodle_feedback_path, read_moodle_worksheet
from course.pipeline.ownership import give_back, sqlite_files
from course.pipeline.release import db_arguments
from course.pipeline.roster import Person, load_roster


def feedback(root: Path, assignment: str, db_url: str | None = None) -> tuple[Path, list[str]]:
    """Generate feedback/<student>/<assignment>/*.html for every autograded submission; return the
    folder and the late penalties that were recomputed on hand-given scores first."""
    from course.config import database_url

    changed = refresh_penalties(root, assignment, db_url)
    try:
        run_nbgrader(root, "generate_feedback", assignment, "--force", *db_arguments(root, db_url))
    finally:  # run as root: the pages (and a gradebook it made) stay the instructor's
        give_back(root, [*(root / "feedback").glob(f"*/{assignment}"), *sqlite_files(database_url(root, db_url))])
    return root / "feedback", changed


@dataclass
class ZipSummary:
    target: Path
    entries: dict[str, str] = field(default_factory=dict)  # student -> entry name
    left_out: list[str] = field(default_factory=list)


def feedback_zip(root: Path, assignment: str, lms: str, worksheet: Path | None = None) -> ZipSummary:
    """lms/<assignment>-<lms>-feedback.zip from feedback/<student>/<assignment>/*.html."""
    if lms not in ("canvas", "moodle"):
        raise UsageError(f"--zip takes canvas or moodle, not {lms!r}")
    pages = sorted((root / "feedback").glob(f"*/{assignment}/*.html"))
    if not pages:
        raise UsageError(
            f"no feedback for {assignment} in {root / 'feedback'}: run `course feedback {assignment}` first"
        )
    participants = _worksheet_participants(root, worksheet) if worksheet else {}
    summary = ZipSummary(root / "lms" / f"{assignment}-{lms}-feedback.zip")
    summary.target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(summary.target, "w", zipfile.ZIP_DEFLATED) as zf:
        for page in pages:
            student = page.parent.parent.name
            record = read_collect_record(root / "submitted" / student / assignment)
            lms_ids = record.get("lms", {})
            stem = page.stem
            if lms == "canvas":
                if not lms_ids.get("canvas_attachment_id"):
                    summary.left_out.append(
                        f"{student}: no Canvas attachment id recorded (not collected from a Canvas download): "
                        "upload this page by hand"
                    )
                    continue
                name = canvas_feedback_name(lms_ids["canvas_prefix"], lms_ids["canvas_attachment_id"], stem)
            elif student in participants:
                full_name, participant = participants[student]
                name = moodle_feedback_path(full_name, participant, stem)
            elif lms_ids.get("moodle_folder"):
                name = f"{lms_ids['moodle_folder'].rstrip('_')}/{stem}-feedback.html"
            else:
                summary.left_out.append(
                    f"{student}: not in the Moodle worksheet and not collected from a Moodle download: upload by hand"
                )
                continue
            zf.write(page, name)
            summary.entries[student] = name
    return summary


def _worksheet_participants(root: Path, worksheet: Path) -> dict[str, tuple[str, str]]:
    """Course student id -> (full name, participant id), through the roster."""
    roster = load_roster(root)
    sheet = read_moodle_worksheet(worksheet)
    found = {}
    for record in sheet.records():
        participant = sheet.participant(record.get("Identifier", ""))
        match = roster.match(Person(email=record.get("Email address", ""), first_name=record.get("Full name", "")))
        if participant and match:
            found[match[0].id] = (record.get("Full name", ""), participant)
    return found
