"""Does every module have the shape the course promises, and does every fact it cites exist in data/?

Issue 13 added checks on what the exercises test and on what the narrative says:
- what each auto-graded item tests (history, sources or mechanics: tests/exercise_kinds.py), the share
  of points that test history or sources, the items that join two tables, the coding questions;
- quotations attributed to the article are verbatim and coded in claims.csv (paraphrases are not
  quoted);
- no text after an exercise, and no visible test, states the exercise's answer, and every near miss
  of a hidden test can fire (both read from the solutions and hidden tests, run in this process by
  tests/notebook_run.py);
- counts and dates in the narrative agree with data/ (the checks are in tests/narrative_facts.py).
"""

from __future__ import annotations

import ast
import difflib
import itertools
import re

import nbformat
import numpy as np
import pandas as pd
import pytest

from course import data
from course.paths import assignments, course_root
from tests.article import ARTICLE_NAME, article_body, plain_text
from tests.exercise_kinds import CODING, HISTORY, JOINS, KINDS, MECHANICS, SOURCE
from tests.narrative_facts import NARRATIVE_FACTS, NOT_DATA
from tests.notebook_run import assigned_names, run_notebook, solution_region

ROOT = course_root()
MODULES = [a for a in assignments() if a != "00-orientation"]
ID_PATTERN = re.compile(r"\b(?:KOR|UKR|CTX|ART)-\d{2}\b|\bM18-\d{2}\b|\bC\d{2}\b")
SOURCE_PATTERN = re.compile(r"`([a-z0-9]+(?:-[a-z0-9]+)+)`")


def _notebook(assignment: str) -> nbformat.NotebookNode:
    (path,) = sorted((ROOT / "notebooks" / assignment).glob("*.ipynb"))
    return nbformat.read(path, as_version=4)


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def test_the_course_map_is_complete():
    assert assignments() == [
        "00-orientation",
        "01-reading-the-argument",
        "02-spring-2018",
        "03-crisis-management",
        "04-ukraine-1991-96",
        "05-comparing-the-cases",
        "06-the-cycle",
        "07-hindsight",
    ]


@pytest.mark.parametrize("assignment", assignments())
def test_front_matter_and_recap(assignment):
    nb = _notebook(assignment)
    first = nb.cells[0].source
    for label in ("**Outcomes**", "**Prerequisites**", "**Data**", "**Time**"):
        assert label in first, f"{assignment}: the first cell needs {label}"
    assert re.search(r"About \d+ minutes", first), f"{assignment}: give a time estimate"
    last = nb.cells[-1].source
    assert "## Recap" in last and "**Further reading**" in last, f"{assignment}: end with a recap and further reading"


@pytest.mark.parametrize("assignment", assignments())
def test_exercises(assignment):
    """At least four autograded tests with hidden parts, and a written answer with a rubric under it."""
    nb = _notebook(assignment)
    tests = [c for c in nb.cells if _meta(c).get("grade") and c.cell_type == "code"]
    assert len(tests) >= 4, f"{assignment}: {len(tests)} autograded test cells"
    assert all("### BEGIN HIDDEN TESTS" in c.source for c in tests), f"{assignment}: every test cell has hidden tests"
    written = [c for c in nb.cells if _meta(c).get("grade") and c.cell_type == "markdown"]
    assert written, f"{assignment}: needs a written answer graded by rubric"
    ids = [_meta(c).get("grade_id") for c in nb.cells]
    for cell in written:
        assert _meta(cell)["grade_id"].replace("-answer", "-rubric") in ids, f"{assignment}: rubric missing"


def test_rubrics_document_is_current():
    from scripts.export_rubrics import render

    assert (ROOT / "docs" / "rubrics.md").read_text(encoding="utf-8") == render(), (
        "docs/rubrics.md is stale: run python scripts/export_rubrics.py"
    )


@pytest.mark.parametrize("assignment", assignments())
def test_cited_ids_exist_in_the_data(assignment):
    """Every event, contact, claim and source id a notebook mentions is a row of data/."""
    known = (
        set(data.load_events()["event_id"])
        | set(data.load_meetings()["meeting_id"])
        | set(data.load_claims()["claim_id"])
    )
    sources = set(data.load_sources()["source_id"])
    text = "\n".join(c.source for c in _notebook(assignment).cells)
    missing = sorted(set(ID_PATTERN.findall(text)) - known)
    assert not missing, f"{assignment} cites ids that are not in data/: {missing}"
    cited_sources = {
        s for s in SOURCE_PATTERN.findall(text) if s in sources or re.fullmatch(r"[a-z]+-\d{4}.*|.*-\d{4}-\d{2}.*", s)
    }
    assert cited_sources <= sources, f"{assignment} cites unknown sources: {sorted(cited_sources - sources)}"


