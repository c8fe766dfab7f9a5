"""Which isolation the grader can give kernels here, and what student code could read without it.

`course grade` runs hidden tests, and student code runs beside them. Three levels, best first:

- "namespaces": root and a kernel that allows mount/PID/network namespaces (a grading container
  with SYS_ADMIN, a TLJH server's root, CI): course files, gradebook, other students and the
  network are out of the kernel's world, and it runs as a uid of its own;
- "landlock": no namespaces, but Landlock (course.autograder.landlock): the kernel, even under the
  grader's own uid, can open only the Python installation, the course package and data, and its
  own scratch folder; no TCP, no Unix sockets, no signals outside;
- "none": neither (an old kernel, Landlock disabled at boot, not Linux). Student code can read
  whatever the grader's account can. `course grade` then refuses, unless given --insecure, and
  prints what student code could read (`exposure`), so the instructor decides knowing it.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

from course import settings


def isolation_level() -> str:
    from course.autograder.landlock import abi_version
    from course.autograder.sandbox import full_isolation_available

    if full_isolation_available():
        return "namespaces"
    if abi_version() >= 1 and settings.LANDLOCK.get() != "off":
        return "landlock"
    return "none"


def kernel_should_be_restricted() -> bool:
    """Landlock (and its seccomp filter) for kernels whenever namespaces do not isolate them."""
    return isolation_level() == "landlock"


@dataclass
class Exposed:
    what: str
    path: str


def _readable(path: Path) -> bool:
    try:
        if path.is_dir():
            os.listdir(path)
        else:
            with open(path, "rb") as file:
                file.read(1)
        return True
    except OSError:
        return False


def exposure(root: Path) -> list[Exposed]:
    """What a kernel running as this account, without isolation, could read or reach: checked
    by reading as this process (kernels would run as the same user)."""
    from course.config import database_url
    from course.paths import course_root

    found: list[Exposed] = []
    candidates = [
        ("the course's nbgrader_config.py (database URL and password, if set there)", root / "nbgrader_config.py"),
        ("the instructor notebooks with solutions and hidden tests", root / "source"),
        ("the instructor notebooks with solutions and hidden tests", root / "notebooks"),
        ("the course repository (solutions)", course_root() / "notebooks"),
        ("every student's submission", root / "submitted"),
        ("graded notebooks and feedback of every student", root / "autograded"),
        ("graded notebooks and feedback of every student", root / "feedback"),
        ("the SQLite gradebook", root / "gradebook.db"),
        ("your home folder (SSH keys, tokens, other courses)", Path.home()),
        ("Jupyter's system configuration", Path("/etc/jupyter")),
        ("your Jupyter configuration and runtime files (server tokens)", Path.home() / ".jupyter"),
        ("your Jupyter configuration and runtime files (server tokens)", Path.home() / ".local/share/jupyter/runtime"),
        ("the PostgreSQL socket folder", Path("/var/run/postgresql")),
    ]
    seen = set()
    for what, path in candidates:
        if path.exists() and path.resolve() not in seen and _readable(path):
            seen.add(path.resolve())
            found.append(Exposed(what, str(path)))
    try:
        url = database_url(root)
        if "://" in url and not url.startswith("sqlite"):
            found.append(
                Exposed("the gradebook database, with the credentials in the config above", url.split("@")[-1])
            )
    except Exception:
        pass
    probe = socket.socket()
    probe.settimeout(1)
    try:
        probe.connect(("1.1.1.1", 53))
        found.append(Exposed("the network (any host; stock nbgrader has the same)", "tcp"))
    except OSError:
        pass
    finally:
        probe.close()
    return found


def refusal(root: Path) -> str:
    lines = [
        "this machine cannot isolate grading kernels (no namespaces: not root or not allowed; "
        "no Landlock: Linux older than 5.13 or Landlock off).",
        "Student code would run with your account's rights while the hidden tests run. It could read:",
    ]
    lines += [f"  - {e.what}: {e.path}" for e in exposure(root)]
    lines += [
        "Grade as root in a container (docs/deploy-z2jh.md, 'A grading pod'), or on a kernel with Landlock,",
        "or accept the risk with: course grade --insecure ...",
    ]
    return "\n".join(lines)
