"""`course export`: one row per student and question, not only totals."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from course.pipeline.gradebook import find_released, open_gradebook

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
]


def question_scores(root: Path, db_url: str | None = None, assignment: str | None = None) -> pd.DataFrame:
    """Every grade in the gradebook (optionally of one assignment), one row per student and question."""
    rows = []
    with open_gradebook(root, db_url) as gb:
        assignments = [find_released(gb, assignment)] if assignment else gb.assignments
        for record in assignments:
            for submission in record.submissions:
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        rows.append(
                            {
                                "assignment": record.name,
                                "student": submission.student.id,
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
                            }
                        )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.sort_values(["assignment", "student", "notebook", "question"], ignore_index=True)


def export_csv(root: Path, target: Path, db_url: str | None = None, assignment: str | None = None) -> int:
    frame = question_scores(root, db_url, assignment)
    target.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(target, index=False, quoting=csv.QUOTE_MINIMAL)
    return len(frame)
