"""Summits and Warheads: the helper package behind the course notebooks.

Notebooks hold narrative and exercises; everything they would otherwise repeat lives here:
`course.data` (validated tables), `course.analysis` (pure functions shared by notebooks and
tests), `course.checks` (friendly checks for visible tests), `course.widgets`, and
`course.grading` (the instructor pipeline on top of nbgrader).
"""

__version__ = "0.1.0"
