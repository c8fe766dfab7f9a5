"""Without full isolation nothing secret is in reach: in every mode the docs recommend (namespaces
as root; Landlock without them, as root or not), student code cannot read the course's
nbgrader_config.py (where the database password may be), the gradebook, or another student's
submission, and cannot connect anywhere. Where no isolation is possible, course grade refuses; as
root without namespaces where the slot uid cannot run this Python, it refuses too, rather than run
a kernel as root."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbgrader.api import Gradebook

from course.autograder import sandbox
from course.autograder.exposure import isolation_level
from course.autograder.zygote import stop_zygote
from course.nbgrader_run import environment_for_tools, run_nbgrader
from course.paths import course_root
from tests.test_adversarial import ASSIGNMENT, source_notebook

pytestmark = pytest.mark.slow
SECRET = "postgresql://course:SECRET-PASSWORD@gradebook-db/summits"

PROBE = """
import json, os, glob, socket
found = {}
for label, path in PATHS.items():
    try:
        if os.path.isdir(path):
            found[label] = os.listdir(path)
        else:
            found[label] = open(path, 'rb').read(64).decode(errors='replace')
    except Exception as exc:
        found[label] = type(exc).__name__
for label, target in [('tcp', ('127.0.0.1', 5432)), ('internet', ('1.1.1.1', 443))]:
    s = socket.socket(); s.settimeout(2)
    try:
        s.connect(target); found[label] = 'connected'
    except Exception as exc:
        found[label] = type(exc).__name__
    finally:
        s.close()
print('FOUND ' + json.dumps(found))
answer = 42
"""

MODES = {
    "default": {},
    "without-namespaces": {"COURSE_GRADING_ISOLATION": "limits"},
    "started": {"COURSE_GRADING_ISOLATION": "limits", "COURSE_GRADING_NO_ZYGOTE": "1"},
}


@pytest.mark.parametrize("mode", list(MODES))
def test_student_code_reaches_nothing_secret(mode, tmp_path):
    course = tmp_path / "course"
    (course / "notebooks" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy2(course_root() / "nbgrader_config.py", course)
    nbformat.write(source_notebook(), course / "notebooks" / ASSIGNMENT / "adv.ipynb")
    run_nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    # the secret goes in after the release: nbgrader itself must still use the SQLite gradebook here
    with open(course / "nbgrader_config.py", "a") as config:
        config.write(f"\n# c.CourseDirectory.db_url = {SECRET!r}\n")
    paths = {
        "config": str(course / "nbgrader_config.py"),
        "gradebook": str(course / "gradebook.db"),
        "other student": str(course / "submitted" / "other" / ASSIGNMENT / "adv.ipynb"),
        "submitted": str(course / "submitted"),
        "solutions": str(course / "notebooks"),
        "course repository": str(course_root() / "notebooks"),
    }
    for student, code in (("other", "answer = 42"), ("prober", "PATHS = " + repr(paths) + PROBE)):
        notebook = source_notebook()
        notebook.cells[1].source = code
        (course / "submitted" / student / ASSIGNMENT).mkdir(parents=True)
        nbformat.write(notebook, course / "submitted" / student / ASSIGNMENT / "adv.ipynb")
    env = environment_for_tools() | MODES[mode]
    done = subprocess.run(
        [sys.executable, "-m", "course.cli", "grade", ASSIGNMENT],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode == 2 and "cannot isolate" in done.stderr:
        pytest.skip(f"{mode}: no isolation on this machine, and course grade refused (as it must)")
    if sandbox.root_without_slot_uid() is not None or (mode != "default" and _slot_uid_cannot_run_python()):
        # root without namespaces, and the slot uid cannot run this Python: course grade refuses in one
        # paragraph, before any student code runs, instead of running kernels as root
        message = done.stderr.strip().removeprefix("course grade: ").removeprefix("course: ")
        assert done.returncode == 2 and "a kernel never runs as root" in message, done.stderr
        assert "\n" not in message and "Traceback" not in done.stderr
        assert not (course / "autograded").exists()
        return
    assert done.returncode == 0, done.stderr
    graded = nbformat.read(course / "autograded" / "prober" / ASSIGNMENT / "adv.ipynb", as_version=4)
    text = "".join(o.get("text", "") for o in graded.cells[1].outputs if o.output_type == "stream")
    found = json.loads(text.split("FOUND ", 1)[1].splitlines()[0])
    leaked = {
        label: value
        for label, value in found.items()
        if not (isinstance(value, str) and value.endswith(("Error", "PermissionError", "OSError"))) and value != []
    }  # an empty listing: the folder is an empty stand-in (namespaces)
    assert not leaked, (mode, leaked)
    assert SECRET not in json.dumps(found)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert all(s.score == 3 for s in gb.find_assignment(ASSIGNMENT).submissions)


def _slot_uid_cannot_run_python() -> bool:
    return os.geteuid() == 0 and not sandbox.others_can_run_python()


def test_without_any_isolation_course_grade_refuses_and_says_what_is_exposed(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_GRADING_LANDLOCK", "off")
    monkeypatch.setenv("COURSE_GRADING_ISOLATION", "limits")
    sandbox.full_isolation_available.cache_clear()
    try:
        assert isolation_level() == "none"
        from course.autograder.exposure import refusal

        (tmp_path / "nbgrader_config.py").write_text(f"c.CourseDirectory.db_url = {SECRET!r}\n")
        text = refusal(tmp_path)
        assert "nbgrader_config.py" in text and "--insecure" in text and "gradebook-db" in text
    finally:
        monkeypatch.undo()
        sandbox.full_isolation_available.cache_clear()
        stop_zygote()
