"""course.settings: every COURSE_* variable the code reads is listed, and docs/settings.md is
generated from the list."""

from __future__ import annotations

import re

import pytest

from course import settings
from course.paths import course_root


def test_the_settings_page_is_current():
    page = (course_root() / "docs" / "settings.md").read_text(encoding="utf-8")
    assert page == settings.markdown(), "regenerate it: python -m course.settings > docs/settings.md"


def test_every_course_variable_in_the_code_is_listed():
    listed = {s.name for s in settings.ALL}
    used: dict[str, set[str]] = {}
    for path in sorted((course_root() / "course").rglob("*.py")):
        for name in re.findall(r"\bCOURSE_[A-Z][A-Z_]*\b", path.read_text(encoding="utf-8")):
            used.setdefault(name, set()).add(str(path.relative_to(course_root())))
    assert used, "the scan found nothing: is the pattern stale?"
    unlisted = {name: sorted(files) for name, files in used.items() if name not in listed}
    assert unlisted == {}, "add these to course/settings.py (and regenerate docs/settings.md)"


def test_every_setting_has_one_row_and_internal_ones_say_so():
    rows = [line for line in settings.markdown().splitlines() if line.startswith("| `COURSE_")]
    assert [re.match(r"\| `(\w+)`", r).group(1) for r in rows] == [s.name for s in settings.ALL]
    for row, setting in zip(rows, settings.ALL, strict=True):
        assert ("do not set it yourself" in row) == setting.internal


def test_names_are_unique():
    names = [s.name for s in settings.ALL]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(("value", "expected"), [("/srv/course", "/srv/course"), ("", None), (None, None)])
def test_a_setting_reads_its_variable_and_an_empty_one_is_unset(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv(settings.ROOT.name, raising=False)
    else:
        monkeypatch.setenv(settings.ROOT.name, value)
    assert settings.ROOT.get() == expected
