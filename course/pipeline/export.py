"""`course export`: grades out of the gradebook, per question or back to the LMS.

Formats:
- `questions` (default): one row per student and question, with the submission's time, where the
  time came from, due date, extension, seconds late and the notebook's late penalty;
- `totals`: one row per roster student and assignment, as `nbgrader export` gives (raw score,
  penalty, score), with lateness and what still needs grading;
- `canvas`: the CSV Canvas's gradebook import accepts (see course.pipeline.lms), best made from the
  Canvas gradebook export the roster came from (`--canvas-export`), so rows, the column title with
  its Canvas id and the points possible are Canvas's own;
- `moodle`: the downloaded Moodle grading worksheet (`--worksheet`) with `Grade` filled in, every
  other cell as downloaded, ready for "Upload grading worksheet".

A total is what the student earned: every question's score (a hand-given score wins over the
automatic one, extra credit added) minus the late penalty. The penalty is computed with nbgrader's
own plugin on the current scores, so a late student hand-graded after `course grade` is penalised
on the hand-graded score (nbgrader keeps the penalty it computed at autograde time; `course export`
and `course feedback` write the recomputed value back and say when it changed).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from course.errors import UsageError
from course.pipeline.collect import read_collect_record
from course.pipeline.deadlines import notebook_penalty
from course.pipeline.gradebook import find_released, open_gradebook
from course.pipeline.lms import (
    canvas_grades_csv,
    read_canvas_gradebook,
    read_moodle_worksheet,
)
from course.pipeline.results import course_late_plugin
from course.pipeline.roster import Person, load_roster

COLUMNS = [
    "assignment",
    "student",
    "notebook",
    "question",
    "kind",
    "score",
    "max_score",
    "auto_score",
    "manual_score",
    "extra_credit",
    "needs_manual_grade",
    "submitted_at",
    "time_source",
    "due",
    "extension_seconds",
    "seconds_late",
    "notebook_late_penalty",
]
TOTAL_COLUMNS = [
    "assignment",
    "student",
    "last_name",
    "first_name",
    "email",
    "lms_user_id",
    "submitted_at",
    "time_source",
    "due",
    "extension_seconds",
    "seconds_late",
    "raw_score",
    "late_penalty",
    "score",
    "max_score",
    "needs_manual_grade",
    "unreadable",
]


def _time_source(root: Path, student: str, assignment: str) -> str:
    for step in ("submitted", "autograded"):
        record = read_collect_record(root / step / student / assignment)
        if record:
            return record.get("time_source", "")
    return ""


def _grading_report(root: Path, student: str, assignment: str) -> dict:
    path = root / "autograded" / student / assignment / "grading-report.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def refresh_penalties(root: Path, assignment: str, db_url: str | None = None) -> list[str]:
    """Recompute every late penalty of `assignment` on the current scores, write it to the
    gradebook, and say which changed (scores given by hand after `course grade`)."""
    plugin = course_late_plugin(root)
    changed = []
    with open_gradebook(root, db_url) as gb:
        for submission in find_released(gb, assignment).submissions:
            seconds_late = submission.total_seconds_late
            for notebook in submission.notebooks:
                gb.db.refresh(notebook)
                penalty = notebook_penalty(plugin, submission.student.id, notebook.score, seconds_late)
                stored = notebook.late_submission_penalty or 0
                if (penalty or 0) != stored:
                    changed.append(
                        f"{submission.student.id} {notebook.name}: late penalty {stored:g} -> {penalty or 0:g} "
                        f"(recomputed on the current score {notebook.score:g})"
                    )
                notebook.late_submission_penalty = penalty
        gb.db.commit()
    return changed


def question_scores(root: Path, db_url: str | None = None, assignment: str | None = None) -> pd.DataFrame:
    """Every grade in the gradebook (optionally of one assignment), one row per student and question."""
    rows = []
    with open_gradebook(root, db_url) as gb:
        assignments = [find_released(gb, assignment)] if assignment else gb.assignments
        for record in assignments:
            for submission in record.submissions:
                student = submission.student.id
                source = _time_source(root, student, record.name)
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        rows.append(
                            {
                                "assignment": record.name,
                                "student": student,
                                "notebook": notebook.name,
                                "question": grade.name,
                                "kind": "auto" if grade.cell.cell_type == "code" else "manual",
                                "score": grade.score,
                                "max_score": grade.max_score,
                                "auto_score": grade.auto_score,
                                "manual_score": grade.manual_score,
                                "extra_credit": grade.extra_credit,
                                "needs_manual_grade": bool(grade.needs_manual_grade),
                                "submitted_at": submission.timestamp.isoformat() if submission.timestamp else "",
                                "time_source": source,
                                "due": submission.duedate.isoformat() if submission.duedate else "",
                                "extension_seconds": submission.extension.total_seconds()
                                if submission.extension
                                else 0,
                                "seconds_late": submission.total_seconds_late,
                                "notebook_late_penalty": notebook.late_submission_penalty or 0.0,
                            }
                        )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.sort_values(["assignment", "student", "notebook", "question"], ignore_index=True)


@dataclass
class Total:
    student: str
    person: Person
    submitted: bool
    raw: float = 0.0
    penalty: float = 0.0
    max_score: float = 0.0
    submitted_at: str = ""
    time_source: str = ""
    due: str = ""
    extension_seconds: float = 0.0
    seconds_late: float = 0.0
    ungraded: list[str] = field(default_factory=list)
    unreadable: bool = False

    @property
    def net(self) -> float:
        return max(0.0, self.raw - self.penalty)


def assignment_totals(root: Path, assignment: str, db_url: str | None = None) -> list[Total]:
    """One total per student of the roster and the gradebook (with or without a submission)."""
    plugin = course_late_plugin(root)
    roster = load_roster(root)
    totals: dict[str, Total] = {}
    with open_gradebook(root, db_url) as gb:
        record = find_released(gb, assignment)
        maximum = float(record.max_score)
        for student in gb.students:
            person = roster.by_id(student.id) or Person(
                id=student.id,
                first_name=student.first_name or "",
                last_name=student.last_name or "",
                email=student.email or "",
                lms_user_id=student.lms_user_id or "",
            )
            totals[student.id] = Total(student.id, person, False, max_score=maximum)
        for person in roster.people:
            totals.setdefault(person.id, Total(person.id, person, False, max_score=maximum))
        for submission in record.submissions:
            total = totals[submission.student.id]
            total.submitted = True
            seconds_late = submission.total_seconds_late
            for notebook in submission.notebooks:
                gb.db.refresh(notebook)
                total.raw += float(notebook.score)
                total.penalty += notebook_penalty(plugin, total.student, notebook.score, seconds_late) or 0.0
                total.ungraded += [f"{notebook.name}/{g.name}" for g in notebook.grades if g.needs_manual_grade]
            total.submitted_at = submission.timestamp.isoformat() if submission.timestamp else ""
            total.due = submission.duedate.isoformat() if submission.duedate else ""
            total.extension_seconds = submission.extension.total_seconds() if submission.extension else 0.0
            total.seconds_late = seconds_late
            total.time_source = _time_source(root, total.student, assignment)
            total.unreadable = bool(_grading_report(root, total.student, assignment).get("unreadable"))
    return sorted(
        totals.values(), key=lambda t: (t.person.last_name.casefold(), t.person.first_name.casefold(), t.student)
    )


def _refuse_ungraded(totals: list[Total], allow: bool) -> None:
    waiting = [t for t in totals if t.ungraded]
    if waiting and not allow:
        listed = "; ".join(f"{t.student}: {', '.join(t.ungraded)}" for t in waiting)
        raise UsageError(
            f"{len(waiting)} submission(s) still have answers to grade by hand ({listed}). Grade them in the "
            "formgrader (`course lab`), or pass --allow-ungraded to export what is there."
        )


def _lms_totals(root: Path, assignment: str, allow_ungraded: bool, db_url: str | None):
    """What both LMS files start from: penalties recomputed on the current scores (the lines saying
    which changed), every total (refused while answers wait for hand grading, unless allowed), the
    roster, and the totals by student id."""
    changed = refresh_penalties(root, assignment, db_url)
    totals = assignment_totals(root, assignment, db_url)
    _refuse_ungraded(totals, allow_ungraded)
    return changed, totals, load_roster(root), {t.student: t for t in totals}


def _value(total: Total, points: float, scale: bool, missing: str) -> str:
    if not total.submitted:
        return "0.00" if missing == "zero" else ""
    value = total.net
    if scale and total.max_score:
        value = value * points / total.max_score
    return f"{value:.2f}"


def _check_points(points: float, maximum: float, scale: bool, where: str) -> None:
    if abs(points - maximum) > 1e-9 and not scale:
        raise UsageError(
            f"{where} gives this assignment {points:g} points, the notebook {maximum:g}: pass --scale to scale "
            f"every total to {points:g}, or change the points in the LMS"
        )


@dataclass
class ExportSummary:
    target: Path
    rows: int
    lines: list[str] = field(default_factory=list)


def export_questions(
    root: Path, target: Path, db_url: str | None = None, assignment: str | None = None
) -> ExportSummary:
    changed = refresh_penalties(root, assignment, db_url) if assignment else []
    frame = question_scores(root, db_url, assignment)
    target.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(target, index=False, quoting=csv.QUOTE_MINIMAL)
    return ExportSummary(target, len(frame), changed)


def export_csv(root: Path, target: Path, db_url: str | None = None, assignment: str | None = None) -> int:
    return export_questions(root, target, db_url, assignment).rows


def export_totals(root: Path, target: Path, assignment: str, db_url: str | None = None) -> ExportSummary:
    changed = refresh_penalties(root, assignment, db_url)
    totals = assignment_totals(root, assignment, db_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(TOTAL_COLUMNS)
        for t in totals:
            writer.writerow(
                [
                    assignment,
                    t.student,
                    t.person.last_name,
                    t.person.first_name,
                    t.person.email,
                    t.person.lms_user_id,
                    t.submitted_at,
                    t.time_source,
                    t.due,
                    f"{t.extension_seconds:g}",
                    f"{t.seconds_late:g}",
                    f"{t.raw:g}" if t.submitted else "",
                    f"{t.penalty:g}" if t.submitted else "",
                    f"{t.net:g}" if t.submitted else "",
                    f"{t.max_score:g}",
                    len(t.ungraded),
                    t.unreadable,
                ]
            )
    return ExportSummary(target, len(totals), changed)


def export_canvas(
    root: Path,
    assignment: str,
    target: Path,
    canvas_export: Path | None = None,
    canvas_column: str | None = None,
    scale: bool = False,
    missing: str = "blank",
    allow_ungraded: bool = False,
    db_url: str | None = None,
) -> ExportSummary:
    """The CSV for Canvas's Grades → Import."""
    changed, totals, roster, by_student = _lms_totals(root, assignment, allow_ungraded, db_url)
    lines = list(changed)
    rows = []
    maximum = totals[0].max_score if totals else 0.0
    if canvas_export:
        book = read_canvas_gradebook(canvas_export)
        title = book.column_for(assignment, canvas_column)
        try:
            points = float(book.points.get(title, "") or maximum)
        except ValueError:
            raise UsageError(f"the Canvas export's Points Possible for {title!r} is not a number") from None
        _check_points(points, maximum, scale, "Canvas")
        exported = set()
        for record in book.rows:
            person = roster.by_lms_user_id(record["ID"].strip())
            total = by_student.get(person.id) if person else None
            value = _value(total, points, scale, missing) if total else ""
            if total:
                exported.add(total.student)
            else:
                lines.append(
                    f"not in this course's roster: Canvas user {record['ID']} ({record['Student']}), left blank"
                )
            rows.append(
                (
                    record["Student"],
                    record["ID"],
                    record.get("SIS User ID", ""),
                    record.get("SIS Login ID", ""),
                    record.get("Section", ""),
                    value,
                )
            )
        for total in totals:
            if total.student not in exported:
                lines.append(f"not in the Canvas export: {total.student} ({total.person.name}), not exported")
        points_text = book.points.get(title) or f"{points:.2f}"
    else:
        title, points = assignment, maximum
        for total in totals:
            p = total.person
            if not p.lms_user_id:
                lines.append(f"no Canvas user id: {total.student} ({p.name}), not exported (import the Canvas roster)")
                continue
            sortable = f"{p.last_name}, {p.first_name}" if p.first_name else p.last_name
            rows.append(
                (
                    sortable,
                    p.lms_user_id,
                    p.sis_user_id,
                    p.sis_login_id,
                    p.section,
                    _value(total, points, scale, missing),
                )
            )
        lines.append(
            f"the column is titled {title!r}: Canvas matches it to the assignment of that exact name, or creates "
            "a new one (give --canvas-export to use Canvas's own column)"
        )
        points_text = f"{points:.2f}"
    lines += _notes(totals)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(canvas_grades_csv(title, points_text, rows), encoding="utf-8")
    return ExportSummary(target, len(rows), lines)


