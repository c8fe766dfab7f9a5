"""The student runner (course.autograder.kernelless) against a Jupyter kernel, and against student
code that attacks the runner itself.

- The course's own notebooks, solutions included, give the same outputs cell by cell in the runner
  as in a Jupyter kernel forked from the same zygote (output kinds, MIME types, text).
- Student code owns the runner's process: it can speak on the channel to the grader, close it,
  write the outputs file, ignore the interrupt. Each attack ends with the attacked cells stopped
  and reported, nothing of the grader's broken, and the next submission graded normally.
The limits themselves are tested in every path by tests/test_limits.py; the verdicts by
tests/test_verdict_adversarial.py (whose submissions run in the runner by default).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest

from course.autograder.execute import execute
from course.autograder.kernel import zygote_supported
from course.autograder.limits import Limits
from course.autograder.worker import _end_student_processes, _kernels_get_own_uid, new_uid_base, sandbox_paths
from course.autograder.zygote import stop_zygote
from course.paths import course_root

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not zygote_supported(), reason="the student runner needs the zygote (Linux)"),
]
UID = new_uid_base()
LIMITS = Limits(cell_timeout=6, submission_timeout=60, max_output_bytes=200_000)


@pytest.fixture(autouse=True)
def _own_zygote():
    stop_zygote()
    yield
    stop_zygote()


@contextlib.contextmanager
def student_folder(files: dict[str, bytes] | None = None):
    """(scratch root, the student's folder in it) as `course grade` makes them, removed after."""
    scratch = Path(tempfile.mkdtemp(prefix="course-grade-"))
    try:
        os.chmod(scratch, 0o711)
        workdir = scratch / "student"
        workdir.mkdir()
        for name, content in (files or {}).items():
            (workdir / name).write_bytes(content)
        if _kernels_get_own_uid():
            for path in [workdir, *workdir.iterdir()]:
                os.chown(path, UID, UID)
        yield scratch, workdir
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def execute_cells(cells: list[str], scratch: Path, workdir: Path, limits: Limits = LIMITS):
    """Execute `cells` in `workdir` as the worker does, and end what they left running."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    report = execute(notebook, workdir, limits, UID, *sandbox_paths(scratch / "course", scratch))
    _end_student_processes(UID, [report.kernel_pid] if report.kernel_pid else [])
    return report


def run(cells: list[str], mode: str, monkeypatch, limits: Limits = LIMITS, files: dict[str, bytes] | None = None):
    """Execute `cells` in the runner or a kernel ("runner" / "kernel") in a folder of their own."""
    if mode == "kernel":
        monkeypatch.setenv("COURSE_GRADING_STUDENT", "kernel")
    else:
        monkeypatch.delenv("COURSE_GRADING_STUDENT", raising=False)
    with student_folder(files) as (scratch, workdir):
        return execute_cells(cells, scratch, workdir, limits)


def text_of(report) -> str:
    return "\n".join(
        o.get("text", "") if o.output_type == "stream" else f"{o.get('ename')}: {o.get('evalue')}"
        for c in report.notebook.cells
        for o in c.outputs
    )


def assert_next_is_graded(monkeypatch) -> None:
    after = run(["print(6 * 7)"], "runner", monkeypatch)
    assert after.notebook.cells[0].outputs[0]["text"] == "42\n", after.problems


# --- the same outputs as a kernel ------------------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ADDRESS = re.compile(r"0x[0-9a-f]+|[0-9a-f]{32}|[0-9a-f-]{36}")


def shape(cell) -> list[tuple]:
    """What a reader sees of a cell's outputs, without what differs run to run (widget model ids,
    memory addresses) or between renderers of the same error (colours, the traceback's frames)."""
    seen = []
    for o in cell.outputs:
        if o.output_type == "stream":
            seen.append(("stream", o.name, _ADDRESS.sub("#", o.text)))
        elif o.output_type == "error":
            seen.append(("error", o.ename, _ANSI.sub("", o.evalue)))
        else:
            plain = o.data.get("text/plain", "")
            seen.append(
                (o.output_type, tuple(sorted(o.data)), _ADDRESS.sub("#", plain if isinstance(plain, str) else ""))
            )
    return seen


def merged_streams(cells):
    """Consecutive stream outputs of one name as one: a kernel may split a print in two messages."""
    for cell in cells:
        joined = []
        for o in cell.outputs:
            if (
                o.output_type == "stream"
                and joined
                and joined[-1].output_type == "stream"
                and joined[-1].name == o.name
            ):
                joined[-1].text += o.text
            else:
                joined.append(o)
        cell.outputs = joined
    return cells


@pytest.mark.parametrize("module", sorted(p.name for p in (course_root() / "notebooks").iterdir() if p.is_dir()))
def test_the_course_notebooks_give_the_same_outputs_as_in_a_kernel(module, monkeypatch):
    source = nbformat.read(course_root() / "notebooks" / module / f"{module}.ipynb", as_version=4)
    cells = [c.source for c in source.cells if c.cell_type == "code"]
    in_runner = run(cells, "runner", monkeypatch, Limits(cell_timeout=60, submission_timeout=300))
    in_kernel = run(cells, "kernel", monkeypatch, Limits(cell_timeout=60, submission_timeout=300))
    assert in_runner.problems == in_kernel.problems == []
    assert in_runner.ran == in_kernel.ran == set(range(len(cells)))
    for index, (a, b) in enumerate(
        zip(merged_streams(in_runner.notebook.cells), merged_streams(in_kernel.notebook.cells), strict=True)
    ):
        assert shape(a) == shape(b), (module, index, a.source[:200])
        assert a.execution_count == b.execution_count == index + 1


def test_display_updates_and_clearing_follow_the_kernel(monkeypatch):
    cells = [
        "from IPython.display import display, clear_output\nh = display('first', display_id=True)",
        "h.update('second')\nprint('x')\nclear_output(wait=True)\nprint('only this')",
        "input('name? ')",
        "!echo from the shell",
    ]
    for mode in ("runner", "kernel"):
        report = run(cells, mode, monkeypatch)
        first, second, asked, shell = report.notebook.cells
        assert [o.data["text/plain"] for o in first.outputs] == ["'second'"], mode
        assert [o.text for o in second.outputs] == ["only this\n"], mode
        assert asked.outputs[0].ename == "StdinNotImplementedError", mode
        assert shell.outputs[0].text.strip() == "from the shell", mode


# --- attacks on the runner itself ----------------------------------------------------------------------


def test_forged_messages_on_the_channel_stop_the_runner_and_grading_goes_on(monkeypatch):
    report = run(
        ["import os\nos.write(3, b'{\"end\": 99}\\n')\nimport time\ntime.sleep(1)", "print('after')"],
        "runner",
        monkeypatch,
    )
    assert "interfered with the grader's runner" in "\n".join(report.problems)
    assert "after" not in text_of(report)
    assert_next_is_graded(monkeypatch)


def test_garbage_on_the_channel_is_not_parsed_into_anything(monkeypatch):
    report = run(["import os\nos.write(3, b'\\xff' * 3000)", "print('after')"], "runner", monkeypatch)
    assert "interfered with the grader's runner" in "\n".join(report.problems)
    assert "after" not in text_of(report)
    report = run(["import os\nos.write(3, b'x' * 100_000)", "print('after')"], "runner", monkeypatch)
    assert "interfered with the grader's runner" in "\n".join(report.problems)
    assert "after" not in text_of(report)


def test_a_closed_channel_ends_the_runner_as_a_dead_kernel(monkeypatch):
    report = run(["import os\nos.close(3)", "print('after')"], "runner", monkeypatch)
    assert report.kernel_lost and "after" not in text_of(report), report.problems
    assert_next_is_graded(monkeypatch)


def test_an_ignored_interrupt_ends_the_runner_after_the_grace(monkeypatch):
    report = run(
        ["import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(60)", "print('after')"],
        "runner",
        monkeypatch,
    )
    problems = "\n".join(report.problems)
    assert "interrupted" in problems and "did not respond after the interrupt" in problems
    assert report.notebook.cells[0].outputs[-1].ename == "TimeoutError"
    assert "after" not in text_of(report)
    assert_next_is_graded(monkeypatch)


def test_a_forged_outputs_file_changes_only_well_formed_outputs_of_cells_that_ran(monkeypatch):
    ghost = "{'output_type': 'stream', 'name': 'stdout', 'text': 'ghost'}"
    bad = (
        "{'output_type': 'stream', 'name': 'evil', 'text': 1}, "
        "{'output_type': 'display_data', 'data': {'text/html': ['<b>', 3]}}, "
        "{'output_type': 'error', 'ename': 'E', 'evalue': 'v', 'traceback': 'x'}"
    )
    forge = (
        "import json, os\nfd = os.open('.course-outputs.jsonl', os.O_WRONLY | os.O_APPEND)\n"
        f"for line in ['not json', '[1]', {{'cell': 5, 'outputs': [{ghost}]}}, {{'cell': 1, 'outputs': [{bad}]}},"
        " {'update': 'nothing', 'data': 5}]:\n"
        "    os.write(fd, ((line if isinstance(line, str) else json.dumps(line)) + '\\n').encode())"
    )
    report = run([forge, "print('real')", "print('last')"], "runner", monkeypatch)
    assert report.problems == []
    assert "ghost" not in text_of(report)
    assert [o.text for o in report.notebook.cells[1].outputs] == ["real\n"]
    assert [o.text for o in report.notebook.cells[2].outputs] == ["last\n"]
    nbformat.validate(report.notebook)


def test_a_submitted_file_named_like_the_runners_files_changes_nothing(monkeypatch):
    files = {
        ".course-cells.json": b'{"cells": [[0, "print(\'planted\')"]], "max_output_bytes": 5}',
        ".course-outputs.jsonl": b"junk",
    }
    report = run(["print('mine')"], "runner", monkeypatch, files=files)
    assert text_of(report) == "mine\n", report.problems


def test_output_past_the_budget_is_cut_in_every_kind_of_output(monkeypatch):
    report = run(
        [
            "from IPython.display import display, HTML\n"
            "for i in range(400):\n    display(HTML('<p>' + 'x' * 1000 + '</p>'))",
            "print('after')",
        ],
        "runner",
        monkeypatch,
    )
    kept = report.notebook.cells[0].outputs
    assert len(kept) < 250 and "output truncated" in kept[-1].text
    assert "after" not in text_of(report)  # the budget is the submission's, as with a kernel


# --- what a cell can leave in the folder for the grader, or for the next notebook's process ----------


@pytest.mark.timeout(120)
def test_a_fifo_in_place_of_the_kernel_log_does_not_hold_the_grader(monkeypatch):
    report = run(
        ["import os\nos.unlink('.kernel-log')\nos.mkfifo('.kernel-log')\nos._exit(1)", "print('after')"],
        "runner",
        monkeypatch,
    )
    assert report.kernel_lost and "kernel died in cell #0" in "\n".join(report.problems)


def test_a_link_planted_for_the_next_notebooks_log_is_not_followed(monkeypatch):
    """Every notebook of a submission runs in the same folder: a link left where the next
    process's log goes must not make the grader (root, outside the sandbox) write through it."""
    monkeypatch.delenv("COURSE_GRADING_STUDENT", raising=False)
    with student_folder() as (scratch, workdir):
        victim = scratch / "victim.txt"  # outside the student's folder, as the course's files are
        victim.write_text("intact\n")
        plant = f"import os\nos.unlink('.kernel-log')\nos.symlink({str(victim)!r}, '.kernel-log')"
        for cells in ([plant], ["import os\nos.write(2, b'written through the link?\\n')"]):
            report = execute_cells(cells, scratch, workdir)
            assert report.problems == [], report.problems
        assert victim.read_text() == "intact\n"
        assert not (workdir / ".kernel-log").is_symlink()


def test_text_outside_ascii_counts_against_the_budget_as_the_grader_reads_it(monkeypatch):
    report = run(["print('\\U0001F600' * 1_000_000)", "print('after')"], "runner", monkeypatch)
    first = report.notebook.cells[0].outputs
    assert "output truncated" in first[-1].text, report.problems
    assert report.problems == []  # cut by the runner's budget, not lost at the grader's cap


def test_a_lone_surrogate_in_an_output_is_kept_replaced(monkeypatch):
    report = run(["print('\\ud800 and on')"], "runner", monkeypatch)
    assert report.problems == []
    assert report.notebook.cells[0].outputs[0].text.endswith(" and on\n")


def test_the_submissions_own_modules_import_as_in_a_kernel(monkeypatch):
    for mode in ("runner", "kernel"):
        report = run(
            ["import helper_of_mine\nprint(helper_of_mine.VALUE)"],
            mode,
            monkeypatch,
            files={"helper_of_mine.py": b"VALUE = 'found'\n"},
        )
        assert text_of(report) == "found\n", (mode, report.problems, text_of(report))


def test_a_timed_out_cell_shows_the_graders_timeout_only_as_with_a_kernel(monkeypatch):
    for mode in ("runner", "kernel"):
        report = run(["import time\ntime.sleep(60)", "print('after')"], mode, monkeypatch)
        assert [o.get("ename") for o in report.notebook.cells[0].outputs] == ["TimeoutError"], mode
        assert [c.source for c in report.notebook.cells] == ["import time\ntime.sleep(60)", "print('after')"], mode
        assert text_of(report).endswith("after\n"), mode


def test_a_display_update_cannot_grow_the_notebook_past_the_output_limit(monkeypatch):
    """2,000 tiny outputs under one display id, then one 300 KB update: applied to each, it would
    be 600 MB of notebook. Counted once per output it changes, it is over the budget."""
    cells = [
        "from IPython.display import display, update_display\n"
        "for _ in range(2000):\n    display({'text/plain': ''}, raw=True, display_id='a')",
        "update_display({'text/plain': 'y' * 300_000}, raw=True, display_id='a')",
    ]
    for mode in ("runner", "kernel"):
        report = run(cells, mode, monkeypatch)
        assert len(nbformat.writes(report.notebook)) < 2_000_000, mode


def test_limits_hold_while_the_runner_stalls_between_cells(monkeypatch):
    """Student code decides when the runner starts its next cell (here it stalls for 20 s before
    reading the grader's "go"), while a child it left fills the disk for a few seconds and empties
    it again before the next cell: the limits are checked between cells too, not only in one."""
    stall_and_fill = (
        "import os, socket, time\nreal = socket.socket.recv\n"
        "def slow(self, *args):\n    time.sleep(20)\n    return real(self, *args)\n"
        "socket.socket.recv = slow\nif os.fork() == 0:\n    time.sleep(1)\n"
        "    for i in range(30):\n        open(f'f{i}', 'wb').write(b'x' * (15 << 20))\n"
        "    time.sleep(4)\n    for i in range(30):\n        os.remove(f'f{i}')\n    os._exit(0)"
    )
    report = run([stall_and_fill, "print('after')"], "runner", monkeypatch, replace(LIMITS, max_disk_mb=100))
    assert "cell #1: " in "\n".join(report.problems) and "more than 100 MB of files" in "\n".join(report.problems)
    assert "after" not in text_of(report)
