"""Build the student version of every assignment into a learner's workspace.

`make lab` calls this each time it starts, so it must never destroy work: a notebook that is
already in the workspace is kept as it is, and the fresh student version is reported instead.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from course.nbgrader_run import run_nbgrader
from course.paths import assignments, course_root


@dataclass
class WorkspaceReport:
    """What `build_workspace` did, for the message shown to the learner."""

    copied: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def generate_student_version(assignment: str, root: Path | None = None) -> Path:
    """Run `nbgrader generate_assignment` (without touching the gradebook); return release/<assignment>."""
    root = root or course_root()
    run_nbgrader(root, "generate_assignment", assignment, "--force", "--no-db")
    return root / "release" / assignment


def build_workspace(workspace: Path | None = None, root: Path | None = None) -> WorkspaceReport:
    """Copy the student version of each assignment into `workspace`, never overwriting."""
    root = root or course_root()
    workspace = workspace or root / "workspace"
    report = WorkspaceReport()
    for assignment in assignments():
        release = generate_student_version(assignment, root)
        for source in sorted(release.rglob("*")):
            if not source.is_file():
                continue
            target = workspace / assignment / source.relative_to(release)
            if target.exists():
                report.kept.append(target)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            report.copied.append(target)
    return report
