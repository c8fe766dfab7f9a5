"""What each auto-graded test cell of modules 04-07 tests, for the lead to merge into tests/exercise_kinds.py.

KINDS: assignment -> {test grade_id: "history" | "source" | "mechanics"}. "history" asks for a
historical judgement or a fact read through the course's coding (what counts as eliminated, binding
or political, who the counterparts were); "source" asks what a source or a row rests on and what it
can show; "mechanics" is pandas or model handling whose answer needs no history.
JOINS: assignment -> [(test grade_id, (table, table))]: items whose solution joins two tables.
CODING: assignment -> the test grade_id of the item that questions the coding (the student recodes
one row, or one rule, on a copy and checks whether a conclusion survives).
"""

KINDS = {
    "04-ukraine-1991-96": {
        "ex1-test": "mechanics",
        "ex2-test": "source",
        "ex3-test": "mechanics",
        "ex4-test": "history",
        "ex5-test": "history",
        "ex6-test": "history",
        "ex7-test": "history",
    },
    "05-comparing-the-cases": {
        "ex1-test": "mechanics",
        "ex2-test": "source",
        "ex3-test": "history",
        "ex4-test": "history",
        "ex5-test": "history",
        "ex6-test": "history",
    },
    "06-the-cycle": {
        "ex1-test": "mechanics",
        "ex2-test": "mechanics",
        "ex3-test": "mechanics",
        "ex4-test": "mechanics",
        "ex5-test": "history",
        "ex6-test": "history",
        "ex7-test": "history",
    },
    "07-hindsight": {
        "ex1-test": "source",
        "ex2-test": "history",
        "ex3-test": "mechanics",
        "ex4-test": "source",
        "ex5-test": "source",
        "ex6-test": "history",
    },
}

JOINS = {
    "04-ukraine-1991-96": [("ex4-test", ("events", "actors")), ("ex6-test", ("claims", "agreements"))],
    "05-comparing-the-cases": [("ex2-test", ("agreements", "sources")), ("ex6-test", ("agreements", "events"))],
    "06-the-cycle": [("ex5-test", ("cycles", "agreements")), ("ex7-test", ("cycles", "events"))],
    "07-hindsight": [("ex1-test", ("claims", "events")), ("ex4-test", ("events", "sources"))],
}

CODING = {
    "04-ukraine-1991-96": "ex7-test",  # A-19 without the museum and laboratory aircraft
    "05-comparing-the-cases": "ex4-test",  # budapest-memorandum as binding; domestic as binding
    "06-the-cycle": "ex7-test",  # CYC-2005 and CYC-2007 merged into one cycle
    "07-hindsight": "ex2-test",  # C27 recoded as of 2024, strictly or as a conditional forecast
}