@pytest.mark.parametrize("assignment", MODULES)
def test_further_reading_cites_sources_from_the_data(assignment):
    last = _notebook(assignment).cells[-1].source
    reading = last.split("**Further reading**", 1)[1]
    cited = set(SOURCE_PATTERN.findall(reading))
    assert cited and cited <= set(data.load_sources()["source_id"]) | {"course/widgets/cycle.py", "data/claims.csv"}, (
        cited
    )


@pytest.mark.parametrize("assignment", assignments())
def test_article_quotations_are_short(assignment):
    """The article is copyrighted: quotations attributed to it stay short (at most about two sentences)."""
    text = "\n".join(c.source for c in _notebook(assignment).cells if c.cell_type == "markdown")
    for quote in re.findall(r'"([^"]{20,})"\s*\(Liang', text):
        assert len(quote.split()) <= 45, f"{assignment}: quotation too long ({len(quote.split())} words)"


# --- issue 13: exercises that test history ---------------------------------------------------------

# a join: pandas' merge/join, a membership test, a mapping, or a lookup by key through an index
JOIN_CALL = re.compile(r"\.(merge|join|isin|map|set_index)\(")


def _autograded_points(assignment: str) -> dict[str, float]:
    """grade_id -> points of every auto-graded test cell, as nbgrader will count them."""
    return {
        _meta(c)["grade_id"]: float(_meta(c)["points"])
        for c in _notebook(assignment).cells
        if c.cell_type == "code" and _meta(c).get("grade")
    }


def _declared(assignment: str) -> dict[str, str]:
    kinds = KINDS.get(assignment)
    if not kinds:
        pytest.skip(
            f"{assignment}: no exercise kinds declared yet in tests/exercise_kinds.py "
            "(issue 13: to be filled in with the revision of this module's exercises)"
        )
    return kinds


def test_every_module_has_an_entry_in_the_exercise_table():
    assert set(KINDS) == set(assignments()) == set(JOINS), "tests/exercise_kinds.py must list every module"
    assert set(CODING) == set(assignments()[2:]), "modules 02-07 each need a coding question (CODING)"


@pytest.mark.parametrize("assignment", assignments())
def test_every_autograded_item_is_classified(assignment):
    kinds = _declared(assignment)
    points = _autograded_points(assignment)
    assert set(kinds) == set(points), (
        f"{assignment}: classify exactly the auto-graded test cells {sorted(points)} in tests/exercise_kinds.py; "
        f"declared {sorted(kinds)}"
    )
    assert set(kinds.values()) <= {HISTORY, SOURCE, MECHANICS}


@pytest.mark.parametrize("assignment", assignments())
def test_at_least_half_the_points_test_history_or_sources(assignment):
    kinds = _declared(assignment)
    points = _autograded_points(assignment)
    judged = sum(p for grade_id, p in points.items() if kinds.get(grade_id) in (HISTORY, SOURCE))
    share = judged / sum(points.values())
    assert share >= 0.5, f"{assignment}: only {share:.0%} of the auto-graded points test history or sources"


def _solution_for(assignment: str, test_id: str) -> str:
    answer_id = test_id.removesuffix("-test") + "-answer"
    cells = [c for c in _notebook(assignment).cells if _meta(c).get("grade_id") == answer_id]
    assert len(cells) == 1, f"{assignment}: {test_id} needs its solution cell {answer_id}"
    return solution_region(cells[0].source)


@pytest.mark.parametrize("assignment", assignments())
def test_at_least_two_items_join_two_tables(assignment):
    """A declared join is real: the solution names both tables (variable or loader) and joins them."""
    _declared(assignment)
    joins = JOINS[assignment]
    assert len(joins) >= 2, f"{assignment}: at least two auto-graded items must join two tables"
    for test_id, tables in joins.items():
        assert test_id in _autograded_points(assignment), f"{assignment}: {test_id} is not an auto-graded item"
        solution = _solution_for(assignment, test_id)
        names = {n.id for n in ast.walk(ast.parse(solution)) if isinstance(n, ast.Name)}
        for table in tables:
            assert {table, f"load_{table}"} & names, f"{assignment} {test_id}: the solution does not use `{table}`"
        assert JOIN_CALL.search(solution), (
            f"{assignment} {test_id}: the solution does not join (merge, join, isin, map, or a lookup by key "
            "through set_index)"
        )


