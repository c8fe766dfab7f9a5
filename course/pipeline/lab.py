"""`course lab`: JupyterLab for the instructor, at the course root, with the formgrader working.

The formgrader finds the course by the server's working directory and shows notebooks relative to
the server's root: it needs both to be the course root (nbgrader's formgrader computes
`relpath(course root, server root)` and refuses a course outside the server's root). Started from
a home folder it shows no assignments; started as `make lab` starts the student's Lab (root
`workspace/`), its links open the instructor's own workspace copies instead of the source
notebooks. This command starts `jupyter lab` in the course root with the course root as its root,
so "Nbgrader → Formgrader" shows the course and its links open notebooks/<assignment>/ and
autograded/<student>/<assignment>/ in Lab tabs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from course.config import CONFIG_FILE
from course.errors import UsageError
from course.nbgrader_run import environment_for_tools


def lab_command(root: Path, port: int | None = None, browser: str | None = None) -> list[str]:
    """The `jupyter lab` command line for the instructor's server."""
    if not (root / CONFIG_FILE).is_file():
        raise UsageError(f"{root} has no {CONFIG_FILE}: run `course lab` in the course root (the formgrader needs it)")
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}"]
    if port:
        command.append(f"--ServerApp.port={port}")
    if browser == "none":
        command.append("--no-browser")
    elif browser:
        command.append(f"--ServerApp.browser={browser}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers and CI machines often run as root
    return command


def run_lab(root: Path, port: int | None = None, browser: str | None = None) -> int:
    """Become the JupyterLab server (exec), so Ctrl-C and signals reach it directly."""
    command = lab_command(root, port, browser)
    print(f"JupyterLab for grading, in {root}: Nbgrader → Formgrader in the menu", flush=True)
    if os.environ.get("JUPYTER_CONFIG_PATH"):
        # the student Lab (`make lab`) uses it to switch the instructor's extensions off
        print(
            f"note: JUPYTER_CONFIG_PATH={os.environ['JUPYTER_CONFIG_PATH']} is set; if the formgrader is missing, "
            "unset it (it may hold the student Lab's settings)",
            flush=True,
        )
    os.chdir(root)
    os.execve(command[0], command, environment_for_tools())
    return 0  # not reached
