"""`course report`: an HTML grade report that says what to teach again.

For one assignment:

- who is counted: submissions that could not be read, and blank ones (no answer changed from what
  was released), are non-attempts. They are listed and counted, and left out of every statistic:
  a blank submission scores zero on every question and would make each question look like it
  separates strong from weak students when it only separates submitters from non-submitters;
- the distribution of totals (raw, and after late penalties);
- per question, automatic and written alike: difficulty (mean share of points earned) and
  discrimination (the correlation between the question's score and the rest of the total; near
  zero or negative flags a question that does not separate stronger from weaker work), over the
  students who attempted that question; written answers not yet graded by hand are counted as
  such, not as zero;
- per exercise, what the hidden tests said: how often each near-miss message fired (the mistakes
  the course's tests recognise, e.g. "you counted both summit days") and the most common wrong
  answers, read from the test cells' error outputs in the autograded notebooks;
- the answers chosen in quiz items, and the problems the grader reported.
"""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from pathlib import Path

import jinja2
import nbformat
import numpy as np
import pandas as pd

from course.autograder.rebuild import ROLE_ANSWER, ROLE_TEST, grade_id, role_of
from course.checks import NOT_EXPECTED, NOT_RIGHT, NOT_YET
from course.figures import OKABE_ITO, figure_html, new_figure
from course.paths import source_notebooks
from course.pipeline.answers import answer_cells, attempted
from course.pipeline.export import assignment_totals, question_scores
from course.pipeline.gradebook import open_gradebook

# The messages of course.checks.expect_equal / expect_close, read back from graded notebooks:
#   "Not yet: days is the number 30, which is not right: <why>\nHint: ..."   a recognised near miss
#   "Not yet: days is not right: <why>"                                    a hidden test's ready-made near miss
#   "Not yet: days is the number 12, which is not the expected answer."    a wrong answer
# course.checks names these words once (NOT_YET, NOT_RIGHT, NOT_EXPECTED).
_HINT = r"(?:\nHint: .*)?$"
NEAR_MISS = re.compile(
    rf"^{re.escape(NOT_YET)}(?P<name>\S+) (?:is (?P<got>.+?), )?(?:{re.escape(NOT_RIGHT)}|is not right: )"
    rf"(?P<why>.+?){_HINT}",
    re.S,
)
WRONG_ANSWER = re.compile(
    rf"^{re.escape(NOT_YET)}(?P<name>\S+) is (?P<got>.+?), {re.escape(NOT_EXPECTED)}{_HINT}", re.S
)


def classify_failure(ename: str, evalue: str) -> tuple[str, str]:
    """(kind, detail) of a failed test: near miss, wrong answer, form problem, missing, or error."""
    evalue = (evalue or "").strip()
    if ename == "NameError":
        return "missing", "the answer's variable was never defined"
    near = NEAR_MISS.match(evalue)
    if near:
        return "near miss", near["why"].strip()
    wrong = WRONG_ANSWER.match(evalue)
    if wrong:
        return "wrong answer", wrong["got"].strip()
    if ename in ("FeedbackError", "AssertionError"):
        return "form", evalue.splitlines()[0].removeprefix(NOT_YET) if evalue else ename
    return "error", ename or "error"


def test_outcomes(notebook: nbformat.NotebookNode) -> dict[str, tuple[str, str]]:
    """Test grade id -> (kind, detail) of its failure, for the failed tests of a graded notebook."""
    found = {}
    for cell in notebook.cells:
        if role_of(cell) != ROLE_TEST:
            continue
        error = next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)
        if error is not None:
            found[grade_id(cell)] = classify_failure(error.get("ename", ""), error.get("evalue", ""))
    return found


def _grading_report(root: Path, student: str, assignment: str) -> dict:
    path = root / "autograded" / student / assignment / "grading-report.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def attempts(root: Path, assignment: str, db_url: str | None = None) -> tuple[dict, dict[str, dict[str, bool]], dict]:
    """(status per student: 'attempted' | 'blank' | 'unreadable', per student which items they
    attempted, per student the failures of their tests)."""
    with open_gradebook(root, db_url) as gb:
        record = gb.find_assignment(assignment)
        released = {nb.name + ".ipynb": {c.name: c.checksum for c in nb.source_cells} for nb in record.notebooks}
        students = [s.student.id for s in record.submissions]
    status, items, failures = {}, {}, {}
    for student in students:
        report = _grading_report(root, student, assignment)
        touched: dict[str, bool] = {}
        fails: dict[str, tuple[str, str]] = {}
        for name, checksums in released.items():
            path = root / "autograded" / student / assignment / name
            try:
                notebook = nbformat.read(path, as_version=4)
            except Exception:
                continue
            for gid, cells in answer_cells(notebook).items():
                touched[gid] = attempted(cells, checksums)
            fails.update(test_outcomes(notebook))
        if report.get("unreadable"):
            status[student] = "unreadable"
        elif not any(touched.values()):
            status[student] = "blank"
        else:
            status[student] = "attempted"
        items[student], failures[student] = touched, fails
    return status, items, failures