@pytest.mark.parametrize("assignment", assignments()[2:])
def test_one_item_questions_the_coding(assignment):
    test_id = CODING[assignment]
    if test_id is None:
        pytest.skip(f"{assignment}: no coding question declared yet in tests/exercise_kinds.py (CODING)")
    assert test_id in _autograded_points(assignment), f"{assignment}: {test_id} is not an auto-graded item"
    assert _declared(assignment)[test_id] == HISTORY, f"{assignment}: a coding question tests history"
    (text,) = [text for _, test, text, _ in _exercises(assignment) if _meta(test)["grade_id"] == test_id]
    assert "question the coding" in text.lower(), (
        f"{assignment}: say in {test_id}'s exercise that it questions the coding"
    )


# --- quotations of the article -------------------------------------------------------------------

# Page furniture, not the author's words: the article's title and the site's slogan may be quoted.
FURNITURE = (
    "Inter-Korean cooperation key for progress on the Peninsula",
    "Peer reviewed analysis from world leading experts",
)
QUOTED = re.compile(r'"((?:[^"\n]|\n(?!\n))+?)"|“([^”]+?)”')  # within one paragraph
ATTRIBUTION = re.compile(r"\b(article|author|Liang)\b", re.I)


def _quotations_attributed_to_the_article(text: str, body: str | None, quotes: list[str]):
    """(quotation, why it counts as the article's) for every double-quoted span in `text` that is
    followed by "(Liang", introduced in its sentence as the article's or author's words, or made of
    words that occur in the article (two words or more)."""
    text = re.sub(r"```.*?```|`[^`\n]*`", " ", text, flags=re.S)
    known = [body] if body else quotes
    for match in QUOTED.finditer(text):
        span = plain_text(match.group(1) or match.group(2))
        if span in FURNITURE:
            continue
        after = text[match.end() : match.end() + 8]
        before = re.split(r"(?<=[.!?|:])\s|\n\n", text[: match.start()])[-1]
        if "(Liang" in after:
            yield span, "followed by (Liang, 2018)"
        elif ATTRIBUTION.search(before):
            yield span, f"introduced as the article's words ({before.strip()[-60:]!r})"
        elif len(span.split()) >= 2 and any(span in k for k in known):
            yield span, "the article's words"
        elif body and _shares_wording(span, body) and _closest_wording(span, body) >= 0.85:
            yield span, "nearly the article's words"


def _bigrams(text: str) -> set[tuple[str, str]]:
    words = re.findall(r"[\w'-]+", text.lower())
    return set(itertools.pairwise(words))


def _shares_wording(span: str, body: str) -> bool:
    """Three words or more, at least half of whose word pairs occur in the article (a cheap first test)."""
    pairs = _bigrams(span)
    return len(span.split()) >= 3 and len(pairs & _bigrams(body)) >= len(pairs) / 2


def _closest_wording(span: str, body: str) -> float:
    """How close `span` comes to any passage of the article of the same number of words (0 to 1):
    a paraphrase that keeps most of the article's words is presented as a quotation."""
    words, size = body.lower().split(), len(span.split())
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(span.lower())  # the matcher indexes seq2 once; each passage is seq1
    best = 0.0
    for i in range(max(1, len(words) - size + 1)):
        matcher.set_seq1(" ".join(words[i : i + size]))
        if matcher.real_quick_ratio() > best and matcher.quick_ratio() > best:
            best = max(best, matcher.ratio())
    return best


def test_the_coded_quotations_are_verbatim_in_the_article():
    body = article_body()
    if body is None:
        pytest.skip(f"the article ({ARTICLE_NAME}) is not in a shared/article folder above the course: not checked")
    wrong = [q for q in data.load_claims()["quote"].astype(str) if plain_text(q) not in body]
    assert not wrong, f"claims.csv quotes that are not verbatim in the article: {wrong}"


