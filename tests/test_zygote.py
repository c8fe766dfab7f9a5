"""The kernel zygote: kernels forked from a pre-imported process must behave exactly like freshly
started ones (nothing carried from one student to the next, nothing of the grader's), never
outlive the grading, and fail with a clear reason.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import threading
import time
from pathlib import Path

import nbformat
import pytest

from course.autograder import zygote as zygote_module
from course.autograder.execute import execute
from course.autograder.kernel import kernel_manager
from course.autograder.limits import Limits
from course.autograder.sandbox import full_isolation_available
from course.autograder.worker import new_uid_base, sandbox_paths
from course.autograder.zygote import Zygote, ZygoteClient, ZygoteError, kernel_environment, stop_zygote, zygote
from tests.helpers import owner as process_owner
from tests.helpers import pids, running

pytestmark = pytest.mark.slow
UID = new_uid_base()  # a block of its own: two runs on one machine never share a uid


@pytest.fixture
def scratch(tmp_path):
    root = tmp_path / "scratch"
    root.mkdir()
    os.chmod(root, 0o711)
    return root


def run(scratch: Path, name: str, *sources: str) -> list[str]:
    """Run `sources` as cells in a fresh grading kernel; the text each cell printed or raised."""
    workdir = scratch / name
    workdir.mkdir()
    if full_isolation_available():
        os.chown(workdir, UID, UID)
    hide, keep = sandbox_paths(scratch.parent, scratch)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    report = execute(notebook, workdir, Limits(cell_timeout=20), UID, hide, keep)
    assert not report.problems, report.problems
    return ["".join(_text(o) for o in cell.outputs) for cell in report.notebook.cells]


def _text(output) -> str:
    if output.output_type == "stream":
        return output.text
    if output.output_type == "error":
        return f"{output.ename}: {output.evalue}"
    return ""  # displayed values are not part of these checks


def test_each_kernel_starts_from_the_pristine_image(scratch):
    """A student who tampers with preloaded modules, the data cache or builtins leaves no trace
    for the next student: each kernel is a fresh fork, never a reused one."""
    polluted = run(
        scratch,
        "first",
        "import pandas, builtins, course.checks, course.data\n"
        "course.data._tables.cache_clear()\n"
        "course.data.load_events = lambda: None\n"
        "pandas.DataFrame.__len__ = lambda self: 0\n"
        "course.checks.expect_equal = lambda *a, **k: None\n"
        "builtins.print = lambda *a, **k: None\n"
        "import sys; sys.stdout.write('tampered')",
    )
    assert polluted == ["tampered"]
    fresh = run(
        scratch,
        "second",
        "import pandas, course.checks, course.data\n"
        "print(len(pandas.DataFrame({'a': [1, 2]})), course.checks.expect_equal.__module__,"
        " len(course.data.load_events()))",
    )
    from course.data import load_events

    assert fresh == [f"2 course.checks {len(load_events())}\n"]  # the whole table, as the data has it


def test_the_kernel_sees_none_of_the_graders_environment(scratch, monkeypatch):
    monkeypatch.setenv("COURSE_GRADER_SECRET", "database password")
    stop_zygote()  # a zygote started after the secret was set
    try:
        [names] = run(scratch, "env", "import os; print(' '.join(sorted(os.environ)))")
    finally:
        stop_zygote()
    seen = set(names.split())
    assert "COURSE_GRADER_SECRET" not in seen and "PYTEST_CURRENT_TEST" not in seen
    allowed = set(kernel_environment(scratch)) | {
        "COURSE_GRADING_SANDBOX",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "PAGER",
        "GIT_PAGER",
        "TERM",
        "FORCE_COLOR",
    }
    assert seen <= allowed, seen - allowed


def test_no_kernel_outlives_its_zygote(scratch):
    owner = Zygote()
    owner.wait_ready()
    client = ZygoteClient(owner.ticket)
    workdir = scratch / "orphan"
    workdir.mkdir()
    isolated = full_isolation_available()
    if isolated:
        os.chown(workdir, UID, UID)
    km = kernel_manager(
        workdir,
        UID,
        *sandbox_paths(scratch.parent, scratch),
        Limits(memory_mb=1024, max_processes=64, submission_timeout=30),
    )
    km.write_connection_file()
    _, pidfd = client.spawn(km.provisioner.sandbox, km.connection_file, [], kernel_environment(workdir))
    try:
        time.sleep(1.0)  # the kernel is up
        if isolated:
            assert any(process_owner(p) == UID for p in pids()), "the sandboxed kernel should be running"
        os.kill(owner.process.pid, signal.SIGKILL)  # the grader's zygote dies abruptly
        assert select.select([pidfd], [], [], 10)[0], "the kernel's keeper outlived the zygote"
        deadline = time.monotonic() + 10
        while isolated and any(process_owner(p) == UID for p in pids()) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not (isolated and any(process_owner(p) == UID for p in pids())), (
            "a sandboxed process outlived the zygote"
        )
    finally:
        os.close(pidfd)
        client.close()
        owner.close()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another user")
def test_the_zygote_answers_only_its_own_user(tmp_path):
    owner = Zygote()
    try:
        owner.wait_ready()
        os.chmod(owner.home, 0o755)  # even if its private folder were open
        os.chmod(owner.address, 0o777)
        child = os.fork()
        if child == 0:
            try:
                os.setgid(65534)
                os.setuid(65534)
                probe = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
                probe.connect(owner.address)
                probe.settimeout(10)
                os._exit(0 if probe.recv(4096) == b"" else 1)  # closed without a greeting
            except BaseException:
                os._exit(2)
        _, status = os.waitpid(child, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert ZygoteClient(owner.ticket).pid == owner.process.pid  # its own user is greeted
    finally:
        owner.close()


def test_a_dead_zygote_is_replaced(scratch):
    first = zygote()
    os.kill(first.pid, signal.SIGKILL)
    time.sleep(0.5)
    assert run(scratch, "after", "print(6 * 7)") == ["42\n"]
    assert zygote().pid != first.pid


def test_a_zygote_that_cannot_start_says_why(scratch, monkeypatch):
    stop_zygote()
    monkeypatch.setattr(zygote_module.sys, "executable", "/bin/false")
    with pytest.raises(ZygoteError, match="could not start"):
        Zygote().wait_ready()
    workdir = scratch / "never"
    workdir.mkdir()
    report = execute(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]),
        workdir,
        Limits(),
        UID,
        *sandbox_paths(scratch.parent, scratch),
    )
    assert report.problems and "could not start" in report.problems[0]


def test_a_bad_request_is_refused_and_the_zygote_carries_on():
    owner = Zygote()
    try:
        owner.wait_ready()
        client = ZygoteClient(owner.ticket)
        client.channel.send(b"{not json")
        reply = json.loads(client.channel.recv(4096))
        assert "error" in reply
        assert owner.alive() and client.healthy()
    finally:
        owner.close()


def _settled_counts(deadline: float = 10.0) -> tuple[int, int]:
    """(open files, OS threads) of this process once every thread that is ending has ended.

    A thread that Python has joined (an executor's worker, asyncio's shutdown helper) can still be
    listed in /proc/self/task for a moment: join() returns when the Python side is done, before the
    OS thread has exited. Counting at once is a race (it failed 2 runs in 9); waiting until the OS
    threads are exactly the live Python threads is not, and a real leak (a zmq I/O thread, a
    thread that keeps running) still fails, after the deadline."""
    end = time.monotonic() + deadline
    while True:
        tasks = len(os.listdir("/proc/self/task"))
        if tasks == threading.active_count() or time.monotonic() > end:
            return len(os.listdir("/proc/self/fd")), tasks
        time.sleep(0.01)


def test_grading_many_submissions_leaks_no_files_or_threads(scratch):
    """A worker grades one submission after another: each must give back its sockets and zmq
    threads (before this was checked, every submission kept a dozen files and three threads).

    A thread that has finished its work leaves Python's list of threads a moment before the
    system lets go of it (asyncio's executor threads end that way after each submission), so the
    count is read once the process has settled: a real leak never settles back."""
    run(scratch, "warm-up", "1")
    before = _settled_counts()
    for index in range(4):
        run(scratch, f"next-{index}", "1")
    # The worker closes its sockets a moment after the reply too: wait for that state, then compare.
    deadline = time.monotonic() + 5
    while _settled_counts() != before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _settled_counts() == before
    assert threading.active_count() == 1, [t.name for t in threading.enumerate()]


def test_a_zygote_cleans_up_after_an_owner_that_just_exits(tmp_path):
    """A pool worker exits without running atexit: its zygote still ends and removes its folder."""
    import subprocess
    import sys

    script = (
        "import os, sys\nfrom course.autograder.zygote import zygote, own_zygote\n"
        "zygote()\nprint(own_zygote().home, own_zygote().process.pid, flush=True)\nos._exit(0)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    home, pid = done.stdout.split()
    deadline = time.monotonic() + 10
    while (Path(home).exists() or running(int(pid))) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(home).exists(), "the zygote's private folder was left behind"
    assert not running(int(pid)), "the zygote outlived its owner"


def test_the_zygote_forks_only_for_its_token(scratch):
    """Without namespaces, kernels run under the grader's uid, so the peer check cannot tell them
    from the grader's workers: every request must carry the owner's token, which no kernel sees."""
    owner = Zygote()
    try:
        owner.wait_ready()
        impostor = ZygoteClient(owner.address)  # the socket, but not the token
        options = kernel_manager(scratch, UID, *sandbox_paths(scratch.parent, scratch), Limits()).provisioner.sandbox
        with pytest.raises(ZygoteError, match="not authorised"):
            impostor.spawn(options, str(scratch / "x.json"), [], {})
        assert owner.alive()
    finally:
        owner.close()
