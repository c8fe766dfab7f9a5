"""course.pipeline.students: which names are safe as a student's folder under submitted/,
autograded/ and feedback/."""

from __future__ import annotations

import pytest

from course.pipeline.students import usable_student_id


@pytest.mark.parametrize(
    "name",
    ["1001", "jdoe", "Jane.Doe", "jane_doe-2", "jane@example.edu", "a", "A" * 100, "0.9"],
)
def test_usable_ids(name):
    assert usable_student_id(name)


@pytest.mark.parametrize(
    "name",
    [
        "",
        "..",
        "../1001",
        "1001/../../etc",
        "a/b",
        "a\\b",
        ".hidden",
        "-rf",
        "_private",
        "@home",
        "jane doe",
        "tab\there",
        "1001\n",  # a trailing newline: `$` would have let it through
        "A" * 101,
        "jöns",
        "1001\x00",
    ],
)
def test_unusable_ids(name):
    assert not usable_student_id(name)