@pytest.mark.parametrize("assignment", assignments())
def test_quotations_of_the_article_are_verbatim_and_coded(assignment):
    """A quotation attributed to the article is verbatim (each part around an ellipsis) and is a
    quotation the claims table codes; a paraphrase is never in quotation marks."""
    body = article_body()
    quotes = [plain_text(q) for q in data.load_claims()["quote"].astype(str)]
    text = "\n\n".join(c.source for c in _notebook(assignment).cells if c.cell_type == "markdown")
    problems = []
    for span, why in _quotations_attributed_to_the_article(text, body, quotes):
        for part in filter(None, (p.strip(" ,;") for p in re.split(r"…|\.\.\.", span))):
            if body is not None and part not in body:
                problems.append(f'"{part}" ({why}) is not verbatim in the article')
            elif not any(re.search(rf"(?<!\w){re.escape(part)}(?!\w)", q) for q in quotes):
                problems.append(f'"{part}" ({why}) is not in the `quote` column of claims.csv')
    known = KNOWN_QUOTATION_PROBLEMS.get(assignment, set())
    new = [p for p in problems if p not in known]
    assert not new, f"{assignment}:\n  " + "\n  ".join(new)
    fixed = known - set(problems) if body is not None else set()  # without the article, fewer are found
    assert not fixed, f"{assignment}: fixed, so remove from KNOWN_QUOTATION_PROBLEMS: {sorted(fixed)}"


# A problem that must stay for a while (a quotation awaiting its source, say) is listed here exactly, so
# any other problem still fails, and the test fails again once it is fixed until its line is deleted.
KNOWN_QUOTATION_PROBLEMS: dict[str, set[str]] = {}


# --- a student version never states the answers to its exercises; every near miss can fire ----------

FRACTION_WORDS = {0.25: "a quarter", 1 / 3: "a third", 0.5: "half", 2 / 3: "two thirds", 0.75: "three quarters"}
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


def _exercises(assignment: str):
    """(solution cell, test cell, the exercise's markdown, index of the test cell) for each auto-graded item."""
    cells = _notebook(assignment).cells
    found, text, solution = [], [], None
    for index, cell in enumerate(cells):
        meta = _meta(cell)
        if cell.cell_type == "markdown" and not meta.get("solution"):
            text.append(cell.source)
        elif meta.get("solution") and cell.cell_type == "code":
            solution = cell
        elif meta.get("grade") and cell.cell_type == "code":
            found.append((solution, cell, "\n".join(text), index))
            text, solution = [], None
    return found


def _answers(assignment: str, solution, exercise_text: str) -> dict:
    """The values of the names the exercise asks for (named in its text), as the solution computes them."""
    values = run_notebook(assignment).answers[_meta(solution)["grade_id"]]
    asked = set(re.findall(r"`(\w+)`", exercise_text))
    return {name: values[name] for name in assigned_names(solution_region(solution.source)) if name in asked}


def _states(text: str, value, options: list[str] | None = None) -> bool:
    """Does `text` state `value` (an answer) in one of the forms a reader would recognise?"""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, (int, np.integer)):
        if abs(int(value)) < 2:
            return False
        for match in re.finditer(rf"(?<![\w.,-]){int(value)}(?![\w-]|[.,]\d)", text):
            around = text[max(0, match.start() - 12) : match.end() + 12]
            if not re.search(rf"\d\s+({MONTHS})|({MONTHS})\s+\d", around):
                return True
        return False
    if isinstance(value, (float, np.floating)):
        forms = [f"{value:.2f}", f"{value:.3f}"]
        if 0 < value < 1:
            forms += [f"{100 * value:.0f}%", f"{100 * value:.1f}%", f"{100 * value:.0f} per cent"]
            forms += [words for share, words in FRACTION_WORDS.items() if abs(value - share) < 0.005]
        return any(re.search(rf"(?<![\w.]){re.escape(f)}(?!\d)", text, re.I) for f in forms)
    if isinstance(value, str):
        if re.fullmatch(r"[A-E]", value):
            return bool(re.search(rf"(?i:answer|option|choice|letter)\s*(?:is\s*)?\**[\"']?{value}\b", text))
        if not re.search(r"[\d-]", value) or len(value) < 4:
            return False  # an ordinary word: too common to tell
        forms = [re.escape(value)]
        if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):  # a date: also as words, "23 May" or "May 2018"
            date = pd.Timestamp(value)
            forms += [f"{date:%B %Y}"] if len(value) == 7 else [f"{date.day} {date:%B}"]
        present = re.search(rf"(?<![\w-])({'|'.join(forms)})(?![\w-])", text)
        others = [o for o in options or [] if o != value and o in text]
        return bool(present) and not others
    if isinstance(value, (list, tuple)):
        checkable = [v for v in value if isinstance(v, str) and re.search(r"[\d-]", v)]
        return len(checkable) >= 2 and all(re.search(rf"(?<![\w-]){re.escape(v)}(?![\w-])", text) for v in checkable)
    if isinstance(value, dict):
        for key, item in value.items():
            for match in re.finditer(re.escape(str(key)), text):
                if _states(text[match.end() : match.end() + 80], item):
                    return True
    return False