def export_moodle(
    root: Path,
    assignment: str,
    target: Path,
    worksheet: Path,
    scale: bool = False,
    missing: str = "blank",
    allow_ungraded: bool = False,
    db_url: str | None = None,
) -> ExportSummary:
    """The downloaded Moodle grading worksheet, with `Grade` (and empty `Feedback comments`) filled in."""
    changed, totals, roster, by_student = _lms_totals(root, assignment, allow_ungraded, db_url)
    sheet = read_moodle_worksheet(worksheet)
    grade_col = sheet.column("Grade")
    max_col = sheet.header.index("Maximum grade") if "Maximum grade" in sheet.header else None
    comment_col = sheet.header.index("Feedback comments") if "Feedback comments" in sheet.header else None
    lines = list(changed)
    exported = set()
    for row in sheet.rows:
        row += [""] * (len(sheet.header) - len(row))
        record = dict(zip(sheet.header, row, strict=False))
        found = roster.match(Person(email=record.get("Email address", ""), first_name=record.get("Full name", "")))
        total = by_student.get(found[0].id) if found else None
        if total is None:
            lines.append(
                f"not in this course's roster: {record.get('Identifier')} ({record.get('Full name')}), left as it was"
            )
            continue
        exported.add(total.student)
        maximum = float(row[max_col]) if max_col is not None and row[max_col].strip() else total.max_score
        _check_points(maximum, total.max_score, scale, "Moodle")
        value = _value(total, maximum, scale, missing)
        if value:
            row[grade_col] = value
            if comment_col is not None and not row[comment_col].strip():
                row[comment_col] = _comment(total)
    for total in totals:
        if total.student not in exported:
            lines.append(f"not in the Moodle worksheet: {total.student} ({total.person.name}), not exported")
    lines += _notes(totals)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(sheet.to_csv(), encoding="utf-8")
    return ExportSummary(target, len(sheet.rows), lines)


def _comment(total: Total) -> str:
    text = f"{total.raw:g} of {total.max_score:g} points"
    if total.penalty:
        text += f", minus a late penalty of {total.penalty:g}: {total.net:g}"
    if total.unreadable:
        text += " (your notebook could not be read: see the feedback file)"
    return text + ". Details in the feedback file."


def _notes(totals: list[Total]) -> list[str]:
    notes = []
    for t in totals:
        if not t.submitted:
            notes.append(f"no submission: {t.student} ({t.person.name})")
        elif t.unreadable:
            notes.append(f"unreadable notebook: {t.student} ({t.person.name}) exported as {t.net:.2f}")
        if t.penalty:
            notes.append(f"late penalty: {t.student} ({t.person.name}) {t.raw:g} - {t.penalty:g} = {t.net:g}")
    return notes
