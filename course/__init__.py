"""Summits and Warheads: the helper package behind the course notebooks and the `course` command.

Notebooks hold narrative and exercises; everything they would otherwise repeat lives here:
`course.data` (validated tables), `course.analysis` (pure functions and models shared by
notebooks, widgets and tests), `course.checks` (friendly checks for test cells), `course.figures`
and `course.widgets` (the explorers). The instructor's side: `course.pipeline` (one module per
`course` command) and `course.autograder` (the runtime that grades a submission). The README's
layout table says where each kind of change goes.
"""

__version__ = "0.1.0"


def _skip_the_iri_grammar() -> None:
    """Keep jsonschema from importing `rfc3987_syntax`, which builds 38 Earley parsers at import
    (2 to 7 s of CPU here) for the `iri` formats that no schema the course meets uses.

    jsonschema imports it only to offer those two format checkers, inside `suppress(ImportError)`
    (jsonschema/_format.py; python-jsonschema/jsonschema#1428), and nbformat imports jsonschema
    in every process that reads a notebook: each `course` command, each grading worker. A `None`
    in `sys.modules` makes that import fail the documented way, so the `iri` checks are simply
    absent, as on any install without the optional package. Nothing else changes: notebooks and
    data are still validated (tests/test_unit_startup.py)."""
    import sys

    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


_skip_the_iri_grammar()