def test_the_answer_detector_recognises_stated_answers():
    """The check below can fail: these sentences state answers; the last ones do not."""
    assert _states("May 2018 was the busiest month.", "2018-05")
    assert _states("A quarter of their contacts were informal.", 0.25)
    assert _states("About 29% rest on a primary source.", 0.294)
    assert _states("It took 53 days.", 53)
    assert _states("The answer is B.", "B")
    assert _states("Trump answered KOR-15 and KOR-18.", ["KOR-15", "KOR-18"])
    assert _states('{"as_coded": "DPRK-USA"}', {"as_coded": "DPRK-USA"})
    assert _states("the busiest pair was DPRK-USA", "DPRK-USA", ["DPRK-ROK", "DPRK-USA"])
    assert not _states("compare DPRK-ROK with DPRK-USA", "DPRK-USA", ["DPRK-ROK", "DPRK-USA"])
    assert not _states("the summit of 12 June", 12)
    assert not _states("A verdict is a judgement.", "A")


def _option_list(test_source: str) -> list[str] | None:
    """The options of the visible test's expect_one_of(...) when they are written out as a list."""
    match = re.search(r"expect_one_of\([^\[]*?(\[[^\]]*\])", test_source.split("### BEGIN HIDDEN TESTS")[0])
    if not match:
        return None
    try:
        return [str(o) for o in ast.literal_eval(match.group(1))]
    except (ValueError, SyntaxError):  # a computed list, e.g. list(events["event_id"])
        return None


@pytest.mark.parametrize("assignment", assignments())
def test_no_later_text_states_an_exercise_answer(assignment):
    """The student version never gives away an answer: no markdown after an exercise (narrative, later
    exercises, recap) and no visible part of its own test states the value its solution computes."""
    cells = _notebook(assignment).cells
    leaks = []
    for solution, test_cell, exercise_text, index in _exercises(assignment):
        options = _option_list(test_cell.source)
        visible = re.sub(r"\[[^\]]*\]", "", test_cell.source.split("### BEGIN HIDDEN TESTS")[0])
        later = [c for c in cells[index + 1 :] if c.cell_type == "markdown" and not _meta(c).get("solution")]
        for name, value in _answers(assignment, solution, exercise_text).items():
            for cell in later:
                if _states(cell.source, value, options):
                    leaks.append(f"`{name}` = {value!r} is stated in the cell {_meta(cell).get('grade_id')}")
            if isinstance(value, str) and not re.fullmatch(r"[A-E]", value) and _states(visible, value):
                leaks.append(f"`{name}` = {value!r} is in the visible part of its test")
    known = KNOWN_ANSWER_LEAKS.get(assignment, set())
    assert not [x for x in leaks if x not in known], f"{assignment}:\n  " + "\n  ".join(leaks)
    fixed = known - set(leaks)
    assert not fixed, f"{assignment}: fixed, so remove from KNOWN_ANSWER_LEAKS: {sorted(fixed)}"


# A leak that must stay for a while is listed here exactly, so that anything else fails, and so that
# the test asks for the line's removal once it is fixed.
KNOWN_ANSWER_LEAKS: dict[str, set[str]] = {}


def _near_miss_literals(source: str) -> dict[int, int]:
    """Line span -> number of keys written in the near_misses dict (or `_near = {...}`) that starts
    there, for dict displays without ** unpacking."""
    counts = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                literal = keyword.arg == "near_misses" and isinstance(keyword.value, ast.Dict)
                if literal and None not in keyword.value.keys:
                    counts[(node.lineno, node.end_lineno)] = len(keyword.value.keys)
    return counts


def _is_near_item(target: ast.AST) -> bool:
    return isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id == "_near"


