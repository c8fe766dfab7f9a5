"""Build the student version of every assignment into a learner's workspace, and start their lab.

`make lab` calls `build_workspace` each time it starts, so it must never destroy work and must be
quick when there is nothing to do:

- a notebook already in the workspace is kept as it is, and the fresh student version is
  reported instead;
- an assignment whose every file is already in the workspace is skipped without running nbgrader
  (one `nbgrader generate_assignment` costs seconds per module: the whole course took ~45 s on
  every start);
- each student notebook gets the kernel's full `language_info`: JupyterLab writes it into a
  notebook when its kernel connects, so a notebook without it was marked modified as soon as it
  opened;
- the course pages a learner needs (the data README, the student guide) are copied into
  `course-docs/`, since JupyterLab, rooted at the workspace, cannot open files above it; they are
  the course's pages, not the learner's work, so they are refreshed when the course's copy changes;
- each assignment folder gets `.quiz-keys.json`, the self-check quizzes' salted-hash keys
  (course.widgets.quiz), refreshed only when an answer changes.

`lab_environment` and `LAB_CONFIG` describe the learner's JupyterLab (see course/lab/README.md).
"""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from course.nbgrader_run import run_nbgrader
from course.paths import assignment_dir, assignments, course_root, source_notebooks

# JupyterLab settings for a learner (instructor tools hidden, no news): a Jupyter config folder
# added with JUPYTER_CONFIG_PATH for one launch, so nothing is written to ~/.jupyter or to .venv
LAB_CONFIG = Path(__file__).resolve().parent / "lab"
DOCS_FOLDER = "course-docs"
DOCS = {"data/README.md": "data-README.md", "docs/student-guide.md": "student-guide.md"}
# what nbgrader leaves out of a release (nbgrader's CourseDirectory.ignore default)
RELEASE_IGNORES = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]


@dataclass
class WorkspaceReport:
    """What `build_workspace` did, for the message shown to the learner."""

    copied: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    generated: list[str] = field(default_factory=list)  # assignments nbgrader had to build


def generate_student_version(assignment: str, root: Path | None = None) -> Path:
    """Run `nbgrader generate_assignment` (without touching the gradebook); return release/<assignment>."""
    root = root or course_root()
    run_nbgrader(root, "generate_assignment", assignment, "--force", "--no-db")
    return root / "release" / assignment


def released_files(assignment: str, root: Path) -> list[Path]:
    """The files nbgrader releases for `assignment`, relative to its folder (the release keeps
    the names of the source folder's files)."""
    folder = assignment_dir(assignment, root)
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not any(
            fnmatch.fnmatch(part, pattern) for part in relative.parts for pattern in RELEASE_IGNORES
        ):
            found.append(relative)
    return found


def kernel_language_info() -> dict:
    """What the course's kernel reports as `language_info` (ipykernel's own table)."""
    from ipykernel.ipkernel import IPythonKernel

    return json.loads(json.dumps(IPythonKernel.language_info))


def _copy_student_file(source: Path, target: Path, language_info: dict) -> None:
    if source.suffix != ".ipynb":
        shutil.copy2(source, target)
        return
    import nbformat

    notebook = nbformat.read(source, as_version=4)
    notebook.metadata["language_info"] = language_info
    nbformat.write(notebook, target)


def _write_if_changed(target: Path, content: bytes) -> None:
    if not target.is_file() or target.read_bytes() != content:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def _copy_docs(root: Path, workspace: Path) -> None:
    """Copy the course pages, their links to each other rewritten to the copies' names."""
    for source, name in DOCS.items():
        if not (root / source).is_file():
            continue
        text = (root / source).read_text(encoding="utf-8")
        for other, other_name in DOCS.items():
            relative = os.path.relpath(root / other, (root / source).parent)
            text = text.replace(f"]({relative})", f"]({other_name})")
        _write_if_changed(workspace / DOCS_FOLDER / name, text.encode("utf-8"))


def _write_quiz_keys(assignment: str, root: Path, folder: Path) -> None:
    from course.widgets.keys import KEY_FILE, quiz_keys

    target = folder / KEY_FILE
    try:
        previous = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    keys = {}
    for notebook in source_notebooks(assignment, root):
        # plain JSON: importing nbformat alone costs seconds (its schema validator)
        keys.update(quiz_keys(json.loads(notebook.read_text(encoding="utf-8")), previous))
    if keys or target.exists():
        _write_if_changed(target, (json.dumps(keys, indent=1, sort_keys=True) + "\n").encode())


def build_workspace(workspace: Path | None = None, root: Path | None = None) -> WorkspaceReport:
    """Copy the student version of each assignment into `workspace`, never overwriting."""
    root = root or course_root()
    workspace = workspace or root / "workspace"
    report = WorkspaceReport()
    language_info = None
    for assignment in assignments(root):
        expected = [workspace / assignment / relative for relative in released_files(assignment, root)]
        if expected and all(target.exists() for target in expected):
            report.kept.extend(expected)  # nothing to copy: nbgrader need not run
        else:
            release = generate_student_version(assignment, root)
            report.generated.append(assignment)
            language_info = language_info or kernel_language_info()
            for source in sorted(release.rglob("*")):
                if not source.is_file():
                    continue
                target = workspace / assignment / source.relative_to(release)
                if target.exists():
                    report.kept.append(target)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                _copy_student_file(source, target, language_info)
                report.copied.append(target)
        _write_quiz_keys(assignment, root, workspace / assignment)
    _copy_docs(root, workspace)
    return report
