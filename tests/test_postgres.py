"""The gradebook on a real PostgreSQL server: `course release` and `course grade --db URL`."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from tests.conftest import make_course_copy
from tests.helpers import run_course

pytestmark = pytest.mark.slow
A = "00-orientation"


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture(scope="module")
def postgres_url(tmp_path_factory):
    bin_dir = _binaries()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed; .ci/run must install it")
        pytest.skip("PostgreSQL server binaries not installed (apt-get install postgresql)")
    base = Path(tempfile.mkdtemp(prefix="course-pg-"))  # pytest's own folders are private to root
    data, sockets = base / "data", base / "run"
    sockets.mkdir()
    os.chmod(base, 0o755)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(sockets, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run(
        _as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]),
        check=True,
        capture_output=True,
    )
    subprocess.run(
        _as_postgres(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-w",
                "-l",
                str(base / "log"),
                "-o",
                f"-k {sockets} -p {port} -c listen_addresses=''",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    subprocess.run(
        _as_postgres([str(bin_dir / "createdb"), "-h", str(sockets), "-p", str(port), "-U", "postgres", "course"]),
        check=True,
        capture_output=True,
    )
    yield f"postgresql+psycopg2://postgres@/course?host={sockets}&port={port}"
    subprocess.run(
        _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]), capture_output=True
    )
    shutil.rmtree(base, ignore_errors=True)


def test_grading_into_postgresql(postgres_url, tmp_path):
    course = make_course_copy(tmp_path / "course", [A])
    run = lambda *args: run_course(course, *args)
    released = run("release", A, "--db", postgres_url)
    assert released.returncode == 0, released.stderr
    for student, version in (("ana", "notebooks"), ("ben", "release")):
        folder = course / "submitted" / student / A
        folder.mkdir(parents=True)
        shutil.copy2(course / version / A / f"{A}.ipynb", folder)
    graded = run("grade", A, "--db", postgres_url)
    assert graded.returncode == 0 and "graded 2 submission(s)" in graded.stdout, graded.stdout + graded.stderr
    with Gradebook(postgres_url) as gb:
        assert gb.find_submission(A, "ana").score == 10 and gb.find_submission(A, "ben").score == 0
    assert not (course / "gradebook.db").exists(), "nothing may go to SQLite when --db is given"
    exported = run("export", "--db", postgres_url, "--output", "grades.csv")
    assert exported.returncode == 0 and "12 row(s)" in exported.stdout