def _near_table_literals(source: str) -> list[int]:
    """How many entries each `_near = {...}` literal writes; nothing when `_near` is built up item by
    item (`_near[key] = ...`), whose final size the computed table itself shows."""
    tree = ast.parse(source)
    if any(isinstance(node, ast.Assign) and any(_is_near_item(t) for t in node.targets) for node in ast.walk(tree)):
        return []
    return [
        len(node.value.keys)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "_near" for t in node.targets)
        and isinstance(node.value, ast.Dict)
        and None not in node.value.keys
    ]


def _hashable(want):
    """The right answer in the form the `_near` tables use as keys: a list as a tuple, a dict as its
    sorted items, a table as the ids in its first column."""
    if isinstance(want, list):
        return tuple(want)
    if isinstance(want, dict):
        return tuple(sorted(want.items()))
    if isinstance(want, pd.DataFrame):
        return tuple(want.iloc[:, 0].astype(str))
    return want


@pytest.mark.parametrize("assignment", assignments())
def test_every_near_miss_can_fire(assignment):
    """A near miss equal to the right answer, or to another near miss, can never be the message a
    student sees: the hidden tests' tables are computed from the data, so check them as computed."""
    run = run_notebook(assignment)
    sources = {_meta(c).get("grade_id"): c.source for c in _notebook(assignment).cells}
    dead = []
    for call in run.calls:
        keys = list(call.near_misses)
        if call.function == "expect_close":
            same = [k for k in keys if abs(float(k) - float(call.expected)) <= call.tolerance]
            twins = [(a, b) for i, a in enumerate(keys) for b in keys[i + 1 :] if abs(a - b) <= call.tolerance]
        else:
            same, twins = [k for k in keys if k == call.expected], []
        if same or twins:
            dead.append(f"{call.cell} line {call.line}: near misses {same or twins} equal the answer or each other")
        for (first, last), written in _near_miss_literals(sources[call.cell]).items():
            if first <= call.line <= last and written != len(keys):
                dead.append(f"{call.cell} line {call.line}: {written} near misses written, {len(keys)} distinct")
    for test_id, tables in run.near_tables.items():
        written = _near_table_literals(sources[test_id])
        for near, want in tables:
            if _hashable(want) in near:
                dead.append(f"{test_id}: `_near` holds the right answer {want!r}")
            if written and len(near) not in written:
                dead.append(f"{test_id}: `_near` has {len(near)} distinct entries, {written} written")
    assert not dead, f"{assignment}:\n  " + "\n  ".join(dead)


# --- numbers and dates in the narrative ------------------------------------------------------------

NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred"
DATA_NOUNS = (
    "events?|claims?|contacts?|sources?|days?|weeks?|months?|years?|hours?|summits?|paragraphs?|times|meetings?|"
    "visits?|resolutions?|words|statements?|agreements?|tests?|launches|warheads|missiles|bombers|officials"
)
# A number after a letter and a hyphen is part of a name ("SS-24 missiles", "KOR-15 events"), not a count.
COUNT = re.compile(rf"(?<![A-Za-z]-)\b(\d[\d,.]*|{NUMBER_WORDS})\s+(?:[A-Za-z-]+\s+)?({DATA_NOUNS})\b", re.I)


def _without_code_and_quotations(text: str) -> str:
    return QUOTED.sub(" ", re.sub(r"`[^`\n]*`", " ", text))


def _narrative(assignment: str, leaving_out=()) -> str:
    """The student's markdown, without code spans and quotations (checked elsewhere), and without the
    phrases `leaving_out` (checked by NARRATIVE_FACTS or declared in NOT_DATA)."""
    text = _without_code_and_quotations(
        "\n\n".join(
            c.source for c in _notebook(assignment).cells if c.cell_type == "markdown" and not _meta(c).get("solution")
        )
    )
    for phrase in leaving_out:
        text = text.replace(_without_code_and_quotations(phrase), " ")
    return text


def test_every_module_has_an_entry_in_the_narrative_facts():
    assert set(NARRATIVE_FACTS) == set(NOT_DATA) == set(assignments()), (
        "tests/narrative_facts.py must list every module"
    )


def _checked_module(assignment: str) -> dict:
    if assignment not in NARRATIVE_FACTS:
        pytest.skip(f"{assignment}: numbers and dates in its narrative are not yet checked (NARRATIVE_FACTS)")
    return NARRATIVE_FACTS[assignment]


