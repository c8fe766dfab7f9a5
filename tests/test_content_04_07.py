"""Modules 04-07 beyond the rules tests/test_course_content.py holds every module to: quotations of
other sources recorded verbatim in data rows; the facts the narrative states; cited cycles; recaps
that do not state a quiz's right option; module 06's table of defaults.

Runs without a kernel: the answers for the recap check come from executing the setup and solution
cells in-process (widgets are not called).
"""

from __future__ import annotations

import ast
import re
from functools import cache

import nbformat
import pandas as pd
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


def _markdown(assignment: str) -> str:
    return "\n".join(c.source for c in _notebook(assignment).cells if c.cell_type == "markdown")


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


# --- facts the narrative states -------------------------------------------------------------------


def _date(event_id: str) -> pd.Timestamp:
    return data.load_events().set_index("event_id").loc[event_id, "date"]


def _cycle_days(cycle_id: str) -> int:
    row = data.load_cycles().set_index("cycle_id").loc[cycle_id]
    return (_date(row["end_event_id"]) - _date(row["start_event_id"])).days


def _notes(observation_id: str) -> str:
    return str(data.load_arsenal().set_index("observation_id").loc[observation_id, "notes"])


def _month(event_id: str) -> str:
    return f"{_date(event_id):%B %Y}"