def item_analysis(scores: pd.DataFrame, touched: dict[str, dict[str, bool]] | None = None) -> pd.DataFrame:
    """One row per question: points, how many attempted it, difficulty, discrimination, full and zero.

    `scores` holds the counted submissions; a question a student did not attempt (per `touched`) and
    a written answer not yet graded by hand are left out of that question's statistics."""
    graded = scores[~scores["needs_manual_grade"]]
    table = scores.pivot_table(index="student", columns="question", values="score", aggfunc="sum").fillna(0.0)
    maxima = scores.groupby("question")["max_score"].first()
    totals = table.sum(axis=1)
    rows = []
    for question in table.columns:
        students = set(graded.loc[graded["question"] == question, "student"])
        ungraded = int(((scores["question"] == question) & scores["needs_manual_grade"]).sum())
        if touched is not None:
            left_blank = {s for s in students if not touched.get(s, {}).get(question, True)}
            students -= left_blank
        else:
            left_blank = set()
        who = sorted(students)
        item, rest = table.loc[who, question], totals.loc[who] - table.loc[who, question]
        discrimination = (
            float(np.corrcoef(item, rest)[0, 1]) if len(who) > 2 and item.std() > 0 and rest.std() > 0 else float("nan")
        )
        rows.append(
            {
                "question": question,
                "kind": scores.loc[scores["question"] == question, "kind"].iloc[0],
                "max_score": float(maxima[question]),
                "attempted": len(who),
                "not_attempted": len(left_blank),
                "not_yet_graded": ungraded,
                "difficulty": float(item.mean() / maxima[question]) if maxima[question] and who else float("nan"),
                "discrimination": discrimination,
                "full_marks": int((item >= maxima[question]).sum()),
                "zero": int((item == 0).sum()),
            }
        )
    return pd.DataFrame(rows).sort_values("question", ignore_index=True)


def mistake_tables(failures: dict[str, dict[str, tuple[str, str]]], counted: set[str]) -> dict[str, dict]:
    """Per test: how often each near-miss message fired, the most common wrong answers, form problems."""
    tables: dict[str, dict] = {}
    for student, fails in failures.items():
        if student not in counted:
            continue
        for gid, (kind, detail) in fails.items():
            entry = tables.setdefault(
                gid,
                {
                    "near miss": Counter(),
                    "wrong answer": Counter(),
                    "form": Counter(),
                    "missing": 0,
                    "error": Counter(),
                },
            )
            if kind == "missing":
                entry["missing"] += 1
            else:
                entry[kind][detail] += 1
    return dict(sorted(tables.items()))


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


def quiz_answers(root: Path, assignment: str, counted: set[str] | None = None) -> pd.DataFrame:
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
            if counted is not None and student not in counted:
                continue
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


def _histogram_html(totals: pd.Series, maximum: float, what: str) -> str:
    fig, ax = new_figure(6.5, 2.8, left=0.1, bottom=0.18, top=0.9)
    bins = np.linspace(0, maximum, min(11, int(maximum) + 1) if maximum >= 1 else 2)
    ax.hist(totals, bins=bins, color=OKABE_ITO["blue"], edgecolor="white")
    ax.set_xlabel(f"{what} (out of {maximum:g})")
    ax.set_ylabel("students")
    alt = (
        f"{what.capitalize()} of {len(totals)} students out of {maximum:g}: median {totals.median():g}, "
        f"lowest {totals.min():g}, highest {totals.max():g}."
    )
    table = totals.rename(what).reset_index()
    return figure_html(fig, alt, table)


_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("course.pipeline", "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True
)


def build_report(root: Path, assignment: str, db_url: str | None = None) -> str:
    """The report as one self-contained HTML page (figures inlined)."""
    template = _TEMPLATES.get_template("report.html.j2")
    scores = question_scores(root, db_url, assignment)
    if scores.empty:
        return template.render(assignment=assignment, graded=0)
    status, touched, failures = attempts(root, assignment, db_url)
    counted = {s for s, st in status.items() if st == "attempted"}
    kept = scores[scores["student"].isin(counted)]
    problems = {s: r["problems"] for s in status if (r := _grading_report(root, s, assignment)).get("problems")}
    context = {
        "assignment": assignment,
        "graded": len(status),
        "counted": len(counted),
        "blank": sorted(s for s, st in status.items() if st == "blank"),
        "unreadable": sorted(s for s, st in status.items() if st == "unreadable"),
        "manual_open": int(scores["needs_manual_grade"].sum()),
        "problems": problems,
    }
    if kept.empty:
        return template.render(**context)
    maximum = float(kept.groupby("question")["max_score"].first().sum())
    raw = kept.groupby("student")["score"].sum()
    # penalties as `course export` computes them: nbgrader's plugin on the current scores
    penalties = pd.Series({t.student: t.penalty for t in assignment_totals(root, assignment, db_url)}).reindex(
        raw.index
    )
    penalties = penalties.fillna(0.0)
    net = (raw - penalties).clip(lower=0)
    auto = kept[kept["kind"] == "auto"]
    items = item_analysis(kept, touched)
    quiz = quiz_answers(root, assignment, counted)
    quiz_table = None
    if not quiz.empty:
        counts = quiz.groupby(["question", "answer", "correct"]).size().rename("students").reset_index()
        counts["answer"] = counts.apply(lambda r: f"{r['answer']} (right)" if r["correct"] else r["answer"], axis=1)
        quiz_table = counts[["question", "answer", "students"]].to_html(index=False, border=0)
    mistakes = mistake_tables(failures, counted)
    return template.render(
        **context,
        histogram=_histogram_html(raw, maximum, "total score"),
        late=[(s, raw[s], penalties.get(s, 0.0), net[s]) for s in raw.index if penalties.get(s, 0.0)],
        auto_points=float(auto.groupby("question")["max_score"].first().sum()),
        totals=(raw.mean(), net.mean(), maximum),
        items=items.to_html(index=False, float_format=lambda v: f"{v:.2f}", na_rep="n/a", border=0),
        never=items.loc[(items["full_marks"] == 0) & (items["attempted"] > 0), "question"].tolist(),
        always=items.loc[(items["zero"] == 0) & (items["attempted"] > 0), "question"].tolist(),
        quiz=quiz_table,
        mistakes=mistakes,
    )
