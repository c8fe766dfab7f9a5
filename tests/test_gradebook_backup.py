"""The Zero to JupyterHub guide's gradebook on PostgreSQL, run as the guide shows it.

docs/deploy-z2jh.md tells the instructor to point nbgrader at PostgreSQL through the PG*
variables (section 4, a line of nbgrader_config.py), to back the gradebook up with pg_dump and
`course export`, and to restore it with pg_restore (section 7). This test reads those three
blocks from the guide (tests/hub/guide.py) and runs them against a real PostgreSQL server
(tests/test_postgres.py's): what the guide says is what runs. The TLJH guide's SQLite backup
runs in tests/test_hub.py, on a real hub.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from nbgrader.api import Gradebook, MissingEntry

from course.nbgrader_run import environment_for_tools
from tests.conftest import make_course_copy
from tests.hub import guide
from tests.test_postgres import postgres_url  # noqa: F401 (the server, as a fixture)

pytestmark = pytest.mark.slow
MODULE = "00-orientation"
STUDENTS = ["ada-lovelace", "grace-hopper"]


def _run_block(name: str, cwd: Path, env: dict[str, str]) -> str:
    script = "\n".join(guide.block(name).commands())
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{name} failed:\n{script}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_the_guides_postgres_gradebook_backs_up_and_restores(postgres_url, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("PATH", environment_for_tools()["PATH"])  # nbgrader runs `alembic` to make the tables
    url = urlparse(postgres_url)
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    home = tmp_path / "home"
    home.mkdir()
    # what the instructor's pod has: the PG* variables (config.yaml, the Secret) and the course root
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PGHOST": query["host"],
        "PGPORT": query["port"],
        "PGUSER": url.username,
        "PGDATABASE": url.path.lstrip("/"),
    }
    course = make_course_copy(tmp_path / "course", [MODULE])
    settings = guide.block("z2jh-gradebook-config")
    assert settings.language == "python"
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + "\n" + settings.text)

    with Gradebook(postgres_url) as gradebook:  # the term so far: two submissions, one score typed by hand
        gradebook.add_assignment(MODULE)
        gradebook.add_notebook(MODULE, MODULE)
        gradebook.add_grade_cell("written", MODULE, MODULE, max_score=3, cell_type="markdown")
        for student in STUDENTS:
            gradebook.add_student(student, first_name=student.split("-")[0].title())
            gradebook.add_submission(MODULE, student)
        gradebook.find_grade("written", MODULE, MODULE, STUDENTS[0]).manual_score = 2
        gradebook.db.commit()

    _run_block("z2jh-backup", course, env)
    backups = home / "backups"
    dumps = sorted(backups.glob("gradebook-*.dump"))
    assert len(dumps) == 1 and dumps[0].stat().st_size > 0, list(backups.iterdir())
    # `course export` found the gradebook through the guide's settings line and the PG* variables
    with next(backups.glob("grades-*.csv")).open() as stream:
        rows = list(csv.DictReader(stream))
    assert {row["student"] for row in rows} == set(STUDENTS), rows
    assert [float(r["manual_score"]) for r in rows if r["student"] == STUDENTS[0]] == [2.0], rows

    with Gradebook(postgres_url) as gradebook:  # an accident after the backup
        gradebook.remove_student(STUDENTS[1])
        with pytest.raises(MissingEntry):
            gradebook.find_student(STUDENTS[1])

    os.utime(dumps[0])  # the newest backup is the one the guide's restore picks
    _run_block("z2jh-restore", course, env)
    with Gradebook(postgres_url) as gradebook:
        assert {s.id for s in gradebook.students} == set(STUDENTS)
        assert gradebook.find_grade("written", MODULE, MODULE, STUDENTS[0]).manual_score == 2
        assert gradebook.find_submission(MODULE, STUDENTS[1]).student_id == STUDENTS[1]