@pytest.mark.parametrize("assignment", assignments())
def test_numbers_in_the_narrative_agree_with_the_data(assignment):
    facts = _checked_module(assignment)
    text = "\n\n".join(c.source for c in _notebook(assignment).cells if c.cell_type == "markdown")
    for phrase, check in facts.items():
        assert phrase in text, f"{assignment}: the narrative no longer says {phrase!r}: update NARRATIVE_FACTS"
        verdict = check()
        assert verdict is not False, f"{assignment}: {phrase!r} no longer agrees with the data"


@pytest.mark.parametrize("assignment", assignments())
def test_every_count_in_the_narrative_is_checked(assignment):
    """A count of data ("12 contacts", "three times") in the narrative is in NARRATIVE_FACTS, or is
    declared to be about the exercise itself (NOT_DATA)."""
    facts = _checked_module(assignment)
    text = _narrative(assignment, leaving_out=[*facts, *NOT_DATA[assignment]])
    unchecked = [
        m.group(0)
        for m in COUNT.finditer(text)
        if not re.fullmatch(r"one|1|(19|20)\d\d,?", m.group(1), re.I)  # "one row", years such as "2018 summits"
    ]
    assert not unchecked, f"{assignment}: counts not checked against the data: {unchecked} (see NARRATIVE_FACTS)"


DATE = re.compile(rf"\b(\d{{1,2}})(?:[-–](\d{{1,2}}))?\s+({MONTHS})(?:\s+(\d{{4}}))?|\b({MONTHS})\s+(\d{{4}})")
DEFAULT_YEAR = {
    "00-orientation": 2018,
    "01-reading-the-argument": 2018,
    "02-spring-2018": 2018,
    "03-crisis-management": 2018,
    "07-hindsight": 2018,  # the year of the article
}


def _dates_in_the_data() -> tuple[set[pd.Timestamp], set[tuple[int, int]]]:
    days = set()
    for table, column in [
        ("events", "date"),
        ("meetings", "date"),
        ("sources", "published"),
        ("claims", "date"),
        ("agreements", "date"),
        ("arsenal", "date"),
        ("nk_tests", "date"),
    ]:
        days |= set(data.load(table)[column].dropna())
    return days, {(d.year, d.month) for d in days}


@pytest.mark.parametrize("assignment", assignments())
def test_dates_in_the_narrative_are_dates_of_the_record(assignment):
    """Every day (e.g. "24 May", "25-26 May 2018") the narrative names is the date of a row of data/,
    and every month it names holds one; a date without a year is in the module's year (DEFAULT_YEAR),
    and a module that spans many years gives the year with every date. A date in a phrase that
    NARRATIVE_FACTS checks (a deadline written in a row's key terms) is checked there."""
    facts = _checked_module(assignment)
    days, months = _dates_in_the_data()
    missing = []
    for match in DATE.finditer(_narrative(assignment, leaving_out=facts)):
        first, last, month, year, month_only, month_year = match.groups()
        if month_only:
            number = pd.Timestamp(f"1 {month_only} 2000").month
            if (int(month_year), number) not in months:
                missing.append(match.group(0))
            continue
        if not (year or assignment in DEFAULT_YEAR):
            missing.append(f"{match.group(0)} (give the year)")
            continue
        year = int(year or DEFAULT_YEAR[assignment])
        for day in filter(None, (first, last)):
            if pd.Timestamp(f"{day} {month} {year}") not in days:
                missing.append(match.group(0))
    assert not missing, f"{assignment}: dates not in data/: {missing}"


KOREAN_NAME = re.compile(r"\b(?:Kim|Choe|Ri|Cho|Chung|Moon|Suh|An|Yoon) [A-Z][a-z]+(?:-[a-z]+| [A-Z][a-z]+)")


@pytest.mark.parametrize("assignment", assignments())
def test_people_named_in_the_narrative_are_actors_of_the_data(assignment):
    """A Korean name in the narrative is spelt as in actors.csv (one romanisation, one person)."""
    _checked_module(assignment)
    names = set(data.load_actors()["name"].astype(str))
    unknown = sorted({m.group(0) for m in KOREAN_NAME.finditer(_narrative(assignment))} - names)
    assert not unknown, f"{assignment}: names not in actors.csv (or spelt differently): {unknown}"
