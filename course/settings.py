"""Every COURSE_* environment variable the course reads, in one place.

Settings that belong to a course (limits, timeouts, the gradebook) live in nbgrader_config.py;
these variables are for where the course runs: a deployment that installs the package away from
its repository, a grading machine's policy, the test suite. `docs/settings.md` is generated from
this table (`python -m course.settings > docs/settings.md`; a test checks it is current) and a test
checks that the code reads no COURSE_* variable that is not listed here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    meaning: str
    values: str
    internal: bool = False  # set by the course itself, documented so nobody sets it by mistake

    def get(self) -> str | None:
        return os.environ.get(self.name) or None


ROOT = Setting(
    "COURSE_ROOT",
    "The course repository (holds nbgrader_config.py, notebooks/ and data/), for a deployment that "
    "installs the package somewhere else, e.g. a JupyterHub image.",
    "a folder; default: the repository the package is installed from",
)
DATA_DIR = Setting(
    "COURSE_DATA_DIR",
    "The folder with the CSV tables and datapackage.json. Grading kernels get it from the grader, so "
    "the instructor's data reach hidden tests.",
    "a folder; default: data/ in the course root",
)
ISOLATION = Setting(
    "COURSE_GRADING_ISOLATION",
    "`limits` grades with resource limits only, even where namespaces are available (to compare, or "
    "where the machine's policy forbids namespaces).",
    "`limits`; default: full isolation where available",
)
NO_ZYGOTE = Setting(
    "COURSE_GRADING_NO_ZYGOTE",
    "`1` starts each grading kernel the usual way instead of forking it from the pre-imported zygote "
    "(how systems without pidfds, such as macOS, run; used by the tests to cover that path).",
    "`1`; default: the zygote where the platform supports it",
)
MODE = Setting(
    "COURSE_MODE",
    "`class` in a graded class (set it in the hub's or the image's environment): the self-check "
    "quizzes only show the line to keep in the answer cell and never say right or wrong, even where "
    "a quiz key is present.",
    "`class`; default: self-study (quizzes with a key say right or wrong)",
)
LANDLOCK = Setting(
    "COURSE_GRADING_LANDLOCK",
    "`off` never restricts grading kernels with Landlock and seccomp (to compare). Without namespaces "
    "and without Landlock, `course grade` refuses to run hidden tests unless given `--insecure`.",
    "`off`; default: Landlock wherever namespaces are not used and the Linux kernel has it (5.13+)",
)
CGROUP = Setting(
    "COURSE_GRADING_CGROUP",
    "A cgroup v2 folder delegated to the grader (writable, with the memory and pids controllers), in "
    "which it makes one group per kernel, so memory and processes are counted over everything a "
    "kernel starts. Without it the grader uses its own delegated cgroup or cgroup v1 when it can, "
    "else watches each kernel's processes.",
    "a folder under /sys/fs/cgroup; default: found by the grader",
)
VERDICT = Setting(
    "COURSE_GRADING_VERDICT",
    "`kernel` runs the tests in a second Jupyter kernel instead of the kernel-less verdict runner "
    "(to compare; both are pristine processes forked before any student code ran).",
    "`kernel`; default: the verdict runner where the zygote runs",
)
STUDENT = Setting(
    "COURSE_GRADING_STUDENT",
    "`kernel` runs the student's cells in a Jupyter kernel instead of the kernel-less student runner "
    "(to compare; both are the same sandboxed process forked from the zygote, with the same limits).",
    "`kernel`; default: the student runner where the zygote runs",
)
SANDBOX_MARKER = Setting(
    "COURSE_GRADING_SANDBOX",
    "Carried by every grading kernel and its children, so the grader can find and end leftover "
    "processes. Set by the grader.",
    "a random token per batch",
    internal=True,
)

ALL = (ROOT, DATA_DIR, ISOLATION, NO_ZYGOTE, LANDLOCK, CGROUP, VERDICT, STUDENT, MODE, SANDBOX_MARKER)


def markdown() -> str:
    """The settings table for docs/settings.md."""
    lines = [
        "# Environment variables",
        "",
        "Generated from `course/settings.py` (`python -m course.settings > docs/settings.md`).",
        "Course settings (limits, timeouts, the gradebook URL) belong in `nbgrader_config.py`;",
        "these variables describe where the course runs.",
        "",
        "| variable | what it does | values |",
        "| --- | --- | --- |",
    ]
    for setting in ALL:
        meaning = setting.meaning + (" *(internal: do not set it yourself)*" if setting.internal else "")
        lines.append(f"| `{setting.name}` | {meaning} | {setting.values} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
