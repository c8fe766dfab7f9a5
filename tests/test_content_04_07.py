"""Modules 04-07 beyond the rules tests/test_course_content.py holds every module to: quotations of
other sources recorded verbatim in data rows; cited cycles; recaps that do not state a quiz's right
option; module 06's table of defaults. (The figures and dates their narrative states are checked with
every other module's, in tests/narrative_facts.py.)

Runs without a kernel: the answers for the recap check come from executing the setup and solution
cells in-process (widgets are not called).
"""

from __future__ import annotations

import ast
import re
from functools import cache

import nbformat
import pytest

from course import data
from course.analysis import CycleParameters
from course.paths import course_root

ROOT = course_root()
MODULES = ["04-ukraine-1991-96", "05-comparing-the-cases", "06-the-cycle", "07-hindsight"]
WIDGET_CALLS = ("arsenal_drawdown(", "comparison_matrix(", "cycle_simulator(", "timeline_explorer(", "multiple_choice(")


@cache
def _notebook(assignment: str) -> nbformat.NotebookNode:
    (path,) = sorted((ROOT / "notebooks" / assignment).glob("*.ipynb"))
    return nbformat.read(path, as_version=4)


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _cell(assignment: str, grade_id: str):
    return next(c for c in _notebook(assignment).cells if _meta(c).get("grade_id") == grade_id)


# --- the exercise rules ---------------------------------------------------------------------------


# --- quotations -----------------------------------------------------------------------------------


def _quotations(assignment: str) -> list[tuple[str, str]]:
    """(quotation, the text that follows it) for every double-quoted passage in markdown, code spans
    removed; a quotation may run over a line break."""
    found = []
    for cell in _notebook(assignment).cells:
        if cell.cell_type != "markdown":
            continue
        text = re.sub(r"\s+", " ", re.sub(r"`[^`]*`", "", cell.source))
        assert text.count('"') % 2 == 0, f"{assignment} {cell.id}: unbalanced quotation marks"
        found += [(m.group(1), text[m.end() : m.end() + 20]) for m in re.finditer(r'"([^"]+)"', text)]
    return found


@cache
def _recorded_text() -> str:
    """Every text field of the tables in which a source's own words are recorded."""
    parts = []
    for name, columns in {
        "events": ["title", "description", "notes"],
        "agreements": ["name", "legal_form", "key_terms", "legal_status_note"],
        "cycles": ["dprk_offer", "compensation_offered", "what_ended_it", "notes"],
        "claims": ["record"],
    }.items():
        table = data.load(name)
        parts += [str(v) for c in columns for v in table[c].dropna()]
    return "\n".join(parts)


@pytest.mark.parametrize("assignment", MODULES)
def test_quotations_are_verbatim_and_attributed_to_the_right_source(assignment):
    """A quotation of the article is a coded claim's `quote` (or part of one); any other quotation
    is recorded verbatim in a data row and is not attributed to the article."""
    quotes = [str(q) for q in data.load_claims()["quote"]]
    for quotation, after in _quotations(assignment):
        if any(quotation in q for q in quotes):
            continue
        assert quotation in _recorded_text(), f"{assignment}: {quotation!r} is neither a coded claim nor in a data row"
        assert "(Liang" not in after, f"{assignment}: {quotation!r} is not the article's wording"


@pytest.mark.parametrize("assignment", MODULES)
def test_cited_cycles_exist(assignment):
    cited = set(re.findall(r"\bCYC-\d{4}(?:-[A-Z]{2})?\b", "\n".join(c.source for c in _notebook(assignment).cells)))
    assert cited <= set(data.load_cycles()["cycle_id"]), cited - set(data.load_cycles()["cycle_id"])


# --- recaps do not give away the answers -----------------------------------------------------------


@cache
def _answers(assignment: str) -> dict[str, object]:
    """The solution's answers, from the setup and solution cells run in-process (no widgets)."""
    namespace: dict = {}
    cells = _notebook(assignment).cells
    answers, pending = {}, []
    for cell in cells:
        meta = _meta(cell)
        if cell.cell_type != "code" or meta.get("grade") or any(call in cell.source for call in WIDGET_CALLS):
            continue
        source = cell.source.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", "")
        exec(compile(source, f"{assignment}:{cell.id}", "exec"), namespace)
        if meta.get("solution"):
            pending += [
                t.id
                for node in ast.parse(source).body
                if isinstance(node, ast.Assign)
                for t in node.targets
                if isinstance(t, ast.Name)
            ]
    for cell in cells:
        if _meta(cell).get("grade") and cell.cell_type == "code":
            answers |= {name: namespace[name] for name in pending if re.search(rf"\b{name}\b", cell.source)}
    return answers


def _tokens(value) -> set[str]:
    """How an answer could be written in prose."""
    if isinstance(value, bool) or value is None:
        return set()
    if isinstance(value, dict):
        return set().union(*(_tokens(v) for v in value.values()))
    if isinstance(value, (list, tuple)):
        return set().union(*(_tokens(v) for v in value)) if value else set()
    if isinstance(value, str):
        return {value} if len(value) >= 3 else set()
    if isinstance(value, (int,)) or (hasattr(value, "is_integer") and float(value).is_integer()):
        n = int(value)
        return {str(n), f"{n:,}"} if abs(n) >= 10 else set()
    if isinstance(value, float) and 0 < abs(value) < 1:
        return {f"{value:.2f}", f"{value:.3f}", f"{value:.0%}", f"{value:.1%}", f"{100 * value:.0f} per cent"}
    return set()


def _quiz_answers(assignment: str) -> set[str]:
    """The text of the right option of each quiz."""
    texts = set()
    for cell in _notebook(assignment).cells:
        if "multiple_choice(" not in cell.source:
            continue
        call = ast.parse(cell.source).body[0].value
        name, options = ast.literal_eval(call.args[0]), ast.literal_eval(call.args[2])
        answer = _answers(assignment).get(name)
        if answer in options:
            texts.add(options[answer])
    return texts


@pytest.mark.parametrize("assignment", MODULES)
def test_the_recap_does_not_state_the_answers(assignment):
    recap = next(c.source for c in _notebook(assignment).cells if _meta(c).get("grade_id") == "recap")
    recap = recap.split("**Further reading**")[0]
    answers = _answers(assignment)
    assert answers, f"{assignment}: no answers found"
    for name, value in answers.items():
        for token in _tokens(value):
            assert not re.search(rf"(?<![\w.]){re.escape(token)}(?![\w])", recap), (
                f"{assignment}: the recap states {name} ({token})"
            )
    for text in _quiz_answers(assignment):
        assert text not in recap, f"{assignment}: the recap states a quiz answer: {text}"


def test_the_defaults_table_of_module_06_is_the_models():
    """The table of defaults in 06's assumptions cell states the values simulate_cycle uses."""
    text = _cell("06-the-cycle", "assumptions").source
    defaults = CycleParameters()
    rows = re.findall(r"^\| `(\w+)`(?:, `(\w+)`)? \| ([\d., ]+) \|", text, re.M)
    assert len(rows) >= 8
    for first, second, values in rows:
        names = [n for n in (first, second) if n]
        for name, value in zip(names, [v.strip() for v in values.split(",")], strict=True):
            assert float(value) == getattr(defaults, name), (
                f"06 states {name} = {value}; the model uses {getattr(defaults, name)}"
            )
