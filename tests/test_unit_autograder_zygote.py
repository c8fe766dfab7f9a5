"""course.autograder.zygote, the parts decided before any process starts: which course modules a
kernel gets preloaded, and the clean environment kernels (and the zygote) start with. Starting,
forking and ending zygotes is covered by the slow tests (tests/test_zygote.py)."""

from __future__ import annotations

import os
import pkgutil

import course.widgets
from course import settings
from course.autograder.sandbox import MARKER
from course.autograder.zygote import _new_log, course_modules, kernel_environment
from course.paths import data_dir


def test_the_student_facing_modules_are_preloaded():
    modules = course_modules()
    assert {"course.data", "course.checks", "course.widgets"} <= set(modules)
    widgets = {f"course.widgets.{m.name}" for m in pkgutil.iter_modules(course.widgets.__path__)}
    assert widgets and widgets <= set(modules)  # a new widget is preloaded without a change to the zygote


def test_the_instructor_side_is_not_preloaded():
    instructor = ("course.pipeline", "course.autograder", "course.cli", "course.workspace", "course.nbgrader_run")
    leaked = [m for m in course_modules() if m == "course" or m.startswith(instructor)]
    assert leaked == []


def test_preloaded_modules_exist_and_are_listed_once():
    modules = course_modules()
    assert modules == sorted(set(modules))
    every = {m.name for m in pkgutil.walk_packages(course.__path__, "course.")}
    assert set(modules) <= every


def test_a_kernel_gets_nothing_of_the_graders_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_GRADER_SECRET", "the gradebook's password")
    monkeypatch.setenv("PGPASSWORD", "hunter2")
    monkeypatch.setenv(MARKER, "a marker the grader set for itself")
    environment = kernel_environment(tmp_path)
    assert "COURSE_GRADER_SECRET" not in environment and "PGPASSWORD" not in environment
    assert "the gradebook's password" not in environment.values() and "hunter2" not in environment.values()
    assert MARKER not in environment  # the marker is added per batch by the caller, never inherited


def test_a_kernels_home_and_temporary_folder_are_its_own(tmp_path):
    environment = kernel_environment(tmp_path)
    assert environment["HOME"] == environment["TMPDIR"] == str(tmp_path)
    assert environment["IPYTHONDIR"].startswith(str(tmp_path)) and environment["MPLCONFIGDIR"].startswith(str(tmp_path))


def test_a_kernel_is_told_where_the_course_data_are(monkeypatch, tmp_path):
    assert kernel_environment(tmp_path)[settings.DATA_DIR.name] == str(data_dir())
    elsewhere = tmp_path / "data"
    elsewhere.mkdir()
    monkeypatch.setenv(settings.DATA_DIR.name, str(elsewhere))
    assert kernel_environment(tmp_path)[settings.DATA_DIR.name] == str(elsewhere.resolve())


def test_a_kernel_keeps_the_path_and_the_language(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.setenv("LANG", "C.UTF-8")
    environment = kernel_environment(tmp_path)
    assert environment["PATH"] == "/usr/bin:/bin" and environment["LANG"] == "C.UTF-8"


def test_the_environment_holds_text_only(tmp_path):
    """os.execve and Popen(env=...) accept only strings."""
    environment = kernel_environment(tmp_path)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in environment.items())


def test_a_new_kernel_log_never_goes_through_what_the_last_kernel_left(tmp_path):
    """The zygote opens each kernel's log with its own rights (root, outside the sandbox), in the
    submission's folder, where an earlier kernel may have left a link or a FIFO by that name."""
    victim = tmp_path / "victim"
    victim.write_text("intact\n")
    for planted in ("link", "fifo", "directory"):
        log = tmp_path / f"{planted}.log"
        if planted == "link":
            log.symlink_to(victim)
        elif planted == "fifo":
            os.mkfifo(log)
        else:
            log.mkdir()
        fd = _new_log(log)
        try:
            os.write(fd, b"kernel error\n")
        finally:
            os.close(fd)
        assert victim.read_text() == "intact\n", planted
        assert planted == "directory" or (
            log.is_file() and not log.is_symlink() and log.read_text() == "kernel error\n"
        )
