"""Run nbgrader as a subprocess in a course directory.

Why a subprocess and not nbgrader's Python API in-process: nbgrader's apps are traitlets
singletons that read nbgrader_config.py from the working directory and keep global state, so
running them in a fresh process per call is the reliable way to get exactly the behaviour of
the `nbgrader` command that instructors use by hand.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from course.errors import NbgraderError


def environment_for_tools() -> dict[str, str]:
    """This environment with the interpreter's bin folder first on PATH.

    nbgrader runs helper programs by name (e.g. `alembic` to create the gradebook), so they
    must resolve to the course's virtual environment even when it is not activated.
    """
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


# `python -m nbgrader`, with the course package imported first: nbgrader then starts without
# building jsonschema's IRI grammar, a second or two per command (see course/__init__.py).
NBGRADER_MAIN = "import sys, course; from nbgrader.apps.nbgraderapp import main; sys.argv[0] = 'nbgrader'; main()"


def run_nbgrader(course_dir: Path, *args: str, timeout: float | None = None) -> str:
    """Run `nbgrader ARGS` in `course_dir`; return its output, raise NbgraderError on failure."""
    command = [sys.executable, "-c", NBGRADER_MAIN, *args]
    result = subprocess.run(
        command, cwd=course_dir, capture_output=True, text=True, timeout=timeout, env=environment_for_tools()
    )
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise NbgraderError(f"`nbgrader {' '.join(args)}` failed (exit {result.returncode}) in {course_dir}:\n{output}")
    return output
