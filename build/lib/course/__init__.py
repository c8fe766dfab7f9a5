"""Summits and Warheads: the helper package behind the course notebooks and the `course` command.

Notebooks hold narrative and exercises; everything they would otherwise repeat lives here:
`course.data` (validated tables), `course.analysis` (pure functions and models shared by
notebooks, widgets and tests), `course.checks` (friendly checks for test cells), `course.figures`
and `course.widgets` (the explorers). The instructor's side: `course.pipeline` (one module per
`course` command) and `course.autograder` (the runtime that grades a submission). The README's
layout table says where each kind of change goes.
"""

__version__ = "0.1.0"
