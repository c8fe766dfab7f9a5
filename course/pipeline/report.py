"""`course report`: an HTML grade report with item analysis.

For one assignment: the distribution of totals (a histogram with its text alternative), and per
question its difficulty (mean share of points earned) and discrimination (correlation between the
question's score and the rest of the student's total: near zero or negative flags a question that
does not separate stronger from weaker work), the answers chosen in quiz items (read from the
autograded notebooks) with the right one marked, the tests every student failed or passed, and the
problems the grader reported for each submission.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import jinja2
import nbformat
import numpy as np
import pandas as pd

from course.autograder.rebuild import ROLE_ANSWER, grade_id, role_of
from course.figures import OKABE_ITO, figure_html, new_figure
from course.paths import source_notebooks
from course.pipeline.export import question_scores


def item_analysis(scores: pd.DataFrame) -> pd.DataFrame:
    """One row per question: points, difficulty, discrimination, and how many earned full or zero."""
    table = scores.pivot_table(index="student", columns="question", values="score", aggfunc="sum").fillna(0.0)
    maxima = scores.groupby("question")["max_score"].first()
    totals = table.sum(axis=1)
    rows = []
    for question in table.columns:
        item, rest = table[question], totals - table[question]
        discrimination = float(np.corrcoef(item, rest)[0, 1]) if item.std() > 0 and rest.std() > 0 else float("nan")
        rows.append(
            {
                "question": question,
                "max_score": float(maxima[question]),
                "difficulty": float(item.mean() / maxima[question]) if maxima[question] else float("nan"),
                "discrimination": discrimination,
                "full_marks": int((item >= maxima[question]).sum()),
                "zero": int((item == 0).sum()),
                "students": len(item),
            }
        )
    return pd.DataFrame(rows).sort_values("question", ignore_index=True)


def _assigned_literal(source: str) -> tuple[str, object] | None:
    """(name, value) when a cell is a single assignment of a literal, e.g. `answer = "B"`."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):  # ValueError: a null byte, on some Python versions
        return None
    assigns = [
        n for n in tree.body if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
    ]
    if len(assigns) != 1:
        return None
    try:
        return assigns[0].targets[0].id, ast.literal_eval(assigns[0].value)
    except (ValueError, TypeError):  # TypeError: a literal Python cannot build, e.g. {[]: 1}
        return None


def quiz_answers(root: Path, assignment: str) -> pd.DataFrame:
    """Answers given to choice questions (answer cells whose solution assigns a short string)."""
    rows = []
    for template_path in source_notebooks(assignment, root):
        template = nbformat.read(template_path, as_version=4)
        keys = {}
        for cell in template.cells:
            if role_of(cell) == ROLE_ANSWER:
                body = cell.source.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", "")
                parsed = _assigned_literal(body)
                if parsed and isinstance(parsed[1], str) and len(parsed[1]) <= 20:
                    keys[grade_id(cell)] = parsed
        for graded in sorted((root / "autograded").glob(f"*/{assignment}/{template_path.name}")):
            student = graded.parent.parent.name
            try:
                cells = nbformat.read(graded, as_version=4).cells
            except Exception:
                continue
            for cell in cells:
                gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                if gid in keys:
                    parsed = _assigned_literal(cell.source)
                    chosen = parsed[1] if parsed and parsed[0] == keys[gid][0] else "(no valid answer)"
                    rows.append(
                        {
                            "question": gid,
                            "variable": keys[gid][0],
                            "student": student,
                            "answer": str(chosen),
                            "correct": str(chosen) == keys[gid][1],
                        }
                    )
    return pd.DataFrame(rows, columns=["question", "variable", "student", "answer", "correct"])


def _histogram_html(totals: pd.Series, maximum: float) -> str:
    fig, ax = new_figure(6.5, 2.8, left=0.1, bottom=0.18, top=0.9)
    bins = np.linspace(0, maximum, min(11, int(maximum) + 1) if maximum >= 1 else 2)
    ax.hist(totals, bins=bins, color=OKABE_ITO["blue"], edgecolor="white")
    ax.set_xlabel(f"automatic score (out of {maximum:g})")
    ax.set_ylabel("students")
    alt = (
        f"Automatic scores of {len(totals)} students out of {maximum:g}: median {totals.median():g}, "
        f"lowest {totals.min():g}, highest {totals.max():g}."
    )
    table = totals.rename("automatic score").reset_index()
    return figure_html(fig, alt, table)


def _problems(root: Path, assignment: str) -> dict[str, list[str]]:
    """The problems the grader recorded, by student (from each grading-report.json)."""
    problems = {}
    for report_file in sorted((root / "autograded").glob(f"*/{assignment}/grading-report.json")):
        listed = json.loads(report_file.read_text()).get("problems", [])
        if listed:
            problems[report_file.parent.parent.name] = listed
    return problems


_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("course.pipeline", "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True
)


def build_report(root: Path, assignment: str, db_url: str | None = None) -> str:
    """The report as one self-contained HTML page (figures inlined)."""
    template = _TEMPLATES.get_template("report.html.j2")
    scores = question_scores(root, db_url, assignment)
    if scores.empty:
        return template.render(assignment=assignment, graded=0)
    auto = scores[scores["kind"] == "auto"]
    totals = auto.groupby("student")["score"].sum()
    items = item_analysis(auto)
    quiz = quiz_answers(root, assignment)
    quiz_table = None
    if not quiz.empty:
        counts = quiz.groupby(["question", "answer", "correct"]).size().rename("students").reset_index()
        counts["answer"] = counts.apply(lambda r: f"{r['answer']} (right)" if r["correct"] else r["answer"], axis=1)
        quiz_table = counts[["question", "answer", "students"]].to_html(index=False, border=0)
    return template.render(
        assignment=assignment,
        graded=len(totals),
        manual_open=int(scores["needs_manual_grade"].sum()),
        histogram=_histogram_html(totals, float(auto.groupby("question")["max_score"].first().sum())),
        items=items.to_html(index=False, float_format=lambda v: f"{v:.2f}", na_rep="n/a", border=0),
        never=items.loc[items["full_marks"] == 0, "question"].tolist(),
        always=items.loc[items["zero"] == 0, "question"].tolist(),
        quiz=quiz_table,
        problems=_problems(root, assignment),
    )
