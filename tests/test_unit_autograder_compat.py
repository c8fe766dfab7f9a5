"""course.autograder.compat: every private hook the grader uses still exists in the installed
jupyter_client and nbclient (a release that renames one fails here, not in a grading batch)."""

from __future__ import annotations

import re

import pytest

from course.autograder import compat
from course.paths import course_root


@pytest.mark.parametrize("hook", compat.HOOKS, ids=lambda h: f"{h.owner.__name__}.{h.name}")
def test_the_hook_is_present_in_the_installed_library(hook):
    assert hook.present, f"{hook.owner.__module__}.{hook.owner.__name__}.{hook.name} is gone; fallback: {hook.fallback}"


@pytest.mark.parametrize("hook", compat.HOOKS, ids=lambda h: f"{h.owner.__name__}.{h.name}")
def test_the_hook_says_why_and_what_happens_without_it(hook):
    assert hook.why.strip() and hook.fallback.strip()


def test_a_missing_name_is_reported_missing():
    """`present` can say no: a name the library does not have, method or trait."""
    assert not compat.Hook(compat.AsyncKernelManager, "_no_such_private_method", "w", "f").present


def test_every_hook_the_grader_checks_is_listed():
    """A hook used as compat.NAME in the autograder but missing from HOOKS would go untested."""
    used = set()
    for path in (course_root() / "course").rglob("*.py"):
        used |= set(re.findall(r"\bcompat\.([A-Z][A-Z_]+)\b", path.read_text()))
    assert used, "the grader no longer checks any hook? then this test is stale"
    assert {name for name in used if getattr(compat, name) not in compat.HOOKS} == set()