FACTS = [
    ("04-ukraine-1991-96", "By 1 June 1996 the last warheads", lambda: _date("UKR-24") == pd.Timestamp("1996-06-01")),
    ("04-ukraine-1991-96", "destroyed in October 2001", lambda: _month("UKR-27") == "October 2001"),
    (
        "04-ukraine-1991-96",
        "1,240 strategic warheads",
        lambda: "1,240" in data.load_arsenal().set_index("observation_id").loc["A-01", "notes"],
    ),
    (
        "04-ukraine-1991-96",
        "set 1 July 1992 as the deadline",
        lambda: "1 July 1992" in data.load_agreements().set_index("agreement_id").loc["alma-ata", "key_terms"],
    ),
    (
        "04-ukraine-1991-96",
        "all had gone on 7 May 1992 (`UKR-08`)",
        lambda: _date("UKR-08") == pd.Timestamp("1992-05-07"),
    ),
    (
        "04-ukraine-1991-96",
        "NPT accession on 5 December 1994",
        lambda: (
            data.load_agreements().set_index("agreement_id").loc["ukraine-npt-accession", "date"]
            == pd.Timestamp("1994-12-05")
        ),
    ),
    (
        "04-ukraine-1991-96",
        "to Russia in 1999-2000",
        lambda: (
            _date("UKR-33").year == 2000
            and "late 1999" in data.load_events().set_index("event_id").loc["UKR-33", "notes"]
        ),
    ),
    ("04-ukraine-1991-96", "In November 1993 the Rada ratified START I", lambda: _month("UKR-16") == "November 1993"),
    (
        "04-ukraine-1991-96",
        "**six** for the SS-19 and **ten** for the SS-24",
        lambda: _notes("A-10").startswith("Six warheads each") and _notes("A-14").startswith("Ten warheads each"),
    ),
    (
        "04-ukraine-1991-96",
        "Trilateral Statement was signed on 14 January 1994",
        lambda: _date("UKR-18") == pd.Timestamp("1994-01-14"),
    ),
    (
        "04-ukraine-1991-96",
        "the `budapest-memorandum` row lists all six paragraphs",
        lambda: (
            data.load_agreements()
            .set_index("agreement_id")
            .loc["budapest-memorandum", "key_terms"]
            .startswith("Six paragraphs")
        ),
    ),
    (
        "07-hindsight",
        "## Missile launches, 2012-2023",
        lambda: (data.load_missile_counts()["year"].min(), data.load_missile_counts()["year"].max()) == (2012, 2023),
    ),
    (
        "05-comparing-the-cases",
        "registered it with the UN in",
        lambda: (
            "registered with the UN in 2014"
            in data.load_agreements().set_index("agreement_id").loc["budapest-memorandum", "legal_form"]
        ),
    ),
    (
        "05-comparing-the-cases",
        "Belarus and\nKazakhstan also signed the Lisbon Protocol (`UKR-09`)",
        lambda: (
            {"BLR", "KAZ"}
            <= set(data.load_agreements().set_index("agreement_id").loc["lisbon-protocol", "parties"].split(";"))
        ),
    ),
    ("06-the-cycle", "`cycles` lists six", lambda: len(data.load_cycles()) == 6),
    (
        "06-the-cycle",
        "as\n   coded (five cycles)",
        lambda: (
            sum(
                "USA" in p
                for p in data.load_agreements()
                .set_index("agreement_id")
                .loc[data.load_cycles()["agreement_id"], "parties"]
            )
            == 5
        ),
    ),
    (
        "05-comparing-the-cases",
        "tested it six times, the last in September 2017 (CTX-05)",
        lambda: (data.load_nk_tests()["kind"] == "nuclear").sum() == 6 and _month("CTX-05") == "September 2017",
    ),
    (
        "06-the-cycle",
        "a whole capability in about 25 months, close to the time Ukraine's strategic warheads took",
        lambda: (
            round(1 / CycleParameters().step_size) == 25
            and abs((_date("UKR-24") - _date("UKR-29")).days / 30.4375 - 25) <= 25 * 0.1
        ),
    ),
    ("06-the-cycle", "about two setbacks a year", lambda: round(12 * CycleParameters().spoiler_chance) == 2),
    ("06-the-cycle", "| `rounds` | 36 | three years", lambda: CycleParameters().rounds == 36),
    ("06-the-cycle", "`rounds=120` (ten\n  years", lambda: True),
    ("06-the-cycle", "divided by 30.4375, the average length of a month", lambda: 365.25 / 12 == 30.4375),
    (
        "06-the-cycle",
        "`CYC-2007` begins four months later",
        lambda: round((_date("CTX-17") - _date("CTX-15")).days / 30.4375) == 4,
    ),
    (
        "06-the-cycle",
        "lasted from weeks (the Leap Day understanding, CYC-2012) to eight years (the Agreed\nFramework, CYC-1994)",
        lambda: _cycle_days("CYC-2012") < 60 and round(_cycle_days("CYC-1994") / 365.25) == 8,
    ),
    (
        "07-hindsight",
        "between 14 June and early July",
        lambda: (
            "between 14 June and about 6 July 2018" in data.load_events().set_index("event_id").loc["ART-01", "notes"]
        ),
    ),
    ("07-hindsight", "in Pyongyang in September 2018", lambda: _month("KOR-31") == "September 2018"),
    ("07-hindsight", "in Hanoi in February 2019", lambda: _month("KOR-32") == "February 2019"),
    ("07-hindsight", "at the DMZ in June 2019", lambda: _month("KOR-33") == "June 2019"),
    ("07-hindsight", "broke down in October\n2019", lambda: _month("KOR-42") == "October 2019"),
    ("07-hindsight", "liaison office in June 2020", lambda: _month("KOR-34") == "June 2020"),
    (
        "07-hindsight",
        "repudiation\nof the military agreement in 2023-24",
        lambda: {_date(e).year for e in ("KOR-44", "KOR-45", "KOR-48")} == {2023, 2024},
    ),
    (
        "07-hindsight",
        "at the turn of 2024",
        lambda: _month("KOR-46") == "December 2023" and _month("KOR-47") == "January 2024",
    ),
    ("07-hindsight", "On 16 June 2020 North Korea blew up", lambda: _date("KOR-34") == pd.Timestamp("2020-06-16")),
    (
        "07-hindsight",
        "dated **after 6 July 2018** (the latest the article can have been",
        lambda: "6 July" in data.load_events().set_index("event_id").loc["ART-01", "notes"],
    ),
    ("07-hindsight", "`KOR-47` (January 2024)", lambda: _month("KOR-47") == "January 2024"),
]


@pytest.mark.parametrize("assignment, text, holds", FACTS, ids=[f"{a[:2]}: {t[:40]}" for a, t, _ in FACTS])
def test_stated_facts_match_the_data(assignment, text, holds):
    everything = "\n".join(c.source for c in _notebook(assignment).cells)
    assert text in everything, f"{assignment} no longer says {text!r}: update FACTS"
    assert holds(), f"{assignment} says {text!r}, which the data no longer support"


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
