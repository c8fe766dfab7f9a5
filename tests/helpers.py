"""Helpers the tests share: running the `course` command, reading the gradebook, and looking at
the process table. One copy of each, so a change in how scores are read changes every test."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import psutil
from nbgrader.api import Gradebook

from course.autograder.leftovers import state_and_session
from course.autograder.sandbox import MARKER
from course.nbgrader_run import environment_for_tools


def course_argv(*args: str) -> list[str]:
    """The `course` command as a subprocess would run it, with this interpreter."""
    return [sys.executable, "-m", "course.cli", *args]


def run_course(
    cwd: Path | None, *args: str, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess:
    """Run `course ARGS` in `cwd` (the course root it acts on); `env` adds to the tools' environment."""
    return subprocess.run(
        course_argv(*args),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment_for_tools() | (env or {}),
    )


def course_ok(cwd: Path | None, *args: str, **options) -> str:
    """Run `course ARGS`, insist that it succeeds, and return what it printed on stdout."""
    result = run_course(cwd, *args, **options)
    assert result.returncode == 0, f"course {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def in_process(course: Path, *args: str) -> str:
    """`course ARGS` run in `course` inside this process (the command's own parsing and printing),
    for module-scoped fixtures; what it printed."""
    from course.cli import main

    here, out = Path.cwd(), io.StringIO()
    os.chdir(course)
    try:
        with contextlib.redirect_stdout(out):
            assert main(list(args)) == 0, args
    finally:
        os.chdir(here)
    return out.getvalue()


def gradebook_scores(
    course: Path, assignment: str, db_url: str | None = None, code_only: bool = False
) -> dict[tuple[str, str], float | None]:
    """(student, grade id) -> automatic score of every grade of `assignment` in the gradebook
    (None for a written answer awaiting a human); `code_only` keeps test cells only."""
    with Gradebook(db_url or f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {
            (s.student.id, g.name): g.auto_score
            for s in gb.find_assignment(assignment).submissions
            for nb in s.notebooks
            for g in nb.grades
            if not code_only or g.cell.cell_type == "code"
        }


def pids() -> list[int]:
    return psutil.pids()


def running(pid: int) -> bool:
    """Still running: not gone, and not a zombie (ended, waiting for its parent to collect it)."""
    return state_and_session(pid)[0] not in ("zombie", "dead", "gone")


def in_session(pid: int, session: int) -> bool:
    state, its_session = state_and_session(pid)
    return state != "zombie" and its_session == session


def carries(pid: int, marker: str) -> bool:
    """Does the process carry a grading batch's marker (its zygote and everything that zygote
    forked or started do: course.autograder.leftovers)?"""
    try:
        return psutil.Process(pid).environ().get(MARKER) == marker
    except psutil.Error:
        return False


def cmdline(pid: int) -> str:
    """The process's command line as one string ('' once it is gone)."""
    try:
        return " ".join(psutil.Process(pid).cmdline())
    except psutil.Error:
        return ""


def name(pid: int) -> str:
    try:
        return psutil.Process(pid).name()
    except psutil.Error:
        return ""


def owner(pid: int) -> int | None:
    """The process's effective uid, None once it is gone."""
    try:
        return psutil.Process(pid).uids().effective
    except psutil.Error:
        return None


# Student code that could hurt this machine if it ever ran outside a grading sandbox (signals to
# every process, fork bombs, memory or disk filled to the limit) starts with this check, and does
# nothing but fail its cell unless it verifies that it is inside one: the batch's sandbox token in
# its environment (only the grader's kernels carry it; stock nbgrader and a plain Jupyter kernel
# do not) and a uid that is neither root nor a login account (the grader's slot uids start at
# 100000, course.autograder.worker.new_uid_base). A kernel running as the grader's own account (a
# grader without root) therefore never runs these cases; the tests skip them there.
SLOT_UID_MIN = 100_000
IN_SANDBOX_ONLY = (
    "import os as _os\n"
    "if len(_os.environ.get('COURSE_GRADING_SANDBOX', '')) < 16 or min(_os.getresuid()) < 100000:\n"
    "    raise RuntimeError('not inside a grading sandbox under a slot uid: this destructive case does nothing')\n"
)


def destructive_cases_can_run() -> bool:
    """Do this process's grading kernels run under a slot uid (root grader), so that the
    destructive cases guarded by IN_SANDBOX_ONLY act rather than refuse?"""
    import os

    return os.geteuid() == 0
