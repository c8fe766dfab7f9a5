"""Late penalties: `course grade`'s (course.pipeline.deadlines.apply_late_penalties) against nbgrader's own
AssignLatePenalties preprocessor, run in this process on the same gradebook rows, for every policy
nbgrader ships and for plugins that return odd values. (tests/test_instructor_workflow.py runs stock
`nbgrader autograde` against `course grade` on real submissions.) Also due dates and extensions."""

from __future__ import annotations

import datetime as dt
import shutil
import warnings
from pathlib import Path
from zoneinfo import ZoneInfo

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.plugins import BasePlugin
from nbgrader.preprocessors import AssignLatePenalties
from sqlalchemy.exc import SAWarning

from course.config import load_config
from course.errors import ConfigError, UsageError
from course.pipeline.deadlines import (
    PerDayPenalty,
    apply_late_penalties,
    describe_seconds,
    late_plugin,
    parse_extension,
    parse_when,
    timestamp_text,
)

DUE = dt.datetime(2025, 10, 6, 21, 59)  # naive UTC, as nbgrader stores it
SUBMISSIONS = {  # student: (submitted, extension, score of each of two notebooks)
    "ontime": (DUE - dt.timedelta(hours=2), None, (7.0, 3.0)),
    "late3h": (DUE + dt.timedelta(hours=3), None, (7.0, 3.0)),
    "late30h": (DUE + dt.timedelta(hours=30), None, (4.0, 0.0)),
    "extended": (DUE + dt.timedelta(days=2), dt.timedelta(days=3), (7.0, 2.0)),
    "extendedlate": (DUE + dt.timedelta(days=4), dt.timedelta(days=3), (5.0, 3.0)),
    "nottimed": (None, None, (6.0, 1.0)),
}


class Wild(BasePlugin):
    """A plugin that returns a negative penalty for one student and more than the score for another."""

    def late_submission_penalty(self, student_id, score, total_seconds_late):
        return -5.0 if student_id == "late3h" else score * 3


@pytest.fixture()
def course(tmp_path, empty_gradebook) -> Path:
    shutil.copy2(empty_gradebook, tmp_path / "gradebook.db")
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)  # nbgrader's add_submission; the rows are saved
        gb.add_assignment("a", duedate=DUE)
        for notebook in ("one", "two"):
            gb.add_notebook(notebook, "a")
            gb.add_grade_cell("q", notebook, "a", max_score=10, cell_type="code")
        for student, (submitted, extension, scores) in SUBMISSIONS.items():
            gb.add_student(student)
            gb.add_submission("a", student, timestamp=submitted, extension=extension)
            for notebook, score in zip(("one", "two"), scores, strict=True):
                gb.find_grade("q", notebook, "a", student).auto_score = score
        gb.db.commit()
    return tmp_path


def penalties(course: Path) -> dict[tuple[str, str], float | None]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {
            (s.student.id, nb.name): nb.late_submission_penalty
            for s in gb.find_assignment("a").submissions
            for nb in s.notebooks
        }


def stock(course: Path) -> dict:
    """What nbgrader's AssignLatePenalties writes, per notebook, built from the course's config."""
    url = f"sqlite:///{course / 'gradebook.db'}"
    for student in SUBMISSIONS:
        for notebook in ("one", "two"):
            resources = {"nbgrader": {"notebook": notebook, "assignment": "a", "student": student, "db_url": url}}
            AssignLatePenalties(config=load_config(course)).preprocess(nbformat.v4.new_notebook(), resources)
    return penalties(course)


def ours(course: Path) -> dict:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for s in gb.find_assignment("a").submissions:
            for nb in s.notebooks:
                nb.late_submission_penalty = 99.0  # whatever was there before is replaced
        gb.db.commit()
        for student in SUBMISSIONS:
            apply_late_penalties(gb, "a", student, late_plugin(course))
    return penalties(course)


