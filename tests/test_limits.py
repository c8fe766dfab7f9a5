"""Every limit holds in every path that runs student code: the student runner forked from the
zygote (with namespaces when this machine allows them, and without), a Jupyter kernel forked from
the zygote, and a Jupyter kernel started the usual way. One test per limit per path; each
attack runs in a kernel of its own, and the grading goes on.

CI (root, Debian, namespaces) runs every path. A root grader without namespaces runs kernels under
a slot uid, which needs a Python other users can run: where it cannot (a pyenv under /root), those
paths are skipped, since grading refuses there (course.autograder.sandbox.require_kernel_uid). The
attacks that could hurt the machine if a limit failed (memory, processes) act only inside a
grading sandbox under a slot uid (tests.helpers.IN_SANDBOX_ONLY)."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest

from course.autograder import landlock, sandbox
from course.autograder.execute import execute
from course.autograder.limits import Limits
from course.autograder.worker import _end_student_processes, _kernels_get_own_uid, new_uid_base, sandbox_paths
from course.autograder.zygote import stop_zygote
from tests.helpers import IN_SANDBOX_ONLY, destructive_cases_can_run

pytestmark = pytest.mark.slow
UID = new_uid_base()  # a block of its own: two runs on one machine never share a uid
# Each attack meets the limit it tests; the two time limits are generous for the others, so a
# slow machine (a kernel that takes seconds to start under load, a slow allocation) cannot end an
# attack by time before the limit under test is reached. TIMED lowers them for the time attacks.
LIMITS = Limits(
    cell_timeout=60,
    submission_timeout=150,
    memory_mb=2048,
    max_processes=48,
    max_file_mb=16,
    max_disk_mb=100,
    max_files=2000,
    max_output_bytes=200_000,
)
TIMED = {
    "cell-time": replace(LIMITS, cell_timeout=6),
    "submission-time": replace(LIMITS, cell_timeout=6, submission_timeout=14),
}

PATHS = {
    # the student runner (course.autograder.kernelless): what `course grade` uses on Linux
    "forked": {},
    "forked-without-namespaces": {"COURSE_GRADING_ISOLATION": "limits"},
    # a Jupyter kernel forked from the same zygote (COURSE_GRADING_STUDENT=kernel)
    "forked-kernel": {"COURSE_GRADING_STUDENT": "kernel"},
    # a Jupyter kernel started the usual way, where the zygote cannot run (macOS)
    "started": {"COURSE_GRADING_ISOLATION": "limits", "COURSE_GRADING_NO_ZYGOTE": "1"},
}
# 6 GiB, a page at a time, every page touched. The blocks are let go when the limit stops the loop
# (the MemoryError still ends the cell): a kernel left holding all it could get cannot be relied on
# to run even print() in the next cell (IPython may need memory to format the traceback or to
# import), and the test's point is the limit and that grading goes on.
PAGES = (
    "blocks = []\ntry:\n    for i in range(6 * 1024):\n        b = bytearray(1 << 20)\n"
    "        for j in range(0, 1 << 20, 4096): b[j] = 1\n        blocks.append(b)\n"
    "finally:\n    b = None\n    blocks.clear()"
)
# each child takes what its own address-space limit allows (up to 1 GB) in 16 MB chunks, touching
# every page; four of them need more than the kernel's limit in all
FORKS = (
    "import os, time\nkids = []\nfor k in range(4):\n    pid = os.fork()\n    if pid == 0:\n"
    "        try:\n            held = []\n            for _ in range(64):\n"
    "                block = bytearray(16 << 20)\n                block[::4096] = b'x' * 4096\n"
    "                held.append(block)\n        except MemoryError:\n            pass\n"
    "        finally:\n            time.sleep(30)\n            os._exit(0)\n"
    "    kids.append(pid)\nfor pid in kids:\n    os.waitpid(pid, 0)"
)
MEMFD = (
    "import os\nfds = []\nfor n in range(200):\n    fd = os.memfd_create(str(n))\n"
    "    for i in range(15):\n        os.write(fd, b'x' * (1 << 20))\n    fds.append(fd)"
)
ATTACKS = {
    # limit: (cells, what must be true of the outcome)
    "memory-one-process": (
        [IN_SANDBOX_ONLY + PAGES, "print('after')"],
        lambda out, problems: "2048 MB" in problems and "after" in out,
    ),
    "memory-children": ([IN_SANDBOX_ONLY + FORKS, "print('after')"], lambda out, problems: "2048 MB" in problems),
    "memory-memfd": (
        [IN_SANDBOX_ONLY + MEMFD, "print('after')"],
        lambda out, problems: "2048 MB" in problems or "Operation not permitted" in out,
    ),
    "processes": (
        [
            IN_SANDBOX_ONLY + "import os, time\nfor _ in range(500):\n"
            "    if os.fork() == 0:\n        time.sleep(20)\n        os._exit(0)",
            "print('after')",
        ],
        lambda out, problems: "Resource temporarily unavailable" in out or "48 processes" in problems,
    ),
    "file-size": (
        ["open('big', 'wb').write(b'x' * (40 << 20))", "print('after')"],
        lambda out, problems: "File too large" in out,
    ),
    # many files, each under the file-size limit: 450 MB in all against 100 MB
    "disk": (
        ["for i in range(30):\n    open(f'f{i}', 'wb').write(b'x' * (15 << 20))", "print('after')"],
        lambda out, problems: "more than 100 MB of files" in problems and "after" not in out,
    ),
    "files": (
        ["import os\nos.mkdir('d')\nfor i in range(6000):\n    open(f'd/{i}', 'w').close()", "print('after')"],
        lambda out, problems: "more than 2000 files" in problems and "after" not in out,
    ),
    "output": (
        ["for i in range(50_000):\n    print('spam ' * 40)", "print('after')"],
        lambda out, problems: "output truncated" in out,
    ),
    "cell-time": (
        ["import time\ntime.sleep(120)", "print('after')"],
        lambda out, problems: "interrupted" in problems and "after" in out,
    ),
    "submission-time": (
        ["import time\ntime.sleep(4)"] * 4 + ["print('after')"],
        lambda out, problems: "used up its 14 s" in problems and "after" not in out,
    ),
}


DESTRUCTIVE = ("memory-one-process", "memory-children", "memory-memfd", "processes")


@pytest.fixture(params=list(PATHS))
def path(request, monkeypatch):
    for key, value in PATHS[request.param].items():
        monkeypatch.setenv(key, value)
    sandbox.full_isolation_available.cache_clear()
    stop_zygote()
    yield request.param
    stop_zygote()
    monkeypatch.undo()
    sandbox.full_isolation_available.cache_clear()


@pytest.mark.parametrize("limit", list(ATTACKS))
def test_limit_holds(path, limit, tmp_path, request):
    if path != "forked" and os.geteuid() != 0 and landlock.abi_version() < 1:
        pytest.skip("no isolation at all here: course grade refuses without --insecure")
    if why := sandbox.root_without_slot_uid():
        pytest.skip(f"{path}: grading refuses here, as it must ({why[:160]}...)")
    if limit in DESTRUCTIVE and not destructive_cases_can_run():
        pytest.skip("kernels run as this account here: the attack refuses to act outside a slot uid")
    # as course grade makes it: a scratch root other uids can pass through (pytest's folders are
    # closed to them), whose kernel folders belong to the kernel's uid
    scratch = Path(tempfile.mkdtemp(prefix="course-grade-"))
    request.addfinalizer(lambda: shutil.rmtree(scratch, ignore_errors=True))
    os.chmod(scratch, 0o711)
    workdir = scratch / limit
    workdir.mkdir()
    if _kernels_get_own_uid():
        os.chown(workdir, UID, UID)
    cells, holds = ATTACKS[limit]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    report = execute(notebook, workdir, TIMED.get(limit, LIMITS), UID, *sandbox_paths(tmp_path, scratch))
    out = "\n".join(
        o.get("text", "") if o.output_type == "stream" else f"{o.get('ename')}: {o.get('evalue')}"
        for c in report.notebook.cells
        for o in c.outputs
    )
    problems = "\n".join(report.problems)
    # as the worker does after every notebook: nothing the attack left running (48 sleeping
    # children hold the uid's process limit) outlives it into the next kernel of the same uid
    _end_student_processes(UID, [report.kernel_pid] if report.kernel_pid else [])
    assert holds(out, problems), (path, limit, out[-600:], problems)
    # and the grader goes on: the next kernel is healthy
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
    (scratch / "next").mkdir()
    if _kernels_get_own_uid():
        os.chown(scratch / "next", UID, UID)
    after = execute(nb, scratch / "next", LIMITS, UID, *sandbox_paths(tmp_path, scratch))
    _end_student_processes(UID, [after.kernel_pid] if after.kernel_pid else [])
    assert after.notebook.cells[0].outputs[0]["text"] == "42\n", after.problems
