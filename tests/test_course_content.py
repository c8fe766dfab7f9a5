"""Does every module have the shape the course promises, and does every fact it cites exist in data/?"""

from __future__ import annotations

import re
import subprocess
import sys

import nbformat
import pytest

from course import data
from course.paths import assignments, course_root

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
    result = subprocess.run(
        [sys.executable, "-c", "import scripts.export_rubrics as e; print(e.render(), end='')"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert (ROOT / "docs" / "rubrics.md").read_text(encoding="utf-8") == result.stdout, (
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