POLICIES = {
    "none": ('c.LateSubmissionPlugin.penalty_method = "none"\n', {}),
    "zero": (
        'c.LateSubmissionPlugin.penalty_method = "zero"\n',
        {
            ("late3h", "one"): 7.0,
            ("late3h", "two"): 3.0,
            ("late30h", "one"): 4.0,
            ("late30h", "two"): 0.0,
            ("extendedlate", "one"): 5.0,
            ("extendedlate", "two"): 3.0,
        },
    ),
    "per day": (
        'c.AssignLatePenalties.plugin_class = "course.pipeline.deadlines.PerDayPenalty"\n'
        "c.PerDayPenalty.per_day = 0.25\n",
        {
            ("late3h", "one"): 1.75,
            ("late3h", "two"): 0.75,
            ("late30h", "one"): 2.0,
            ("late30h", "two"): 0.0,
            ("extendedlate", "one"): 1.25,
            ("extendedlate", "two"): 0.75,
        },
    ),
    "clamped": (
        'c.AssignLatePenalties.plugin_class = "tests.test_lateness.Wild"\n',
        {
            ("late3h", "one"): 0,
            ("late3h", "two"): 0,
            ("late30h", "one"): 4.0,
            ("late30h", "two"): 0.0,
            ("extendedlate", "one"): 5.0,
            ("extendedlate", "two"): 3.0,
        },
    ),
}


@pytest.mark.parametrize("policy", POLICIES)
def test_same_penalties_as_nbgraders_preprocessor(course, policy):
    line, expected = POLICIES[policy]
    (course / "nbgrader_config.py").write_text(line)
    want = stock(course)
    got = ours(course)
    assert got == want
    assert {k: v for k, v in got.items() if v is not None} == expected  # and they are the policy's numbers


def test_a_plugin_that_cannot_be_built_is_a_clear_error(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text('c.AssignLatePenalties.plugin_class = "no.such.Plugin"\n')
    with pytest.raises(ConfigError, match="cannot be imported"):
        late_plugin(tmp_path)
    (tmp_path / "nbgrader_config.py").write_text('c.AssignLatePenalties.plugin_class = "pathlib.Path"\n')
    with pytest.raises(ConfigError, match="BasePlugin"):
        late_plugin(tmp_path)


def test_per_day_penalty_counts_started_days():
    plugin = PerDayPenalty(per_day=0.1)
    assert plugin.late_submission_penalty("s", 10.0, 1) == pytest.approx(1.0)
    assert plugin.late_submission_penalty("s", 10.0, 86400) == pytest.approx(1.0)
    assert plugin.late_submission_penalty("s", 10.0, 86401) == pytest.approx(2.0)
    assert plugin.late_submission_penalty("s", 10.0, 0) is None


def test_dates_and_extensions_as_instructors_write_them():
    berlin = ZoneInfo("Europe/Berlin")
    due = parse_when("2025-10-06 23:59", berlin)
    assert due.astimezone(dt.UTC) == dt.datetime(2025, 10, 6, 21, 59, tzinfo=dt.UTC)
    assert parse_when("2025-10-06T23:59:00+02:00", ZoneInfo("UTC")) == due
    assert parse_when("2025-10-06", berlin).hour == 23
    naive_due = dt.datetime(2025, 10, 6, 21, 59)
    assert parse_extension("3d", naive_due, berlin) == dt.timedelta(days=3)
    assert parse_extension("1d12h", naive_due, berlin) == dt.timedelta(hours=36)
    assert parse_extension("90m", naive_due, berlin) == dt.timedelta(minutes=90)
    assert parse_extension("2025-10-08 23:59", naive_due, berlin) == dt.timedelta(days=2)
    with pytest.raises(UsageError, match="before the assignment's due date"):
        parse_extension("2025-10-01 12:00", naive_due, berlin)
    with pytest.raises(UsageError, match="no due date"):
        parse_extension("2025-10-08 23:59", None, berlin)
    with pytest.raises(UsageError, match="cannot read the date"):
        parse_when("next Tuesday", berlin)
    assert describe_seconds(11520) == "3 h 12 min" and describe_seconds(259200) == "3 d"
    # timestamp.txt in the exchange's format, which nbgrader reads back exactly
    from nbgrader.utils import parse_utc

    when = dt.datetime(2025, 10, 7, 3, 11, tzinfo=berlin)
    assert parse_utc(timestamp_text(when)) == dt.datetime(2025, 10, 7, 1, 11)
