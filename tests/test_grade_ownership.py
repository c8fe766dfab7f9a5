"""`sudo course grade` leaves the instructor's course theirs (course.pipeline.ownership).

On a hub the instructor grades as root for full isolation; what the grader writes (autograded/,
a gradebook it creates) must end up owned by the owner of the course root, or the instructor's own
next `course grade`, `course feedback` or formgrader save fails with a PermissionError. These tests
need root (CI runs as root); elsewhere they skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from course.nbgrader_run import environment_for_tools
from course.pipeline.ownership import give_back, sqlite_files
from tests.helpers import course_argv

pytestmark = pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="needs root (chown)")
OWNER = (65534, 65534)  # nobody/nogroup: an account that is not root
OTHER = (12345, 12345)  # someone else's file, which must stay theirs


def owners(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.lstat().st_uid, p.lstat().st_gid) for p in [root, *sorted(root.rglob("*"))]}


@pytest.fixture
def course(tmp_path) -> Path:
    root = tmp_path / "course"
    (root / "autograded").mkdir(parents=True)
    os.chown(root, *OWNER)
    os.chown(root / "autograded", *OWNER)
    return root


def test_what_root_wrote_goes_to_the_course_owner_and_nothing_else_changes(course, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("root's own file, outside the course")
    graded = course / "autograded" / "ada" / "m1"
    graded.mkdir(parents=True)
    (graded / "m1.ipynb").write_text("{}")
    (graded / "sub").mkdir()
    (graded / "sub" / "data.csv").write_text("a\n")
    (graded / "theirs.txt").write_text("x")
    os.chown(graded / "theirs.txt", *OTHER)
    (graded / "link").symlink_to(outside)  # a link is never followed
    other_student = course / "autograded" / "bob" / "m1"
    other_student.mkdir(parents=True)  # not named: left alone
    (course / "gradebook.db").write_text("")

    changed = give_back(course, [graded, *sqlite_files(f"sqlite:///{course / 'gradebook.db'}"), outside])

    after = owners(course)
    for name in ("autograded/ada", "autograded/ada/m1", "autograded/ada/m1/m1.ipynb", "autograded/ada/m1/sub"):
        assert after[name] == OWNER, name
    assert after["autograded/ada/m1/sub/data.csv"] == OWNER and after["gradebook.db"] == OWNER
    assert after["autograded/ada/m1/theirs.txt"] == OTHER
    assert after["autograded/ada/m1/link"] == (0, 0) and outside.stat().st_uid == 0
    assert after["autograded/bob"] == (0, 0) and after["autograded/bob/m1"] == (0, 0)
    assert changed == 6  # ada, m1, m1.ipynb, sub, sub/data.csv, gradebook.db


def test_nothing_changes_when_the_course_is_roots(tmp_path):
    (tmp_path / "autograded" / "ada").mkdir(parents=True)
    assert give_back(tmp_path, [tmp_path / "autograded" / "ada"]) == 0


def test_a_server_gradebook_has_no_files():
    assert sqlite_files("postgresql://course@db/summits") == []
    assert [p.name for p in sqlite_files("sqlite:////srv/c/gradebook.db")] == [
        "gradebook.db",
        "gradebook.db-journal",
        "gradebook.db-wal",
        "gradebook.db-shm",
    ]


@pytest.mark.slow
def test_sudo_course_grade_and_feedback_leave_every_file_to_the_instructor(tmp_path):
    """A real batch graded as root in a course root owned by another account: autograded/, the
    gradebook and then feedback/ are the owner's afterwards, and the owner can replace them."""
    from tests.test_adversarial import ASSIGNMENT, make_course

    course = make_course(tmp_path / "course", {"ada": "answer = 42", "bob": "answer = 41"})
    for path in [course, *course.rglob("*")]:
        os.chown(path, *OWNER, follow_symlinks=False)
    done = subprocess.run(
        course_argv("grade", ASSIGNMENT, "--jobs", "2"),
        cwd=course,
        env=environment_for_tools(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "graded 2 submission(s)" in done.stdout and "given back to" in done.stdout, done.stdout
    wrong = {name: who for name, who in owners(course).items() if who != OWNER}
    assert not wrong, f"left to root after `sudo course grade`: {wrong}"
    # `sudo course feedback` too: the pages are the instructor's
    done = subprocess.run(
        course_argv("feedback", ASSIGNMENT), cwd=course, env=environment_for_tools(), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (course / "feedback" / "ada" / ASSIGNMENT / "adv.html").is_file(), done.stdout
    wrong = {name: who for name, who in owners(course).items() if who != OWNER}
    assert not wrong, f"left to root after `sudo course feedback`: {wrong}"
    # what the instructor could not do before: replace a graded folder as themselves (from a
    # descriptor opened as root: tmp_path's parents are root's, mode 0700)
    graded = course / "autograded" / "ada" / ASSIGNMENT
    assert (graded / "adv.ipynb").is_file()
    folder = os.open(graded.parent, os.O_RDONLY | os.O_DIRECTORY)
    os.setegid(OWNER[1])
    os.seteuid(OWNER[0])
    try:
        shutil.rmtree(ASSIGNMENT, dir_fd=folder)
    finally:
        os.seteuid(0)
        os.setegid(0)
        os.close(folder)
    assert not graded.exists()
