"""What each auto-graded exercise tests, declared by hand so that a test can hold the course to it.

Issue 13 asks that in every module at least half of the auto-graded points test history or source
criticism rather than pandas mechanics, that at least two auto-graded items per module join two
tables, and that each of modules 02-07 has one item that questions the coding. Whether an item
tests history is a judgement, so it is written down here, next to the exercise it describes, where a
reviewer can dispute it; tests/test_course_content.py computes the shares from the notebooks' own
nbgrader points and checks each declared join against the solution's code.

KINDS maps an assignment to {test cell grade_id: kind}. The kinds:

- "history": the answer depends on reading the record (descriptions, notes, the order of events, who
  said what) or on a historical judgement (which event an explanation rests on, whether a conclusion
  survives a recoding); a filter or a date difference alone does not get it.
- "source": the answer is a judgement about the evidence itself: the kind or viewpoint of a source,
  what a date's precision or an event's confidence says, what kind of text the article is, what a
  claim does and does not say.
- "mechanics": a computation whose question carries no evidential or historical judgement (a count,
  an interval, a table), however historical its subject.

JOINS maps an assignment to {test cell grade_id: (table, table)}: the exercise's solution must use
both tables, as the notebook's variables or loaders (`events`, `load_events`), and join them
(`merge`, `join`, `isin` or `map`). CODING maps an assignment to the test cell of its item that
questions the coding (the student recodes a row and checks whether a conclusion survives).

An assignment with an empty entry has not been classified yet; its tests are skipped with a message
saying so, never passed silently.
"""

from __future__ import annotations

HISTORY, SOURCE, MECHANICS = "history", "source", "mechanics"

KINDS: dict[str, dict[str, str]] = {
    "00-orientation": {
        "ex1-test": MECHANICS,  # count the Korea events of 2018
        "ex2-test": HISTORY,  # which statement Trump's letter answered (read the notes, mind the time zones)
        "ex3-test": SOURCE,  # share of the 2018 Korea events resting on a primary source
        "ex4-test": MECHANICS,  # the May crisis table with its sources' viewpoints
        "ex5-test": SOURCE,  # what a month precision and ART-01's notes say about the article's date
    },
    "01-reading-the-argument": {
        "ex1-test": MECHANICS,  # count the factual claims
        "ex2-test": SOURCE,  # share of factual verdicts resting on a primary source
        "ex3-test": SOURCE,  # factual claims checked against events of less than high confidence
        "ex4-test": SOURCE,  # classify sentences as factual, causal, normative, predictive
        "ex5-test": SOURCE,  # what kind of text the article is, despite the site's slogan
        "ex6-test": HISTORY,  # claims told out of the order in which their events happened
        "ex7-test": HISTORY,  # what the article does (not) say about when Punggye-ri was demolished
    },
    "02-spring-2018": {
        "ex1-test": MECHANICS,  # days from the envoys' meeting to the first summit
        "ex2-test": HISTORY,  # from which event "Within 24 hours" is accurate
        "ex3-test": MECHANICS,  # the US officials in the Libya-model events (a three-table join)
        "ex4-test": SOURCE,  # which Libya event we know from the speaker's own text
        "ex5-test": HISTORY,  # the order of the May crisis, from the notes where dates tie
        "ex6-test": HISTORY,  # recode KOR-16 in Washington time: does the order survive?
        "ex7-test": SOURCE,  # which record checks "These results convinced Washington"
    },
    "03-crisis-management": {
        "ex1-test": MECHANICS,  # busiest unordered pair of held contacts
        "ex2-test": HISTORY,  # the busiest pair under three coding rules, ties included
        "ex3-test": MECHANICS,  # US contacts in the crisis window
        "ex4-test": SOURCE,  # the channel of Kim's request, as the course codes it (read the notes)
        "ex5-test": MECHANICS,  # contacts in which neither lead was a head of state
        "ex6-test": SOURCE,  # contacts documented by a primary source, per pair
        "ex7-test": HISTORY,  # the event each rival explanation of 2018 rests on
    },
    "04-ukraine-1991-96": {
        "ex1-test": MECHANICS,
        "ex2-test": SOURCE,
        "ex3-test": MECHANICS,
        "ex4-test": HISTORY,
        "ex5-test": HISTORY,
        "ex6-test": HISTORY,
        "ex7-test": HISTORY,
    },
    "05-comparing-the-cases": {
        "ex1-test": MECHANICS,
        "ex2-test": SOURCE,
        "ex3-test": HISTORY,
        "ex4-test": HISTORY,
        "ex5-test": HISTORY,
        "ex6-test": HISTORY,
    },
    "06-the-cycle": {
        "ex1-test": MECHANICS,
        "ex2-test": MECHANICS,
        "ex3-test": MECHANICS,
        "ex4-test": MECHANICS,
        "ex5-test": HISTORY,
        "ex6-test": HISTORY,
        "ex7-test": HISTORY,
    },
    "07-hindsight": {
        "ex1-test": SOURCE,
        "ex2-test": HISTORY,
        "ex3-test": MECHANICS,
        "ex4-test": SOURCE,
        "ex5-test": SOURCE,
        "ex6-test": HISTORY,
    },
}

JOINS: dict[str, dict[str, tuple[str, str]]] = {
    "00-orientation": {"ex3-test": ("events", "sources"), "ex4-test": ("events", "sources")},
    "01-reading-the-argument": {"ex2-test": ("claims", "sources"), "ex3-test": ("claims", "events")},
    "02-spring-2018": {"ex3-test": ("event_actors", "actors"), "ex4-test": ("events", "sources")},
    "03-crisis-management": {"ex5-test": ("meetings", "actors"), "ex6-test": ("meetings", "sources")},
    "04-ukraine-1991-96": {"ex4-test": ("events", "actors"), "ex6-test": ("claims", "events")},
    "05-comparing-the-cases": {"ex2-test": ("agreements", "sources"), "ex6-test": ("agreements", "events")},
    "06-the-cycle": {"ex5-test": ("cycles", "agreements"), "ex7-test": ("cycles", "events")},
    "07-hindsight": {"ex1-test": ("claims", "events"), "ex4-test": ("events", "sources")},
}

CODING: dict[str, str | None] = {
    "02-spring-2018": "ex6-test",
    "03-crisis-management": "ex2-test",
    "04-ukraine-1991-96": "ex7-test",
    "05-comparing-the-cases": "ex4-test",
    "06-the-cycle": "ex7-test",
    "07-hindsight": "ex2-test",
}
